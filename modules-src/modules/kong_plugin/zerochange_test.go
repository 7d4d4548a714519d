package kongplugin

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"platform.ops/modules-src/internal/kong"
	"platform.ops/modules-src/internal/kong/kongtest"
	"platform.ops/tests/kongemu"
)

// The zero-false-change test is generated from the plugin schemas the
// emulator bundles: for every plugin of every emulated Kong version it
// derives a valid config that sets a few keys (the required ones, one per
// at_least_one_of check, and some keys flipped away from their defaults,
// nested records and unordered sets included), applies it, and requires
// the second run and a check-mode run to report no change.

// schemaDir is where the emulator's bundled schemas live in the checkout.
const schemaDir = "../../../tests/kongemu/schemas"

// unsynthesizable lists plugins whose schema needs values this generator
// cannot derive, with the reason. Empty means every bundled plugin is
// covered; a plugin is never skipped silently.
var unsynthesizable = map[string]string{}

// stringHints are valid values for required string fields whose validity
// the schema cannot express (Lua validators run on them in Kong): the
// field name decides. Values are deliberately realistic.
var stringHints = []struct{ match, value string }{
	{"email", "ops@example.test"},
	{"endpoint", "http://collector.example.test:4318/v1/traces"},
	{"url", "http://collector.example.test/ingest"},
	{"uri", "http://collector.example.test/ingest"},
	{"location", "https://example.test/moved"},
	{"host", "collector.example.test"},
	{"base_dn", "dc=example,dc=test"},
	{"path", "/tmp/kong-synth.log"},
	{"secret", "c3ludGhldGljLXNlY3JldC12YWx1ZQ=="},
	{"key", "synthetic-key-0123456789"},
	{"template", "{\"messages\":[{\"role\":\"user\",\"content\":\"{{q}}\"}]}"},
}

// luaCheckedElements are two valid elements for the lists whose elements
// Kong checks in Lua, which the schema JSON cannot say (the emulator runs
// those checks, see tests/kongemu/KONG-CHECKS.md): ip-restriction's
// typedefs.ip_or_cidr, and request-transformer's check_for_value, which
// wants "name:value" in body and querystring lists.
func luaCheckedElements(plugin, path string) []any {
	switch {
	case plugin == "ip-restriction" && (path == "config.allow" || path == "config.deny"):
		return []any{"10.0.0.2", "10.0.1.0/24"}
	case plugin == "request-transformer" && !strings.HasPrefix(path, "config.remove.") &&
		(strings.HasSuffix(path, ".body") || strings.HasSuffix(path, ".querystring")):
		return []any{"synth-b:2", "synth-a:1"}
	}
	return nil
}

// luaPhases hold Lua code in pre-function and post-function: a chunk that
// compiles.
var luaPhases = map[string]bool{"certificate": true, "rewrite": true, "access": true, "header_filter": true,
	"body_filter": true, "log": true, "functions": true}

type synth struct {
	plugin string
	avoid  map[string]bool // config paths entity checks tie to others: never flipped
}

func (s *synth) stringFor(path string, f *kong.FieldDef) any {
	if f.Def["one_of"] != nil {
		return f.Def["one_of"].([]any)[0]
	}
	name := path[strings.LastIndex(path, ".")+1:]
	if luaPhases[name] {
		return "return"
	}
	for _, h := range stringHints {
		if strings.Contains(name, h.match) {
			return h.value
		}
	}
	return "synth-" + strings.ReplaceAll(name, "_", "-")
}

// value synthesizes a valid value for a field that must be set.
func (s *synth) value(path string, f *kong.FieldDef) any {
	switch f.Type {
	case "record":
		return s.record(path, f)
	case "set", "array":
		if f.Elements == nil {
			return []any{}
		}
		if f.Elements.Type == "string" && luaPhases[path[strings.LastIndex(path, ".")+1:]] {
			return []any{"return"}
		}
		if els := luaCheckedElements(s.plugin, path); els != nil {
			return els[:1]
		}
		return []any{s.value(path, f.Elements)}
	case "map":
		return map[string]any{"synth": s.value(path+".synth", f.Values)}
	case "integer", "number":
		if b, ok := f.Def["between"].([]any); ok {
			return b[0].(float64) + 1
		}
		if gt, ok := f.Def["gt"].(float64); ok {
			return gt + 5
		}
		if strings.HasSuffix(path, "port") {
			return 9999.0
		}
		return 7.0
	case "boolean":
		return true
	default:
		return s.stringFor(path, f)
	}
}

