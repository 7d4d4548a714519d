package kongcertificate

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

var collections = []string{"/certificates", "/snis"}

func predictor() *predicttest.Predictor {
	return &predicttest.Predictor{Def: Definition, Entity: "certificate", Collections: collections,
		Shape: func(map[string]any) *kong.Shape { return kong.CertificateKind.Shape }}
}

// TestPrediction: on Kong 3.9.3 and 2.8.5, --check writes nothing and
// predicts the real run exactly, the diff's differing fields are the
// changes, a rerun changes nothing, and no key ever shows in a result.
func TestPrediction(t *testing.T) {
	t.Parallel()
	one := kongtest.NewCert(t, false, "a.test", "b.test")
	renewed := kongtest.NewCert(t, false, "a.test", "b.test")
	alt := kongtest.NewCert(t, true, "a.test", "b.test")
	other := kongtest.NewCert(t, false, "c.test")
	client := kongtest.NewCert(t, false, "client")
	const id = "7c6b5a49-3827-4165-9f4e-3d2c1b0a9f8e"
	crlf := func(s string) string { return "  " + strings.ReplaceAll(s, "\n", "\r\n") + "\n\n" }
	scripted := []predicttest.PredictStep{
		{Name: "create with snis", Args: map[string]any{"cert": one.Cert, "key": one.Key, "snis": []any{"b.test", "a.test"}, "tags": []any{"x"}}},
		{Name: "rerun with the PEMs in CRLF and indented", Args: map[string]any{"cert": crlf(one.Cert), "key": crlf(one.Key), "snis": []any{"a.test", "b.test"}}},
		{Name: "renew: found by its snis", Args: map[string]any{"cert": renewed.Cert, "key": renewed.Key, "snis": []any{"a.test", "b.test"}}},
		{Name: "add an alternative pair", Args: map[string]any{"snis": []any{"a.test"}, "cert_alt": alt.Cert, "key_alt": alt.Key}},
		{Name: "snis kept exactly", Args: map[string]any{"snis": []any{"a.test", "d.test"}}},
		{Name: "tags only, snis in another order", Args: map[string]any{"snis": []any{"d.test", "a.test"}, "tags": []any{"y", "x"}}},
		{Name: "another certificate", Args: map[string]any{"cert": other.Cert, "key": other.Key, "snis": []any{"c.test"}}},
		{Name: "snis of two certificates", Args: map[string]any{"snis": []any{"a.test", "c.test"}, "tags": []any{"z"}}},
		{Name: "by id, an sni held by another certificate", Args: map[string]any{"id": id, "cert": other.Cert, "key": other.Key, "snis": []any{"a.test"}}},
		{Name: "create with id", Args: map[string]any{"id": id, "cert": other.Cert, "key": other.Key}},
		{Name: "by id, snis cleared", Args: map[string]any{"id": id, "snis": []any{}}},
		{Name: "a client certificate without snis", Args: map[string]any{"cert": client.Cert, "key": client.Key, "tags": []any{"client"}}},
		{Name: "found again by its PEM", Args: map[string]any{"cert": crlf(client.Cert), "tags": []any{"client", "again"}}},
		{Name: "key does not match", Args: map[string]any{"cert": client.Cert, "key": one.Key, "snis": []any{"e.test"}}},
		{Name: "delete by sni", Args: map[string]any{"snis": []any{"c.test"}, "state": "absent"}},
		{Name: "delete again", Args: map[string]any{"snis": []any{"c.test"}, "state": "absent"}},
		{Name: "delete by PEM", Args: map[string]any{"cert": client.Cert, "state": "absent"}},
		{Name: "delete by id", Args: map[string]any{"id": id, "state": "absent"}},
	}
	secrets := []string{one.Key, renewed.Key, alt.Key, other.Key, client.Key}
	for _, version := range []string{"3.9.3", "2.8.5"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			env := kongtest.Start(t, kongemu.Options{Version: version})
			p := predictor()
			for _, step := range scripted {
				res := p.Check(t, env, step)
				assertNoSecret(t, step.Name, res, secrets)
			}
			cert := env.Get(t, "/certificates/a.test")
			require.NotNil(t, cert, "%v %v", env.Get(t, "/certificates"), env.Get(t, "/snis"))
			assert.Equal(t, []any{"a.test", "d.test"}, cert["snis"])
			assert.Equal(t, renewed.Cert, cert["cert"], "renewed in place")
			pairs := []kongtest.Cert{one, renewed, other}
			p.Sequence(t, env, nil, 20240614, 60, func(g *predicttest.Gen, i int) predicttest.PredictStep {
				args := map[string]any{"snis": g.Subset("r1.test", "r2.test", "r3.test")}
				if len(args["snis"].([]any)) == 0 {
					args["snis"] = []any{"r1.test"}
				}
				if g.Chance(0.15) {
					args["state"] = "absent"
					return predicttest.PredictStep{Args: args}
				}
				// cert and key always: without them a create fails in a
				// real run and only warns in check mode (CreateNeeds)
				pair := predicttest.Pick(g, pairs...)
				args["cert"], args["key"] = pair.Cert, pair.Key
				if g.Chance(0.4) {
					args["tags"] = g.Subset("t1", "t2")
				}
				return predicttest.PredictStep{Args: args}
			})
		})
	}
}

// assertNoSecret: no private key, nor any line of one, is in the result.
func assertNoSecret(t *testing.T, step string, res map[string]any, secrets []string) {
	t.Helper()
	out, err := json.Marshal(res)
	require.NoError(t, err)
	for _, secret := range secrets {
		for _, line := range strings.Split(secret, "\n") {
			if len(line) > 20 && !strings.HasPrefix(line, "-----") {
				assert.NotContains(t, string(out), line, "step %q shows a private key", step)
			}
		}
	}
}

// A task without key cannot create a certificate: the real run fails
// saying so, having written nothing; check mode, where an earlier task may
// create it, reports the change with a warning (the engine's CreateNeeds).
func TestCreateNeedsCertAndKey(t *testing.T) {
	t.Parallel()
	c := kongtest.NewCert(t, false, "f.test")
	env := kongtest.Start(t, kongemu.Options{})
	args := map[string]any{"cert": c.Cert, "snis": []any{"f.test"}}
	real := env.Run(Definition, args)
	assert.Equal(t, true, real["failed"])
	assert.Equal(t, `certificate for SNI "f.test" does not exist yet: key is needed to create it`, real["msg"])
	check := env.Run(Definition, map[string]any{"cert": c.Cert, "snis": []any{"f.test"}, "_ansible_check_mode": true})
	assert.Equal(t, true, check["changed"], check)
	assert.Contains(t, check["warnings"], `certificate for SNI "f.test" does not exist (check mode): assuming an earlier task creates it; without key this task fails in a real run`)
	assert.Empty(t, env.Get(t, "/certificates")["data"])
}
