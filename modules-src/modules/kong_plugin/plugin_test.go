package kongplugin

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"platform.ops/modules-src/internal/kong/kongtest"
	"platform.ops/tests/kongemu"
)

var versions = []string{"3.9.3", "2.8.5"}

// withService starts an emulator holding service "svc" with route "r".
func withService(t *testing.T, version string) *kongtest.Env {
	t.Helper()
	env := kongtest.Start(t, kongemu.Options{Version: version})
	env.Send(t, http.MethodPut, "/services/svc", map[string]any{"host": "upstream.test"})
	env.Send(t, http.MethodPut, "/routes/r", map[string]any{"paths": []any{"/r"}, "service": map[string]any{"name": "svc"}})
	return env
}

func onlyPlugin(t *testing.T, env *kongtest.Env) map[string]any {
	t.Helper()
	data, _ := env.Get(t, "/plugins")["data"].([]any)
	require.Len(t, data, 1, "plugins Kong holds")
	return data[0].(map[string]any)
}

func args(kv ...any) map[string]any {
	out := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

func requireOK(t *testing.T, out map[string]any) {
	t.Helper()
	require.NotEqual(t, true, out["failed"], "module failed: %v", out["msg"])
}

func TestDefinition_IsConsistent(t *testing.T) {
	t.Parallel()
	kongtest.CheckDefinition(t, Definition, "plugin")
}

func TestPlugin_Lifecycle(t *testing.T) {
	t.Parallel()
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			env := withService(t, v)
			task := func(extra ...any) map[string]any {
				a := args("name", "rate-limiting", "service", "svc", "config", map[string]any{"minute": 5, "policy": "local"})
				for k, val := range args(extra...) {
					a[k] = val
				}
				return a
			}

			out := env.Run(Definition, task())
			requireOK(t, out)
			assert.Equal(t, true, out["changed"])
			assert.Equal(t, "create", out["operation"])
			plugin := out["plugin"].(map[string]any)
			assert.EqualValues(t, 5, plugin["config"].(map[string]any)["minute"])
			held := onlyPlugin(t, env)
			assert.Equal(t, plugin["id"], held["id"])
			assert.Equal(t, env.Get(t, "/services/svc")["id"], held["service"].(map[string]any)["id"])
			assert.Nil(t, held["route"], "a service plugin is not a route plugin")

			out = env.Run(Definition, task())
			requireOK(t, out)
			assert.Equal(t, false, out["changed"], "rerun: %v", out["changes"])
			assert.Equal(t, "none", out["operation"])

			// A task with nothing to do costs three reads: the scope, the
			// plugin's schema (once, however many plugins of that name a
			// task compares) and the scope's plugins.
			env.Requests()
			requireOK(t, env.Run(Definition, task()))
			svcID := env.Get(t, "/services/svc")["id"].(string)
			assert.Equal(t, []string{"GET /schemas/plugins/rate-limiting", "GET /services/svc", "GET /services/" + svcID + "/plugins"}, env.Requests())

			// Check mode predicts the change, shows only the changed key, writes nothing.
			env.Requests()
			out = env.Run(Definition, task("config", map[string]any{"minute": 10, "policy": "local"}, "_ansible_check_mode", true, "_ansible_diff", true))
			requireOK(t, out)
			assert.Equal(t, true, out["changed"])
			assert.Equal(t, []any{"config.minute"}, toAny(out["changes"]))
			assert.Equal(t, map[string]any{"before": map[string]any{"config": map[string]any{"minute": 5.0}},
				"after": map[string]any{"config": map[string]any{"minute": 10.0}}}, jsonRound(out["diff"]))
			for _, r := range env.Requests() {
				assert.True(t, strings.HasPrefix(r, "GET ") || r == "POST /schemas/plugins/validate", "check mode sent %s", r)
			}
			assert.EqualValues(t, 5, onlyPlugin(t, env)["config"].(map[string]any)["minute"])

			// A real update changes only that key.
			before := onlyPlugin(t, env)
			out = env.Run(Definition, task("config", map[string]any{"minute": 10}))
			requireOK(t, out)
			assert.Equal(t, true, out["changed"])
			assert.Equal(t, []any{"config.minute"}, toAny(out["changes"]))
			after := onlyPlugin(t, env)
			bc, ac := before["config"].(map[string]any), after["config"].(map[string]any)
			assert.EqualValues(t, 10, ac["minute"])
			delete(bc, "minute")
			delete(ac, "minute")
			assert.Equal(t, bc, ac, "every other config key is untouched")
			assert.Equal(t, before["id"], after["id"])

			// Delete twice.
			out = env.Run(Definition, args("name", "rate-limiting", "service", "svc", "state", "absent"))
			requireOK(t, out)
			assert.Equal(t, true, out["changed"])
			assert.Empty(t, env.Get(t, "/plugins")["data"])
			out = env.Run(Definition, args("name", "rate-limiting", "service", "svc", "state", "absent"))
			requireOK(t, out)
			assert.Equal(t, false, out["changed"])
		})
	}
}

