package kongplugin

import (
	"maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"

	"platform.ops/modules-src/internal/kong"
	"platform.ops/modules-src/internal/kong/kongtest"
	"platform.ops/modules-src/internal/kong/predicttest"
	"platform.ops/tests/kongemu"
)

// TestPrediction: for a scripted sequence and a seeded random one, --check
// writes nothing and predicts the real run exactly (changed, operation,
// changes, diff, returned plugin), the diff holds only what changes (as
// docs.go documents for this module), and a rerun changes nothing. See
// predicttest.Predictor.
func TestPrediction(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"3.9.3", "2.8.5"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			env := predictionEnv(t, version)
			predictor.Sequence(t, env, scriptedSteps(version == "3.9.3"), seed, 150,
				func(g *predicttest.Gen, i int) predicttest.PredictStep { return randomPlugin(g, version == "3.9.3") })
		})
	}
}

// TestPredictionWithoutCacheKey shows what the check of Kong's
// one-plugin-per-name-and-scope rule (kong.Kind.CacheKey) catches: without
// it, check mode predicts success for exactly the scripted steps that put
// a plugin selected by id or instance_name into a scope that has a plugin
// of that name, and for some of the random ones, and the real run fails
// with 409. Not parallel: it changes kong.PluginKind, and puts it back
// before the parallel tests run.
func TestPredictionWithoutCacheKey(t *testing.T) {
	saved := kong.PluginKind.CacheKey
	kong.PluginKind.CacheKey = nil
	defer func() { kong.PluginKind.CacheKey = saved }()
	for _, version := range []string{"3.9.3", "2.8.5"} {
		t.Run(version, func(t *testing.T) {
			want := []string{"create with id into a scope that has the plugin", "move via id into a scope that has the plugin",
				"create with id, global and held"}
			if version == "3.9.3" {
				want = append(want, "instance_name moved into a scope that has the plugin")
			}
			kong3 := version == "3.9.3"
			env := predictionEnv(t, version)
			got := predictor.Mismatches(t, env, scriptedSteps(kong3))
			assert.ElementsMatch(t, want, slices.Collect(maps.Keys(got)))
			random := predictor.Mismatches(t, env, predicttest.RandomSteps(seed, 150,
				func(g *predicttest.Gen, i int) predicttest.PredictStep { return randomPlugin(g, kong3) }))
			assert.NotEmpty(t, random, "no random step meets a held scope")
			t.Logf("random steps check mode mispredicts without the check: %d", len(random))
			maps.Copy(got, random)
			for name, msg := range got {
				assert.Contains(t, msg, "check mode failed=<nil>", name)
				assert.Contains(t, msg, "but the real run failed=true (", name)
				assert.Contains(t, msg, "Kong answered HTTP 409: UNIQUE violation detected on '{consumer=", name)
			}
		})
	}
}

func predictionEnv(t *testing.T, version string) *kongtest.Env {
	env := kongtest.Start(t, kongemu.Options{Version: version})
	env.Send(t, "PUT", "/services/svc1", map[string]any{"host": "one.test"})
	env.Send(t, "PUT", "/routes/rt1", map[string]any{"paths": []any{"/rt1"}})
	env.Send(t, "PUT", "/consumers/c1", map[string]any{})
	return env
}

// The diff's leaves are compared with the engine's generic rules (a nil
// shape: records key by key, lists as given), which is enough to tell a
// changed leaf from an unchanged one here: the sets given in another order
// are no change, so they are not in the diff at all.
var predictor = &predicttest.Predictor{Def: Definition, Entity: "plugin", DiffOnlyChanges: true}

const seed = 20240604

// Plugin ids of the scripted and random steps.
const (
	id  = "1e2d3c4b-5a69-4788-9a1b-2c3d4e5f6a7b"
	id2 = "2e2d3c4b-5a69-4788-9a1b-2c3d4e5f6a7b"
	id3 = "3e2d3c4b-5a69-4788-9a1b-2c3d4e5f6a7b"
)

