package kongservice

import (
	"strings"
	"testing"

	"platform.ops/modules-src/internal/kong"
	"platform.ops/modules-src/internal/kong/kongtest"
	"platform.ops/modules-src/internal/kong/predicttest"
	"platform.ops/tests/kongemu"
)

// TestPrediction: for a scripted sequence and a seeded random one, --check
// writes nothing and predicts the real run exactly (changed, operation,
// changes, diff, returned service), the diff's differing fields are the
// changes, and a rerun changes nothing. See predicttest.Predictor.
func TestPrediction(t *testing.T) {
	t.Parallel()
	const id = "3b0c9a51-5f2e-4d7a-9c1b-2e8f6a4d0c17"
	const id2 = "3b0c9a51-5f2e-4d7a-9c1b-2e8f6a4d0c18"
	p := &predicttest.Predictor{Def: Definition, Entity: "service", Shape: func(map[string]any) *kong.Shape { return kong.ServiceKind.Shape }}
	scripted := []predicttest.PredictStep{
		{Name: "create", Args: map[string]any{"name": "s", "url": "http://a.test:8080/v1", "tags": []any{"b", "a"}, "retries": 3}},
		{Name: "no-op rerun", Args: map[string]any{"name": "s", "url": "http://a.test:8080/v1", "tags": []any{"b", "a"}, "retries": 3}},
		{Name: "one field", Args: map[string]any{"name": "s", "port": 9090}},
		{Name: "several fields, set in another order", Args: map[string]any{"name": "s", "host": "b.test", "read_timeout": 5000,
			"tags": []any{"c", "a", "b"}, "enabled": false}},
		{Name: "set reordered only", Args: map[string]any{"name": "s", "tags": []any{"b", "c", "a", "a"}}},
		{Name: "url without a path clears it", Args: map[string]any{"name": "s", "url": "https://b.test"}},
		{Name: "tls fields", Args: map[string]any{"name": "s", "tls_verify": true, "tls_verify_depth": 3}},
		{Name: "strict", Args: map[string]any{"name": "s", "host": "b.test", "strict": true}},
		{Name: "create with id", Args: map[string]any{"id": id, "name": "old", "host": "c.test"}},
		{Name: "rename via id", Args: map[string]any{"id": id, "name": "new"}},
		{Name: "rename and change via id", Args: map[string]any{"id": id, "name": "newer", "port": 81, "tags": []any{"x"}}},
		{Name: "delete", Args: map[string]any{"name": "s", "state": "absent"}},
		{Name: "delete again", Args: map[string]any{"name": "s", "state": "absent"}},
		{Name: "delete via id", Args: map[string]any{"id": id, "state": "absent"}},
		{Name: "rejected by Kong", Args: map[string]any{"name": "bad", "host": "a.test", "path": "no-slash"}},
		// Kong's validate endpoint checks no UNIQUE constraint; check mode
		// asks who holds the name and fails with the real run's 409.
		{Name: "holder of a name", Args: map[string]any{"name": "held", "host": "h.test"}},
		{Name: "create with id, name held by another", Args: map[string]any{"id": id2, "name": "held", "host": "x.test"}},
		{Name: "create with id, name free", Args: map[string]any{"id": id2, "name": "mine", "host": "x.test"}},
		{Name: "rename via id to a name held by another", Args: map[string]any{"id": id2, "name": "held", "port": 81}},
		{Name: "rename via id to a free name", Args: map[string]any{"id": id2, "name": "mine2", "port": 81}},
	}
	for _, version := range []string{"3.9.3", "2.8.5"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			env := kongtest.Start(t, kongemu.Options{Version: version})
			p.Sequence(t, env, scripted, 20240601, 150, func(g *predicttest.Gen, i int) predicttest.PredictStep { return randomService(g) })
		})
	}
}

// randomService draws a kong_service task over its options (a few names,
// so tasks meet existing services; sometimes an id too, so a task renames
// its service to a name another one may hold).
func randomService(g *predicttest.Gen) predicttest.PredictStep {
	args := map[string]any{"name": predicttest.Pick(g, "r1", "r2", "r3")}
	if g.Chance(0.2) {
		args["id"] = predicttest.Pick(g, "0a0a0a0a-0000-4000-8000-00000000000a", "0b0b0b0b-0000-4000-8000-00000000000b")
	}
	if g.Chance(0.15) {
		args["state"] = "absent"
		return predicttest.PredictStep{Args: args}
	}
	https := false
	if g.Chance(0.4) {
		args["url"] = predicttest.Pick(g, "http://u.test", "http://u.test:8080/v1", "https://v.test/x/y", "https://v.test:8443")
		https = strings.HasPrefix(args["url"].(string), "https")
	} else {
		args["host"] = predicttest.Pick(g, "h1.test", "h2.test")
		if g.Chance(0.5) {
			args["protocol"] = predicttest.Pick(g, "http", "https")
			https = args["protocol"] == "https"
		}
		if g.Chance(0.5) {
			args["port"] = predicttest.Pick(g, 80, 8080, 443)
		}
		if g.Chance(0.4) {
			args["path"] = predicttest.Pick(g, "/", "/a", "/a/b")
		}
	}
	if g.Chance(0.25) {
		args["retries"] = predicttest.Pick(g, 0, 5, 10)
	}
	for _, f := range []string{"connect_timeout", "read_timeout", "write_timeout"} {
		if g.Chance(0.25) {
			args[f] = predicttest.Pick(g, 1, 1000, 60000)
		}
	}
	if g.Chance(0.5) {
		args["tags"] = g.Subset("t1", "t2", "t3")
	}
	if g.Chance(0.3) {
		args["enabled"] = g.Chance(0.5)
	}
	// TLS fields need an https service (else Kong refuses them: a few such
	// tasks stay in, so check mode must fail exactly when the real run does).
	if g.Chance(0.05) || (https && g.Chance(0.3)) {
		args["tls_verify"] = g.Chance(0.5)
	}
	if https && g.Chance(0.2) {
		args["tls_verify_depth"] = predicttest.Pick(g, 0, 2, 64)
	}
	if g.Chance(0.1) {
		args["strict"] = true
	}
	return predicttest.PredictStep{Args: args}
}
