package kongemu

import (
	"encoding/json"
	"math"
	"strconv"
)

// This file ports process_auto_fields("insert") from
// kong/db/schema/init.lua: defaults, required records, set de-duplication
// and deprecated shorthand fields, plus the JSON value helpers it needs.

// fillRecord applies defaults the way process_auto_fields does on insert:
// absent fields get their default (or null), required records are created
// and filled recursively, sets are de-duplicated, shorthand fields are
// translated to the fields they stand for.
func fillRecord(rec *Field, in map[string]any) {
	applyShorthands(rec, in)
	for _, f := range rec.Fields {
		v, present := in[f.Name]
		if !present {
			switch {
			case f.Auto && f.Type == "string" && !f.UUID:
				// process_auto_fields: an absent auto string gets a
				// random value on insert and upsert, in nested records
				// too (oauth2's config.provision_key)
				v = randomKey()
			case f.HasDefault:
				v = deepCopy(f.Default)
			case f.Type == "record" && f.Required && !f.Abstract:
				v = map[string]any{}
			case f.Required:
				continue // fails later with "required field missing"
			default:
				in[f.Name] = nil
				continue
			}
		} else if v == nil && f.Type == "record" && f.Required && !f.Abstract {
			v = map[string]any{}
		}
		in[f.Name] = fillValue(f, v)
	}
}

func fillValue(f *Field, v any) any {
	switch f.Type {
	case "record":
		if m, ok := v.(map[string]any); ok && !f.Abstract {
			fillRecord(f, m)
		}
	case "array", "set":
		list, ok := asList(v)
		if !ok {
			return v
		}
		if f.Elements != nil && f.Elements.Type == "record" {
			for _, e := range list {
				if m, ok := e.(map[string]any); ok {
					fillRecord(f.Elements, m)
				}
			}
		}
		if f.Type == "set" {
			list = dedupe(list)
		}
		return list
	}
	return v
}

func applyShorthands(rec *Field, in map[string]any) {
	for _, sh := range rec.Shorthands {
		v, ok := in[sh.Name]
		if !ok {
			continue
		}
		delete(in, sh.Name)
		if sh.shorthandFn != nil {
			// process_auto_fields: a deprecated shorthand yields to a
			// target that is set; otherwise its values win
			for k, nv := range sh.shorthandFn(v) {
				if !sh.Deprecated || in[k] == nil {
					in[k] = nv
				}
			}
			continue
		}
		if v == nil {
			continue
		}
		for _, p := range sh.ReplacedWith {
			if cur, exists := getPath(in, p); exists && cur != nil && !jsonEqual(cur, v) {
				continue // the new-style field was given explicitly and wins
			}
			setPath(in, p, deepCopy(v))
		}
	}
}

// translateShorthands applies applyShorthands to a record and every nested
// record present in m.
func translateShorthands(rec *Field, m map[string]any) {
	if rec == nil {
		return
	}
	applyShorthands(rec, m)
	for _, f := range rec.Fields {
		if sub, ok := m[f.Name].(map[string]any); ok && f.Type == "record" {
			translateShorthands(f, sub)
		}
	}
}

// echoShorthands mirrors deprecated shorthand fields from their replacements
// in responses, as Kong 3.8+ does (golden "rate-limiting ok").
func echoShorthands(rec *Field, out map[string]any) {
	for _, f := range rec.Fields {
		if f.Type == "record" {
			if m, ok := out[f.Name].(map[string]any); ok {
				echoShorthands(f, m)
			}
		}
	}
	for _, sh := range rec.Shorthands {
		if len(sh.ReplacedWith) == 0 {
			continue
		}
		v, _ := getPath(out, sh.ReplacedWith[0])
		out[sh.Name] = deepCopy(v)
	}
}

func getPath(m map[string]any, p []string) (any, bool) {
	var cur any = m
	for _, seg := range p {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		cur, ok = mm[seg]
		if !ok {
			return nil, false
		}
	}
	return cur, true
}

func setPath(m map[string]any, p []string, v any) {
	cur := m
	for _, seg := range p[:len(p)-1] {
		next, ok := cur[seg].(map[string]any)
		if !ok {
			next = map[string]any{}
			cur[seg] = next
		}
		cur = next
	}
	cur[p[len(p)-1]] = v
}

func asList(v any) ([]any, bool) {
	switch x := v.(type) {
	case []any:
		return x, true
	case map[string]any:
		// Lua cannot tell {} from []: an empty JSON object is an empty array.
		if len(x) == 0 {
			return []any{}, true
		}
	}
	return nil, false
}

func dedupe(list []any) []any {
	out := make([]any, 0, len(list))
	for _, e := range list {
		dup := false
		for _, o := range out {
			if jsonEqual(o, e) {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, e)
		}
	}
	return out
}

func jsonEqual(a, b any) bool {
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case nil:
		return b == nil
	}
	if an, ok := toFloat(a); ok {
		bn, ok := toFloat(b)
		return ok && an == bn
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// canonicalNumbers rewrites numbers the way Kong's cjson prints them:
// integral values without a fraction ("5.0" and "5e0" become 5), others in
// their shortest form, so a client reads back exactly what it compares.
func canonicalNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return x
		}
		if f == math.Trunc(f) && math.Abs(f) < 1e15 {
			return json.Number(strconv.FormatInt(int64(f), 10))
		}
		return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
	case map[string]any:
		for k, e := range x {
			x[k] = canonicalNumbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = canonicalNumbers(e)
		}
	}
	return v
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = deepCopy(e)
		}
		return l
	}
	return v
}
