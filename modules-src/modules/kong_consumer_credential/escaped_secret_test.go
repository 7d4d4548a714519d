package kongconsumercredential

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEscapedSecretInKongMessage: a key with a quote, a backslash and a
// newline taken by another consumer makes Kong answer 409 with the key
// quoted and escaped (UNIQUE violation detected on '{key="QQ\"Z..."}'):
// the escaped form is masked too.
func TestEscapedSecretInKongMessage(t *testing.T) {
	t.Parallel()
	for _, version := range kongVersions {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			env, _ := startWithConsumer(t, version)
			env.Send(t, "PUT", "/consumers/bob", map[string]any{})
			const key = "QQ\"Z\\Y\nWé"
			requireOK(t, env.Run(Definition, map[string]any{"consumer": "alice", "type": "key-auth", "key": key}))
			out := env.Run(Definition, map[string]any{"consumer": "bob", "type": "key-auth", "key": key})
			require.Equal(t, true, out["failed"])
			assertNoSecret(t, out, key, `QQ\"Z\\Y\nW`)
			assert.Contains(t, out["msg"], "********")
		})
	}
}
