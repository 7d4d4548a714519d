package all

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"platform.ops/modules-src/internal/kong/kongtest"
	kongconsumer "platform.ops/modules-src/modules/kong_consumer"
	kongservice "platform.ops/modules-src/modules/kong_service"
	"platform.ops/tests/kongemu"
)

// TestKong_RawAdminAPIJSONNamesTheReadOnlyFields: issue 10 item 9. An
// entity pasted from the Admin API's JSON failed with "Unsupported
// parameters ... created_at, updated_at" and nothing more. The fields stay
// refused (accepting unknown keys would hide typos), and the message says
// they are Kong's own and points at kong_info, whose export applies as is.
func TestKong_RawAdminAPIJSONNamesTheReadOnlyFields(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{Version: "3.9.3"})
	raw := env.Send(t, "PUT", "/services/pasted", map[string]any{"host": "upstream.test"})
	args := map[string]any{}
	for _, k := range []string{"name", "host", "port", "protocol", "created_at", "updated_at"} {
		args[k] = raw[k]
		if f, ok := raw[k].(float64); ok {
			args[k] = int(f) // as YAML would give it
		}
	}
	out := env.Run(kongservice.Definition, args)
	require.Equal(t, true, out["failed"])
	assert.Contains(t, out["msg"], "Unsupported parameters for (kong_service) module: created_at, updated_at. Supported parameters include:")
	assert.Contains(t, out["msg"], "(created_at, updated_at: read-only, Kong sets them itself, as in the Admin API's JSON; leave them out. "+
		"platform.ops.kong_info exports entities as arguments of these modules, ready to apply.)")

	consumer := env.Send(t, "PUT", "/consumers/pasted", map[string]any{})
	out = env.Run(kongconsumer.Definition, map[string]any{"username": "pasted", "created_at": consumer["created_at"]})
	assert.Contains(t, out["msg"], "(created_at: read-only, Kong sets it itself")

	out = env.Run(kongservice.Definition, map[string]any{"name": "pasted", "hots": "x"})
	assert.NotContains(t, out["msg"], "read-only", "a typo gets no such note")
}
