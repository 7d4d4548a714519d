package kongdeclarative

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"platform.ops/modules-src/internal/kong/kongtest"
	"platform.ops/modules-src/internal/kong/predicttest"
	"platform.ops/tests/kongemu"
)

var versions = []string{"3.9.3", "2.8.5"}

// collections every test snapshots to prove that check mode writes nothing.
var collections = append(predicttest.DefaultCollections, "/upstreams", "/certificates", "/ca_certificates")

func requireOK(t testing.TB, out map[string]any) {
	t.Helper()
	require.NotEqual(t, true, out["failed"], "module failed: %v", out["msg"])
}

func shop(format string) map[string]any {
	return map[string]any{
		"_format_version": format,
		"services": []any{map[string]any{
			"name": "orders", "url": "http://orders.internal:8080/v1", "tags": []any{"shop"},
			"routes": []any{map[string]any{"name": "orders-api", "paths": []any{"/orders"}, "methods": []any{"GET", "POST"},
				"plugins": []any{map[string]any{"name": "cors", "config": map[string]any{"origins": []any{"https://shop.example"}}}}}},
			"plugins": []any{map[string]any{"name": "rate-limiting", "config": map[string]any{"minute": 20, "policy": "local"}}},
		}},
		"consumers": []any{map[string]any{
			"username": "frontend", "custom_id": "crm-1",
			"keyauth_credentials": []any{map[string]any{"key": "frontend-key-1234567"}},
			"acls":                []any{map[string]any{"group": "shoppers"}},
			"plugins":             []any{map[string]any{"name": "rate-limiting", "config": map[string]any{"hour": 1000}}},
		}},
		"plugins": []any{map[string]any{"name": "correlation-id"}},
	}
}

func apply(env *kongtest.Env, args map[string]any, flags ...string) map[string]any {
	all := map[string]any{}
	for k, v := range args {
		all[k] = v
	}
	for _, f := range flags {
		all["_ansible_"+f] = true
	}
	return env.Run(Definition, all)
}

func TestApply_CreatesThenNothingChanges(t *testing.T) {
	t.Parallel()
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			env := kongtest.Start(t, kongemu.Options{Version: v})
			first := apply(env, map[string]any{"state": shop("3.0")})
			requireOK(t, first)
			assert.Equal(t, true, first["changed"])
			summary := first["summary"].(map[string]any)
			for typ, n := range map[string]int{"services": 1, "routes": 1, "plugins": 4, "consumers": 1, "keyauth_credentials": 1, "acls": 1} {
				assert.EqualValues(t, n, summary[typ].(map[string]any)["created"], typ)
			}
			rl := env.Get(t, "/services/orders/plugins")["data"].([]any)[0].(map[string]any)
			assert.EqualValues(t, 20, rl["config"].(map[string]any)["minute"])
			assert.Equal(t, "https", env.Get(t, "/routes/orders-api")["protocols"].([]any)[1], "Kong's defaults fill what the state leaves out")

			env.Requests()
			again := apply(env, map[string]any{"state": shop("3.0")})
			requireOK(t, again)
			assert.Equal(t, false, again["changed"], "changes: %v", again["changes"])
			assert.Empty(t, again["changes"])
			for _, r := range env.Requests() {
				assert.True(t, strings.HasPrefix(r, "GET "), "a no-change run only reads: %s", r)
			}
		})
	}
}

// TestNoChange_OneListPerTypePlusSchemas: the request budget.
func TestNoChange_OneListPerTypePlusSchemas(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{})
	requireOK(t, apply(env, map[string]any{"state": benchState(50)}))
	env.Requests()
	requireOK(t, apply(env, map[string]any{"state": benchState(50)}))
	got := env.Requests()
	sort.Strings(got)
	assert.Equal(t, []string{
		"GET /", "GET /plugins", "GET /routes", "GET /schemas/plugins", "GET /schemas/plugins/rate-limiting",
		"GET /schemas/routes", "GET /schemas/services", "GET /services",
	}, got)
}

