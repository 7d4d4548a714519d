package kong

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong/kongtest"
	"platform.ops/tests/kongemu"
)

// TestConfigFromParams_BadHeadersAreNamed: a header Go cannot send (null
// value, line break in a name or value) is refused up front naming
// admin_headers (or admin_token), not reported as an unreachable node nor
// sent as the text "<nil>"; the value itself is not echoed.
func TestConfigFromParams_BadHeadersAreNamed(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{Version: "3.9.3"})
	cases := []struct {
		name string
		args map[string]any
		want string
	}{
		{"null value", map[string]any{"admin_headers": map[string]any{"X-N": nil}},
			`admin_headers: header "X-N" has no value (null): give it a string value or leave it out`},
		{"line break in a value", map[string]any{"admin_headers": map[string]any{"Authorization": "Bearer a\nX-Evil: 1"}},
			`admin_headers: the value of header "Authorization" holds a line break or another control character`},
		{"line break in a name", map[string]any{"admin_headers": map[string]any{"X-A\nX-B": "v"}},
			`admin_headers: "X-A\nX-B" is not a valid HTTP header name`},
		{"space in a name", map[string]any{"admin_headers": map[string]any{"X A": "v"}},
			`admin_headers: "X A" is not a valid HTTP header name`},
		{"line break in admin_token", map[string]any{"admin_token": "tok\nen"},
			"admin_token holds a line break or another control character"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.args["admin_url"] = env.URL
			out := ansible.Execute(t.Context(), connectDefinition, c.args)
			require.Equal(t, true, out["failed"])
			assert.Contains(t, out["msg"], c.want)
			assert.NotContains(t, out["msg"], "Bearer a")
		})
	}
	assert.Empty(t, env.Requests(), "nothing was sent")

	out := ansible.Execute(t.Context(), connectDefinition, map[string]any{"admin_url": env.URL,
		"admin_headers": map[string]any{"X-Num": 5, "X-Tab": "a\tb"}})
	require.NotEqual(t, true, out["failed"], "%v", out["msg"])
}
