package kongemu

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Certificates, SNIs and CA certificates as kong/api/routes/certificates.lua,
// kong/db/dao/certificates.lua, kong/db/dao/snis.lua and
// kong/db/dao/ca_certificates.lua serve them; the cases follow Kong's
// spec/02-integration/04-admin_api/06-certificates_routes_spec.lua and
// 16-ca_certificates_routes_spec.lua.

func TestCertificates_BySNI(t *testing.T) {
	t.Parallel()
	m := getMaterial(t)
	for _, v := range []string{"3.9.3", "2.8.5"} {
		t.Run(v, func(t *testing.T) {
			s := newTestServer(t, v)
			cert := do(t, s, "POST", "/certificates", map[string]any{"cert": m.rsaCert, "key": m.rsaKey, "snis": []any{"b.test", "a.test"}}, 201)
			assert.Equal(t, []any{"a.test", "b.test"}, cert["snis"], "SNIs are listed sorted")
			id := cert["id"].(string)

			// "retrieves a certificate by sni"; 404 for an unknown uuid or sni
			assert.Equal(t, cert, do(t, s, "GET", "/certificates/b.test", nil, 200))
			do(t, s, "GET", "/certificates/0f9ad2f4-3a54-4bd0-8b0e-6f6f2b0c4a11", nil, 404)
			assert.Equal(t, map[string]any{"message": "SNI not found"}, do(t, s, "GET", "/certificates/doesntexist.test", nil, 404))
			assert.Equal(t, map[string]any{"message": "SNI not found"}, do(t, s, "DELETE", "/certificates/doesntexist.test", nil, 404))

			// the SNI collection by SNI name ("creates a sni using a sni to id the certificate")
			sni := do(t, s, "POST", "/certificates/a.test/snis", map[string]any{"name": "c.test"}, 201)
			assert.Equal(t, id, sni["certificate"].(map[string]any)["id"])
			assert.Len(t, do(t, s, "GET", "/certificates/a.test/snis", nil, 200)["data"], 3)
			// "certificate doesn't exist"
			assert.Equal(t, map[string]any{"message": "Not found"},
				do(t, s, "POST", "/certificates/585e4c16-c656-11e6-8db9-5f512d8a12cd/snis", map[string]any{"name": "d.test"}, 404))

			// PATCH without snis keeps them ("updates only the certificate if no snis are specified")
			got := do(t, s, "PATCH", "/certificates/a.test", map[string]any{"tags": []any{"t"}}, 200)
			assert.Equal(t, []any{"a.test", "b.test", "c.test"}, got["snis"])
			// "deletes all snis from a certificate if snis field is JSON null"
			got = do(t, s, "PATCH", "/certificates/"+id, map[string]any{"snis": nil}, 200)
			assert.Equal(t, []any{}, got["snis"])

			// "creates a new sni when provided in the url"
			got = do(t, s, "PUT", "/certificates/n1.test", map[string]any{"cert": m.ecCert, "key": m.ecKey, "snis": []any{"n2.test"}}, 200)
			assert.Equal(t, []any{"n1.test", "n2.test"}, got["snis"])
			assert.NotEqual(t, id, got["id"])
			// ... "with sni duplicated in url and body"
			got = do(t, s, "PUT", "/certificates/n3.test", map[string]any{"cert": m.ecCert, "key": m.ecKey, "snis": []any{"n3.test", "n4.test"}}, 200)
			assert.Equal(t, []any{"n3.test", "n4.test"}, got["snis"])
			// a PUT without "snis" replaces the list with none (prepare_args sets it to null)
			got = do(t, s, "PUT", "/certificates/"+got["id"].(string), map[string]any{"cert": m.ecCert, "key": m.ecKey}, 200)
			assert.Equal(t, []any{}, got["snis"])

			// "returns a conflict when duplicated snis are present in the request"
			got = do(t, s, "POST", "/certificates", map[string]any{"cert": m.rsaCert, "key": m.rsaKey, "snis": []any{"x.test", "x.test"}}, 400)
			assert.Equal(t, "schema violation (snis: x.test is duplicated)", got["message"])
			// "returns a conflict when a pre-existing sni is detected"
			got = do(t, s, "POST", "/certificates", map[string]any{"cert": m.rsaCert, "key": m.rsaKey, "snis": []any{"n1.test"}}, 400)
			assert.Contains(t, got["message"], "snis: n1.test already associated with existing certificate")

			// /snis/{sni}/certificate is disabled in favour of /certificates/{sni}
			for _, method := range []string{"GET", "PATCH", "PUT", "DELETE"} {
				assert.Equal(t, map[string]any{"message": "Not found"}, do(t, s, method, "/snis/n1.test/certificate", map[string]any{}, 404))
			}
			// "deletes a certificate and all related snis"
			do(t, s, "DELETE", "/certificates/n1.test", nil, 204)
			do(t, s, "GET", "/snis/n2.test", nil, 404)
		})
	}
}