func TestFirstApply_OneWritePerEntity(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{})
	requireOK(t, apply(env, map[string]any{"state": benchState(20)}))
	writes := 0
	for _, r := range env.Requests() {
		if !strings.HasPrefix(r, "GET ") {
			writes++
		}
	}
	assert.Equal(t, 60, writes)
}

func TestCheckMode_WritesNothingAndPredicts(t *testing.T) {
	t.Parallel()
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			env := kongtest.Start(t, kongemu.Options{Version: v})
			args := map[string]any{"state": shop("3.0")}
			before := predicttest.Take(t, env, collections)
			check := apply(env, args, "check_mode", "diff")
			requireOK(t, check)
			assert.Equal(t, before, predicttest.Take(t, env, collections), "check mode wrote to Kong")
			real := apply(env, args, "diff")
			requireOK(t, real)
			for _, k := range []string{"changed", "summary", "changes", "diff"} {
				assert.Equal(t, jsonish(real[k]), jsonish(check[k]), "%s differs between check mode and the real run", k)
			}
		})
	}
}

func TestDiff_OnlyChangedFields(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{})
	requireOK(t, apply(env, map[string]any{"state": shop("3.0")}))
	changed := shop("3.0")
	svc := changed["services"].([]any)[0].(map[string]any)
	svc["routes"].([]any)[0].(map[string]any)["methods"] = []any{"GET"}
	svc["plugins"].([]any)[0].(map[string]any)["config"] = map[string]any{"minute": 30, "policy": "local"}
	out := apply(env, map[string]any{"state": changed}, "diff")
	requireOK(t, out)
	assert.Equal(t, []any{
		map[string]any{"type": "plugins", "name": "rate-limiting (service orders)", "path": "services[0].plugins[0]", "action": "update", "fields": []any{"config.minute"}},
		map[string]any{"type": "routes", "name": "orders-api", "path": "services[0].routes[0]", "action": "update", "fields": []any{"methods"}},
	}, jsonish(out["changes"]))
	diffs := jsonish(out["diff"]).([]any)
	require.Len(t, diffs, 2)
	byHeader := map[string]any{}
	for _, d := range diffs {
		m := d.(map[string]any)
		byHeader[m["before_header"].(string)] = map[string]any{"before": m["before"], "after": m["after"]}
	}
	assert.Equal(t, map[string]any{"before": map[string]any{"methods": []any{"GET", "POST"}}, "after": map[string]any{"methods": []any{"GET"}}},
		byHeader["route orders-api (update)"])
	assert.Equal(t, map[string]any{"before": map[string]any{"config": map[string]any{"minute": 20.0}}, "after": map[string]any{"config": map[string]any{"minute": 30.0}}},
		byHeader["plugin rate-limiting (service orders) (update)"])
}

func TestSecrets_NeverShown(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{})
	for _, flags := range [][]string{{"diff"}, {"diff", "check_mode"}} {
		out := apply(env, map[string]any{"state": shop("3.0")}, flags...)
		requireOK(t, out)
		b, _ := json.Marshal(out)
		assert.NotContains(t, string(b), "frontend-key-1234567")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "kong.json")
	state := shop("3.0")
	state["consumers"].([]any)[0].(map[string]any)["keyauth_credentials"] = []any{map[string]any{"key": "another-key-7654321"}}
	b, _ := json.Marshal(state)
	require.NoError(t, os.WriteFile(file, b, 0o600))
	out := apply(env, map[string]any{"src": []any{file}}, "diff")
	requireOK(t, out)
	b, _ = json.Marshal(out)
	assert.NotContains(t, string(b), "another-key-7654321", "a key read from a file is masked too")
	assert.Contains(t, string(b), "key-auth credential of consumer frontend", "what is not secret stays readable")
}

