package kongplugin

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong/kongtest"
	"platform.ops/tests/kongemu"
)

// TestPlugin_ConfigSecretsMaskedOnEveryPath: a config secret never appears
// in the result, whatever stops the task and whenever: before the plugin's
// schema is known every config leaf is masked (nothing tells which are
// secret yet), after it only the secret ones.
func TestPlugin_ConfigSecretsMaskedOnEveryPath(t *testing.T) {
	t.Parallel()
	const secret = "S3CR3T-SESS"
	env := withService(t, "3.9.3")
	cases := []struct {
		name string
		args map[string]any
		url  string // admin_url when not the emulator's
		ok   bool
	}{
		{name: "unreachable node", url: "http://127.0.0.1:1",
			args: args("name", "session", "admin_retries", 0, "config", map[string]any{"secret": secret})},
		{name: "unknown option",
			args: args("name", "session", "bogus", 1, "config", map[string]any{"secret": secret})},
		{name: "id that is not a UUID",
			args: args("name", "session", "id", "nope", "config", map[string]any{"secret": secret})},
		{name: "missing scope entity",
			args: args("name", "session", "service", "nosuch", "config", map[string]any{"secret": secret})},
		{name: "plugin not installed",
			args: args("name", "no-such-plugin", "config", map[string]any{"secret": secret})},
		{name: "conversion error elsewhere in config",
			args: args("name", "rate-limiting", "config", map[string]any{"minute": "abc", "policy": "redis", "redis": map[string]any{"password": secret}})},
		{name: "shorthand conflict",
			args: args("name", "rate-limiting", "config", map[string]any{"redis_password": secret, "redis": map[string]any{"password": "other-" + secret}})},
		{name: "absent with config", ok: true,
			args: args("name", "session", "state", "absent", "config", map[string]any{"secret": secret})},
		{name: "absent of a plugin not installed, with config", ok: true,
			args: args("name", "no-such-plugin", "state", "absent", "config", map[string]any{"secret": secret})},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := c.args
			if c.url != "" {
				a["admin_url"] = c.url
				out := ansible.Execute(t.Context(), Definition, a)
				assertNoSecret(t, out, secret, c.ok)
				return
			}
			assertNoSecret(t, env.Run(Definition, a), secret, c.ok)
		})
	}

	t.Run("HTTP 401", func(t *testing.T) {
		env := kongtest.Start(t, kongemu.Options{Version: "3.9.3"})
		env.FailNext(http.MethodGet, "/", 401, 100, nil)
		assertNoSecret(t, env.Run(Definition, args("name", "session", "admin_retries", 0, "config", map[string]any{"secret": secret})), secret, false)
	})
}

func assertNoSecret(t *testing.T, out map[string]any, secret string, ok bool) {
	t.Helper()
	if ok {
		requireOK(t, out)
	} else {
		require.Equal(t, true, out["failed"], "the task fails")
	}
	raw, _ := json.Marshal(out)
	assert.NotContains(t, string(raw), secret)
}

// TestPlugin_ConfigNarrowedBySchema: once the schema is known, the config
// leaves that are not secret show in invocation again, the secret ones stay
// hidden even when the task then fails.
func TestPlugin_ConfigNarrowedBySchema(t *testing.T) {
	t.Parallel()
	env := withService(t, "3.9.3")
	out := env.Run(Definition, args("name", "rate-limiting", "service", "svc",
		"config", map[string]any{"minute": "abc", "policy": "redis", "redis": map[string]any{"host": "redis.test", "password": "pw-12345"}}))
	require.Equal(t, true, out["failed"])
	assert.Contains(t, out["msg"], "config.minute must be")
	cfg := out["invocation"].(map[string]any)["module_args"].(map[string]any)["config"].(map[string]any)
	assert.Equal(t, map[string]any{"minute": "abc", "policy": "redis",
		"redis": map[string]any{"host": "redis.test", "password": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"}}, cfg)
}

// TestPlugin_NumbersOfUnknownKeysDoNotGarbleMessages: a config key the
// schema does not know (a typo, or a 3.x record sent to Kong 2.8) may hold
// a secret string, but its numbers are not masked: masking "0" everywhere
// turned Kong's "HTTP 400" into "HTTP 4********" and the status into a
// string. The same holds before the schema is read (an unreachable node).
func TestPlugin_NumbersOfUnknownKeysDoNotGarbleMessages(t *testing.T) {
	t.Parallel()
	env := withService(t, "3.9.3")
	out := env.Run(Definition, args("name", "rate-limiting", "service", "svc", "config", map[string]any{"minute": 5, "sync_rat": 0}))
	require.Equal(t, true, out["failed"], "%v", out)
	assert.Contains(t, out["msg"], "HTTP 400")
	assert.Contains(t, out["msg"], "config.sync_rat: unknown field")
	assert.EqualValues(t, 400, out["status"])

	out = ansible.Execute(t.Context(), Definition, args("admin_url", "http://localhost:1", "admin_retries", 0,
		"name", "rate-limiting", "config", map[string]any{"minute": 1, "second": 0, "policy": "local", "password": 98765}))
	require.Equal(t, true, out["failed"], "%v", out)
	assert.Contains(t, out["msg"], "http://localhost:1/", "short values of the config do not garble the message")
	raw, _ := json.Marshal(out["invocation"])
	assert.NotContains(t, string(raw), "98765", "a number named like a secret is masked before the schema is known")
}
