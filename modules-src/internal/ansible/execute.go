package ansible

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
)

// Execute runs a module the way the binary does, in process: it strips and
// reads the _ansible_* keys of args, validates the rest against the
// module's spec (with its fragments), runs the module and returns exactly
// the JSON object Main would print, secrets masked. It never panics.
func Execute(ctx context.Context, def *Definition, args map[string]any) map[string]any {
	return execute(ctx, def, args, os.LookupEnv)
}

// runtimeFlags are the _ansible_* keys the controller adds to the args
// (PASS_VARS in module_utils/common/parameters.py).
type runtimeFlags struct {
	checkMode, diff, noLog bool
	verbosity              int
	moduleName, version    string
	// taskTimeout is the seconds left of the task's timeout, from the
	// action plugin (taskTimeoutKey); 0 when the task has none.
	taskTimeout float64
}

// takeRuntimeFlags removes every _ansible_* (and the action plugin's
// _platform_ops_*) key from params (unknown ones
// are ignored, so a newer controller never makes a module fail) and
// returns the ones the runtime uses.
func takeRuntimeFlags(params map[string]any) runtimeFlags {
	var rt runtimeFlags
	flag := func(key string) bool {
		b, err := convertBool(params[key])
		return err == nil && b == true
	}
	rt.checkMode = flag("_ansible_check_mode")
	rt.diff = flag("_ansible_diff")
	rt.noLog = flag("_ansible_no_log")
	// convertInt keeps a bool (Python's bool is an int), which a
	// hand-written args file may hold: true counts as 1, as in Python.
	switch v, _ := convertInt(params["_ansible_verbosity"]); t := v.(type) {
	case int:
		rt.verbosity = t
	case bool:
		if t {
			rt.verbosity = 1
		}
	}
	rt.moduleName, _ = params["_ansible_module_name"].(string)
	rt.version, _ = params["_ansible_version"].(string)
	if v, err := convertFloat(params[taskTimeoutKey]); err == nil {
		rt.taskTimeout, _ = v.(float64)
	}
	for k := range params {
		if strings.HasPrefix(k, "_ansible_") || strings.HasPrefix(k, "_platform_ops_") {
			delete(params, k)
		}
	}
	return rt
}

func execute(ctx context.Context, def *Definition, args map[string]any, lookupEnv func(string) (string, bool)) (out map[string]any) {
	secrets := map[string]struct{}{}
	// derived are the values Option.Secrets took from the options, before
	// any narrowing by the module.
	derived := map[string]struct{}{}
	// Last line of defence: a bug anywhere below still yields one JSON
	// object, with whatever secrets are known so far masked.
	defer func() {
		if r := recover(); r != nil {
			out = newMasker(secrets, derived).mask(map[string]any{
				"failed": true, "changed": false, "msg": fmt.Sprintf("internal error: %v", r),
			}).(map[string]any)
		}
	}()

	params, _ := normalize(args).(map[string]any)
	if params == nil {
		params = map[string]any{}
	}
	rt := takeRuntimeFlags(params)
	name := rt.moduleName
	if name == "" {
		name = def.Name
	}

	spec, err := def.FullSpec()
	if err != nil {
		return map[string]any{"failed": true, "changed": false, "msg": "internal error: " + err.Error()}
	}

	v := newValidation(lookupEnv)
	v.validate(spec, params)
	for s := range v.noLog {
		secrets[s] = struct{}{}
	}
	// Also hide the converted form of no_log values (e.g. a list given
	// as "a,b"), which AnsibleModule would miss.
	collectNoLogValues(spec, params, secrets)

	m := &Module{
		Name:           moduleShortName(name),
		Params:         Params(params),
		CheckMode:      rt.checkMode,
		Diff:           rt.diff,
		Verbosity:      rt.verbosity,
		AnsibleVersion: rt.version,
		NoLog:          rt.noLog,
	}
	m.warnings = append(m.warnings, v.warnings...)
	m.optionSecrets = deriveOptionSecrets(spec, params)
	for _, values := range m.optionSecrets {
		for _, s := range values {
			derived[s] = struct{}{}
		}
	}

	result := Result{}
	switch {
	case len(v.errors) > 0:
		// Validation fails even in check mode.
		result["failed"] = true
		result["msg"] = v.firstError(name) + v.explainUnsupported(def.Fragments)
	case rt.checkMode && (def.CheckMode == None || def.CheckMode == ""):
		result["skipped"] = true
		result["msg"] = fmt.Sprintf("remote module (%s) does not support check mode", name)
	default:
		runCtx, cancel := withTaskTimeout(ctx, rt.taskTimeout)
		result = runModule(runCtx, def, m)
		cancel()
	}
	for _, s := range m.secrets {
		secrets[s] = struct{}{}
	}
	for _, values := range m.optionSecrets {
		for _, s := range values {
			secrets[s] = struct{}{}
		}
	}
	return finish(spec, params, result, m, newMasker(secrets))
}

