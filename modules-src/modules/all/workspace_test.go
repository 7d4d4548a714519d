package all

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong/kongtest"
	kongconsumer "platform.ops/modules-src/modules/kong_consumer"
	kongconsumercredential "platform.ops/modules-src/modules/kong_consumer_credential"
	konginfo "platform.ops/modules-src/modules/kong_info"
	kongplugin "platform.ops/modules-src/modules/kong_plugin"
	kongroute "platform.ops/modules-src/modules/kong_route"
	kongservice "platform.ops/modules-src/modules/kong_service"
	"platform.ops/tests/kongemu"
)

// workspace is the Kong Enterprise workspace every request must go to.
const workspace = "team-a"

// workspaceProxy stands for a Kong Enterprise node in front of the
// emulator (which has no workspaces): it serves /team-a/... as /...,
// GET /team-a/kong (go-kong's Root with a workspace, Kong Enterprise's
// workspace-scoped node information) as GET /, records every request as
// sent, and refuses, recording it as escaped, any request outside the
// workspace (GET / included: with a workspace the node info must be read
// inside it too, as an RBAC user of one workspace may read nothing else).
type workspaceProxy struct {
	env     *kongtest.Env
	prefix  string // "/" and the workspace as it appears in a URL path
	mu      sync.Mutex
	seen    []string // "METHOD /escaped/path?query" as the module sent it
	escaped []string
}

func (p *workspaceProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sent := r.Method + " " + r.URL.EscapedPath()
	if r.URL.RawQuery != "" {
		sent += "?" + r.URL.RawQuery
	}
	prefix := p.prefix
	raw := r.URL.EscapedPath()
	var inner string
	switch {
	case r.Method == http.MethodGet && raw == prefix+"/kong":
		inner = "/"
	case strings.HasPrefix(raw, prefix+"/") && len(raw) > len(prefix)+1:
		inner = strings.TrimPrefix(raw, prefix)
	}
	p.mu.Lock()
	p.seen = append(p.seen, sent)
	if inner == "" {
		p.escaped = append(p.escaped, sent)
	}
	p.mu.Unlock()
	if inner == "" {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = fmt.Fprintf(w, `{"message":"test proxy: request outside %s"}`, prefix)
		return
	}
	path, err := url.PathUnescape(inner)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r2 := r.Clone(r.Context())
	r2.URL.Path, r2.URL.RawPath = path, inner
	r2.RequestURI = r2.URL.RequestURI()
	p.env.ServeHTTP(w, r2)
}

func startWorkspaceProxy(t *testing.T, env *kongtest.Env, prefix string) (*workspaceProxy, string) {
	t.Helper()
	proxy := &workspaceProxy{env: env, prefix: prefix}
	srv := httptest.NewServer(proxy)
	t.Cleanup(srv.Close)
	return proxy, srv.URL
}

// take returns the requests recorded since the last call.
func (p *workspaceProxy) take() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.seen
	p.seen = nil
	return out
}

// wsStep is one module task of the workspace lifecycle.
type wsStep struct {
	name string
	def  *ansible.Definition
	args map[string]any
	// fail is a substring of the expected failure message ("" means the
	// task must succeed); fail28 replaces it against Kong 2.8.5.
	fail, fail28 string
	// want are patterns (matched against "METHOD /path?query" as sent)
	// each of which at least one request of the step must match: proof
	// that the step took the path it is here for.
	want, want3 []string
}

const (
	routeID   = "3b1f8c2e-5d4a-4e6b-9c7d-1a2b3c4d5e6f"
	pluginID  = "7c2d9e3f-6e5b-4f7c-8d9e-2b3c4d5e6f70"
	checkMode = "_ansible_check_mode"
	diffMode  = "_ansible_diff"
)

func ws(path string) string { return "^" + regexp.QuoteMeta(path) }

