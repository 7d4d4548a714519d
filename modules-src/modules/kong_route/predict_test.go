package kongroute

import (
	"testing"

	"platform.ops/modules-src/internal/kong"
	"platform.ops/modules-src/internal/kong/kongtest"
	"platform.ops/modules-src/internal/kong/predicttest"
	"platform.ops/tests/kongemu"
)

// TestPrediction: for a scripted sequence and a seeded random one, --check
// writes nothing and predicts the real run exactly (changed, operation,
// changes, diff, returned route), the diff's differing fields are the
// changes, and a rerun changes nothing. See predicttest.Predictor.
func TestPrediction(t *testing.T) {
	t.Parallel()
	const id = "7d2e4f60-1a3b-4c5d-8e9f-0a1b2c3d4e5f"
	const id2 = "7d2e4f60-1a3b-4c5d-8e9f-0a1b2c3d4e60"
	p := &predicttest.Predictor{Def: Definition, Entity: "route", Shape: func(map[string]any) *kong.Shape { return kong.RouteKind.Shape }}
	scripted := []predicttest.PredictStep{
		{Name: "create", Args: map[string]any{"name": "r", "service": "svc1", "paths": []any{"/a", "/b"}, "methods": []any{"GET", "POST"},
			"hosts": []any{"x.test"}, "tags": []any{"b", "a"}}},
		{Name: "no-op rerun", Args: map[string]any{"name": "r", "service": "svc1", "paths": []any{"/a", "/b"}, "methods": []any{"GET", "POST"},
			"hosts": []any{"x.test"}, "tags": []any{"b", "a"}}},
		{Name: "one field", Args: map[string]any{"name": "r", "strip_path": false}},
		{Name: "several fields, sets in another order", Args: map[string]any{"name": "r", "methods": []any{"PUT", "POST", "GET"},
			"headers": map[string]any{"X-A": []any{"2", "1"}}, "regex_priority": 5, "service": "svc2", "tags": []any{"c", "a", "b"}}},
		{Name: "sets reordered only", Args: map[string]any{"name": "r", "methods": []any{"GET", "PUT", "POST", "GET"}, "paths": []any{"/b", "/a"},
			"headers": map[string]any{"X-A": []any{"1", "2"}}}},
		{Name: "header value as a string", Args: map[string]any{"name": "r", "headers": map[string]any{"X-A": "1", "X-B": []any{"b"}}}},
		{Name: "regex path", Args: map[string]any{"name": "r", "paths": []any{`~/u/\d+$`, "/a"}}},
		{Name: "https only", Args: map[string]any{"name": "r", "protocols": []any{"https"}, "https_redirect_status_code": 301, "snis": []any{"x.test"}}},
		{Name: "buffering and host", Args: map[string]any{"name": "r", "preserve_host": true, "request_buffering": false, "response_buffering": false, "path_handling": "v1"}},
		{Name: "strict", Args: map[string]any{"name": "r", "paths": []any{"/a"}, "strict": true}},
		{Name: "create with id", Args: map[string]any{"id": id, "name": "old", "paths": []any{"/old"}}},
		{Name: "rename via id", Args: map[string]any{"id": id, "name": "new"}},
		{Name: "rename and change via id", Args: map[string]any{"id": id, "name": "newer", "service": "svc1", "tags": []any{"x"}}},
		{Name: "stream route", Args: map[string]any{"name": "stream", "protocols": []any{"tcp"},
			"sources": []any{map[string]any{"ip": "10.0.0.0/8"}, map[string]any{"ip": "10.1.0.0/16", "port": 80}}, "destinations": []any{map[string]any{"port": 9000}}}},
		{Name: "stream sources reordered", Args: map[string]any{"name": "stream",
			"sources": []any{map[string]any{"port": 80, "ip": "10.1.0.0/16"}, map[string]any{"ip": "10.0.0.0/8"}}}},
		{Name: "delete", Args: map[string]any{"name": "r", "state": "absent"}},
		{Name: "delete again", Args: map[string]any{"name": "r", "state": "absent"}},
		{Name: "delete via id", Args: map[string]any{"id": id, "state": "absent"}},
		{Name: "rejected by Kong", Args: map[string]any{"name": "bad", "protocols": []any{"http"}, "snis": []any{"x.test"}, "paths": []any{"/x"}}},
		// Kong's validate endpoint checks no UNIQUE constraint; check mode
		// asks who holds the name and fails with the real run's 409.
		{Name: "holder of a name", Args: map[string]any{"name": "held", "paths": []any{"/held"}}},
		{Name: "create with id, name held by another", Args: map[string]any{"id": id2, "name": "held", "paths": []any{"/x"}}},
		{Name: "create with id, name free", Args: map[string]any{"id": id2, "name": "mine", "paths": []any{"/x"}}},
		{Name: "rename via id to a name held by another", Args: map[string]any{"id": id2, "name": "held", "strip_path": false}},
		{Name: "rename via id to a free name", Args: map[string]any{"id": id2, "name": "mine2", "strip_path": false}},
	}
	for _, version := range []string{"3.9.3", "2.8.5"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			env := kongtest.Start(t, kongemu.Options{Version: version})
			env.Send(t, "PUT", "/services/svc1", map[string]any{"host": "one.test"})
			env.Send(t, "PUT", "/services/svc2", map[string]any{"host": "two.test"})
			p.Sequence(t, env, scripted, 20240602, 150, func(g *predicttest.Gen, i int) predicttest.PredictStep { return randomRoute(g) })
		})
	}
}