func TestCertificates_SNIEntity(t *testing.T) {
	t.Parallel()
	m := getMaterial(t)
	s := newTestServer(t, "3.9.3")
	cert := do(t, s, "POST", "/certificates", map[string]any{"cert": m.rsaCert, "key": m.rsaKey}, 201)
	ref := map[string]any{"id": cert["id"]}
	// wildcard snis ("creates with prefix wildcard", "... suffix wildcard", "rejects invalid SNIs")
	do(t, s, "POST", "/snis", map[string]any{"name": "*.wildcard.test", "certificate": ref}, 201)
	do(t, s, "POST", "/snis", map[string]any{"name": "wildcard.*", "certificate": ref}, 201)
	got := do(t, s, "POST", "/snis", map[string]any{"name": "*.wildcard.*", "certificate": ref}, 400)
	assert.Equal(t, "only one wildcard must be specified", got["fields"].(map[string]any)["name"])
	// "returns a conflict when an sni already exists": unique name
	got = do(t, s, "POST", "/snis", map[string]any{"name": "*.wildcard.test", "certificate": ref}, 409)
	assert.Equal(t, "UNIQUE violation detected on '{name=\"*.wildcard.test\"}'", got["message"])
	// PUT /snis/{id} "handles invalid input"
	got = do(t, s, "PUT", "/snis/7a3f5f4e-1f4c-4d8f-9b2e-3c5d6e7f8a90", map[string]any{}, 400)
	assert.Equal(t, map[string]any{"code": 2.0, "name": "schema violation",
		"message": "2 schema violations (certificate: required field missing; name: required field missing)",
		"fields":  map[string]any{"certificate": "required field missing", "name": "required field missing"}}, got)
	assert.Equal(t, []any{"*.wildcard.test", "wildcard.*"}, do(t, s, "GET", "/certificates/"+cert["id"].(string), nil, 200)["snis"])
}

func TestCACertificates_DeleteWhileReferenced(t *testing.T) {
	t.Parallel()
	m := getMaterial(t)
	// 3.9.3 kong/db/dao/ca_certificates.lua check_ca_reference
	s := newTestServer(t, "3.9.3")
	ca := do(t, s, "POST", "/ca_certificates", map[string]any{"cert": m.ca}, 201)
	assert.Len(t, ca["cert_digest"], 64, "cert_digest is the certificate's SHA-256, hex")
	svc := do(t, s, "POST", "/services", map[string]any{"url": "https://a.test", "ca_certificates": []any{ca["id"]}}, 201)
	got := do(t, s, "DELETE", "/ca_certificates/"+ca["id"].(string), nil, 400)
	assert.Equal(t, map[string]any{"code": 19.0, "name": "referenced by others",
		"message": "ca certificate " + ca["id"].(string) + " is still referenced by services (id = " + svc["id"].(string) + ")"}, got)
	do(t, s, "DELETE", "/services/"+svc["id"].(string), nil, 204)
	do(t, s, "DELETE", "/ca_certificates/"+ca["id"].(string), nil, 204)
	// the same certificate twice: cert_digest is unique
	do(t, s, "POST", "/ca_certificates", map[string]any{"cert": m.ca}, 201)
	do(t, s, "POST", "/ca_certificates", map[string]any{"cert": m.ca}, 409)

	// 2.8.5 has no such check
	s28 := newTestServer(t, "2.8.5")
	ca = do(t, s28, "POST", "/ca_certificates", map[string]any{"cert": m.ca}, 201)
	do(t, s28, "POST", "/services", map[string]any{"url": "https://a.test", "ca_certificates": []any{ca["id"]}}, 201)
	do(t, s28, "DELETE", "/ca_certificates/"+ca["id"].(string), nil, 204)
}

func TestKeySets_CascadeAndKeys(t *testing.T) {
	t.Parallel()
	m := getMaterial(t)
	s := newTestServer(t, "3.9.3")
	ks := do(t, s, "POST", "/key-sets", map[string]any{"name": "ks"}, 201)
	// jwk and pem keys in a set, by the set's name (foreign key by endpoint key)
	do(t, s, "POST", "/keys", map[string]any{"name": "jwk", "kid": "k1", "jwk": jsonString(m.rsaJWK), "set": map[string]any{"name": "ks"}}, 201)
	do(t, s, "POST", "/keys", map[string]any{"name": "pem", "kid": "k3", "pem": map[string]any{"public_key": m.ecPub, "private_key": m.ecKey},
		"set": map[string]any{"id": ks["id"]}}, 201)
	assert.Len(t, do(t, s, "GET", "/key-sets/ks/keys", nil, 200)["data"], 2)
	// cache_key {kid, set}
	got := do(t, s, "POST", "/keys", map[string]any{"name": "again", "kid": "k1", "jwk": jsonString(m.rsaJWK), "set": map[string]any{"id": ks["id"]}}, 409)
	assert.Equal(t, "UNIQUE violation detected on '{kid=\"k1\",set={id=\""+ks["id"].(string)+"\"}}'", got["message"])
	// keys.lua: jwk and pem exclude each other, one is needed
	got = do(t, s, "POST", "/keys", map[string]any{"kid": "k2", "jwk": jsonString(m.ecJWK), "pem": map[string]any{"public_key": m.ecPub}}, 400)
	assert.Equal(t, "schema violation (only one or none of these fields must be set: 'pem', 'jwk')", got["message"])
	got = do(t, s, "POST", "/keys", map[string]any{"kid": "k4"}, 400)
	assert.Equal(t, "schema violation (at least one of these fields must be non-empty: 'pem', 'jwk')", got["message"])
	// the set goes with its keys (keys.set on_delete = "cascade")
	do(t, s, "DELETE", "/key-sets/ks", nil, 204)
	assert.Empty(t, do(t, s, "GET", "/keys", nil, 200)["data"])
}

// jsonString renders a value as compact JSON (a jwk as Kong takes it).
func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
