package konginfo

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong/kongtest"
	kongconsumer "platform.ops/modules-src/modules/kong_consumer"
	kongplugin "platform.ops/modules-src/modules/kong_plugin"
	kongroute "platform.ops/modules-src/modules/kong_route"
	kongservice "platform.ops/modules-src/modules/kong_service"
	"platform.ops/tests/kongemu"
)

// seed fills an emulator the way an operator's Kong might look: a service
// with named and unnamed routes, plugins on the service, on routes, on a
// consumer and on service+consumer, and another service that is not
// exported.
func seed(t *testing.T, env *kongtest.Env, v3 bool) {
	t.Helper()
	env.Send(t, http.MethodPut, "/services/example-service", map[string]any{
		"url": "http://httpbin.test/anything", "tags": []any{"demo", "edge"}, "retries": 2})
	env.Send(t, http.MethodPut, "/services/other", map[string]any{"host": "other.test"})
	env.Send(t, http.MethodPut, "/routes/test", map[string]any{"service": map[string]any{"name": "example-service"},
		"paths": []any{"/test"}, "methods": []any{"GET", "POST"}, "strip_path": true})
	env.Send(t, http.MethodPost, "/routes", map[string]any{"service": map[string]any{"name": "example-service"},
		"hosts": []any{"api.example.test"}, "headers": map[string]any{"x-version": []any{"2"}}, "strip_path": false})
	env.Send(t, http.MethodPut, "/routes/other-route", map[string]any{"service": map[string]any{"name": "other"}, "paths": []any{"/other"}})
	env.Send(t, http.MethodPut, "/consumers/alice", map[string]any{"tags": []any{"partners"}})
	env.Send(t, http.MethodPut, "/consumers/bob", map[string]any{"custom_id": "b-42"})
	svc := env.Get(t, "/services/example-service")["id"]
	route := env.Get(t, "/routes/test")["id"]
	alice := env.Get(t, "/consumers/alice")["id"]
	bob := env.Get(t, "/consumers/bob")["id"]
	redis := map[string]any{"minute": 5, "policy": "redis", "redis_host": "redis.test", "redis_password": "s3cr3t-pass"}
	if v3 {
		redis = map[string]any{"minute": 5, "policy": "redis", "redis": map[string]any{"host": "redis.test", "password": "s3cr3t-pass"}}
	}
	env.Send(t, http.MethodPost, "/plugins", map[string]any{"name": "rate-limiting", "service": map[string]any{"id": svc}, "config": redis})
	env.Send(t, http.MethodPost, "/plugins", map[string]any{"name": "key-auth", "route": map[string]any{"id": route},
		"config": map[string]any{"key_names": []any{"apikey", "x-api-key"}}, "tags": []any{"auth"}})
	env.Send(t, http.MethodPost, "/plugins", map[string]any{"name": "rate-limiting", "service": map[string]any{"id": svc},
		"consumer": map[string]any{"id": alice}, "config": map[string]any{"minute": 100}, "enabled": false})
	env.Send(t, http.MethodPost, "/plugins", map[string]any{"name": "request-termination", "consumer": map[string]any{"id": bob},
		"config": map[string]any{"status_code": 403, "message": "blocked"}})
	env.Send(t, http.MethodPost, "/plugins", map[string]any{"name": "cors", "service": map[string]any{"name": "other"}})
	if v3 {
		env.Send(t, http.MethodPost, "/plugins", map[string]any{"name": "correlation-id", "instance_name": "svc-correlation",
			"service": map[string]any{"id": svc}, "config": map[string]any{"header_name": "X-Req"}})
	}
}

func export(t *testing.T, env *kongtest.Env, extra map[string]any) map[string]any {
	t.Helper()
	a := map[string]any{"service": "example-service", "consumers": []any{"alice", "bob"}, "include_secrets": true}
	for k, v := range extra {
		a[k] = v
	}
	out := env.Run(Definition, a)
	require.NotEqual(t, true, out["failed"], "kong_info failed: %v", out["msg"])
	assert.Equal(t, false, out["changed"])
	delete(out, "invocation")
	return out
}

