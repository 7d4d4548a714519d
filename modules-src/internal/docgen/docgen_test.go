package docgen_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/docgen"
)

// testFragment and testDefinition exercise every documented Option field.
// They exist only in tests: the collection never ships them.
var testFragment = &ansible.Fragment{
	Name:        "docgen_conn",
	Description: []string{"Connection options of the docgen test module."},
	Spec: ansible.Spec{Options: map[string]*ansible.Option{
		"api_url":   {Default: "http://localhost:8001", EnvFallback: []string{"DOCGEN_URL"}, Description: []string{"Where the API is."}},
		"api_token": {NoLog: true, EnvFallback: []string{"DOCGEN_TOKEN", "DOCGEN_TOKEN2"}, Description: []string{"Token."}},
	}},
}

func testDefinition() *ansible.Definition {
	return &ansible.Definition{
		Name:             "kong_docgen_test",
		ShortDescription: "Exercise the doc generator",
		Description:      []string{"Line one.", "Line two: with a colon."},
		Notes:            []string{"A note."},
		Fragments:        []*ansible.Fragment{testFragment},
		CheckMode:        ansible.Full,
		DiffMode:         ansible.Partial,
		Spec: ansible.Spec{Options: map[string]*ansible.Option{
			"name":      {Required: true, Aliases: []string{"svc_name"}, Description: []string{"Name."}, VersionAdded: "0.2.0"},
			"state":     {Choices: []any{"present", "absent"}, Default: "present", Description: []string{"State."}},
			"force":     {Choices: []any{"yes", "no", "auto"}, Default: "auto", Description: []string{"Words YAML would read as booleans."}},
			"port":      {Type: ansible.Int, Default: "8080", Choices: []any{80, 8080}, Description: []string{"Port."}},
			"ratio":     {Type: ansible.Float, Default: 1, Description: []string{"Ratio."}},
			"tags":      {Type: ansible.List, Elements: ansible.Str, Default: []string{"a", "b"}, Description: []string{"Tags."}},
			"protocols": {Type: ansible.List, Elements: ansible.Str, Choices: []any{"http", "https"}, Description: []string{"Protocols."}},
			"enabled":   {Type: ansible.Bool, Default: true, Description: []string{"Enabled."}},
			"cert":      {Type: ansible.Path, Description: []string{"Path."}},
			"body":      {Type: ansible.JSONArg, Description: []string{"Body."}},
			"extra":     {Type: ansible.Raw, Description: []string{"Anything."}},
			"targets": {Type: ansible.List, Elements: ansible.Dict, Description: []string{"Targets."}, Suboptions: &ansible.Spec{Options: map[string]*ansible.Option{
				"target": {Required: true, Description: []string{"host:port"}},
				"weight": {Type: ansible.Int, Default: 100, Description: []string{"Weight."}},
				"auth": {Type: ansible.Dict, Description: []string{"Auth."}, Suboptions: &ansible.Spec{Options: map[string]*ansible.Option{
					"password": {NoLog: true, Description: []string{"Password."}},
				}}},
			}}},
		}},
		Examples: "- name: Create\n  platform.ops.kong_docgen_test:\n    name: x\n",
		Returns:  "service:\n  description: The service.\n  returned: success\n  type: dict\n",
		Run:      func(context.Context, *ansible.Module) (ansible.Result, error) { return ansible.Result{}, nil },
	}
}