// workspaceSteps runs every Kong module through create, no-op, update,
// check mode (with Kong's validate endpoints and the UNIQUE lookups),
// strict mode, delete and cascade delete, and kong_info's export.
var workspaceSteps = []wsStep{
	// kong_service
	{name: "service create", def: kongservice.Definition,
		args: map[string]any{"name": "orders", "url": "http://orders.test:8080/v1", "tags": []any{"a"}},
		want: []string{ws("GET /team-a/services/orders"), ws("PUT /team-a/services/orders")}},
	{name: "service no-op", def: kongservice.Definition,
		args: map[string]any{"name": "orders", "url": "http://orders.test:8080/v1"},
		want: []string{ws("GET /team-a/services/orders")}},
	{name: "service check-mode update", def: kongservice.Definition,
		args: map[string]any{"name": "orders", "port": 9090, checkMode: true, diffMode: true},
		want: []string{ws("POST /team-a/schemas/services/validate")}},
	{name: "service check-mode create", def: kongservice.Definition,
		args: map[string]any{"name": "billing", "host": "billing.test", checkMode: true},
		want: []string{ws("GET /team-a/services/billing"), ws("POST /team-a/schemas/services/validate")}},
	{name: "service update", def: kongservice.Definition,
		args: map[string]any{"name": "orders", "port": 9090, diffMode: true},
		want: []string{ws("PATCH /team-a/services/")}},
	{name: "service strict check mode", def: kongservice.Definition,
		args: map[string]any{"name": "orders", "host": "orders.test", "port": 9090, "strict": true, checkMode: true},
		want: []string{ws("GET /team-a/schemas/services"), ws("POST /team-a/schemas/services/validate")}},
	{name: "service strict", def: kongservice.Definition,
		args: map[string]any{"name": "orders", "host": "orders.test", "port": 9090, "strict": true},
		want: []string{ws("GET /team-a/schemas/services"), ws("PATCH /team-a/services/")}},

	// kong_route: a regex path makes the module read the node's version
	{name: "route create", def: kongroute.Definition,
		args: map[string]any{"name": "r1", "id": routeID, "service": "orders", "paths": []any{`~/users/\d+$`}},
		want: []string{ws("GET /team-a/kong"), ws("PUT /team-a/routes/")}},
	{name: "route no-op", def: kongroute.Definition,
		args: map[string]any{"name": "r1", "service": "orders", "paths": []any{`~/users/\d+$`}}},
	{name: "route check-mode rename (UNIQUE lookup)", def: kongroute.Definition,
		args: map[string]any{"id": routeID, "name": "r1-renamed", checkMode: true},
		want: []string{ws("GET /team-a/routes/r1-renamed"), ws("POST /team-a/schemas/routes/validate")}},
	{name: "route update", def: kongroute.Definition,
		args: map[string]any{"name": "r1", "methods": []any{"GET"}, diffMode: true},
		want: []string{ws("PATCH /team-a/routes/" + routeID)}},
	{name: "route strict", def: kongroute.Definition,
		args: map[string]any{"name": "r1", "service": "orders", "paths": []any{`~/users/\d+$`}, "strict": true},
		want: []string{ws("GET /team-a/schemas/routes"), ws("PATCH /team-a/routes/")}},
	{name: "second route", def: kongroute.Definition,
		args: map[string]any{"name": "r2", "service": "orders", "paths": []any{"/r2"}}},

	// kong_consumer
	{name: "consumer create", def: kongconsumer.Definition,
		args: map[string]any{"username": "alice", "custom_id": "cid-alice", "tags": []any{"t"}},
		want: []string{ws("PUT /team-a/consumers/alice")}},
	{name: "consumer no-op", def: kongconsumer.Definition,
		args: map[string]any{"username": "alice", "custom_id": "cid-alice"}},
	{name: "consumer bob", def: kongconsumer.Definition,
		args: map[string]any{"username": "bob"}},
	{name: "consumer check-mode UNIQUE custom_id", def: kongconsumer.Definition,
		args: map[string]any{"username": "bob", "custom_id": "cid-alice", checkMode: true},
		fail: "UNIQUE violation",
		want: []string{ws("GET /team-a/consumers?custom_id=cid-alice")}},
	{name: "consumer check-mode create", def: kongconsumer.Definition,
		args: map[string]any{"username": "carol", checkMode: true},
		want: []string{ws("POST /team-a/schemas/consumers/validate")}},
	{name: "consumer update", def: kongconsumer.Definition,
		args: map[string]any{"username": "alice", "tags": []any{"t", "u"}},
		want: []string{ws("PATCH /team-a/consumers/")}},
	{name: "consumer strict", def: kongconsumer.Definition,
		args: map[string]any{"username": "alice", "custom_id": "cid-alice", "strict": true},
		want: []string{ws("GET /team-a/schemas/consumers"), ws("PATCH /team-a/consumers/")}},

	// kong_consumer_credential
	{name: "key-auth create", def: kongconsumercredential.Definition,
		args: map[string]any{"consumer": "alice", "type": "key-auth", "key": "alice-key-1"},
		want: []string{ws("GET /team-a/consumers/alice"), ws("POST /team-a/consumers/")}},
	{name: "key-auth no-op", def: kongconsumercredential.Definition,
		args: map[string]any{"consumer": "alice", "type": "key-auth", "key": "alice-key-1"}},
	{name: "key-auth update", def: kongconsumercredential.Definition,
		args: map[string]any{"consumer": "alice", "type": "key-auth", "key": "alice-key-1", "tags": []any{"x"}},
		want: []string{ws("PATCH /team-a/consumers/")}},
	{name: "basic-auth create", def: kongconsumercredential.Definition,
		args: map[string]any{"consumer": "alice", "type": "basic-auth", "username": "alice-basic", "password": "pw-1"}},
	{name: "basic-auth check-mode UNIQUE username", def: kongconsumercredential.Definition,
		args: map[string]any{"consumer": "bob", "type": "basic-auth", "username": "alice-basic", "password": "pw-2", checkMode: true},
		fail: "UNIQUE violation",
		want: []string{ws("GET /team-a/basic-auths/alice-basic")}},
	{name: "hmac-auth check-mode create", def: kongconsumercredential.Definition,
		args: map[string]any{"consumer": "bob", "type": "hmac-auth", "username": "bob-hmac", checkMode: true},
		want: []string{ws("GET /team-a/hmac-auths/bob-hmac"), ws("POST /team-a/schemas/hmacauth_credentials/validate")}},
	{name: "jwt create", def: kongconsumercredential.Definition,
		args: map[string]any{"consumer": "bob", "type": "jwt", "key": "bob-iss", "secret": "jwt-secret-1"}},
	{name: "acl create", def: kongconsumercredential.Definition,
		args: map[string]any{"consumer": "alice", "type": "acl", "group": "admins"}},
	{name: "acl check-mode update", def: kongconsumercredential.Definition,
		args: map[string]any{"consumer": "alice", "type": "acl", "group": "admins", "tags": []any{"y"}, checkMode: true},
		want: []string{ws("POST /team-a/schemas/acls/validate")}},
	{name: "key-auth delete", def: kongconsumercredential.Definition,
		args: map[string]any{"consumer": "alice", "type": "key-auth", "key": "alice-key-1", "state": "absent"},
		want: []string{ws("DELETE /team-a/consumers/")}},

	// kong_plugin
	{name: "plugin create on a service", def: kongplugin.Definition,
		args: map[string]any{"name": "rate-limiting", "service": "orders", "config": map[string]any{"minute": 5}},
		want: []string{ws("GET /team-a/schemas/plugins/rate-limiting"), ws("POST /team-a/plugins")}},
	{name: "plugin no-op", def: kongplugin.Definition,
		args: map[string]any{"name": "rate-limiting", "service": "orders", "config": map[string]any{"minute": 5}}},
	{name: "plugin check-mode update", def: kongplugin.Definition,
		args: map[string]any{"name": "rate-limiting", "service": "orders", "config": map[string]any{"minute": 7}, checkMode: true, diffMode: true},
		want: []string{ws("POST /team-a/schemas/plugins/validate")}},
	{name: "plugin update", def: kongplugin.Definition,
		args: map[string]any{"name": "rate-limiting", "service": "orders", "config": map[string]any{"minute": 7}, "tags": []any{"p"}},
		want: []string{ws("PATCH /team-a/plugins/")}},
	{name: "plugin strict", def: kongplugin.Definition,
		args: map[string]any{"name": "rate-limiting", "service": "orders", "config": map[string]any{"minute": 7}, "strict": true},
		want: []string{ws("GET /team-a/schemas/plugins/rate-limiting"), ws("PATCH /team-a/plugins/")}},
	{name: "plugin on a route, by id", def: kongplugin.Definition,
		args: map[string]any{"name": "key-auth", "id": pluginID, "route": "r1"},
		want: []string{ws("PUT /team-a/plugins/" + pluginID)}},
	{name: "plugin on a consumer", def: kongplugin.Definition,
		args: map[string]any{"name": "request-termination", "consumer": "alice", "config": map[string]any{"status_code": 403}}},
	{name: "plugin global check-mode create", def: kongplugin.Definition,
		args: map[string]any{"name": "cors", checkMode: true},
		want: []string{ws("GET /team-a/schemas/plugins/cors"), ws("POST /team-a/schemas/plugins/validate")}},
	{name: "plugin instance_name check mode (UNIQUE lookup)", def: kongplugin.Definition,
		args:   map[string]any{"name": "cors", "instance_name": "edge-cors", "service": "orders", checkMode: true},
		fail28: "instance_name needs Kong 3.2",
		want:   []string{ws("GET /team-a/kong")}, want3: []string{ws("GET /team-a/plugins/edge-cors")}},
	{name: "plugin not installed", def: kongplugin.Definition,
		args: map[string]any{"name": "no-such-plugin", "service": "orders"},
		fail: "is not installed",
		want: []string{ws("GET /team-a/schemas/plugins/no-such-plugin"), ws("GET /team-a/kong")}},

	// kong_info
	{name: "info one service with consumers", def: konginfo.Definition,
		args: map[string]any{"service": "orders", "consumers": []any{"alice", "bob", "ghost"}, "drop_defaults": true, "missing": "ignore"},
		want: []string{ws("GET /team-a/services/orders"), ws("GET /team-a/consumers/alice"), ws("GET /team-a/consumers/ghost"), ws("GET /team-a/schemas/services")}},
	{name: "info all services", def: konginfo.Definition,
		args: map[string]any{"all_services": true, "include_secrets": true},
		want: []string{ws("GET /team-a/services?")}},

	// deletes
	{name: "plugin delete", def: kongplugin.Definition,
		args: map[string]any{"name": "rate-limiting", "service": "orders", "state": "absent"},
		want: []string{ws("DELETE /team-a/plugins/")}},
	{name: "plugin delete check mode", def: kongplugin.Definition,
		args: map[string]any{"name": "request-termination", "consumer": "alice", "state": "absent", checkMode: true}},
	{name: "credential delete", def: kongconsumercredential.Definition,
		args: map[string]any{"consumer": "alice", "type": "basic-auth", "username": "alice-basic", "state": "absent"}},
	{name: "consumer delete", def: kongconsumer.Definition,
		args: map[string]any{"username": "bob", "state": "absent"},
		want: []string{ws("DELETE /team-a/consumers/")}},
	{name: "route delete", def: kongroute.Definition,
		args: map[string]any{"name": "r1", "state": "absent"},
		want: []string{ws("DELETE /team-a/routes/")}},
	{name: "service delete refused while it has routes", def: kongservice.Definition,
		args: map[string]any{"name": "orders", "state": "absent"},
		fail: "cascade: true",
		want: []string{ws("GET /team-a/services/")}},
	{name: "service cascade delete check mode", def: kongservice.Definition,
		args: map[string]any{"name": "orders", "state": "absent", "cascade": true, checkMode: true, diffMode: true}},
	{name: "service cascade delete", def: kongservice.Definition,
		args: map[string]any{"name": "orders", "state": "absent", "cascade": true},
		want: []string{ws("DELETE /team-a/routes/"), ws("DELETE /team-a/services/")}},
	{name: "service delete no-op", def: kongservice.Definition,
		args: map[string]any{"name": "orders", "state": "absent"}},
	{name: "consumer cascade delete", def: kongconsumer.Definition,
		args: map[string]any{"username": "alice", "state": "absent"}},
}

