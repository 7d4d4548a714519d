package kongconsumer

import (
	"fmt"
	"testing"

	"platform.ops/modules-src/internal/kong"
	"platform.ops/modules-src/internal/kong/kongtest"
	"platform.ops/modules-src/internal/kong/predicttest"
	"platform.ops/tests/kongemu"
)

// TestPrediction: for a scripted sequence and a seeded random one, --check
// writes nothing and predicts the real run exactly (changed, operation,
// changes, diff, returned consumer), the diff's differing fields are the
// changes, and a rerun changes nothing. See predicttest.Predictor.
func TestPrediction(t *testing.T) {
	t.Parallel()
	const id = "5c1d2e3f-4a5b-4c6d-9e7f-8a9b0c1d2e3f"
	p := &predicttest.Predictor{Def: Definition, Entity: "consumer", Shape: func(map[string]any) *kong.Shape { return kong.ConsumerKind.Shape }}
	scripted := []predicttest.PredictStep{
		{Name: "create", Args: map[string]any{"username": "u", "custom_id": "c1", "tags": []any{"b", "a"}}},
		{Name: "no-op rerun", Args: map[string]any{"username": "u", "custom_id": "c1", "tags": []any{"b", "a"}}},
		{Name: "one field", Args: map[string]any{"username": "u", "custom_id": "c2"}},
		{Name: "several fields, set in another order", Args: map[string]any{"username": "u", "custom_id": "c3", "tags": []any{"c", "b", "a", "c"}}},
		{Name: "set reordered only", Args: map[string]any{"username": "u", "tags": []any{"a", "c", "b"}}},
		{Name: "create by custom_id only", Args: map[string]any{"custom_id": "only", "tags": []any{"x"}}},
		{Name: "found by custom_id, given a username", Args: map[string]any{"username": "named", "custom_id": "only"}},
		{Name: "strict", Args: map[string]any{"username": "u", "strict": true}},
		{Name: "create with id", Args: map[string]any{"id": id, "username": "old"}},
		{Name: "rename via id", Args: map[string]any{"id": id, "username": "new"}},
		{Name: "rename and change via id", Args: map[string]any{"id": id, "username": "newer", "custom_id": "cid", "tags": []any{"t"}}},
		{Name: "delete", Args: map[string]any{"username": "u", "state": "absent"}},
		{Name: "delete again", Args: map[string]any{"username": "u", "state": "absent"}},
		{Name: "delete by custom_id", Args: map[string]any{"custom_id": "only", "state": "absent"}},
		{Name: "delete via id", Args: map[string]any{"id": id, "state": "absent"}},
		{Name: "delete via id again", Args: map[string]any{"id": id, "state": "absent"}},
		// Kong's validate endpoint checks no UNIQUE constraint; check mode
		// asks who holds a username (GET /consumers/{username}) or a
		// custom_id (GET /consumers?custom_id=) and fails with the real
		// run's 409.
		{Name: "holder of a username and a custom_id", Args: map[string]any{"username": "holder", "custom_id": "held"}},
		{Name: "another consumer", Args: map[string]any{"username": "other"}},
		{Name: "custom_id held by another consumer", Args: map[string]any{"username": "other", "custom_id": "held"}},
		{Name: "create with id, username held by another", Args: map[string]any{"id": id, "username": "holder"}},
		{Name: "create with id, custom_id held by another", Args: map[string]any{"id": id, "custom_id": "held"}},
		{Name: "create with id, both free", Args: map[string]any{"id": id, "username": "mine", "custom_id": "mine"}},
		{Name: "rename via id to a username held by another", Args: map[string]any{"id": id, "username": "other"}},
		{Name: "custom_id via id held by another", Args: map[string]any{"id": id, "custom_id": "held", "tags": []any{"x"}}},
		{Name: "unnamed consumer", Args: map[string]any{"custom_id": "loose"}},
		{Name: "found by username, custom_id held by an unnamed one", Args: map[string]any{"username": "holder", "custom_id": "loose"}},
	}
	for _, version := range []string{"3.9.3", "2.8.5"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			env := kongtest.Start(t, kongemu.Options{Version: version})
			p.Sequence(t, env, scripted, 20240603, 150, func(g *predicttest.Gen, i int) predicttest.PredictStep { return randomConsumer(g, i) })
		})
	}
}

// randomConsumer draws a kong_consumer task over its options: a few
// usernames and custom_ids shared among them, sometimes an id, so tasks
// meet values another consumer holds (Kong keeps both unique: check mode
// must fail with the real run's 409).
func randomConsumer(g *predicttest.Gen, step int) predicttest.PredictStep {
	user := predicttest.Pick(g, "u1", "u2", "u3")
	args := map[string]any{"username": user}
	if g.Chance(0.15) {
		args["id"] = predicttest.Pick(g, "0c0c0c0c-0000-4000-8000-00000000000c", "0d0d0d0d-0000-4000-8000-00000000000d")
	}
	if g.Chance(0.15) {
		args["state"] = "absent"
		return predicttest.PredictStep{Args: args}
	}
	if g.Chance(0.5) {
		args["custom_id"] = fmt.Sprintf("c-%d", g.R.IntN(4))
	}
	if g.Chance(0.6) {
		args["tags"] = g.Subset("t1", "t2", "t3")
	}
	if g.Chance(0.1) {
		args["strict"] = true
	}
	return predicttest.PredictStep{Args: args}
}
