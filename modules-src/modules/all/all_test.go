package all

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDefinitions checks every registered module once: a valid interface
// (ansible.Definition.Check) and a unique name the binary can dispatch on.
func TestDefinitions(t *testing.T) {
	defs := Definitions()
	require.NotEmpty(t, defs)
	seen := map[string]bool{}
	for _, def := range defs {
		require.NotNil(t, def)
		t.Run(def.Name, func(t *testing.T) {
			assert.NoError(t, def.Check())
			assert.False(t, seen[def.Name], "module %s is registered twice", def.Name)
			seen[def.Name] = true
		})
	}
}
