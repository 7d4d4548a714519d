package all

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong/kongtest"
	kongcacertificate "platform.ops/modules-src/modules/kong_ca_certificate"
	kongcertificate "platform.ops/modules-src/modules/kong_certificate"
	kongconsumer "platform.ops/modules-src/modules/kong_consumer"
	kongcredential "platform.ops/modules-src/modules/kong_consumer_credential"
	kongdeclarative "platform.ops/modules-src/modules/kong_declarative"
	konginfo "platform.ops/modules-src/modules/kong_info"
	kongkey "platform.ops/modules-src/modules/kong_key"
	kongkeyset "platform.ops/modules-src/modules/kong_key_set"
	kongplugin "platform.ops/modules-src/modules/kong_plugin"
	kongroute "platform.ops/modules-src/modules/kong_route"
	kongservice "platform.ops/modules-src/modules/kong_service"
	kongsni "platform.ops/modules-src/modules/kong_sni"
	kongtarget "platform.ops/modules-src/modules/kong_target"
	kongupstream "platform.ops/modules-src/modules/kong_upstream"
	kongvault "platform.ops/modules-src/modules/kong_vault"
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
	for _, c := range []string{"/services", "/routes", "/plugins", "/consumers", "/key-auths", "/acls",
		"/upstreams", "/certificates", "/snis", "/ca_certificates", "/vaults", "/key-sets", "/keys"} {
		out[c] = env.Get(t, cp, c)["data"]
	}
	for _, u := range out["/upstreams"].([]any) {
		id := u.(map[string]any)["id"].(string)
		out["/upstreams/"+id+"/targets"] = env.Get(t, cp, "/upstreams/"+id+"/targets")["data"]
	}
	return out
}

