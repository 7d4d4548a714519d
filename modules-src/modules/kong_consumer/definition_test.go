package kongconsumer

import (
	"testing"

	"platform.ops/modules-src/internal/kong/kongtest"
)

func TestDefinition_IsConsistent(t *testing.T) {
	t.Parallel()
	kongtest.CheckDefinition(t, Definition, "consumer")
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	tests := kongtest.BadInputs{
		{"something to find it by", map[string]any{"tags": []any{"a"}},
			"one of the following is required: username, custom_id, id"},
		{"id must be a uuid", map[string]any{"id": "alice"},
			`id must be a UUID such as 9f3c6b0e-1111-4222-8333-444455556666, got "alice" (use username or custom_id to select a consumer by name)`},
		{"state has choices", map[string]any{"username": "a", "state": "gone"},
			"value of state must be one of: present, absent, got: gone"},
		{"unknown option", map[string]any{"username": "a", "key": "k"},
			"Unsupported parameters for (kong_consumer) module: key."},
	}
	kongtest.RefuseBadInput(t, Definition, tests)
}