func TestPrune_OnlyTaggedUndeclared(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{})
	env.Send(t, http.MethodPut, "/services/not-ours", map[string]any{"host": "x.internal"})
	env.Send(t, http.MethodPut, "/services/ours-old", map[string]any{"host": "y.internal", "tags": []any{"team-a"}})
	env.Send(t, http.MethodPut, "/routes/ours-old-route", map[string]any{"paths": []any{"/old"}, "service": map[string]any{"name": "ours-old"}, "tags": []any{"team-a"}})
	args := map[string]any{"state": shop("3.0"), "select_tags": []any{"team-a"}, "prune": true}

	refused := apply(env, map[string]any{"state": shop("3.0"), "prune": true})
	assert.Equal(t, true, refused["failed"])
	assert.Contains(t, refused["msg"], "prune: true without select_tags would delete everything in Kong that this state does not declare")

	out := apply(env, args)
	requireOK(t, out)
	assert.Nil(t, env.Get(t, "/services/ours-old"), "tagged and undeclared: pruned")
	assert.Nil(t, env.Get(t, "/routes/ours-old-route"), "its route first")
	assert.NotNil(t, env.Get(t, "/services/not-ours"), "untagged: not ours, kept")
	assert.Equal(t, []any{"shop", "team-a"}, env.Get(t, "/services/orders")["tags"], "what the task writes carries the select tags")
	again := apply(env, args)
	requireOK(t, again)
	assert.Equal(t, false, again["changed"])

	// Without prune nothing is deleted (deck gateway apply).
	env.Send(t, http.MethodPut, "/services/extra", map[string]any{"host": "z.internal", "tags": []any{"team-a"}})
	args["prune"] = false
	requireOK(t, apply(env, args))
	assert.NotNil(t, env.Get(t, "/services/extra"))
}

func TestSelectTags_DoNotAdoptAnEntityOutsideThem(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{})
	env.Send(t, http.MethodPut, "/services/orders", map[string]any{"host": "someone-else.internal"})
	args := map[string]any{"state": shop("3.0"), "select_tags": []any{"team-a"}}
	for _, check := range []bool{true, false} {
		flags := []string{}
		if check {
			flags = append(flags, "check_mode")
		}
		out := apply(env, args, flags...)
		assert.Equal(t, true, out["failed"], "check=%v", check)
		assert.Contains(t, out["msg"], "an entity outside select_tags", "check=%v", check)
	}
	assert.Equal(t, "someone-else.internal", env.Get(t, "/services/orders")["host"], "not taken over")
}

func TestRename_ByID(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{})
	const id = "9f3c6b0e-1111-4222-8333-444455556666"
	state := map[string]any{"_format_version": "3.0", "services": []any{map[string]any{"id": id, "name": "old-name", "host": "a.internal"}}}
	requireOK(t, apply(env, map[string]any{"state": state}))
	state["services"].([]any)[0].(map[string]any)["name"] = "new-name"
	out := apply(env, map[string]any{"state": state}, "diff")
	requireOK(t, out)
	assert.Equal(t, []any{"name"}, jsonish(out["changes"]).([]any)[0].(map[string]any)["fields"])
	assert.Equal(t, id, env.Get(t, "/services/new-name")["id"])
	assert.Nil(t, env.Get(t, "/services/old-name"))
}

// TestPrune_FreesANameBeforeTheCreateThatTakesIt: a name moves from an
// entity the state no longer declares to a new one; the delete goes first.
func TestPrune_FreesANameBeforeTheCreateThatTakesIt(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{})
	env.Send(t, http.MethodPut, "/services/s1", map[string]any{"host": "a.internal", "tags": []any{"t"}})
	env.Send(t, http.MethodPut, "/routes/r1", map[string]any{"paths": []any{"/a"}, "service": map[string]any{"name": "s1"}, "tags": []any{"t"}})
	old := env.Get(t, "/routes/r1")["id"]
	const newID = "9f3c6b0e-2222-4222-8333-444455556666"
	state := map[string]any{"_format_version": "3.0", "services": []any{map[string]any{"name": "s1", "host": "a.internal",
		"routes": []any{map[string]any{"id": newID, "name": "r1", "paths": []any{"/a"}}}}}}
	out := apply(env, map[string]any{"state": state, "select_tags": []any{"t"}, "prune": true})
	requireOK(t, out)
	assert.Equal(t, newID, env.Get(t, "/routes/r1")["id"])
	assert.NotEqual(t, old, newID)
}