// record fills a record's required fields (and one field of each of its
// at_least_one_of checks).
func (s *synth) record(path string, rec *kong.FieldDef) map[string]any {
	out := map[string]any{}
	for _, f := range rec.Fields {
		if _, hasDefault := f.Default(); f.Required() && !hasDefault {
			out[f.Name] = s.value(path+"."+f.Name, f)
		}
	}
	for _, c := range asList(rec.Def["entity_checks"]) {
		// One field of each at_least_one_of check: its first.
		if names := atLeastOneOf(c); len(names) > 0 {
			first := names[0]
			if f := rec.Field(first); f != nil && out[first] == nil {
				out[first] = s.value(path+"."+first, f)
			}
		}
	}
	return out
}

func atLeastOneOf(check any) []string {
	c, _ := check.(map[string]any)
	var out []string
	for _, p := range asList(c["at_least_one_of"]) {
		out = append(out, p.(string))
	}
	return out
}

// config derives the plugin's config: required keys, entity checks, then
// up to four keys flipped from their defaults.
func (s *synth) config(ps *kong.PluginSchema) (map[string]any, []string) {
	s.avoid = map[string]bool{}
	checks := asList(ps.Schema.Raw["entity_checks"])
	for _, c := range asList(ps.Config.Def["entity_checks"]) {
		checks = append(checks, prefixed(c, "config."))
	}
	for _, c := range checks {
		for _, p := range pathsIn(c) {
			s.avoid[p] = true
		}
	}
	cfg := s.record("config", ps.Config)
	for _, c := range checks {
		paths := atLeastOneOf(c)
		if len(paths) == 0 || anySet(cfg, paths) {
			continue
		}
		p := strings.TrimPrefix(paths[0], "config.")
		kong.SetPath(cfg, strings.Split(p, "."), s.value(paths[0], fieldAt(ps.Config, p)))
	}
	var candidates []flip
	s.flips("config", ps.Config, &candidates)
	if len(candidates) == 0 {
		// Nothing has a default to move away from: set the optional
		// strings that carry no constraint instead.
		for _, f := range ps.Config.Fields {
			if _, has := f.Default(); f.Type == "string" && !has && !f.Required() && !s.avoid["config."+f.Name] && stringElements(f.Name, f) != nil && f.Def["one_of"] == nil {
				candidates = append(candidates, flip{"config." + f.Name, "synth-" + f.Name})
			}
		}
	}
	var flipped []string
	step := len(candidates)/4 + 1
	for i := 0; i < len(candidates) && len(flipped) < 4; i += step {
		c := candidates[i]
		parts := strings.Split(strings.TrimPrefix(c.path, "config."), ".")
		if _, already := kong.GetPath(cfg, parts); already {
			continue
		}
		kong.SetPath(cfg, parts, c.value)
		flipped = append(flipped, c.path)
	}
	return cfg, flipped
}

// stringElements are two valid elements for a list of strings, or nil
// when the elements carry a constraint this generator does not know.
func stringElements(name string, el *kong.FieldDef) []any {
	switch {
	case luaPhases[name]:
		return nil // Lua code: covered by the required-field path
	case el.Def["one_of"] != nil:
		choices := asList(el.Def["one_of"])
		if len(choices) < 2 {
			return nil
		}
		return []any{choices[1], choices[0]}
	case el.Def["match"] == "^[^:]+:.*$":
		return []any{"x-synth-b:2", "x-synth-a:1"}
	case el.Def["is_regex"] == true:
		return []any{"^synth-b$", "^synth-a$"}
	}
	for _, k := range []string{"match", "match_all", "match_any", "match_none", "uuid", "custom_validator", "starts_with"} {
		if el.Def[k] != nil {
			return nil
		}
	}
	return []any{"synth-" + name + "-b", "synth-" + name + "-a"}
}

