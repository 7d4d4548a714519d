package kong

// FieldDef is one field of a Kong schema (the schema_to_jsonable format of
// GET /schemas/...), parsed into a tree: records keep their fields in
// schema order and their deprecated shorthand fields apart.
type FieldDef struct {
	Name string
	Type string // record, set, array, map, string, integer, number, boolean, foreign
	Def  map[string]any
	// Record only.
	Fields     []*FieldDef
	Shorthands []*FieldDef
	// Shorthand only: the paths (relative to the record) of the fields it
	// stands for.
	ReplacedWith [][]string
	Elements     *FieldDef // set, array
	Values       *FieldDef // map
}

// Field returns a record's field by name (nil when unknown).
func (f *FieldDef) Field(name string) *FieldDef {
	if f == nil {
		return nil
	}
	for _, sub := range f.Fields {
		if sub.Name == name {
			return sub
		}
	}
	return nil
}

// Shorthand returns a record's shorthand field by name (nil when none).
func (f *FieldDef) Shorthand(name string) *FieldDef {
	if f == nil {
		return nil
	}
	for _, sh := range f.Shorthands {
		if sh.Name == name {
			return sh
		}
	}
	return nil
}

// Default reports the field's schema default.
func (f *FieldDef) Default() (any, bool) {
	d, ok := f.Def["default"]
	return d, ok
}

// Required reports whether the schema marks the field required.
func (f *FieldDef) Required() bool { b, _ := f.Def["required"].(bool); return b }

// ParseFields parses a schema's "fields" list into a record FieldDef.
func ParseFields(name string, fields any) *FieldDef {
	return parseFieldDef(name, map[string]any{"type": "record", "fields": fields})
}

func parseFieldDef(name string, def map[string]any) *FieldDef {
	if def == nil {
		return nil
	}
	f := &FieldDef{Name: name, Def: def}
	f.Type, _ = def["type"].(string)
	switch f.Type {
	case "record":
		for _, item := range asList(def["fields"]) {
			for n, d := range asMap(item) {
				f.Fields = append(f.Fields, parseFieldDef(n, asMap(d)))
			}
		}
		for _, item := range asList(def["shorthand_fields"]) {
			for n, d := range asMap(item) {
				sh := parseFieldDef(n, asMap(d))
				for _, r := range asList(asMap(asMap(d)["deprecation"])["replaced_with"]) {
					var p []string
					for _, seg := range asList(asMap(r)["path"]) {
						if s, ok := seg.(string); ok {
							p = append(p, s)
						}
					}
					if len(p) > 0 {
						sh.ReplacedWith = append(sh.ReplacedWith, p)
					}
				}
				f.Shorthands = append(f.Shorthands, sh)
			}
		}
	case "set", "array":
		f.Elements = parseFieldDef("", asMap(def["elements"]))
	case "map":
		f.Values = parseFieldDef("", asMap(def["values"]))
	}
	return f
}

func asList(v any) []any { l, _ := v.([]any); return l }

// Shape is the comparison and masking shape of the field: sets compare
// without order, records key by key; a field is secret when the schema
// marks it encrypted or referenceable (a vault reference may stand for a
// secret) or its name looks like a credential.
func (f *FieldDef) Shape() *Shape {
	if f == nil {
		return nil
	}
	var s *Shape
	switch f.Type {
	case "record":
		s = &Shape{Type: Record, Fields: map[string]*Shape{}}
		for _, sub := range f.Fields {
			s.Fields[sub.Name] = sub.Shape()
		}
		for _, sh := range f.Shorthands {
			shs := sh.Shape()
			for _, p := range sh.ReplacedWith {
				if t := f.shapeAt(s, p); t != nil && t.Secret {
					shs.Secret = true
				}
			}
			s.Fields[sh.Name] = shs
		}
	case "foreign":
		s = RecordOf(map[string]*Shape{"id": nil})
	case "set":
		s = &Shape{Type: Set, Elements: f.Elements.Shape()}
	case "array":
		s = &Shape{Type: Array, Elements: f.Elements.Shape()}
	case "map":
		s = &Shape{Type: Map, Values: f.Values.Shape()}
	default:
		s = &Shape{Type: Scalar}
	}
	if b, _ := f.Def["encrypted"].(bool); b {
		s.Secret = true
	}
	if b, _ := f.Def["referenceable"].(bool); b {
		s.Secret = true
	}
	if f.Name != "" && (KeyLooksSecret(f.Name)) {
		s.Secret = true
	}
	return s
}

func (f *FieldDef) shapeAt(s *Shape, p []string) *Shape {
	for _, seg := range p {
		s = s.Field(seg)
	}
	return s
}

// Defaults is what Kong fills into the record when the user sets nothing
// (process_auto_fields on insert): each field's default, required records
// created and filled recursively, null for the rest. Required fields
// without a default are left out (Kong rejects their absence).
//
// A record's own default is filled in further with its fields' defaults,
// as Kong's adjust_field_for_context does (the default, then
// process_auto_fields on it): an upstream's healthchecks default names
// neither healthchecks.threshold nor active.https_sni, yet Kong returns
// threshold 0 and https_sni null.
func (f *FieldDef) Defaults() Object {
	out := Object{}
	for _, sub := range f.Fields {
		if auto, _ := sub.Def["auto"].(bool); auto {
			continue
		}
		if d, ok := sub.Default(); ok {
			v := Normalize(DeepCopy(d))
			if m, isMap := v.(map[string]any); isMap && sub.Type == "record" {
				v = overlay(sub.Defaults(), m)
			}
			out[sub.Name] = v
			continue
		}
		if sub.Type == "record" && sub.Required() {
			out[sub.Name] = sub.Defaults()
			continue
		}
		if sub.Required() {
			continue
		}
		out[sub.Name] = nil
	}
	return out
}

// Fill gives every record value of o (recursively) the fields it leaves
// out, with their defaults or null, as Kong returns an entity: a key
// written with pem {public_key} reads back with pem.private_key null
// (process_auto_fields on select fills what a stored record lacks).
func (f *FieldDef) Fill(o Object) Object {
	out := DeepCopy(o)
	for _, sub := range f.Fields {
		m, ok := out[sub.Name].(map[string]any)
		if !ok || sub.Type != "record" {
			continue
		}
		out[sub.Name] = sub.Fill(overlay(sub.Defaults(), m))
	}
	return out
}

// GetPath reads the value at a path of keys in nested maps.
func GetPath(m map[string]any, p []string) (any, bool) {
	var cur any = m
	for _, seg := range p {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = mm[seg]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// SetPath sets the value at a path of keys, creating the maps on the way.
func SetPath(m map[string]any, p []string, v any) {
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
