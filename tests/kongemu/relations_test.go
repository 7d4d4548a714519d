package kongemu

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha1"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newTestServer(t *testing.T, version string) *Server {
	t.Helper()
	s, err := New(Options{Version: version})
	require.NoError(t, err)
	return s
}

func TestUniqueness(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		setup      func(t *testing.T, s *Server) map[string]any // returns ids for the body
		path       string
		body       func(ids map[string]any) map[string]any
		wantStatus int
		wantBody   func(ids map[string]any) map[string]any
	}{
		{
			name: "errors on a second service with the same name",
			setup: func(t *testing.T, s *Server) map[string]any {
				do(t, s, "POST", "/services", map[string]any{"name": "my_service_name", "host": "a.test"}, 201)
				return nil
			},
			path: "/services",
			body: func(map[string]any) map[string]any {
				return map[string]any{"name": "my_service_name", "host": "b.test"}
			},
			wantStatus: http.StatusConflict,
			wantBody: func(map[string]any) map[string]any {
				return map[string]any{"code": float64(5), "name": "unique constraint violation",
					"message": `UNIQUE violation detected on '{name="my_service_name"}'`, "fields": map[string]any{"name": "my_service_name"}}
			},
		},
		{
			name: "errors on a second basic-auth plugin on the same service",
			setup: func(t *testing.T, s *Server) map[string]any {
				svc := do(t, s, "POST", "/services", map[string]any{"name": "svc", "host": "a.test"}, 201)
				do(t, s, "POST", "/services/svc/plugins", map[string]any{"name": "basic-auth"}, 201)
				return map[string]any{"svc": svc["id"]}
			},
			path: "/plugins",
			body: func(ids map[string]any) map[string]any {
				return map[string]any{"name": "basic-auth", "service": map[string]any{"id": ids["svc"]}}
			},
			wantStatus: http.StatusConflict,
			wantBody: func(ids map[string]any) map[string]any {
				return map[string]any{"code": float64(5), "name": "unique constraint violation",
					"message": fmt.Sprintf(`UNIQUE violation detected on '{consumer=null,name="basic-auth",route=null,service={id="%s"}}'`, ids["svc"]),
					"fields":  map[string]any{"consumer": nil, "name": "basic-auth", "route": nil, "service": map[string]any{"id": ids["svc"]}}}
			},
		},
		{
			name: "errors on a second global plugin with the same name",
			setup: func(t *testing.T, s *Server) map[string]any {
				do(t, s, "POST", "/plugins", map[string]any{"name": "cors"}, 201)
				return nil
			},
			path:       "/plugins",
			body:       func(map[string]any) map[string]any { return map[string]any{"name": "cors"} },
			wantStatus: http.StatusConflict,
		},
		{
			name: "errors on a duplicate consumer custom_id",
			setup: func(t *testing.T, s *Server) map[string]any {
				do(t, s, "POST", "/consumers", map[string]any{"username": "a", "custom_id": "c1"}, 201)
				return nil
			},
			path:       "/consumers",
			body:       func(map[string]any) map[string]any { return map[string]any{"username": "b", "custom_id": "c1"} },
			wantStatus: http.StatusConflict,
			wantBody: func(map[string]any) map[string]any {
				return map[string]any{"code": float64(5), "name": "unique constraint violation",
					"message": `UNIQUE violation detected on '{custom_id="c1"}'`, "fields": map[string]any{"custom_id": "c1"}}
			},
		},
		{
			name: "errors on a duplicate key-auth key",
			setup: func(t *testing.T, s *Server) map[string]any {
				do(t, s, "POST", "/consumers", map[string]any{"username": "a"}, 201)
				do(t, s, "POST", "/consumers", map[string]any{"username": "b"}, 201)
				do(t, s, "POST", "/consumers/a/key-auth", map[string]any{"key": "secret-1"}, 201)
				return nil
			},
			path:       "/consumers/b/key-auth",
			body:       func(map[string]any) map[string]any { return map[string]any{"key": "secret-1"} },
			wantStatus: http.StatusConflict,
		},
		{
			name: "errors on an id that already exists (400, code 3)",
			setup: func(t *testing.T, s *Server) map[string]any {
				svc := do(t, s, "POST", "/services", map[string]any{"host": "a.test"}, 201)
				return map[string]any{"svc": svc["id"]}
			},
			path:       "/services",
			body:       func(ids map[string]any) map[string]any { return map[string]any{"id": ids["svc"], "host": "b.test"} },
			wantStatus: http.StatusBadRequest,
			wantBody: func(ids map[string]any) map[string]any {
				return map[string]any{"code": float64(3), "name": "primary key violation",
					"message": fmt.Sprintf(`primary key violation on key '{id="%s"}'`, ids["svc"]), "fields": map[string]any{"id": ids["svc"]}}
			},
		},
		{
			// kong/db/schema/entities/keys.lua at 3.9.3: cache_key = { "kid", "set" };
			// migrations/core/017_300_to_310.lua: "cache_key" TEXT UNIQUE
			name: "errors on a second key with the same kid in the same key set",
			setup: func(t *testing.T, s *Server) map[string]any {
				set := do(t, s, "PUT", "/key-sets/s1", map[string]any{}, 200)
				pub := testPublicKeyPEM(t)
				do(t, s, "POST", "/keys", map[string]any{"name": "a", "kid": "k1", "set": map[string]any{"id": set["id"]}, "pem": map[string]any{"public_key": pub}}, 201)
				return map[string]any{"set": set["id"], "pem": pub}
			},
			path: "/keys",
			body: func(ids map[string]any) map[string]any {
				return map[string]any{"name": "b", "kid": "k1", "set": map[string]any{"id": ids["set"]}, "pem": map[string]any{"public_key": ids["pem"]}}
			},
			wantStatus: http.StatusConflict,
			wantBody: func(ids map[string]any) map[string]any {
				return map[string]any{"code": float64(5), "name": "unique constraint violation",
					"message": fmt.Sprintf(`UNIQUE violation detected on '{kid="k1",set={id="%s"}}'`, ids["set"]),
					"fields":  map[string]any{"kid": "k1", "set": map[string]any{"id": ids["set"]}}}
			},
		},
		{
			name: "allows the same kid in two key sets",
			setup: func(t *testing.T, s *Server) map[string]any {
				set := do(t, s, "PUT", "/key-sets/s1", map[string]any{}, 200)
				do(t, s, "PUT", "/key-sets/s2", map[string]any{}, 200)
				pub := testPublicKeyPEM(t)
				do(t, s, "POST", "/keys", map[string]any{"name": "a", "kid": "k1", "set": map[string]any{"id": set["id"]}, "pem": map[string]any{"public_key": pub}}, 201)
				return map[string]any{"pem": pub}
			},
			path: "/keys",
			body: func(ids map[string]any) map[string]any {
				return map[string]any{"name": "b", "kid": "k1", "set": map[string]any{"name": "s2"}, "pem": map[string]any{"public_key": ids["pem"]}}
			},
			wantStatus: http.StatusCreated,
		},
		{
			name: "allows the same plugin on two different routes",
			setup: func(t *testing.T, s *Server) map[string]any {
				do(t, s, "POST", "/routes", map[string]any{"name": "r1", "paths": []any{"/1"}}, 201)
				do(t, s, "POST", "/routes", map[string]any{"name": "r2", "paths": []any{"/2"}}, 201)
				do(t, s, "POST", "/routes/r1/plugins", map[string]any{"name": "key-auth"}, 201)
				return nil
			},
			path:       "/routes/r2/plugins",
			body:       func(map[string]any) map[string]any { return map[string]any{"name": "key-auth"} },
			wantStatus: http.StatusCreated,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newTestServer(t, "3.9.3")
			ids := tc.setup(t, s)
			status, got := call(t, s, "POST", tc.path, tc.body(ids))
			require.Equal(t, tc.wantStatus, status, "%v", got)
			if tc.wantBody != nil {
				assert.Equal(t, tc.wantBody(ids), got)
			}
		})
	}
}