func TestPlugin_ScopesAreIdentity(t *testing.T) {
	t.Parallel()
	env := withService(t, "3.9.3")
	env.Send(t, http.MethodPut, "/consumers/alice", map[string]any{})
	scopes := []map[string]any{
		{},                               // global
		{"service": "svc"},               // service
		{"route": "r"},                   // route
		{"consumer": "alice"},            // consumer
		{"service": "svc", "route": "r"}, // service and route together
	}
	for _, sc := range scopes {
		a := args("name", "rate-limiting", "config", map[string]any{"minute": 5})
		for k, v := range sc {
			a[k] = v
		}
		out := env.Run(Definition, a)
		requireOK(t, out)
		assert.Equal(t, true, out["changed"], "scope %v is a plugin of its own", sc)
	}
	assert.Len(t, env.Get(t, "/plugins")["data"], len(scopes))
	for _, sc := range scopes {
		a := args("name", "rate-limiting", "config", map[string]any{"minute": 5})
		for k, v := range sc {
			a[k] = v
		}
		out := env.Run(Definition, a)
		requireOK(t, out)
		assert.Equal(t, false, out["changed"], "scope %v rerun: %v", sc, out["changes"])
	}
	// Removing the route plugin leaves the others alone.
	out := env.Run(Definition, args("name", "rate-limiting", "route", "r", "state", "absent"))
	requireOK(t, out)
	assert.Equal(t, true, out["changed"])
	assert.Len(t, env.Get(t, "/plugins")["data"], len(scopes)-1)
}

func TestPlugin_SecretsMaskedEverywhere(t *testing.T) {
	t.Parallel()
	env := withService(t, "3.9.3")
	const password = "s3cr3t-redis-pass"
	a := args("name", "rate-limiting", "service", "svc", "_ansible_diff", true,
		"config", map[string]any{"minute": 5, "policy": "redis", "redis": map[string]any{"host": "redis.test", "password": password}})
	out := env.Run(Definition, a)
	requireOK(t, out)
	raw, _ := json.Marshal(out)
	assert.NotContains(t, string(raw), password, "the password appears nowhere in the result")
	redis := out["plugin"].(map[string]any)["config"].(map[string]any)["redis"].(map[string]any)
	assert.Equal(t, "********", redis["password"])
	assert.Equal(t, "redis.test", redis["host"])
	assert.Equal(t, password, onlyPlugin(t, env)["config"].(map[string]any)["redis"].(map[string]any)["password"], "Kong holds the real value")

	// Changing the password: the diff names it but shows no value.
	a["config"] = map[string]any{"redis": map[string]any{"password": "n3w-pass-value"}}
	out = env.Run(Definition, a)
	requireOK(t, out)
	assert.Equal(t, []any{"config.redis.password"}, toAny(out["changes"]))
	raw, _ = json.Marshal(out)
	assert.NotContains(t, string(raw), "n3w-pass-value")
	assert.NotContains(t, string(raw), password)
	assert.Equal(t, map[string]any{"config": map[string]any{"redis": map[string]any{"password": "********"}}}, jsonRound(out["diff"].(map[string]any)["after"]))
}

