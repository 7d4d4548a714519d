package kong

import (
	"errors"
	"fmt"
	"testing"

	gokong "github.com/kong/go-kong/kong"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"platform.ops/modules-src/internal/ansible"
)

func TestFlattenFields(t *testing.T) {
	t.Parallel()
	got := FlattenFields(map[string]any{
		"@entity": []any{"must set one of 'methods', 'hosts'", "second"},
		"paths":   []any{nil, "invalid regex"},
		"service": map[string]any{"id": "expected a valid UUID"},
		"host":    "required field missing",
		"config":  map[string]any{"redis": map[string]any{"port": "value should be between 0 and 65535"}},
	})
	assert.Equal(t, map[string]string{
		"@entity":           "must set one of 'methods', 'hosts'; second",
		"paths.2":           "invalid regex",
		"service.id":        "expected a valid UUID",
		"host":              "required field missing",
		"config.redis.port": "value should be between 0 and 65535",
	}, got)
}

func TestErrorFromKong_SchemaViolationCarriesStatusAndFields(t *testing.T) {
	t.Parallel()
	raw := []byte(`{"code":2,"name":"schema violation","message":"schema violation (path: should start with: /)","fields":{"path":"should start with: /"}}`)
	err := ErrorFromKong(fmt.Errorf("wrapped: %w", gokong.NewAPIErrorWithRaw(400, "schema violation (path: should start with: /)", raw)), `creating service "s"`)
	var f *ansible.Failure
	require.True(t, errors.As(err, &f))
	assert.Equal(t, `creating service "s" failed: Kong answered HTTP 400: schema violation (path: should start with: /)`, f.Msg)
	assert.Equal(t, map[string]any{
		"status":     400,
		"fields":     map[string]string{"path": "should start with: /"},
		"kong_error": "schema violation",
	}, f.Fields)
}

func TestErrorFromKong_PlainMessageWithoutFields(t *testing.T) {
	t.Parallel()
	err := ErrorFromKong(gokong.NewAPIErrorWithRaw(401, "Invalid credentials. Token or User credentials required", []byte(`{"message":"Invalid credentials. Token or User credentials required"}`)), "reading service \"s\"")
	var f *ansible.Failure
	require.True(t, errors.As(err, &f))
	assert.Equal(t, `reading service "s" failed: Kong answered HTTP 401: Invalid credentials. Token or User credentials required (give the RBAC token with admin_token or KONG_ADMIN_TOKEN)`, f.Msg)
	assert.Equal(t, map[string]any{"status": 401}, f.Fields)
}

func TestErrorFromKong_ForbiddenPointsAtTheTokensRoles(t *testing.T) {
	t.Parallel()
	err := ErrorFromKong(gokong.NewAPIErrorWithRaw(403, "Forbidden", []byte(`{"message":"Forbidden"}`)), "creating service \"s\"")
	var f *ansible.Failure
	require.True(t, errors.As(err, &f))
	assert.Equal(t, `creating service "s" failed: Kong answered HTTP 403: Forbidden (the RBAC user of admin_token may not do this here: check its roles in this workspace)`, f.Msg)
	assert.Equal(t, map[string]any{"status": 403}, f.Fields)
}

func TestErrorFromKong_NonHTTPErrorKeepsItsText(t *testing.T) {
	t.Parallel()
	err := ErrorFromKong(errors.New("dial tcp: connection refused"), "reading service \"s\"")
	assert.EqualError(t, err, `reading service "s": dial tcp: connection refused`)
}

func TestParseInfo(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		root       map[string]any
		want       Info
		atLeast3_2 bool
	}{
		{
			name: "kong 3.9 community with its router flavor",
			root: map[string]any{"version": "3.9.3", "edition": "community",
				"configuration": map[string]any{"router_flavor": "traditional_compatible", "database": "postgres"}},
			want:       Info{Version: "3.9.3", Major: 3, Minor: 9, Patch: 3, RouterFlavor: "traditional_compatible", Database: "postgres"},
			atLeast3_2: true,
		},
		{
			name: "kong 2.8 has one router and no edition",
			root: map[string]any{"version": "2.8.5", "configuration": map[string]any{"database": "postgres"}},
			want: Info{Version: "2.8.5", Major: 2, Minor: 8, Patch: 5, RouterFlavor: "traditional", Database: "postgres"},
		},
		{
			name:       "enterprise is read from the version string",
			root:       map[string]any{"version": "3.4.3.12-enterprise-edition"},
			want:       Info{Version: "3.4.3.12-enterprise-edition", Major: 3, Minor: 4, Patch: 3, Enterprise: true, RouterFlavor: "traditional"},
			atLeast3_2: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseInfo(tc.root)
			require.NoError(t, err)
			assert.Equal(t, tc.want, *got)
			assert.Equal(t, tc.atLeast3_2, got.AtLeast(3, 2))
		})
	}
}

func TestParseInfo_NotKong(t *testing.T) {
	t.Parallel()
	_, err := ParseInfo(map[string]any{"hello": "world"})
	assert.EqualError(t, err, `GET / did not return a Kong version (got ""): is admin_url the Kong Admin API?`)
}

func TestParseServiceURL(t *testing.T) {
	t.Parallel()
	str := func(s string) *string { return &s }
	tests := []struct {
		url  string
		want ServiceURL
	}{
		{"http://service.test/", ServiceURL{"http", "service.test", 80, str("/")}},
		{"https://service.test/", ServiceURL{"https", "service.test", 443, str("/")}},
		{"http://example.test:443", ServiceURL{"http", "example.test", 443, nil}},
		{"https://example2.test:80/", ServiceURL{"https", "example2.test", 80, str("/")}},
		{"grpcs://example.test", ServiceURL{"grpcs", "example.test", 80, nil}},
		{"http://example.test:8080/api/v1?x=1", ServiceURL{"http", "example.test", 8080, str("/api/v1")}},
		{"HTTP://Example.test/a%20b", ServiceURL{"http", "Example.test", 80, str("/a%20b")}},
	}
	for _, tc := range tests {
		t.Run(tc.url, func(t *testing.T) {
			t.Parallel()
			got, err := ParseServiceURL(tc.url)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestParseServiceURL_Rejects(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ url, msg string }{
		{"invalid url", `url "invalid url" must look like scheme://host[:port][/path], e.g. http://httpbin.org/anything`},
		{"example.test/api", `url "example.test/api" must look like scheme://host[:port][/path], e.g. http://httpbin.org/anything`},
		{"http://example.test:99999", `url "http://example.test:99999" has port "99999", expected a number between 0 and 65535`},
	} {
		_, err := ParseServiceURL(tc.url)
		assert.EqualError(t, err, tc.msg)
	}
}