// pyString extracts the raw triple-quoted string literal assigned to name in a generated
// Python file.
func pyString(t *testing.T, src []byte, name string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)\n\s*` + name + ` = r'''(.*?)'''`).FindSubmatch(src)
	require.NotNil(t, m, "%s not found", name)
	return string(m[1])
}

func parseYAML(t *testing.T, text string) map[string]any {
	t.Helper()
	var v map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(text), &v), text)
	return v
}

func TestModuleStub_Layout(t *testing.T) {
	files, err := docgen.Files([]*ansible.Definition{testDefinition()})
	require.NoError(t, err)
	stub := string(files["plugins/modules/kong_docgen_test.py"])
	lines := strings.Split(stub, "\n")
	assert.Equal(t, "#!/usr/bin/python", lines[0])
	assert.Contains(t, strings.Join(lines[:6], "\n"), "GNU General Public License v3.0+")
	assert.Contains(t, stub, "from __future__ import (absolute_import, division, print_function)\n__metaclass__ = type\n")
	assert.Contains(t, stub, docgen.Marker)

	doc := parseYAML(t, pyString(t, files["plugins/modules/kong_docgen_test.py"], "DOCUMENTATION"))
	assert.Equal(t, "kong_docgen_test", doc["module"])
	assert.Equal(t, []any{"platform.ops maintainers (@platform-ops)"}, doc["author"])
	assert.Equal(t, []any{"platform.ops.docgen_conn", "platform.ops.attributes", "platform.ops.attributes.actiongroup_kong"}, doc["extends_documentation_fragment"])
	assert.Equal(t, map[string]any{"check_mode": map[string]any{"support": "full"}, "diff_mode": map[string]any{"support": "partial"}}, doc["attributes"])
	assert.Equal(t, []any{"Line one.", "Line two: with a colon."}, doc["description"])

	options := doc["options"].(map[string]any)
	assert.Equal(t, []any{"yes", "no", "auto"}, options["force"].(map[string]any)["choices"], "boolean-looking words stay strings")
	assert.Equal(t, 8080, options["port"].(map[string]any)["default"], "a default is documented in its option's type")
	assert.Equal(t, 1.0, options["ratio"].(map[string]any)["default"])
	assert.Equal(t, "0.2.0", options["name"].(map[string]any)["version_added"])
	assert.NotContains(t, options["name"], "no_log")

	var examples []any
	require.NoError(t, yaml.Unmarshal([]byte(pyString(t, files["plugins/modules/kong_docgen_test.py"], "EXAMPLES")), &examples))
	assert.Len(t, examples, 1)
	assert.Contains(t, parseYAML(t, pyString(t, files["plugins/modules/kong_docgen_test.py"], "RETURN")), "service")
}

func TestFragmentFile_DescribesNoLogAndEnvInWords(t *testing.T) {
	files, err := docgen.Files([]*ansible.Definition{testDefinition()})
	require.NoError(t, err)
	src := files["plugins/doc_fragments/docgen_conn.py"]
	assert.Contains(t, string(src), "class ModuleDocFragment(object):")
	doc := parseYAML(t, pyString(t, src, "DOCUMENTATION"))
	options := doc["options"].(map[string]any)
	assert.Equal(t, []any{"Where the API is.", "If not set, the value of the environment variable C(DOCGEN_URL) is used."},
		options["api_url"].(map[string]any)["description"])
	assert.Equal(t, []any{"Token.", "If not set, the first of the environment variables C(DOCGEN_TOKEN), C(DOCGEN_TOKEN2) that is set is used.",
		"This value is secret: it is masked in all module output and logs."}, options["api_token"].(map[string]any)["description"])
	assert.NotContains(t, options["api_token"], "env")

	attrs := files["plugins/doc_fragments/attributes.py"]
	group := parseYAML(t, pyString(t, attrs, "ACTIONGROUP_KONG"))
	assert.Equal(t, []any{"platform.ops.kong"}, group["attributes"].(map[string]any)["action_group"].(map[string]any)["membership"])
	assert.Contains(t, parseYAML(t, pyString(t, attrs, "DOCUMENTATION"))["attributes"], "check_mode")
}

func TestActionPluginAndRuntime(t *testing.T) {
	mapr := testDefinition()
	mapr.Name = "mapr_docgen_test"
	other := testDefinition()
	other.Name = "ops_docgen_test"
	files, err := docgen.Files([]*ansible.Definition{testDefinition(), mapr, other})
	require.NoError(t, err)
	action := string(files["plugins/action/kong_docgen_test.py"])
	assert.Contains(t, action, "from ansible_collections.platform.ops.plugins.plugin_utils._go_module import GoModuleAction\n\n\nclass ActionModule(GoModuleAction):\n")
	assert.Contains(t, action, "generated by make docs; do not edit")

	runtime := parseYAML(t, string(files["meta/runtime.yml"]))
	assert.Equal(t, docgen.RequiresAnsible, runtime["requires_ansible"])
	assert.Equal(t, map[string]any{"kong": []any{"kong_docgen_test"}, "mapr": []any{"mapr_docgen_test"}}, runtime["action_groups"])
	otherDoc := parseYAML(t, pyString(t, files["plugins/modules/ops_docgen_test.py"], "DOCUMENTATION"))
	assert.Equal(t, []any{"platform.ops.docgen_conn", "platform.ops.attributes"}, otherDoc["extends_documentation_fragment"])
}

func TestFiles_RejectsBadDefinitions(t *testing.T) {
	bad := testDefinition()
	bad.Examples = "key: [unclosed"
	_, err := docgen.Files([]*ansible.Definition{bad})
	assert.ErrorContains(t, err, "EXAMPLES is not valid YAML")

	undocumented := testDefinition()
	undocumented.Spec.Options["x"] = &ansible.Option{}
	_, err = docgen.Files([]*ansible.Definition{undocumented})
	assert.ErrorContains(t, err, "option x: no Description")

	_, err = docgen.Files([]*ansible.Definition{testDefinition(), testDefinition()})
	assert.ErrorContains(t, err, "module kong_docgen_test is defined twice")
}

func TestWriteAndStale(t *testing.T) {
	root := t.TempDir()
	files, err := docgen.Files([]*ansible.Definition{testDefinition()})
	require.NoError(t, err)

	stale, err := docgen.Stale(root, files)
	require.NoError(t, err)
	assert.Len(t, stale, len(files), "everything is missing at first")

	// A generated file of a removed module, and a hand-written one.
	require.NoError(t, os.MkdirAll(filepath.Join(root, "plugins/modules"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "plugins/modules/gone.py"), []byte("# "+docgen.Marker+"\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(root, "plugins/modules/handmade.py"), []byte("# mine\n"), 0o644))

	require.NoError(t, docgen.Write(root, files))
	stale, err = docgen.Stale(root, files)
	require.NoError(t, err)
	assert.Empty(t, stale)
	assert.NoFileExists(t, filepath.Join(root, "plugins/modules/gone.py"))
	assert.FileExists(t, filepath.Join(root, "plugins/modules/handmade.py"))

	require.NoError(t, os.WriteFile(filepath.Join(root, "meta/runtime.yml"), []byte("edited"), 0o644))
	stale, err = docgen.Stale(root, files)
	require.NoError(t, err)
	assert.Equal(t, []string{"meta/runtime.yml"}, stale)
}

func TestLongTextIsWrappedWithoutChangingIt(t *testing.T) {
	long := strings.Repeat("Kong's `route`: matches #paths, \"quoted\" -- and  two  spaces keep; ", 6) + "end."
	word := strings.Repeat("x", 200)
	def := testDefinition()
	def.Description = []string{long, word}
	def.Spec.Options["name"].Description = []string{long}
	files, err := docgen.Files([]*ansible.Definition{def})
	require.NoError(t, err)
	src := files["plugins/modules/kong_docgen_test.py"]
	for i, line := range strings.Split(string(src), "\n") {
		if !strings.Contains(line, word) {
			assert.LessOrEqual(t, len(line), 160, "line %d is too long for pep8: %q", i+1, line)
		}
	}
	doc := parseYAML(t, pyString(t, src, "DOCUMENTATION"))
	assert.Equal(t, []any{long, word}, doc["description"])
	assert.Equal(t, []any{long}, doc["options"].(map[string]any)["name"].(map[string]any)["description"])
}

// The range meta/runtime.yml states must be the range make test runs: from
// Debian's 2.14 up to, not including, the minor after the matrix's newest core.
func TestRequiresAnsible_MatchesTheCoreMatrix(t *testing.T) {
	makefile, err := os.ReadFile(filepath.Join("..", "..", "..", "Makefile"))
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^ANSIBLE_CORE_MATRIX := (.+)$`).FindSubmatch(makefile)
	require.NotNil(t, m, "the Makefile sets ANSIBLE_CORE_MATRIX")
	cores := strings.Fields(string(m[1]))
	newest := cores[len(cores)-1]
	var major, minor int
	_, err = fmt.Sscanf(newest, "%d.%d", &major, &minor)
	require.NoError(t, err, "ANSIBLE_CORE_MATRIX entry %q", newest)
	assert.Equal(t, fmt.Sprintf(">=2.14.0,<%d.%d", major, minor+1), docgen.RequiresAnsible)
}