func TestDeckDump_AcceptedAsIs(t *testing.T) {
	t.Parallel()
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			// decK 1.4.0's dump of a Kong of that version (services, routes
			// with a regex path, plugins, consumers with every credential).
			file, err := filepath.Abs("testdata/deck-dump-" + v + ".yaml")
			require.NoError(t, err)
			env := kongtest.Start(t, kongemu.Options{Version: v})
			first := apply(env, map[string]any{"src": []any{file}})
			requireOK(t, first)
			assert.Equal(t, true, first["changed"])
			again := apply(env, map[string]any{"src": []any{file}})
			requireOK(t, again)
			assert.Equal(t, false, again["changed"], "changes: %v", again["changes"])
			paths := env.Get(t, "/routes/orders-by-id")["paths"].([]any)
			if v == "3.9.3" {
				assert.Equal(t, `~/orders/\d+$`, paths[0])
			} else {
				assert.Equal(t, `/orders/\d+$`, paths[0])
			}
		})
	}
}

func TestFormat11_RegexPathsGetTheTildeOnKong3(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{})
	state := map[string]any{"_format_version": "1.1", "routes": []any{map[string]any{"name": "r", "paths": []any{`/users/\d+$`, "/plain"}}}}
	requireOK(t, apply(env, map[string]any{"state": state}))
	assert.ElementsMatch(t, []any{`~/users/\d+$`, "/plain"}, env.Get(t, "/routes/r")["paths"])
	again := apply(env, map[string]any{"state": state})
	requireOK(t, again)
	assert.Equal(t, false, again["changed"])
}

func TestBadState_NamesThePathAndWritesNothing(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{})
	tests := []struct {
		name  string
		state map[string]any
		msg   []string
	}{
		{"unknown route field", map[string]any{"_format_version": "3.0", "services": []any{
			map[string]any{"name": "a", "host": "a.internal"},
			map[string]any{"name": "b", "host": "b.internal", "routes": []any{map[string]any{"name": "r", "pathz": []any{"/x"}}}}}},
			[]string{"services[1].routes[0].pathz: unknown field of a route (did you mean paths?)", "nothing was changed"}},
		{"unknown top-level key", map[string]any{"_format_version": "3.0", "service": []any{}},
			[]string{"service: unknown key (did you mean services?)"}},
		{"missing format", map[string]any{"services": []any{}}, []string{"_format_version: missing"}},
		{"bad format", map[string]any{"_format_version": "2.0"}, []string{`_format_version: got "2.0", expected one of "1.1", "3.0"`}},
		{"unknown plugin config key", map[string]any{"_format_version": "3.0", "plugins": []any{
			map[string]any{"name": "rate-limiting", "config": map[string]any{"minut": 5}}}},
			[]string{"plugins[0].config.minut: unknown field (did you mean minute?)"}},
		{"unknown plugin", map[string]any{"_format_version": "3.0", "plugins": []any{map[string]any{"name": "rate-limitting"}}},
			[]string{`plugins[0].name: plugin "rate-limitting" is not installed`, "did you mean rate-limiting?"}},
		{"ref to nowhere", map[string]any{"_format_version": "3.0", "routes": []any{map[string]any{"name": "r", "paths": []any{"/a"}, "service": map[string]any{"name": "nope"}}}},
			[]string{`routes[0].service: service "nope" is neither declared in the state nor held by Kong`}},
		{"duplicate", map[string]any{"_format_version": "3.0", "services": []any{
			map[string]any{"name": "a", "host": "a.internal"}, map[string]any{"name": "a", "host": "b.internal"}}},
			[]string{"services[1]: declares the service of services[0] again (name:a)"}},
		{"a nested entity naming its parent", map[string]any{"_format_version": "3.0", "services": []any{
			map[string]any{"name": "a", "host": "a.internal", "routes": []any{map[string]any{"name": "r", "paths": []any{"/a"}, "service": "a"}}}}},
			[]string{"services[0].routes[0].service: a route nested under a service belongs to it: remove service"}},
		{"kong rejects a value", map[string]any{"_format_version": "3.0", "services": []any{map[string]any{"name": "a", "host": "a.internal", "port": 99999}}},
			[]string{"services[0]: ", "service \"a\"", "failed: Kong answered HTTP 400: schema violation (port: value should be between 0 and 65535)"}},
	}
	for _, tc := range tests {
		for _, check := range []bool{true, false} {
			flags := []string{}
			if check {
				flags = append(flags, "check_mode")
			}
			before := predicttest.Take(t, env, collections)
			out := apply(env, map[string]any{"state": tc.state}, flags...)
			assert.Equal(t, true, out["failed"], "%s (check=%v)", tc.name, check)
			for _, m := range tc.msg {
				assert.Contains(t, out["msg"], m, "%s (check=%v)", tc.name, check)
			}
			assert.Equal(t, before, predicttest.Take(t, env, collections), "%s (check=%v): nothing written", tc.name, check)
		}
	}
}

