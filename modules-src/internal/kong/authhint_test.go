package kong

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong/kongtest"
	"platform.ops/tests/kongemu"
)

// A 401 names the credentials the task sent: an Authorization header given
// through admin_headers was refused (admin_token, which sends
// Kong-Admin-Token, is not what failed); with no credentials at all the
// hint asks for the RBAC token. Against the emulator's RBAC, which answers
// every request without the right Kong-Admin-Token with Kong's 401.
func TestRefusal_NamesTheCredentialsSent(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{Version: "3.9.3", AdminToken: "rbac-right-token"})
	const prefix = "reading the Kong version (GET /) failed: Kong answered HTTP 401: Invalid credentials. Token or User credentials required"
	cases := []struct {
		name string
		args map[string]any
		want string
	}{
		{"an Authorization header in admin_headers",
			map[string]any{"admin_headers": map[string]any{"Authorization": "Bearer refused-hdr-77"}},
			prefix + " (Kong refused the Authorization header set in admin_headers: check its value)"},
		{"the header name in another case",
			map[string]any{"admin_headers": map[string]any{"authorization": "Bearer refused-hdr-77"}},
			prefix + " (Kong refused the Authorization header set in admin_headers: check its value)"},
		{"admin_token",
			map[string]any{"admin_token": "rbac-wrong-token"},
			prefix + " (Kong refused the RBAC token of admin_token (header Kong-Admin-Token): check its value)"},
		{"basic authentication",
			map[string]any{"url_username": "admin", "url_password": "basic-pw-31"},
			prefix + " (Kong refused the basic authentication of url_username and url_password: check its value)"},
		{"an API key header",
			map[string]any{"admin_headers": map[string]any{"X-API-Key": "key-value-99", "X-Trace": "1"}},
			prefix + " (Kong refused the X-API-Key header set in admin_headers: check its value)"},
		{"an Authorization header and admin_token",
			map[string]any{"admin_token": "rbac-wrong-token", "admin_headers": map[string]any{"Authorization": "Bearer refused-hdr-77"}},
			prefix + " (Kong refused the credentials sent: the Authorization header set in admin_headers, the RBAC token of admin_token (header Kong-Admin-Token); check them)"},
		{"no credentials",
			map[string]any{"admin_headers": map[string]any{"X-Trace": "1"}},
			prefix + " (give the RBAC token with admin_token or KONG_ADMIN_TOKEN)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.args["admin_url"] = env.URL
			c.args["admin_retries"] = 0
			out := ansible.Execute(t.Context(), connectDefinition, c.args)
			require.Equal(t, true, out["failed"])
			assert.Equal(t, c.want, out["msg"])
			assert.Equal(t, 401, out["status"])
			text := outputText(t, out)
			for _, secret := range []string{"refused-hdr-77", "rbac-wrong-token", "basic-pw-31", "key-value-99"} {
				assert.NotContains(t, text, secret)
			}
		})
	}
}

func TestRefusalHint_Forbidden(t *testing.T) {
	t.Parallel()
	withHeader := Config{Headers: map[string]string{"Authorization": "Bearer x"}}
	assert.Equal(t, " (Kong accepted but does not allow the Authorization header set in admin_headers to do this here: check its permissions)",
		refusalHint(withHeader)(403))
	assert.Equal(t, "", refusalHint(Config{AdminToken: "t"})(403), "admin_token keeps the RBAC wording of authHint")
	assert.Nil(t, refusalHint(Config{}), "nothing sent: the generic hint")
	// A header admin_token or basic authentication replaces is not sent.
	assert.Equal(t, []string{"the RBAC token of admin_token (header Kong-Admin-Token)"},
		sentCredentials(Config{AdminToken: "t", Headers: map[string]string{"Kong-Admin-Token": "h"}}))
	assert.Equal(t, []string{"the basic authentication of url_username and url_password"},
		sentCredentials(Config{Username: "u", Headers: map[string]string{"Authorization": "h"}}))
	konnect := refusalHint(Config{Konnect: &KonnectConfig{}})
	assert.Contains(t, konnect(401), "konnect_token")
	assert.Contains(t, konnect(403), "konnect_token has no Konnect role")
}