func TestForeignKeys(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, "3.9.3")
	svc := do(t, s, "POST", "/services", map[string]any{"name": "svc", "host": "a.test"}, 201)

	t.Run("errors on a service id that does not exist (code 4)", func(t *testing.T) {
		got := do(t, s, "POST", "/routes", map[string]any{"paths": []any{"/a"}, "service": map[string]any{"id": "123e4567-e89b-12d3-a456-426655440000"}}, 400)
		assert.Equal(t, map[string]any{"code": float64(4), "name": "foreign key violation",
			"message": `the foreign key '{id="123e4567-e89b-12d3-a456-426655440000"}' does not reference an existing 'services' entity.`,
			"fields":  map[string]any{"service": map[string]any{"id": "123e4567-e89b-12d3-a456-426655440000"}}}, got)
	})
	t.Run("errors on a service name that does not resolve (code 13)", func(t *testing.T) {
		got := do(t, s, "POST", "/routes", map[string]any{"paths": []any{"/a"}, "service": map[string]any{"name": "non-existing"}}, 400)
		msg := `the foreign key cannot be resolved with '{name="non-existing"}' for an existing 'services' entity`
		assert.Equal(t, map[string]any{"code": float64(13), "name": "foreign keys unresolved",
			"message": "foreign key unresolved (service.name: " + msg + ")",
			"fields":  map[string]any{"service": map[string]any{"name": msg}}}, got)
	})
	t.Run("resolves a service given by name to its id", func(t *testing.T) {
		got := do(t, s, "POST", "/routes", map[string]any{"name": "byname", "paths": []any{"/b"}, "service": map[string]any{"name": "svc"}}, 201)
		assert.Equal(t, map[string]any{"id": svc["id"]}, got["service"])
	})
	t.Run("ignores extra fields next to a valid id and stores only the id", func(t *testing.T) {
		got := do(t, s, "POST", "/routes", map[string]any{"paths": []any{"/c"}, "service": map[string]any{"id": svc["id"], "host": "ignored", "port": 1}}, 201)
		assert.Equal(t, map[string]any{"id": svc["id"]}, got["service"])
	})
	t.Run("detaches the service with null on PATCH", func(t *testing.T) {
		got := do(t, s, "PATCH", "/routes/byname", map[string]any{"service": nil}, 200)
		assert.Nil(t, got["service"])
	})
}

