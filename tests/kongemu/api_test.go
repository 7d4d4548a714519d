package kongemu

import (
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPagination_WalkWithOffsets(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, "3.9.3")
	var ids []string
	for i := 0; i < 7; i++ {
		svc := do(t, s, "POST", "/services", map[string]any{"name": fmt.Sprintf("s%d", i), "host": "a.test", "tags": []any{"all"}}, 201)
		ids = append(ids, svc["id"].(string))
	}
	sort.Strings(ids)

	var seen []string
	var pages []int
	path := "/services?size=3&tags=all"
	for path != "" {
		page := do(t, s, "GET", path, nil, 200)
		data := page["data"].([]any)
		pages = append(pages, len(data))
		for _, e := range data {
			seen = append(seen, e.(map[string]any)["id"].(string))
		}
		path = ""
		if next, ok := page["next"].(string); ok {
			offset := page["offset"].(string)
			assert.Equal(t, "/services?offset="+url.QueryEscape(offset)+"&tags=all&size=3", next)
			raw, err := base64.RawStdEncoding.DecodeString(offset)
			require.NoError(t, err)
			assert.Equal(t, fmt.Sprintf(`[%q]`, seen[len(seen)-1]), string(raw), "offset is the last id, base64 without padding")
			path = next
		} else {
			assert.NotContains(t, page, "offset", "the last page has no offset")
		}
	}
	assert.Equal(t, []int{3, 3, 1}, pages)
	assert.Equal(t, ids, seen, "pages follow id order")
	assert.Equal(t, map[string]any{"data": []any{}, "next": nil}, do(t, s, "GET", "/routes", nil, 200))
}

func TestPagination_Errors(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, "3.9.3")
	tests := []struct {
		query string
		want  map[string]any
	}{
		{"size=abc", map[string]any{"code": float64(9), "name": "invalid size", "message": "size must be a number"}},
		{"size=0", map[string]any{"code": float64(9), "name": "invalid size", "message": "size must be an integer between 1 and 1000"}},
		{"size=1001", map[string]any{"code": float64(9), "name": "invalid size", "message": "size must be an integer between 1 and 1000"}},
		{"offset=x", map[string]any{"code": float64(7), "name": "invalid offset", "message": "'x' is not a valid offset: bad base64 encoding"}},
		{"tags=", map[string]any{"code": float64(11), "name": "invalid options", "message": "invalid option (tags: cannot be null)", "options": map[string]any{"tags": "cannot be null"}}},
		{"tags=a,b/c", map[string]any{"code": float64(11), "name": "invalid options", "message": "invalid option (tags: invalid filter syntax)", "options": map[string]any{"tags": "invalid filter syntax"}}},
		{"tags=a,b,c,d,e,f", map[string]any{"code": float64(11), "name": "invalid options", "message": "invalid option (tags: cannot query more than 5 tags)", "options": map[string]any{"tags": "cannot query more than 5 tags"}}},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			assert.Equal(t, tc.want, do(t, s, "GET", "/services?"+tc.query, nil, 400))
		})
	}
	do(t, s, "GET", "/services?foo=bar", nil, 200) // unknown arguments are ignored
}

func TestTags_AndOr(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, "3.9.3")
	for name, tags := range map[string][]any{"ab": {"a", "b"}, "a": {"a"}, "b": {"b"}, "c": {"c"}, "none": nil} {
		do(t, s, "POST", "/services", map[string]any{"name": name, "host": "x.test", "tags": tags}, 201)
	}
	names := func(q string) []string {
		var out []string
		for _, e := range do(t, s, "GET", "/services?tags="+url.QueryEscape(q), nil, 200)["data"].([]any) {
			out = append(out, e.(map[string]any)["name"].(string))
		}
		sort.Strings(out)
		return out
	}
	tests := []struct {
		query string
		want  []string
	}{
		{"a", []string{"a", "ab"}},
		{"a,b", []string{"ab"}},
		{"a/b", []string{"a", "ab", "b"}},
		{"a/c", []string{"a", "ab", "c"}},
		{"a,c", nil},
		{"zzz", nil},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, names(tc.query), "tags=%s", tc.query)
	}
}

