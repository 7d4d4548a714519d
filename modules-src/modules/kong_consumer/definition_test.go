package kongconsumer

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"platform.ops/modules-src/internal/ansible"
)

func TestDefinition_IsConsistent(t *testing.T) {
	t.Parallel()
	require.NoError(t, Definition.Check())
	var examples []map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(Definition.Examples), &examples), "EXAMPLES must be YAML")
	var returns map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(Definition.Returns), &returns), "RETURN must be YAML")
	assert.Contains(t, returns, "consumer")
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args map[string]any
		msg  string
	}{
		{"something to find it by", map[string]any{"tags": []any{"a"}},
			"one of the following is required: username, custom_id, id"},
		{"id must be a uuid", map[string]any{"id": "alice"},
			`id must be a UUID such as 9f3c6b0e-1111-4222-8333-444455556666, got "alice" (use username or custom_id to select a consumer by name)`},
		{"state has choices", map[string]any{"username": "a", "state": "gone"},
			"value of state must be one of: present, absent, got: gone"},
		{"unknown option", map[string]any{"username": "a", "key": "k"},
			"Unsupported parameters for (kong_consumer) module: key."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := map[string]any{"admin_url": "http://127.0.0.1:1", "admin_retries": 0}
			for k, v := range tc.args {
				args[k] = v
			}
			out := ansible.Execute(context.Background(), Definition, args)
			assert.Equal(t, true, out["failed"], out)
			assert.Contains(t, out["msg"], tc.msg)
			assert.Equal(t, false, out["changed"])
		})
	}
}