func TestDeleteRules(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, "3.9.3")
	do(t, s, "POST", "/services", map[string]any{"name": "svc", "host": "a.test"}, 201)
	route := do(t, s, "POST", "/services/svc/routes", map[string]any{"name": "r", "paths": []any{"/"}}, 201)
	routePlugin := do(t, s, "POST", "/routes/r/plugins", map[string]any{"name": "key-auth"}, 201)
	svcPlugin := do(t, s, "POST", "/services/svc/plugins", map[string]any{"name": "cors"}, 201)
	do(t, s, "POST", "/consumers", map[string]any{"username": "bob"}, 201)
	consumerPlugin := do(t, s, "POST", "/consumers/bob/plugins", map[string]any{"name": "rate-limiting", "config": map[string]any{"minute": 1}}, 201)
	cred := do(t, s, "POST", "/consumers/bob/key-auth", map[string]any{"key": "k1"}, 201)

	got := do(t, s, "DELETE", "/services/svc", nil, 400)
	assert.Equal(t, map[string]any{"code": float64(4), "name": "foreign key violation",
		"message": "an existing 'routes' entity references this 'services' entity",
		"fields":  map[string]any{"@referenced_by": "routes"}}, got, "a service with routes cannot be deleted")

	do(t, s, "DELETE", "/routes/"+route["id"].(string), nil, 204)
	do(t, s, "GET", "/plugins/"+routePlugin["id"].(string), nil, 404) // cascaded with the route
	do(t, s, "GET", "/plugins/"+svcPlugin["id"].(string), nil, 200)
	do(t, s, "DELETE", "/services/svc", nil, 204)
	do(t, s, "GET", "/plugins/"+svcPlugin["id"].(string), nil, 404) // cascaded with the service

	do(t, s, "DELETE", "/consumers/bob", nil, 204)
	do(t, s, "GET", "/plugins/"+consumerPlugin["id"].(string), nil, 404)
	do(t, s, "GET", "/key-auths/"+cred["id"].(string), nil, 404)

	// top-level DELETE is idempotent, by id and by name
	do(t, s, "DELETE", "/services/svc", nil, 204)
	do(t, s, "DELETE", "/services/9f3c6b0e-1111-4222-8333-444455556666", nil, 204)
	do(t, s, "DELETE", "/plugins/9f3c6b0e-1111-4222-8333-444455556666", nil, 204)
}