func TestPut_Upsert(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, "3.9.3")
	first := do(t, s, "PUT", "/services/svc", map[string]any{"host": "a.test", "path": "/p", "port": 8080, "tags": []any{"t"}}, 200)
	assert.Equal(t, "svc", first["name"], "the name in the URL names the new service")

	second := do(t, s, "PUT", "/services/svc", map[string]any{"name": "ignored", "host": "b.test"}, 200)
	assert.Equal(t, first["id"], second["id"], "an upsert by name keeps the id")
	assert.Equal(t, "svc", second["name"], "the URL name wins over the body")
	assert.Nil(t, second["path"], "PUT replaces: fields left out are reset")
	assert.EqualValues(t, 80, second["port"])
	assert.Nil(t, second["tags"])

	const id = "9F3C6B0E-1111-4222-8333-444455556666"
	byID := do(t, s, "PUT", "/services/"+id, map[string]any{"host": "c.test", "name": "other"}, 200)
	assert.Equal(t, strings.ToLower(id), byID["id"], "ids are stored lower case")
	do(t, s, "GET", "/services/"+strings.ToLower(id), nil, 200)

	got := do(t, s, "PUT", "/services/"+id, map[string]any{"host": "c.test", "name": "svc"}, 409)
	assert.Equal(t, `UNIQUE violation detected on '{name="svc"}'`, got["message"])

	got = do(t, s, "PUT", "/services/bad%20name", map[string]any{"host": "c.test"}, 400)
	assert.Equal(t, map[string]any{"code": float64(10), "name": "invalid unique name",
		"message": "invalid value 'bad name': the only accepted ascii characters are alphanumerics or ., -, _, and ~"}, got)
}

func TestPatch_MergeRules(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, "3.9.3")
	p := do(t, s, "POST", "/plugins", map[string]any{"name": "rate-limiting", "instance_name": "rl",
		"config": map[string]any{"minute": 5, "policy": "local", "redis": map[string]any{"port": 6380}}}, 201)
	id := p["id"].(string)

	got := do(t, s, "PATCH", "/plugins/"+id, map[string]any{"config": map[string]any{"hour": 100, "redis": map[string]any{"timeout": 10}}}, 200)
	cfg := got["config"].(map[string]any)
	assert.EqualValues(t, 5, cfg["minute"], "records merge: keys not sent are kept")
	assert.EqualValues(t, 100, cfg["hour"])
	redis := cfg["redis"].(map[string]any)
	assert.EqualValues(t, 6380, redis["port"], "nested records merge too")
	assert.EqualValues(t, 10, redis["timeout"])
	assert.EqualValues(t, 10, cfg["redis_timeout"], "deprecated shorthand echoes the new field")
	got = do(t, s, "PATCH", "/plugins/"+id, map[string]any{"config": map[string]any{"redis_port": 7000}}, 200)
	cfg = got["config"].(map[string]any)
	assert.EqualValues(t, 7000, cfg["redis"].(map[string]any)["port"], "a deprecated shorthand in a PATCH updates the new field")
	assert.EqualValues(t, 10, cfg["redis"].(map[string]any)["timeout"])

	do(t, s, "POST", "/routes", map[string]any{"name": "r", "paths": []any{"/a", "/b"}, "tags": []any{"x", "y"}}, 201)
	r := do(t, s, "PATCH", "/routes/r", map[string]any{"paths": []any{"/c"}, "tags": []any{}}, 200)
	assert.Equal(t, []any{"/c"}, r["paths"], "arrays are replaced whole")
	assert.Equal(t, []any{}, r["tags"], "an empty array is kept as []")
	r = do(t, s, "PATCH", "/routes/r", map[string]any{"name": "renamed", "id": "9f3c6b0e-1111-4222-8333-444455556666", "created_at": 1}, 200)
	assert.Equal(t, "renamed", r["name"])
	assert.NotEqual(t, "9f3c6b0e-1111-4222-8333-444455556666", r["id"], "the id in the body is ignored")
	assert.NotEqualValues(t, 1, r["created_at"], "created_at in the body is ignored")

	got = do(t, s, "PATCH", "/routes/renamed", map[string]any{"paths": nil}, 400)
	assert.Equal(t, "schema violation (must set one of 'methods', 'hosts', 'headers', 'paths', 'snis' when 'protocols' is 'https')", got["message"])
	got = do(t, s, "PATCH", "/routes/renamed", map[string]any{"protocols": nil}, 400)
	assert.Equal(t, "schema violation (protocols: required field missing)", got["message"])

	got = do(t, s, "PATCH", "/services/9f3c6b0e-1111-4222-8333-444455556666", map[string]any{"host": "x.test"}, 404)
	assert.Equal(t, map[string]any{"code": float64(6), "name": "not found",
		"message": `could not find the entity with primary key '{id="9f3c6b0e-1111-4222-8333-444455556666"}'`,
		"fields":  map[string]any{"id": "9f3c6b0e-1111-4222-8333-444455556666"}}, got)
	got = do(t, s, "PATCH", "/services/nope", map[string]any{"host": "x.test"}, 404)
	assert.Equal(t, `could not find the entity with '{name="nope"}'`, got["message"])
	assert.Equal(t, map[string]any{"message": "Not found"}, do(t, s, "PATCH", "/plugins/9f3c6b0e-1111-4222-8333-444455556666", map[string]any{"enabled": false}, 404))

	do(t, s, "POST", "/services", map[string]any{"name": "u", "url": "http://a.test:81/x"}, 201)
	svc := do(t, s, "PATCH", "/services/u", map[string]any{"url": "https://b.test"}, 200)
	assert.Equal(t, []any{"https", "b.test", float64(443), nil}, []any{svc["protocol"], svc["host"], svc["port"], svc["path"]}, "url overwrites all four fields")
	do(t, s, "GET", "/plugins/rl", nil, 200) // by instance_name
}

