package kongplugin

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"platform.ops/modules-src/internal/kong/kongtest"
	"platform.ops/tests/kongemu"
)

// TestAbsent_MisspeltPluginWarns: issue 10 item 8. state=absent with a
// misspelt plugin name was a silent "ok", and the plugin stayed.
func TestAbsent_MisspeltPluginWarns(t *testing.T) {
	for _, v := range []string{"3.9.3", "2.8.5"} {
		t.Run(v, func(t *testing.T) {
			env := kongtest.Start(t, kongemu.Options{Version: v})
			env.Send(t, "PUT", "/services/svc", map[string]any{"host": "upstream.test"})
			require.NotEqual(t, true, env.Run(Definition, args("name", "rate-limiting", "service", "svc", "config", map[string]any{"minute": 5}))["failed"])

			out := env.Run(Definition, args("name", "rate-limitting", "service", "svc", "state", "absent"))
			require.NotEqual(t, true, out["failed"], "%v", out["msg"])
			assert.Equal(t, false, out["changed"])
			assert.Equal(t, []any{`plugin "rate-limitting" is not installed on Kong ` + v + `, so no such plugin exists and nothing was removed; did you mean "rate-limiting"?`}, out["warnings"])

			out = env.Run(Definition, args("name", "nothing-like-it", "state", "absent"))
			assert.Equal(t, []any{`plugin "nothing-like-it" is not installed on Kong ` + v + `, so no such plugin exists and nothing was removed`}, out["warnings"])

			out = env.Run(Definition, args("name", "rate-limiting", "service", "svc", "state", "absent"))
			assert.Equal(t, true, out["changed"])
			assert.Nil(t, out["warnings"], "an installed plugin: no warning")
		})
	}
}

// TestBeforeSchema_EveryConfigStringIsHiddenInTheArguments: issue 10 item
// 12. On a 401 before the schema was read, azure-functions' clientid (7
// characters, encrypted in Kong's schema) showed in
// invocation.module_args: only strings of 8 characters or more were hidden.
func TestBeforeSchema_EveryConfigStringIsHiddenInTheArguments(t *testing.T) {
	env := kongtest.Start(t, kongemu.Options{Version: "3.9.3"})
	env.FailNext("GET", "/", 401, 1, nil)
	out := env.Run(Definition, args("name", "azure-functions", "admin_retries", 0,
		"config", map[string]any{"appname": "app", "functionname": "fn", "clientid": "c1ient7", "timeout": 600}))
	require.Equal(t, true, out["failed"])
	assert.Contains(t, out["msg"], "401")
	raw, err := json.Marshal(out)
	require.NoError(t, err)
	assert.NotContains(t, string(raw), "c1ient7")
	cfg := out["invocation"].(map[string]any)["module_args"].(map[string]any)["config"]
	assert.Equal(t, map[string]any{"appname": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER", "functionname": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER",
		"clientid": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER", "timeout": 600}, cfg)

	// Once the schema is read, the config shows again (but its secrets).
	ok := env.Run(Definition, args("name", "azure-functions", "config", map[string]any{"appname": "app", "functionname": "fn", "clientid": "c1ient7"}))
	require.NotEqual(t, true, ok["failed"], "%v", ok["msg"])
	cfg = ok["invocation"].(map[string]any)["module_args"].(map[string]any)["config"]
	assert.Equal(t, "app", cfg.(map[string]any)["appname"])
	assert.Equal(t, "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER", cfg.(map[string]any)["clientid"])
}
