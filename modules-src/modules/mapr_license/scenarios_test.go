package maprlicense

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/mapr"
	"platform.ops/tests/maprfake"
)

type scenario struct {
	ID         string         `yaml:"id"`
	Input      map[string]any `yaml:"input"`
	Output     map[string]any `yaml:"output"`
	RunCommand []mapr.Step    `yaml:"run_command"`
}

// TestScenarios replays testdata/scenarios.yaml with the scripted executor:
// the exact argv of every command is asserted, and nothing else may run.
func TestScenarios(t *testing.T) {
	raw, err := os.ReadFile("testdata/scenarios.yaml")
	require.NoError(t, err)
	dir := t.TempDir()
	text, hash := maprfake.LicenseText(maprfake.LicenseSpec{ClusterID: "5119043355327235351"})
	licPath := filepath.Join(dir, "license.txt")
	ticket := filepath.Join(dir, "ticket")
	require.NoError(t, os.WriteFile(licPath, []byte(text), 0o600))
	require.NoError(t, os.WriteFile(ticket, nil, 0o600))
	// The executor is scripted; the file only has to exist.
	maprcli := filepath.Join(dir, "maprcli")
	require.NoError(t, os.WriteFile(maprcli, nil, 0o755))
	expanded := strings.NewReplacer("LICENSE_PATH", licPath, "LICENSE_HASH", hash, "TICKET_PATH", ticket, "MAPRCLI_PATH", maprcli).Replace(string(raw))
	var scenarios []scenario
	require.NoError(t, yaml.Unmarshal([]byte(expanded), &scenarios))
	require.NotEmpty(t, scenarios)

	saved := executor
	t.Cleanup(func() { executor = saved })
	for _, sc := range scenarios {
		t.Run(sc.ID, func(t *testing.T) {
			fake := &mapr.FakeExecutor{Steps: sc.RunCommand}
			executor = fake
			args := map[string]any{"mapr_home": dir}
			for k, v := range sc.Input {
				args[k] = v
			}
			res := ansible.Execute(context.Background(), Definition, args)
			assert.Empty(t, fake.Problems())
			for k, want := range sc.Output {
				assert.Equal(t, want, res[k], "result key %s (msg: %v)", k, res["msg"])
			}
		})
	}
}
