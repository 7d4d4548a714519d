package kongconsumercredential

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"platform.ops/modules-src/internal/kong/kongtest"
	"platform.ops/tests/kongemu"
)

var kongVersions = []string{"3.9.3", "2.8.5"}

func with(base map[string]any, more ...map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range base {
		out[k] = v
	}
	for _, m := range more {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

func requireOK(t *testing.T, out map[string]any) {
	t.Helper()
	require.NotEqual(t, true, out["failed"], "task failed: %v", out["msg"])
}

// writes keeps the requests that change something.
func writes(reqs []string) []string {
	var out []string
	for _, r := range reqs {
		if len(r) > 4 && r[:4] != "GET " {
			out = append(out, r)
		}
	}
	return out
}

// assertNoSecret fails when any of the secrets appears anywhere in a
// task's JSON output.
func assertNoSecret(t *testing.T, out map[string]any, secrets ...string) {
	t.Helper()
	raw, err := json.Marshal(out)
	require.NoError(t, err)
	for _, s := range secrets {
		assert.NotContains(t, string(raw), s, "a secret leaked into the output")
	}
}

// startWithConsumer runs an emulator holding consumer "alice".
func startWithConsumer(t *testing.T, version string) (*kongtest.Env, string) {
	t.Helper()
	env := kongtest.Start(t, kongemu.Options{Version: version})
	c := env.Send(t, "PUT", "/consumers/alice", map[string]any{})
	env.Requests()
	return env, c["id"].(string)
}

var lifecycleCases = []struct {
	ctype   string
	nested  string // segment under /consumers/{c}/
	create  map[string]any
	update  map[string]any // one field changed
	changed string
	secrets []string
}{
	{"key-auth", "key-auth", map[string]any{"key": "k-very-secret-1", "tags": []any{"a"}},
		map[string]any{"key": "k-very-secret-1", "tags": []any{"b"}}, "tags", []string{"k-very-secret-1"}},
	{"basic-auth", "basic-auth", map[string]any{"username": "alice-basic", "password": "pw-very-secret-1"},
		map[string]any{"username": "alice-basic", "password": "pw-very-secret-1", "tags": []any{"x"}}, "tags", []string{"pw-very-secret-1"}},
	{"jwt", "jwt", map[string]any{"key": "iss-very-secret-1", "secret": "jwt-very-secret-1", "algorithm": "HS256"},
		map[string]any{"key": "iss-very-secret-1", "secret": "jwt-very-secret-1", "algorithm": "HS512"}, "algorithm", []string{"jwt-very-secret-1", "iss-very-secret-1"}},
	{"hmac-auth", "hmac-auth", map[string]any{"username": "alice-hmac", "secret": "hmac-very-secret-1"},
		map[string]any{"username": "alice-hmac", "secret": "hmac-very-secret-2"}, "secret", []string{"hmac-very-secret-1", "hmac-very-secret-2"}},
	{"acl", "acls", map[string]any{"group": "admins"},
		map[string]any{"group": "admins", "tags": []any{"t"}}, "tags", nil},
}

func TestLifecycle(t *testing.T) {
	t.Parallel()
	for _, version := range kongVersions {
		for _, tc := range lifecycleCases {
			t.Run(version+"/"+tc.ctype, func(t *testing.T) {
				t.Parallel()
				env, consumerID := startWithConsumer(t, version)
				base := map[string]any{"consumer": "alice", "type": tc.ctype}
				listHeld := func() []any {
					return env.Get(t, "/consumers/alice/"+tc.nested)["data"].([]any)
				}

				created := env.Run(Definition, with(base, tc.create, map[string]any{"_ansible_diff": true}))
				requireOK(t, created)
				assertNoSecret(t, created, tc.secrets...)
				assert.Equal(t, true, created["changed"])
				assert.Equal(t, "create", created["operation"])
				cred := created["credential"].(map[string]any)
				assert.Equal(t, map[string]any{"id": consumerID}, cred["consumer"])
				assert.Equal(t, []string{"POST /consumers/" + consumerID + "/" + tc.nested}, writes(env.Requests()), "written through Kong's nested endpoint")
				require.Len(t, listHeld(), 1)
				held := listHeld()[0].(map[string]any)
				id := held["id"].(string)

				again := env.Run(Definition, with(base, tc.create))
				requireOK(t, again)
				assertNoSecret(t, again, tc.secrets...)
				assert.Equal(t, false, again["changed"], "changes: %v", again["changes"])
				assert.Empty(t, writes(env.Requests()))
				for _, r := range env.Requests() {
					for _, s := range tc.secrets {
						assert.NotContains(t, r, s, "secrets never travel in URLs")
					}
				}

				preview := env.Run(Definition, with(base, tc.update, map[string]any{"_ansible_check_mode": true, "_ansible_diff": true}))
				requireOK(t, preview)
				assertNoSecret(t, preview, tc.secrets...)
				assert.Equal(t, true, preview["changed"])
				assert.Equal(t, []any{tc.changed}, preview["changes"])
				diff := preview["diff"].(map[string]any)
				assert.Contains(t, diff["after"], tc.changed)
				assert.Equal(t, []string{"POST /schemas/" + kindDAO(tc.ctype) + "/validate"}, writes(env.Requests()), "check mode validates and writes nothing")
				assert.Equal(t, held, listHeld()[0], "check mode wrote nothing")

				updated := env.Run(Definition, with(base, tc.update))
				requireOK(t, updated)
				assertNoSecret(t, updated, tc.secrets...)
				assert.Equal(t, []any{tc.changed}, updated["changes"])
				assert.Equal(t, []string{"PATCH /consumers/" + consumerID + "/" + tc.nested + "/" + id}, writes(env.Requests()))
				after := listHeld()[0].(map[string]any)
				for k, v := range held {
					if k != tc.changed && k != "updated_at" {
						assert.Equal(t, v, after[k], "%s is untouched", k)
					}
				}

				rerun := env.Run(Definition, with(base, tc.update))
				requireOK(t, rerun)
				assert.Equal(t, false, rerun["changed"])

				deleted := env.Run(Definition, with(base, tc.update, map[string]any{"state": "absent", "_ansible_diff": true}))
				requireOK(t, deleted)
				assertNoSecret(t, deleted, tc.secrets...)
				assert.Equal(t, true, deleted["changed"])
				assert.Empty(t, listHeld())
				deletedAgain := env.Run(Definition, with(base, tc.update, map[string]any{"state": "absent"}))
				requireOK(t, deletedAgain)
				assert.Equal(t, false, deletedAgain["changed"])
			})
		}
	}
}

func kindDAO(ctype string) string {
	return map[string]string{"key-auth": "keyauth_credentials", "basic-auth": "basicauth_credentials",
		"jwt": "jwt_secrets", "hmac-auth": "hmacauth_credentials", "acl": "acls"}[ctype]
}

func TestBasicAuthPassword_IsCreateOnlyUnlessAlways(t *testing.T) {
	t.Parallel()
	for _, version := range kongVersions {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			env, consumerID := startWithConsumer(t, version)
			hashOf := func(pw string) string {
				sum := sha1.Sum([]byte(pw + consumerID))
				return hex.EncodeToString(sum[:])
			}
			stored := func() any { return env.Get(t, "/basic-auths/bob")["password"] }
			base := map[string]any{"consumer": "alice", "type": "basic-auth", "username": "bob"}

			requireOK(t, env.Run(Definition, with(base, map[string]any{"password": "first-pw"})))
			assert.Equal(t, hashOf("first-pw"), stored(), "Kong stores a salted hash")

			onCreate := env.Run(Definition, with(base, map[string]any{"password": "second-pw"}))
			requireOK(t, onCreate)
			assert.Equal(t, false, onCreate["changed"], "on_create: an existing credential's password is left alone")
			assert.Equal(t, hashOf("first-pw"), stored())

			for i := 0; i < 2; i++ {
				always := env.Run(Definition, with(base, map[string]any{"password": "second-pw", "update_password": "always", "_ansible_diff": true}))
				requireOK(t, always)
				assertNoSecret(t, always, "second-pw", hashOf("second-pw"), hashOf("first-pw"))
				assert.Equal(t, true, always["changed"], "always: the password is sent on every run")
				assert.Equal(t, []any{"password"}, always["changes"])
				assert.Equal(t, hashOf("second-pw"), stored())
			}

			missing := env.Run(Definition, map[string]any{"consumer": "alice", "type": "basic-auth", "username": "carol"})
			assert.Equal(t, true, missing["failed"])
			assert.Equal(t, `basic-auth credential "carol" of consumer "alice" does not exist yet: password is needed to create it`, missing["msg"])
		})
	}
}

