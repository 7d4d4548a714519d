// Package konginfo is the platform.ops.kong_info module: a read-only
// export of Kong services with their routes and plugins (and consumers
// with theirs), in the shape of the platform.ops modules' options so it
// can be applied to another Kong.
package konginfo

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"reflect"
	"sort"
	"strings"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong"
	kongconsumer "platform.ops/modules-src/modules/kong_consumer"
	kongplugin "platform.ops/modules-src/modules/kong_plugin"
	kongroute "platform.ops/modules-src/modules/kong_route"
	kongservice "platform.ops/modules-src/modules/kong_service"
)

// exporter reads entities and writes them as module options.
type exporter struct {
	m              *ansible.Module
	conn           *kong.Conn
	dropDefaults   bool
	includeSecrets bool
	// names of referenced entities by id, per collection ("services"),
	// read on demand for references outside the export.
	names   map[string]map[string]string
	omitted []string
}

func run(ctx context.Context, m *ansible.Module) (ansible.Result, error) {
	if err := kong.CheckIdentifiers(m.Params, "service", "consumers"); err != nil {
		return nil, err
	}
	conn, err := kong.Connect(m)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if m.Params.String("format") == "deck" {
		return exportDeck(ctx, m, conn)
	}
	e := &exporter{m: m, conn: conn, dropDefaults: m.Params.Bool("drop_defaults"),
		includeSecrets: m.Params.Bool("include_secrets"), names: map[string]map[string]string{}}

	services, err := e.readServices(ctx)
	if err != nil {
		return nil, err
	}
	var routes, plugins []kong.Object
	seen := map[string]bool{}
	addPlugins := func(path string) error {
		list, err := conn.List(ctx, path)
		if err != nil {
			return kong.ErrorFromKong(err, "listing plugins (GET "+path+")")
		}
		for _, p := range list {
			if id, _ := p["id"].(string); !seen[id] {
				seen[id] = true
				plugins = append(plugins, p)
			}
		}
		return nil
	}
	for _, s := range services {
		id, _ := s["id"].(string)
		rs, err := conn.ServiceRoutes(ctx, id)
		if err != nil {
			return nil, err
		}
		routes = append(routes, rs...)
		if err := addPlugins(kong.PathFor("services", id, "plugins")); err != nil {
			return nil, err
		}
		for _, r := range rs {
			rid, _ := r["id"].(string)
			if err := addPlugins(kong.PathFor("routes", rid, "plugins")); err != nil {
				return nil, err
			}
		}
	}
	var consumers []kong.Object
	for _, ref := range m.Params.Strings("consumers") {
		c, err := conn.Get(ctx, kong.PathFor("consumers", ref))
		if err != nil {
			return nil, kong.ErrorFromKong(err, fmt.Sprintf("reading consumer %q", ref))
		}
		if c == nil {
			if err := e.notFound(ctx, "consumer", "consumers", "username", ref); err != nil {
				return nil, err
			}
			continue
		}
		consumers = append(consumers, c)
		cid, _ := c["id"].(string)
		if err := addPlugins(kong.PathFor("consumers", cid, "plugins")); err != nil {
			return nil, err
		}
	}
	for _, s := range services {
		e.remember("services", s, "name")
	}
	for _, r := range routes {
		e.remember("routes", r, "name")
	}
	for _, c := range consumers {
		e.remember("consumers", c, "username")
	}

	out := ansible.Result{"changed": false}
	if out["services"], err = e.exportAll(ctx, services, e.exportService); err != nil {
		return nil, err
	}
	if out["routes"], err = e.exportAll(ctx, routes, e.exportRoute); err != nil {
		return nil, err
	}
	if out["plugins"], err = e.exportAll(ctx, plugins, e.exportPlugin); err != nil {
		return nil, err
	}
	if out["consumers"], err = e.exportAll(ctx, consumers, e.exportConsumer); err != nil {
		return nil, err
	}
	sort.Strings(e.omitted)
	out["omitted_secrets"] = ansible.NonNilStrings(e.omitted)
	if len(e.omitted) > 0 {
		m.Warn(fmt.Sprintf("%d secret plugin config value(s) were left out of the export (%s); set include_secrets: true (with no_log: true) to export them",
			len(e.omitted), strings.Join(e.omitted, ", ")))
	}
	return out, nil
}

func (e *exporter) readServices(ctx context.Context) ([]kong.Object, error) {
	if ref := e.m.Params.String("service"); ref == "" {
		var q url.Values
		if tags := e.m.Params.Strings("select_tags"); len(tags) > 0 {
			q = url.Values{"tags": {strings.Join(tags, ",")}}
		}
		list, err := e.conn.ListQuery(ctx, "/services", q)
		if err != nil {
			return nil, kong.ErrorFromKong(err, "listing services")
		}
		return list, nil
	}
	ref := e.m.Params.String("service")
	s, err := e.conn.Get(ctx, kong.PathFor("services", ref))
	if err != nil {
		return nil, kong.ErrorFromKong(err, fmt.Sprintf("reading service %q", ref))
	}
	if s == nil {
		return nil, e.notFound(ctx, "service", "services", "name", ref)
	}
	return []kong.Object{s}, nil
}

