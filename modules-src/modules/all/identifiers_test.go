package all

import (
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