func TestPlugin_DeprecatedShorthandsNeverChange(t *testing.T) {
	t.Parallel()
	env := withService(t, "3.9.3")
	// Kong 3.9 echoes redis_host next to redis.host in every answer.
	shorthand := args("name", "rate-limiting", "service", "svc",
		"config", map[string]any{"minute": 5, "policy": "redis", "redis_host": "redis.test", "redis_timeout": 1500})
	out := env.Run(Definition, shorthand)
	requireOK(t, out)
	assert.Equal(t, true, out["changed"])
	cfg := out["plugin"].(map[string]any)["config"].(map[string]any)
	assert.NotContains(t, cfg, "redis_host", "the echoed shorthand is left out of the result")
	assert.Equal(t, "redis.test", cfg["redis"].(map[string]any)["host"])
	assert.Equal(t, "redis.test", onlyPlugin(t, env)["config"].(map[string]any)["redis_host"], "the emulator echoes it like Kong 3.9")

	out = env.Run(Definition, shorthand)
	requireOK(t, out)
	assert.Equal(t, false, out["changed"], "shorthand rerun: %v", out["changes"])

	// The new-style name of the same value is no change either.
	out = env.Run(Definition, args("name", "rate-limiting", "service", "svc",
		"config", map[string]any{"redis": map[string]any{"host": "redis.test", "timeout": 1500}}))
	requireOK(t, out)
	assert.Equal(t, false, out["changed"], "%v", out["changes"])

	// A real change through the new name updates the echoed old one too.
	out = env.Run(Definition, args("name", "rate-limiting", "service", "svc", "config", map[string]any{"redis": map[string]any{"host": "other.test"}}))
	requireOK(t, out)
	assert.Equal(t, []any{"config.redis.host"}, toAny(out["changes"]))
	out = env.Run(Definition, shorthand)
	requireOK(t, out)
	assert.Equal(t, []any{"config.redis.host"}, toAny(out["changes"]), "the shorthand is compared as the field it stands for")

	// Both names with different values is a mistake worth stopping on.
	out = env.Run(Definition, args("name", "rate-limiting", "service", "svc",
		"config", map[string]any{"redis_host": "a.test", "redis": map[string]any{"host": "b.test"}}))
	assert.Equal(t, true, out["failed"])
	assert.Contains(t, out["msg"], "config.redis_host is a deprecated name of config.redis.host")
}

func TestPlugin_TemplatedStringsAreConverted(t *testing.T) {
	t.Parallel()
	env := withService(t, "3.9.3")
	out := env.Run(Definition, args("name", "rate-limiting", "service", "svc", "config", map[string]any{"minute": "5", "hide_client_headers": "yes"}))
	requireOK(t, out)
	cfg := onlyPlugin(t, env)["config"].(map[string]any)
	assert.EqualValues(t, 5, cfg["minute"])
	assert.Equal(t, true, cfg["hide_client_headers"])
	out = env.Run(Definition, args("name", "rate-limiting", "service", "svc", "config", map[string]any{"minute": 5, "hide_client_headers": true}))
	requireOK(t, out)
	assert.Equal(t, false, out["changed"])

	out = env.Run(Definition, args("name", "rate-limiting", "service", "svc", "config", map[string]any{"minute": "five"}))
	assert.Equal(t, true, out["failed"])
	assert.Equal(t, `config.minute must be a number, got "five"`, out["msg"])
}

func TestPlugin_InstanceName(t *testing.T) {
	t.Parallel()
	t.Run("3.9.3 finds by instance_name and moves scope", func(t *testing.T) {
		t.Parallel()
		env := withService(t, "3.9.3")
		a := args("name", "rate-limiting", "instance_name", "burst", "service", "svc", "config", map[string]any{"second": 20})
		out := env.Run(Definition, a)
		requireOK(t, out)
		assert.Equal(t, true, out["changed"])
		assert.Equal(t, "burst", onlyPlugin(t, env)["instance_name"])
		assert.Equal(t, []string{"PUT /plugins/burst"}, writes(env.Requests()), "created race-safely by instance_name")

		out = env.Run(Definition, a)
		requireOK(t, out)
		assert.Equal(t, false, out["changed"])

		// Same instance, now global: the scope is part of what the task sets.
		delete(a, "service")
		out = env.Run(Definition, a)
		requireOK(t, out)
		assert.Equal(t, []any{"service"}, toAny(out["changes"]))
		assert.Nil(t, onlyPlugin(t, env)["service"])

		// Another plugin name under the same instance_name is refused.
		out = env.Run(Definition, args("name", "cors", "instance_name", "burst"))
		assert.Equal(t, true, out["failed"])
		assert.Contains(t, out["msg"], `the plugin with instance_name "burst" is a rate-limiting plugin, not cors`)
	})
	t.Run("3.9.3 adopts an unnamed plugin of the same scope", func(t *testing.T) {
		t.Parallel()
		env := withService(t, "3.9.3")
		requireOK(t, env.Run(Definition, args("name", "cors", "service", "svc")))
		out := env.Run(Definition, args("name", "cors", "service", "svc", "instance_name", "svc-cors"))
		requireOK(t, out)
		assert.Equal(t, []any{"instance_name"}, toAny(out["changes"]))
		assert.Equal(t, "svc-cors", onlyPlugin(t, env)["instance_name"])
	})
	t.Run("2.8.5 has none", func(t *testing.T) {
		t.Parallel()
		env := withService(t, "2.8.5")
		out := env.Run(Definition, args("name", "cors", "instance_name", "x"))
		assert.Equal(t, true, out["failed"])
		assert.Contains(t, out["msg"], "instance_name needs Kong 3.2 or later, and this node runs Kong 2.8.5")
		assert.Empty(t, writes(env.Requests()))
	})
}

