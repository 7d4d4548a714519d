package kongconsumercredential

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"platform.ops/modules-src/internal/kong/kongtest"
)

func TestDefinition_IsConsistent(t *testing.T) {
	t.Parallel()
	kongtest.CheckDefinition(t, Definition, "credential")
	for _, name := range []string{"key", "password", "secret"} {
		assert.True(t, Definition.Spec.Options[name].NoLog, "%s is no_log", name)
	}
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	tests := kongtest.BadInputs{
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
	kongtest.RefuseBadInput(t, Definition, tests)
}
