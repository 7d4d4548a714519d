package kongroute

import (
	"testing"

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

// startWithService runs an emulator holding service "svc".
func startWithService(t *testing.T, version string) (*kongtest.Env, string) {
	t.Helper()
	env := kongtest.Start(t, kongemu.Options{Version: version})
	svc := env.Send(t, "PUT", "/services/svc", map[string]any{"host": "upstream.test"})
	env.Requests()
	return env, svc["id"].(string)
}

func TestLifecycle(t *testing.T) {
	t.Parallel()
	for _, version := range kongVersions {
		t.Run("kong "+version, func(t *testing.T) {
			t.Parallel()
			env, svcID := startWithService(t, version)
			base := map[string]any{"name": "r", "service": "svc", "paths": []any{"/test"},
				"methods": []any{"GET", "POST"}, "strip_path": true, "tags": []any{"b", "a"}}

			created := env.Run(Definition, base)
			requireOK(t, created)
			assert.Equal(t, true, created["changed"])
			assert.Equal(t, "create", created["operation"])
			route := created["route"].(map[string]any)
			assert.Equal(t, map[string]any{"id": svcID}, route["service"], "the service name is resolved to its id")
			assert.Equal(t, []any{"/test"}, route["paths"])
			assert.Equal(t, []any{"http", "https"}, route["protocols"], "Kong's default is returned")
			assert.Equal(t, []string{"PUT /routes/r"}, writes(env.Requests()), "created with an idempotent PUT by name")

			again := env.Run(Definition, merge(base, map[string]any{"methods": []any{"POST", "GET", "GET"}, "tags": []any{"a", "b"}}))
			requireOK(t, again)
			assert.Equal(t, false, again["changed"], "set order and duplicates are not a change: %v", again["changes"])
			assert.Equal(t, []any{}, again["changes"])
			assert.Equal(t, []string{"GET /services/svc", "GET /routes/r"}, env.Requests(), "a no-change run with plain paths is two GETs")

			held := env.Get(t, "/routes/r")
			preview := env.Run(Definition, map[string]any{"name": "r", "methods": []any{"GET"}, "_ansible_check_mode": true, "_ansible_diff": true})
			requireOK(t, preview)
			assert.Equal(t, true, preview["changed"])
			assert.Equal(t, []any{"methods"}, preview["changes"])
			assert.Equal(t, map[string]any{
				"before": map[string]any{"name": "r", "methods": []any{"GET", "POST"}},
				"after":  map[string]any{"name": "r", "methods": []any{"GET"}},
			}, preview["diff"], "the diff shows only the fields the task manages")
			assert.Equal(t, []string{"POST /schemas/routes/validate"}, writes(env.Requests()), "check mode validates and writes nothing")
			assert.Equal(t, held, env.Get(t, "/routes/r"), "check mode wrote nothing")

			updated := env.Run(Definition, map[string]any{"name": "r", "methods": []any{"GET"}, "_ansible_diff": true})
			requireOK(t, updated)
			assert.Equal(t, true, updated["changed"])
			assert.Equal(t, []any{"methods"}, updated["changes"])
			assert.Equal(t, []string{"PATCH /routes/" + route["id"].(string)}, writes(env.Requests()))
			after := env.Get(t, "/routes/r")
			assert.Equal(t, []any{"GET"}, after["methods"])
			for _, f := range []string{"paths", "protocols", "service", "strip_path", "tags", "created_at", "id"} {
				assert.Equal(t, held[f], after[f], "%s is untouched by a change of methods", f)
			}

			rerun := env.Run(Definition, map[string]any{"name": "r", "methods": []any{"GET"}})
			requireOK(t, rerun)
			assert.Equal(t, false, rerun["changed"])

			deleted := env.Run(Definition, map[string]any{"name": "r", "state": "absent", "_ansible_diff": true})
			requireOK(t, deleted)
			assert.Equal(t, true, deleted["changed"])
			assert.Equal(t, "delete", deleted["operation"])
			assert.Nil(t, env.Get(t, "/routes/r"))
			assert.NotNil(t, env.Get(t, "/services/svc"), "deleting a route leaves its service")
			deletedAgain := env.Run(Definition, map[string]any{"name": "r", "state": "absent"})
			requireOK(t, deletedAgain)
			assert.Equal(t, false, deletedAgain["changed"])
			assert.Equal(t, "none", deletedAgain["operation"])
		})
	}
}

func TestEveryField_CreateThenNoChange(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		create map[string]any
		rerun  map[string]any
	}{
		{"http fields", map[string]any{
			"protocols": []any{"https", "http"}, "methods": []any{"GET"}, "hosts": []any{"a.test", "*.b.test"},
			"paths": []any{"/a", "/b"}, "headers": map[string]any{"x-v": []any{"1", "2"}, "x-w": "z"},
			"strip_path": false, "preserve_host": true, "path_handling": "v1", "regex_priority": 3,
			"https_redirect_status_code": 301, "request_buffering": false, "response_buffering": false,
			"tags": []any{"t1", "t2"}, "snis": []any{"a.test"},
		}, map[string]any{
			"protocols": []any{"http", "https"}, "methods": []any{"GET"}, "hosts": []any{"*.b.test", "a.test"},
			"paths": []any{"/b", "/a"}, "headers": map[string]any{"x-v": []any{"2", "1"}, "x-w": []any{"z"}},
			"strip_path": "no", "preserve_host": "yes", "path_handling": "v1", "regex_priority": "3",
			"https_redirect_status_code": "301", "request_buffering": false, "response_buffering": false,
			"tags": []any{"t2", "t1", "t1"}, "snis": []any{"a.test"},
		}},
		{"server defaults given explicitly", map[string]any{"paths": []any{"/a"}}, map[string]any{
			"paths": []any{"/a"}, "protocols": []any{"http", "https"}, "strip_path": true, "preserve_host": false,
			"path_handling": "v0", "regex_priority": 0, "https_redirect_status_code": 426,
			"request_buffering": true, "response_buffering": true, "tags": []any{},
		}},
		{"stream sources and destinations", map[string]any{
			"protocols":    []any{"tcp"},
			"sources":      []any{map[string]any{"ip": "10.0.0.0/8"}, map[string]any{"ip": "192.168.1.1", "port": 1234}},
			"destinations": []any{map[string]any{"port": 5432}},
		}, map[string]any{
			"protocols":    []any{"tcp"},
			"sources":      []any{map[string]any{"ip": "192.168.1.1", "port": "1234"}, map[string]any{"ip": "10.0.0.0/8"}},
			"destinations": []any{map[string]any{"port": 5432}},
		}},
		{"grpc route", map[string]any{"protocols": []any{"grpc"}, "paths": []any{"/pkg.Svc/"}, "strip_path": false},
			map[string]any{"protocols": []any{"grpc"}, "paths": []any{"/pkg.Svc/"}}},
	}
	for _, version := range kongVersions {
		for _, tc := range tests {
			t.Run(version+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				env, _ := startWithService(t, version)
				first := env.Run(Definition, merge(map[string]any{"name": "r", "service": "svc"}, tc.create))
				requireOK(t, first)
				assert.Equal(t, true, first["changed"])
				route := first["route"].(map[string]any)
				for k, v := range tc.create {
					if k == "headers" || k == "sources" || k == "destinations" || k == "protocols" || k == "hosts" {
						continue // compared below as sets / Kong's forms
					}
					assert.EqualValues(t, normalize(v), route[k], "field %s", k)
				}
				second := env.Run(Definition, merge(map[string]any{"name": "r", "service": "svc"}, tc.rerun))
				requireOK(t, second)
				assert.Equal(t, false, second["changed"], "changes: %v", second["changes"])
				assert.Empty(t, writes(env.Requests())[1:], "only the first task wrote")
			})
		}
	}
}

