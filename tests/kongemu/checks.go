package kongemu

import (
	"fmt"
	"strings"
)

// This file ports Kong's generic entity checks (kong/db/schema/init.lua
// entity_checkers): at_least_one_of, only_one_of, mutually_exclusive,
// mutually_required, distinct, conditional, mutually_exclusive_sets and
// custom_entity_check (whose Lua function luachecks.go supplies).

func nonEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case string:
		return x != ""
	case []any:
		return len(x) > 0
	case map[string]any:
		return len(x) > 0
	}
	return true
}

func quoteList(l []any) string {
	q := make([]string, len(l))
	for i, e := range l {
		q[i] = "'" + valueText(e) + "'"
	}
	return strings.Join(q, ", ")
}

func fieldAt(rec *Field, path string) *Field {
	cur := rec
	for _, seg := range strings.Split(path, ".") {
		if cur == nil {
			return nil
		}
		cur = cur.child(seg)
	}
	return cur
}

// runEntityChecks evaluates the generic entity checks of a record. A check is
// skipped when one of its fields already failed, like run_entity_check does.
func runEntityChecks(rec *Field, in map[string]any, fe fieldErrors) {
	for _, check := range rec.EntityChecks {
		for name, arg := range check {
			runEntityCheck(rec, name, arg, in, fe)
		}
	}
}

func fieldNames(arg any) []string {
	l, _ := arg.([]any)
	out := make([]string, 0, len(l))
	for _, e := range l {
		out = append(out, fmt.Sprint(e))
	}
	return out
}

func runEntityCheck(rec *Field, name string, arg any, in map[string]any, fe fieldErrors) {
	get := func(p string) any {
		v, _ := getPath(in, strings.Split(p, "."))
		return v
	}
	anyFailed := func(paths ...string) bool {
		for _, p := range paths {
			if fe.has(p) {
				return true
			}
		}
		return false
	}
	switch name {
	case "at_least_one_of", "only_one_of", "mutually_exclusive", "mutually_required", "distinct":
		names := fieldNames(arg)
		if anyFailed(names...) {
			return
		}
		count := 0
		for _, n := range names {
			if nonEmpty(get(n)) {
				count++
			}
		}
		list := quoteList(arg.([]any))
		switch name {
		case "at_least_one_of":
			if count == 0 {
				fe.addEntity("at least one of these fields must be non-empty: " + list)
			}
		case "only_one_of":
			if count != 1 {
				fe.addEntity("exactly one of these fields must be non-empty: " + list)
			}
		case "mutually_exclusive":
			if count > 1 {
				fe.addEntity("only one or none of these fields must be set: " + list)
			}
		case "mutually_required":
			if count != 0 && count != len(names) {
				fe.addEntity("all or none of these fields must be set: " + list)
			}
		case "distinct":
			if count == len(names) && len(names) == 2 && jsonEqual(get(names[0]), get(names[1])) {
				fe.addEntity("values of these fields must be distinct: " + list)
			}
		}
	case "mutually_exclusive_sets":
		// init.lua entity_checkers.mutually_exclusive_sets: both sets
		// have a non-empty field
		c, _ := arg.(map[string]any)
		set1, set2 := fieldNames(c["set1"]), fieldNames(c["set2"])
		if anyFailed(append(append([]string{}, set1...), set2...)...) {
			return
		}
		nonEmptyOf := func(names []string) []any {
			var out []any
			for _, n := range names {
				if nonEmpty(get(n)) {
					out = append(out, n)
				}
			}
			return out
		}
		if n1, n2 := nonEmptyOf(set1), nonEmptyOf(set2); len(n1) > 0 && len(n2) > 0 {
			fe.addEntity("these sets are mutually exclusive: (" + quoteList(n1) + "), (" + quoteList(n2) + ")")
		}
	case "custom_entity_check":
		// init.lua entity_checkers.custom_entity_check: not run when one of
		// its fields failed or is a vault reference in a referenceable
		// field; a failure is an entity error with the function's message
		c, _ := arg.(map[string]any)
		fn, _ := c["fn"].(customEntityFn)
		sources := fieldNames(c["field_sources"])
		if fn == nil || anyFailed(sources...) {
			return
		}
		for _, src := range sources {
			if f := fieldAt(rec, src); f != nil && f.Referenceable && isVaultReference(get(src)) {
				return
			}
		}
		if msg := fn(in); msg != "" {
			fe.addEntity(msg)
		}
	case "conditional":
		c, _ := arg.(map[string]any)
		ifField, _ := c["if_field"].(string)
		thenField, _ := c["then_field"].(string)
		if anyFailed(ifField, thenField) {
			return
		}
		ifVal, thenVal := get(ifField), get(thenField)
		if ifVal == nil && thenVal == nil {
			return
		}
		ifMatch := matchField(fieldAt(rec, ifField), c["if_match"])
		if validateValue(ifMatch, ifVal) != nil {
			return
		}
		thenAttrs, _ := c["then_match"].(map[string]any)
		var err any
		if req, _ := thenAttrs["required"].(bool); req && thenVal == nil {
			err = "required field missing"
		} else {
			err = validateValue(matchField(fieldAt(rec, thenField), thenAttrs), thenVal)
		}
		if err == nil {
			return
		}
		fe.set(thenField, err)
		if msg, ok := c["then_err"].(string); ok {
			fe.addEntity(msg)
		} else {
			fe.addEntity("failed conditional validation given value of field '" + ifField + "'")
		}
	}
}

// matchField builds the field an if_match/then_match is evaluated with:
// the match attributes on top of the schema field (Lua __index inheritance).
func matchField(base *Field, attrs any) *Field {
	m, _ := attrs.(map[string]any)
	over := parseField("", m)
	f := &Field{}
	if base != nil {
		*f = *base
		f.Required = false
	}
	if over.Type != "" {
		f.Type = over.Type
	}
	if _, ok := m["len_min"]; ok {
		f.LenMin = over.LenMin
	}
	f.Required = over.Required
	f.HasEq, f.Eq = over.HasEq || f.HasEq, pick(over.HasEq, over.Eq, f.Eq)
	f.HasNe, f.Ne = over.HasNe || f.HasNe, pick(over.HasNe, over.Ne, f.Ne)
	if over.OneOf != nil {
		f.OneOf = over.OneOf
	}
	if over.NotOneOf != nil {
		f.NotOneOf = over.NotOneOf
	}
	if over.Gt != nil {
		f.Gt = over.Gt
	}
	if over.LenEq != nil {
		f.LenEq = over.LenEq
	}
	if over.Match != nil {
		f.Match = over.Match
	}
	if over.NotMatch != nil {
		f.NotMatch = over.NotMatch
	}
	if over.MatchAny != nil {
		f.MatchAny = over.MatchAny
	}
	if over.MatchAll != nil {
		f.MatchAll = over.MatchAll
	}
	if over.MatchNone != nil {
		f.MatchNone = over.MatchNone
	}
	if over.Between != nil {
		f.Between = over.Between
	}
	if over.LenMax != nil {
		f.LenMax = over.LenMax
	}
	if over.StartsWith != "" {
		f.StartsWith = over.StartsWith
	}
	if over.HasContains {
		f.Contains, f.HasContains = over.Contains, true
	}
	if over.Elements != nil {
		f.Elements = over.Elements
	}
	if fn, ok := m["@custom"].(func(any) (bool, string)); ok {
		// a custom_validator in a then_match (plugins/jwt/daos.lua)
		f.custom = fn
	}
	return f
}

func pick(cond bool, a, b any) any {
	if cond {
		return a
	}
	return b
}
