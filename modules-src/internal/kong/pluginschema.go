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

// PluginSchema is one plugin's schema (GET /schemas/plugins/{name}), read
// for what the engine needs of a plugin: its config record, the scopes it
// pins to null and its default protocols.
type PluginSchema struct {
	Name   string
	Schema *Schema
	Config *FieldDef
	// Pinned are the scope fields the plugin requires to be null, e.g.
	// "consumer" for key-auth (typedefs.no_consumer) or "service" and
	// "route" for acme (global only).
	Pinned map[string]bool
	// Protocols is the plugin's default protocols.
	Protocols []any
}

// ParsePluginSchema parses the body of GET /schemas/plugins/{name}.
func ParsePluginSchema(name string, raw RawSchema) *PluginSchema {
	return pluginSchemaOf(name, ParseSchema("plugins/"+name, raw))
}

func pluginSchemaOf(name string, s *Schema) *PluginSchema {
	ps := &PluginSchema{Name: name, Schema: s, Pinned: map[string]bool{}}
	for _, f := range s.Root.Fields {
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
// per connection.
func (c *Conn) PluginSchema(ctx context.Context, name string) (*PluginSchema, error) {
	s, err := c.Schema(ctx, "plugins/"+name)
	if err != nil {
		return nil, err
	}
	return pluginSchemaOf(name, s), nil
}

// EntitySchema is the whole plugin entity of this plugin on this node: the
// fields of GET /schemas/plugins (instance_name, enabled, tags, ordering
// on Enterprise, ...) with the plugin's own in place of the generic ones
// (its config record, its default protocols, the scopes it pins). Its
// Defaults are what Kong's insert fills for this plugin.
func (ps *PluginSchema) EntitySchema(plugins *Schema) *Schema {
	return WithSubschema(plugins, ps.Schema)
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

// Prepare gives an entity's fields (a state's, as written) what Kong will
// hold for them, as PrepareConfig does for a plugin's config: strings typed
// by the schema ("30" for an integer weight, as Ansible templates produce),
// deprecated shorthand fields moved to the fields they stand for. path
// names the entity in messages. Fields the schema does not know are kept.
func (s *Schema) Prepare(fields map[string]any, path string) (Object, error) {
	return prepareRecord(s.Root, Normalize(fields), path)
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
