package declarative

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"platform.ops/modules-src/internal/kong"
)

// check refuses, before anything is planned, a field this node's Kong does
// not have: every key of every entity against the node's schema for its
// type (GET /schemas/...), a plugin's config key by key against the
// plugin's schema, an unknown plugin by name. All problems are reported at
// once, each with its path in the state.
func (r *run) check(ctx context.Context) error {
	var errs Errors
	plugins, err := r.c.Schema(ctx, "plugins")
	if err != nil {
		return err
	}
	var available []string
	availableRead := false
	for _, e := range r.st.Entities {
		var schema *kong.Schema
		if e.Type == Plugins {
			name, _ := e.Fields["name"].(string)
			if name == "" {
				errs.add(e.Path+".name", "missing: every plugin needs its name")
				continue
			}
			ps := r.schemas[name]
			if ps == nil {
				msg := fmt.Sprintf("plugin %q is not installed on %s", name, r.info)
				if !availableRead { // GET / once, at the first unknown plugin
					available, availableRead = r.c.AvailablePlugins(ctx), true
				}
				if len(available) > 0 {
					if near := kong.ClosestName(name, available); near != "" {
						msg += fmt.Sprintf(" (did you mean %s?)", near)
					}
				}
				errs.add(e.Path+".name", "%s", msg)
				continue
			}
			schema = ps.EntitySchema(plugins)
			if cfg, ok := e.Fields["config"].(map[string]any); ok {
				checkRecord(ps.Config, cfg, e.Path+".config", &errs)
			}
		} else {
			s, err := r.c.Schema(ctx, e.Type.Kind.SchemaPath())
			if err != nil {
				return err
			}
			schema = s
		}
		for _, k := range sortedKeys(e.Fields) {
			if schema.Has(k) {
				continue
			}
			errs.add(e.Path+"."+k, "%s", unknownField(k, e.Type, schema))
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// unknownField says what a key that is not a field should have been.
func unknownField(k string, t *Type, schema *kong.Schema) string {
	var names []string
	for _, f := range schema.Root.Fields {
		if f.Name != "id" && f.Name != "created_at" && f.Name != "updated_at" {
			names = append(names, f.Name)
		}
	}
	for _, n := range t.Nested {
		names = append(names, n.Key)
	}
	names = append(names, t.Sugar...)
	msg := fmt.Sprintf("unknown field of a %s", t.Name)
	if near := kong.ClosestName(k, names); near != "" {
		return msg + fmt.Sprintf(" (did you mean %s?)", near)
	}
	return msg + " (it has " + strings.Join(names, ", ") + ")"
}

// checkRecord checks a config record's keys against the plugin schema,
// recursing into records and lists of records; deprecated shorthand
// fields are accepted (decK dumps them), map keys are free.
func checkRecord(rec *kong.FieldDef, v map[string]any, path string, errs *Errors) {
	for _, k := range sortedKeys(v) {
		p := path + "." + k
		f := rec.Field(k)
		if f == nil {
			if rec.Shorthand(k) != nil {
				continue
			}
			var names []string
			for _, sub := range rec.Fields {
				names = append(names, sub.Name)
			}
			msg := "unknown field"
			if near := kong.ClosestName(k, names); near != "" {
				msg += fmt.Sprintf(" (did you mean %s?)", near)
			}
			errs.add(p, "%s", msg)
			continue
		}
		switch val := v[k].(type) {
		case map[string]any:
			if f.Type == "record" {
				checkRecord(f, val, p, errs)
			}
		case []any:
			if f.Elements != nil && f.Elements.Type == "record" {
				for i, el := range val {
					if m, ok := el.(map[string]any); ok {
						checkRecord(f.Elements, m, fmt.Sprintf("%s[%d]", p, i), errs)
					}
				}
			}
		}
	}
}

// desired is the Kong fields a declared entity sets, as the engine takes
// them: decK's sugar expanded (a service's url), route paths in this
// node's syntax, a plugin's config prepared by its schema (deprecated
// names moved, strings typed), and the select tags added.
func (r *run) desired(ctx context.Context, e *Entity) (kong.Object, error) {
	f := kong.DeepCopy(kong.Normalize(e.Fields))
	if f == nil {
		f = kong.Object{}
	}
	// Strings typed by the schema ("30" for an integer, as Ansible's
	// templating writes a number inside a dict), deprecated shorthand
	// fields moved to the fields they stand for; a plugin's config too.
	schema, err := r.kindOf(e.Type, f).EntitySchema(ctx, r.c)
	if err != nil {
		return nil, err
	}
	if f, err = schema.Prepare(f, e.Path); err != nil {
		return nil, &Error{Path: e.Path, Msg: err.Error()}
	}
	bad := func(field, format string, args ...any) error {
		return &Error{Path: e.Path + "." + field, Msg: fmt.Sprintf(format, args...)}
	}
	switch e.Type {
	case Services:
		if raw, ok := e.Sugar["url"]; ok {
			s, isStr := raw.(string)
			if !isStr {
				return nil, bad("url", "expected a URL such as http://example.com:8080/path, got %s", show(raw))
			}
			for _, k := range []string{"protocol", "host", "port", "path"} {
				if _, set := f[k]; set {
					return nil, bad("url", "url and %s are both set: url stands for protocol, host, port and path", k)
				}
			}
			u, err := kong.ParseServiceURL(s)
			if err != nil {
				return nil, bad("url", "%v", err)
			}
			f["protocol"], f["host"], f["port"] = u.Protocol, u.Host, float64(u.Port)
			if u.Path != nil {
				f["path"] = *u.Path
			} else {
				f["path"] = nil
			}
		}
	case Targets:
		// Kong writes a target with its port (8000 by default): so is it
		// compared.
		if t, ok := f["target"].(string); ok {
			if formatted, err := kong.FormatTarget(t); err == nil {
				f["target"] = formatted
			}
		}
	case Certificates:
		if raw, ok := e.Sugar["snis"]; ok {
			names, err := sniNames(raw)
			if err != nil {
				return nil, bad("snis", "%v", err)
			}
			f["snis"] = names
		}
	case Keys:
		if jwk, ok := f["jwk"].(map[string]any); ok {
			b, _ := json.Marshal(jwk) // Kong holds the JWK as a JSON string
			f["jwk"] = string(b)
		}
	case Routes:
		// Paths that are not all strings go to Kong as they are, for
		// Kong's own message.
		if paths, ok := f["paths"].([]any); ok && len(anyStrings(paths)) == len(paths) {
			f["paths"] = stringsToAny(r.routePaths(e, anyStrings(paths)))
		}
	case Plugins:
		name, _ := f["name"].(string)
		ps := r.schemas[name]
		for _, sc := range kong.PluginScopes {
			if ps.Pinned[sc.Field] && e.Refs[sc.Field] != nil {
				return nil, bad(sc.Field, "plugin %s cannot be scoped to a %s (its schema requires %s to be null)", name, strings.ReplaceAll(sc.Field, "_", " "), sc.Field)
			}
			if sc.Field == "consumer_group" {
				continue // Kong Enterprise only: OSS refuses the field even as null
			}
			if _, set := f[sc.Field]; !set && e.Refs[sc.Field] == nil {
				f[sc.Field] = nil // a plugin's scope is part of what it is
			}
		}
	}
	if len(r.opt.SelectTags) > 0 {
		tags, _ := f["tags"].([]any)
		for _, t := range r.opt.SelectTags {
			if !slices.Contains(tags, any(t)) {
				tags = append(tags, t)
			}
		}
		f["tags"] = tags
	}
	return f, nil
}

// routePaths writes a route's paths in this node's syntax: a state of
// format 1.1 (Kong 2.x) marks no regex with "~", which Kong 3.x needs
// (what `deck convert` adds); a 3.0 state's "~" is dropped for Kong 2.8,
// with the warnings kong_route gives.
func (r *run) routePaths(e *Entity, paths []string) []string {
	kong3 := r.info.AtLeast(3, 0)
	switch {
	case r.st.Format == "1.1" && kong3:
		return kong.Kong2PathsToKong3(paths)
	case r.st.Format == "3.0" && !kong3:
		out, warnings := kong.TranslatePaths(paths, false)
		for _, w := range warnings {
			r.warn(e.Path + ": " + w)
		}
		return out
	}
	return paths
}

// sniNames reads a certificate's snis as decK writes them ({name: ...}
// objects) or as Kong does (names).
func sniNames(v any) ([]any, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("expected a list of SNIs ({name: example.com} or example.com), got %s", show(v))
	}
	out := make([]any, 0, len(list))
	for i, e := range list {
		switch t := e.(type) {
		case string:
			out = append(out, t)
		case map[string]any:
			name, _ := t["name"].(string)
			if name == "" {
				return nil, fmt.Errorf("[%d]: an SNI needs its name", i)
			}
			for k := range t {
				if k != "name" && k != "id" && k != "tags" && k != "created_at" && k != "updated_at" {
					return nil, fmt.Errorf("[%d].%s: unknown field of an SNI (it has name, tags)", i, k)
				}
			}
			out = append(out, name)
		default:
			return nil, fmt.Errorf("[%d]: expected an SNI name or {name: ...}, got %s", i, show(e))
		}
	}
	return out, nil
}

func (r *run) warn(msg string) {
	if r.opt.Warn != nil {
		r.opt.Warn(msg)
	}
}

func anyStrings(list []any) []string {
	out := make([]string, 0, len(list))
	for _, v := range list {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