// TestWorkspace_EveryRequestStaysInTheWorkspace runs every Kong module,
// in every path, with workspace: team-a and fails on any request that
// leaves /team-a/.
func TestWorkspace_EveryRequestStaysInTheWorkspace(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"3.9.3", "2.8.5"} {
		t.Run("kong "+version, func(t *testing.T) {
			t.Parallel()
			env := runWorkspaceSteps(t, version, workspaceSteps)
			assert.Nil(t, env.Get(t, "/services/orders"), "the lifecycle really ran (in the emulator behind the proxy)")
		})
	}
}

// runWorkspaceSteps runs steps in order with workspace: team-a against a
// fresh emulator of version behind a proxy that records every request:
// each step ends as it says (fail, fail28), sends requests, sends one
// matching each of its want (and want3 on Kong 3.x) patterns, and sends
// nothing outside /team-a/. It returns the emulator behind the proxy.
func runWorkspaceSteps(t *testing.T, version string, steps []wsStep) *kongtest.Env {
	t.Helper()
	env := kongtest.Start(t, kongemu.Options{Version: version})
	proxy, url := startWorkspaceProxy(t, env, "/"+workspace)
	env.Args = map[string]any{"admin_url": url, "workspace": workspace}

	v3 := strings.HasPrefix(version, "3.")
	for _, st := range steps {
		out := env.Run(st.def, st.args)
		sent := proxy.take()
		fail := st.fail
		if !v3 && st.fail28 != "" {
			fail = st.fail28
		}
		if fail == "" {
			require.NotEqual(t, true, out["failed"], "%s: %v (requests %v)", st.name, out["msg"], sent)
		} else {
			require.Equal(t, true, out["failed"], "%s must fail (requests %v)", st.name, sent)
			require.Contains(t, fmt.Sprint(out["msg"]), fail, st.name)
		}
		require.NotEmpty(t, sent, st.name)
		want := st.want
		if v3 {
			want = append(append([]string{}, want...), st.want3...)
		}
		for _, pattern := range want {
			re := regexp.MustCompile(pattern)
			found := false
			for _, s := range sent {
				found = found || re.MatchString(s)
			}
			assert.True(t, found, "%s: no request matches %s in %v", st.name, pattern, sent)
		}
		for _, s := range sent {
			assert.Regexp(t, `^[A-Z]+ /team-a/`, s, st.name)
		}
	}
	assert.Empty(t, proxy.escaped, "requests outside /%s/", workspace)
	return env
}