// runModule calls the module's Run, turning an error or a panic into a
// failed result.
func runModule(ctx context.Context, def *Definition, m *Module) (result Result) {
	defer func() {
		if r := recover(); r != nil {
			result = Result{"failed": true, "msg": fmt.Sprintf("internal error: %v", r)}
		}
	}()
	res, err := def.Run(ctx, m)
	result = Result{}
	for k, v := range res {
		result[k] = v
	}
	if err != nil {
		var failure *Failure
		if errors.As(err, &failure) {
			for k, v := range failure.Fields {
				result[k] = v
			}
		}
		result["failed"] = true
		result["msg"] = err.Error()
	}
	return result
}

// finish builds the printed object: the module's keys (minus internal
// _ansible_ ones, which Ansible would warn about), changed, warnings,
// deprecations and invocation, with every secret masked.
func finish(spec *Spec, params map[string]any, result Result, m *Module, mk masker) map[string]any {
	out := map[string]any{}
	names := map[string]any{}
	for k, v := range result {
		if strings.HasPrefix(k, "_ansible_") {
			continue
		}
		if fn, ok := v.(FieldNames); ok {
			names[k] = normalize([]string(NonNilStrings(fn)))
			continue
		}
		out[k] = normalize(v)
	}
	if _, ok := out["changed"]; !ok {
		out["changed"] = false
	}
	warnings := append([]any{}, anyList(out["warnings"])...)
	for _, w := range m.warnings {
		warnings = append(warnings, w)
	}
	delete(out, "warnings")
	if len(warnings) > 0 {
		out["warnings"] = warnings
	}
	deprecations := append([]any{}, anyList(out["deprecations"])...)
	for _, d := range m.deprecations {
		deprecations = append(deprecations, normalize(d))
	}
	delete(out, "deprecations")
	if len(deprecations) > 0 {
		out["deprecations"] = deprecations
	}
	delete(out, "invocation")

	masked := mk.mask(out).(map[string]any)
	for k, v := range names {
		masked[k] = v
	}
	args := deepCopy(params).(map[string]any)
	hideNoLogArgs(spec, args)
	for name := range m.hiddenArgs {
		if v, ok := args[name]; ok {
			args[name] = hideStrings(v)
		}
	}
	masked["invocation"] = map[string]any{"module_args": mk.maskArgs(args)}
	return masked
}

// anyList accepts a list or a single value (as AnsibleModule does for
// warnings and deprecations given as result keys).
func anyList(v any) []any {
	switch t := v.(type) {
	case nil:
		return nil
	case []any:
		return t
	}
	return []any{v}
}

// collectNoLogValues adds the validated values of no_log options, at any
// depth, to secrets.
func collectNoLogValues(spec *Spec, params map[string]any, secrets map[string]struct{}) {
	for name, opt := range spec.Options {
		val := params[name]
		if opt.NoLog {
			if truthy(val) {
				addSecretValues(secrets, val)
			}
			continue
		}
		if opt.Suboptions == nil {
			continue
		}
		switch t := val.(type) {
		case map[string]any:
			collectNoLogValues(opt.Suboptions, t, secrets)
		case []any:
			for _, e := range t {
				if d, ok := e.(map[string]any); ok {
					collectNoLogValues(opt.Suboptions, d, secrets)
				}
			}
		}
	}
}

// deriveOptionSecrets runs the Option.Secrets of every top-level option
// on its value (and on the values of its aliases, which validation may not
// have copied onto it when it failed early).
func deriveOptionSecrets(spec *Spec, params map[string]any) map[string][]string {
	out := map[string][]string{}
	for _, name := range optionNames(spec) {
		opt := spec.Options[name]
		if opt.Secrets == nil {
			continue
		}
		set := map[string]struct{}{}
		for _, key := range append([]string{name}, opt.Aliases...) {
			if val, ok := params[key]; ok && val != nil {
				for _, s := range opt.Secrets(val) {
					if s != "" {
						set[s] = struct{}{}
					}
				}
			}
		}
		if len(set) > 0 {
			out[name] = sortedKeys(set)
		}
	}
	return out
}
