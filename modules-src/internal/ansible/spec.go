package ansible

import (
	"errors"
	"fmt"
	"strings"
)

// FullSpec is the spec a module validates against: its own options and
// rules plus those of its Fragments.
func (d *Definition) FullSpec() (*Spec, error) {
	full := &Spec{Options: map[string]*Option{}, RequiredBy: map[string][]string{}}
	owner := map[string]string{}
	add := func(from string, s *Spec) error {
		for name, opt := range s.Options {
			if prev, dup := owner[name]; dup {
				return fmt.Errorf("option %s is defined by both %s and %s", name, prev, from)
			}
			owner[name] = from
			full.Options[name] = opt
		}
		full.MutuallyExclusive = append(full.MutuallyExclusive, s.MutuallyExclusive...)
		full.RequiredTogether = append(full.RequiredTogether, s.RequiredTogether...)
		full.RequiredOneOf = append(full.RequiredOneOf, s.RequiredOneOf...)
		full.RequiredIf = append(full.RequiredIf, s.RequiredIf...)
		for k, v := range s.RequiredBy {
			full.RequiredBy[k] = append(full.RequiredBy[k], v...)
		}
		return nil
	}
	if err := add("module "+d.Name, &d.Spec); err != nil {
		return nil, err
	}
	for _, f := range d.Fragments {
		if err := add("fragment "+f.Name, &f.Spec); err != nil {
			return nil, err
		}
	}
	return full, nil
}

// Check reports mistakes in a Definition that AnsibleModule would only
// notice at run time, or not at all: unknown types, required options with
// a default, suboptions on a non-dict, rules naming unknown options,
// defaults outside their choices. A test in modules/all runs it on every
// module.
func (d *Definition) Check() error {
	var errs []error
	if d.Name == "" {
		errs = append(errs, errors.New("definition has no Name"))
	}
	if d.Run == nil {
		errs = append(errs, fmt.Errorf("%s: Run is nil", d.Name))
	}
	if d.ShortDescription == "" {
		errs = append(errs, fmt.Errorf("%s: ShortDescription is empty", d.Name))
	}
	for _, s := range []Support{d.CheckMode, d.DiffMode} {
		if s != "" && s != Full && s != Partial && s != None {
			errs = append(errs, fmt.Errorf("%s: unknown support level %q", d.Name, s))
		}
	}
	spec, err := d.FullSpec()
	if err != nil {
		errs = append(errs, fmt.Errorf("%s: %w", d.Name, err))
	} else {
		errs = append(errs, checkSpec(d.Name, spec)...)
	}
	return errors.Join(errs...)
}

func checkSpec(path string, spec *Spec) []error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf(path+": "+format, args...))
	}
	names := map[string]bool{}
	for _, name := range optionNames(spec) {
		opt := spec.Options[name]
		names[name] = true
		for _, a := range opt.Aliases {
			if names[a] || spec.Options[a] != nil {
				bad("alias %s of %s is also an option or alias", a, name)
			}
			names[a] = true
		}
		if _, ok := converterFor(opt.Type); !ok {
			bad("option %s has unknown type %q", name, opt.Type)
		}
		if opt.Elements != "" {
			if _, ok := converterFor(opt.Elements); !ok || opt.Type != List {
				bad("option %s: elements %q needs type list and a known element type", name, opt.Elements)
			}
		}
		if opt.Required && opt.Default != nil {
			bad("option %s is required and has a default", name)
		}
		if opt.Suboptions != nil {
			if !hasSubSpec(opt) {
				bad("option %s has suboptions but is not a dict or a list of dicts", name)
			} else {
				errs = append(errs, checkSpec(path+"."+name, opt.Suboptions)...)
			}
		}
		if opt.ApplyDefaults && (opt.Suboptions == nil || opt.Type != Dict) {
			bad("option %s: ApplyDefaults needs a dict with suboptions", name)
		}
		var def any
		if opt.Default != nil {
			var err error
			if def, err = ConvertValue(opt.Type, opt.Elements, opt.Default); err != nil {
				bad("option %s: default %s cannot be converted to %s: %v", name, pyRepr(normalize(opt.Default)), typeName(opt.Type), err)
			}
		}
		if def != nil && opt.Choices != nil {
			choices, _ := normalize(opt.Choices).([]any)
			items, isList := def.([]any)
			if !isList {
				items = []any{def}
			}
			for _, item := range items {
				if !pyIn(item, choices) {
					bad("option %s: default %s is not one of its choices", name, pyStr(item))
				}
			}
		}
		if opt.NoLog && opt.Default != nil {
			bad("option %s is no_log and has a default, which would be documented", name)
		}
		if len(opt.Description) == 0 {
			bad("option %s has no Description", name)
		}
	}
	known := func(rule string, list []string) {
		for _, n := range list {
			if spec.Options[n] == nil {
				bad("%s names unknown option %s", rule, n)
			}
		}
	}
	for _, g := range spec.MutuallyExclusive {
		known("mutually_exclusive", g)
	}
	for _, g := range spec.RequiredTogether {
		known("required_together", g)
	}
	for _, g := range spec.RequiredOneOf {
		known("required_one_of", g)
	}
	for _, r := range spec.RequiredIf {
		known("required_if", append([]string{r.Key}, r.Requires...))
	}
	for k, v := range spec.RequiredBy {
		known("required_by", append([]string{k}, v...))
	}
	return errs
}

// moduleShortName is the last dot-part of a module name as the user wrote
// it ("platform.ops.kong_service" → "kong_service").
func moduleShortName(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[i+1:]
	}
	return name
}
