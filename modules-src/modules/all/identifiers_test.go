package all

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong/kongtest"
	kongcacertificate "platform.ops/modules-src/modules/kong_ca_certificate"
	kongcertificate "platform.ops/modules-src/modules/kong_certificate"
	kongconsumer "platform.ops/modules-src/modules/kong_consumer"
	kongconsumercredential "platform.ops/modules-src/modules/kong_consumer_credential"
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
	"platform.ops/tests/kongemu"
)

// TestKong_EmptyIdentifiersAreRefused: an empty (or "." / "..") name or id
// would turn /services/{name} into the collection /services/, whose list
// was then read as the entity. Each module refuses it before any request,
// naming the option.
func TestKong_EmptyIdentifiersAreRefused(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{Version: "3.9.3"})
	env.Send(t, "PUT", "/services/svc", map[string]any{"host": "upstream.test"})
	env.Send(t, "PUT", "/consumers/alice", map[string]any{})
	env.Requests()
	cases := []struct {
		def    *ansible.Definition
		args   map[string]any
		option string
	}{
		{kongservice.Definition, map[string]any{"name": "", "host": "h.test"}, "name"},
		{kongservice.Definition, map[string]any{"name": "", "state": "absent"}, "name"},
		{kongservice.Definition, map[string]any{"name": "..", "host": "h.test"}, "name"},
		{kongservice.Definition, map[string]any{"id": "", "host": "h.test"}, "id"},
		{kongroute.Definition, map[string]any{"name": "", "paths": []any{"/x"}}, "name"},
		{kongconsumer.Definition, map[string]any{"username": ""}, "username"},
		{kongconsumer.Definition, map[string]any{"custom_id": "", "state": "absent"}, "custom_id"},
		{kongplugin.Definition, map[string]any{"name": "cors", "instance_name": ""}, "instance_name"},
		{kongplugin.Definition, map[string]any{"name": "cors", "id": ""}, "id"},
		{kongplugin.Definition, map[string]any{"name": "."}, "name"},
		{kongconsumercredential.Definition, map[string]any{"consumer": "", "type": "key-auth", "key": "k"}, "consumer"},
		{kongconsumercredential.Definition, map[string]any{"consumer": "..", "type": "key-auth", "key": "k", "state": "absent"}, "consumer"},
		{kongupstream.Definition, map[string]any{"name": ""}, "name"},
		{kongupstream.Definition, map[string]any{"name": "..", "state": "absent"}, "name"},
		{kongtarget.Definition, map[string]any{"upstream": "", "target": "a.test"}, "upstream"},
		{kongtarget.Definition, map[string]any{"upstream": "u", "target": "", "state": "absent"}, "target"},
		{kongcertificate.Definition, map[string]any{"snis": []any{"a.test", ""}}, "snis"},
		{kongcertificate.Definition, map[string]any{"id": "", "state": "absent"}, "id"},
		{kongsni.Definition, map[string]any{"name": "", "certificate": "a.test"}, "name"},
		{kongcacertificate.Definition, map[string]any{"cert_digest": "", "state": "absent"}, "cert_digest"},
		{kongkeyset.Definition, map[string]any{"name": "."}, "name"},
		{kongkey.Definition, map[string]any{"name": "", "kid": "k"}, "name"},
		{kongvault.Definition, map[string]any{"prefix": "", "name": "env"}, "prefix"},
		{konginfo.Definition, map[string]any{"service": "."}, "service"},
		{konginfo.Definition, map[string]any{"service": ""}, "service"},
		{konginfo.Definition, map[string]any{"all_services": true, "consumers": []any{"alice", ""}}, "consumers"},
	}
	for _, c := range cases {
		t.Run(c.def.Name+"/"+c.option, func(t *testing.T) {
			out := env.Run(c.def, c.args)
			require.Equal(t, true, out["failed"], "%v", out)
			assert.Regexp(t, `^`+c.option+`( element)? (must not be empty|cannot be ")`, out["msg"])
			assert.Equal(t, false, out["changed"])
		})
	}
	assert.Empty(t, env.Requests(), "nothing reached Kong")
	assert.Len(t, env.Get(t, "/services")["data"], 1, "no service was created")
}

// TestKong_EmptyScopeReferencesAreRefused: an empty service, route,
// consumer or consumer_group of a plugin (say, from an empty variable)
// was read as not given, so {name: key-auth, service: ""} created a
// global plugin, on every route; an empty service of a route created a
// route without service. Each is refused before any request, naming the
// option, in check mode too and for state=absent (which would have
// removed the global plugin).
func TestKong_EmptyScopeReferencesAreRefused(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{Version: "3.9.3"})
	env.Send(t, "PUT", "/services/svc", map[string]any{"host": "upstream.test"})
	env.Send(t, "PUT", "/routes/r", map[string]any{"paths": []any{"/r"}, "service": map[string]any{"name": "svc"}})
	env.Send(t, "PUT", "/consumers/alice", map[string]any{})
	env.Send(t, "POST", "/plugins", map[string]any{"name": "cors"})
	env.Requests()
	cases := []struct {
		def    *ansible.Definition
		args   map[string]any
		option string
		msg    string
	}{
		{kongplugin.Definition, map[string]any{"name": "key-auth", "service": ""}, "service", "global"},
		{kongplugin.Definition, map[string]any{"name": "key-auth", "service": " "}, "service", "global"},
		{kongplugin.Definition, map[string]any{"name": "key-auth", "route": ""}, "route", "global"},
		{kongplugin.Definition, map[string]any{"name": "rate-limiting", "consumer": "", "config": map[string]any{"minute": 1}}, "consumer", "global"},
		{kongplugin.Definition, map[string]any{"name": "rate-limiting", "consumer_group": "", "config": map[string]any{"minute": 1}}, "consumer_group", "global"},
		{kongplugin.Definition, map[string]any{"name": "key-auth", "service": "svc", "route": ""}, "route", "global"},
		{kongplugin.Definition, map[string]any{"name": "cors", "service": "", "state": "absent"}, "service", "global"},
		{kongplugin.Definition, map[string]any{"name": "cors", "consumer": "..", "state": "absent"}, "consumer", `cannot be ".."`},
		{kongplugin.Definition, map[string]any{"name": "key-auth", "service": "", "_ansible_check_mode": true}, "service", "global"},
		{kongroute.Definition, map[string]any{"name": "new", "service": "", "paths": []any{"/new"}}, "service", "no service"},
		{kongroute.Definition, map[string]any{"name": "r", "service": "", "strict": true, "paths": []any{"/r"}}, "service", "no service"},
		{kongroute.Definition, map[string]any{"name": "r", "service": "."}, "service", `cannot be "."`},
	}
	for _, c := range cases {
		t.Run(c.def.Name+"/"+c.option, func(t *testing.T) {
			out := env.Run(c.def, c.args)
			require.Equal(t, true, out["failed"], "%v", out)
			assert.Regexp(t, `^`+c.option+` (must not be empty|cannot be ")`, out["msg"])
			assert.Contains(t, out["msg"], c.msg)
			assert.Equal(t, false, out["changed"])
		})
	}
	assert.Empty(t, env.Requests(), "nothing reached Kong")
	assert.Len(t, env.Get(t, "/plugins")["data"], 1, "the global cors plugin is still the only plugin")
	assert.Len(t, env.Get(t, "/routes")["data"], 1, "no route was created")
	r := env.Get(t, "/routes/r")
	assert.NotNil(t, r["service"], "route r keeps its service")
}
