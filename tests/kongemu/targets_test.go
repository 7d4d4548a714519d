package kongemu

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Target semantics of kong/api/routes/upstreams.lua and
// kong/db/dao/targets.lua; the expectations quote Kong's
// spec/02-integration/04-admin_api/08-targets_routes_spec.lua where it has
// them.

func targetsOf(t *testing.T, s *Server, path string) []string {
	t.Helper()
	var out []string
	for _, e := range do(t, s, "GET", path, nil, 200)["data"].([]any) {
		out = append(out, e.(map[string]any)["target"].(string))
	}
	return out
}

func TestTargets_FormatAndValidate(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"3.9.3", "2.8.5"} {
		t.Run(v, func(t *testing.T) {
			s := newTestServer(t, v)
			do(t, s, "PUT", "/upstreams/up.test", map[string]any{}, 200)
			// "creates a target with defaults": the default port is 8000
			got := do(t, s, "POST", "/upstreams/up.test/targets/", map[string]any{"target": "konghq.test"}, 201)
			assert.Equal(t, "konghq.test:8000", got["target"])
			assert.Equal(t, 100.0, got["weight"])
			got = do(t, s, "POST", "/upstreams/up.test/targets", map[string]any{"target": "konghq.test:123", "weight": 99}, 201)
			assert.Equal(t, "konghq.test:123", got["target"])
			// format_host: IPv4 without leading zeros, IPv6 expanded in brackets
			assert.Equal(t, "10.0.0.1:8000", do(t, s, "POST", "/upstreams/up.test/targets", map[string]any{"target": "010.000.000.001"}, 201)["target"])
			assert.Equal(t, "[0000:0000:0000:0000:0000:0000:0000:0001]:8000",
				do(t, s, "POST", "/upstreams/up.test/targets", map[string]any{"target": "::1"}, 201)["target"])
			assert.Equal(t, "[0000:0000:0000:0000:0000:0000:0000:0002]:81",
				do(t, s, "POST", "/upstreams/up.test/targets", map[string]any{"target": "[::2]:81"}, 201)["target"])
			// "creates a target with weight = 0", found again by its address
			zero := do(t, s, "POST", "/upstreams/up.test/targets", map[string]any{"target": "zero.weight.test:8080", "weight": 0}, 201)
			assert.Equal(t, zero, do(t, s, "GET", "/upstreams/up.test/targets/zero.weight.test:8080", nil, 200))

			// "handles invalid input"
			got = do(t, s, "POST", "/upstreams/up.test/targets", map[string]any{"weight": 0}, 400)
			assert.Equal(t, map[string]any{"target": "required field missing"}, got["fields"])
			got = do(t, s, "POST", "/upstreams/up.test/targets", map[string]any{"target": "some invalid host name"}, 400)
			assert.Equal(t, map[string]any{"target": "Invalid target; not a valid hostname or ip address"}, got["fields"])
			got = do(t, s, "POST", "/upstreams/up.test/targets", map[string]any{"target": "other.test", "weight": 65536}, 400)
			assert.Equal(t, map[string]any{"weight": "value should be between 0 and 65535"}, got["fields"])
			// the schema check (no DAO formatting first) words it with the value
			got = do(t, s, "POST", "/schemas/targets/validate", map[string]any{"target": "some invalid host name", "upstream": map[string]any{"id": zero["upstream"].(map[string]any)["id"]}}, 400)
			assert.Equal(t, map[string]any{"target": "Invalid target ('some invalid host name'); not a valid hostname or ip address"}, got["fields"])

			// "returns 405 on" PUT, PATCH, DELETE of the collection; /targets is disabled
			for _, m := range []string{"PUT", "PATCH", "DELETE"} {
				do(t, s, m, "/upstreams/up.test/targets", map[string]any{"target": "konghq.test"}, 405)
			}
			assert.Equal(t, map[string]any{"message": "Not found"}, do(t, s, "GET", "/targets", nil, 404))
		})
	}
}

