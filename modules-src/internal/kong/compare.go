package kong

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
)

// Change is one field whose value Kong holds differs from what the user set.
type Change struct {
	Path   []string // e.g. ["config", "minute"]
	Before any      // what Kong holds (nil when absent)
	After  any      // what the user set
}

// Field is the change's dotted path, e.g. "config.minute".
func (c Change) Field() string { return strings.Join(c.Path, ".") }

// Compare compares what the user set (desired) with what Kong holds
// (current) as shape says, and returns the changes plus the PATCH body that
// applies exactly them: only the keys the user set are looked at, so server
// defaults and fields managed elsewhere never show up as a change. Records
// are compared (and patched) key by key, sets without regard to order, and
// nil, [] and {} are the same "nothing".
func Compare(desired, current Object, shape *Shape) ([]Change, Object) {
	return compareRecord(nil, Normalize(desired), current, shape)
}

func compareRecord(path []string, desired, current map[string]any, shape *Shape) ([]Change, Object) {
	var changes []Change
	patch := Object{}
	for _, k := range sortedKeys(desired) {
		dv, cv := desired[k], current[k]
		sub := shape.Field(k)
		fieldPath := append(append([]string(nil), path...), k)
		if dm, ok := dv.(map[string]any); ok && recordLike(sub) {
			cm, _ := cv.(map[string]any)
			subChanges, subPatch := compareRecord(fieldPath, dm, cm, sub)
			if len(subChanges) > 0 {
				changes = append(changes, subChanges...)
				patch[k] = subPatch
			}
			continue
		}
		if !Equal(dv, cv, sub) {
			changes = append(changes, Change{Path: fieldPath, Before: cv, After: dv})
			patch[k] = dv
		}
	}
	return changes, patch
}

// recordLike: records, and objects of unknown shape, compare key by key.
func recordLike(s *Shape) bool { return s == nil || s.Type == Record }

// Equal reports whether two JSON values are the same for Kong, given the
// field's shape.
func Equal(a, b any, shape *Shape) bool {
	return reflect.DeepEqual(canonical(Normalize(a), shape), canonical(Normalize(b), shape))
}

// canonical rewrites a JSON value so that equal-for-Kong values are
// DeepEqual: a shape's Canon is applied, null members of objects are
// dropped, empty arrays and objects become nil, and sets are de-duplicated
// and sorted.
func canonical(v any, shape *Shape) any {
	if shape != nil && shape.Canon != nil && v != nil {
		v = shape.Canon(v)
	}
	switch t := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, val := range t {
			var sub *Shape
			if shape != nil && shape.Type == Map {
				sub = shape.Values
			} else {
				sub = shape.Field(k)
			}
			if c := canonical(val, sub); c != nil {
				out[k] = c
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case []any:
		if len(t) == 0 {
			return nil
		}
		var elem *Shape
		if shape != nil {
			elem = shape.Elements
		}
		out := make([]any, 0, len(t))
		for _, e := range t {
			out = append(out, canonical(e, elem))
		}
		if shape != nil && shape.Type == Set {
			out = sortedUnique(out)
		}
		return out
	default:
		return v
	}
}

func sortedUnique(items []any) []any {
	byKey := map[string]any{}
	keys := make([]string, 0, len(items))
	for _, it := range items {
		b, _ := json.Marshal(it) // map keys marshal sorted, so equal values give equal keys
		k := string(b)
		if _, dup := byKey[k]; !dup {
			byKey[k] = it
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	out := make([]any, len(keys))
	for i, k := range keys {
		out[i] = byKey[k]
	}
	return out
}

// Normalize gives any Go value its JSON form (numbers float64, slices []any,
// structs objects), so values from Ansible parameters and from Kong's
// answers compare alike. Values that are already plain JSON are returned
// as they are.
func Normalize[T any](v T) T {
	if isPlainJSON(v) {
		return v
	}
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out T
	if err := json.Unmarshal(b, &out); err != nil {
		return v
	}
	return out
}

func isPlainJSON(v any) bool {
	switch t := v.(type) {
	case nil, string, bool, float64:
		return true
	case map[string]any:
		for _, e := range t {
			if !isPlainJSON(e) {
				return false
			}
		}
		return true
	case []any:
		for _, e := range t {
			if !isPlainJSON(e) {
				return false
			}
		}
		return true
	}
	return false
}

// MergePatch returns what Kong holds after PATCHing current with patch:
// records merge key by key, everything else is replaced.
func MergePatch(current, patch Object, shape *Shape) Object {
	out := DeepCopy(current)
	if out == nil {
		out = Object{}
	}
	for k, pv := range Normalize(patch) {
		sub := shape.Field(k)
		pm, isMap := pv.(map[string]any)
		cm, curIsMap := out[k].(map[string]any)
		if isMap && curIsMap && recordLike(sub) {
			out[k] = MergePatch(cm, pm, sub)
			continue
		}
		out[k] = DeepCopy(pv)
	}
	return out
}

// Project keeps the parts of obj the user manages, i.e. the keys present in
// desired (recursing into records): the before/after of a diff.
func Project(obj, desired Object, shape *Shape) Object {
	out := Object{}
	for k, dv := range Normalize(desired) {
		sub := shape.Field(k)
		if dm, ok := dv.(map[string]any); ok && recordLike(sub) {
			cm, _ := obj[k].(map[string]any)
			out[k] = Project(cm, dm, sub)
			continue
		}
		out[k] = DeepCopy(obj[k])
	}
	return out
}

// DeepCopy copies a JSON value.
func DeepCopy[T any](v T) T {
	var out any
	switch t := any(v).(type) {
	case map[string]any:
		if t == nil {
			return v
		}
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[k] = DeepCopy(e)
		}
		out = m
	case []any:
		if t == nil {
			return v
		}
		s := make([]any, len(t))
		for i, e := range t {
			s[i] = DeepCopy(e)
		}
		out = s
	default:
		return v
	}
	return out.(T)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
