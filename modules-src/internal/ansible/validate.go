package ansible

import (
	"fmt"
	"strings"
)

// This file is ArgumentSpecValidator.validate() of ansible-core 2.14
// (module_utils/common/arg_spec.py and parameters.py), step for step. The
// order of the steps decides which error is reported, because AnsibleModule
// reports only the first one, so keep it as it is. Options are visited in
// sorted name order (Python visits them in spec order).

// validationError is one entry of AnsibleValidationErrorMultiple.
type validationError struct {
	msg         string
	unsupported bool // an UnsupportedError, reported with the module name
}

// validation holds the state of one validate() call.
type validation struct {
	lookupEnv func(string) (string, bool)

	errors   []validationError
	noLog    map[string]struct{} // values to mask in the output
	warnings []string
	// unsupported maps each unknown parameter, dotted for suboptions, to
	// the names the spec at that level supports.
	unsupported map[string]supportedNames
}

type supportedNames struct{ options, aliases []string }

func newValidation(lookupEnv func(string) (string, bool)) *validation {
	return &validation{
		lookupEnv:   lookupEnv,
		noLog:       map[string]struct{}{},
		unsupported: map[string]supportedNames{},
	}
}

func (v *validation) fail(msg string) { v.errors = append(v.errors, validationError{msg: msg}) }

// firstError is the message AnsibleModule fails with, "" when valid.
func (v *validation) firstError(moduleName string) string {
	if len(v.errors) == 0 {
		return ""
	}
	e := v.errors[0]
	if e.unsupported {
		return fmt.Sprintf("Unsupported parameters for (%s) module: %s", moduleName, e.msg)
	}
	return e.msg
}

// validate checks params against spec, converting and defaulting them in
// place, and records errors, no_log values and warnings.
func (v *validation) validate(spec *Spec, params map[string]any) {
	v.setFallbacks(spec, params)

	var topWarnings []string
	aliases, err := handleAliases(spec, params, func(option, alias string) {
		topWarnings = append(topWarnings, fmt.Sprintf("Both option %s and its alias %s are set.", option, alias))
	})
	if err != nil {
		v.fail(err.Error())
	}
	if err := v.listNoLogValues(spec, params); err != nil {
		v.fail(err.Error())
	}
	v.findUnsupported(spec, params, aliases, nil)
	v.checkRules(spec, params, nil)

	v.validateSubSpecs(spec, params, "", nil)
	v.warnings = append(v.warnings, topWarnings...)

	if len(v.unsupported) > 0 {
		v.errors = append(v.errors, validationError{msg: v.unsupportedMessage(), unsupported: true})
	}
}

// checkRules runs the checks that ArgumentSpecValidator.validate and
// _validate_sub_spec share, from mutually_exclusive to the final defaults.
func (v *validation) checkRules(spec *Spec, params map[string]any, ctx []string) {
	if err := checkMutuallyExclusive(spec.MutuallyExclusive, params, ctx); err != "" {
		v.fail(err)
	}
	v.setDefaults(spec, params, false)
	if err := checkRequired(spec, params, ctx); err != "" {
		v.fail(err)
	}
	v.validateTypes(spec, params, ctx)
	v.validateChoices(spec, params, ctx)
	for _, check := range []func(*Spec, map[string]any, []string) string{
		checkRequiredTogether, checkRequiredOneOf, checkRequiredIf, checkRequiredBy,
	} {
		if err := check(spec, params, ctx); err != "" {
			v.fail(err)
		}
	}
	v.setDefaults(spec, params, true)
}

// foundIn is the " found in a -> b" suffix of nested messages.
func foundIn(ctx []string) string {
	if len(ctx) == 0 {
		return ""
	}
	return " found in " + strings.Join(ctx, " -> ")
}

func optionNames(spec *Spec) []string { return sortedKeys(spec.Options) }