func TestNestedEndpoints(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, "3.9.3")
	svc := do(t, s, "POST", "/services", map[string]any{"name": "svc", "host": "a.test"}, 201)
	do(t, s, "POST", "/services", map[string]any{"name": "other", "host": "b.test"}, 201)
	other := do(t, s, "GET", "/services/other", nil, 200)

	// the parent in the URL overrides the body
	r := do(t, s, "POST", "/services/svc/routes", map[string]any{"name": "r", "paths": []any{"/"}, "service": map[string]any{"id": other["id"]}}, 201)
	assert.Equal(t, map[string]any{"id": svc["id"]}, r["service"])

	list := do(t, s, "GET", "/services/svc/routes", nil, 200)
	assert.Len(t, list["data"], 1)
	assert.Empty(t, do(t, s, "GET", "/services/other/routes", nil, 200)["data"])
	do(t, s, "GET", "/services/missing/routes", nil, 404)
	do(t, s, "POST", "/services/missing/routes", map[string]any{"paths": []any{"/"}}, 404)

	do(t, s, "GET", "/services/svc/routes/r", nil, 200)
	do(t, s, "GET", "/services/other/routes/r", nil, 404) // not attached to that parent

	got := do(t, s, "GET", "/routes/r/service", nil, 200)
	assert.Equal(t, "svc", got["name"])
	do(t, s, "DELETE", "/routes/r/service", nil, 405)
	patched := do(t, s, "PATCH", "/routes/r/service", map[string]any{"port": 8080}, 200)
	assert.EqualValues(t, 8080, patched["port"])

	p := do(t, s, "PUT", "/services/svc/plugins/9f3c6b0e-1111-4222-8333-444455556666", map[string]any{"name": "cors"}, 200)
	assert.Equal(t, map[string]any{"id": svc["id"]}, p["service"])
	do(t, s, "PATCH", "/services/svc/plugins/"+p["id"].(string), map[string]any{"enabled": false}, 200)
	do(t, s, "PATCH", "/services/other/plugins/"+p["id"].(string), map[string]any{"enabled": false}, 404)

	// nested DELETE is not idempotent
	do(t, s, "DELETE", "/services/other/plugins/"+p["id"].(string), nil, 404)
	do(t, s, "DELETE", "/services/svc/plugins/"+p["id"].(string), nil, 204)
	do(t, s, "DELETE", "/services/svc/plugins/"+p["id"].(string), nil, 404)

	// PUT on a route without a service creates one and attaches it
	do(t, s, "POST", "/routes", map[string]any{"name": "lonely", "paths": []any{"/l"}}, 201)
	do(t, s, "GET", "/routes/lonely/service", nil, 404)
	created := do(t, s, "PUT", "/routes/lonely/service", map[string]any{"host": "new.test"}, 200)
	attached := do(t, s, "GET", "/routes/lonely", nil, 200)
	assert.Equal(t, map[string]any{"id": created["id"]}, attached["service"])
}

