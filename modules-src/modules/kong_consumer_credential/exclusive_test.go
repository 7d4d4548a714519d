package kongconsumercredential

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestExclusive_KeyRotationDisablesTheOldKey: issue 10 item 5. Changing key
// created a second key-auth credential and the old key kept working. With
// exclusive=true the new key is created first, then the others removed; the
// default is documented to keep them.
func TestExclusive_KeyRotationDisablesTheOldKey(t *testing.T) {
	for _, version := range kongVersions {
		t.Run(version, func(t *testing.T) {
			env, consumerID := startWithConsumer(t, version)
			keys := func() []string {
				var out []string
				for _, c := range env.Get(t, "/consumers/alice/key-auth")["data"].([]any) {
					out = append(out, c.(map[string]any)["key"].(string))
				}
				return out
			}
			base := map[string]any{"consumer": "alice", "type": "key-auth"}
			requireOK(t, env.Run(Definition, with(base, map[string]any{"key": "old-key-1"})))
			requireOK(t, env.Run(Definition, with(base, map[string]any{"key": "old-key-2"})))
			assert.ElementsMatch(t, []string{"old-key-1", "old-key-2"}, keys(), "the default adds keys")
			oldIDs := map[string]bool{}
			for _, c := range env.Get(t, "/consumers/alice/key-auth")["data"].([]any) {
				oldIDs[c.(map[string]any)["id"].(string)] = true
			}

			env.Requests()
			check := env.Run(Definition, with(base, map[string]any{"key": "new-key", "exclusive": true, "_ansible_check_mode": true}))
			requireOK(t, check)
			assert.Equal(t, true, check["changed"])
			assert.Len(t, check["removed"], 2)
			for _, r := range writes(env.Requests()) {
				assert.Contains(t, r, "/schemas/", "check mode only validates: %s", r)
			}

			out := env.Run(Definition, with(base, map[string]any{"key": "new-key", "exclusive": true}))
			requireOK(t, out)
			assert.Equal(t, true, out["changed"])
			assert.Equal(t, "create", out["operation"])
			require.Len(t, out["removed"], 2)
			for _, id := range out["removed"].([]any) {
				assert.True(t, oldIDs[id.(string)], "only old credentials are removed")
			}
			assert.Equal(t, []string{"new-key"}, keys(), "the old keys no longer work")
			reqs := writes(env.Requests())
			require.Len(t, reqs, 3)
			assert.Equal(t, "POST /consumers/"+consumerID+"/key-auth", reqs[0], "the new key exists before the old ones go")
			assertNoSecret(t, out, "new-key", "old-key-1", "old-key-2")

			again := env.Run(Definition, with(base, map[string]any{"key": "new-key", "exclusive": true}))
			requireOK(t, again)
			assert.Equal(t, false, again["changed"])
			assert.Equal(t, []any{}, again["removed"])
		})
	}
}

func TestExclusive_AclKeepsOnlyThisGroupAndIsRefusedForAbsent(t *testing.T) {
	env, _ := startWithConsumer(t, "3.9.3")
	base := map[string]any{"consumer": "alice", "type": "acl"}
	requireOK(t, env.Run(Definition, with(base, map[string]any{"group": "readers"})))
	requireOK(t, env.Run(Definition, with(base, map[string]any{"group": "writers"})))
	out := env.Run(Definition, with(base, map[string]any{"group": "admins", "exclusive": true}))
	requireOK(t, out)
	data := env.Get(t, "/consumers/alice/acls")["data"].([]any)
	require.Len(t, data, 1)
	assert.Equal(t, "admins", data[0].(map[string]any)["group"])

	out = env.Run(Definition, with(base, map[string]any{"group": "admins", "exclusive": true, "state": "absent"}))
	assert.Equal(t, true, out["failed"])
	assert.Equal(t, "exclusive is used with state=present only (it removes the consumer's other credentials of the type)", out["msg"])
}

// In check mode, exclusive=true for a consumer an earlier task creates
// predicts the create and no removal; it used to fail with "internal
// error: runtime error: index out of range" (found by
// FuzzKongConsumerCredential, testdata/fuzz in modules/all).
func TestExclusive_CheckModeForAConsumerStillToBeCreated(t *testing.T) {
	env, _ := startWithConsumer(t, kongVersions[0])
	out := env.Run(Definition, map[string]any{"consumer": "nobody-yet", "type": "acl", "group": "gold", "exclusive": true, "_ansible_check_mode": true})
	requireOK(t, out)
	assert.Equal(t, true, out["changed"])
	assert.Equal(t, "create", out["operation"])
	assert.Equal(t, []any{}, out["removed"])
}
