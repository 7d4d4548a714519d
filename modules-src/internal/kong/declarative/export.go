package declarative

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"

	"platform.ops/modules-src/internal/kong"
)

// ExportOptions say what Export writes.
type ExportOptions struct {
	// SelectTags: only entities carrying all of them (and the state says
	// so in _info.select_tags).
	SelectTags []string
	// Service, when set, narrows the export to that service (name or id)
	// with its routes and their plugins; Consumers adds those consumers
	// (names or ids) with their credentials and plugins.
	Service   string
	Consumers []string
	// IncludeSecrets writes credentials (key-auth keys, jwt and hmac
	// secrets) and secret plugin config values; otherwise they are left out
	// and named in Export's omitted list. acl groups are not secret and are
	// always written.
	IncludeSecrets bool
	Parallelism    int
}

// Export reads Kong and writes it as a state in decK's format, the one
// kong_declarative and `deck sync` take: services with their routes and
// plugins nested, consumers with their credentials and plugins, plugins on
// several scopes (or none) at the top with their scope by name. Ids and
// timestamps are left out except where nothing else names an entity (a
// service or route without a name). The format is "3.0" for Kong 3.x and
// "1.1" for Kong 2.x. It returns the state, the paths of what was left out
// as secret, and warnings.
func Export(ctx context.Context, c *kong.Conn, opt ExportOptions) (map[string]any, []string, []string, error) {
	info, err := c.Info(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	current, err := readAll(ctx, c, supportedTypes(ctx, c), opt.SelectTags)
	if err != nil {
		return nil, nil, nil, err
	}
	x := &exporter{opt: opt, current: current, plugins: map[string]*kong.PluginSchema{}}
	if err := x.loadPlugins(ctx, c, max(opt.Parallelism, 1)); err != nil {
		return nil, nil, nil, err
	}
	if err := x.narrow(ctx, c); err != nil {
		return nil, nil, nil, err
	}
	state := map[string]any{"_format_version": "3.0"}
	if !info.AtLeast(3, 0) {
		state["_format_version"] = "1.1"
	}
	if len(opt.SelectTags) > 0 {
		state["_info"] = map[string]any{"select_tags": stringsToAny(opt.SelectTags)}
	}
	x.write(state)
	sort.Strings(x.omitted)
	return state, x.omitted, x.warnings, nil
}

type exporter struct {
	opt      ExportOptions
	current  map[*Type][]kong.Object
	plugins  map[string]*kong.PluginSchema
	omitted  []string
	warnings []string
}

func (x *exporter) loadPlugins(ctx context.Context, c *kong.Conn, n int) error {
	names := map[string]bool{}
	for _, p := range x.current[Plugins] {
		if name, _ := p["name"].(string); name != "" {
			names[name] = true
		}
	}
	var jobs []func() error
	var mu sync.Mutex
	for name := range names {
		jobs = append(jobs, func() error {
			ps, err := c.PluginSchema(ctx, name)
			if err != nil {
				return err
			}
			mu.Lock()
			x.plugins[name] = ps
			mu.Unlock()
			return nil
		})
	}
	// The deprecated shorthand fields Kong 3.8+ echoes (rate-limiting's
	// redis_host next to redis.host) stay, as in deck dump: decK compares
	// them, and kong_declarative reads them as the fields they stand for.
	return runAll(n, jobs)
}

// narrow keeps, with Service, that service, its routes, the plugins
// scoped to them and the consumers asked for.
func (x *exporter) narrow(ctx context.Context, c *kong.Conn) error {
	if x.opt.Service == "" {
		return nil
	}
	svc := find(x.current[Services], x.opt.Service, Services)
	if svc == nil {
		return fmt.Errorf("service %q does not exist (with the select tags, if any): nothing to export", x.opt.Service)
	}
	keepIDs := map[string]bool{lowerID(svc): true}
	x.current[Services] = []kong.Object{svc}
	x.current[Routes] = slices.DeleteFunc(x.current[Routes], func(r kong.Object) bool { return refID(r, "service") != lowerID(svc) })
	for _, r := range x.current[Routes] {
		keepIDs[lowerID(r)] = true
	}
	var consumers []kong.Object
	for _, ref := range x.opt.Consumers {
		cons := find(x.current[Consumers], ref, Consumers)
		if cons == nil {
			return fmt.Errorf("consumer %q does not exist (with the select tags, if any): nothing to export for it", ref)
		}
		consumers = append(consumers, cons)
		keepIDs[lowerID(cons)] = true
	}
	x.current[Consumers] = consumers
	x.current[Plugins] = slices.DeleteFunc(x.current[Plugins], func(p kong.Object) bool {
		for _, sc := range kong.PluginScopes {
			if id := refID(p, sc.Field); id != "" && !keepIDs[id] {
				return true
			}
		}
		return len(kong.ScopeOf(p)) == 0 // a global plugin is not the service's
	})
	for _, t := range All {
		if t.Credential != nil {
			x.current[t] = slices.DeleteFunc(x.current[t], func(o kong.Object) bool { return !keepIDs[refID(o, "consumer")] })
		}
	}
	return nil
}

func find(list []kong.Object, ref string, t *Type) kong.Object {
	for _, o := range list {
		if strings.EqualFold(fmt.Sprint(o["id"]), ref) {
			return o
		}
		for _, f := range t.Names {
			if o[f] == ref {
				return o
			}
		}
	}
	return nil
}

func lowerID(o kong.Object) string { id, _ := o["id"].(string); return strings.ToLower(id) }

func refID(o kong.Object, field string) string {
	id, _ := asMap(o[field])["id"].(string)
	return strings.ToLower(id)
}

// write builds the state's lists.
func (x *exporter) write(state map[string]any) {
	names := map[string]string{} // id -> name, for refs written by name
	for _, t := range []*Type{Services, Routes, Consumers} {
		for _, o := range x.current[t] {
			names[lowerID(o)] = display(t, o)
		}
	}
	nested := map[string][]any{} // parent id + "/" + key -> children
	var topRoutes, topPlugins []any
	for _, r := range x.current[Routes] {
		out := x.fields(Routes, r, "routes")
		if sid := refID(r, "service"); sid != "" && names[sid] != "" {
			nested[sid+"/routes"] = append(nested[sid+"/routes"], out)
			continue
		}
		if sid := refID(r, "service"); sid != "" {
			out["service"] = map[string]any{"id": sid}
		}
		topRoutes = append(topRoutes, out)
	}
	for _, p := range x.current[Plugins] {
		scope := kong.ScopeOf(p)
		out := x.plugin(p)
		if len(scope) == 1 {
			for field, id := range scope {
				if names[strings.ToLower(id)] != "" && field != "consumer_group" {
					nested[strings.ToLower(id)+"/plugins"] = append(nested[strings.ToLower(id)+"/plugins"], out)
					out = nil
				}
			}
		}
		if out == nil {
			continue
		}
		for field, id := range scope {
			if n := names[strings.ToLower(id)]; n != "" {
				out[field] = n
			} else {
				out[field] = id
			}
		}
		topPlugins = append(topPlugins, out)
	}
	for _, t := range All {
		if t.Credential == nil {
			continue
		}
		for _, cr := range x.current[t] {
			cid := refID(cr, "consumer")
			if t != ACLs && !x.opt.IncludeSecrets {
				x.omitted = append(x.omitted, fmt.Sprintf("consumers[%s].%s", names[cid], t.Key))
				continue
			}
			out := x.fields(t, cr, t.Key)
			delete(out, "consumer")
			if t == BasicAuths {
				// Kong keeps a hash: given back as a password it would be
				// hashed again, a password nobody knows.
				delete(out, "password")
				x.warnings = append(x.warnings, fmt.Sprintf("basic-auth credential %q of consumer %s: its password is not exported (Kong keeps only a hash); set it in the state before applying", out["username"], names[cid]))
			}
			nested[cid+"/"+t.Key] = append(nested[cid+"/"+t.Key], out)
		}
	}
	for _, tg := range x.current[Targets] {
		uid := refID(tg, "upstream")
		nested[uid+"/targets"] = append(nested[uid+"/targets"], x.fields(Targets, tg, "targets"))
	}
	var upstreams []any
	for _, u := range x.current[Upstreams] {
		out := x.fields(Upstreams, u, "upstreams")
		x.attach(out, nested, lowerID(u), "targets")
		upstreams = append(upstreams, out)
	}
	var services []any
	for _, s := range x.current[Services] {
		out := x.fields(Services, s, "services")
		x.attach(out, nested, lowerID(s), "routes", "plugins")
		for _, r := range asList(out["routes"]) {
			rm := r.(map[string]any)
			x.attach(rm, nested, strings.ToLower(fmt.Sprint(rm["_id"])), "plugins")
		}
		services = append(services, out)
	}
	for _, r := range topRoutes {
		rm := r.(map[string]any)
		x.attach(rm, nested, strings.ToLower(fmt.Sprint(rm["_id"])), "plugins")
	}
	var consumers []any
	for _, cons := range x.current[Consumers] {
		out := x.fields(Consumers, cons, "consumers")
		keys := []string{"plugins"}
		for _, t := range All {
			if t.Credential != nil {
				keys = append(keys, t.Key)
			}
		}
		x.attach(out, nested, lowerID(cons), keys...)
		consumers = append(consumers, out)
	}
	lists := map[string][]any{"services": services, "routes": topRoutes, "consumers": consumers, "plugins": topPlugins, "upstreams": upstreams}
	for _, t := range []*Type{Certificates, CACertificates, Vaults, KeySets, Keys} {
		for _, o := range x.current[t] {
			lists[t.Key] = append(lists[t.Key], x.fields(t, o, t.Key))
		}
	}
	for key, list := range lists {
		if len(list) > 0 {
			sortByName(list)
			dropInternalIDs(list)
			state[key] = list
		}
	}
}

// attach moves the children collected for parent id under keys.
func (x *exporter) attach(out map[string]any, nested map[string][]any, id string, keys ...string) {
	for _, k := range keys {
		if list := nested[id+"/"+k]; len(list) > 0 {
			sortByName(list)
			out[k] = list
		}
	}
}

// fields writes one entity: its non-null fields without id and timestamps
// (the id stays where nothing else names it), refs left to the caller. The
// entity's id is kept aside in "_id" while nesting (dropInternalIDs).
func (x *exporter) fields(t *Type, o kong.Object, where string) map[string]any {
	out := map[string]any{"_id": o["id"]}
	for k, v := range o {
		if v == nil || k == "created_at" || k == "updated_at" || k == "id" {
			continue
		}
		if def, newer := newerFields[t.Key][k]; newer && reflect.DeepEqual(v, def) {
			continue
		}
		if rf := fieldOf(t, k); rf != nil && !rf.Many {
			// A route's service and a plugin's scope become nesting (or
			// names) in write; a parent (a credential's consumer, a
			// target's upstream) becomes nesting; the rest is written by
			// name where the entity has one (a key's set), else by id (a
			// client certificate), as decK writes them.
			if !rf.Parent && t != Routes && t != Plugins {
				out[k] = x.refValue(rf, v)
			}
			continue
		}
		out[k] = v
	}
	if t == Certificates {
		// decK writes a certificate's SNIs as {name: ...} objects.
		var snis []any
		for _, n := range asList(o["snis"]) {
			snis = append(snis, map[string]any{"name": n})
		}
		if len(snis) > 0 {
			out["snis"] = snis
		} else {
			delete(out, "snis")
		}
	}
	if !x.opt.IncludeSecrets && t.Kind != nil && t.Credential == nil {
		// A certificate's key, a key's private parts: left out, as the
		// secrets of plugin configs are.
		where := fmt.Sprintf("%s[%s]", t.Key, display(t, o))
		kept, _ := withoutSecrets(out, kong.Mask(out, t.Kind.Shape), t.Kind.Shape, where, &x.omitted)
		out = kept.(map[string]any)
	}
	// The id stays where nothing else names the entity for the references
	// to it: an unnamed service or route, and certificates and CA
	// certificates, which services and upstreams refer to by id. Plugins,
	// credentials and targets are named by where they are.
	named := len(t.Names) == 0 && t != Certificates && t != CACertificates
	for _, f := range t.Names {
		if out[f] != nil {
			named = true
		}
	}
	if !named {
		out["id"] = o["id"]
	}
	return out
}

// newerFields are fields that decK 1.x's file schema does not know, with the
// value Kong gives them by default: an export leaves them out while they hold
// it, so decK 1.x (Debian's deck) takes the export too, and Kong (or
// kong_declarative, strict) fills the same value back in.
var newerFields = map[string]map[string]any{
	"services": {"enabled": true},
}

// refValue writes a reference ({"id": ...}) by the name of the entity it
// points to when that has one in the export, else by its id.
func (x *exporter) refValue(rf *RefField, v any) any {
	id, _ := asMap(v)["id"].(string)
	if id == "" {
		return v
	}
	for _, o := range x.current[rf.To] {
		if strings.EqualFold(fmt.Sprint(o["id"]), id) {
			for _, f := range rf.To.Names {
				if name, ok := o[f].(string); ok && name != "" {
					return map[string]any{f: name}
				}
			}
		}
	}
	return id
}

// plugin writes a plugin: its config with the secret values left out
// unless asked for (their paths go to omitted).
func (x *exporter) plugin(p kong.Object) map[string]any {
	out := x.fields(Plugins, p, "plugins")
	for _, sc := range kong.PluginScopes {
		delete(out, sc.Field)
	}
	ps := x.plugins[fmt.Sprint(p["name"])]
	cfg, _ := out["config"].(map[string]any)
	if cfg == nil || x.opt.IncludeSecrets || ps == nil {
		return out
	}
	shape := ps.Config.Shape()
	where := fmt.Sprintf("plugins[%s].config", display(Plugins, p))
	kept, _ := withoutSecrets(cfg, kong.Mask(cfg, shape), shape, where, &x.omitted)
	out["config"] = kept
	return out
}

// withoutSecrets drops from v what kong.Mask hid in masked (one rule for
// what is secret): a secret string, and whole a list or a map (a Kong map
// field, such as http-log's headers) with a secret inside, since a partial
// one would be applied as the whole value. Records lose only their secret
// keys.
func withoutSecrets(v, masked any, shape *kong.Shape, where string, omitted *[]string) (any, bool) {
	if reflect.DeepEqual(v, masked) {
		return v, true
	}
	switch t := v.(type) {
	case map[string]any:
		if shape == nil || shape.Type == kong.Record {
			mm, _ := masked.(map[string]any)
			out := map[string]any{}
			for k, e := range t {
				if ev, keep := withoutSecrets(e, mm[k], shape.Field(k), where+"."+k, omitted); keep {
					out[k] = ev
				}
			}
			return out, true
		}
	}
	*omitted = append(*omitted, where)
	return nil, false
}

func sortByName(list []any) {
	key := func(v any) string {
		m := v.(map[string]any)
		for _, k := range []string{"name", "username", "custom_id", "group", "instance_name", "prefix", "target", "cert", "id", "_id"} {
			if s, ok := m[k].(string); ok && s != "" {
				parts := []string{s}
				for _, sc := range []string{"service", "route", "consumer"} {
					parts = append(parts, fmt.Sprint(m[sc]))
				}
				return strings.Join(parts, "\x00")
			}
		}
		return ""
	}
	sort.SliceStable(list, func(i, j int) bool { return key(list[i]) < key(list[j]) })
}

func dropInternalIDs(list []any) {
	for _, v := range list {
		m, ok := v.(map[string]any)
		if !ok {
			continue
		}
		delete(m, "_id")
		for _, child := range m {
			if l, ok := child.([]any); ok {
				dropInternalIDs(l)
			}
		}
	}
}

func asList(v any) []any { l, _ := v.([]any); return l }