// apply feeds an export to the modules, in dependency order, and returns
// how many tasks reported a change.
func apply(t *testing.T, env *kongtest.Env, exp map[string]any) int {
	t.Helper()
	changed := 0
	for _, step := range []struct {
		key string
		def *ansible.Definition
	}{
		{"services", kongservice.Definition},
		{"consumers", kongconsumer.Definition},
		{"routes", kongroute.Definition},
		{"plugins", kongplugin.Definition},
	} {
		for _, item := range exp[step.key].([]any) {
			// Not through JSON: the export must be usable as it is returned.
			out := env.Run(step.def, item.(map[string]any))
			require.NotEqual(t, true, out["failed"], "%s %v: %v %v", step.def.Name, item, out["msg"], out["fields"])
			if out["changed"] == true {
				changed++
			}
		}
	}
	return changed
}

func TestExport_RoundTripToAFreshKong(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"3.9.3", "2.8.5"} {
		for _, drop := range []bool{false, true} {
			name := version
			if drop {
				name += "/drop_defaults"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				source := kongtest.Start(t, kongemu.Options{Version: version})
				seed(t, source, version != "2.8.5")
				before := export(t, source, map[string]any{"drop_defaults": drop})

				target := kongtest.Start(t, kongemu.Options{Version: version})
				changed := apply(t, target, before)
				assert.Equal(t, countItems(before), changed, "every exported entity is created on the fresh Kong")
				after := export(t, target, map[string]any{"drop_defaults": drop})
				assert.Equal(t, jsonRound(before), jsonRound(after), "export -> apply -> export gives the same export")

				assert.Equal(t, 0, apply(t, target, before), "applying the export again changes nothing")
			})
		}
	}
}

func countItems(exp map[string]any) int {
	n := 0
	for _, k := range []string{"services", "consumers", "routes", "plugins"} {
		n += len(exp[k].([]any))
	}
	return n
}

func TestExport_Shape(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{Version: "3.9.3"})
	seed(t, env, true)
	exp := jsonRound(export(t, env, map[string]any{"include_secrets": false, "_ansible_check_mode": true}))
	raw, _ := json.Marshal(exp)
	assert.NotContains(t, string(raw), "s3cr3t-pass", "secrets are left out by default")
	assert.NotContains(t, string(raw), "created_at")
	assert.Equal(t, []any{"plugin(rate-limiting service=example-service).config.redis.password"}, exp["omitted_secrets"])
	assert.NotEmpty(t, exp["warnings"])

	services := exp["services"].([]any)
	require.Len(t, services, 1, "only the asked service")
	svc := services[0].(map[string]any)
	assert.Equal(t, map[string]any{"name": "example-service", "protocol": "http", "host": "httpbin.test", "port": 80.0,
		"path": "/anything", "retries": 2.0, "connect_timeout": 60000.0, "read_timeout": 60000.0, "write_timeout": 60000.0,
		"tags": []any{"demo", "edge"}, "enabled": true}, svc)

	routes := exp["routes"].([]any)
	require.Len(t, routes, 2)
	var unnamed map[string]any
	for _, r := range routes {
		rm := r.(map[string]any)
		assert.Equal(t, "example-service", rm["service"], "the route's service is written as its name")
		if rm["name"] == nil {
			unnamed = rm
		}
	}
	require.NotNil(t, unnamed)
	assert.Regexp(t, `^[0-9a-f-]{36}$`, unnamed["id"], "an unnamed route keeps its id")

	plugins := exp["plugins"].([]any)
	var names []string
	for _, p := range plugins {
		pm := p.(map[string]any)
		names = append(names, describePlugin(pm))
		assert.NotContains(t, pm["config"], "redis_host", "echoed shorthands are left out")
		assert.Nil(t, pm["id"])
	}
	assert.ElementsMatch(t, []string{
		"plugin(rate-limiting service=example-service)",
		"plugin(rate-limiting service=example-service consumer=alice)",
		"plugin(key-auth route=test)",
		"plugin(correlation-id instance_name=svc-correlation service=example-service)",
		"plugin(request-termination consumer=bob)",
	}, names, "the service's, its routes' and the asked consumers' plugins; not the other service's")

	consumers := exp["consumers"].([]any)
	assert.Equal(t, []any{map[string]any{"username": "alice", "tags": []any{"partners"}}, map[string]any{"username": "bob", "custom_id": "b-42"}}, consumers)

	short := jsonRound(export(t, env, map[string]any{"drop_defaults": true}))
	svc = short["services"].([]any)[0].(map[string]any)
	assert.Equal(t, map[string]any{"name": "example-service", "host": "httpbin.test", "path": "/anything", "retries": 2.0,
		"tags": []any{"demo", "edge"}}, svc, "defaults (port 80, timeouts, enabled) are dropped")
	for _, p := range short["plugins"].([]any) {
		pm := p.(map[string]any)
		if pm["name"] == "key-auth" {
			assert.Equal(t, map[string]any{"key_names": []any{"apikey", "x-api-key"}}, pm["config"])
			assert.NotContains(t, pm, "protocols")
			assert.NotContains(t, pm, "enabled")
		}
	}
}

