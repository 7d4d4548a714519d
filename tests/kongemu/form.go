package kongemu

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
)

// formToMap turns form fields into the nested shape kong/api/arguments.lua
// builds: "config.minute=5" nests, "paths[]=/a" and "paths[1]=/a" make
// arrays, repeated keys make arrays. Values stay strings until
// coerceForm applies the schema types (infer_value).
func formToMap(vals map[string][]string) map[string]any {
	out := map[string]any{}
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		vs := vals[k]
		name, isList := k, false
		if i := strings.IndexByte(k, '['); i >= 0 && strings.HasSuffix(k, "]") {
			name, isList = k[:i], true
		}
		parts := strings.Split(name, ".")
		cur := out
		for _, p := range parts[:len(parts)-1] {
			next, ok := cur[p].(map[string]any)
			if !ok {
				next = map[string]any{}
				cur[p] = next
			}
			cur = next
		}
		last := parts[len(parts)-1]
		var v any
		if isList || len(vs) > 1 {
			l, _ := cur[last].([]any)
			for _, s := range vs {
				l = append(l, s)
			}
			v = l
		} else {
			v = vs[0]
		}
		cur[last] = v
	}
	return out
}

// coerceForm converts string form values to the schema's types.
func coerceForm(rec *Field, m map[string]any) {
	if rec == nil {
		return
	}
	for k, v := range m {
		if f := rec.child(k); f != nil {
			m[k] = coerceValue(f, v)
		}
	}
}

func coerceValue(f *Field, v any) any {
	switch f.Type {
	case "integer", "number":
		if s, ok := v.(string); ok {
			if _, err := strconv.ParseFloat(s, 64); err == nil {
				return json.Number(s)
			}
		}
	case "boolean":
		if s, ok := v.(string); ok {
			switch s {
			case "true":
				return true
			case "false":
				return false
			}
		}
	case "array", "set":
		l, ok := v.([]any)
		if !ok {
			if s, isStr := v.(string); isStr && s == "" {
				return []any{}
			}
			l = []any{v}
		}
		if f.Elements != nil {
			for i, e := range l {
				l[i] = coerceValue(f.Elements, e)
			}
		}
		return l
	case "record", "foreign":
		if m, ok := v.(map[string]any); ok {
			coerceForm(f, m)
		}
	}
	if s, ok := v.(string); ok && s == "" && f.Type != "string" {
		return nil
	}
	return v
}