func scriptedSteps(kong3 bool) []predicttest.PredictStep {
	redis := func(host string, port int, password string) map[string]any {
		if kong3 {
			return map[string]any{"policy": "redis", "redis": map[string]any{"host": host, "port": port, "password": password}}
		}
		return map[string]any{"policy": "redis", "redis_host": host, "redis_port": port, "redis_password": password}
	}
	withRedis := func(cfg map[string]any, host string, port int, password string) map[string]any {
		for k, v := range redis(host, port, password) {
			cfg[k] = v
		}
		return cfg
	}
	scripted := []predicttest.PredictStep{
		{Name: "create", Args: map[string]any{"name": "rate-limiting", "service": "svc1", "config": map[string]any{"minute": 5, "policy": "local"}}},
		{Name: "no-op rerun", Args: map[string]any{"name": "rate-limiting", "service": "svc1", "config": map[string]any{"minute": 5, "policy": "local"}}},
		{Name: "one config key", Args: map[string]any{"name": "rate-limiting", "service": "svc1", "config": map[string]any{"minute": 10}}},
		{Name: "several keys, nested record, secret", Args: map[string]any{"name": "rate-limiting", "service": "svc1",
			"config": withRedis(map[string]any{"minute": 20, "hour": 100}, "r.test", 6380, "pw1"), "tags": []any{"b", "a"}}},
		{Name: "one nested key", Args: map[string]any{"name": "rate-limiting", "service": "svc1", "config": redis("r.test", 6381, "pw1")}},
		{Name: "secret only", Args: map[string]any{"name": "rate-limiting", "service": "svc1", "config": redis("r.test", 6381, "pw2")}},
		{Name: "strings converted to the schema's types", Args: map[string]any{"name": "rate-limiting", "service": "svc1", "config": map[string]any{"minute": "20", "hour": "100"}}},
		{Name: "enabled, tags and protocols in another order", Args: map[string]any{"name": "rate-limiting", "service": "svc1",
			"enabled": false, "tags": []any{"a", "c", "b"}, "protocols": []any{"https", "http"}}},
		{Name: "sets reordered only", Args: map[string]any{"name": "rate-limiting", "service": "svc1", "tags": []any{"c", "b", "a"}, "protocols": []any{"http", "https", "http"}}},
		{Name: "strict", Args: map[string]any{"name": "rate-limiting", "service": "svc1", "config": map[string]any{"minute": 7}, "strict": true}},
		{Name: "jwt with sets", Args: map[string]any{"name": "jwt", "route": "rt1", "config": map[string]any{"claims_to_verify": []any{"nbf", "exp"},
			"uri_param_names": []any{"jwt", "token"}, "key_claim_name": "iss"}}},
		{Name: "jwt sets in another order", Args: map[string]any{"name": "jwt", "route": "rt1", "config": map[string]any{"claims_to_verify": []any{"exp", "nbf", "exp"},
			"uri_param_names": []any{"token", "jwt"}}}},
		{Name: "jwt one set changed", Args: map[string]any{"name": "jwt", "route": "rt1", "config": map[string]any{"claims_to_verify": []any{"exp"}, "run_on_preflight": false}}},
		{Name: "consumer scope", Args: map[string]any{"name": "cors", "consumer": "c1", "config": map[string]any{"origins": []any{"https://a.test"}, "credentials": true}}},
		{Name: "create with id", Args: map[string]any{"id": id, "name": "cors", "route": "rt1", "config": map[string]any{"methods": []any{"GET", "POST"}}}},
		{Name: "move via id", Args: map[string]any{"id": id, "name": "cors", "service": "svc1"}},
		// Kong allows one plugin of a name per scope (its cache_key),
		// which its validate endpoint does not check: a plugin selected
		// by id is not looked up by name and scope, so check mode lists
		// the scope's plugins and fails with the real run's 409.
		{Name: "create with id into a scope that has the plugin", Args: map[string]any{"id": id2, "name": "cors", "service": "svc1"}},
		{Name: "create with id, global", Args: map[string]any{"id": id2, "name": "cors", "config": map[string]any{"max_age": 60}}},
		{Name: "move via id into a scope that has the plugin", Args: map[string]any{"id": id2, "name": "cors", "service": "svc1"}},
		{Name: "create with id, global and held", Args: map[string]any{"id": id3, "name": "cors"}},
		{Name: "move via id into a free scope", Args: map[string]any{"id": id2, "name": "cors", "route": "rt1", "service": "svc1"}},
		{Name: "delete via id, the second", Args: map[string]any{"id": id2, "name": "cors", "state": "absent"}},
		{Name: "delete", Args: map[string]any{"name": "rate-limiting", "service": "svc1", "state": "absent"}},
		{Name: "delete again", Args: map[string]any{"name": "rate-limiting", "service": "svc1", "state": "absent"}},
		{Name: "delete via id", Args: map[string]any{"id": id, "name": "cors", "state": "absent"}},
		{Name: "rejected by Kong", Args: map[string]any{"name": "rate-limiting", "route": "rt1", "config": map[string]any{"minute": -1}}},
	}
	if kong3 {
		scripted = append(scripted,
			predicttest.PredictStep{Name: "instance_name", Args: map[string]any{"name": "rate-limiting", "instance_name": "ri", "config": map[string]any{"second": 3}}},
			predicttest.PredictStep{Name: "instance_name rerun", Args: map[string]any{"name": "rate-limiting", "instance_name": "ri", "config": map[string]any{"second": 3}}},
			predicttest.PredictStep{Name: "instance_name moved to a route", Args: map[string]any{"name": "rate-limiting", "instance_name": "ri", "route": "rt1"}},
			predicttest.PredictStep{Name: "a plugin of that name on the service", Args: map[string]any{"name": "rate-limiting", "service": "svc1", "config": map[string]any{"minute": 3}}},
			predicttest.PredictStep{Name: "instance_name moved into a scope that has the plugin", Args: map[string]any{"name": "rate-limiting", "instance_name": "ri", "service": "svc1"}},
			predicttest.PredictStep{Name: "the plugin on the service deleted", Args: map[string]any{"name": "rate-limiting", "service": "svc1", "state": "absent"}},
			predicttest.PredictStep{Name: "create with id and instance_name", Args: map[string]any{"id": id, "name": "key-auth", "instance_name": "ka"}},
			predicttest.PredictStep{Name: "rename via id", Args: map[string]any{"id": id, "name": "key-auth", "instance_name": "ka2", "config": map[string]any{"key_names": []any{"k"}}}},
			predicttest.PredictStep{Name: "delete by instance_name", Args: map[string]any{"name": "rate-limiting", "instance_name": "ri", "state": "absent"}},
			predicttest.PredictStep{Name: "delete renamed via id", Args: map[string]any{"id": id, "name": "key-auth", "state": "absent"}},
			// Kong's validate endpoint checks no UNIQUE constraint;
			// check mode asks who holds the instance_name and fails
			// with the real run's 409.
			predicttest.PredictStep{Name: "holder of an instance_name", Args: map[string]any{"name": "cors", "instance_name": "held", "service": "svc1"}},
			predicttest.PredictStep{Name: "create with id, instance_name held by another", Args: map[string]any{"id": id, "name": "key-auth", "instance_name": "held"}},
			predicttest.PredictStep{Name: "create with id, instance_name free", Args: map[string]any{"id": id, "name": "key-auth", "instance_name": "mine"}},
			predicttest.PredictStep{Name: "rename via id to an instance_name held by another", Args: map[string]any{"id": id, "name": "key-auth", "instance_name": "held"}},
			predicttest.PredictStep{Name: "delete via id at last", Args: map[string]any{"id": id, "name": "key-auth", "state": "absent"}},
		)
	}
	return scripted
}

