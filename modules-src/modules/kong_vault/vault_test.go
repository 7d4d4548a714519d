package kongvault

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
	kongtest.CheckDefinition(t, Definition, "vault")
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	tests := kongtest.BadInputs{
		{"prefix or id is required", map[string]any{"name": "env"}, "one of the following is required: prefix, id"},
		{"strict needs the vault's name", map[string]any{"prefix": "my-env", "strict": true}, "strict is True but all of the following are missing: name"},
		{"id must be a uuid", map[string]any{"id": "my-env"}, "(use prefix to select a vault by its prefix)"},
		{"config is a dict", map[string]any{"prefix": "my-env", "config": []any{"x"}}, "argument 'config' is of type"},
	}
	kongtest.RefuseBadInput(t, Definition, tests)
}

// Kong 2.8 has only the beta at /vaults-beta, off by default: the task
// fails after GET / with the version, asking nothing else.
func TestKong28_HasNoVaults(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{Version: "2.8.5"})
	for _, args := range []map[string]any{
		{"prefix": "my-env", "name": "env"},
		{"prefix": "my-env"},
		{"prefix": "my-env", "state": "absent"},
	} {
		out := env.Run(Definition, args)
		assert.Equal(t, true, out["failed"], out)
		assert.Equal(t, `vault "my-env" needs Kong 3.0 or newer (Kong added vault entities in 3.0), and this node runs Kong 2.8.5`, out["msg"])
		assert.Equal(t, []string{"GET /"}, env.Requests())
	}
}

// requireVaults skips a test on an emulator without /vaults: Kong 3.9.3's
// vaults come to the emulator with the issue-12 emulator work
// (tests/kongemu/vaults.go), and these tests run once it is there.
func requireVaults(t *testing.T, env *kongtest.Env) {
	t.Helper()
	if env.Get(t, "/vaults") == nil {
		t.Skip("the Kong emulator serves no /vaults yet (it comes with the issue-12 emulator branch); kong_vault's emulator tests wait for it")
	}
}

// TestPrediction: --check writes nothing and predicts the real run
// exactly (the env vault's config filled by its schema), the diff's
// differing fields are the changes, and a rerun changes nothing.
func TestPrediction(t *testing.T) {
	t.Parallel()
	const id = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
	env := kongtest.Start(t, kongemu.Options{Version: "3.9.3"})
	requireVaults(t, env)
	p := &predicttest.Predictor{Def: Definition, Entity: "vault", Collections: []string{"/vaults"},
		Shape: func(map[string]any) *kong.Shape { return kong.VaultKind.Shape }}
	scripted := []predicttest.PredictStep{
		{Name: "create", Args: map[string]any{"prefix": "my-env", "name": "env", "config": map[string]any{"prefix": "SECRETS_"}, "tags": []any{"b", "a"}}},
		{Name: "no-op rerun", Args: map[string]any{"prefix": "my-env", "name": "env", "config": map[string]any{"prefix": "SECRETS_"}, "tags": []any{"a", "b"}}},
		{Name: "one config key", Args: map[string]any{"prefix": "my-env", "config": map[string]any{"prefix": "OTHER_"}}},
		{Name: "description", Args: map[string]any{"prefix": "my-env", "description": "from the environment"}},
		{Name: "create without config", Args: map[string]any{"prefix": "bare-env", "name": "env"}},
		{Name: "strict", Args: map[string]any{"prefix": "my-env", "name": "env", "strict": true}},
		{Name: "a prefix Kong refuses", Args: map[string]any{"prefix": "Bad_Prefix", "name": "env"}},
		{Name: "a vault that is not installed", Args: map[string]any{"prefix": "aws-vault", "name": "aws"}},
		{Name: "create with id", Args: map[string]any{"id": id, "prefix": "old-env", "name": "env"}},
		{Name: "new prefix via id", Args: map[string]any{"id": id, "prefix": "new-env"}},
		{Name: "via id to a prefix held by another", Args: map[string]any{"id": id, "prefix": "my-env"}},
		{Name: "delete", Args: map[string]any{"prefix": "my-env", "state": "absent"}},
		{Name: "delete again", Args: map[string]any{"prefix": "my-env", "state": "absent"}},
		{Name: "delete via id", Args: map[string]any{"id": id, "state": "absent"}},
	}
	p.Sequence(t, env, scripted, 20240619, 60, func(g *predicttest.Gen, i int) predicttest.PredictStep {
		args := map[string]any{"prefix": predicttest.Pick(g, "v-one", "v-two"), "name": "env"}
		if g.Chance(0.2) {
			args["state"] = "absent"
			return predicttest.PredictStep{Args: args}
		}
		if g.Chance(0.5) {
			args["config"] = map[string]any{"prefix": predicttest.Pick(g, "A_", "B_")}
		}
		if g.Chance(0.3) {
			args["description"] = predicttest.Pick(g, "x", "y")
		}
		if g.Chance(0.3) {
			args["tags"] = g.Subset("t1", "t2")
		}
		return predicttest.PredictStep{Args: args}
	})
}
