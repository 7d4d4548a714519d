package kongemu

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// This file is a Go port of the parts of kong/db/schema/init.lua the Admin
// API exercises: process_auto_fields("insert") (fillRecord) and
// Schema:validate (validateRecord), driven by the schema JSON.

var uuidRE = regexp.MustCompile(`^(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

func isUUID(s string) bool { return uuidRE.MatchString(s) }

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
			return msg
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
	return f
}

func pick(cond bool, a, b any) any {
	if cond {
		return a
	}
	return b
}