func TestNumbers_ReadBackAsKongPrintsThem(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, "3.9.3")
	req := httptest.NewRequest("POST", "/services", strings.NewReader(`{"name":"n","host":"a.test","port":8080.0,"retries":3e0}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	require.Equal(t, 201, rec.Code, rec.Body.String())
	assert.Contains(t, rec.Body.String(), `"port":8080,`)
	assert.Contains(t, rec.Body.String(), `"retries":3,`)
}

func TestTransportConventions(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, "3.9.3")
	do(t, s, "POST", "/services", map[string]any{"name": "円", "host": "a.test"}, 201)

	raw := func(method, path, ctype, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		return rec
	}
	tests := []struct {
		name, method, path, ctype, body string
		wantStatus                      int
		wantBody                        string
	}{
		{"malformed JSON", "POST", "/services", "application/json", "{nope", 400, `{"message":"Cannot parse JSON body"}`},
		{"unknown path", "GET", "/nope", "", "", 404, `{"message":"Not found"}`},
		{"method not allowed on a collection", "DELETE", "/routes", "", "", 405, `{"message":"Method not allowed"}`},
		{"method not allowed on the root", "POST", "/", "", "", 405, `{"message":"Method not allowed"}`},
		{"missing entity", "GET", "/services/missing", "", "", 404, `{"message":"Not found"}`},
		{"GET ignores an invalid body", "GET", "/services", "application/json", "{nope", 200, ""},
		{"trailing slash", "GET", "/services/", "", "", 200, ""},
		{"percent-encoded utf-8 name", "GET", "/services/%E5%86%86", "", "", 200, ""},
		{"unsupported content type", "POST", "/services", "text/plain", "host=a", 415, ""},
		{"unknown schema", "GET", "/schemas/nope", "", "", 404, `{"message":"No entity named 'nope'"}`},
		{"unknown plugin schema", "GET", "/schemas/plugins/nope", "", "", 404, `{"message":"No plugin named 'nope'"}`},
		{"config is DB-less only", "GET", "/config", "", "", 400, `{"message":"this endpoint is only available when Kong is configured to not use a database"}`},
		{"bad status unit", "GET", "/status?unit=V", "", "", 400, `{"message":"invalid unit 'V' (expected 'k/K', 'm/M', or 'g/G')"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := raw(tc.method, tc.path, tc.ctype, tc.body)
			assert.Equal(t, tc.wantStatus, rec.Code, rec.Body.String())
			assert.Equal(t, "kong/3.9.3", rec.Header().Get("Server"))
			if tc.wantBody != "" {
				assert.Equal(t, tc.wantBody, rec.Body.String())
				assert.Equal(t, "application/json; charset=utf-8", rec.Header().Get("Content-Type"))
			}
		})
	}

	t.Run("form-encoded bodies are coerced by the schema", func(t *testing.T) {
		rec := raw("POST", "/services", "application/x-www-form-urlencoded", "name=form&host=f.test&port=8080&enabled=false&tags[]=a&tags[]=b")
		require.Equal(t, 201, rec.Code, rec.Body.String())
		assert.Contains(t, rec.Body.String(), `"port":8080`)
		assert.Contains(t, rec.Body.String(), `"enabled":false`)
		assert.Contains(t, rec.Body.String(), `"tags":["a","b"]`)
		rec = raw("POST", "/plugins", "application/x-www-form-urlencoded", "name=rate-limiting&config.minute=3")
		require.Equal(t, 201, rec.Code, rec.Body.String())
		assert.Contains(t, rec.Body.String(), `"minute":3`)
	})
	t.Run("OPTIONS lists the methods", func(t *testing.T) {
		rec := raw("OPTIONS", "/services", "", "")
		assert.Equal(t, 204, rec.Code)
		assert.Equal(t, "GET, HEAD, OPTIONS, POST", rec.Header().Get("Allow"))
	})
	t.Run("HEAD answers like GET without a body", func(t *testing.T) {
		rec := raw("HEAD", "/services", "", "")
		assert.Equal(t, 200, rec.Code)
		assert.Empty(t, rec.Body.String())
	})
	t.Run("schema validate endpoints check without storing", func(t *testing.T) {
		assert.Equal(t, map[string]any{"message": "schema validation successful"}, do(t, s, "POST", "/schemas/plugins/validate", map[string]any{"name": "key-auth"}, 200))
		got := do(t, s, "POST", "/schemas/routes/validate", map[string]any{"paths": []any{"~/payment/(docs|health))"}}, 400)
		assert.True(t, strings.HasPrefix(got["message"].(string), "schema violation (paths.1: invalid regex: '/payment/(docs|health))' (PCRE returned:"), got["message"])
		for _, p := range do(t, s, "GET", "/plugins", nil, 200)["data"].([]any) {
			assert.NotEqual(t, "key-auth", p.(map[string]any)["name"], "validate must not store")
		}
	})
}

