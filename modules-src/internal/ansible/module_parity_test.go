package ansible

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// moduleCase is one whole task: args in, printed object out. The module
// warns each of warn, then returns result, or fails with fail and result's
// keys.
type moduleCase struct {
	name       string
	spec       Spec
	checkMode  Support
	args       map[string]any
	env        map[string]string
	warn       []string
	result     map[string]any
	fail       string
	wantSubstr string // a sanity check on the Go output, besides parity
}

var secretSpec = Spec{Options: opts{
	"name":      {Aliases: []string{"svc"}},
	"token":     {NoLog: true, Aliases: []string{"api_token"}},
	"pin":       {Type: Int, NoLog: true},
	"mode":      {Choices: []any{"a", "b"}},
	"env_token": {NoLog: true, EnvFallback: []string{"PO_MODULE_PARITY_TOKEN"}},
	"upstream": {Type: Dict, Suboptions: sub(opts{
		"host":     str,
		"password": {NoLog: true},
	})},
	"targets": {Type: List, Elements: Dict, Suboptions: sub(opts{"key": {NoLog: true}, "weight": {Type: Int, Default: 100}})},
	"tags":    {Type: List, Elements: Str},
}}

var moduleCases = []moduleCase{
	{name: "secrets are masked in the message, entities and lists; invocation hides no_log options",
		args: map[string]any{"name": "svc1", "token": "s3cr3t-token", "tags": "x,y",
			"upstream": map[string]any{"host": "h", "password": "hunter2-pw"}, "targets": []any{map[string]any{"key": "k3y-value"}}},
		result: map[string]any{"changed": true, "msg": "used s3cr3t-token and hunter2-pw",
			"entity": map[string]any{"url": "http://u:hunter2-pw@h", "list": []any{"k3y-value!", 1, nil, true}}},
		wantSubstr: `"token":"VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"`},
	{name: "a no_log value given by alias",
		args:   map[string]any{"api_token": "alias-secret"},
		result: map[string]any{"changed": false, "msg": "x alias-secret y"}},
	{name: "a no_log int masks the number and strings holding it",
		args:   map[string]any{"pin": "4321"},
		result: map[string]any{"changed": false, "code": 4321, "other": 99, "msg": "pin=4321"}},
	{name: "an env fallback no_log value is masked",
		args:   map[string]any{},
		env:    map[string]string{"PO_MODULE_PARITY_TOKEN": "from-env-secret"},
		result: map[string]any{"changed": false, "msg": "got from-env-secret"}},
	{name: "failure keeps its fields, masked",
		args:   map[string]any{"token": "s3cr3t-token"},
		fail:   "Kong said: bad token s3cr3t-token",
		result: map[string]any{"status": 401, "fields": map[string]any{"token": "invalid s3cr3t-token"}}},
	{name: "unsupported parameter framed with the module name",
		args:   map[string]any{"bogus": 1, "token": "s3cr3t-token"},
		result: map[string]any{"changed": false}},
	{name: "a choices error naming a no_log value is masked",
		spec:   Spec{Options: opts{"level": {NoLog: true, Choices: []any{"low", "high"}}}},
		args:   map[string]any{"level": "medium-secret"},
		result: map[string]any{"changed": false}},
	{name: "nested missing required",
		spec:   Spec{Options: opts{"up": {Type: Dict, Suboptions: sub(opts{"host": req, "pw": {NoLog: true}})}}},
		args:   map[string]any{"up": map[string]any{"pw": "nested-secret"}},
		result: map[string]any{"changed": false}},
	{name: "check mode is skipped when the module does not support it",
		checkMode: None,
		args:      map[string]any{"token": "s3cr3t-token", "_ansible_check_mode": true},
		result:    map[string]any{"changed": true}},
	{name: "check mode runs when supported",
		args:   map[string]any{"_ansible_check_mode": true, "_ansible_diff": true},
		result: map[string]any{"changed": true, "diff": map[string]any{"before": "a", "after": "b"}}},
	{name: "alias and option both given warn, module warnings follow",
		args:   map[string]any{"name": "a", "svc": "b"},
		warn:   []string{"first", "second"},
		result: map[string]any{"changed": false}},
	{name: "unknown _ansible_ keys are ignored",
		args:   map[string]any{"_ansible_debug": false, "_ansible_verbosity": 2, "_ansible_tmpdir": "/tmp/x", "_ansible_remote_tmp": "~/.ansible/tmp", "_ansible_syslog_facility": "LOG_USER"},
		result: map[string]any{"changed": false}},
}

