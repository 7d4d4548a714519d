package kongkey

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"platform.ops/modules-src/internal/kong"
	"platform.ops/modules-src/internal/kong/kongtest"
	"platform.ops/modules-src/internal/kong/predicttest"
	"platform.ops/tests/kongemu"
)

// TestPrediction: --check writes nothing and predicts the real run
// exactly, the diff's differing fields are the changes, a rerun changes
// nothing, and no private part of a key ever shows in a result.
func TestPrediction(t *testing.T) {
	t.Parallel()
	k1, k2 := kongtest.NewKeyPair(t, "k1"), kongtest.NewKeyPair(t, "k2")
	var k1Map map[string]any
	require.NoError(t, json.Unmarshal([]byte(k1.JWK), &k1Map))
	crlf := strings.ReplaceAll(k1.PrivatePEM, "\n", "\r\n")
	const id = "6e5d4c3b-2a19-4f8e-8d7c-6b5a49382716"
	env := kongtest.Start(t, kongemu.Options{Version: "3.9.3"})
	env.Send(t, "PUT", "/key-sets/s1", map[string]any{})
	env.Send(t, "PUT", "/key-sets/s2", map[string]any{})
	p := &predicttest.Predictor{Def: Definition, Entity: "key", Collections: []string{"/keys", "/key-sets"},
		Shape: func(map[string]any) *kong.Shape { return kong.KeyKind.Shape }}
	scripted := []predicttest.PredictStep{
		{Name: "create a jwk key, kid from the jwk", Args: map[string]any{"name": "j", "jwk": k1.JWK, "set": "s1", "tags": []any{"b", "a"}}},
		{Name: "the jwk as a dict is the same key", Args: map[string]any{"name": "j", "jwk": k1Map, "set": "s1"}},
		{Name: "another jwk", Args: map[string]any{"name": "j", "jwk": k2.JWK}},
		{Name: "move to another set", Args: map[string]any{"name": "j", "set": "s2"}},
		{Name: "create a pem key", Args: map[string]any{"name": "p", "kid": "p1", "pem": map[string]any{"private_key": k1.PrivatePEM, "public_key": k1.PublicPEM}}},
		{Name: "the pem with CRLF line endings is the same key", Args: map[string]any{"name": "p", "pem": map[string]any{"private_key": crlf}}},
		{Name: "another key pair", Args: map[string]any{"name": "p", "pem": map[string]any{"private_key": k2.PrivatePEM, "public_key": k2.PublicPEM}}},
		{Name: "another kid", Args: map[string]any{"name": "p", "kid": "p2"}},
		{Name: "a kid taken in that set", Args: map[string]any{"name": "dup", "kid": "k2", "set": "s2", "pem": map[string]any{"public_key": k2.PublicPEM}}},
		{Name: "the same kid in no set", Args: map[string]any{"name": "dup", "kid": "k2", "pem": map[string]any{"public_key": k2.PublicPEM}}},
		{Name: "create with id", Args: map[string]any{"id": id, "name": "old", "kid": "i1", "pem": map[string]any{"public_key": k1.PublicPEM}}},
		{Name: "rename via id", Args: map[string]any{"id": id, "name": "new"}},
		{Name: "kid not the jwk's", Args: map[string]any{"name": "bad", "kid": "other", "jwk": k1.JWK}},
		{Name: "delete", Args: map[string]any{"name": "p", "state": "absent"}},
		{Name: "delete again", Args: map[string]any{"name": "p", "state": "absent"}},
	}
	for _, step := range scripted {
		res := p.Check(t, env, step)
		out, _ := json.Marshal(res)
		for _, secret := range []string{k1.PrivatePEM, k2.PrivatePEM, crlf, `"d":`} {
			secret = strings.TrimSpace(secret)
			b, _ := json.Marshal(secret)
			assert.NotContains(t, string(out), strings.Trim(string(b), `"`), "step %q shows a private key", step.Name)
		}
	}
	keys := map[string]predicttest.PredictStep{}
	for _, name := range []string{"r1", "r2"} {
		keys[name] = predicttest.PredictStep{}
	}
	p.Sequence(t, env, nil, 20240613, 60, func(g *predicttest.Gen, i int) predicttest.PredictStep {
		args := map[string]any{"name": predicttest.Pick(g, "r1", "r2")}
		if g.Chance(0.2) {
			args["state"] = "absent"
			return predicttest.PredictStep{Args: args}
		}
		pair := predicttest.Pick(g, k1, k2)
		if g.Chance(0.5) {
			args["jwk"] = pair.JWK
		} else {
			args["kid"] = predicttest.Pick(g, "k1", "k2", "k3")
			args["pem"] = map[string]any{"public_key": pair.PublicPEM}
		}
		if g.Chance(0.4) {
			args["set"] = predicttest.Pick(g, "s1", "s2")
		}
		if g.Chance(0.4) {
			args["tags"] = g.Subset("t1", "t2")
		}
		return predicttest.PredictStep{Args: args}
	})
}
