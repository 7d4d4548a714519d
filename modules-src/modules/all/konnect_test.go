package all

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong/kongtest"
	kongconsumer "platform.ops/modules-src/modules/kong_consumer"
	kongcredential "platform.ops/modules-src/modules/kong_consumer_credential"
	konginfo "platform.ops/modules-src/modules/kong_info"
	kongplugin "platform.ops/modules-src/modules/kong_plugin"
	kongroute "platform.ops/modules-src/modules/kong_route"
	kongservice "platform.ops/modules-src/modules/kong_service"
)

// konnectStep is one module task against the Konnect emulator.
type konnectStep struct {
	name    string
	def     *ansible.Definition
	args    map[string]any
	changed bool
	// check: the step runs in check mode; it must write nothing.
	check bool
}

// konnectEntities is everything a control plane holds, for "check mode
// wrote nothing".
func konnectEntities(t *testing.T, env *kongtest.KonnectEnv, cp string) map[string]any {
	t.Helper()
	out := map[string]any{}
	for _, c := range []string{"/services", "/routes", "/plugins", "/consumers", "/key-auths", "/acls"} {
		out[c] = env.Get(t, cp, c)["data"]
	}
	return out
}

// runKonnectSteps runs the steps in order: each one changes what it says,
// check-mode steps write nothing, and nothing in any result holds the
// token. It returns the results by step name.
func runKonnectSteps(t *testing.T, env *kongtest.KonnectEnv, cp string, base map[string]any, steps []konnectStep) map[string]map[string]any {
	t.Helper()
	results := map[string]map[string]any{}
	for _, st := range steps {
		args := map[string]any{}
		for k, v := range base {
			args[k] = v
		}
		for k, v := range st.args {
			args[k] = v
		}
		if st.check {
			args["_ansible_check_mode"] = true
		}
		args["_ansible_diff"] = true
		before := konnectEntities(t, env, cp)
		out := env.Run(st.def, args)
		require.NotEqual(t, true, out["failed"], "%s: %v", st.name, out["msg"])
		assert.Equal(t, st.changed, out["changed"], st.name)
		if st.check {
			assert.Equal(t, before, konnectEntities(t, env, cp), "%s: check mode wrote nothing", st.name)
		}
		b, err := json.Marshal(out)
		require.NoError(t, err)
		assert.NotContains(t, string(b), kongtest.KonnectToken, st.name)
		results[st.name] = out
	}
	return results
}

