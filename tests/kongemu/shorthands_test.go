package kongemu

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Shorthand fields whose Lua func the schema JSON cannot carry
// (shorthands.go): the value lands in the field the func names.
func TestShorthandFuncs(t *testing.T) {
	t.Parallel()
	config := func(t *testing.T, s *Server, body map[string]any) map[string]any {
		return do(t, s, "POST", "/plugins", body, 201)["config"].(map[string]any)
	}
	// 2.8.5 acl/schema.lua: whitelist -> allow, blacklist -> deny
	s28 := newTestServer(t, "2.8.5")
	c := config(t, s28, map[string]any{"name": "acl", "config": map[string]any{"whitelist": []any{"admins"}}})
	assert.Equal(t, []any{"admins"}, c["allow"])
	assert.NotContains(t, c, "whitelist")
	c = config(t, s28, map[string]any{"name": "ip-restriction", "config": map[string]any{"blacklist": []any{"10.0.0.0/8"}}})
	assert.Equal(t, []any{"10.0.0.0/8"}, c["deny"])

	// 3.9.3 session/schema.lua: cookie_* forms
	s := newTestServer(t, "3.9.3")
	c = config(t, s, map[string]any{"name": "session", "config": map[string]any{"cookie_lifetime": 60, "cookie_samesite": "off",
		"cookie_httponly": false, "cookie_persistent": true, "cookie_idletime": nil, "cookie_renew": 10}})
	assert.Equal(t, 60.0, c["rolling_timeout"])
	assert.Equal(t, "Lax", c["cookie_same_site"], `"off" becomes "Lax"`)
	assert.Equal(t, false, c["cookie_http_only"])
	assert.Equal(t, true, c["remember"])
	assert.Equal(t, 0.0, c["idling_timeout"], "a null cookie_idletime means 0")
	// opentelemetry/schema.lua: endpoint -> traces_endpoint, unless that is set
	c = config(t, s, map[string]any{"name": "opentelemetry", "config": map[string]any{"endpoint": "http://otel.test/v1/traces"}})
	assert.Equal(t, "http://otel.test/v1/traces", c["traces_endpoint"])
	c = config(t, newTestServer(t, "3.9.3"), map[string]any{"name": "opentelemetry", "config": map[string]any{"endpoint": "http://old.test", "traces_endpoint": "http://new.test"}})
	assert.Equal(t, "http://new.test", c["traces_endpoint"])
}