// exportAll exports each entity and sorts the result by what identifies it
// in the modules, so two Kongs holding the same entities (with other ids)
// give the same export.
func (e *exporter) exportAll(ctx context.Context, list []kong.Object, one func(context.Context, kong.Object) (kong.Object, error)) ([]any, error) {
	type keyed struct {
		key string
		obj kong.Object
	}
	var items []keyed
	for _, o := range list {
		x, err := one(ctx, o)
		if err != nil {
			return nil, err
		}
		items = append(items, keyed{sortKey(x), x})
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].key < items[j].key })
	out := make([]any, len(items))
	for i, it := range items {
		out[i] = integers(it.obj)
	}
	return out, nil
}

// integers turns whole float64 numbers (JSON numbers as decoded) into
// ints, so the export's values have the types the modules' int options
// take when it is fed back without a JSON round trip.
func integers(v any) any {
	switch t := v.(type) {
	case float64:
		if t == math.Trunc(t) && math.Abs(t) < 1<<53 {
			return int(t)
		}
	case map[string]any:
		for k, e := range t {
			t[k] = integers(e)
		}
	case []any:
		for i, e := range t {
			t[i] = integers(e)
		}
	}
	return v
}

func sortKey(o kong.Object) string {
	var parts []string
	for _, k := range []string{"name", "username", "custom_id", "instance_name", "service", "route", "consumer", "consumer_group", "id"} {
		parts = append(parts, fmt.Sprint(o[k]))
	}
	return strings.Join(parts, "\x00")
}

// remember records the name of an entity in the export, so references to
// it are written as that name.
func (e *exporter) remember(collection string, o kong.Object, nameField string) {
	id, _ := o["id"].(string)
	name, _ := o[nameField].(string)
	if e.names[collection] == nil {
		e.names[collection] = map[string]string{}
	}
	if name != "" {
		e.names[collection][id] = name
	}
}

// ref writes a foreign key ({"id": ...}) as the name of the entity it
// points to (reading it when it is outside the export), or its id when
// it has no name.
func (e *exporter) ref(ctx context.Context, collection, nameField string, fk any) (any, error) {
	m, _ := fk.(map[string]any)
	id, _ := m["id"].(string)
	if id == "" {
		return nil, nil
	}
	if name, ok := e.names[collection][id]; ok {
		return name, nil
	}
	o, err := e.conn.Get(ctx, kong.PathFor(collection, id))
	if err != nil {
		return nil, kong.ErrorFromKong(err, fmt.Sprintf("reading %s %s", strings.TrimSuffix(collection, "s"), id))
	}
	if o == nil {
		return id, nil
	}
	e.remember(collection, o, nameField)
	if name, ok := e.names[collection][id]; ok {
		return name, nil
	}
	return id, nil
}

// fieldsFor keeps the entity's fields that are options of the module
// (non-null, not ids or timestamps), without those equal to Kong's
// defaults when asked.
func (e *exporter) fieldsFor(ctx context.Context, o kong.Object, def *ansible.Definition, schema string, shape *kong.Shape) (kong.Object, error) {
	var defaults kong.Object
	if e.dropDefaults {
		s, err := e.conn.Schema(ctx, schema)
		if err != nil {
			return nil, err
		}
		defaults = kong.Normalize(s.Defaults())
	}
	out := kong.Object{}
	for k, v := range o {
		if v == nil || k == "id" || k == "created_at" || k == "updated_at" || def.Spec.Options[k] == nil {
			continue
		}
		if d, has := defaults[k]; has && kong.Equal(v, d, shape.Field(k)) {
			continue
		}
		out[k] = v
	}
	return out, nil
}

func (e *exporter) exportService(ctx context.Context, s kong.Object) (kong.Object, error) {
	out, err := e.fieldsFor(ctx, s, kongservice.Definition, "services", kong.ServiceKind.Shape)
	if err != nil {
		return nil, err
	}
	if cc, ok := out["client_certificate"].(map[string]any); ok {
		out["client_certificate"] = cc["id"]
	}
	if out["name"] == nil {
		out["id"] = s["id"]
	}
	return out, nil
}

func (e *exporter) exportRoute(ctx context.Context, r kong.Object) (kong.Object, error) {
	out, err := e.fieldsFor(ctx, r, kongroute.Definition, "routes", kong.RouteKind.Shape)
	if err != nil {
		return nil, err
	}
	if out["service"], err = e.ref(ctx, "services", "name", r["service"]); err != nil {
		return nil, err
	}
	if out["service"] == nil {
		delete(out, "service")
	}
	if out["name"] == nil {
		out["id"] = r["id"]
	}
	return out, nil
}