func TestFault_MidRun_RerunCompletesWithoutDuplicates(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{})
	state := benchState(30)
	// The 6th plugin create fails for good (Kong answers 400).
	env.FailNext(http.MethodPost, "/plugins", http.StatusBadRequest, 1, nil)
	failed := apply(env, map[string]any{"state": state})
	assert.Equal(t, true, failed["failed"])
	assert.Contains(t, failed["msg"], "a rerun finishes the job")
	notWritten := failed["not_written"].([]any)
	require.NotEmpty(t, notWritten)
	written := len(jsonish(failed["changes"]).([]any))
	assert.Equal(t, 90, written+len(notWritten), "every planned write is either written or not written")
	assert.Less(t, len(env.Get(t, "/plugins")["data"].([]any)), 30, "no new write started after the failure")

	again := apply(env, map[string]any{"state": state})
	requireOK(t, again)
	assert.Len(t, env.Get(t, "/plugins")["data"].([]any), 30, "the rerun finished: one plugin per service, no duplicate")
	last := apply(env, map[string]any{"state": state})
	requireOK(t, last)
	assert.Equal(t, false, last["changed"])
}

func TestUnknownOutcome_IsReadBackNotRepeated(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{})
	// The first plugin POST reaches Kong, which applies it, but the answer
	// never comes back: the connection is dropped.
	env.DropAnswerNext(http.MethodPost, "/plugins", 1)
	out := apply(env, map[string]any{"state": benchState(3)})
	requireOK(t, out)
	posts := 0
	for _, r := range env.Requests() {
		if r == "POST /plugins" {
			posts++
		}
	}
	assert.Equal(t, 3, posts, "the lost answer's POST was not sent again: it was read back")
	assert.Len(t, env.Get(t, "/plugins")["data"].([]any), 3)
}

func TestWorkspace_FromTheState(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{Enterprise: true})
	env.Send(t, http.MethodPost, "/workspaces", map[string]any{"name": "team-a"})
	state := map[string]any{"_format_version": "3.0", "_workspace": "team-a", "services": []any{map[string]any{"name": "s", "host": "a.internal"}}}
	requireOK(t, apply(env, map[string]any{"state": state}))
	assert.NotNil(t, env.Get(t, "/team-a/services/s"))
	assert.Nil(t, env.Get(t, "/services/s"))
	out := apply(env, map[string]any{"state": state, "workspace": "other"})
	assert.Equal(t, true, out["failed"])
	assert.Contains(t, out["msg"], `the state's _workspace is "team-a" but the task's workspace is "other"`)
}