func TestConsumersAndCredentials(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, "3.9.3")
	got := do(t, s, "POST", "/consumers", map[string]any{}, 400)
	assert.Equal(t, "schema violation (at least one of these fields must be non-empty: 'custom_id', 'username')", got["message"])
	c := do(t, s, "POST", "/consumers", map[string]any{"username": "alice", "custom_id": "A-1"}, 201)

	list := do(t, s, "GET", "/consumers?custom_id=A-1", nil, 200)
	require.Len(t, list["data"], 1)
	assert.Empty(t, do(t, s, "GET", "/consumers?custom_id=nope", nil, 200)["data"])

	withKey := do(t, s, "POST", "/consumers/alice/key-auth", map[string]any{"key": "s3cret", "tags": []any{"t"}}, 201)
	assert.Equal(t, "s3cret", withKey["key"])
	assert.Equal(t, map[string]any{"id": c["id"]}, withKey["consumer"])
	generated := do(t, s, "POST", "/consumers/alice/key-auth", map[string]any{}, 201)
	assert.Len(t, generated["key"], 32, "Kong generates a key when none is given")

	assert.Len(t, do(t, s, "GET", "/key-auths", nil, 200)["data"], 2)
	assert.Len(t, do(t, s, "GET", "/consumers/alice/key-auth", nil, 200)["data"], 2)
	do(t, s, "GET", "/consumers/alice/key-auth/s3cret", nil, 200)
	do(t, s, "GET", "/key-auths/s3cret/consumer", nil, 200)
	ttl := do(t, s, "PATCH", "/consumers/alice/key-auth/"+withKey["id"].(string), map[string]any{"ttl": 60}, 200)
	assert.InDelta(t, 59, ttl["ttl"], 1, "ttl answers the remaining seconds")

	got = do(t, s, "POST", "/key-auths", map[string]any{"key": "x"}, 400)
	assert.Equal(t, "schema violation (consumer: required field missing)", got["message"])

	ba := do(t, s, "POST", "/consumers/alice/basic-auth", map[string]any{"username": "alice", "password": "pw"}, 201)
	sum := sha1.Sum([]byte("pw" + c["id"].(string)))
	assert.Equal(t, hex.EncodeToString(sum[:]), ba["password"], "basic-auth stores sha1(password .. consumer id)")
	do(t, s, "POST", "/consumers/alice/acls", map[string]any{"group": "admins"}, 201)
	do(t, s, "POST", "/consumers/alice/acls", map[string]any{"group": "admins"}, 409)
	jwt := do(t, s, "POST", "/consumers/alice/jwt", map[string]any{}, 201)
	assert.Equal(t, "HS256", jwt["algorithm"])
	do(t, s, "POST", "/consumers/alice/hmac-auth", map[string]any{"username": "alice-hmac"}, 201)

	// every collection decK dumps answers a paginated list
	for _, p := range []string{"/services", "/routes", "/plugins", "/certificates", "/ca_certificates", "/snis", "/upstreams",
		"/consumers", "/key-auths", "/hmac-auths", "/jwts", "/basic-auths", "/oauth2", "/acls", "/mtls-auths"} {
		got := do(t, s, "GET", p+"?size=1000", nil, 200)
		assert.Contains(t, got, "data", p)
		assert.Contains(t, got, "next", p)
	}

	do(t, s, "DELETE", "/consumers/alice", nil, 204)
	for _, p := range []string{"/key-auths", "/basic-auths", "/acls", "/jwts", "/hmac-auths"} {
		assert.Empty(t, do(t, s, "GET", p, nil, 200)["data"], "%s cascaded with the consumer", p)
	}
}

func TestKeyAuth_TTLExpires(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, "3.9.3")
	do(t, s, "POST", "/consumers", map[string]any{"username": "alice"}, 201)
	do(t, s, "POST", "/consumers/alice/key-auth", map[string]any{"key": "short", "ttl": 1}, 201)
	do(t, s, "GET", "/key-auths/short", nil, 200)
	time.Sleep(1100 * time.Millisecond)
	do(t, s, "GET", "/key-auths/short", nil, 404)
	assert.Empty(t, do(t, s, "GET", "/key-auths", nil, 200)["data"])
}