// TestExport_MissingFailsUnlessIgnored: issue 10 item 6. A mistyped
// service returned empty lists and "ok", so a redeploy loop over the export
// succeeded having done nothing. A named service or consumer that does not
// exist now fails, naming the closest name; missing=ignore warns instead.
func TestExport_MissingFailsUnlessIgnored(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{Version: "3.9.3"})
	seed(t, env, true)
	out := env.Run(Definition, map[string]any{"service": "example-servce"})
	assert.Equal(t, true, out["failed"])
	assert.Equal(t, `service "example-servce" does not exist (did you mean "example-service"?): nothing exported; fix the name, or set missing=ignore to export what exists with a warning`, out["msg"])
	assert.Equal(t, false, out["changed"])

	out = env.Run(Definition, map[string]any{"service": "example-service", "consumers": []any{"alice", "alicia"}})
	assert.Equal(t, true, out["failed"])
	assert.Equal(t, `consumer "alicia" does not exist (did you mean "alice"?): nothing exported; fix the name, or set missing=ignore to export what exists with a warning`, out["msg"])

	out = env.Run(Definition, map[string]any{"service": "nope", "consumers": []any{"ghost"}, "missing": "ignore"})
	require.NotEqual(t, true, out["failed"], "%v", out["msg"])
	assert.Empty(t, out["services"])
	assert.Empty(t, out["routes"])
	assert.Empty(t, out["plugins"])
	warnings := strings.Join(toStrings(out["warnings"]), "\n")
	assert.Contains(t, warnings, `service "nope" does not exist: not exported (missing=ignore)`)
	assert.Contains(t, warnings, `consumer "ghost" does not exist: not exported (missing=ignore)`)
}

func TestExport_All(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{Version: "3.9.3"})
	seed(t, env, true)
	all := env.Run(Definition, map[string]any{"all_services": true})
	assert.Len(t, all["services"], 2)
	assert.Len(t, all["routes"], 3)

	bad := env.Run(Definition, map[string]any{})
	assert.Equal(t, true, bad["failed"])
	assert.Contains(t, bad["msg"], "one of the following is required: service, all_services")
}

func TestDefinition_IsConsistent(t *testing.T) {
	t.Parallel()
	kongtest.CheckDefinition(t, Definition, "plugins")
}

func toStrings(v any) []string {
	var out []string
	switch t := v.(type) {
	case []string:
		return t
	case []any:
		for _, e := range t {
			out = append(out, e.(string))
		}
	}
	return out
}

func jsonRound(v map[string]any) map[string]any {
	b, _ := json.Marshal(v)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	delete(out, "invocation")
	return out
}
