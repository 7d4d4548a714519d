package kong

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong/kongtest"
	"platform.ops/tests/kongemu"
)

// connectDefinition is a module with only the connection options: it
// connects and reads the node's version.
var connectDefinition = &ansible.Definition{
	Name: "kong_connect", ShortDescription: "Connect for tests", CheckMode: ansible.Full,
	Fragments: []*ansible.Fragment{Fragment},
	Run: func(ctx context.Context, m *ansible.Module) (ansible.Result, error) {
		c, err := Connect(m)
		if err != nil {
			return nil, err
		}
		defer c.Close()
		info, err := c.Info(ctx)
		if err != nil {
			return nil, err
		}
		return ansible.Result{"version": info.String()}, nil
	},
}

// TestFragment_ConnectionSecretsMaskedOnEveryPath: credential header values
// and the password inside admin_url are masked in the whole result,
// invocation included, whether the task fails in validation, in the
// connection options' checks, on an unreachable node, or succeeds.
func TestFragment_ConnectionSecretsMaskedOnEveryPath(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{Version: "3.9.3"})
	const header, password = "Bearer HDR-LEAK-2", "URLPW-9"
	headers := func() map[string]any {
		return map[string]any{"Authorization": header, "X-Trace": "plain-value"}
	}
	cases := []struct {
		name string
		args map[string]any
		ok   bool
	}{
		{name: "unknown option", args: map[string]any{"admin_url": env.URL, "bogus": 1, "admin_headers": headers()}},
		{name: "timeout 0", args: map[string]any{"admin_url": env.URL, "timeout": 0, "admin_headers": headers()}},
		{name: "negative admin_retries", args: map[string]any{"admin_url": env.URL, "admin_retries": -1, "admin_headers": headers()}},
		{name: "unreachable node", args: map[string]any{"admin_url": "http://admin:" + password + "@127.0.0.1:1", "admin_retries": 0, "admin_headers": headers()}},
		{name: "URL with userinfo and an unknown option", args: map[string]any{"admin_url": "http://admin:" + password + "@127.0.0.1:1", "bogus": 1}},
		{name: "URL url.Parse refuses", args: map[string]any{"admin_url": "http://admin:" + password + "@[::1", "admin_retries": 0}},
		{name: "success", ok: true, args: map[string]any{"admin_url": env.URL, "admin_headers": headers()}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := ansible.Execute(t.Context(), connectDefinition, c.args)
			if c.ok {
				require.NotEqual(t, true, out["failed"], "%v", out["msg"])
			} else {
				require.Equal(t, true, out["failed"])
			}
			raw, _ := json.Marshal(out)
			assert.NotContains(t, string(raw), "HDR-LEAK-2")
			assert.NotContains(t, string(raw), password)
			args := out["invocation"].(map[string]any)["module_args"].(map[string]any)
			if h, ok := args["admin_headers"].(map[string]any); ok {
				assert.Equal(t, map[string]any{"Authorization": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER", "X-Trace": "plain-value"}, h,
					"as on a successful run: only the credential header is hidden")
			}
		})
	}
	out := ansible.Execute(context.Background(), connectDefinition, map[string]any{"admin_url": "http://admin:" + password + "@127.0.0.1:1", "bogus": 1})
	assert.Equal(t, "http://admin:********@127.0.0.1:1", out["invocation"].(map[string]any)["module_args"].(map[string]any)["admin_url"])
}

// TestFragment_URLPasswordNeedsURLUsername: basic auth is sent only with a
// user name, so url_password alone (silently ignored before) is refused
// like Ansible's required_by, before any request and without echoing it.
func TestFragment_URLPasswordNeedsURLUsername(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{Version: "3.9.3"})
	out := ansible.Execute(t.Context(), connectDefinition, map[string]any{"admin_url": env.URL, "url_password": "PW-ALONE-7"})
	require.Equal(t, true, out["failed"])
	assert.Equal(t, "missing parameter(s) required by 'url_password': url_username", out["msg"])
	raw, _ := json.Marshal(out)
	assert.NotContains(t, string(raw), "PW-ALONE-7")
	assert.Empty(t, env.Requests(), "nothing was sent")

	for _, args := range []map[string]any{
		{"url_username": "admin", "url_password": "pw"},
		{"url_username": "admin"},
	} {
		args["admin_url"] = env.URL
		out := ansible.Execute(t.Context(), connectDefinition, args)
		require.NotEqual(t, true, out["failed"], "%v", out["msg"])
	}
}

// TestFragment_SecretHeaderWordsAreDocumented: the admin_headers docs list
// every word that makes a header's value secret (secretHeaderName).
func TestFragment_SecretHeaderWordsAreDocumented(t *testing.T) {
	t.Parallel()
	doc := strings.Join(Fragment.Spec.Options["admin_headers"].Description, " ")
	words := strings.Split(strings.TrimPrefix(secretHeaderName.String(), "(?i)"), "|")
	require.NotEmpty(t, words)
	for _, w := range words {
		assert.Contains(t, doc, "C("+w+")")
		assert.True(t, HeaderLooksSecret("X-"+strings.ToUpper(w)+"-Id"), w)
	}
}