type flip struct {
	path  string
	value any
}

// flips lists the keys that can be set to a valid non-default value
// without touching entity checks: booleans negated, one_of choices
// changed, numbers moved inside their range, sets given in another order.
func (s *synth) flips(path string, rec *kong.FieldDef, out *[]flip) {
	for _, f := range rec.Fields {
		p := path + "." + f.Name
		if s.avoid[p] || f.Def["deprecation"] != nil {
			continue
		}
		def, hasDefault := f.Default()
		switch {
		case f.Type == "record" && f.Required() && !hasDefault:
			// A record with a default of its own is replaced whole by a
			// partial value, so only records without one are entered.
			s.flips(p, f, out)
		case f.Type == "record":
		case (f.Type == "array" || f.Type == "set") && len(asList(def)) == 0 && f.Elements != nil && f.Elements.Type == "string":
			// An empty or unset list of strings gets two elements, in
			// the order a set must not care about.
			if els := luaCheckedElements(s.plugin, p); els != nil {
				*out = append(*out, flip{p, els})
			} else if els := stringElements(f.Name, f.Elements); els != nil {
				*out = append(*out, flip{p, els})
			}
		case !hasDefault && (f.Type == "integer" || f.Type == "number") && f.Def["gt"] != nil && !f.Required():
			*out = append(*out, flip{p, f.Def["gt"].(float64) + 5})
		case !hasDefault || def == nil:
		case f.Type == "boolean":
			*out = append(*out, flip{p, !def.(bool)})
		case f.Def["one_of"] != nil:
			for _, choice := range asList(f.Def["one_of"]) {
				if choice != def {
					*out = append(*out, flip{p, choice})
					break
				}
			}
		case (f.Type == "integer" || f.Type == "number") && f.Def["between"] != nil:
			b := asList(f.Def["between"])
			lo, hi := b[0].(float64), b[1].(float64)
			if v := def.(float64) + 1; v <= hi {
				*out = append(*out, flip{p, v})
			} else if v := def.(float64) - 1; v >= lo {
				*out = append(*out, flip{p, v})
			}
		case f.Type == "set" && len(asList(def)) > 1:
			// The default elements in reverse order: no change to Kong,
			// and none must be reported on the rerun either.
			d := asList(def)
			rev := make([]any, len(d))
			for i, e := range d {
				rev[len(d)-1-i] = e
			}
			*out = append(*out, flip{p, rev})
		}
	}
}

func TestZeroFalseChanges_EveryBundledPluginSchema(t *testing.T) {
	t.Parallel()
	for _, version := range kongemu.SupportedVersions() {
		files, err := filepath.Glob(filepath.Join(schemaDir, version, "plugins", "*.json"))
		require.NoError(t, err)
		require.Greater(t, len(files), 30, "the emulator bundles the plugin schemas of Kong %s under %s", version, schemaDir)
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			env := kongtest.Start(t, kongemu.Options{Version: version})
			covered := 0
			for _, file := range files {
				name := strings.TrimSuffix(filepath.Base(file), ".json")
				if reason, skip := unsynthesizable[name]; skip {
					t.Logf("%s %s: not covered: %s", version, name, reason)
					continue
				}
				raw, err := os.ReadFile(file)
				require.NoError(t, err)
				var schema map[string]any
				require.NoError(t, json.Unmarshal(raw, &schema))
				ps := kong.ParsePluginSchema(name, schema)
				s := &synth{plugin: name}
				cfg, flipped := s.config(ps)
				t.Run(name, func(t *testing.T) {
					a := map[string]any{"name": name, "config": cfg, "_ansible_diff": true}
					out := env.Run(Definition, a)
					require.NotEqual(t, true, out["failed"], "config %s: %v %v", js(cfg), out["msg"], out["fields"])
					require.Equal(t, true, out["changed"])

					out = env.Run(Definition, a)
					require.NotEqual(t, true, out["failed"], "%v", out["msg"])
					assert.Equal(t, false, out["changed"], "second run of %s (flipped %v) changed %v; diff %s", js(cfg), flipped, out["changes"], js(out["diff"]))

					// The same config with every set in another order is the
					// same config for Kong.
					if permuted, n := reverseSets(cfg, ps.Config); n > 0 {
						out = env.Run(Definition, map[string]any{"name": name, "config": permuted})
						require.NotEqual(t, true, out["failed"], "%v", out["msg"])
						assert.Equal(t, false, out["changed"], "sets reordered %s changed %v", js(permuted), out["changes"])
					}

					check := map[string]any{"_ansible_check_mode": true}
					for k, v := range a {
						check[k] = v
					}
					out = env.Run(Definition, check)
					require.NotEqual(t, true, out["failed"], "%v", out["msg"])
					assert.Equal(t, false, out["changed"], "check mode after apply: %v", out["changes"])
				})
				covered++
			}
			t.Logf("Kong %s: %d of %d bundled plugin schemas covered", version, covered, len(files))
			assert.Equal(t, len(files)-countFor(files), covered)
		})
	}
}