// setFallbacks applies env fallbacks to options that were not given.
func (v *validation) setFallbacks(spec *Spec, params map[string]any) {
	for _, name := range optionNames(spec) {
		opt := spec.Options[name]
		if _, given := params[name]; given || len(opt.EnvFallback) == 0 {
			continue
		}
		for _, env := range opt.EnvFallback {
			if val, ok := v.lookupEnv(env); ok {
				if opt.NoLog && val != "" {
					v.noLog[val] = struct{}{}
				}
				params[name] = val
				break
			}
		}
	}
}

// handleAliases copies alias values onto their option and returns the
// alias → option map. warn is called when both an option and its alias are
// given.
func handleAliases(spec *Spec, params map[string]any, warn func(option, alias string)) (map[string]string, error) {
	aliases := map[string]string{}
	for _, name := range optionNames(spec) {
		opt := spec.Options[name]
		if opt.Default != nil && opt.Required {
			return aliases, fmt.Errorf("internal error: required and default are mutually exclusive for %s", name)
		}
		for _, alias := range opt.Aliases {
			aliases[alias] = name
			if val, ok := params[alias]; ok {
				if _, both := params[name]; both && warn != nil {
					warn(name, alias)
				}
				params[name] = val
			}
		}
	}
	return aliases, nil
}

// listNoLogValues records the values of no_log options, including those of
// suboptions, before any conversion (_list_no_log_values).
func (v *validation) listNoLogValues(spec *Spec, params map[string]any) error {
	for _, name := range optionNames(spec) {
		opt := spec.Options[name]
		if opt.NoLog && truthy(params[name]) {
			addSecretValues(v.noLog, params[name])
		}
		if opt.Suboptions == nil || params[name] == nil || !hasSubSpec(opt) {
			continue
		}
		subParams, ok := params[name].([]any)
		if !ok {
			subParams = []any{params[name]}
		}
		for _, sub := range subParams {
			if s, ok := sub.(string); ok {
				converted, err := convertDict(s)
				if err != nil {
					return err
				}
				sub = converted
			}
			m, ok := sub.(map[string]any)
			if !ok {
				//lint:ignore ST1005 AnsibleModule's wording, capital included (parity tests)
				return fmt.Errorf("Value '%s' in the sub parameter field '%s' must by a %s, not '%s'",
					pyStr(sub), name, typeName(opt.Type), strings.TrimSuffix(strings.TrimPrefix(pyType(sub), "<class '"), "'>"))
			}
			if err := v.listNoLogValues(opt.Suboptions, m); err != nil {
				return err
			}
		}
	}
	return nil
}

// hasSubSpec reports whether the option's value is validated by its
// suboptions: a dict, or a list of dicts.
func hasSubSpec(opt *Option) bool {
	return opt.Type == Dict || (opt.Type == List && opt.Elements == Dict)
}

// addSecretValues adds every scalar inside a value, as
// _return_datastructure_name does.
func addSecretValues(set map[string]struct{}, val any) {
	switch t := val.(type) {
	case nil, bool:
	case string:
		if t != "" {
			set[t] = struct{}{}
		}
	case []any:
		for _, e := range t {
			addSecretValues(set, e)
		}
	case map[string]any:
		for _, e := range t {
			addSecretValues(set, e)
		}
	default:
		set[pyStr(t)] = struct{}{}
	}
}

// truthy is Python's bool(v).
func truthy(v any) bool {
	switch t := v.(type) {
	case nil:
		return false
	case bool:
		return t
	case int:
		return t != 0
	case float64:
		return t != 0
	case string:
		return t != ""
	case []any:
		return len(t) > 0
	case map[string]any:
		return len(t) > 0
	}
	return true
}

// findUnsupported records the parameters that are neither options nor
// aliases at this level.
func (v *validation) findUnsupported(spec *Spec, params map[string]any, aliases map[string]string, ctx []string) {
	for _, key := range sortedKeys(params) {
		if _, ok := spec.Options[key]; ok {
			continue
		}
		if _, ok := aliases[key]; ok {
			continue
		}
		path := strings.Join(append(append([]string{}, ctx...), key), ".")
		var names supportedNames
		for _, name := range optionNames(spec) {
			if _, isAlias := aliases[name]; !isAlias {
				names.options = append(names.options, name)
			}
		}
		names.aliases = sortedKeys(aliases)
		v.unsupported[path] = names
	}
}