func TestTargets_Duplicates(t *testing.T) {
	t.Parallel()
	// 3.9.3: cache_key {upstream, target} is a database constraint
	s := newTestServer(t, "3.9.3")
	up := do(t, s, "PUT", "/upstreams/up.test", map[string]any{}, 200)
	do(t, s, "POST", "/upstreams/up.test/targets", map[string]any{"target": "single-target.test:8080", "weight": 1}, 201)
	got := do(t, s, "POST", "/upstreams/up.test/targets", map[string]any{"target": "single-target.test:8080", "weight": 100}, 409)
	assert.Equal(t, "UNIQUE violation detected on '{target=\"single-target.test:8080\",upstream={id=\""+up["id"].(string)+"\"}}'", got["message"])
	// "10.0.0.1" is stored as "10.0.0.1:8000", so it conflicts with that
	do(t, s, "POST", "/upstreams/up.test/targets", map[string]any{"target": "10.0.0.1:8000"}, 201)
	do(t, s, "POST", "/upstreams/up.test/targets", map[string]any{"target": "10.0.0.1"}, 409)

	// 2.8.5: _TARGETS:insert checks the upstream's targets itself, and POST
	// of an existing target updates it (update_existent_target)
	s = newTestServer(t, "2.8.5")
	do(t, s, "PUT", "/upstreams/up.test", map[string]any{}, 200)
	first := do(t, s, "POST", "/upstreams/up.test/targets", map[string]any{"target": "single-target.test:8080", "weight": 1}, 201)
	req := httptest.NewRequest("POST", "/upstreams/up.test/targets", strings.NewReader(`{"target":"single-target.test:8080","weight":100}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "true", rec.Header().Get("Deprecation"))
	again := do(t, s, "GET", "/upstreams/up.test/targets/single-target.test:8080", nil, 200)
	assert.Equal(t, first["id"], again["id"])
	assert.Equal(t, 100.0, again["weight"])
	// the body's target is compared as written: without the port it is a
	// new insert, which the DAO refuses
	do(t, s, "POST", "/upstreams/up.test/targets", map[string]any{"target": "10.0.0.1"}, 201)
	got = do(t, s, "POST", "/upstreams/up.test/targets", map[string]any{"target": "10.0.0.1"}, 409)
	assert.Equal(t, "UNIQUE violation detected on '{target=\"10.0.0.1:8000\"}'", got["message"])
}

func TestTargets_EntityEndpoint(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"3.9.3", "2.8.5"} {
		t.Run(v, func(t *testing.T) {
			s := newTestServer(t, v)
			do(t, s, "PUT", "/upstreams/up.test", map[string]any{}, 200)
			do(t, s, "POST", "/upstreams/up.test/targets", map[string]any{"target": "api-1:80", "weight": 10}, 201)
			target := do(t, s, "POST", "/upstreams/up.test/targets", map[string]any{"target": "api-2:80", "weight": 10}, 201)
			id := target["id"].(string)

			// GET by address and by id; an address without its port is not found
			assert.Equal(t, target, do(t, s, "GET", "/upstreams/up.test/targets/api-2:80", nil, 200))
			assert.Equal(t, target, do(t, s, "GET", "/upstreams/up.test/targets/"+id, nil, 200))
			do(t, s, "GET", "/upstreams/up.test/targets/api-2", nil, 404)

			// PATCH by target ("is allowed and works")
			got := do(t, s, "PATCH", "/upstreams/up.test/targets/api-2:80", map[string]any{"weight": 659}, 200)
			assert.Equal(t, 659.0, got["weight"])
			// PUT updates, by id and by target ("updates target (by target)")
			do(t, s, "PUT", "/upstreams/up.test/targets/"+id, map[string]any{"target": "api-2:801"}, 200)
			assert.Equal(t, 659.0, do(t, s, "GET", "/upstreams/up.test/targets/api-2:801", nil, 200)["weight"], "PUT is an update: weight stays")
			do(t, s, "PUT", "/upstreams/up.test/targets/api-2:801", map[string]any{"target": "api-2:8011"}, 200)
			do(t, s, "GET", "/upstreams/up.test/targets/api-2:801", nil, 404)
			do(t, s, "GET", "/upstreams/up.test/targets/api-2:8011", nil, 200)
			// PUT and PATCH never create: target_endpoint answers 404 first
			do(t, s, "PUT", "/upstreams/up.test/targets/0fa49cd2-ee93-492a-bedf-b80778d539ae", map[string]any{"target": "api-3:80"}, 404)
			do(t, s, "PATCH", "/upstreams/up.test/targets/api-3:80", map[string]any{"weight": 1}, 404)

			// DELETE deletes ("method DELETE actually deletes targets")
			assert.Len(t, do(t, s, "GET", "/upstreams/up.test/targets/all", nil, 200)["data"], 2)
			do(t, s, "DELETE", "/upstreams/up.test/targets/api-2:8011", nil, 204)
			assert.Len(t, do(t, s, "GET", "/upstreams/up.test/targets/all", nil, 200)["data"], 1)
			assert.Equal(t, []string{"api-1:80"}, targetsOf(t, s, "/upstreams/up.test/targets"))
			do(t, s, "DELETE", "/upstreams/up.test/targets/api-2:8011", nil, 404)
			do(t, s, "DELETE", "/upstreams/up.test/targets/"+id, nil, 404)
		})
	}
}

func TestTargets_ListNewestFirst(t *testing.T) {
	t.Parallel()
	// targets created in the same millisecond tie on created_at and
	// follow id order; sequential ids make the creation order visible
	n := 0
	s, err := New(Options{Version: "3.9.3", NewID: func() string {
		n++
		return fmt.Sprintf("00000000-0000-4000-8000-%012d", n)
	}})
	require.NoError(t, err)
	do(t, s, "PUT", "/upstreams/up.test", map[string]any{}, 200)
	for _, tg := range []string{"api-1:80", "api-2:80", "api-3:80", "api-4:80"} {
		do(t, s, "POST", "/upstreams/up.test/targets", map[string]any{"target": tg}, 201)
	}
	// page_for_upstream walks the targets backwards (newest first) and
	// pages with numeric offsets
	assert.Equal(t, []string{"api-4:80", "api-3:80", "api-2:80", "api-1:80"}, targetsOf(t, s, "/upstreams/up.test/targets"))
	page := do(t, s, "GET", "/upstreams/up.test/targets?size=3", nil, 200)
	assert.Len(t, page["data"], 3)
	assert.Equal(t, "3", page["offset"])
	assert.Equal(t, "/upstreams/up.test/targets?offset=3", page["next"])
	assert.Equal(t, []string{"api-1:80"}, targetsOf(t, s, "/upstreams/up.test/targets?offset=3"))
	// the health view lists the same way
	health := do(t, s, "GET", "/upstreams/up.test/health", nil, 200)
	assert.Equal(t, "api-4:80", health["data"].([]any)[0].(map[string]any)["target"])
}

func TestTargets_HealthMarks(t *testing.T) {
	t.Parallel()
	// 3.x: PUT .../healthy|unhealthy; 2.8: POST
	for _, tc := range []struct{ version, method, refused string }{{"3.9.3", "PUT", "POST"}, {"2.8.5", "POST", "PUT"}} {
		s := newTestServer(t, tc.version)
		do(t, s, "PUT", "/upstreams/up.test", map[string]any{}, 200)
		do(t, s, "POST", "/upstreams/up.test/targets", map[string]any{"target": "10.0.0.1:80"}, 201)
		for _, path := range []string{"/upstreams/up.test/targets/10.0.0.1:80/healthy", "/upstreams/up.test/targets/10.0.0.1:80/unhealthy",
			"/upstreams/up.test/targets/10.0.0.1:80/10.0.0.1:80/healthy"} {
			status, _ := call(t, s, tc.method, path, nil)
			assert.Equal(t, http.StatusNoContent, status, "%s %s %s", tc.version, tc.method, path)
			status, _ = call(t, s, tc.refused, path, nil)
			assert.Equal(t, http.StatusMethodNotAllowed, status, "%s %s %s", tc.version, tc.refused, path)
		}
		status, _ := call(t, s, tc.method, "/upstreams/up.test/targets/10.0.0.9:80/healthy", nil)
		assert.Equal(t, http.StatusNotFound, status)
	}
}

func TestUpstreams_Shorthands(t *testing.T) {
	t.Parallel()
	// upstreams.lua shorthand_fields: hash_on picks the algorithm
	s := newTestServer(t, "3.9.3")
	tests := []struct {
		body                map[string]any
		algorithm, hashOn   string
		hashOnHeaderPresent bool
	}{
		{map[string]any{"hash_on": "ip"}, "consistent-hashing", "ip", false},
		{map[string]any{"hash_on": "ip", "algorithm": "round-robin"}, "consistent-hashing", "ip", false},
		{map[string]any{"hash_on": "none", "algorithm": "consistent-hashing"}, "round-robin", "none", false},
		{map[string]any{"algorithm": "least-connections"}, "least-connections", "none", false},
		{map[string]any{"algorithm": "latency", "hash_on": "header", "hash_on_header": "x-a"}, "latency", "none", true},
		{map[string]any{}, "round-robin", "none", false},
	}
	for i, tc := range tests {
		tc.body["name"] = "u" + string(rune('a'+i)) + ".test"
		got := do(t, s, "POST", "/upstreams", tc.body, 201)
		assert.Equal(t, tc.algorithm, got["algorithm"], "%v", tc.body)
		assert.Equal(t, tc.hashOn, got["hash_on"], "%v", tc.body)
	}
	// the patch is translated too
	got := do(t, s, "PATCH", "/upstreams/ua.test", map[string]any{"hash_on": "none"}, 200)
	assert.Equal(t, "round-robin", got["algorithm"])
	// 2.8 knows no latency algorithm
	s28 := newTestServer(t, "2.8.5")
	got = do(t, s28, "POST", "/upstreams", map[string]any{"name": "a.test", "algorithm": "latency"}, 400)
	assert.Equal(t, "schema violation (algorithm: expected one of: consistent-hashing, least-connections, round-robin)", got["message"])
}

func TestUpstreams_HealthchecksDefaultTree(t *testing.T) {
	t.Parallel()
	statuses := func(l ...float64) []any {
		out := make([]any, len(l))
		for i, x := range l {
			out[i] = x
		}
		return out
	}
	// upstreams.lua healthchecks_config, as gen_fields turns it into the
	// record default (https_sni and 3.x headers have none: null)
	active := map[string]any{"type": "http", "timeout": 1.0, "concurrency": 10.0, "http_path": "/", "https_sni": nil,
		"https_verify_certificate": true, "headers": nil,
		"healthy":   map[string]any{"interval": 0.0, "http_statuses": statuses(200, 302), "successes": 0.0},
		"unhealthy": map[string]any{"interval": 0.0, "http_statuses": statuses(429, 404, 500, 501, 502, 503, 504, 505), "tcp_failures": 0.0, "timeouts": 0.0, "http_failures": 0.0}}
	passive := map[string]any{"type": "http",
		"healthy":   map[string]any{"http_statuses": statuses(200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 306, 307, 308), "successes": 0.0},
		"unhealthy": map[string]any{"http_statuses": statuses(429, 500, 503), "tcp_failures": 0.0, "timeouts": 0.0, "http_failures": 0.0}}
	want := map[string]any{"active": active, "passive": passive, "threshold": 0.0}
	s := newTestServer(t, "3.9.3")
	got := do(t, s, "POST", "/upstreams", map[string]any{"name": "a.test"}, 201)
	assert.Equal(t, want, got["healthchecks"])

	delete(active, "headers")
	s28 := newTestServer(t, "2.8.5")
	got = do(t, s28, "POST", "/upstreams", map[string]any{"name": "a.test"}, 201)
	assert.Equal(t, want, got["healthchecks"], "2.8.5 has no active.headers")

	// seconds and thresholds are numbers: fractions are kept
	got = do(t, s, "POST", "/upstreams", map[string]any{"name": "b.test", "healthchecks": map[string]any{"threshold": 33.3,
		"active": map[string]any{"timeout": 1.5, "healthy": map[string]any{"interval": 0.25}}}}, 201)
	hc := got["healthchecks"].(map[string]any)
	assert.Equal(t, 33.3, hc["threshold"])
	assert.Equal(t, 1.5, hc["active"].(map[string]any)["timeout"])
	assert.Equal(t, 0.25, hc["active"].(map[string]any)["healthy"].(map[string]any)["interval"])
	assert.Equal(t, 10.0, hc["active"].(map[string]any)["concurrency"], "the rest of the tree keeps its defaults")
	// counters are integers (one_byte_integer)
	got = do(t, s, "POST", "/upstreams", map[string]any{"name": "c.test", "healthchecks": map[string]any{"passive": map[string]any{"healthy": map[string]any{"successes": 1.5}}}}, 400)
	// kong/db/errors.lua schema_violation flattens one level, then pretty-prints
	assert.Equal(t, `schema violation (healthchecks.passive: {healthy={successes="expected an integer"}})`, got["message"])
}