// TestModuleParityWithAnsibleModule runs each moduleCase through Execute
// and through a real AnsibleModule (testdata/module_parity.py) and requires
// the same printed object, except for two deliberate differences: Execute
// always sets "changed", and it masks a value that is exactly a secret
// outside invocation as ******** (AnsibleModule: VALUE_SPECIFIED_IN_NO_LOG_PARAMETER).
func TestModuleParityWithAnsibleModule(t *testing.T) {
	requireAnsible(t)
	input := make([]any, len(moduleCases))
	for i, tc := range moduleCases {
		spec := tc.specOrDefault()
		args := map[string]any{"_ansible_module_name": "parity_mod"}
		for k, v := range tc.args {
			args[k] = v
		}
		input[i] = map[string]any{
			"id": tc.name, "spec": pythonSpec(spec), "rules": pythonRules(spec), "supports_check_mode": tc.checkMode != None,
			"args": normalize(args), "warn": normalize(tc.warn), "result": normalize(tc.result), "fail": tc.fail,
		}
	}
	for _, tc := range moduleCases {
		for k, v := range tc.env {
			t.Setenv(k, v)
		}
	}
	cmd := exec.Command(ansiblePython, "testdata/module_parity.py")
	cmd.Stdin = strings.NewReader(pyJSONDumps(input))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	require.NoError(t, err, stderr.String())
	decoded, err := decodeJSON(stdout)
	require.NoError(t, err)
	results := decoded.([]any)
	require.Len(t, results, len(moduleCases))

	for i, tc := range moduleCases {
		t.Run(tc.name, func(t *testing.T) {
			py := results[i].(map[string]any)
			args := map[string]any{"_ansible_module_name": "parity_mod"}
			for k, v := range tc.args {
				args[k] = v
			}
			out := Execute(context.Background(), tc.definition(), args)
			if tc.wantSubstr != "" {
				assert.Contains(t, string(mustJSON(t, out)), tc.wantSubstr)
			}
			if _, ok := py["changed"]; !ok && out["changed"] == false {
				delete(out, "changed")
			}
			for k, v := range py {
				if k != "invocation" {
					py[k] = exactSecretAsStars(v)
				}
			}
			assert.Equal(t, pyJSONDumps(py), pyJSONDumps(out))
		})
	}
	t.Logf("%d module runs compared with AnsibleModule", len(moduleCases))
}

func (tc moduleCase) specOrDefault() *Spec {
	if tc.spec.Options != nil {
		return &tc.spec
	}
	return &secretSpec
}

func (tc moduleCase) definition() *Definition {
	checkMode := tc.checkMode
	if checkMode == "" {
		checkMode = Full
	}
	return &Definition{
		Name: "parity_mod", ShortDescription: "parity", CheckMode: checkMode, Spec: *tc.specOrDefault(),
		Run: func(ctx context.Context, m *Module) (Result, error) {
			for _, w := range tc.warn {
				m.Warn(w)
			}
			result := Result(deepCopy(normalize(tc.result)).(map[string]any))
			if tc.fail != "" {
				return nil, &Failure{Msg: tc.fail, Fields: result}
			}
			return result, nil
		},
	}
}

func exactSecretAsStars(v any) any {
	switch t := v.(type) {
	case string:
		if t == noLogArgValue {
			return maskedText
		}
	case []any:
		for i := range t {
			t[i] = exactSecretAsStars(t[i])
		}
	case map[string]any:
		for k := range t {
			t[k] = exactSecretAsStars(t[k])
		}
	}
	return v
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	printResult(&buf, v.(map[string]any))
	return buf.Bytes()
}
