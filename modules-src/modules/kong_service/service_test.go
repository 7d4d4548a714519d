package kongservice

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"platform.ops/modules-src/internal/kong/kongtest"
	"platform.ops/tests/kongemu"
)

var kongVersions = []string{"3.9.3", "2.8.5"}

func merge(a, b map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

func requireOK(t *testing.T, out map[string]any) {
	t.Helper()
	require.NotEqual(t, true, out["failed"], "task failed: %v", out["msg"])
}

func TestLifecycle(t *testing.T) {
	t.Parallel()
	for _, version := range kongVersions {
		t.Run("kong "+version, func(t *testing.T) {
			t.Parallel()
			env := kongtest.Start(t, kongemu.Options{Version: version})
			base := map[string]any{"name": "orders", "url": "http://orders.test:8080/v1", "tags": []any{"b", "a"}}

			created := env.Run(Definition, base)
			requireOK(t, created)
			assert.Equal(t, true, created["changed"])
			assert.Equal(t, "create", created["operation"])
			svc := created["service"].(map[string]any)
			assert.Equal(t, "orders.test", svc["host"])
			assert.EqualValues(t, 8080, svc["port"])
			assert.Equal(t, "/v1", svc["path"])
			assert.EqualValues(t, 5, svc["retries"], "Kong's default is returned")
			assert.Equal(t, []string{"PUT /services/orders"}, writes(env.Requests()), "created with an idempotent PUT by name")

			again := env.Run(Definition, merge(base, map[string]any{"tags": []any{"a", "b", "a"}}))
			requireOK(t, again)
			assert.Equal(t, false, again["changed"], "tag order and duplicates are not a change")
			assert.Equal(t, []any{}, again["changes"])
			assert.Equal(t, []string{"GET /services/orders"}, env.Requests(), "a no-change run is one GET")

			preview := env.Run(Definition, map[string]any{"name": "orders", "port": 9090, "_ansible_check_mode": true, "_ansible_diff": true})
			requireOK(t, preview)
			assert.Equal(t, true, preview["changed"])
			assert.Equal(t, []any{"port"}, preview["changes"])
			assert.Equal(t, map[string]any{
				"before": map[string]any{"name": "orders", "port": 8080.0},
				"after":  map[string]any{"name": "orders", "port": 9090.0},
			}, preview["diff"], "the diff shows the fields the task manages")
			assert.Equal(t, []string{"GET /services/orders", "POST /schemas/services/validate"}, env.Requests(), "check mode validates and writes nothing")
			assert.EqualValues(t, 8080, env.Get(t, "/services/orders")["port"])

			updated := env.Run(Definition, map[string]any{"name": "orders", "port": 9090, "_ansible_diff": true})
			requireOK(t, updated)
			assert.Equal(t, true, updated["changed"])
			assert.Equal(t, []any{"port"}, updated["changes"])
			assert.Equal(t, []string{"PATCH /services/" + svc["id"].(string)}, writes(env.Requests()))
			held := env.Get(t, "/services/orders")
			assert.EqualValues(t, 9090, held["port"])
			assert.Equal(t, "/v1", held["path"], "fields not in the task are untouched")
			assert.ElementsMatch(t, []any{"a", "b"}, held["tags"])

			deleted := env.Run(Definition, map[string]any{"name": "orders", "state": "absent"})
			requireOK(t, deleted)
			assert.Equal(t, true, deleted["changed"])
			assert.Nil(t, env.Get(t, "/services/orders"))
			deletedAgain := env.Run(Definition, map[string]any{"name": "orders", "state": "absent"})
			requireOK(t, deletedAgain)
			assert.Equal(t, false, deletedAgain["changed"])
		})
	}
}

// writes keeps the requests that change something.
func writes(reqs []string) []string {
	var out []string
	for _, r := range reqs {
		if len(r) > 4 && r[:4] != "GET " {
			out = append(out, r)
		}
	}
	return out
}

func TestNoFalseChange(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		create map[string]any
		rerun  map[string]any
	}{
		{"server defaults given explicitly", map[string]any{"host": "a.test"},
			map[string]any{"host": "a.test", "port": 80, "protocol": "http", "retries": 5, "enabled": true,
				"connect_timeout": 60000, "read_timeout": 60000, "write_timeout": 60000}},
		{"url without a path against a null path", map[string]any{"url": "http://a.test"},
			map[string]any{"url": "http://a.test"}},
		{"https url gets port 443", map[string]any{"url": "https://a.test/x"},
			map[string]any{"host": "a.test", "port": 443, "protocol": "https", "path": "/x"}},
		{"empty tags against no tags", map[string]any{"host": "a.test"},
			map[string]any{"host": "a.test", "tags": []any{}}},
		{"ints given as strings", map[string]any{"host": "a.test", "port": 8080},
			map[string]any{"host": "a.test", "port": "8080", "read_timeout": "60000"}},
		{"tls fields on https", map[string]any{"url": "https://a.test", "tls_verify": true, "tls_verify_depth": 2},
			map[string]any{"url": "https://a.test", "tls_verify": "yes", "tls_verify_depth": 2}},
		{"enabled false", map[string]any{"host": "a.test", "enabled": false},
			map[string]any{"host": "a.test", "enabled": false}},
	}
	for _, version := range kongVersions {
		for _, tc := range tests {
			t.Run(version+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				env := kongtest.Start(t, kongemu.Options{Version: version})
				first := env.Run(Definition, merge(map[string]any{"name": "s"}, tc.create))
				requireOK(t, first)
				second := env.Run(Definition, merge(map[string]any{"name": "s"}, tc.rerun))
				requireOK(t, second)
				assert.Equal(t, false, second["changed"], "changes: %v", second["changes"])
			})
		}
	}
}

