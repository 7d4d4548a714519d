package kongtest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"platform.ops/modules-src/internal/ansible"
)

// CheckDefinition is what every Kong module's definition must hold beyond
// ansible.Definition.Check: EXAMPLES is a YAML list of tasks, some using
// the module by its FQCN (others may show a task it works with), and RETURN is YAML documenting resultKey, the key
// the module returns its entity under, with descriptions of strings (an
// unquoted line holding ": " becomes a dict that ansible-doc cannot print).
func CheckDefinition(t *testing.T, def *ansible.Definition, resultKey string) {
	t.Helper()
	require.NoError(t, def.Check())
	var examples []map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(def.Examples), &examples), "EXAMPLES must be YAML")
	uses := 0
	for _, ex := range examples {
		if _, ok := ex["platform.ops."+def.Name]; ok {
			uses++
		}
	}
	assert.NotZero(t, uses, "no example uses platform.ops.%s by its FQCN", def.Name)
	var returns map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(def.Returns), &returns), "RETURN must be YAML")
	assert.Contains(t, returns, resultKey)
	for key, v := range returns {
		desc, _ := v.(map[string]any)["description"].([]any)
		for i, line := range desc {
			assert.IsType(t, "", line, "RETURN %s description line %d must be a string (quote lines holding ': ')", key, i)
		}
	}
}

// BadInputs are argument documents a module must refuse before it talks to
// Kong; Msg is a part of the message it must give. (An unnamed element
// type keeps the callers' literals short without go vet's unkeyed-fields
// warning for a struct of another package.)
type BadInputs []struct {
	Name string
	Args map[string]any
	Msg  string
}

// RefuseBadInput runs each case with admin_url pointing at a port nothing
// listens on, so a case that got past validation fails with a connection
// error instead of its message: failed, the message, nothing changed.
func RefuseBadInput(t *testing.T, def *ansible.Definition, cases BadInputs) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			args := map[string]any{"admin_url": "http://127.0.0.1:1", "admin_retries": 0}
			for k, v := range tc.Args {
				args[k] = v
			}
			out := ansible.Execute(context.Background(), def, args)
			assert.Equal(t, true, out["failed"], out)
			assert.Contains(t, out["msg"], tc.Msg)
			assert.Equal(t, false, out["changed"])
		})
	}
}