func TestKeyAuthTTL_IsCreateOnly(t *testing.T) {
	t.Parallel()
	env, _ := startWithConsumer(t, "3.9.3")
	args := map[string]any{"consumer": "alice", "type": "key-auth", "key": "ttl-key-secret", "ttl": 3600}
	created := env.Run(Definition, args)
	requireOK(t, created)
	assert.InDelta(t, 3600, created["credential"].(map[string]any)["ttl"], 2)
	again := env.Run(Definition, args)
	requireOK(t, again)
	assert.Equal(t, false, again["changed"], "the ttl Kong counts down is not compared")
}

func TestKeyOfAnotherConsumer_IsRefusedWithoutLeakingIt(t *testing.T) {
	t.Parallel()
	for _, version := range kongVersions {
		env, _ := startWithConsumer(t, version)
		env.Send(t, "PUT", "/consumers/bob", map[string]any{})
		const key = "shared-secret-key-42"
		requireOK(t, env.Run(Definition, map[string]any{"consumer": "bob", "type": "key-auth", "key": key}))
		out := env.Run(Definition, map[string]any{"consumer": "alice", "type": "key-auth", "key": key})
		assert.Equal(t, true, out["failed"], version)
		assert.EqualValues(t, 409, out["status"])
		assert.Contains(t, out["msg"], "UNIQUE violation")
		assertNoSecret(t, out, key)
	}
}