func TestKongRejection_SurfacesMessageStatusAndFields(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{})
	for _, check := range []bool{false, true} {
		out := env.Run(Definition, map[string]any{"name": "s", "host": "a.test", "path": "no-slash", "_ansible_check_mode": check})
		assert.Equal(t, true, out["failed"])
		assert.Equal(t, false, out["changed"])
		assert.Contains(t, out["msg"], "schema violation (path: should start with: /)")
		assert.EqualValues(t, 400, out["status"])
		assert.Equal(t, map[string]any{"path": "should start with: /"}, out["fields"])
		if check {
			assert.Contains(t, out["msg"], `validating service "s" (check mode) failed`)
		} else {
			assert.Contains(t, out["msg"], `creating service "s" failed: Kong answered HTTP 400`)
		}
	}
	assert.Nil(t, env.Get(t, "/services/s"))
}

func TestCreateWithoutHost_IsExplained(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{})
	out := env.Run(Definition, map[string]any{"name": "s", "port": 8080})
	assert.Equal(t, true, out["failed"])
	assert.Equal(t, `service "s" does not exist yet: host (or url) is needed to create it`, out["msg"])

	// In check mode an earlier (unrun) task may create it: warn, predict.
	check := env.Run(Definition, map[string]any{"name": "s", "port": 8080, "_ansible_check_mode": true})
	requireOK(t, check)
	assert.Equal(t, true, check["changed"])
	assert.Equal(t, []any{`service "s" does not exist (check mode): assuming an earlier task creates it; without host (or url) this task fails in a real run`}, check["warnings"])
	assert.Nil(t, env.Get(t, "/services/s"))
}

func TestStrict(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{})
	requireOK(t, env.Run(Definition, map[string]any{"name": "s", "host": "a.test", "read_timeout": 5000, "tags": []any{"x"}, "path": "/p"}))

	partial := env.Run(Definition, map[string]any{"name": "s", "host": "a.test"})
	requireOK(t, partial)
	assert.Equal(t, false, partial["changed"], "without strict, unmentioned fields are left alone")

	preview := env.Run(Definition, map[string]any{"name": "s", "host": "a.test", "strict": true, "_ansible_check_mode": true})
	requireOK(t, preview)
	assert.Equal(t, []any{"path", "read_timeout", "tags"}, preview["changes"])
	assert.EqualValues(t, 5000, env.Get(t, "/services/s")["read_timeout"])

	strict := env.Run(Definition, map[string]any{"name": "s", "host": "a.test", "strict": true})
	requireOK(t, strict)
	assert.Equal(t, []any{"path", "read_timeout", "tags"}, strict["changes"])
	held := env.Get(t, "/services/s")
	assert.EqualValues(t, 60000, held["read_timeout"])
	assert.Nil(t, held["path"])
	assert.Empty(t, held["tags"])
	assert.Equal(t, "s", held["name"], "strict never resets the name")

	again := env.Run(Definition, map[string]any{"name": "s", "host": "a.test", "strict": true})
	requireOK(t, again)
	assert.Equal(t, false, again["changed"])
}