// normalize turns ints into float64, as JSON decoding does.
func normalize(v any) any {
	switch t := v.(type) {
	case int:
		return float64(t)
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = normalize(e)
		}
		return out
	case map[string]any:
		out := map[string]any{}
		for k, e := range t {
			out[k] = normalize(e)
		}
		return out
	}
	return v
}

func TestHeadersAndSourcesStoredInKongsForm(t *testing.T) {
	t.Parallel()
	env, _ := startWithService(t, "3.9.3")
	requireOK(t, env.Run(Definition, map[string]any{"name": "h", "service": "svc", "headers": map[string]any{"x-v": "1"}}))
	assert.Equal(t, map[string]any{"x-v": []any{"1"}}, env.Get(t, "/routes/h")["headers"])
	requireOK(t, env.Run(Definition, map[string]any{"name": "s", "service": "svc", "protocols": []any{"tcp"},
		"sources": []any{map[string]any{"ip": "10.0.0.1"}}}))
	assert.Equal(t, []any{map[string]any{"ip": "10.0.0.1", "port": nil}}, env.Get(t, "/routes/s")["sources"], "Kong fills the unset port with null")

	changed := env.Run(Definition, map[string]any{"name": "h", "headers": map[string]any{"x-v": []any{"1", "2"}}})
	requireOK(t, changed)
	assert.Equal(t, []any{"headers"}, changed["changes"])
	assert.ElementsMatch(t, []any{"1", "2"}, env.Get(t, "/routes/h")["headers"].(map[string]any)["x-v"])
}

