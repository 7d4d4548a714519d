package maprclusterid

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
)

type scenario struct {
	ID         string             `yaml:"id"`
	Files      map[string]string  `yaml:"files"`
	Input      map[string]any     `yaml:"input"`
	RunCommand []mapr.Step        `yaml:"run_command"`
	Output     map[string]any     `yaml:"output"`
	MsgPrefix  string             `yaml:"msg_prefix"`
	FilesAfter map[string]*string `yaml:"files_after"`
}

// TestScenarios replays testdata/scenarios.yaml with the scripted executor.
func TestScenarios(t *testing.T) {
	raw, err := os.ReadFile("testdata/scenarios.yaml")
	require.NoError(t, err)
	var scenarios []scenario
	require.NoError(t, yaml.Unmarshal(raw, &scenarios))
	require.NotEmpty(t, scenarios)
	saved := executor
	t.Cleanup(func() { executor = saved })
	for _, sc := range scenarios {
		t.Run(sc.ID, func(t *testing.T) {
			home := t.TempDir()
			for name, content := range sc.Files {
				path := filepath.Join(home, name)
				require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
				require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
			}
			for i := range sc.RunCommand {
				for j, a := range sc.RunCommand[i].Command {
					sc.RunCommand[i].Command[j] = strings.ReplaceAll(a, "HOME", home)
				}
			}
			fake := &mapr.FakeExecutor{Steps: sc.RunCommand}
			executor = fake
			args := map[string]any{"mapr_home": home}
			for k, v := range sc.Input {
				args[k] = v
			}
			res := ansible.Execute(context.Background(), Definition, args)
			if sc.MsgPrefix == "" {
				assert.Empty(t, fake.Problems())
			}
			for k, want := range sc.Output {
				if l, ok := want.([]any); ok {
					assert.Equal(t, l, res[k], "result key %s (msg: %v)", k, res["msg"])
					continue
				}
				assert.Equal(t, want, res[k], "result key %s (msg: %v)", k, res["msg"])
			}
			if sc.MsgPrefix != "" {
				assert.True(t, strings.HasPrefix(res["msg"].(string), sc.MsgPrefix), res["msg"])
			}
			for name, want := range sc.FilesAfter {
				b, err := os.ReadFile(filepath.Join(home, name))
				if want == nil {
					assert.True(t, os.IsNotExist(err), "%s must not exist", name)
				} else {
					require.NoError(t, err)
					assert.Equal(t, *want, string(b))
				}
			}
		})
	}
}