// TestKonnect_EveryKongModule runs every Kong module against a Konnect
// control plane given by name: create, the same task again (no change),
// --check of a change (predicted, nothing written), delete (twice). None
// asks for GET /, which Konnect does not have.
func TestKonnect_EveryKongModule(t *testing.T) {
	t.Parallel()
	env := kongtest.StartKonnect(t, "prod")
	base := map[string]any{}
	svc := map[string]any{"name": "orders", "url": "http://orders.test:8080/v1", "tags": []any{"team-orders"}}
	route := map[string]any{"name": "orders-r", "service": "orders", "paths": []any{"/orders", `~/orders/\d+$`}, "methods": []any{"GET"}}
	consumer := map[string]any{"username": "alice", "tags": []any{"partners"}}
	key := map[string]any{"consumer": "alice", "type": "key-auth", "key": "alice-secret-key-123", "tags": []any{"it"}}
	acl := map[string]any{"consumer": "alice", "type": "acl", "group": "gold"}
	limit := map[string]any{"name": "rate-limiting", "service": "orders", "config": map[string]any{"minute": 10, "policy": "local"}}
	cors := map[string]any{"name": "cors", "instance_name": "orders-cors", "route": "orders-r", "config": map[string]any{"origins": []any{"https://a.test"}}}
	with := func(m map[string]any, kv ...any) map[string]any {
		out := map[string]any{}
		for k, v := range m {
			out[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			out[kv[i].(string)] = kv[i+1]
		}
		return out
	}
	absent := func(m map[string]any) map[string]any { return with(m, "state", "absent") }
	steps := []konnectStep{
		{name: "service check mode create", def: kongservice.Definition, args: svc, changed: true, check: true},
		{name: "service create", def: kongservice.Definition, args: svc, changed: true},
		{name: "service again", def: kongservice.Definition, args: svc},
		{name: "service check mode update", def: kongservice.Definition, args: with(svc, "retries", 2), changed: true, check: true},
		{name: "service strict again", def: kongservice.Definition, args: with(svc, "strict", true)},

		{name: "route check mode create", def: kongroute.Definition, args: route, changed: true, check: true},
		{name: "route create", def: kongroute.Definition, args: route, changed: true},
		{name: "route again", def: kongroute.Definition, args: route},

		{name: "consumer create", def: kongconsumer.Definition, args: consumer, changed: true},
		{name: "consumer again", def: kongconsumer.Definition, args: consumer},
		{name: "consumer check mode update", def: kongconsumer.Definition, args: with(consumer, "custom_id", "c-1"), changed: true, check: true},

		{name: "key check mode create", def: kongcredential.Definition, args: key, changed: true, check: true},
		{name: "key create", def: kongcredential.Definition, args: key, changed: true},
		{name: "key again", def: kongcredential.Definition, args: key},
		{name: "acl create", def: kongcredential.Definition, args: acl, changed: true},
		{name: "acl again", def: kongcredential.Definition, args: acl},
		{name: "acl check mode of another group", def: kongcredential.Definition, args: with(acl, "group", "silver"), changed: true, check: true},

		{name: "rate-limiting check mode create", def: kongplugin.Definition, args: limit, changed: true, check: true},
		{name: "rate-limiting create", def: kongplugin.Definition, args: limit, changed: true},
		{name: "rate-limiting again", def: kongplugin.Definition, args: limit},
		{name: "rate-limiting check mode update", def: kongplugin.Definition,
			args: with(limit, "config", map[string]any{"minute": 20, "policy": "local"}), changed: true, check: true},
		{name: "cors by instance_name create", def: kongplugin.Definition, args: cors, changed: true},
		{name: "cors again", def: kongplugin.Definition, args: cors},

		{name: "export", def: konginfo.Definition, args: map[string]any{"service": "orders", "consumers": []any{"alice"}}},

		{name: "cors delete", def: kongplugin.Definition, args: absent(cors), changed: true},
		{name: "cors delete again", def: kongplugin.Definition, args: absent(cors)},
		{name: "rate-limiting delete check mode", def: kongplugin.Definition, args: absent(limit), changed: true, check: true},
		{name: "rate-limiting delete", def: kongplugin.Definition, args: absent(limit), changed: true},
		{name: "rate-limiting delete again", def: kongplugin.Definition, args: absent(limit)},
		{name: "key delete", def: kongcredential.Definition, args: absent(key), changed: true},
		{name: "key delete again", def: kongcredential.Definition, args: absent(key)},
		{name: "acl delete", def: kongcredential.Definition, args: absent(acl), changed: true},
		{name: "consumer delete", def: kongconsumer.Definition, args: absent(consumer), changed: true},
		{name: "consumer delete again", def: kongconsumer.Definition, args: absent(consumer)},
		{name: "route delete", def: kongroute.Definition, args: absent(route), changed: true},
		{name: "route delete again", def: kongroute.Definition, args: absent(route)},
		{name: "service delete", def: kongservice.Definition, args: absent(svc), changed: true},
		{name: "service delete again", def: kongservice.Definition, args: absent(svc)},
	}
	env.Requests()
	results := runKonnectSteps(t, env, "prod", base, steps)

	export := results["export"]
	assert.Len(t, export["services"], 1)
	assert.Len(t, export["routes"], 1)
	assert.Len(t, export["plugins"], 2)
	assert.Len(t, export["consumers"], 1)
	assert.Equal(t, "********", results["key create"]["credential"].(map[string]any)["key"])

	for _, r := range env.Requests() {
		method, path, _ := strings.Cut(r, " ")
		assert.False(t, strings.HasSuffix(strings.SplitN(path, "?", 2)[0], "/core-entities/") || strings.HasSuffix(path, "/core-entities"),
			"no GET / on Konnect: %s", r)
		assert.False(t, method == "GET" && strings.HasSuffix(path, "/core-entities/schemas/services"), "no Kong entity schema on Konnect: %s", r)
	}
	for _, c := range []string{"/services", "/routes", "/plugins", "/consumers"} {
		assert.Empty(t, env.Get(t, "prod", c)["data"], c)
	}
}

// A control plane given by its id works the same, and an id given to an
// entity is kept; the other control plane holds none of it.
func TestKonnect_ControlPlaneByID(t *testing.T) {
	t.Parallel()
	env := kongtest.StartKonnect(t, "prod", "staging")
	base := map[string]any{"konnect_control_plane": env.Konnect.ControlPlaneID("staging")}
	const id = "5a1f0b2c-3d4e-4f50-8a61-7b8c9d0e1f20"
	svc := map[string]any{"id": id, "name": "billing", "host": "billing.test"}
	runKonnectSteps(t, env, "staging", base, []konnectStep{
		{name: "create by id", def: kongservice.Definition, args: svc, changed: true},
		{name: "again", def: kongservice.Definition, args: svc},
		{name: "plugin on it", def: kongplugin.Definition, args: map[string]any{"name": "key-auth", "service": id}, changed: true},
	})
	assert.Equal(t, "billing", env.Get(t, "staging", "/services/"+id)["name"])
	assert.Nil(t, env.Get(t, "prod", "/services/billing"))
}

// Plugins decK refuses for Konnect are refused before anything is written.
func TestKonnect_PluginsKonnectDoesNotSupport(t *testing.T) {
	t.Parallel()
	env := kongtest.StartKonnect(t)
	for _, args := range []map[string]any{
		{"name": "oauth2", "config": map[string]any{"enable_password_grant": true}},
		{"name": "rate-limiting", "config": map[string]any{"minute": 5, "policy": "cluster"}},
	} {
		out := env.Run(kongplugin.Definition, args)
		require.Equal(t, true, out["failed"])
		assert.Contains(t, out["msg"], "cannot")
		assert.Contains(t, out["msg"], `Kong Konnect control plane "default"`)
	}
	assert.Empty(t, env.Get(t, "default", "/plugins")["data"])
	out := env.Run(kongplugin.Definition, map[string]any{"name": "oauth2", "state": "absent"})
	require.NotEqual(t, true, out["failed"], "removing is always possible: %v", out["msg"])
}
