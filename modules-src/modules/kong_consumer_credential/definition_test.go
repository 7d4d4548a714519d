package kongconsumercredential

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
	assert.Contains(t, returns, "credential")
	for _, name := range []string{"key", "password", "secret"} {
		assert.True(t, Definition.Spec.Options[name].NoLog, "%s is no_log", name)
	}
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args map[string]any
		msg  string
	}{
		{"consumer is required", map[string]any{"type": "acl", "group": "g"},
			"missing required arguments: consumer"},
		{"type has choices", map[string]any{"consumer": "a", "type": "oauth3"},
			"value of type must be one of: acl, basic-auth, hmac-auth, jwt, key-auth, got: oauth3"},
		{"key-auth needs a key", map[string]any{"consumer": "a", "type": "key-auth"},
			"type is key-auth but any of the following are missing: key, id"},
		{"basic-auth needs a username", map[string]any{"consumer": "a", "type": "basic-auth", "password": "pw-secret-value"},
			"type is basic-auth but any of the following are missing: username, id"},
		{"acl needs a group", map[string]any{"consumer": "a", "type": "acl"},
			"type is acl but any of the following are missing: group, id"},
		{"options of another type", map[string]any{"consumer": "a", "type": "key-auth", "key": "key-secret-value", "password": "pw-secret-value", "group": "g"},
			"password, group are not used by a key-auth credential (its options are key, ttl, tags and id)"},
		{"one option of another type", map[string]any{"consumer": "a", "type": "acl", "group": "g", "secret": "secret-value"},
			"secret is not used by an acl credential (its options are group, tags and id)"},
		{"update_password has choices", map[string]any{"consumer": "a", "type": "basic-auth", "username": "u", "update_password": "sometimes"},
			"value of update_password must be one of: on_create, always, got: sometimes"},
		{"id must be a uuid", map[string]any{"consumer": "a", "type": "acl", "id": "x"},
			`id must be the UUID of the credential, such as 9f3c6b0e-1111-4222-8333-444455556666, got "x"`},
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