// explainUnsupported is what the fragments' ExplainUnsupported say about
// the unsupported parameters, when those are the error reported.
func (v *validation) explainUnsupported(fragments []*Fragment) string {
	if len(v.errors) == 0 || !v.errors[0].unsupported {
		return ""
	}
	var out string
	for _, f := range fragments {
		if f.ExplainUnsupported == nil {
			continue
		}
		if hint := f.ExplainUnsupported(sortedKeys(v.unsupported)); hint != "" {
			out += " " + hint
		}
	}
	return out
}

// unsupportedMessage is the UnsupportedError text. Python lists the
// options of the level of one (arbitrary) unknown parameter; we take the
// first one in sorted order.
func (v *validation) unsupportedMessage() string {
	paths := sortedKeys(v.unsupported)
	names := v.unsupported[paths[0]]
	supported := strings.Join(names.options, ", ")
	if len(names.aliases) > 0 {
		supported += " (" + strings.Join(names.aliases, ", ") + ")"
	}
	return fmt.Sprintf("%s. Supported parameters include: %s.", strings.Join(paths, ", "), supported)
}

// setDefaults sets the non-null defaults of options not given, or with
// all=true every option not given (to its default or null).
func (v *validation) setDefaults(spec *Spec, params map[string]any, all bool) {
	for _, name := range optionNames(spec) {
		opt := spec.Options[name]
		if _, given := params[name]; given || (opt.Default == nil && !all) {
			continue
		}
		def := normalize(opt.Default)
		if opt.NoLog && truthy(def) {
			addSecretValues(v.noLog, def)
		}
		params[name] = def
	}
}

// validateTypes converts every given value to its option's type, then
// checks list elements.
func (v *validation) validateTypes(spec *Spec, params map[string]any, ctx []string) {
	for _, name := range optionNames(spec) {
		opt := spec.Options[name]
		value, ok := params[name]
		if !ok || value == nil {
			continue
		}
		convert, known := converterFor(opt.Type)
		if !known {
			v.fail(fmt.Sprintf("internal error: unknown type %q for option %s", opt.Type, name))
			continue
		}
		converted, err := convert(value)
		if err != nil {
			msg := fmt.Sprintf("argument '%s' is of type %s", name, pyType(value))
			if len(ctx) > 0 {
				msg += fmt.Sprintf(" found in '%s'.", strings.Join(ctx, " -> "))
			}
			v.fail(msg + fmt.Sprintf(" and we were unable to convert to %s: %s", typeName(opt.Type), err))
			continue
		}
		params[name] = converted
		if opt.Elements == "" {
			continue
		}
		list, isList := converted.([]any)
		if opt.Type != List || !isList {
			msg := fmt.Sprintf("Invalid type %s for option '%s'", typeName(opt.Type), pyStr(converted))
			if len(ctx) > 0 {
				msg += fmt.Sprintf(" found in '%s'.", strings.Join(ctx, " -> "))
			}
			v.fail(msg + ", elements value check is supported only with 'list' type")
			continue
		}
		params[name] = v.validateElements(opt.Elements, name, list, ctx)
	}
}

// validateElements converts each element; the ones that fail are dropped
// from the list, as in _validate_elements.
func (v *validation) validateElements(elemType Type, name string, values []any, ctx []string) []any {
	convert, known := converterFor(elemType)
	if !known {
		v.fail(fmt.Sprintf("internal error: unknown elements type %q for option %s", elemType, name))
		return values
	}
	out := make([]any, 0, len(values))
	for _, value := range values {
		converted, err := convert(value)
		if err != nil {
			msg := fmt.Sprintf("Elements value for option '%s'", name)
			if len(ctx) > 0 {
				msg += fmt.Sprintf(" found in '%s'", strings.Join(ctx, " -> "))
			}
			v.fail(msg + fmt.Sprintf(" is of type %s and we were unable to convert to %s: %s", pyType(value), typeName(elemType), err))
			continue
		}
		out = append(out, converted)
	}
	return out
}