// reverseSets copies a config with the elements of every field the
// schema declares a set in reverse order, and counts them.
func reverseSets(v map[string]any, rec *kong.FieldDef) (map[string]any, int) {
	out := map[string]any{}
	n := 0
	for k, val := range v {
		f := rec.Field(k)
		switch {
		case f == nil:
			out[k] = val
		case f.Type == "record":
			m, _ := val.(map[string]any)
			sub, c := reverseSets(m, f)
			out[k], n = sub, n+c
		case f.Type == "set" && len(asList(val)) > 1:
			l := asList(val)
			rev := make([]any, len(l))
			for i, e := range l {
				rev[len(l)-1-i] = e
			}
			out[k], n = rev, n+1
		default:
			out[k] = val
		}
	}
	return out, n
}

func countFor(files []string) int {
	n := 0
	for _, f := range files {
		if _, ok := unsynthesizable[strings.TrimSuffix(filepath.Base(f), ".json")]; ok {
			n++
		}
	}
	return n
}

func js(v any) string { b, _ := json.Marshal(v); return string(b) }

func asList(v any) []any { l, _ := v.([]any); return l }

func prefixed(check any, prefix string) any {
	b, _ := json.Marshal(check)
	var out any
	_ = json.Unmarshal(b, &out)
	var walk func(v any, key string) any
	walk = func(v any, key string) any {
		switch t := v.(type) {
		case map[string]any:
			for k, e := range t {
				t[k] = walk(e, k)
			}
		case []any:
			for i, e := range t {
				t[i] = walk(e, key)
			}
		case string:
			if isPathKey(key) {
				return prefix + t
			}
		}
		return v
	}
	return walk(out, "")
}

func isPathKey(k string) bool {
	switch k {
	case "if_field", "then_field", "at_least_one_of", "only_one_of", "mutually_required", "mutually_exclusive",
		"field_sources", "set1", "set2", "fields":
		return true
	}
	return false
}

// pathsIn collects the config paths an entity check names.
func pathsIn(body any) []string {
	var out []string
	var walk func(v any, key string)
	walk = func(v any, key string) {
		switch t := v.(type) {
		case map[string]any:
			for k, e := range t {
				walk(e, k)
			}
		case []any:
			for _, e := range t {
				walk(e, key)
			}
		case string:
			if isPathKey(key) && strings.HasPrefix(t, "config") {
				out = append(out, t)
			}
		}
	}
	walk(body, "")
	sort.Strings(out)
	return out
}

func anySet(cfg map[string]any, paths []string) bool {
	for _, p := range paths {
		if v, ok := kong.GetPath(cfg, strings.Split(strings.TrimPrefix(p, "config."), ".")); ok && v != nil {
			return true
		}
	}
	return false
}

func fieldAt(rec *kong.FieldDef, dotted string) *kong.FieldDef {
	f := rec
	for _, seg := range strings.Split(dotted, ".") {
		f = f.Field(seg)
	}
	if f == nil {
		panic(fmt.Sprintf("no field %s", dotted))
	}
	return f
}
