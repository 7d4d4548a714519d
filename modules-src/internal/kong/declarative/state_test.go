package declarative

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParse_Errors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		docs []Doc
		want string
	}{
		{"not a list", []Doc{{"state", map[string]any{"_format_version": "3.0", "services": "a"}}},
			`services: expected a list of services, got "a"`},
		{"not an object", []Doc{{"state", map[string]any{"_format_version": "3.0", "services": []any{"a"}}}},
			`services[0]: expected an object (one service), got "a"`},
		{"id not a uuid", []Doc{{"state", map[string]any{"_format_version": "3.0", "services": []any{map[string]any{"id": "x"}}}}},
			`services[0].id: expected a UUID`},
		{"ref object with an unknown key", []Doc{{"state", map[string]any{"_format_version": "3.0",
			"routes": []any{map[string]any{"name": "r", "service": map[string]any{"nam": "s"}}}}}},
			`routes[0].service.nam: unknown key; a reference to a service holds one of id, name`},
		{"empty ref", []Doc{{"state", map[string]any{"_format_version": "3.0", "plugins": []any{map[string]any{"name": "cors", "route": " "}}}}},
			`plugins[0].route: must name a route (name or id), got an empty string`},
		{"defaults are refused", []Doc{{"state", map[string]any{"_format_version": "3.0", "_info": map[string]any{"defaults": map[string]any{}}}}},
			`_info.defaults: decK's defaults are not supported`},
		{"konnect block", []Doc{{"state", map[string]any{"_format_version": "3.0", "_konnect": map[string]any{"control_plane_name": "x"}}}},
			`_konnect: is decK's Konnect target`},
		{"files disagree on select tags", []Doc{
			{"a.yaml", map[string]any{"_format_version": "3.0", "_info": map[string]any{"select_tags": []any{"a"}}}},
			{"b.yaml", map[string]any{"_info": map[string]any{"select_tags": []any{"b"}}}}},
			`b.yaml: _info.select_tags: [b] differ from [a] in an earlier document`},
		{"several problems at once", []Doc{{"state", map[string]any{"_format_version": "9", "servicez": []any{}}}},
			`_format_version: got "9", expected one of "1.1", "3.0"; servicez: unknown key (did you mean services?)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse(tc.docs)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Contains(t, err.Error(), "nothing was changed")
		})
	}
}

func TestParse_NestingSetsTheParentRef(t *testing.T) {
	t.Parallel()
	st, err := Parse([]Doc{{"state", map[string]any{"_format_version": "1.1",
		"services": []any{map[string]any{"name": "s", "url": "http://a", "routes": []any{map[string]any{"name": "r",
			"plugins": []any{map[string]any{"name": "cors"}}}}}},
		"consumers": []any{map[string]any{"username": "c", "acls": []any{map[string]any{"group": "g"}}}},
	}}})
	require.NoError(t, err)
	assert.Equal(t, "1.1", st.Format)
	byPath := map[string]*Entity{}
	for _, e := range st.Entities {
		byPath[e.Path] = e
	}
	require.Len(t, byPath, 5)
	assert.Equal(t, byPath["services[0]"], byPath["services[0].routes[0]"].Refs["service"].Parent)
	assert.Equal(t, byPath["services[0].routes[0]"], byPath["services[0].routes[0].plugins[0]"].Refs["route"].Parent)
	assert.Equal(t, byPath["consumers[0]"], byPath["consumers[0].acls[0]"].Refs["consumer"].Parent)
	assert.Equal(t, map[string]any{"url": "http://a"}, byPath["services[0]"].Sugar)
}

func TestSecretsBeforeSchema(t *testing.T) {
	t.Parallel()
	got := SecretsBeforeSchema(map[string]any{"consumers": []any{map[string]any{"username": "alice",
		"keyauth_credentials":   []any{map[string]any{"key": "k-1"}},
		"basicauth_credentials": []any{map[string]any{"username": "u", "password": "pw"}},
		"plugins":               []any{map[string]any{"name": "x", "config": map[string]any{"policy": "local", "client_secret": "s3"}}}}}})
	assert.ElementsMatch(t, []string{"k-1", "pw", "s3"}, got, "keys, passwords and secret-looking config; not names nor short config values")
}
