package kongcacertificate

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"platform.ops/modules-src/internal/kong"
	"platform.ops/modules-src/internal/kong/kongtest"
	"platform.ops/modules-src/internal/kong/predicttest"
	"platform.ops/tests/kongemu"
)

func TestDefinition_IsConsistent(t *testing.T) {
	t.Parallel()
	kongtest.CheckDefinition(t, Definition, "ca_certificate")
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	ca := kongtest.NewCA(t, "ca")
	digest, err := kong.CertDigest(ca.Cert)
	require.NoError(t, err)
	tests := kongtest.BadInputs{
		{"something to find it by", map[string]any{"tags": []any{"a"}}, "one of the following is required: id, cert, cert_digest"},
		{"cert must be PEM", map[string]any{"cert": "not a certificate"}, "cert is not a PEM certificate (expected a -----BEGIN CERTIFICATE----- block)"},
		{"digest must be the cert's", map[string]any{"cert": ca.Cert, "cert_digest": strings.Repeat("0", 64)},
			"cert_digest " + strings.Repeat("0", 64) + " is not the digest of cert (" + digest + ")"},
	}
	kongtest.RefuseBadInput(t, Definition, tests)
}

// TestPrediction: on Kong 3.9.3 and 2.8.5, --check writes nothing and
// predicts the real run exactly (cert_digest included), the diff's
// differing fields are the changes, and a rerun changes nothing.
func TestPrediction(t *testing.T) {
	t.Parallel()
	const id = "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e"
	one, two := kongtest.NewCA(t, "one"), kongtest.NewCA(t, "two")
	leaf := kongtest.NewCert(t, false, "leaf.test")
	digestOne, err := kong.CertDigest(one.Cert)
	require.NoError(t, err)
	p := &predicttest.Predictor{Def: Definition, Entity: "ca_certificate", Collections: []string{"/ca_certificates"},
		Shape: func(map[string]any) *kong.Shape { return kong.CACertificateKind.Shape }}
	scripted := []predicttest.PredictStep{
		{Name: "create", Args: map[string]any{"cert": one.Cert, "tags": []any{"b", "a"}}},
		{Name: "rerun, the PEM in CRLF", Args: map[string]any{"cert": strings.ReplaceAll(one.Cert, "\n", "\r\n"), "tags": []any{"a", "b"}}},
		{Name: "tags by digest", Args: map[string]any{"cert_digest": digestOne, "tags": []any{"c"}}},
		{Name: "not a CA", Args: map[string]any{"cert": leaf.Cert}},
		{Name: "create with id", Args: map[string]any{"id": id, "cert": two.Cert}},
		{Name: "by id, the certificate another holds", Args: map[string]any{"id": id, "cert": one.Cert}},
		{Name: "by id, tags", Args: map[string]any{"id": id, "tags": []any{"x"}}},
		{Name: "delete by digest", Args: map[string]any{"cert_digest": digestOne, "state": "absent"}},
		{Name: "delete again", Args: map[string]any{"cert": one.Cert, "state": "absent"}},
		{Name: "by id, now a free certificate", Args: map[string]any{"id": id, "cert": one.Cert}},
		{Name: "delete by id", Args: map[string]any{"id": id, "state": "absent"}},
	}
	for _, version := range []string{"3.9.3", "2.8.5"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			env := kongtest.Start(t, kongemu.Options{Version: version})
			p.Sequence(t, env, scripted, 20240616, 40, func(g *predicttest.Gen, i int) predicttest.PredictStep {
				args := map[string]any{"cert": predicttest.Pick(g, one, two).Cert}
				if g.Chance(0.2) {
					args["state"] = "absent"
				} else if g.Chance(0.6) {
					args["tags"] = g.Subset("t1", "t2")
				}
				return predicttest.PredictStep{Args: args}
			})
		})
	}
}