func TestCertificates(t *testing.T) {
	t.Parallel()
	pki := newTestPKI(t)
	cert, err := os.ReadFile(pki.serverCertFile)
	require.NoError(t, err)
	key, err := os.ReadFile(pki.serverKeyFile)
	require.NoError(t, err)
	s := newTestServer(t, "3.9.3")

	got := do(t, s, "POST", "/certificates", map[string]any{"cert": "bar", "key": "foo"}, 400)
	assert.Contains(t, got["message"], "cert: invalid certificate")
	c := do(t, s, "POST", "/certificates", map[string]any{"cert": string(cert), "key": string(key), "snis": []any{"b.test", "a.test"}}, 201)
	assert.Equal(t, []any{"a.test", "b.test"}, c["snis"])
	assert.Len(t, do(t, s, "GET", "/snis", nil, 200)["data"], 2)
	do(t, s, "GET", "/certificates/"+c["id"].(string)+"/snis", nil, 200)
	// kong/api/routes/certificates.lua prepare_params: a key that is not a
	// UUID is an SNI name ("kong.db.snis:select_by_name(name) ... id =
	// sni.certificate.id"), for GET, PATCH and DELETE
	assert.Equal(t, c["id"], do(t, s, "GET", "/certificates/b.test", nil, 200)["id"])
	do(t, s, "GET", "/certificates/nobody.test", nil, 404)
	got = do(t, s, "POST", "/certificates", map[string]any{"cert": string(cert), "key": string(key), "snis": []any{"a.test"}}, 400)
	assert.Equal(t, "schema violation (snis: a.test already associated with existing certificate '"+c["id"].(string)+"')", got["message"])

	got = do(t, s, "POST", "/ca_certificates", map[string]any{"cert": string(cert)}, 400)
	assert.Contains(t, got["message"], "missing the \"CA\" basic constraint")
	ca := do(t, s, "POST", "/ca_certificates", map[string]any{"cert": pki.caPEM}, 201)
	assert.Len(t, ca["cert_digest"], 64)

	do(t, s, "DELETE", "/certificates/"+c["id"].(string), nil, 204)
	assert.Empty(t, do(t, s, "GET", "/snis", nil, 200)["data"], "SNIs go with their certificate")
}

// kong/api/routes/kong.lua at 2.8.5, validate_schema: "schema:validate(
// schema:process_auto_fields(params, "insert"))", the schema alone, whose
// certificates have no snis field (the API and DAO handle it on writes).
func TestCertificates_Kong28ValidateRefusesSNIs(t *testing.T) {
	t.Parallel()
	pki := newTestPKI(t)
	cert, err := os.ReadFile(pki.serverCertFile)
	require.NoError(t, err)
	key, err := os.ReadFile(pki.serverKeyFile)
	require.NoError(t, err)
	s := newTestServer(t, "2.8.5")
	body := map[string]any{"cert": string(cert), "key": string(key), "snis": []any{"a.test"}}
	got := do(t, s, "POST", "/schemas/certificates/validate", body, 400)
	assert.Equal(t, map[string]any{"snis": "unknown field"}, got["fields"])
	c := do(t, s, "POST", "/certificates", body, 201)
	assert.Equal(t, []any{"a.test"}, c["snis"], "the write takes them")
	delete(body, "snis")
	do(t, s, "POST", "/schemas/certificates/validate", body, 200)
}

func TestUpstreamsAndTargets(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, "3.9.3")
	do(t, s, "POST", "/upstreams", map[string]any{"name": "backend.internal"}, 201)
	tg := do(t, s, "POST", "/upstreams/backend.internal/targets", map[string]any{"target": "10.0.0.1:80"}, 201)
	assert.EqualValues(t, 100, tg["weight"])
	do(t, s, "POST", "/upstreams/backend.internal/targets", map[string]any{"target": "10.0.0.1:80"}, 409)
	do(t, s, "GET", "/targets", nil, 404) // disabled in Kong
	assert.Len(t, do(t, s, "GET", "/upstreams/backend.internal/targets", nil, 200)["data"], 1)
	do(t, s, "DELETE", "/upstreams/backend.internal", nil, 204)
	do(t, s, "GET", "/upstreams/backend.internal/targets", nil, 404)
}