// randomRoute draws a kong_route task over its options (a few names, so
// tasks meet existing routes).
func randomRoute(g *predicttest.Gen) predicttest.PredictStep {
	args := map[string]any{"name": predicttest.Pick(g, "r1", "r2", "r3")}
	if g.Chance(0.15) {
		args["state"] = "absent"
		return predicttest.PredictStep{Args: args}
	}
	if g.Chance(0.6) {
		args["service"] = predicttest.Pick(g, "svc1", "svc2")
	}
	https := false
	if g.Chance(0.3) {
		protocols := predicttest.Pick(g, []any{"http", "https"}, []any{"https"}, []any{"https", "http"}, []any{"http"})
		args["protocols"] = protocols
		https = len(protocols) == 1 && protocols[0] == "https"
	}
	if g.Chance(0.8) {
		if paths := g.Subset("/p", "/q", `~/re/\d+$`, "/v1/x"); len(paths) > 0 {
			args["paths"] = paths
		} else {
			args["paths"] = []any{"/p"}
		}
	}
	if g.Chance(0.4) {
		args["methods"] = g.Subset("GET", "POST", "PUT")
	}
	if g.Chance(0.3) {
		args["hosts"] = g.Subset("a.test", "b.test", "*.c.test")
	}
	if g.Chance(0.25) {
		headers := map[string]any{}
		for _, h := range []string{"X-A", "X-B"} {
			if g.Chance(0.5) {
				headers[h] = predicttest.Pick[any](g, "v", []any{"v", "w"}, []any{"w", "v"})
			}
		}
		args["headers"] = headers
	}
	if https && g.Chance(0.3) {
		args["snis"] = g.Subset("a.test", "b.test")
	}
	for _, f := range []string{"strip_path", "preserve_host", "request_buffering", "response_buffering"} {
		if g.Chance(0.2) {
			args[f] = g.Chance(0.5)
		}
	}
	if g.Chance(0.15) {
		args["path_handling"] = predicttest.Pick(g, "v0", "v1")
	}
	if g.Chance(0.2) {
		args["regex_priority"] = predicttest.Pick(g, 0, 3, 10)
	}
	if g.Chance(0.15) {
		args["https_redirect_status_code"] = predicttest.Pick(g, 426, 301, 308)
	}
	if g.Chance(0.4) {
		args["tags"] = g.Subset("t1", "t2", "t3")
	}
	if g.Chance(0.08) {
		args["strict"] = true
	}
	return predicttest.PredictStep{Args: args}
}