func TestSrc_FilesMergedLikeDeck(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{})
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
		return p
	}
	a := write("a.yaml", "_format_version: \"3.0\"\nservices:\n  - name: a\n    host: a.internal\n")
	b := write("b.yaml", "_format_version: \"3.0\"\nroutes:\n  - name: r\n    paths: [/r]\n    service: {name: a}\n")
	c := write("c.yaml", "_format_version: \"1.1\"\n")
	requireOK(t, apply(env, map[string]any{"src": []any{a, b}}))
	assert.NotNil(t, env.Get(t, "/routes/r"))
	out := apply(env, map[string]any{"src": []any{a, c}})
	assert.Equal(t, true, out["failed"])
	assert.Contains(t, out["msg"], fmt.Sprintf(`%s: _format_version: "1.1" differs from "3.0" in an earlier document`, c))
}

func jsonish(v any) any {
	b, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

// otherEntities is a state with every other entity type the single modules
// manage: an upstream with targets, a certificate with SNIs that a service
// presents as client certificate, a CA certificate it trusts, and on Kong
// 3.x a vault and a key set with a key.
func otherEntities(t *testing.T, kong3 bool) map[string]any {
	cert := kongtest.NewCert(t, false, "api.example.test", "www.example.test")
	ca := kongtest.NewCA(t, "Example CA")
	const certID, caID = "9f3c6b0e-3333-4222-8333-444455556666", "9f3c6b0e-4444-4222-8333-444455556666"
	state := map[string]any{
		"_format_version": "3.0",
		"upstreams": []any{map[string]any{"name": "orders-backend", "algorithm": "least-connections",
			"healthchecks": map[string]any{"active": map[string]any{"timeout": 2.5, "healthy": map[string]any{"interval": 5}}},
			"targets":      []any{map[string]any{"target": "orders-1.internal"}, map[string]any{"target": "orders-2.internal:8080", "weight": 50}}}},
		"certificates":    []any{map[string]any{"id": certID, "cert": cert.Cert, "key": cert.Key, "snis": []any{map[string]any{"name": "api.example.test"}}}},
		"ca_certificates": []any{map[string]any{"id": caID, "cert": ca.Cert}},
		"services": []any{map[string]any{"name": "orders", "host": "orders-backend", "protocol": "https", "port": 443,
			"client_certificate": certID, "ca_certificates": []any{caID}, "tls_verify": true}},
	}
	if kong3 {
		key := kongtest.NewKeyPair(t, "signing-1")
		state["vaults"] = []any{map[string]any{"prefix": "env-secrets", "name": "env", "config": map[string]any{"prefix": "APP_"}}}
		state["key_sets"] = []any{map[string]any{"name": "signing"}}
		state["keys"] = []any{map[string]any{"name": "signing-1", "kid": "signing-1", "jwk": key.JWK, "set": map[string]any{"name": "signing"}}}
	}
	return state
}

func TestOtherEntities_ApplyCheckAndPrune(t *testing.T) {
	t.Parallel()
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			env := kongtest.Start(t, kongemu.Options{Version: v})
			state := otherEntities(t, v == "3.9.3")
			args := map[string]any{"state": state, "select_tags": []any{"infra"}, "prune": true}
			before := predicttest.Take(t, env, collections)
			check := apply(env, args, "check_mode", "diff")
			requireOK(t, check)
			assert.Equal(t, before, predicttest.Take(t, env, collections), "check mode wrote to Kong")
			real := apply(env, args, "diff")
			requireOK(t, real)
			for _, k := range []string{"changed", "summary", "changes", "diff"} {
				assert.Equal(t, jsonish(real[k]), jsonish(check[k]), "%s: check mode predicts the real run", k)
			}
			summary := real["summary"].(map[string]any)
			assert.EqualValues(t, 2, summary["targets"].(map[string]any)["created"])
			assert.EqualValues(t, 1, summary["certificates"].(map[string]any)["created"])
			targets := env.Get(t, "/upstreams/orders-backend/targets")["data"].([]any)
			require.Len(t, targets, 2)
			svc := env.Get(t, "/services/orders")
			assert.Equal(t, map[string]any{"id": "9f3c6b0e-3333-4222-8333-444455556666"}, svc["client_certificate"])
			assert.Equal(t, []any{"api.example.test"}, env.Get(t, "/certificates/9f3c6b0e-3333-4222-8333-444455556666")["snis"])
			b, _ := json.Marshal(real)
			assert.NotContains(t, string(b), "PRIVATE KEY", "private keys never shown")

			again := apply(env, args)
			requireOK(t, again)
			assert.Equal(t, false, again["changed"], "%v", again["changes"])

			// One target less: pruned (targets are read per upstream).
			up := state["upstreams"].([]any)[0].(map[string]any)
			up["targets"] = up["targets"].([]any)[:1]
			pruned := apply(env, args)
			requireOK(t, pruned)
			assert.EqualValues(t, 1, pruned["summary"].(map[string]any)["targets"].(map[string]any)["deleted"])
			assert.Len(t, env.Get(t, "/upstreams/orders-backend/targets")["data"].([]any), 1)
		})
	}
}