// kong/api/routes/upstreams.lua (2.8.5 and 3.9.3) target_endpoint reads
// /upstreams/{u}/targets/{address} with select_by_upstream_filter(
// upstream_pk, { target = ... }): the address within that upstream.
func TestTargets_AddressWithinItsUpstream(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"3.9.3", "2.8.5"} {
		s := newTestServer(t, version)
		do(t, s, "PUT", "/upstreams/one.internal", map[string]any{}, 200)
		do(t, s, "PUT", "/upstreams/two.internal", map[string]any{}, 200)
		first := do(t, s, "POST", "/upstreams/one.internal/targets", map[string]any{"target": "a.test:80"}, 201)
		second := do(t, s, "POST", "/upstreams/two.internal/targets", map[string]any{"target": "a.test:80", "weight": 5}, 201)
		assert.Equal(t, first["id"], do(t, s, "GET", "/upstreams/one.internal/targets/a.test:80", nil, 200)["id"], version)
		assert.Equal(t, second["id"], do(t, s, "GET", "/upstreams/two.internal/targets/a.test:80", nil, 200)["id"], version)
		do(t, s, "PATCH", "/upstreams/two.internal/targets/a.test:80", map[string]any{"weight": 6}, 200)
		assert.EqualValues(t, 100, do(t, s, "GET", "/upstreams/one.internal/targets/a.test:80", nil, 200)["weight"], version)
	}
}

func TestPluginProtocolsMustMatchRoute(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, "3.9.3")
	do(t, s, "POST", "/routes", map[string]any{"name": "http-only", "protocols": []any{"http"}, "paths": []any{"/a"}}, 201)
	got := do(t, s, "POST", "/routes/http-only/plugins", map[string]any{"name": "cors", "protocols": []any{"https"}}, 400)
	assert.Equal(t, "schema violation (protocols: must match the associated route's protocols)", got["message"])
	do(t, s, "POST", "/routes/http-only/plugins", map[string]any{"name": "cors", "protocols": []any{"http"}}, 201)

	// without explicit protocols the check does not run (it sees the raw input)
	do(t, s, "POST", "/routes", map[string]any{"name": "pt", "protocols": []any{"tls_passthrough"}, "snis": []any{"a.test"}}, 201)
	do(t, s, "POST", "/routes/pt/plugins", map[string]any{"name": "ip-restriction", "config": map[string]any{"allow": []any{"10.0.0.0/8"}}}, 201)

	do(t, s, "POST", "/services", map[string]any{"name": "svc", "host": "a.test"}, 201)
	do(t, s, "POST", "/services/svc/routes", map[string]any{"protocols": []any{"http"}, "paths": []any{"/b"}}, 201)
	got = do(t, s, "POST", "/services/svc/plugins", map[string]any{"name": "cors", "protocols": []any{"grpc"}}, 400)
	assert.Equal(t, "schema violation (protocols: must match the protocols of at least one route pointing to this Plugin's service)", got["message"])
}

func TestJWTNeedsPublicKeyForAsymmetricAlgorithms(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, "3.9.3")
	do(t, s, "POST", "/consumers", map[string]any{"username": "alice"}, 201)
	got := do(t, s, "POST", "/consumers/alice/jwt", map[string]any{"algorithm": "RS256"}, 400)
	assert.Equal(t, "2 schema violations (failed conditional validation given value of field 'algorithm'; rsa_public_key: required field missing)", got["message"])
	do(t, s, "POST", "/consumers/alice/jwt", map[string]any{"algorithm": "HS512"}, 201)
}

// testPublicKeyPEM is a fresh Ed25519 public key in PEM.
func testPublicKeyPEM(t *testing.T) string {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	der, err := x509.MarshalPKIXPublicKey(pub)
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}
