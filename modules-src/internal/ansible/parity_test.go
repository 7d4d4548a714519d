package ansible

import (
	"bytes"
	"os"
	"os/exec"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ansiblePython is the interpreter ansible-core is installed for (Debian's
// package); the python3 first on PATH may be another build without it.
const ansiblePython = "/usr/bin/python3"

// TestParityWithAnsibleCore runs every specCase through ansible-core's own
// ArgumentSpecValidator (testdata/argspec_parity.py) and requires the Go
// validator to report the same first error, the same validated values and
// the same no_log values. It skips only outside CI when ansible-core is
// not installed.
func TestParityWithAnsibleCore(t *testing.T) {
	requireAnsible(t)
	results := runPythonValidator(t, specCases)
	for i, tc := range specCases {
		t.Run(tc.name, func(t *testing.T) {
			require.Nil(t, results[i]["crash"], "ansible-core crashed on a table case")
			assertSameAsPython(t, tc, results[i])
		})
	}
	t.Logf("%d cases compared with ansible-core", len(specCases))
}

// requireAnsible skips the test when ansible-core is missing, unless CI is
// set, where a missing ansible-core is a failure.
func requireAnsible(t *testing.T) {
	t.Helper()
	if err := exec.Command(ansiblePython, "-c", "import ansible.module_utils.common.arg_spec").Run(); err != nil {
		if os.Getenv("CI") == "" {
			t.Skipf("ansible-core is not importable by %s (%v); set CI=1 to make this a failure", ansiblePython, err)
		}
		t.Fatalf("CI is set but ansible-core is not importable by %s: %v", ansiblePython, err)
	}
}

// runPythonValidator validates every case with ansible-core, in one
// interpreter run.
func runPythonValidator(t *testing.T, cases []specCase) []map[string]any {
	t.Helper()
	input := make([]any, len(cases))
	for i, tc := range cases {
		input[i] = map[string]any{
			"id": tc.name, "spec": pythonSpec(&tc.spec), "rules": pythonRules(&tc.spec),
			"params": normalize(tc.params), "env": normalize(tc.env),
		}
	}
	cmd := exec.Command(ansiblePython, "testdata/argspec_parity.py")
	// pyJSONDumps keeps 1.0 a float, which encoding/json would print as 1.
	cmd.Stdin = strings.NewReader(pyJSONDumps(input))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	require.NoError(t, err, stderr.String())
	decoded, err := decodeJSON(stdout)
	require.NoError(t, err)
	require.Len(t, decoded, len(cases))
	out := make([]map[string]any, len(cases))
	for i, r := range decoded.([]any) {
		out[i] = r.(map[string]any)
	}
	return out
}

// assertSameAsPython requires the Go validator to give ansible-core's first
// error, validated values and no_log values.
func assertSameAsPython(t *testing.T, tc specCase, py map[string]any) {
	t.Helper()
	v, params := validateCase(t, tc)
	assert.Equal(t, normalizeBoolList(py["error"].(string)), normalizeBoolList(v.firstError("parity")), "first error")
	assert.True(t, reflect.DeepEqual(py["validated"], any(params)), "validated params differ:\npython: %s\ngo:     %s",
		pyJSONDumps(py["validated"]), pyJSONDumps(params))
	var pyNoLog []string
	for _, s := range py["no_log"].([]any) {
		pyNoLog = append(pyNoLog, s.(string))
	}
	sort.Strings(pyNoLog)
	if py["error"] == "" {
		assert.Equal(t, pyNoLog, nilIfEmpty(sortedKeys(v.noLog)), "no_log values")
		return
	}
	// When listing no_log values raises (a malformed suboption value),
	// ansible-core drops every no_log value found so far; Go keeps them,
	// so the failure message can still be masked.
	assert.Subset(t, sortedKeys(v.noLog), pyNoLog, "no_log values")
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

// Python prints the valid booleans from a frozenset, in an order that
// changes with each interpreter run; compare them as a set.
var validBooleansList = regexp.MustCompile(`Valid booleans include: (.*)$`)

func normalizeBoolList(msg string) string {
	return validBooleansList.ReplaceAllStringFunc(msg, func(m string) string {
		items := strings.Split(strings.TrimPrefix(m, "Valid booleans include: "), ", ")
		sort.Strings(items)
		return "Valid booleans include: " + strings.Join(items, ", ")
	})
}

// pythonSpec renders a Spec as an argument_spec dict for the helper.
func pythonSpec(spec *Spec) map[string]any {
	out := map[string]any{}
	for name, opt := range spec.Options {
		o := map[string]any{}
		if opt.Type != "" {
			o["type"] = string(opt.Type)
		}
		if opt.Elements != "" {
			o["elements"] = string(opt.Elements)
		}
		if opt.Required {
			o["required"] = true
		}
		if opt.Default != nil {
			o["default"] = normalize(opt.Default)
		}
		if opt.Choices != nil {
			o["choices"] = normalize(opt.Choices)
		}
		if opt.Aliases != nil {
			o["aliases"] = normalize(opt.Aliases)
		}
		if opt.NoLog {
			o["no_log"] = true
		}
		if opt.EnvFallback != nil {
			o["env_fallback"] = normalize(opt.EnvFallback)
		}
		if opt.ApplyDefaults {
			o["apply_defaults"] = true
		}
		if opt.Suboptions != nil {
			o["options"] = pythonSpec(opt.Suboptions)
			for k, v := range pythonRules(opt.Suboptions) {
				o[k] = v
			}
		}
		out[name] = o
	}
	return out
}

// pythonRules renders a Spec's rules as ArgumentSpecValidator keywords.
func pythonRules(spec *Spec) map[string]any {
	out := map[string]any{}
	if spec.MutuallyExclusive != nil {
		out["mutually_exclusive"] = normalize(spec.MutuallyExclusive)
	}
	if spec.RequiredTogether != nil {
		out["required_together"] = normalize(spec.RequiredTogether)
	}
	if spec.RequiredOneOf != nil {
		out["required_one_of"] = normalize(spec.RequiredOneOf)
	}
	if spec.RequiredIf != nil {
		var rules []any
		for _, r := range spec.RequiredIf {
			rules = append(rules, []any{r.Key, normalize(r.Value), normalize(r.Requires), r.AnyOf})
		}
		out["required_if"] = rules
	}
	if spec.RequiredBy != nil {
		out["required_by"] = normalize(spec.RequiredBy)
	}
	return out
}
