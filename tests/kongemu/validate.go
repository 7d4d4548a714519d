package kongemu

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// This file ports Schema:validate and validate_field from
// kong/db/schema/init.lua, driven by the schema JSON: types, the scalar
// rules in Kong's validators_order, records, arrays, sets, maps and
// foreign keys. Entity checks are in checks.go, defaults in fill.go.

var uuidRE = regexp.MustCompile(`^(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

func isUUID(s string) bool { return uuidRE.MatchString(s) }

// validateRecord is Schema:validate with full_check: unknown fields, per-field
// rules, required fields, then entity checks. Errors go into fe.
func validateRecord(rec *Field, in map[string]any, fe fieldErrors) {
	known := map[string]*Field{}
	for _, f := range rec.Fields {
		known[f.Name] = f
	}
	for k := range in {
		if _, ok := known[k]; !ok {
			fe[k] = "unknown field"
		}
	}
	for _, f := range rec.Fields {
		v, present := in[f.Name]
		if !present {
			if f.Required {
				fe[f.Name] = "required field missing"
			}
			continue
		}
		if err := validateValue(f, v); err != nil {
			fe[f.Name] = err
		}
	}
	runEntityChecks(rec, in, fe)
}

func typeName(t string) string {
	switch t {
	case "integer", "array":
		return "an " + t
	case "foreign":
		return "a record"
	}
	return "a " + t
}

// validateValue is Schema.validate_field: returns nil, a message, a nested
// fieldErrors or a per-element []any.
func validateValue(f *Field, v any) any {
	if v == nil {
		if f.HasNe && f.Ne == nil {
			return orErr(f, "value must not be null")
		}
		if f.HasEq && f.Eq != nil {
			return orErr(f, "value must be "+luaText(f.Eq))
		}
		if f.Required {
			return "required field missing"
		}
		return nil
	}
	if f.HasEq && f.Eq == nil {
		return orErr(f, "value must be null")
	}
	if f.Abstract {
		return "error in schema definition: abstract field was not specialized"
	}
	switch f.Type {
	case "foreign":
		return validateForeign(f, v)
	case "array", "set":
		list, ok := asList(v)
		if !ok {
			return "expected " + typeName(f.Type)
		}
		if f.Elements != nil {
			errs := make([]any, len(list))
			bad := false
			for i, e := range list {
				if err := validateValue(f.Elements, e); err != nil {
					errs[i] = err
					bad = true
				}
			}
			if bad {
				// cjson encodes the sparse Lua array up to its last error
				for errs[len(errs)-1] == nil {
					errs = errs[:len(errs)-1]
				}
				return errs
			}
		}
		v = list
	case "map":
		m, ok := v.(map[string]any)
		if !ok {
			if l, ok := v.([]any); ok && len(l) == 0 {
				m = map[string]any{}
			} else {
				return "expected a map"
			}
		}
		for _, k := range sortedKeys(m) {
			if f.Keys != nil {
				if err := validateValue(f.Keys, k); err != nil {
					return err
				}
			}
			if f.Values != nil {
				if err := validateValue(f.Values, m[k]); err != nil {
					return err
				}
			}
		}
	case "record":
		m, ok := v.(map[string]any)
		if !ok {
			return "expected a record"
		}
		sub := fieldErrors{}
		validateRecord(f, m, sub)
		if len(sub) > 0 {
			return sub
		}
	case "string":
		if _, ok := v.(string); !ok {
			return "expected a string"
		}
		if f.Referenceable && isVaultReference(v) {
			return nil
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return "expected a boolean"
		}
	case "integer":
		n, ok := v.(json.Number)
		if !ok {
			return "expected an integer"
		}
		fl, err := n.Float64()
		if err != nil || fl != math.Trunc(fl) || math.IsInf(fl, 0) {
			return "expected an integer"
		}
	case "number":
		if _, ok := v.(json.Number); !ok {
			return "expected a number"
		}
	case "function":
		return "expected a function"
	}
	return runValidators(f, v)
}

func orErr(f *Field, msg string) string {
	if f.Err != "" {
		return f.Err
	}
	return msg
}

func valueText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = valueText(e)
		}
		return strings.Join(parts, ", ")
	case nil:
		return "null"
	}
	return fmt.Sprint(v)
}

func listText(l []any) string {
	parts := make([]string, len(l))
	for i, e := range l {
		parts[i] = valueText(e)
	}
	return strings.Join(parts, ", ")
}

func inList(v any, l []any) bool {
	for _, e := range l {
		if jsonEqual(e, v) {
			return true
		}
	}
	return false
}

func length(v any) (int, bool) {
	switch x := v.(type) {
	case string:
		return len(x), true
	case []any:
		return len(x), true
	case map[string]any:
		return len(x), true
	}
	return 0, false
}

// runValidators applies the scalar rules in Kong's validators_order and
// returns the first failure.
func runValidators(f *Field, v any) any {
	s, isStr := v.(string)
	if f.HasEq && !jsonEqual(f.Eq, v) {
		return orErr(f, "value must be "+valueText(f.Eq))
	}
	if f.HasNe && jsonEqual(f.Ne, v) {
		return orErr(f, "value must not be "+valueText(f.Ne))
	}
	if f.NotOneOf != nil && inList(v, f.NotOneOf) {
		return orErr(f, "must not be one of: "+listText(f.NotOneOf))
	}
	if f.OneOf != nil && !inList(v, f.OneOf) {
		return orErr(f, "expected one of: "+listText(f.OneOf))
	}
	if f.Gt != nil {
		if n, ok := toFloat(v); ok && !(n > *f.Gt) {
			return orErr(f, "value must be greater than "+strconv.FormatFloat(*f.Gt, 'f', -1, 64))
		}
	}
	if f.UUID && isStr && !isUUID(s) {
		return orErr(f, "expected a valid UUID")
	}
	if f.IsRegex && isStr {
		if _, err := regexp.Compile(s); err != nil {
			return orErr(f, "not a valid regex: "+s)
		}
	}
	if f.Between != nil {
		if n, ok := toFloat(v); ok && (n < f.Between[0] || n > f.Between[1]) {
			return orErr(f, fmt.Sprintf("value should be between %s and %s",
				strconv.FormatFloat(f.Between[0], 'f', -1, 64), strconv.FormatFloat(f.Between[1], 'f', -1, 64)))
		}
	}
	if n, ok := length(v); ok {
		if f.LenEq != nil && n != *f.LenEq {
			return orErr(f, fmt.Sprintf("length must be %d", *f.LenEq))
		}
		if f.LenMin != nil && n < *f.LenMin {
			return orErr(f, fmt.Sprintf("length must be at least %d", *f.LenMin))
		}
		if f.LenMax != nil && n > *f.LenMax {
			return orErr(f, fmt.Sprintf("length must be at most %d", *f.LenMax))
		}
	}
	if isStr {
		if f.StartsWith != "" && !strings.HasPrefix(s, f.StartsWith) {
			return orErr(f, "should start with: "+f.StartsWith)
		}
		if f.NotMatch != nil && f.NotMatch.re != nil && f.NotMatch.re.MatchString(s) {
			return orErr(f, "invalid value: "+s)
		}
		for _, r := range f.MatchNone {
			if r.pattern.re != nil && r.pattern.re.MatchString(s) {
				if r.err != "" {
					return r.err
				}
				return orErr(f, "invalid value: "+s)
			}
		}
		if f.Match != nil && !f.Match.matches(s) {
			return orErr(f, "invalid value: "+s)
		}
		for _, r := range f.MatchAll {
			if !r.pattern.matches(s) {
				if r.err != "" {
					return r.err
				}
				return orErr(f, "invalid value: "+s)
			}
		}
		if f.MatchAny != nil {
			ok := false
			for _, p := range f.MatchAny.patterns {
				if p.matches(s) {
					ok = true
					break
				}
			}
			if !ok {
				if f.MatchAny.err != "" {
					return f.MatchAny.err
				}
				return orErr(f, "invalid value: "+s)
			}
		}
	}
	if f.HasContains {
		if l, ok := v.([]any); ok && !inList(f.Contains, l) {
			return orErr(f, "expected to contain: "+valueText(f.Contains))
		}
	}
	if f.custom != nil {
		if ok, msg := f.custom(v); !ok {
			if msg == "" {
				// a validator that fails without a message
				return orErr(f, "failed validating: "+valueText(v))
			}
			return orErr(f, msg)
		}
	}
	if f.MutexSubsets != nil {
		if l, ok := v.([]any); ok {
			if msg := mutexSubsets(f.MutexSubsets, l); msg != "" {
				return msg
			}
		}
	}
	return nil
}

func mutexSubsets(subsets [][]string, values []any) string {
	var hit [][]string
	for _, sub := range subsets {
		for _, v := range values {
			if inList(v, toAnyList(sub)) {
				hit = append(hit, sub)
				break
			}
		}
	}
	if len(hit) <= 1 {
		return ""
	}
	var parts []string
	for _, sub := range hit {
		q := make([]string, len(sub))
		for i, s := range sub {
			q[i] = "'" + s + "'"
		}
		parts = append(parts, "("+strings.Join(q, ", ")+")")
	}
	return "these sets are mutually exclusive: " + strings.Join(parts, ", ")
}

func toAnyList(l []string) []any {
	out := make([]any, len(l))
	for i, s := range l {
		out[i] = s
	}
	return out
}

// validateForeign checks a foreign-key object: a valid "id" is all that is
// looked at; otherwise the primary key is reported missing or invalid.
func validateForeign(f *Field, v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return "expected a record"
	}
	id, present := m["id"]
	if !present || id == nil {
		return fieldErrors{"id": "missing primary key"}
	}
	s, ok := id.(string)
	if !ok {
		return fieldErrors{"id": "expected a string"}
	}
	if !isUUID(s) {
		return fieldErrors{"id": "expected a valid UUID"}
	}
	return nil
}