func (e *exporter) exportConsumer(ctx context.Context, c kong.Object) (kong.Object, error) {
	out, err := e.fieldsFor(ctx, c, kongconsumer.Definition, "consumers", nil)
	if err != nil {
		return nil, err
	}
	if out["username"] == nil && out["custom_id"] == nil {
		out["id"] = c["id"]
	}
	return out, nil
}

var pluginScopes = []struct{ field, collection, nameField string }{
	{"service", "services", "name"},
	{"route", "routes", "name"},
	{"consumer", "consumers", "username"},
	{"consumer_group", "consumer_groups", "name"},
}

func (e *exporter) exportPlugin(ctx context.Context, p kong.Object) (kong.Object, error) {
	name, _ := p["name"].(string)
	ps, err := e.conn.PluginSchema(ctx, name)
	if err != nil {
		return nil, err
	}
	p = ps.StripShorthands(p)
	out := kong.Object{"name": name}
	for _, k := range []string{"instance_name", "enabled", "protocols", "tags", "ordering"} {
		if p[k] != nil && kongplugin.Definition.Spec.Options[k] != nil {
			out[k] = p[k]
		}
	}
	if e.dropDefaults {
		if out["enabled"] == true {
			delete(out, "enabled")
		}
		if kong.Equal(out["protocols"], ps.Protocols, kong.SetOf(nil)) {
			delete(out, "protocols")
		}
	}
	for _, sc := range pluginScopes {
		if out[sc.field], err = e.ref(ctx, sc.collection, sc.nameField, p[sc.field]); err != nil {
			return nil, err
		}
		if out[sc.field] == nil {
			delete(out, sc.field)
		}
	}
	if cfg, ok := p["config"].(map[string]any); ok {
		where := describePlugin(out)
		c := e.exportRecord(cfg, ps.Config, ps.Config.Shape(), ps.Config.Defaults(), where+".config")
		if len(c) > 0 {
			out["config"] = c
		}
	}
	return out, nil
}

func describePlugin(p kong.Object) string {
	s := fmt.Sprint(p["name"])
	for _, k := range []string{"instance_name", "service", "route", "consumer", "consumer_group"} {
		if v := p[k]; v != nil {
			s += fmt.Sprintf(" %s=%v", k, v)
		}
	}
	return "plugin(" + s + ")"
}

// exportRecord writes a config record: null values whose default is null
// are left out, secrets are left out unless asked for, and with
// drop_defaults values equal to the plugin's default are left out (and
// records left empty by that).
func (e *exporter) exportRecord(v map[string]any, rec *kong.FieldDef, shape *kong.Shape, defaults kong.Object, path string) kong.Object {
	out := kong.Object{}
	for k, val := range v {
		sub := shape.Field(k)
		def, hasDef := defaults[k]
		p := path + "." + k
		switch {
		case val == nil && (!hasDef || def == nil):
			continue
		case !e.includeSecrets && isSecret(k, sub) && val != nil && !isNonSecretScalar(val) && !kong.IsURLWithoutSecrets(val):
			e.omitted = append(e.omitted, p)
			continue
		case !e.includeSecrets && !isRecord(rec.Field(k), val) && holdsSecret(val, sub):
			// A map or list with secrets inside (e.g. http-log's
			// headers, whose values are referenceable) is left out
			// whole: a partial one would be applied as the whole value.
			e.omitted = append(e.omitted, p)
			continue
		}
		if m, ok := val.(map[string]any); ok && isRecord(rec.Field(k), val) {
			subDefaults, _ := def.(map[string]any)
			if subDefaults == nil {
				subDefaults = rec.Field(k).Defaults()
			}
			r := e.exportRecord(m, rec.Field(k), sub, subDefaults, p)
			if len(r) == 0 && e.dropDefaults {
				continue
			}
			out[k] = r
			continue
		}
		if e.dropDefaults && hasDef && kong.Equal(val, def, sub) {
			continue
		}
		out[k] = val
	}
	return out
}

// isRecord reports whether val is a record exportRecord walks field by
// field.
func isRecord(f *kong.FieldDef, val any) bool {
	_, isMap := val.(map[string]any)
	return isMap && f != nil && f.Type == "record"
}

// holdsSecret reports whether a value has a secret anywhere inside, by the
// same rules as the masking of task results (kong.Mask).
func holdsSecret(v any, s *kong.Shape) bool {
	switch v.(type) {
	case map[string]any, []any:
		return !reflect.DeepEqual(kong.Mask(v, s), v)
	}
	return false
}

func isSecret(key string, s *kong.Shape) bool {
	return (s != nil && s.Secret) || kong.KeyLooksSecret(key)
}

// isNonSecretScalar: numbers and booleans are never secret (a record or
// list under a secret key is, entirely).
func isNonSecretScalar(v any) bool {
	switch v.(type) {
	case bool, float64, int:
		return true
	}
	return false
}
