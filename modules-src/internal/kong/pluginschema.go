package kong

import (
	"context"
	"fmt"
	"math"
	"platform.ops/modules-src/internal/ansible"
	"sort"
	"strconv"
	"strings"
)

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
func (f *FieldDef) Defaults() Object {
	out := Object{}
	for _, sub := range f.Fields {
		if auto, _ := sub.Def["auto"].(bool); auto {
			continue
		}
		if d, ok := sub.Default(); ok {
			out[sub.Name] = Normalize(DeepCopy(d))
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

// PluginSchema is one plugin's schema (GET /schemas/plugins/{name}).
type PluginSchema struct {
	Name   string
	Raw    Schema
	Config *FieldDef
	// Pinned are the scope fields the plugin requires to be null, e.g.
	// "consumer" for key-auth (typedefs.no_consumer) or "service" and
	// "route" for acme (global only).
	Pinned map[string]bool
	// Protocols is the plugin's default protocols.
	Protocols []any
}

// ParsePluginSchema parses the body of GET /schemas/plugins/{name}.
func ParsePluginSchema(name string, raw Schema) *PluginSchema {
	ps := &PluginSchema{Name: name, Raw: raw, Pinned: map[string]bool{}}
	top := ParseFields(name, raw["fields"])
	for _, f := range top.Fields {
		switch {
		case f.Name == "config":
			ps.Config = f
		case f.Name == "protocols":
			if d, ok := f.Default(); ok {
				ps.Protocols = asList(Normalize(d))
			}
		case f.Type == "foreign":
			if eq, has := f.Def["eq"]; has && eq == nil {
				ps.Pinned[f.Name] = true
			}
		}
	}
	if ps.Config == nil {
		ps.Config = &FieldDef{Name: "config", Type: "record", Def: map[string]any{}}
	}
	return ps
}

// PluginSchema fetches and parses a plugin's schema, once per plugin name
// per connection (Conn.Schema caches the body).
func (c *Conn) PluginSchema(ctx context.Context, name string) (*PluginSchema, error) {
	raw, err := c.Schema(ctx, "plugins/"+name)
	if err != nil {
		return nil, err
	}
	return ParsePluginSchema(name, raw), nil
}

// PluginShape is the comparison and masking shape of a plugin entity with
// this schema's config.
func (ps *PluginSchema) PluginShape() *Shape {
	fields := map[string]*Shape{
		"service":        ForeignKey,
		"route":          ForeignKey,
		"consumer":       ForeignKey,
		"consumer_group": ForeignKey,
		"protocols":      SetOf(nil),
		"tags":           SetOf(nil),
		"config":         ps.Config.Shape(),
	}
	return RecordOf(fields)
}

// PrepareConfig turns the config a user wrote into what Kong will hold
// for those keys, so that comparing it with Kong's answer gives no false
// change: deprecated shorthand fields are moved to the fields they stand
// for (Kong 3.8+ stores only those and merely echoes the shorthand),
// scalars are converted to the schema's type ("5" for an integer field,
// as Ansible templates produce) and records inside arrays get their
// defaults filled (Kong fills them and such arrays compare whole). Keys
// the schema does not know are kept: Kong rejects them with its message.
func (ps *PluginSchema) PrepareConfig(user map[string]any) (Object, error) {
	return prepareRecord(ps.Config, Normalize(user), "config")
}

func prepareRecord(rec *FieldDef, in map[string]any, path string) (Object, error) {
	out := Object{}
	// Real fields first, so a shorthand never overrides a field the user
	// also set explicitly.
	keys := sortedKeys(in)
	for _, k := range keys {
		f := rec.Field(k)
		if f == nil {
			continue
		}
		v, err := prepareValue(f, in[k], path+"."+k)
		if err != nil {
			return nil, err
		}
		out[k] = v
	}
	for _, k := range keys {
		if rec.Field(k) != nil {
			continue
		}
		sh := rec.Shorthand(k)
		if sh == nil || len(sh.ReplacedWith) != 1 {
			out[k] = in[k] // unknown (Kong answers "unknown field") or not translatable
			continue
		}
		target := sh.ReplacedWith[0]
		tdef := rec
		for _, seg := range target {
			tdef = tdef.Field(seg)
		}
		v := in[k]
		if tdef != nil && v != nil {
			var err error
			if v, err = prepareValue(tdef, v, path+"."+k); err != nil {
				return nil, err
			}
		}
		if cur, exists := GetPath(out, target); exists {
			if !Equal(cur, v, nil) {
				return nil, fmt.Errorf("%s.%s is a deprecated name of %s.%s and both are set to different values: set only %s.%s",
					path, k, path, strings.Join(target, "."), path, strings.Join(target, "."))
			}
			continue
		}
		SetPath(out, target, v)
	}
	return out, nil
}

func prepareValue(f *FieldDef, v any, path string) (any, error) {
	if v == nil {
		if f.Type == "record" && f.Required() {
			// Kong recreates a required record set to null with its
			// defaults: compare with those, or null would differ forever.
			return f.Defaults(), nil
		}
		return nil, nil
	}
	switch f.Type {
	case "record":
		m, ok := v.(map[string]any)
		if !ok {
			return v, nil
		}
		return prepareRecord(f, m, path)
	case "set", "array":
		list, ok := v.([]any)
		if !ok {
			return v, nil
		}
		out := make([]any, len(list))
		for i, e := range list {
			ev, err := prepareValue(f.Elements, e, fmt.Sprintf("%s.%d", path, i+1))
			if err != nil {
				return nil, err
			}
			if m, ok := ev.(map[string]any); ok && f.Elements != nil && f.Elements.Type == "record" {
				ev = overlay(f.Elements.Defaults(), m)
			}
			out[i] = ev
		}
		return out, nil
	case "map":
		m, ok := v.(map[string]any)
		if !ok || f.Values == nil {
			return v, nil
		}
		out := map[string]any{}
		for k, e := range m {
			ev, err := prepareValue(f.Values, e, path+"."+k)
			if err != nil {
				return nil, err
			}
			out[k] = ev
		}
		return out, nil
	case "integer", "number":
		if s, ok := v.(string); ok {
			n, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			// ParseFloat also reads "NaN" and "inf", which JSON cannot carry.
			if err != nil || math.IsNaN(n) || math.IsInf(n, 0) || (f.Type == "integer" && n != math.Trunc(n)) {
				return nil, fmt.Errorf("%s must be %s, got %q", path, map[string]string{"integer": "an integer", "number": "a number"}[f.Type], s)
			}
			return n, nil
		}
	case "boolean":
		if s, ok := v.(string); ok {
			switch strings.ToLower(strings.TrimSpace(s)) {
			case "yes", "true", "on", "1", "y", "t":
				return true, nil
			case "no", "false", "off", "0", "n", "f":
				return false, nil
			}
			return nil, fmt.Errorf("%s must be a boolean, got %q", path, s)
		}
	case "string":
		switch t := v.(type) {
		case float64:
			return strconv.FormatFloat(t, 'f', -1, 64), nil
		case bool:
			return strconv.FormatBool(t), nil
		}
	}
	return v, nil
}

// StripShorthands removes the deprecated shorthand fields Kong 3.8+ echoes
// in every answer (e.g. rate-limiting's redis_host next to redis.host):
// their values are in the fields they stand for, and sending them back
// could overwrite those.
func (ps *PluginSchema) StripShorthands(plugin Object) Object {
	if plugin == nil {
		return nil
	}
	out := DeepCopy(plugin)
	if cfg, ok := out["config"].(map[string]any); ok {
		stripRecord(ps.Config, cfg)
	}
	return out
}

func stripRecord(rec *FieldDef, m map[string]any) {
	for _, sh := range rec.Shorthands {
		if rec.Field(sh.Name) == nil {
			delete(m, sh.Name)
		}
	}
	for _, f := range rec.Fields {
		if f.Type == "record" {
			if sub, ok := m[f.Name].(map[string]any); ok {
				stripRecord(f, sub)
			}
		}
	}
}

// SecretStrings lists the values of config that the schema (or the key's
// name) marks secret, so a module can mask them everywhere in its output,
// including the echo of its arguments. It accepts the config as the user
// wrote it as well as prepared: a deprecated shorthand is secret when a
// field it stands for is, and a number under a secret field is listed in
// its JSON text (a password given as 12345). A key the schema does not know
// may hold anything, so its strings are listed too; its numbers are not,
// unless their name looks secret: masking "0" wherever it occurs would
// garble every message ("HTTP 4********") for nothing. Without a schema (a
// nil PluginSchema: it is not read yet) every key is of unknown secrecy, and
// only its strings of minUnknownSecret characters or more are listed, or
// rate-limiting's policy "local" would turn an unreachable
// http://localhost:8001 into "http://********host:8001".
func (ps *PluginSchema) SecretStrings(config Object) []string {
	var out []string
	minUnknown := 1
	var walk func(v any, s *Shape, secret, unknown bool)
	walk = func(v any, s *Shape, secret, unknown bool) {
		if s != nil && s.Secret {
			secret = true
		}
		switch t := v.(type) {
		case string:
			switch {
			case secret && t != "":
				out = append(out, secretParts(t)...)
			case unknown && len(t) >= minUnknown:
				out = append(out, t)
			}
		case float64:
			if secret {
				out = append(out, strconv.FormatFloat(t, 'f', -1, 64))
			}
		case map[string]any:
			for k, e := range t {
				var sub *Shape
				inMap := s != nil && s.Type == Map
				childUnknown := unknown
				if inMap {
					sub = s.Values
				} else {
					sub = s.Field(k)
					if s != nil && s.Type == Record && s.Fields != nil {
						_, known := s.Fields[k]
						childUnknown = childUnknown || !known
					}
				}
				walk(e, sub, secret || entryLooksSecret(k, inMap), childUnknown)
			}
		case []any:
			var elem *Shape
			if s != nil {
				elem = s.Elements
			}
			for _, e := range t {
				walk(e, elem, secret, unknown)
			}
		}
	}
	var root *Shape
	if ps != nil {
		root = ps.Config.Shape()
	} else {
		minUnknown = minUnknownSecret
	}
	walk(config, root, false, ps == nil)
	sort.Strings(out)
	return out
}

// minUnknownSecret is the length from which a config string is masked
// before the plugin's schema is read, when its name does not look secret
// either: what a schema or a name marks secret is masked whatever its
// length.
const minUnknownSecret = 8

// ConfigSecretsBeforeSchema is kong_plugin's Option.Secrets for config:
// until the plugin's schema is read nothing tells which values are secret,
// so SecretStrings without a schema decides (strings of 8 characters or
// more, and whatever is named like a secret), from validation on; the module narrows the list
// with the schema once it has it (Module.SetOptionSecrets).
func ConfigSecretsBeforeSchema(value any) []string {
	config, ok := Normalize(value).(map[string]any)
	if !ok {
		return ansible.AllLeaves(value)
	}
	return (*PluginSchema)(nil).SecretStrings(config)
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