func TestKongSchemaViolation(t *testing.T) {
	t.Parallel()
	for _, version := range kongVersions {
		for _, check := range []bool{false, true} {
			env, _ := startWithConsumer(t, version)
			out := env.Run(Definition, map[string]any{"consumer": "alice", "type": "acl", "group": "g", "tags": []any{"ok", "a,b"}, "_ansible_check_mode": check})
			assert.Equal(t, true, out["failed"])
			assert.EqualValues(t, 400, out["status"])
			assert.Contains(t, out["msg"], "tags.2: invalid tag 'a,b'")
			assert.Contains(t, out["fields"], "tags.2")
			assert.Contains(t, out["msg"], `acl group "g" of consumer "alice"`)
			assert.Empty(t, env.Get(t, "/consumers/alice/acls")["data"])
		}
	}
}

func TestMissingConsumer(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{})
	args := map[string]any{"consumer": "nobody", "type": "acl", "group": "g"}
	out := env.Run(Definition, args)
	assert.Equal(t, true, out["failed"])
	assert.Equal(t, `consumer "nobody" does not exist: create it first (platform.ops.kong_consumer), then its credentials`, out["msg"])

	check := env.Run(Definition, with(args, map[string]any{"_ansible_check_mode": true, "_ansible_diff": true}))
	requireOK(t, check)
	assert.Equal(t, true, check["changed"])
	assert.Len(t, check["warnings"], 1)
	assert.Equal(t, []any{"consumer.id", "group"}, check["changes"], "the changes the real run reports once the consumer exists")
	assert.Equal(t, map[string]any{"consumer": map[string]any{"username": "nobody"}, "group": "g"}, check["diff"].(map[string]any)["after"])

	secret := env.Run(Definition, map[string]any{"consumer": "nobody", "type": "key-auth", "key": "predicted-secret-key", "_ansible_check_mode": true, "_ansible_diff": true})
	requireOK(t, secret)
	assertNoSecret(t, secret, "predicted-secret-key")

	absent := env.Run(Definition, with(args, map[string]any{"state": "absent"}))
	requireOK(t, absent)
	assert.Equal(t, false, absent["changed"], "no consumer, no credential: nothing to delete")
}