func TestCascade(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{})
	requireOK(t, env.Run(Definition, map[string]any{"name": "s", "host": "a.test"}))
	env.Send(t, http.MethodPost, "/services/s/routes", map[string]any{"name": "r1", "paths": []any{"/r1"}})
	route := env.Send(t, http.MethodPost, "/services/s/routes", map[string]any{"paths": []any{"/r2"}})
	env.Send(t, http.MethodPost, "/routes/r1/plugins", map[string]any{"name": "key-auth"})

	refused := env.Run(Definition, map[string]any{"name": "s", "state": "absent"})
	assert.Equal(t, true, refused["failed"])
	assert.Contains(t, refused["msg"], `service "s" still has 2 route(s)`)
	assert.Contains(t, refused["msg"], "r1")
	assert.Contains(t, refused["msg"], "cascade: true")
	assert.NotNil(t, env.Get(t, "/services/s"))

	preview := env.Run(Definition, map[string]any{"name": "s", "state": "absent", "cascade": true, "_ansible_check_mode": true, "_ansible_diff": true})
	requireOK(t, preview)
	assert.Equal(t, true, preview["changed"])
	assert.ElementsMatch(t, []any{"r1", route["id"]}, preview["deleted_routes"])
	assert.NotNil(t, env.Get(t, "/routes/r1"), "check mode deletes nothing")

	out := env.Run(Definition, map[string]any{"name": "s", "state": "absent", "cascade": true})
	requireOK(t, out)
	assert.Equal(t, true, out["changed"])
	assert.Nil(t, env.Get(t, "/services/s"))
	assert.Nil(t, env.Get(t, "/routes/r1"))
	plugins := env.Get(t, "/plugins")
	assert.Empty(t, plugins["data"], "the route's plugins went with it")
}

func TestSelectByID(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{})
	id := "6a3f1b2c-0d4e-4f5a-8b6c-7d8e9f0a1b2c"
	created := env.Run(Definition, map[string]any{"id": id, "name": "old", "host": "a.test"})
	requireOK(t, created)
	assert.Equal(t, id, created["service"].(map[string]any)["id"])

	renamed := env.Run(Definition, map[string]any{"id": id, "name": "new"})
	requireOK(t, renamed)
	assert.Equal(t, []any{"name"}, renamed["changes"])
	assert.Nil(t, env.Get(t, "/services/old"))
	assert.Equal(t, id, env.Get(t, "/services/new")["id"])
}

func TestKong28_TLSFieldsNeedHTTPS(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{Version: "2.8.5"})
	out := env.Run(Definition, map[string]any{"name": "s", "url": "tls://a.test:443", "tls_verify": true})
	assert.Equal(t, true, out["failed"])
	assert.Equal(t, "Kong 2.8.5 accepts tls_verify only with protocol https, not tls (Kong 3.x also allows tls)", out["msg"])

	env3 := kongtest.Start(t, kongemu.Options{Version: "3.9.3"})
	requireOK(t, env3.Run(Definition, map[string]any{"name": "s", "url": "tls://a.test:443", "tls_verify": true}))
}

func TestRBACToken(t *testing.T) {
	t.Parallel()
	const token = "s3cr3t-rbac-token"
	env := kongtest.Start(t, kongemu.Options{AdminToken: token})

	denied := env.Run(Definition, map[string]any{"name": "s", "host": "a.test"})
	assert.Equal(t, true, denied["failed"])
	assert.EqualValues(t, 401, denied["status"])
	assert.Contains(t, denied["msg"], "Invalid credentials")

	out := env.Run(Definition, map[string]any{"name": "s", "host": "a.test", "admin_token": token,
		"admin_headers": map[string]any{"X-Api-Key": "header-secret", "X-Team": "edge"}})
	requireOK(t, out)
	assert.Equal(t, true, out["changed"])
	raw, err := json.Marshal(out)
	require.NoError(t, err)
	assert.NotContains(t, string(raw), token, "the token never appears in the output")
	assert.NotContains(t, string(raw), "header-secret", "secret-looking header values are masked")
	assert.Contains(t, string(raw), "edge", "other header values are shown")
}

