package kongkeyset

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"platform.ops/modules-src/internal/kong/kongtest"
	"platform.ops/tests/kongemu"
)

func TestDefinition_IsConsistent(t *testing.T) {
	t.Parallel()
	kongtest.CheckDefinition(t, Definition, "key_set")
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	tests := kongtest.BadInputs{
		{"name or id is required", map[string]any{"tags": []any{"a"}}, "one of the following is required: name, id"},
		{"id must be a uuid", map[string]any{"id": "jwks"},
			`id must be a UUID such as 9f3c6b0e-1111-4222-8333-444455556666, got "jwks" (use name to select a key set by name)`},
		{"name must not be empty", map[string]any{"name": ""}, "name must not be empty"},
		{"unknown option", map[string]any{"name": "s", "keys": []any{"k"}}, "Unsupported parameters for (kong_key_set) module: keys."},
	}
	kongtest.RefuseBadInput(t, Definition, tests)
}

// Kong added key sets in 3.1: against 2.8 the task fails after GET / with
// the version, in check mode too, and asks nothing else.
func TestKong28_HasNoKeySets(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{Version: "2.8.5"})
	for _, args := range []map[string]any{
		{"name": "s"},
		{"name": "s", "_ansible_check_mode": true},
		{"name": "s", "state": "absent"},
	} {
		out := env.Run(Definition, args)
		assert.Equal(t, true, out["failed"], out)
		assert.Equal(t, `key set "s" needs Kong 3.1 or newer (Kong added key set entities in 3.1), and this node runs Kong 2.8.5`, out["msg"])
		assert.Equal(t, []string{"GET /"}, env.Requests())
	}
}