func TestPlugin_Errors(t *testing.T) {
	t.Parallel()
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			env := withService(t, v)
			tests := []struct {
				name   string
				args   map[string]any
				msg    []string
				fields map[string]any
			}{
				{"bad config value", args("name", "rate-limiting", "service", "svc", "config", map[string]any{"minute": -1}),
					[]string{"Kong answered HTTP 400", "config.minute"}, map[string]any{"config.minute": "value must be greater than 0"}},
				{"unknown config key", args("name", "rate-limiting", "service", "svc", "config", map[string]any{"minute": 1, "garbage": true}),
					[]string{"config.garbage: unknown field"}, map[string]any{"config.garbage": "unknown field"}},
				{"entity check", args("name", "rate-limiting", "service", "svc", "config", map[string]any{"policy": "local"}),
					[]string{"at least one of these fields must be non-empty"}, nil},
				{"unknown plugin", args("name", "no-such-plugin"),
					[]string{`plugin "no-such-plugin" is not installed on Kong ` + v + ` (GET /schemas/plugins/no-such-plugin: HTTP 404: No plugin named 'no-such-plugin')`, "installed plugins: acl, "}, nil},
				{"a typo of an installed plugin", args("name", "rate-limitting"),
					[]string{`plugin "rate-limitting" is not installed`, "; did you mean rate-limiting?; installed plugins: "}, nil},
				{"missing service", args("name", "cors", "service", "nope"),
					[]string{`service "nope" of cors plugin does not exist: create it first (platform.ops.kong_service)`}, nil},
				{"scope the plugin forbids", args("name", "key-auth", "consumer", "alice"),
					[]string{"plugin key-auth cannot be scoped to a consumer"}, nil},
				{"consumer_group is Enterprise", args("name", "cors", "consumer_group", "gold"),
					[]string{"consumer_group needs Kong Enterprise 3.4 or later: plugins on Kong " + v + " have no consumer_group field"}, nil},
				{"ordering is Enterprise", args("name", "cors", "ordering", map[string]any{"before": map[string]any{"access": []any{"key-auth"}}}),
					[]string{"ordering needs Kong Enterprise"}, nil},
				{"id must be a UUID", args("name", "cors", "id", "abc"),
					[]string{`id must be a UUID`}, nil},
			}
			for _, tc := range tests {
				for _, check := range []bool{false, true} {
					a := map[string]any{"_ansible_check_mode": check}
					for k, val := range tc.args {
						a[k] = val
					}
					if check && tc.name == "missing service" {
						continue // check mode warns instead (TestPlugin_CheckModeMissingScope)
					}
					out := env.Run(Definition, a)
					assert.Equal(t, true, out["failed"], "%s (check=%v): %v", tc.name, check, out)
					for _, m := range tc.msg {
						assert.Contains(t, out["msg"], m, "%s (check=%v)", tc.name, check)
					}
					if tc.fields != nil {
						assert.Equal(t, tc.fields, out["fields"], "%s (check=%v)", tc.name, check)
						assert.Equal(t, 400, out["status"])
					}
				}
			}
			assert.Empty(t, env.Get(t, "/plugins")["data"], "nothing was written")
		})
	}
}

func TestPlugin_CheckModeMissingScope(t *testing.T) {
	t.Parallel()
	env := withService(t, "3.9.3")
	out := env.Run(Definition, args("name", "rate-limiting", "service", "not-yet", "config", map[string]any{"minute": 5}, "_ansible_check_mode", true))
	requireOK(t, out)
	assert.Equal(t, true, out["changed"])
	assert.Contains(t, out["warnings"].([]any)[0], `service "not-yet" of rate-limiting plugin does not exist (check mode): assuming an earlier task creates it`)
	assert.EqualValues(t, 5, out["plugin"].(map[string]any)["config"].(map[string]any)["minute"])
	assert.Equal(t, "local", out["plugin"].(map[string]any)["config"].(map[string]any)["policy"], "predicted with the plugin's defaults")
	assert.Equal(t, map[string]any{"name": "not-yet"}, out["plugin"].(map[string]any)["service"], "shown by the name the task gives")
	out = env.Run(Definition, args("name", "rate-limiting", "service", "not-yet", "config", map[string]any{"minute": 5}, "_ansible_check_mode", true, "_ansible_diff", true))
	assert.Equal(t, map[string]any{"name": "rate-limiting", "service": map[string]any{"name": "not-yet"}, "config": map[string]any{"minute": 5.0}},
		jsonRound(out["diff"].(map[string]any)["after"]))
	assert.Empty(t, env.Get(t, "/plugins")["data"])

	out = env.Run(Definition, args("name", "rate-limiting", "service", "not-yet", "state", "absent"))
	requireOK(t, out)
	assert.Equal(t, false, out["changed"], "no service, so no plugin to remove")
}

