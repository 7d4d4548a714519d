package kongroute

import (
	"testing"

	"platform.ops/modules-src/internal/kong/kongtest"
)

func TestDefinition_IsConsistent(t *testing.T) {
	t.Parallel()
	kongtest.CheckDefinition(t, Definition, "route")
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	// None of these reach Kong: admin_url points at a port nothing listens on.
	tests := kongtest.BadInputs{
		{"name or id is required", map[string]any{"paths": []any{"/a"}},
			"one of the following is required: name, id"},
		{"id must be a uuid", map[string]any{"id": "my-route"},
			`id must be a UUID such as 9f3c6b0e-1111-4222-8333-444455556666, got "my-route" (use name to select a route by name)`},
		{"redirect code has choices", map[string]any{"name": "r", "https_redirect_status_code": 303},
			"value of https_redirect_status_code must be one of: 426, 301, 302, 307, 308, got: 303"},
		{"path_handling has choices", map[string]any{"name": "r", "path_handling": "v2"},
			"value of path_handling must be one of: v0, v1, got: v2"},
		{"regex_priority must be an int", map[string]any{"name": "r", "regex_priority": "high"},
			"argument 'regex_priority' is of type <class 'str'> and we were unable to convert to int: "},
		{"sources need ip or port", map[string]any{"name": "r", "sources": []any{map[string]any{}}},
			"one of the following is required: ip, port found in sources"},
		{"headers values are strings", map[string]any{"name": "r", "headers": map[string]any{"x-a": map[string]any{"b": 1}}},
			"headers.x-a: expected a string or a list of strings"},
		{"unknown option", map[string]any{"name": "r", "path": "/a"},
			"Unsupported parameters for (kong_route) module: path."},
	}
	kongtest.RefuseBadInput(t, Definition, tests)
}
