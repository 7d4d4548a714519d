package docgen_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/docgen"
	"platform.ops/modules-src/modules/all"
)

// repoRoot is the collection root: the directory holding go.mod.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		require.NotEqual(t, parent, dir, "go.mod not found")
		dir = parent
	}
}

// TestGeneratedFilesAreUpToDate fails, listing them, when the committed
// generated files differ from what the Definitions produce.
func TestGeneratedFilesAreUpToDate(t *testing.T) {
	files, err := docgen.Files(all.Definitions())
	require.NoError(t, err)
	stale, err := docgen.Stale(repoRoot(t), files)
	require.NoError(t, err)
	if len(stale) > 0 {
		t.Fatalf("generated files are stale, run make docs (go run ./modules-src/cmd/gendocs):\n  %s", strings.Join(stale, "\n  "))
	}
}

// documentedOptions reads a generated module's DOCUMENTATION and merges the
// options of its fragments, as ansible-doc does.
func documentedOptions(t *testing.T, files map[string][]byte, module string) map[string]any {
	t.Helper()
	doc := parseYAML(t, pyString(t, files["plugins/modules/"+module+".py"], "DOCUMENTATION"))
	options, _ := doc["options"].(map[string]any)
	merged := map[string]any{}
	for k, v := range options {
		merged[k] = v
	}
	for _, ref := range doc["extends_documentation_fragment"].([]any) {
		parts := strings.Split(ref.(string), ".")
		require.GreaterOrEqual(t, len(parts), 3, ref)
		src, ok := files["plugins/doc_fragments/"+parts[2]+".py"]
		require.True(t, ok, "fragment %s is not generated", ref)
		variable := "DOCUMENTATION"
		if len(parts) == 4 {
			variable = strings.ToUpper(parts[3])
		}
		fragment := parseYAML(t, pyString(t, src, variable))
		fragmentOptions, _ := fragment["options"].(map[string]any)
		for k, v := range fragmentOptions {
			require.NotContains(t, merged, k, "option %s documented twice", k)
			merged[k] = v
		}
	}
	return merged
}

// assertDocsMatchSpec compares every documented option with the spec the
// runtime validates against, recursively.
func assertDocsMatchSpec(t *testing.T, path string, spec *ansible.Spec, docs map[string]any) {
	t.Helper()
	assert.ElementsMatch(t, sortedNames(spec.Options), sortedNames(docs), "%s: documented options", path)
	for name, opt := range spec.Options {
		d, ok := docs[name].(map[string]any)
		if !ok {
			continue
		}
		where := path + "." + name
		wantType := string(opt.Type)
		if wantType == "" {
			wantType = "str"
		}
		assert.Equal(t, wantType, d["type"], "%s: type", where)
		assert.Equal(t, nonEmpty(string(opt.Elements)), d["elements"], "%s: elements", where)
		assert.Equal(t, opt.Required, d["required"] == true, "%s: required", where)
		assert.Equal(t, stringsOrNil(opt.Aliases), d["aliases"], "%s: aliases", where)
		desc, _ := d["description"].([]any)
		assert.NotEmpty(t, desc, "%s: description", where)
		if opt.Default == nil {
			assert.NotContains(t, d, "default", "%s: default", where)
		} else {
			want, err := ansible.ConvertValue(opt.Type, opt.Elements, opt.Default)
			require.NoError(t, err)
			assert.Equal(t, jsonForm(t, want), jsonForm(t, d["default"]), "%s: default", where)
		}
		if opt.Choices == nil {
			assert.NotContains(t, d, "choices", "%s: choices", where)
		} else {
			assert.Equal(t, jsonForm(t, opt.Choices), jsonForm(t, d["choices"]), "%s: choices", where)
		}
		if opt.Suboptions != nil {
			sub, _ := d["suboptions"].(map[string]any)
			assertDocsMatchSpec(t, where, opt.Suboptions, sub)
		} else {
			assert.NotContains(t, d, "suboptions", "%s: suboptions", where)
		}
	}
}

func TestDocumentationMatchesSpec(t *testing.T) {
	defs := append([]*ansible.Definition{testDefinition()}, all.Definitions()...)
	files, err := docgen.Files(defs)
	require.NoError(t, err)
	for _, def := range defs {
		t.Run(def.Name, func(t *testing.T) {
			require.NoError(t, def.Check())
			spec, err := def.FullSpec()
			require.NoError(t, err)
			assertDocsMatchSpec(t, def.Name, spec, documentedOptions(t, files, def.Name))
		})
	}
}

// TestAnsibleDocReadsGeneratedDocs loads the generated files with the real
// ansible-doc (as an installed collection would be) and checks the merged
// options and attributes it reports.
func TestAnsibleDocReadsGeneratedDocs(t *testing.T) {
	ansibleDoc, err := exec.LookPath("ansible-doc")
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("ansible-doc is not installed; set CI=1 to make this a failure")
		}
		t.Fatal("CI is set but ansible-doc is not installed")
	}
	files, err := docgen.Files([]*ansible.Definition{testDefinition()})
	require.NoError(t, err)
	collections := t.TempDir()
	root := filepath.Join(collections, "ansible_collections", "platform", "ops")
	require.NoError(t, docgen.Write(root, files))

	cmd := exec.Command(ansibleDoc, "--json", "-t", "module", "platform.ops.kong_docgen_test")
	cmd.Env = append(os.Environ(), "ANSIBLE_COLLECTIONS_PATH="+collections, "ANSIBLE_HOME="+t.TempDir(), "ANSIBLE_NOCOLOR=1")
	out, err := cmd.Output()
	var stderr string
	if exitErr, ok := err.(*exec.ExitError); ok {
		stderr = string(exitErr.Stderr)
	}
	require.NoError(t, err, stderr)
	var result map[string]map[string]any
	require.NoError(t, json.Unmarshal(out, &result), string(out))
	doc, _ := result["platform.ops.kong_docgen_test"]["doc"].(map[string]any)
	require.NotNil(t, doc, string(out))
	assert.Equal(t, true, doc["has_action"], "ansible-doc sees the action plugin")

	spec, err := testDefinition().FullSpec()
	require.NoError(t, err)
	assertDocsMatchSpec(t, "ansible-doc", spec, doc["options"].(map[string]any))
	attrs := doc["attributes"].(map[string]any)
	assert.Equal(t, "full", attrs["check_mode"].(map[string]any)["support"])
	assert.NotEmpty(t, attrs["check_mode"].(map[string]any)["description"])
	assert.Equal(t, "partial", attrs["diff_mode"].(map[string]any)["support"])
	assert.Equal(t, []any{"platform.ops.kong"}, attrs["action_group"].(map[string]any)["membership"])
}

func sortedNames[V any](m map[string]V) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

func nonEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func stringsOrNil(s []string) any {
	if len(s) == 0 {
		return nil
	}
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// jsonForm compares values across Go and YAML types (int vs int64,
// []string vs []any) by their JSON text.
func jsonForm(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}
