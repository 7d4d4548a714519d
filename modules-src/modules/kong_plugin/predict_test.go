package kongplugin

import (
	"testing"

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
	const id = "1e2d3c4b-5a69-4788-9a1b-2c3d4e5f6a7b"
	// The diff's leaves are compared with the engine's generic rules (a
	// nil shape: records key by key, lists as given), which is enough to
	// tell a changed leaf from an unchanged one here: the sets given in
	// another order are no change, so they are not in the diff at all.
	p := &predicttest.Predictor{Def: Definition, Entity: "plugin", DiffOnlyChanges: true}
	for _, version := range []string{"3.9.3", "2.8.5"} {
		kong3 := version == "3.9.3"
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
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			env := kongtest.Start(t, kongemu.Options{Version: version})
			env.Send(t, "PUT", "/services/svc1", map[string]any{"host": "one.test"})
			env.Send(t, "PUT", "/routes/rt1", map[string]any{"paths": []any{"/rt1"}})
			env.Send(t, "PUT", "/consumers/c1", map[string]any{})
			p.Sequence(t, env, scripted, 20240604, 150, func(g *predicttest.Gen, i int) predicttest.PredictStep { return randomPlugin(g, kong3) })
		})
	}
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
