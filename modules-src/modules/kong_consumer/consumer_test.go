package kongconsumer

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"platform.ops/modules-src/internal/kong/kongtest"
	"platform.ops/tests/kongemu"
)

var kongVersions = []string{"3.9.3", "2.8.5"}

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

func TestLifecycle(t *testing.T) {
	t.Parallel()
	for _, version := range kongVersions {
		t.Run("kong "+version, func(t *testing.T) {
			t.Parallel()
			env := kongtest.Start(t, kongemu.Options{Version: version})
			base := map[string]any{"username": "alice", "custom_id": "crm-1", "tags": []any{"b", "a"}}

			created := env.Run(Definition, base)
			requireOK(t, created)
			assert.Equal(t, true, created["changed"])
			assert.Equal(t, "create", created["operation"])
			consumer := created["consumer"].(map[string]any)
			assert.Equal(t, "alice", consumer["username"])
			assert.Equal(t, "crm-1", consumer["custom_id"])
			assert.Equal(t, []string{"PUT /consumers/alice"}, writes(env.Requests()), "created with an idempotent PUT by username")

			again := env.Run(Definition, map[string]any{"username": "alice", "custom_id": "crm-1", "tags": []any{"a", "b", "b"}})
			requireOK(t, again)
			assert.Equal(t, false, again["changed"], "changes: %v", again["changes"])
			assert.Equal(t, []string{"GET /consumers/alice"}, env.Requests(), "a no-change run is one GET")

			held := env.Get(t, "/consumers/alice")
			preview := env.Run(Definition, map[string]any{"username": "alice", "tags": []any{"a"}, "_ansible_check_mode": true, "_ansible_diff": true})
			requireOK(t, preview)
			assert.Equal(t, true, preview["changed"])
			assert.Equal(t, []any{"tags"}, preview["changes"])
			assert.Equal(t, map[string]any{
				"before": map[string]any{"username": "alice", "tags": []any{"b", "a"}},
				"after":  map[string]any{"username": "alice", "tags": []any{"a"}},
			}, preview["diff"])
			assert.Equal(t, []string{"POST /schemas/consumers/validate"}, writes(env.Requests()))
			assert.Equal(t, held, env.Get(t, "/consumers/alice"), "check mode wrote nothing")

			updated := env.Run(Definition, map[string]any{"username": "alice", "tags": []any{"a"}})
			requireOK(t, updated)
			assert.Equal(t, []any{"tags"}, updated["changes"])
			after := env.Get(t, "/consumers/alice")
			assert.Equal(t, []any{"a"}, after["tags"])
			assert.Equal(t, "crm-1", after["custom_id"], "custom_id is untouched")
			assert.Equal(t, held["id"], after["id"])

			deleted := env.Run(Definition, map[string]any{"username": "alice", "state": "absent"})
			requireOK(t, deleted)
			assert.Equal(t, true, deleted["changed"])
			assert.Nil(t, env.Get(t, "/consumers/alice"))
			deletedAgain := env.Run(Definition, map[string]any{"username": "alice", "state": "absent"})
			requireOK(t, deletedAgain)
			assert.Equal(t, false, deletedAgain["changed"])
		})
	}
}

func TestCustomID(t *testing.T) {
	t.Parallel()
	for _, version := range kongVersions {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			env := kongtest.Start(t, kongemu.Options{Version: version})
			created := env.Run(Definition, map[string]any{"custom_id": "crm-7"})
			requireOK(t, created)
			assert.Equal(t, true, created["changed"])
			assert.Equal(t, []string{"POST /consumers"}, writes(env.Requests()))
			id := created["consumer"].(map[string]any)["id"]

			again := env.Run(Definition, map[string]any{"custom_id": "crm-7"})
			requireOK(t, again)
			assert.Equal(t, false, again["changed"], "found again by custom_id")

			named := env.Run(Definition, map[string]any{"custom_id": "crm-7", "username": "acme"})
			requireOK(t, named)
			assert.Equal(t, "update", named["operation"], "a consumer found by custom_id is given the username")
			assert.Equal(t, []any{"username"}, named["changes"])
			assert.Equal(t, id, env.Get(t, "/consumers/acme")["id"])

			gone := env.Run(Definition, map[string]any{"custom_id": "crm-7", "state": "absent"})
			requireOK(t, gone)
			assert.Equal(t, true, gone["changed"])
			assert.Nil(t, env.Get(t, "/consumers/acme"))
		})
	}
}

func TestConflictAndSchemaViolation(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{})
	requireOK(t, env.Run(Definition, map[string]any{"username": "a", "custom_id": "same"}))

	dup := env.Run(Definition, map[string]any{"id": "9f3c6b0e-1111-4222-8333-444455556666", "custom_id": "same"})
	assert.Equal(t, true, dup["failed"])
	assert.EqualValues(t, 409, dup["status"])
	assert.Contains(t, dup["msg"], `UNIQUE violation detected on '{custom_id="same"}'`)

	bad := env.Run(Definition, map[string]any{"username": "c", "tags": []any{"a,b"}})
	assert.Equal(t, true, bad["failed"])
	assert.EqualValues(t, 400, bad["status"])
	assert.Contains(t, bad["msg"], "tags.1: invalid tag 'a,b'")
	assert.Contains(t, bad["fields"], "tags.1")
}

func TestSelectByID_AndStrict(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{Version: "2.8.5"})
	const id = "9f3c6b0e-1111-4222-8333-444455556666"
	created := env.Run(Definition, map[string]any{"id": id, "username": "u1", "custom_id": "c1", "tags": []any{"t"}})
	requireOK(t, created)
	assert.Equal(t, id, created["consumer"].(map[string]any)["id"])

	renamed := env.Run(Definition, map[string]any{"id": id, "username": "u2"})
	requireOK(t, renamed)
	assert.Equal(t, []any{"username"}, renamed["changes"])

	strict := env.Run(Definition, map[string]any{"username": "u2", "strict": true})
	requireOK(t, strict)
	assert.Equal(t, []any{"custom_id", "tags"}, strict["changes"])
	held := env.Get(t, "/consumers/u2")
	assert.Nil(t, held["custom_id"])
	assert.Empty(t, held["tags"])
	again := env.Run(Definition, map[string]any{"username": "u2", "strict": true})
	requireOK(t, again)
	assert.Equal(t, false, again["changed"])
}
