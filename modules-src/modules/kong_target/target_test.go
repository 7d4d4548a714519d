package kongtarget

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"platform.ops/modules-src/internal/kong"
	"platform.ops/modules-src/internal/kong/kongtest"
	"platform.ops/modules-src/internal/kong/predicttest"
	"platform.ops/tests/kongemu"
)

func TestDefinition_IsConsistent(t *testing.T) {
	t.Parallel()
	kongtest.CheckDefinition(t, Definition, "target")
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	tests := kongtest.BadInputs{
		{"upstream is required", map[string]any{"target": "a.test"}, "missing required arguments: upstream"},
		{"target or id", map[string]any{"upstream": "u"}, "one of the following is required: target, id"},
		{"target must be an address", map[string]any{"upstream": "u", "target": "http://a.test"},
			`target "http://a.test" is not a valid host name or IP address with an optional port (invalid port)`},
		{"port at most 65535", map[string]any{"upstream": "u", "target": "a.test:70000"}, "(invalid port number)"},
		{"upstream must not be empty", map[string]any{"upstream": "", "target": "a.test"}, "upstream must not be empty"},
		{"weight is an int", map[string]any{"upstream": "u", "target": "a.test", "weight": "heavy"}, "argument 'weight' is of type"},
	}
	kongtest.RefuseBadInput(t, Definition, tests)
}

// The requests a target task sends, on both versions: a create POSTs
// (PUT on a target that does not exist answers 404 in Kong 2.8 and 3.x),
// an update PATCHes the target by id under its upstream, a delete DELETEs
// it there; a task written without a port finds the target Kong stores
// with port 8000.
func TestRequests_PostPatchDelete(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"3.9.3", "2.8.5"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			env := kongtest.Start(t, kongemu.Options{Version: version})
			up := env.Send(t, "PUT", "/upstreams/u.internal", map[string]any{})
			uid := up["id"].(string)
			env.Requests()

			created := env.Run(Definition, map[string]any{"upstream": "u.internal", "target": "a.test", "weight": 10})
			require.NotEqual(t, true, created["failed"], created["msg"])
			assert.Equal(t, "a.test:8000", created["target"].(map[string]any)["target"])
			tid := created["target"].(map[string]any)["id"].(string)
			assert.Equal(t, []string{"GET /upstreams/u.internal", "GET /upstreams/" + uid + "/targets/a.test:8000", "POST /upstreams/" + uid + "/targets"}, env.Requests())

			again := env.Run(Definition, map[string]any{"upstream": "u.internal", "target": "a.test:8000", "weight": 10})
			assert.Equal(t, false, again["changed"], "a.test and a.test:8000 are the same target")
			env.Requests()

			updated := env.Run(Definition, map[string]any{"upstream": "u.internal", "target": "a.test", "weight": 0})
			assert.Equal(t, []any{"weight"}, updated["changes"])
			assert.Equal(t, "PATCH /upstreams/"+uid+"/targets/"+tid, env.Requests()[2])
			assert.EqualValues(t, 0, env.Get(t, "/upstreams/u.internal/targets/a.test:8000")["weight"])

			deleted := env.Run(Definition, map[string]any{"upstream": "u.internal", "target": "a.test", "state": "absent"})
			assert.Equal(t, "delete", deleted["operation"])
			assert.Equal(t, "DELETE /upstreams/"+uid+"/targets/"+tid, env.Requests()[2])
			assert.Empty(t, env.Get(t, "/upstreams/u.internal/targets")["data"])
		})
	}
}

// TestPrediction: on Kong 3.9.3 and 2.8.5, --check writes nothing and
// predicts the real run exactly, the diff's differing fields are the
// changes, and a rerun changes nothing.
func TestPrediction(t *testing.T) {
	t.Parallel()
	const id = "8b7a6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d"
	p := &predicttest.Predictor{Def: Definition, Entity: "target",
		Collections: []string{"/upstreams", "/upstreams/u1.internal/targets", "/upstreams/u2.internal/targets"},
		Shape:       func(map[string]any) *kong.Shape { return kong.TargetKind.Shape }}
	scripted := []predicttest.PredictStep{
		{Name: "create", Args: map[string]any{"upstream": "u1.internal", "target": "a.test", "weight": 50, "tags": []any{"b", "a"}}},
		{Name: "rerun with the default port written out", Args: map[string]any{"upstream": "u1.internal", "target": "a.test:8000", "weight": 50}},
		{Name: "weight", Args: map[string]any{"upstream": "u1.internal", "target": "a.test", "weight": 0}},
		{Name: "an IPv4 address with leading zeros", Args: map[string]any{"upstream": "u1.internal", "target": "010.000.000.001:80"}},
		{Name: "the same address written plainly", Args: map[string]any{"upstream": "u1.internal", "target": "10.0.0.1:80", "tags": []any{"ip"}}},
		{Name: "an IPv6 address", Args: map[string]any{"upstream": "u1.internal", "target": "[::1]:8443"}},
		{Name: "weight out of range", Args: map[string]any{"upstream": "u1.internal", "target": "b.test", "weight": 70000}},
		{Name: "same address in another upstream", Args: map[string]any{"upstream": "u2.internal", "target": "a.test"}},
		{Name: "create with id", Args: map[string]any{"upstream": "u1.internal", "id": id, "target": "c.test:81"}},
		{Name: "by id, another address", Args: map[string]any{"upstream": "u1.internal", "id": id, "target": "d.test:81"}},
		{Name: "by id, weight", Args: map[string]any{"upstream": "u1.internal", "id": id, "weight": 5}},
		{Name: "by id under the wrong upstream", Args: map[string]any{"upstream": "u2.internal", "id": id, "state": "absent"}},
		{Name: "delete", Args: map[string]any{"upstream": "u1.internal", "target": "a.test", "state": "absent"}},
		{Name: "delete again", Args: map[string]any{"upstream": "u1.internal", "target": "a.test:8000", "state": "absent"}},
		{Name: "delete by id", Args: map[string]any{"upstream": "u1.internal", "id": id, "state": "absent"}},
		{Name: "delete in a missing upstream", Args: map[string]any{"upstream": "nowhere.internal", "target": "a.test", "state": "absent"}},
	}
	for _, version := range []string{"3.9.3", "2.8.5"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			env := kongtest.Start(t, kongemu.Options{Version: version})
			env.Send(t, "PUT", "/upstreams/u1.internal", map[string]any{})
			env.Send(t, "PUT", "/upstreams/u2.internal", map[string]any{})
			p.Sequence(t, env, scripted, 20240617, 80, func(g *predicttest.Gen, i int) predicttest.PredictStep {
				args := map[string]any{"upstream": predicttest.Pick(g, "u1.internal", "u2.internal"),
					"target": predicttest.Pick(g, "r1.test", "r1.test:8000", "r2.test:81", "10.0.0.2")}
				if g.Chance(0.2) {
					args["state"] = "absent"
					return predicttest.PredictStep{Args: args}
				}
				if g.Chance(0.6) {
					args["weight"] = predicttest.Pick(g, 0, 10, 100)
				}
				if g.Chance(0.4) {
					args["tags"] = g.Subset("t1", "t2")
				}
				return predicttest.PredictStep{Args: args}
			})
		})
	}
}