// randomPlugin draws a kong_plugin task: one of three plugins, one of four
// scopes, some config keys (nested records and sets included).
func randomPlugin(g *predicttest.Gen, kong3 bool) predicttest.PredictStep {
	name := predicttest.Pick(g, "rate-limiting", "jwt", "cors")
	args := map[string]any{"name": name}
	switch predicttest.Pick(g, "global", "service", "route", "consumer") {
	case "service":
		args["service"] = "svc1"
	case "route":
		args["route"] = "rt1"
	case "consumer":
		if name == "rate-limiting" { // jwt and cors cannot be scoped to a consumer
			args["consumer"] = "c1"
		}
	}
	if g.Chance(0.2) {
		// Selected by id, so moved to the drawn scope, where a plugin of
		// that name may be (a 409 check mode must predict); an id held by
		// another plugin name fails the same in both runs.
		args["id"] = predicttest.Pick(g, id2, id3)
	}
	if g.Chance(0.15) {
		args["state"] = "absent"
		return predicttest.PredictStep{Args: args}
	}
	cfg := map[string]any{}
	switch name {
	case "rate-limiting":
		if g.Chance(0.7) {
			cfg["minute"] = predicttest.Pick(g, 5, 10, 60)
		}
		if g.Chance(0.4) {
			cfg["hour"] = predicttest.Pick(g, 100, 1000)
		}
		if g.Chance(0.3) {
			cfg["limit_by"] = predicttest.Pick(g, "consumer", "ip")
		}
		if g.Chance(0.3) {
			host, port := predicttest.Pick(g, "r1.test", "r2.test"), predicttest.Pick(g, 6379, 6380)
			cfg["policy"] = "redis"
			if kong3 {
				redis := map[string]any{"host": host}
				if g.Chance(0.5) {
					redis["port"] = port
				}
				if g.Chance(0.3) {
					redis["database"] = predicttest.Pick(g, 0, 1)
				}
				cfg["redis"] = redis
			} else {
				cfg["redis_host"], cfg["redis_port"] = host, port
			}
		} else if g.Chance(0.3) {
			cfg["policy"] = "local"
		}
		if len(cfg) == 0 || (cfg["minute"] == nil && cfg["hour"] == nil) {
			cfg["second"] = predicttest.Pick(g, 1, 2)
		}
	case "jwt":
		if g.Chance(0.5) {
			cfg["claims_to_verify"] = g.Subset("exp", "nbf")
		}
		if g.Chance(0.4) {
			cfg["uri_param_names"] = g.Subset("jwt", "token", "t")
		}
		if g.Chance(0.3) {
			cfg["key_claim_name"] = predicttest.Pick(g, "iss", "kid")
		}
		if g.Chance(0.2) {
			// Needs exp among claims_to_verify, which a later task may
			// drop: Kong then refuses, and check mode must too.
			cfg["maximum_expiration"] = predicttest.Pick(g, 0, 3600)
			cfg["claims_to_verify"] = []any{"exp"}
		}
	case "cors":
		if g.Chance(0.5) {
			cfg["origins"] = g.Subset("https://a.test", "https://b.test")
		}
		if g.Chance(0.4) {
			cfg["methods"] = g.Subset("GET", "POST", "PUT")
		}
		if g.Chance(0.3) {
			cfg["credentials"] = g.Chance(0.5)
		}
		if g.Chance(0.3) {
			cfg["max_age"] = predicttest.Pick(g, 60, 3600)
		}
	}
	if len(cfg) > 0 || g.Chance(0.5) {
		args["config"] = cfg
	}
	if g.Chance(0.25) {
		args["enabled"] = g.Chance(0.5)
	}
	if g.Chance(0.3) {
		args["tags"] = g.Subset("t1", "t2", "t3")
	}
	if g.Chance(0.15) {
		args["protocols"] = predicttest.Pick(g, []any{"http", "https"}, []any{"https"}, []any{"https", "http", "grpc"})
	}
	if g.Chance(0.08) {
		args["strict"] = true
	}
	return predicttest.PredictStep{Args: args}
}
