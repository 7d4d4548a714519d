package kongupstream

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"platform.ops/modules-src/internal/kong/kongtest"
	"platform.ops/tests/kongemu"
)

func TestDefinition_IsConsistent(t *testing.T) {
	t.Parallel()
	kongtest.CheckDefinition(t, Definition, "upstream")
	assert.Contains(t, returns, "targets")
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	tests := kongtest.BadInputs{
		{"name or id is required", map[string]any{"slots": 100}, "one of the following is required: name, id"},
		{"exclusive_targets needs targets", map[string]any{"name": "u", "exclusive_targets": true},
			"exclusive_targets is True but all of the following are missing: targets"},
		{"a target needs its address", map[string]any{"name": "u", "targets": []any{map[string]any{"weight": 5}}},
			"missing required arguments: target found in targets"},
		{"a target is an address", map[string]any{"name": "u", "targets": []any{map[string]any{"target": "a b"}}},
			`targets[0]: target "a b" is not a valid host name or IP address with an optional port (invalid hostname)`},
		{"each target once", map[string]any{"name": "u", "targets": []any{map[string]any{"target": "a.test"}, map[string]any{"target": "a.test:8000"}}},
			"targets[1] is a.test:8000, the same target as targets[0]: list each target once"},
		{"health statuses are numbers", map[string]any{"name": "u", "healthchecks": map[string]any{"active": map[string]any{"healthy": map[string]any{"http_statuses": []any{"ok"}}}}},
			"Elements value for option 'http_statuses' found in 'healthchecks -> active -> healthy' is of type <class 'str'>"},
		{"probe headers are strings", map[string]any{"name": "u", "healthchecks": map[string]any{"active": map[string]any{"headers": map[string]any{"x-a": 1}}}},
			"healthchecks.active.headers.x-a: expected a string or a list of strings, got 1 (int)"},
		{"unknown health check key", map[string]any{"name": "u", "healthchecks": map[string]any{"active": map[string]any{"intervall": 1}}},
			"Unsupported parameters for (kong_upstream) module: healthchecks.active.intervall."},
		{"algorithm has choices", map[string]any{"name": "u", "algorithm": "random"},
			"value of algorithm must be one of: round-robin, consistent-hashing, least-connections, latency, got: random"},
	}
	kongtest.RefuseBadInput(t, Definition, tests)
}

// Fields Kong 2.8 lacks fail before anything is written, naming the field
// and the version (not with Kong's "unknown field" after a write).
func TestKong28_FieldsItLacks(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{Version: "2.8.5"})
	tests := []struct {
		args map[string]any
		msg  string
	}{
		{map[string]any{"use_srv_name": true}, `upstream "u.internal": use_srv_name needs Kong 3.1 or newer, and this node runs Kong 2.8.5: leave it out for this node`},
		{map[string]any{"hash_on_query_arg": "user"}, `upstream "u.internal": hash_on_query_arg needs Kong 3.0 or newer, and this node runs Kong 2.8.5: leave it out for this node`},
		{map[string]any{"healthchecks": map[string]any{"active": map[string]any{"headers": map[string]any{"x-probe": "1"}}}},
			`upstream "u.internal": healthchecks.active.headers needs Kong 3.0 or newer, and this node runs Kong 2.8.5: leave it out for this node`},
	}
	for _, tc := range tests {
		tc.args["name"] = "u.internal"
		out := env.Run(Definition, tc.args)
		assert.Equal(t, true, out["failed"], out)
		assert.Equal(t, tc.msg, out["msg"])
		assert.Equal(t, []string{"GET /"}, env.Requests())
	}
	ok := env.Run(Definition, map[string]any{"name": "u.internal", "healthchecks": map[string]any{"active": map[string]any{"timeout": 3}}})
	assert.Equal(t, "create", ok["operation"], ok["msg"])
	assert.NotContains(t, env.Requests(), "GET /", "a task that sets no newer field does not read the version")
}