func TestKong285Differences(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, "2.8.5")
	root := do(t, s, "GET", "/", nil, 200)
	assert.Equal(t, "2.8.5", root["version"])
	assert.NotContains(t, root, "edition")
	assert.NotContains(t, root["configuration"], "router_flavor")
	assert.Equal(t, true, root["plugins"].(map[string]any)["available_on_server"].(map[string]any)["key-auth"])
	flavored, err := New(Options{Version: "2.8.5", RouterFlavor: "traditional"})
	require.NoError(t, err)
	assert.Equal(t, "traditional", do(t, flavored, "GET", "/", nil, 200)["configuration"].(map[string]any)["router_flavor"],
		"reported on request, so go-kong runs its route tests against 2.8")

	p := do(t, s, "POST", "/plugins", map[string]any{"name": "key-auth"}, 201)
	assert.NotContains(t, p, "instance_name")
	assert.NotContains(t, p, "updated_at")
	got := do(t, s, "POST", "/plugins", map[string]any{"name": "cors", "instance_name": "x"}, 400)
	assert.Equal(t, "schema violation (instance_name: unknown field)", got["message"])

	do(t, s, "POST", "/routes", map[string]any{"paths": []any{"/v1/(foo|bar)$"}}, 201) // a regex without ~
	got = do(t, s, "POST", "/routes", map[string]any{"paths": []any{"~/v1"}}, 400)
	assert.Equal(t, "schema violation (paths.1: should start with: /)", got["message"])
	got = do(t, s, "POST", "/routes", map[string]any{"paths": []any{"/v1/(foo"}}, 400)
	assert.True(t, strings.HasPrefix(got["message"].(string), "schema violation (paths.1: invalid regex: '/v1/(foo' (PCRE returned:"), got["message"])

	got = do(t, s, "POST", "/services", map[string]any{"host": "a.test", "tags": []any{"a b"}}, 400)
	assert.Equal(t, "schema violation (tags.1: invalid tag 'a b': expected printable ascii (except `,` and `/`) or valid utf-8 sequences)", got["message"])
	got = do(t, s, "POST", "/services", map[string]any{"host": "a.test", "protocol": "tls", "tls_verify": true}, 400)
	assert.Equal(t, "2 schema violations (failed conditional validation given value of field 'protocol'; tls_verify: value must be null)", got["message"])
	do(t, s, "GET", "/services?tags=", nil, 200) // no special case before 3.9
	for i := 0; i < 3; i++ {
		do(t, s, "POST", "/services", map[string]any{"host": "a.test", "tags": []any{"x"}}, 201)
	}
	page := do(t, s, "GET", "/services?size=1&tags=x", nil, 200)
	assert.Equal(t, "/services?offset="+url.QueryEscape(page["offset"].(string))+"&tags=x", page["next"], "no size in next before 3.1")
}