func TestRegexPaths(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		version  string
		path     string
		stored   string
		warnings []any
	}{
		{"3.x keeps a ~ regex", "3.9.3", `~/users/\d+$`, `~/users/\d+$`, nil},
		{"3.x plain prefix", "3.9.3", "/users", "/users", nil},
		{"3.x warns about a plain path 2.8 would read as a regex", "3.9.3", "/v1/(a|b)", "/v1/(a|b)", []any{
			`path "/v1/(a|b)" contains ( ) |, which Kong 2.8 would read as a regular expression; Kong 3.x matches it as a plain prefix. Write "~/v1/(a|b)" if you mean a regex`}},
		{"2.8 strips the ~ of a real regex silently", "2.8.5", `~/users/\d+$`, `/users/\d+$`, nil},
		{"2.8 warns when the regex becomes a prefix", "2.8.5", "~/users", "/users", []any{
			`regex path "~/users" is sent to Kong 2.8 as "/users" (2.8 has no "~" prefix): it has no regex characters, so Kong 2.8 matches it as a plain prefix (regex_priority does not apply to it)`}},
		{"2.8 warns that a dot becomes literal", "2.8.5", "~/v1.0", "/v1.0", []any{
			`regex path "~/v1.0" is sent to Kong 2.8 as "/v1.0" (2.8 has no "~" prefix): it has no other regex characters, so Kong 2.8 matches it as a plain prefix where "." is a literal dot, not any character`}},
		{"2.8 warns that a plain path with regex characters is a regex", "2.8.5", "/v1/(a|b)", "/v1/(a|b)", []any{
			`path "/v1/(a|b)" contains ( ) |, so Kong 2.8 reads it as a regular expression, not a plain prefix (Kong 3.x would match it literally unless written "~/v1/(a|b)")`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env, _ := startWithService(t, tc.version)
			args := map[string]any{"name": "r", "service": "svc", "paths": []any{tc.path}}
			out := env.Run(Definition, args)
			requireOK(t, out)
			if tc.warnings == nil {
				assert.Empty(t, out["warnings"])
			} else {
				assert.Equal(t, tc.warnings, out["warnings"])
			}
			assert.Equal(t, []any{tc.stored}, env.Get(t, "/routes/r")["paths"])
			again := env.Run(Definition, args)
			requireOK(t, again)
			assert.Equal(t, false, again["changed"], "the translated path compares equal to what Kong holds")
		})
	}
}

func TestKongRejection_SurfacesMessageStatusAndFields(t *testing.T) {
	t.Parallel()
	messages := map[string]string{
		"3.9.3": "should start with: / (fixed path) or ~/ (regex path)",
		"2.8.5": "should start with: /",
	}
	for _, version := range kongVersions {
		for _, check := range []bool{false, true} {
			t.Run(version, func(t *testing.T) {
				t.Parallel()
				env, _ := startWithService(t, version)
				out := env.Run(Definition, map[string]any{"name": "r", "service": "svc", "paths": []any{"/ok", "no-slash"}, "_ansible_check_mode": check})
				assert.Equal(t, true, out["failed"])
				assert.Equal(t, false, out["changed"])
				assert.Contains(t, out["msg"], "schema violation (paths.2: "+messages[version]+")")
				assert.EqualValues(t, 400, out["status"])
				assert.Equal(t, map[string]any{"paths.2": messages[version]}, out["fields"])
				if check {
					assert.Contains(t, out["msg"], `validating route "r" (check mode) failed`)
				} else {
					assert.Contains(t, out["msg"], `creating route "r" failed: Kong answered HTTP 400`)
				}
				assert.Nil(t, env.Get(t, "/routes/r"))
			})
		}
	}
}

func TestEntityCheckRejected(t *testing.T) {
	t.Parallel()
	env, _ := startWithService(t, "3.9.3")
	out := env.Run(Definition, map[string]any{"name": "r", "service": "svc", "protocols": []any{"tcp"}, "paths": []any{"/a"}, "destinations": []any{map[string]any{"port": 1}}})
	assert.Equal(t, true, out["failed"])
	assert.Contains(t, out["msg"], "cannot set 'paths' when 'protocols' is 'tcp', 'tls', 'tls_passthrough' or 'udp'")
}