func TestVault_RefusedOnKong28(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{Version: "2.8.5"})
	out := apply(env, map[string]any{"state": map[string]any{"_format_version": "3.0",
		"vaults": []any{map[string]any{"prefix": "env-secrets", "name": "env"}}}})
	assert.Equal(t, true, out["failed"])
	assert.Contains(t, out["msg"], "vaults[0]: vault needs Kong 3.0 or newer")
}

// TestStringsTypedBySchema: Ansible's templating writes a number or a
// boolean inside a dict as a string ("{{ port }}" gives "8080"); the state
// is typed by Kong's schemas, in check mode as in the real run, so Kong
// gets numbers and a rerun sees no change.
func TestStringsTypedBySchema(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{})
	state := map[string]any{"_format_version": "3.0",
		"services": []any{map[string]any{"name": "s", "host": "a.internal", "port": "8080", "retries": "3",
			"routes":  []any{map[string]any{"name": "r", "paths": []any{"/a"}, "strip_path": "false"}},
			"plugins": []any{map[string]any{"name": "rate-limiting", "config": map[string]any{"minute": "20"}}}}},
		"upstreams": []any{map[string]any{"name": "u", "targets": []any{map[string]any{"target": "t.internal", "weight": "30"}}}},
	}
	check := apply(env, map[string]any{"state": state}, "check_mode")
	requireOK(t, check)
	requireOK(t, apply(env, map[string]any{"state": state}))
	assert.EqualValues(t, 8080, env.Get(t, "/services/s")["port"])
	assert.Equal(t, false, env.Get(t, "/routes/r")["strip_path"])
	assert.EqualValues(t, 30, env.Get(t, "/upstreams/u/targets")["data"].([]any)[0].(map[string]any)["weight"])
	again := apply(env, map[string]any{"state": state})
	requireOK(t, again)
	assert.Equal(t, false, again["changed"], "%v", again["changes"])

	state["services"].([]any)[0].(map[string]any)["port"] = "eighty"
	bad := apply(env, map[string]any{"state": state})
	assert.Equal(t, true, bad["failed"])
	assert.Contains(t, bad["msg"], `services[0].port must be an integer, got "eighty"`)
}

// TestDiff_RefOutsideTheTagsByName: a route of the state on a service Kong
// holds outside the select tags shows that service by name in its diff.
func TestDiff_RefOutsideTheTagsByName(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{})
	env.Send(t, http.MethodPut, "/services/legacy", map[string]any{"host": "legacy.internal"})
	state := map[string]any{"_format_version": "3.0", "routes": []any{map[string]any{"name": "r", "paths": []any{"/r"}, "service": map[string]any{"name": "legacy"}}}}
	out := apply(env, map[string]any{"state": state, "select_tags": []any{"team"}}, "diff")
	requireOK(t, out)
	after := jsonish(out["diff"]).([]any)[0].(map[string]any)["after"].(map[string]any)
	assert.Equal(t, map[string]any{"name": "legacy"}, after["service"])
}
