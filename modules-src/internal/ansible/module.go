package ansible

import (
	"encoding/json"
	"fmt"
)

// Module is what a RunFunc sees: the validated parameters and the task's
// runtime flags. Build one with New (tests) or let Main/Execute build it.
type Module struct {
	Name      string // short module name, e.g. "kong_service"
	Params    Params
	CheckMode bool
	Diff      bool
	Verbosity int
	// AnsibleVersion is _ansible_version, empty outside Ansible.
	AnsibleVersion string
	// NoLog is the task's no_log (_ansible_no_log): Ansible hides the
	// result itself, modules only need it to avoid logging elsewhere.
	NoLog bool

	warnings     []string
	deprecations []map[string]any
	secrets      []string
	// optionSecrets are the values Option.Secrets derived from each
	// option's value, as narrowed by SetOptionSecrets.
	optionSecrets map[string][]string
	// hiddenArgs are options whose strings are hidden in the echo of the
	// arguments (HideArgStrings).
	hiddenArgs map[string]bool
}

// Params are validated parameters: every option of the spec is present,
// with values converted to string, bool, int, float64, []any,
// map[string]any (nested params for suboptions) or nil when unset.
type Params map[string]any

// Given reports whether the option has a non-nil value (given by the user,
// an env fallback or a non-nil default).
func (p Params) Given(name string) bool { return p[name] != nil }

// String returns a str/path option, "" when unset.
func (p Params) String(name string) string { s, _ := p[name].(string); return s }

// Bool returns a bool option, false when unset.
func (p Params) Bool(name string) bool { b, _ := p[name].(bool); return b }

// Int returns an int option, 0 when unset. A bool given for an int option
// is kept by validation, as AnsibleModule does, and read here as 1 or 0.
func (p Params) Int(name string) int {
	switch v := p[name].(type) {
	case int:
		return v
	case bool:
		if v {
			return 1
		}
	}
	return 0
}

// Float returns a float option, 0 when unset.
func (p Params) Float(name string) float64 { f, _ := p[name].(float64); return f }

// List returns a list option, nil when unset.
func (p Params) List(name string) []any { l, _ := p[name].([]any); return l }

// Strings returns a list option as strings (elements are formatted with %v).
func (p Params) Strings(name string) []string {
	l := p.List(name)
	if l == nil {
		return nil
	}
	out := make([]string, len(l))
	for i, v := range l {
		if s, ok := v.(string); ok {
			out[i] = s
		} else {
			out[i] = fmt.Sprint(v)
		}
	}
	return out
}

// Dict returns a dict option, nil when unset.
func (p Params) Dict(name string) map[string]any { d, _ := p[name].(map[string]any); return d }

// Decode copies the parameters into a struct through encoding/json, so a
// module can hold its options in typed fields (use pointers to tell unset
// options apart).
func (m *Module) Decode(v any) error {
	b, err := json.Marshal(m.Params)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// Warn adds a warning shown by Ansible as [WARNING].
func (m *Module) Warn(msg string) { m.warnings = append(m.warnings, msg) }

// Deprecate adds a deprecation shown by Ansible as [DEPRECATION WARNING].
func (m *Module) Deprecate(msg, version string) {
	m.deprecations = append(m.deprecations, map[string]any{
		"msg": msg, "version": version, "collection_name": "platform.ops",
	})
}

// AddSecret registers a value that must never appear in the output, in
// addition to the values of no_log options (e.g. a license text read from a
// file). It is masked wherever it occurs, like a no_log value.
func (m *Module) AddSecret(s string) {
	if s != "" {
		m.secrets = append(m.secrets, s)
	}
}

// SetOptionSecrets replaces the values masked on behalf of option name,
// which its Option.Secrets derived conservatively after validation, with
// values: a module calls it once it knows which parts of the option's value
// are really secret (e.g. from a schema). Values are masked wherever they
// occur, like AddSecret's.
func (m *Module) SetOptionSecrets(name string, values []string) {
	if m.optionSecrets == nil {
		m.optionSecrets = map[string][]string{}
	}
	kept := []string{}
	for _, v := range values {
		if v != "" {
			kept = append(kept, v)
		}
	}
	m.optionSecrets[name] = kept
}

// HideArgStrings hides every string inside option name's value in the echo
// of the arguments (invocation.module_args), as no_log hides a whole value:
// for a task that stops before it can tell which parts are secret. Unlike
// AddSecret the strings are not masked in the rest of the output, so short
// ones do not garble messages.
func (m *Module) HideArgStrings(name string) {
	if m.hiddenArgs == nil {
		m.hiddenArgs = map[string]bool{}
	}
	m.hiddenArgs[name] = true
}

// AllLeaves is an Option.Secrets for an option whose secret parts are not
// known before the module runs: every scalar inside the value except
// booleans (as no_log registers a whole value), keys excluded.
func AllLeaves(value any) []string {
	set := map[string]struct{}{}
	addSecretValues(set, value)
	return sortedKeys(set)
}
