// Package ansible is the module runtime: it reads a task's arguments, validates
// them with AnsibleModule's semantics and wording, runs a module and prints
// exactly one JSON result with every no_log value masked. Nothing in it knows
// about Kong or MapR.
//
// This file is the contract the module packages are written against. The
// implementation lives in the other files of this package.
package ansible

import "context"

// Type is an argument_spec type name, spelled as AnsibleModule spells it.
type Type string

// The option types AnsibleModule knows (module_utils/common/validation.py).
const (
	Str     Type = "str"
	Bool    Type = "bool"
	Int     Type = "int"
	Float   Type = "float"
	List    Type = "list"
	Dict    Type = "dict"
	Path    Type = "path"
	Raw     Type = "raw"
	JSONArg Type = "jsonarg"
)

// Option is one entry of an argument spec. It is also the source of the
// option's documentation: the doc stubs under plugins/ are generated from it.
type Option struct {
	Type     Type // defaults to Str when empty, as in AnsibleModule
	Elements Type // element type for List options
	Required bool
	Default  any
	Choices  []any
	Aliases  []string
	NoLog    bool
	// Secrets derives, from the option's value, the values to mask in the
	// output when only some of it is secret (e.g. the password inside a
	// URL, the values of credential headers), or when what is secret is
	// only known once the module has run a while (e.g. the leaves of a
	// plugin config, which its schema tells): it then returns every leaf,
	// and the module narrows the set with Module.SetOptionSecrets once it
	// knows better. The runtime calls it right after validation, even a
	// failed one, so the values are masked on every path, invocation
	// included. It must accept a value of any type (validation may have
	// failed to convert it).
	Secrets func(value any) []string
	// EnvFallback names environment variables read, in order, when the
	// option is not given (AnsibleModule's fallback=(env_fallback, [...])).
	EnvFallback []string
	// Suboptions turns a Dict (or List of Dict) option into a nested spec.
	Suboptions *Spec
	// ApplyDefaults validates an omitted Dict option as {} so its
	// suboptions' defaults apply (AnsibleModule's apply_defaults).
	ApplyDefaults bool

	// Documentation only.
	Description  []string
	VersionAdded string
}

// RequiredIf is one required_if rule: when Key equals Value, Requires must be
// set (all of them, or any of them when AnyOf is true).
type RequiredIf struct {
	Key      string
	Value    any
	Requires []string
	AnyOf    bool
}

// Spec is an argument spec with its cross-option rules.
type Spec struct {
	Options           map[string]*Option
	MutuallyExclusive [][]string
	RequiredTogether  [][]string
	RequiredOneOf     [][]string
	RequiredIf        []RequiredIf
	RequiredBy        map[string][]string
}

// Support is the value of a documented attribute (check_mode, diff_mode).
type Support string

const (
	Full    Support = "full"
	Partial Support = "partial"
	None    Support = "none"
)

// Fragment is a set of options shared by several modules (e.g. the Kong
// connection options). Its options are merged into each module's spec for
// validation, and it is rendered once as plugins/doc_fragments/<Name>.py.
type Fragment struct {
	Name        string // doc fragment file name without .py, e.g. "kong"
	Description []string
	Spec        Spec
	// ExplainUnsupported, when set, may explain task parameters the
	// modules do not support (say, fields of an API object that only the
	// server sets); its text is appended to the "Unsupported parameters"
	// message. It returns "" to say nothing.
	ExplainUnsupported func(names []string) string
}

// RunFunc is a module's whole behaviour. It returns the result keys to add
// (changed, diff, the entity, ...) or an error; an error becomes
// failed: true with msg set to the error's text (see Failure for extra keys).
type RunFunc func(ctx context.Context, m *Module) (Result, error)

// Definition is one module: its interface (spec + docs) and its behaviour.
type Definition struct {
	Name string // short name, e.g. "kong_service"
	// ControllerFiles are path options that name files on the Ansible
	// controller, as copy's src does: when the module runs there (a local
	// connection or delegate_to: localhost), the action plugin resolves a
	// relative path the way Ansible finds a role's or a playbook's files
	// (files/ of the role, the playbook's directory, ...) and hands the
	// module a decrypted private copy of an Ansible Vault file.
	ControllerFiles  []string
	ShortDescription string
	Description      []string
	Notes            []string
	Spec             Spec
	Fragments        []*Fragment
	CheckMode        Support
	DiffMode         Support
	Examples         string // YAML text of EXAMPLES
	Returns          string // YAML text of RETURN
	Run              RunFunc
}

// Result holds the keys a module returns. "changed", "diff", "warnings" and
// "invocation" are managed by the runtime; modules set "changed" and "diff"
// themselves and may add any other key.
type Result map[string]any

// FieldNames is a top-level result value that lists names of fields (keys,
// or dotted paths of keys), such as the fields a task changed. Like keys,
// names are never masked: a secret that happens to occur in a field name
// (a password "p" inside "password") must not garble the list. Never put a
// value in it.
type FieldNames []string

// NonNilStrings returns s, or an empty list for nil, so that a result key
// documented as a list is [] rather than null in the JSON.
func NonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Failure is an error carrying extra result keys, e.g. Kong's status and
// fields. Error() returns Msg.
type Failure struct {
	Msg    string
	Fields map[string]any
	// Err is the error behind the failure, when a caller needs to tell
	// what happened (errors.As), e.g. a connection that broke mid-write.
	Err error
}

func (f *Failure) Error() string { return f.Msg }

func (f *Failure) Unwrap() error { return f.Err }