func TestExpressionsRouterOnly(t *testing.T) {
	t.Parallel()
	for version, flavor := range map[string]string{"3.9.3": "traditional_compatible", "2.8.5": "traditional"} {
		env, _ := startWithService(t, version)
		out := env.Run(Definition, map[string]any{"name": "r", "service": "svc", "expression": `http.path ^= "/a"`, "priority": 5})
		assert.Equal(t, true, out["failed"])
		assert.Equal(t, "expression and priority need Kong's expressions router (router_flavor = expressions, Kong 3.x), but this node runs Kong "+version+
			" with router_flavor "+flavor+": use paths, hosts, methods, headers and snis instead", out["msg"])
		assert.Nil(t, env.Get(t, "/routes/r"))
	}
}

func TestService_ByIDAndMove(t *testing.T) {
	t.Parallel()
	env, svcID := startWithService(t, "2.8.5")
	other := env.Send(t, "PUT", "/services/other", map[string]any{"host": "other.test"})

	requireOK(t, env.Run(Definition, map[string]any{"name": "r", "service": svcID, "paths": []any{"/a"}}))
	same := env.Run(Definition, map[string]any{"name": "r", "service": "svc"})
	requireOK(t, same)
	assert.Equal(t, false, same["changed"], "a service by name or by id is the same service")

	moved := env.Run(Definition, map[string]any{"name": "r", "service": "other", "_ansible_diff": true})
	requireOK(t, moved)
	assert.Equal(t, []any{"service.id"}, moved["changes"])
	assert.Equal(t, map[string]any{"id": other["id"]}, env.Get(t, "/routes/r")["service"])
}

func TestService_Missing(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{})
	out := env.Run(Definition, map[string]any{"name": "r", "service": "nope", "paths": []any{"/a"}})
	assert.Equal(t, true, out["failed"])
	assert.Equal(t, `service "nope" of route "r" does not exist: create it first (platform.ops.kong_service) or fix the name`, out["msg"])

	check := env.Run(Definition, map[string]any{"name": "r", "service": "nope", "paths": []any{"/a"}, "_ansible_check_mode": true, "_ansible_diff": true})
	requireOK(t, check)
	assert.Equal(t, true, check["changed"])
	assert.Equal(t, "create", check["operation"])
	assert.Equal(t, []any{`service "nope" of route "r" does not exist (check mode): assuming an earlier task creates it; otherwise this task fails in a real run`}, check["warnings"])
	assert.Nil(t, env.Get(t, "/routes/r"))
}

func TestStrict(t *testing.T) {
	t.Parallel()
	env, _ := startWithService(t, "3.9.3")
	requireOK(t, env.Run(Definition, map[string]any{"name": "r", "service": "svc", "paths": []any{"/a"}, "hosts": []any{"h.test"}, "tags": []any{"x"}, "preserve_host": true}))

	partial := env.Run(Definition, map[string]any{"name": "r", "paths": []any{"/a"}})
	requireOK(t, partial)
	assert.Equal(t, false, partial["changed"], "without strict, unmentioned fields are left alone")

	strict := env.Run(Definition, map[string]any{"name": "r", "service": "svc", "paths": []any{"/a"}, "strict": true})
	requireOK(t, strict)
	assert.Equal(t, []any{"hosts", "preserve_host", "tags"}, strict["changes"])
	held := env.Get(t, "/routes/r")
	assert.Nil(t, held["hosts"])
	assert.Equal(t, false, held["preserve_host"])
	assert.Equal(t, "r", held["name"], "strict never resets the name")

	again := env.Run(Definition, map[string]any{"name": "r", "service": "svc", "paths": []any{"/a"}, "strict": true})
	requireOK(t, again)
	assert.Equal(t, false, again["changed"], "changes: %v", again["changes"])

	detached := env.Run(Definition, map[string]any{"name": "r", "paths": []any{"/a"}, "strict": true})
	requireOK(t, detached)
	assert.Equal(t, []any{"service"}, detached["changes"], "strict without service detaches the route (as documented)")
	assert.Nil(t, env.Get(t, "/routes/r")["service"])
}

func TestSelectByID_Renames(t *testing.T) {
	t.Parallel()
	env, _ := startWithService(t, "3.9.3")
	created := env.Run(Definition, map[string]any{"name": "old", "service": "svc", "paths": []any{"/a"}})
	requireOK(t, created)
	id := created["route"].(map[string]any)["id"].(string)
	renamed := env.Run(Definition, map[string]any{"id": id, "name": "new"})
	requireOK(t, renamed)
	assert.Equal(t, []any{"name"}, renamed["changes"])
	assert.Equal(t, id, env.Get(t, "/routes/new")["id"])
	assert.Nil(t, env.Get(t, "/routes/old"))
}