// TestWorkspace_ValuesThatLeaveThePrefixAreRefused: go-kong puts the
// workspace into the URL as it is, so a value that is not a Kong workspace
// name would send the requests elsewhere (".." and "team-a/.." to the
// default workspace once Kong normalises the path, "a?b" and "a#b" to
// GET /a). Such values fail before any request; any Kong workspace name,
// non-ASCII included, is used as the prefix.
func TestWorkspace_ValuesThatLeaveThePrefixAreRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		workspace string
		prefix    string // "" means refused before any request
	}{
		{workspace: ".."},
		{workspace: "."},
		{workspace: "team-a/.."},
		{workspace: "%2e%2e"},
		{workspace: "a/b"},
		{workspace: "a?b"},
		{workspace: "a#b"},
		{workspace: "team a"},
		{workspace: " team-a"},
		{workspace: "team-a/"},
		{workspace: "/team-a"},
		{workspace: "team-\u00e9\xff"},
		{workspace: "Team.A_1~x", prefix: "/Team.A_1~x"},
		{workspace: "\u00e9quipe-a", prefix: "/%C3%A9quipe-a"},
	}
	for _, tc := range tests {
		t.Run(tc.workspace, func(t *testing.T) {
			t.Parallel()
			env := kongtest.Start(t, kongemu.Options{})
			proxy, url := startWorkspaceProxy(t, env, tc.prefix)
			out := ansible.Execute(context.Background(), kongservice.Definition, map[string]any{
				"admin_url": url, "workspace": tc.workspace, "name": "orders", "host": "orders.test", "admin_retries": 0,
			})
			sent := proxy.take()
			if tc.prefix == "" {
				assert.Equal(t, true, out["failed"])
				assert.Contains(t, out["msg"], "is not a Kong workspace name")
				assert.Empty(t, sent, "refused before any request")
				return
			}
			require.NotEqual(t, true, out["failed"], "%v", out["msg"])
			assert.Equal(t, []string{"GET " + tc.prefix + "/services/orders", "PUT " + tc.prefix + "/services/orders"}, sent)
			assert.Empty(t, proxy.escaped)
		})
	}
}

// TestWorkspace_NodeInfoFailuresNameTheRequestSent: with a workspace the
// node's version is read from GET /<workspace>/kong, and a failure there
// names that request, not GET /.
func TestWorkspace_NodeInfoFailuresNameTheRequestSent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		body   string
		want   string
	}{
		{name: "refused", status: http.StatusForbidden, body: `{"message":"no permission"}`,
			want: "reading the Kong version (GET /team-a/kong) failed"},
		{name: "not Kong", status: http.StatusOK, body: `{"hello":"world"}`,
			want: `GET /team-a/kong did not return a Kong version (got "")`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			var sent []string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				sent = append(sent, r.Method+" "+r.URL.EscapedPath())
				mu.Unlock()
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			}))
			t.Cleanup(srv.Close)
			// A regex path makes kong_route read the version first.
			out := ansible.Execute(context.Background(), kongroute.Definition, map[string]any{
				"admin_url": srv.URL, "workspace": workspace, "name": "r", "paths": []any{`~/u/\d+$`},
			})
			assert.Equal(t, true, out["failed"])
			assert.Contains(t, out["msg"], tc.want)
			mu.Lock()
			defer mu.Unlock()
			assert.Equal(t, []string{"GET /team-a/kong"}, sent)
		})
	}
}
