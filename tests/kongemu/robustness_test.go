package kongemu

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestMalformedBodies_NeverServerErrors sends bodies with wrong types in
// every position to every collection: each must get a 2xx or a 4xx, never a
// 500 (a panic in validation).
func TestMalformedBodies_NeverServerErrors(t *testing.T) {
	t.Parallel()
	bodies := []map[string]any{
		{},
		{"id": 5},
		{"id": "not-a-uuid"},
		{"name": []any{"x"}},
		{"name": "x", "tags": map[string]any{"a": 1}},
		{"tags": []any{1, nil, map[string]any{}}},
		{"service": "svc"},
		{"service": []any{"x"}},
		{"route": map[string]any{"id": 7}},
		{"consumer": map[string]any{"username": 3}},
		{"config": []any{1}},
		{"name": "rate-limiting", "config": map[string]any{"minute": "x", "redis": "y", "redis_host": 5}},
		{"name": "key-auth", "config": map[string]any{"key_names": "apikey"}},
		{"name": "acl", "config": map[string]any{"allow": []any{1}}},
		{"paths": []any{1, nil}},
		{"paths": "/a"},
		{"headers": map[string]any{"x": []any{1}}},
		{"headers": []any{"x"}},
		{"sources": []any{1}},
		{"destinations": []any{map[string]any{"ip": 1, "port": "x"}}},
		{"protocols": "http"},
		{"protocols": []any{nil}},
		{"methods": []any{map[string]any{}}},
		{"url": 5},
		{"url": "http://[::1"},
		{"host": "a.test", "port": 1e20},
		{"host": "a.test", "port": "80"},
		{"username": "u", "custom_id": 5},
		{"healthchecks": map[string]any{"active": 1}},
		{"healthchecks": map[string]any{"active": map[string]any{"healthy": map[string]any{"http_statuses": []any{"x"}}}}},
		{"target": 5},
		{"cert": 5, "key": []any{}},
		{"snis": "a.test"},
		{"key": map[string]any{}},
		{"ttl": "soon"},
		{"password": 5},
		{"group": nil},
		{"algorithm": 5},
		{"redirect_uris": "x"},
		{"set": map[string]any{"name": "missing"}},
		{"pem": "x"},
	}
	s := newTestServer(t, "3.9.3")
	do(t, s, "POST", "/consumers", map[string]any{"username": "c"}, 201)
	do(t, s, "POST", "/upstreams", map[string]any{"name": "u.test"}, 201)
	paths := []string{"/consumers/c/key-auth", "/consumers/c/basic-auth", "/consumers/c/acls", "/consumers/c/jwt",
		"/consumers/c/hmac-auth", "/consumers/c/oauth2", "/upstreams/u.test/targets", "/schemas/routes/validate",
		"/schemas/plugins/validate"}
	for _, def := range s.defList {
		if !def.noTopLevel {
			paths = append(paths, "/"+def.path)
		}
	}
	for _, p := range paths {
		for _, b := range bodies {
			status, got := call(t, s, "POST", p, b)
			assert.Less(t, status, 500, "POST %s %v: %v", p, b, got)
		}
	}
	for _, b := range bodies {
		status, got := call(t, s, "PATCH", "/consumers/c", b)
		assert.Less(t, status, 500, "PATCH /consumers/c %v: %v", b, got)
		status, got = call(t, s, "PUT", "/upstreams/u.test", b)
		assert.Less(t, status, 500, "PUT /upstreams/u.test %v: %v", b, got)
	}
}

// FuzzPost feeds arbitrary bodies to the validating collections; run with
// go test -fuzz FuzzPost ./tests/kongemu. Any 5xx is a bug.
func FuzzPost(f *testing.F) {
	f.Add("/routes", `{"paths":["~/a(b"],"hosts":["*.x.*"]}`)
	f.Add("/services", `{"url":"http://a.test:99999/x?y"}`)
	f.Add("/plugins", `{"name":"rate-limiting","config":{"minute":1,"redis":{"host":null}}}`)
	f.Add("/plugins", `{"name":"statsd","config":{"metrics":[{"name":"latency"}]}}`)
	f.Add("/upstreams", `{"name":"a.test","healthchecks":{"active":{"headers":{"x":["y"]}}}}`)
	f.Add("/consumers", `{"username":"a","tags":["a b"]}`)
	s, err := New(Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, path, body string) {
		switch path {
		case "/routes", "/services", "/plugins", "/upstreams", "/consumers":
		default:
			return
		}
		req := httptest.NewRequest("POST", path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("POST %s %s: %d %s", path, body, rec.Code, rec.Body.String())
		}
	})
}