// withArgs is a copy of m with the pairs kv set.
func withArgs(m map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

func absentArgs(m map[string]any) map[string]any { return withArgs(m, "state", "absent") }

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
	with, absent := withArgs, absentArgs
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

// TestKonnect_UpstreamsCertificatesVaultsKeys runs the modules added after
// the first ones against a Konnect control plane: for each, --check of the
// create (nothing written), create, the same task again, --check of a
// one-field change, the change, delete twice. A target's weight changes
// with a PUT of the whole target, since Konnect has no PATCH for targets
// and its PUT replaces the target: its tags are still there afterwards.
func TestKonnect_UpstreamsCertificatesVaultsKeys(t *testing.T) {
	t.Parallel()
	env := kongtest.StartKonnect(t, "prod")
	cert := kongtest.NewCert(t, false, "a.konnect.test")
	ca := kongtest.NewCA(t, "Konnect test CA")
	jwk := kongtest.NewKeyPair(t, "it-key-1").JWK
	type module struct {
		def            *ansible.Definition
		args, change   map[string]any
		changed, after string // the field the change changes, and the result key
	}
	modules := []module{
		{kongupstream.Definition, map[string]any{"name": "orders.internal", "tags": []any{"it"}},
			map[string]any{"algorithm": "least-connections"}, "algorithm", "upstream"},
		{kongtarget.Definition, map[string]any{"upstream": "orders.internal", "target": "orders-1.test", "weight": 50, "tags": []any{"it"}},
			map[string]any{"weight": 20}, "weight", "target"},
		{kongcertificate.Definition, map[string]any{"cert": cert.Cert, "key": cert.Key, "snis": []any{"a.konnect.test"}},
			map[string]any{"tags": []any{"it"}}, "tags", "certificate"},
		{kongsni.Definition, map[string]any{"name": "b.konnect.test", "certificate": "a.konnect.test"},
			map[string]any{"tags": []any{"it"}}, "tags", "sni"},
		{kongcacertificate.Definition, map[string]any{"cert": ca.Cert},
			map[string]any{"tags": []any{"it"}}, "tags", "ca_certificate"},
		{kongvault.Definition, map[string]any{"prefix": "it-env", "name": "env", "config": map[string]any{"prefix": "IT_"}},
			map[string]any{"config": map[string]any{"prefix": "IT_OTHER_"}}, "config.prefix", "vault"},
		{kongkeyset.Definition, map[string]any{"name": "it-jwks"},
			map[string]any{"tags": []any{"it"}}, "tags", "key_set"},
		{kongkey.Definition, map[string]any{"name": "it-jwk", "set": "it-jwks", "jwk": jwk},
			map[string]any{"tags": []any{"it"}}, "tags", "key"},
	}
	var steps []konnectStep
	for _, m := range modules {
		name := m.def.Name
		changed := m.args
		for k, v := range m.change {
			changed = withArgs(changed, k, v)
		}
		steps = append(steps,
			konnectStep{name: name + " check mode create", def: m.def, args: m.args, changed: true, check: true},
			konnectStep{name: name + " create", def: m.def, args: m.args, changed: true},
			konnectStep{name: name + " again", def: m.def, args: m.args},
			konnectStep{name: name + " check mode update", def: m.def, args: changed, changed: true, check: true},
			konnectStep{name: name + " update", def: m.def, args: changed, changed: true},
			konnectStep{name: name + " update again", def: m.def, args: changed},
		)
	}
	// children first: an SNI before its certificate, targets before their
	// upstream, keys before their set
	for _, i := range []int{3, 2, 4, 1, 0, 7, 6, 5} {
		m := modules[i]
		steps = append(steps,
			konnectStep{name: m.def.Name + " delete", def: m.def, args: absentArgs(m.args), changed: true},
			konnectStep{name: m.def.Name + " delete again", def: m.def, args: absentArgs(m.args)},
		)
	}
	env.Requests()
	results := runKonnectSteps(t, env, "prod", map[string]any{}, steps)

	for _, m := range modules {
		name := m.def.Name
		assert.Equal(t, []any{m.changed}, jsonish(results[name+" check mode update"]["changes"]), name)
		assert.Equal(t, []any{m.changed}, jsonish(results[name+" update"]["changes"]), name)
		predicted, real := jsonish(results[name+" check mode update"][m.after]), jsonish(results[name+" update"][m.after])
		for _, e := range []any{predicted, real} {
			delete(e.(map[string]any), "updated_at") // the time of the write
		}
		assert.Equal(t, predicted, real, "%s: check mode predicted the update", name)
	}
	target := results["kong_target update"]["target"].(map[string]any)
	assert.EqualValues(t, 20, target["weight"])
	assert.Equal(t, []any{"it"}, jsonish(target["tags"]), "the PUT carried the fields the task did not change")
	var puts int
	for _, r := range env.Requests() {
		method, path, _ := strings.Cut(r, " ")
		if strings.Contains(path, "/targets/") {
			assert.NotEqual(t, "PATCH", method, "Konnect has no PATCH for targets: %s", r)
			if method == "PUT" {
				puts++
			}
		}
	}
	assert.Equal(t, 1, puts, "the weight changed with one PUT")
	for _, c := range []string{"/upstreams", "/certificates", "/snis", "/ca_certificates", "/vaults", "/key-sets", "/keys"} {
		assert.Empty(t, env.Get(t, "prod", c)["data"], c)
	}
}

// A vault whose config schema Konnect's vault schema does not hold is
// refused, naming the control plane and the vaults it has, before
// anything is written.
func TestKonnect_UnknownVault(t *testing.T) {
	t.Parallel()
	env := kongtest.StartKonnect(t)
	out := env.Run(kongvault.Definition, map[string]any{"prefix": "it-aws", "name": "aws", "config": map[string]any{"region": "us-east-1"}})
	require.Equal(t, true, out["failed"])
	assert.Contains(t, out["msg"], `name: Kong Konnect control plane "default"`)
	assert.Contains(t, out["msg"], `has no vault named "aws"`)
	assert.Contains(t, out["msg"], "has a config for: env")
	assert.Empty(t, env.Get(t, "default", "/vaults")["data"])
}

// kong_declarative applies every entity type to Konnect, kong_info exports
// it in decK's format, the export applied to another control plane gives
// the same entities, and a target's weight changed in the state is one
// update, written with a PUT of the whole target.
func TestKonnect_DeclarativeEveryEntity(t *testing.T) {
	t.Parallel()
	env := kongtest.StartKonnect(t, "prod", "staging")
	cert := kongtest.NewCert(t, false, "shop.konnect.test")
	ca := kongtest.NewCA(t, "Shop CA")
	key := kongtest.NewKeyPair(t, "shop-1")
	tags := []any{"shop"}
	state := func(weight int) map[string]any {
		return map[string]any{
			"_format_version": "3.0",
			"upstreams": []any{map[string]any{"name": "orders-backend", "tags": tags, "targets": []any{
				map[string]any{"target": "orders-1.internal", "tags": tags},
				map[string]any{"target": "10.0.0.7:8081", "weight": weight, "tags": tags},
			}}},
			"certificates": []any{map[string]any{"cert": cert.Cert, "key": cert.Key, "tags": tags,
				"snis": []any{map[string]any{"name": "shop.konnect.test", "tags": tags}}}},
			"ca_certificates": []any{map[string]any{"cert": ca.Cert, "tags": tags}},
			"vaults":          []any{map[string]any{"prefix": "shop-env", "name": "env", "config": map[string]any{"prefix": "SHOP_"}, "tags": tags}},
			"key_sets":        []any{map[string]any{"name": "shop-signing", "tags": tags}},
			"keys": []any{map[string]any{"name": "shop-1", "kid": "shop-1", "jwk": key.JWK,
				"set": map[string]any{"name": "shop-signing"}, "tags": tags}},
		}
	}
	on := func(cp string, args map[string]any) map[string]any {
		return withArgs(args, "konnect_control_plane", cp)
	}
	declare := func(cp string, st map[string]any) map[string]any {
		t.Helper()
		out := env.Run(kongdeclarative.Definition, on(cp, map[string]any{"state": st}))
		require.NotEqual(t, true, out["failed"], "%v", out["msg"])
		return out
	}
	export := func(cp string) map[string]any {
		t.Helper()
		out := env.Run(konginfo.Definition, on(cp, map[string]any{"format": "deck", "select_tags": tags, "include_secrets": true}))
		require.NotEqual(t, true, out["failed"], "%v", out["msg"])
		return jsonish(out["state"]).(map[string]any)
	}

	assert.Equal(t, true, declare("prod", state(30))["changed"])
	again := declare("prod", state(30))
	assert.Equal(t, false, again["changed"], "%v", again["changes"])

	fromProd := export("prod")
	for _, k := range []string{"upstreams", "certificates", "ca_certificates", "vaults", "key_sets", "keys"} {
		assert.Len(t, fromProd[k], 1, k)
	}
	assert.Equal(t, true, declare("staging", fromProd)["changed"])
	again = declare("staging", fromProd)
	assert.Equal(t, false, again["changed"], "%v", again["changes"])
	assert.Equal(t, fromProd, export("staging"), "staging holds what prod holds")

	env.Requests()
	reweighted := declare("prod", state(60))
	assert.Equal(t, []any{map[string]any{"type": "targets", "name": "10.0.0.7:8081 of upstream orders-backend",
		"path": "upstreams[0].targets[1]", "action": "update", "fields": []any{"weight"}}}, jsonish(reweighted["changes"]))
	var methods []string
	for _, r := range env.Requests() {
		if method, path, _ := strings.Cut(r, " "); strings.Contains(path, "/targets/") && method != "GET" {
			methods = append(methods, method)
		}
	}
	assert.Equal(t, []string{"PUT"}, methods)
	up := env.Get(t, "prod", "/upstreams/orders-backend/targets/10.0.0.7:8081")
	assert.Equal(t, float64(60), up["weight"])
	assert.Equal(t, tags, up["tags"], "the PUT carried the fields the state did not change")
}

func jsonish(v any) any {
	b, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}