func TestPlugin_StrictResetsWhatIsLeftOut(t *testing.T) {
	t.Parallel()
	env := withService(t, "3.9.3")
	requireOK(t, env.Run(Definition, args("name", "rate-limiting", "service", "svc", "tags", []any{"a"}, "enabled", false,
		"config", map[string]any{"minute": 5, "policy": "local", "hide_client_headers": true})))
	out := env.Run(Definition, args("name", "rate-limiting", "service", "svc", "strict", true, "config", map[string]any{"minute": 5}))
	requireOK(t, out)
	assert.ElementsMatch(t, []any{"config.hide_client_headers", "enabled", "tags"}, toAny(out["changes"]))
	held := onlyPlugin(t, env)
	assert.Equal(t, false, held["config"].(map[string]any)["hide_client_headers"])
	assert.Equal(t, true, held["enabled"])
	out = env.Run(Definition, args("name", "rate-limiting", "service", "svc", "strict", true, "config", map[string]any{"minute": 5}))
	requireOK(t, out)
	assert.Equal(t, false, out["changed"], "strict rerun: %v", out["changes"])
}

func TestPlugin_SetsCompareWithoutOrderArraysWithOrder(t *testing.T) {
	t.Parallel()
	env := withService(t, "3.9.3")
	// jwt's claims_to_verify is a set in its schema, cors' methods an array.
	jwt := args("name", "jwt", "service", "svc", "protocols", []any{"https", "http"}, "tags", []any{"b", "a"},
		"config", map[string]any{"claims_to_verify": []any{"nbf", "exp"}, "header_names": []any{"authorization", "x-jwt"}})
	requireOK(t, env.Run(Definition, jwt))
	jwt["protocols"] = []any{"http", "https", "http"}
	jwt["tags"] = []any{"a", "b"}
	jwt["config"] = map[string]any{"claims_to_verify": []any{"exp", "nbf"}, "header_names": []any{"x-jwt", "authorization"}}
	out := env.Run(Definition, jwt)
	requireOK(t, out)
	assert.Equal(t, false, out["changed"], "sets compare without order: %v", out["changes"])

	cors := args("name", "cors", "service", "svc", "config", map[string]any{"methods": []any{"GET", "POST"}})
	requireOK(t, env.Run(Definition, cors))
	cors["config"] = map[string]any{"methods": []any{"POST", "GET"}}
	out = env.Run(Definition, cors)
	requireOK(t, out)
	assert.Equal(t, []any{"config.methods"}, toAny(out["changes"]), "an array keeps its order")
}

func writes(reqs []string) []string {
	var out []string
	for _, r := range reqs {
		if !strings.HasPrefix(r, "GET ") {
			out = append(out, r)
		}
	}
	return out
}

func toAny(v any) []any {
	switch t := v.(type) {
	case []string:
		out := make([]any, len(t))
		for i, s := range t {
			out[i] = s
		}
		return out
	case []any:
		return t
	}
	return nil
}

func jsonRound(v any) any {
	b, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

func TestPlugin_NullRecordIsItsDefaults(t *testing.T) {
	t.Parallel()
	env := withService(t, "3.9.3")
	a := args("name", "rate-limiting", "service", "svc", "config", map[string]any{"minute": 5, "redis": nil})
	out := env.Run(Definition, a)
	requireOK(t, out)
	assert.Equal(t, true, out["changed"])
	assert.EqualValues(t, 6379, onlyPlugin(t, env)["config"].(map[string]any)["redis"].(map[string]any)["port"], "Kong recreated the record")
	out = env.Run(Definition, a)
	requireOK(t, out)
	assert.Equal(t, false, out["changed"], "%v", out["changes"])
}
