package kongsni

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"platform.ops/modules-src/internal/kong"
	"platform.ops/modules-src/internal/kong/kongtest"
	"platform.ops/modules-src/internal/kong/predicttest"
	"platform.ops/tests/kongemu"
)

func TestDefinition_IsConsistent(t *testing.T) {
	t.Parallel()
	kongtest.CheckDefinition(t, Definition, "sni")
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	tests := kongtest.BadInputs{
		{"name or id is required", map[string]any{"certificate": "a.test"}, "one of the following is required: name, id"},
		{"certificate must not be empty", map[string]any{"name": "a.test", "certificate": ""}, "certificate must not be empty"},
		{"id must be a uuid", map[string]any{"id": "a.test"}, "(use name to select an SNI by name)"},
	}
	kongtest.RefuseBadInput(t, Definition, tests)
}

// TestPrediction: on Kong 3.9.3 and 2.8.5, --check writes nothing and
// predicts the real run exactly, the diff's differing fields are the
// changes, and a rerun changes nothing.
func TestPrediction(t *testing.T) {
	t.Parallel()
	const id = "1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b"
	p := &predicttest.Predictor{Def: Definition, Entity: "sni", Collections: []string{"/snis", "/certificates"},
		Shape: func(map[string]any) *kong.Shape { return kong.SNIKind.Shape }}
	one, two := kongtest.NewCert(t, false, "one.test"), kongtest.NewCert(t, false, "two.test")
	for _, version := range []string{"3.9.3", "2.8.5"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			env := kongtest.Start(t, kongemu.Options{Version: version})
			c1 := env.Send(t, "POST", "/certificates", map[string]any{"cert": one.Cert, "key": one.Key, "snis": []any{"one.test"}})
			env.Send(t, "POST", "/certificates", map[string]any{"cert": two.Cert, "key": two.Key, "snis": []any{"two.test"}})
			scripted := []predicttest.PredictStep{
				{Name: "create, certificate named by one of its SNIs", Args: map[string]any{"name": "api.test", "certificate": "one.test", "tags": []any{"b", "a"}}},
				{Name: "no-op rerun, certificate by id", Args: map[string]any{"name": "api.test", "certificate": c1["id"], "tags": []any{"a", "b"}}},
				{Name: "move to another certificate", Args: map[string]any{"name": "api.test", "certificate": "two.test"}},
				{Name: "tags only", Args: map[string]any{"name": "api.test", "tags": []any{"c"}}},
				{Name: "a wildcard", Args: map[string]any{"name": "*.apps.test", "certificate": "one.test"}},
				{Name: "create with id", Args: map[string]any{"id": id, "name": "old.test", "certificate": "one.test"}},
				{Name: "rename via id", Args: map[string]any{"id": id, "name": "new.test"}},
				{Name: "rename via id to a name held by another", Args: map[string]any{"id": id, "name": "api.test"}},
				{Name: "delete", Args: map[string]any{"name": "api.test", "state": "absent"}},
				{Name: "delete again", Args: map[string]any{"name": "api.test", "state": "absent"}},
				{Name: "delete via id", Args: map[string]any{"id": id, "state": "absent"}},
			}
			p.Sequence(t, env, scripted, 20240615, 60, func(g *predicttest.Gen, i int) predicttest.PredictStep {
				args := map[string]any{"name": predicttest.Pick(g, "r1.test", "r2.test"), "certificate": predicttest.Pick(g, "one.test", "two.test")}
				if g.Chance(0.2) {
					args["state"] = "absent"
				} else if g.Chance(0.5) {
					args["tags"] = g.Subset("t1", "t2")
				}
				return predicttest.PredictStep{Args: args}
			})
			assert.Contains(t, env.Get(t, "/certificates/"+c1["id"].(string))["snis"], "*.apps.test", "the certificate serves the SNIs attached to it")
		})
	}
}
