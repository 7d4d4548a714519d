package all

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"platform.ops/modules-src/internal/kong/kongtest"
	kongcacertificate "platform.ops/modules-src/modules/kong_ca_certificate"
	kongcertificate "platform.ops/modules-src/modules/kong_certificate"
	kongkey "platform.ops/modules-src/modules/kong_key"
	kongkeyset "platform.ops/modules-src/modules/kong_key_set"
	kongsni "platform.ops/modules-src/modules/kong_sni"
	kongtarget "platform.ops/modules-src/modules/kong_target"
	kongupstream "platform.ops/modules-src/modules/kong_upstream"
)

// TestWorkspace_UpstreamsCertificatesKeysStayInTheWorkspace runs the
// issue-12 modules (upstreams with their targets, targets, certificates
// with their SNIs, SNIs, CA certificates, key sets, keys) through create,
// no-op, check mode, update and delete with workspace: team-a, and fails
// on any request that leaves /team-a/ (their lookups, listings and
// check-mode lookups included).
func TestWorkspace_UpstreamsCertificatesKeysStayInTheWorkspace(t *testing.T) {
	t.Parallel()
	cert := kongtest.NewCert(t, false, "www.ws.test")
	ca := kongtest.NewCA(t, "ws ca")
	key := kongtest.NewKeyPair(t, "k1")
	steps := []wsStep{
		{name: "upstream with targets", def: kongupstream.Definition,
			args: map[string]any{"name": "orders.internal", "healthchecks": map[string]any{"active": map[string]any{"timeout": 2.5}},
				"targets": []any{map[string]any{"target": "a.test"}, map[string]any{"target": "b.test:81"}}},
			want: []string{ws("PUT /team-a/upstreams/orders.internal"), ws("GET /team-a/upstreams/"), ws("POST /team-a/upstreams/")}},
		{name: "upstream check mode, exclusive targets", def: kongupstream.Definition,
			args: map[string]any{"name": "orders.internal", "targets": []any{map[string]any{"target": "a.test", "weight": 5}}, "exclusive_targets": true, checkMode: true},
			want: []string{ws("POST /team-a/schemas/targets/validate")}},
		{name: "upstream exclusive targets", def: kongupstream.Definition,
			args: map[string]any{"name": "orders.internal", "targets": []any{map[string]any{"target": "a.test", "weight": 5}}, "exclusive_targets": true},
			want: []string{ws("PATCH /team-a/upstreams/"), ws("DELETE /team-a/upstreams/")}},
		{name: "target create", def: kongtarget.Definition,
			args: map[string]any{"upstream": "orders.internal", "target": "c.test", "weight": 1},
			want: []string{ws("GET /team-a/upstreams/orders.internal"), ws("POST /team-a/upstreams/")}},
		{name: "target check-mode update", def: kongtarget.Definition,
			args: map[string]any{"upstream": "orders.internal", "target": "c.test", "weight": 2, checkMode: true},
			want: []string{ws("POST /team-a/schemas/targets/validate")}},
		{name: "target delete", def: kongtarget.Definition,
			args: map[string]any{"upstream": "orders.internal", "target": "c.test", "state": "absent"},
			want: []string{ws("DELETE /team-a/upstreams/")}},
		{name: "certificate with snis", def: kongcertificate.Definition,
			args: map[string]any{"cert": cert.Cert, "key": cert.Key, "snis": []any{"www.ws.test"}},
			want: []string{ws("GET /team-a/snis/www.ws.test"), ws("POST /team-a/certificates")}},
		{name: "certificate check mode", def: kongcertificate.Definition,
			args: map[string]any{"snis": []any{"www.ws.test", "ws.test"}, checkMode: true},
			want: []string{ws("POST /team-a/schemas/certificates/validate")}},
		{name: "certificate found by its PEM", def: kongcertificate.Definition,
			args: map[string]any{"cert": cert.Cert, "tags": []any{"x"}},
			want: []string{ws("GET /team-a/certificates?"), ws("PATCH /team-a/certificates/")}},
		{name: "sni on the certificate", def: kongsni.Definition,
			args: map[string]any{"name": "api.ws.test", "certificate": "www.ws.test"},
			want: []string{ws("GET /team-a/certificates/www.ws.test"), ws("PUT /team-a/snis/api.ws.test")}},
		{name: "upstream client certificate by SNI", def: kongupstream.Definition,
			args: map[string]any{"name": "orders.internal", "client_certificate": "api.ws.test"},
			want: []string{ws("GET /team-a/certificates/api.ws.test")}},
		{name: "ca certificate", def: kongcacertificate.Definition,
			args: map[string]any{"cert": ca.Cert},
			want: []string{ws("GET /team-a/ca_certificates?"), ws("POST /team-a/ca_certificates")}},
		{name: "ca certificate check-mode create by id", def: kongcacertificate.Definition,
			args: map[string]any{"id": "5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d", "cert": ca.Cert, checkMode: true},
			fail: "UNIQUE violation", want: []string{ws("GET /team-a/ca_certificates?")}},
		{name: "key set", def: kongkeyset.Definition,
			args: map[string]any{"name": "jwks"}, fail28: "needs Kong 3.1",
			want: []string{ws("GET /team-a/kong")}, want3: []string{ws("PUT /team-a/key-sets/jwks")}},
		{name: "key in the set, check mode", def: kongkey.Definition,
			args: map[string]any{"name": "k1", "jwk": key.JWK, "set": "jwks", checkMode: true}, fail28: "needs Kong 3.1",
			want: []string{ws("GET /team-a/kong")}, want3: []string{`^GET /team-a/key-sets/[0-9a-f-]{36}/keys\?`, ws("POST /team-a/schemas/keys/validate")}},
		{name: "key in the set", def: kongkey.Definition,
			args: map[string]any{"name": "k1", "jwk": key.JWK, "set": "jwks"}, fail28: "needs Kong 3.1",
			want: []string{ws("GET /team-a/kong")}, want3: []string{ws("PUT /team-a/keys/k1")}},
		{name: "upstream delete", def: kongupstream.Definition,
			args: map[string]any{"name": "orders.internal", "state": "absent"},
			want: []string{ws("DELETE /team-a/upstreams/")}},
		{name: "certificate delete by sni", def: kongcertificate.Definition,
			args: map[string]any{"snis": []any{"www.ws.test"}, "state": "absent"},
			want: []string{ws("DELETE /team-a/certificates/")}},
	}
	for _, version := range []string{"3.9.3", "2.8.5"} {
		t.Run("kong "+version, func(t *testing.T) {
			t.Parallel()
			env := runWorkspaceSteps(t, version, steps)
			assert.Nil(t, env.Get(t, "/upstreams/orders.internal"), "the lifecycle really ran")
		})
	}
}