// validateChoices is _validate_argument_values.
func (v *validation) validateChoices(spec *Spec, params map[string]any, ctx []string) {
	for _, name := range optionNames(spec) {
		opt := spec.Options[name]
		if opt.Choices == nil {
			continue
		}
		value, ok := params[name]
		if !ok {
			continue
		}
		choices, _ := normalize(opt.Choices).([]any)
		choiceText := make([]string, len(choices))
		for i, c := range choices {
			choiceText[i] = pyStr(c)
		}
		if list, isList := value.([]any); isList {
			var unknown []string
			for _, item := range list {
				if !pyIn(item, choices) {
					unknown = append(unknown, pyStr(item))
				}
			}
			if len(unknown) > 0 {
				v.fail(fmt.Sprintf("value of %s must be one or more of: %s. Got no match for: %s",
					name, strings.Join(choiceText, ", "), strings.Join(unknown, ", ")) + foundIn(ctx))
			}
			continue
		}
		if pyIn(value, choices) {
			continue
		}
		// YAML may have turned "no" into False and str() into "False": map
		// it back when exactly one choice is a boolean word.
		if value == "False" {
			if only, ok := singleOverlap(choices, booleansFalse); ok {
				params[name], value = only, only
			}
		}
		if value == "True" {
			if only, ok := singleOverlap(choices, booleansTrue); ok {
				params[name], value = only, only
			}
		}
		if !pyIn(value, choices) {
			v.fail(fmt.Sprintf("value of %s must be one of: %s, got: %s",
				name, strings.Join(choiceText, ", "), pyStr(value)) + foundIn(ctx))
		}
	}
}

// singleOverlap returns the only distinct choice that is one of words.
func singleOverlap(choices, words []any) (any, bool) {
	var overlap []any
	for _, c := range choices {
		if pyIn(c, words) && !pyIn(c, overlap) {
			overlap = append(overlap, c)
		}
	}
	if len(overlap) == 1 {
		return overlap[0], true
	}
	return nil, false
}

// validateSubSpecs validates dict and list-of-dict options against their
// suboptions, recursively (_validate_sub_spec).
func (v *validation) validateSubSpecs(spec *Spec, params map[string]any, prefix string, ctx []string) {
	for _, name := range optionNames(spec) {
		opt := spec.Options[name]
		if !hasSubSpec(opt) || opt.Suboptions == nil {
			continue
		}
		if opt.ApplyDefaults && params[name] == nil {
			params[name] = map[string]any{}
		}
		if params[name] == nil {
			continue
		}
		sub := opt.Suboptions
		subCtx := append(append([]string{}, ctx...), name)
		elements, ok := params[name].([]any)
		if !ok {
			elements = []any{params[name]}
		}
		for idx, element := range elements {
			subParams, ok := element.(map[string]any)
			if !ok {
				v.fail(fmt.Sprintf("value of '%s' must be of type dict or list of dicts", name))
				continue
			}
			v.setFallbacks(sub, subParams)
			newPrefix := prefix + name
			if opt.Type == List {
				newPrefix += fmt.Sprintf("[%d]", idx)
			}
			newPrefix += "."
			aliases, err := handleAliases(sub, subParams, func(option, alias string) {
				v.warnings = append(v.warnings, fmt.Sprintf("Both option %s%s and its alias %s%s are set.", newPrefix, option, newPrefix, alias))
			})
			if err != nil {
				v.fail(err.Error())
			}
			if err := v.listNoLogValues(sub, subParams); err != nil {
				v.fail(err.Error())
			}
			v.findUnsupported(sub, subParams, aliases, subCtx)
			v.checkRules(sub, subParams, subCtx)
			v.validateSubSpecs(sub, subParams, newPrefix, subCtx)
		}
	}
}