func TestTLS(t *testing.T) {
	t.Parallel()
	pki := kongtest.NewPKI(t)
	tests := []struct {
		name    string
		mtls    bool
		args    map[string]any
		wantErr string
	}{
		{name: "ca_path", args: map[string]any{}},
		{name: "without the CA", args: map[string]any{"ca_path": nil}, wantErr: "certificate signed by unknown authority"},
		{name: "validate_certs false", args: map[string]any{"ca_path": nil, "validate_certs": false}},
		{name: "tls_server_name", args: map[string]any{"tls_server_name": "kong.test"}},
		{name: "mutual TLS", mtls: true, args: map[string]any{"client_cert": pki.ClientCert, "client_key": pki.ClientKey}},
		{name: "mutual TLS without a client certificate", mtls: true, args: map[string]any{}, wantErr: "cannot reach the Kong Admin API"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := kongtest.StartTLS(t, kongemu.Options{}, pki, tc.mtls)
			out := env.Run(Definition, merge(map[string]any{"name": "s", "host": "a.test", "admin_retries": 0}, tc.args))
			if tc.wantErr != "" {
				assert.Equal(t, true, out["failed"])
				assert.Contains(t, out["msg"], tc.wantErr)
				return
			}
			requireOK(t, out)
			assert.Equal(t, true, out["changed"])
		})
	}
}

func TestRetries(t *testing.T) {
	t.Parallel()
	t.Run("GET retried after 503", func(t *testing.T) {
		t.Parallel()
		env := kongtest.Start(t, kongemu.Options{})
		env.FailNext(http.MethodGet, "/services/s", 503, 2, nil)
		out := env.Run(Definition, map[string]any{"name": "s", "host": "a.test"})
		requireOK(t, out)
		assert.Equal(t, []string{"GET /services/s", "GET /services/s", "GET /services/s", "PUT /services/s"}, env.Requests())
	})
	t.Run("PUT retried after 502", func(t *testing.T) {
		t.Parallel()
		env := kongtest.Start(t, kongemu.Options{})
		env.FailNext(http.MethodPut, "/services/s", 502, 1, nil)
		out := env.Run(Definition, map[string]any{"name": "s", "host": "a.test"})
		requireOK(t, out)
		assert.Equal(t, true, out["changed"])
		assert.Equal(t, []string{"GET /services/s", "PUT /services/s", "PUT /services/s"}, env.Requests())
	})
	t.Run("429 honours Retry-After", func(t *testing.T) {
		t.Parallel()
		env := kongtest.Start(t, kongemu.Options{})
		env.FailNext(http.MethodGet, "/services/s", 429, 1, http.Header{"Retry-After": {"1"}})
		start := time.Now()
		out := env.Run(Definition, map[string]any{"name": "s", "host": "a.test"})
		requireOK(t, out)
		assert.GreaterOrEqual(t, time.Since(start), time.Second)
	})
	t.Run("PATCH is not retried", func(t *testing.T) {
		t.Parallel()
		env := kongtest.Start(t, kongemu.Options{})
		requireOK(t, env.Run(Definition, map[string]any{"name": "s", "host": "a.test"}))
		env.Requests()
		env.FailNext(http.MethodPatch, "/services/", 503, 1, nil)
		out := env.Run(Definition, map[string]any{"name": "s", "port": 81})
		assert.Equal(t, true, out["failed"])
		assert.EqualValues(t, 503, out["status"])
		assert.Contains(t, out["msg"], `updating service "s" (port) failed: Kong answered HTTP 503`)
		assert.Len(t, writes(env.Requests()), 1, "one PATCH only")
	})
	t.Run("gives up after admin_retries", func(t *testing.T) {
		t.Parallel()
		env := kongtest.Start(t, kongemu.Options{})
		env.FailNext(http.MethodGet, "/services/s", 500, 10, nil)
		out := env.Run(Definition, map[string]any{"name": "s", "host": "a.test", "admin_retries": 1})
		assert.Equal(t, true, out["failed"])
		assert.EqualValues(t, 500, out["status"])
		assert.Len(t, env.Requests(), 2)
	})
}