func TestAdminToken(t *testing.T) {
	t.Parallel()
	s, err := New(Options{AdminToken: "s3cret"})
	require.NoError(t, err)
	status, body := call(t, s, "GET", "/services", nil)
	assert.Equal(t, 401, status)
	assert.Equal(t, map[string]any{"message": "Invalid credentials. Token or User credentials required"}, body)

	req := httptest.NewRequest("GET", "/services", nil)
	req.Header.Set("Kong-Admin-Token", "s3cret")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	assert.Equal(t, 200, rec.Code)

	req.Header.Set("Kong-Admin-Token", "wrong")
	rec = httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	assert.Equal(t, 401, rec.Code)
}

func TestRequestLog_OneLinePerRequest(t *testing.T) {
	t.Parallel()
	var log strings.Builder
	s, err := New(Options{Log: &log})
	require.NoError(t, err)
	call(t, s, "GET", "/services", nil)
	call(t, s, "GET", "/nope", nil)
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	require.Len(t, lines, 2)
	assert.Contains(t, lines[0], "GET /services 200")
	assert.Contains(t, lines[1], "GET /nope 404")
}

func TestInProcessClient(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, "3.9.3")
	resp, err := s.Client().Get("http://kong.invalid/status")
	require.NoError(t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(body), `"database":{"reachable":true}`)
}

// BenchmarkGetServiceByName measures GET /services/{name} through the
// handler (no network), with 100 services stored.
func BenchmarkGetServiceByName(b *testing.B) {
	s, err := New(Options{})
	require.NoError(b, err)
	for i := 0; i < 100; i++ {
		req := httptest.NewRequest("POST", "/services", strings.NewReader(fmt.Sprintf(`{"name":"svc%d","host":"a.test"}`, i)))
		req.Header.Set("Content-Type", "application/json")
		s.ServeHTTP(httptest.NewRecorder(), req)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest("GET", "/services/svc42", nil))
		if rec.Code != 200 {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

// BenchmarkGetServiceByNameHTTP is the same over a loopback HTTP connection.
func BenchmarkGetServiceByNameHTTP(b *testing.B) {
	s, err := New(Options{})
	require.NoError(b, err)
	ts := httptest.NewServer(s)
	defer ts.Close()
	resp, err := http.Post(ts.URL+"/services", "application/json", strings.NewReader(`{"name":"svc","host":"a.test"}`))
	require.NoError(b, err)
	resp.Body.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		resp, err := http.Get(ts.URL + "/services/svc")
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}

func TestEndpoints_ListsTheSurface(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, "3.9.3")
	var got []string
	for _, e := range do(t, s, "GET", "/endpoints", nil, 200)["data"].([]any) {
		got = append(got, e.(string))
	}
	for _, want := range []string{"/", "/services/{services}/routes/{routes}", "/consumers/{consumers}/key-auth/{keyauth_credentials}",
		"/routes/{routes}/service", "/schemas/plugins/validate", "/upstreams/{upstreams}/targets"} {
		assert.Contains(t, got, want)
	}
}