func TestByID(t *testing.T) {
	t.Parallel()
	env, consumerID := startWithConsumer(t, "2.8.5")
	const id = "9f3c6b0e-1111-4222-8333-444455556666"
	created := env.Run(Definition, map[string]any{"consumer": "alice", "type": "acl", "id": id, "group": "g1"})
	requireOK(t, created)
	assert.Equal(t, []string{"PUT /consumers/" + consumerID + "/acls/" + id}, writes(env.Requests()), "created with the given id")
	renamed := env.Run(Definition, map[string]any{"consumer": "alice", "type": "acl", "id": id, "group": "g2"})
	requireOK(t, renamed)
	assert.Equal(t, []any{"group"}, renamed["changes"])
	assert.Equal(t, "g2", env.Get(t, "/acls/"+id)["group"])

	env.Send(t, "PUT", "/consumers/bob", map[string]any{})
	other := env.Run(Definition, map[string]any{"consumer": "bob", "type": "acl", "id": id, "group": "g2"})
	assert.Equal(t, true, other["failed"])
	assert.Contains(t, other["msg"], "belongs to another consumer")
}

func TestConsumerByID(t *testing.T) {
	t.Parallel()
	env, consumerID := startWithConsumer(t, "3.9.3")
	requireOK(t, env.Run(Definition, map[string]any{"consumer": "alice", "type": "acl", "group": "g"}))
	same := env.Run(Definition, map[string]any{"consumer": consumerID, "type": "acl", "group": "g"})
	requireOK(t, same)
	assert.Equal(t, false, same["changed"], "the consumer by name or id is the same consumer")
}

// TestUniqueKeyNotCheckable: a key-auth or jwt key is unique across
// consumers, but check mode cannot ask Kong who holds one (a key never goes
// in a URL, and the module treats both as secrets): it predicts the create
// and warns that the real run may fail, and the real run then fails with
// Kong's 409. The key appears in no request URL and no output.
func TestUniqueKeyNotCheckable(t *testing.T) {
	t.Parallel()
	for _, version := range kongVersions {
		for _, ctype := range []string{"key-auth", "jwt"} {
			t.Run(version+"/"+ctype, func(t *testing.T) {
				t.Parallel()
				env, _ := startWithConsumer(t, version)
				env.Send(t, "PUT", "/consumers/bob", map[string]any{})
				const key = "shared-very-secret-key"
				requireOK(t, env.Run(Definition, map[string]any{"consumer": "bob", "type": ctype, "key": key}))
				env.Requests()

				task := map[string]any{"consumer": "alice", "type": ctype, "key": key}
				check := env.Run(Definition, with(task, map[string]any{"_ansible_check_mode": true, "_ansible_diff": true}))
				requireOK(t, check)
				assertNoSecret(t, check, key)
				assert.Equal(t, "create", check["operation"])
				require.Len(t, check["warnings"], 1)
				assert.Contains(t, check["warnings"].([]any)[0], "cannot tell whether another entity already holds this key (it is a secret, and a secret is never put in a URL)")

				real := env.Run(Definition, task)
				assert.Equal(t, true, real["failed"])
				assert.Equal(t, 409, real["status"])
				assertNoSecret(t, real, key)
				for _, r := range env.Requests() {
					assert.NotContains(t, r, key, "a key never travels in a URL")
				}
			})
		}
	}
}
