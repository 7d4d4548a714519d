package kongkeyset

import (
	"testing"

	"platform.ops/modules-src/internal/kong"
	"platform.ops/modules-src/internal/kong/kongtest"
	"platform.ops/modules-src/internal/kong/predicttest"
	"platform.ops/tests/kongemu"
)

// TestPrediction: --check writes nothing and predicts the real run
// exactly, the diff's differing fields are the changes, and a rerun
// changes nothing (see predicttest.Predictor).
func TestPrediction(t *testing.T) {
	t.Parallel()
	const id = "3a2b1c0d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
	p := &predicttest.Predictor{Def: Definition, Entity: "key_set", Collections: []string{"/key-sets", "/keys"},
		Shape: func(map[string]any) *kong.Shape { return kong.KeySetKind.Shape }}
	scripted := []predicttest.PredictStep{
		{Name: "create", Args: map[string]any{"name": "s", "tags": []any{"b", "a"}}},
		{Name: "no-op rerun, tags reordered", Args: map[string]any{"name": "s", "tags": []any{"a", "b", "a"}}},
		{Name: "one field", Args: map[string]any{"name": "s", "tags": []any{"c"}}},
		{Name: "create with id", Args: map[string]any{"id": id, "name": "old"}},
		{Name: "rename via id", Args: map[string]any{"id": id, "name": "new"}},
		{Name: "rename via id to a name held by another", Args: map[string]any{"id": id, "name": "s"}},
		{Name: "delete", Args: map[string]any{"name": "s", "state": "absent"}},
		{Name: "delete again", Args: map[string]any{"name": "s", "state": "absent"}},
		{Name: "delete via id", Args: map[string]any{"id": id, "state": "absent"}},
	}
	env := kongtest.Start(t, kongemu.Options{Version: "3.9.3"})
	p.Sequence(t, env, scripted, 20240612, 60, func(g *predicttest.Gen, i int) predicttest.PredictStep {
		args := map[string]any{"name": predicttest.Pick(g, "s1", "s2")}
		if g.Chance(0.2) {
			args["state"] = "absent"
		} else if g.Chance(0.7) {
			args["tags"] = g.Subset("t1", "t2", "t3")
		}
		return predicttest.PredictStep{Args: args}
	})
}
