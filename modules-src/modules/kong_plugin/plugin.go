// Package kongplugin is the platform.ops.kong_plugin module: one Kong
// plugin instance, found by instance_name or by name and scope, made
// present (config compared key by key with defaults, sets and deprecated
// names taken from the plugin's schema) or absent.
package kongplugin

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong"
)

// task is one run of the module: what the user asked for, resolved
// against Kong.
type task struct {
	m      *ansible.Module
	conn   *kong.Conn
	name   string
	schema *kong.PluginSchema // nil only for state=absent of a plugin the node does not have
	kind   *kong.Kind
}

func run(ctx context.Context, m *ansible.Module) (ansible.Result, error) {
	p := m.Params
	if err := kong.CheckIdentifiers(p, "name", "instance_name", "id"); err != nil {
		return nil, err
	}
	if err := kong.CheckReferences(p, "plugin", "a plugin without service, route, consumer and consumer_group is global",
		"service", "route", "consumer", "consumer_group"); err != nil {
		return nil, err
	}
	if err := kong.CheckID(p.String("id"), "use instance_name to name a plugin"); err != nil {
		return nil, err
	}
	conn, err := kong.Connect(m)
	if err != nil {
		return nil, beforeSchema(m, err)
	}
	defer conn.Close()
	t := &task{m: m, conn: conn, name: p.String("name")}
	if p.String("state") != "absent" && (!p.Given("enabled") || p.Bool("enabled")) {
		if err := conn.KonnectUnsupportedPlugin(t.name, p.Dict("config")); err != nil {
			return nil, err
		}
	}
	if err := t.checkFeatures(ctx); err != nil {
		return nil, beforeSchema(m, err)
	}
	absent := p.String("state") == "absent"
	if err := t.loadSchema(ctx, absent); err != nil {
		return nil, beforeSchema(m, err)
	}
	if t.schema != nil && p.Given("config") {
		// Until now config was masked without a schema (strings of 8
		// characters or more, and what is named like a secret: see
		// kong.ConfigSecretsBeforeSchema); the schema tells which values
		// really are secret.
		m.SetOptionSecrets("config", t.schema.SecretStrings(kong.Normalize(p.Dict("config"))))
	}
	req := &kong.Request{
		Kind:      t.kind,
		Select:    kong.Selector{ID: p.String("id"), Key: p.String("instance_name")},
		Refs:      t.scopeRefs(),
		CheckMode: m.CheckMode,
		Find:      t.find,
		// Without an id, find looks the plugin up by name and scope too
		// (after instance_name): a plugin to create holds no scope's slot.
		KeyFound:        !p.Given("id"),
		DiffChangedOnly: true,
	}
	if absent {
		out, err := conn.Remove(ctx, req)
		if err != nil {
			return nil, err
		}
		return out.Result(m.Diff), nil
	}
	if req.Desired, err = t.desired(); err != nil {
		return nil, err
	}
	req.Strict = p.Bool("strict")
	req.ResultKey = "plugin"
	out, err := conn.Ensure(ctx, req)
	if err != nil {
		return nil, err
	}
	return out.Result(m.Diff), nil
}

// checkFeatures refuses, before anything is read or written, the options
// this node cannot have: Kong would only answer "unknown field".
func (t *task) checkFeatures(ctx context.Context) error {
	p := t.m.Params
	if p.Given("instance_name") {
		info, err := t.conn.Info(ctx)
		if err != nil {
			return err
		}
		if !info.AtLeast(3, 2) {
			return fmt.Errorf("instance_name needs Kong 3.2 or later, and this node runs %s: leave instance_name out (plugins are then found by name and scope)", info)
		}
	}
	for _, opt := range []struct{ name, needs string }{
		{"consumer_group", "Kong Enterprise 3.4 or later"},
		{"ordering", "Kong Enterprise 3.0 or later"},
	} {
		if !p.Given(opt.name) {
			continue
		}
		has, err := t.conn.HasPluginField(ctx, opt.name)
		if err != nil {
			return err
		}
		if !has {
			info, _ := t.conn.Info(ctx)
			node := "this node"
			if info != nil {
				node = info.String()
			}
			return fmt.Errorf("%s needs %s: plugins on %s have no %s field", opt.name, opt.needs, node, opt.name)
		}
	}
	return nil
}

// loadSchema reads the plugin's schema. An unknown plugin fails with the
// list of installed ones; for state=absent it simply cannot exist.
func (t *task) loadSchema(ctx context.Context, absent bool) error {
	schema, err := t.conn.PluginSchema(ctx, t.name)
	if err != nil {
		var f *ansible.Failure
		if !errors.As(err, &f) || f.Fields["status"] != 404 {
			return err
		}
		if absent {
			kind := *kong.PluginKind
			kind.Name = t.name + " plugin"
			t.kind = &kind
			t.warnNotInstalled(ctx)
			return nil
		}
		info, _ := t.conn.Info(ctx)
		node := "the Kong node"
		if info != nil {
			node = info.String()
		}
		kongMsg := f.Msg
		if i := strings.Index(kongMsg, "Kong answered "); i >= 0 {
			kongMsg = kongMsg[i+len("Kong answered "):]
		}
		msg := fmt.Sprintf("plugin %q is not installed on %s (GET /schemas/plugins/%s: %s)", t.name, node, t.name, kongMsg)
		if avail := t.conn.AvailablePlugins(ctx); len(avail) > 0 {
			if near := kong.ClosestName(t.name, avail); near != "" {
				msg += fmt.Sprintf("; did you mean %s?", near)
			}
			msg += "; installed plugins: " + strings.Join(avail, ", ")
		}
		return &ansible.Failure{Msg: msg, Fields: map[string]any{"status": 404}}
	}
	t.schema = schema
	t.kind = kong.PluginKindFor(schema)
	for _, sc := range kong.PluginScopes {
		if schema.Pinned[sc.Field] && t.m.Params.Given(sc.Field) {
			return fmt.Errorf("plugin %s cannot be scoped to a %s (its schema requires %s to be null): remove the %s option",
				t.name, strings.ReplaceAll(sc.Field, "_", " "), sc.Field, sc.Field)
		}
	}
	return nil
}

// scopeRefs are the scope options (names or ids) the engine resolves
// into ids.
func (t *task) scopeRefs() []*kong.Ref {
	var refs []*kong.Ref
	for _, sc := range kong.PluginScopes {
		if ref := t.m.Params.String(sc.Field); ref != "" {
			refs = append(refs, &kong.Ref{Field: sc.Field, Kind: sc.Kind, Value: ref})
		}
	}
	return refs
}

// find reads the plugin the task is about: by id, else by instance_name
// (falling back to name and scope, to adopt an unnamed plugin), else by
// name and scope. A plugin found by id or instance_name must be of the
// task's plugin name: Kong cannot turn one plugin into another.
func (t *task) find(ctx context.Context, r *kong.Request) (kong.Object, error) {
	p := t.m.Params
	var found kong.Object
	var err error
	var how string
	switch {
	case p.Given("id"):
		found, err = t.conn.Get(ctx, kong.PathFor("plugins", p.String("id")))
		how = "id " + p.String("id")
	case p.Given("instance_name"):
		found, err = t.conn.Get(ctx, kong.PathFor("plugins", p.String("instance_name")))
		how = fmt.Sprintf("instance_name %q", p.String("instance_name"))
	}
	if err != nil {
		return nil, kong.ErrorFromKong(err, "reading plugin "+how)
	}
	if found != nil {
		if found["name"] != t.name {
			return nil, fmt.Errorf("the plugin with %s is a %v plugin, not %s: Kong cannot change a plugin's name; remove it first or choose another instance_name",
				how, found["name"], t.name)
		}
		return found, nil
	}
	if p.Given("id") || len(r.Missing()) > 0 {
		return nil, nil // no plugin is scoped to an entity that does not exist
	}
	return t.conn.FindPlugin(ctx, t.name, kong.ScopeOf(r.Desired))
}

// desired builds the plugin fields the user set, in Kong's JSON shape. The
// scope is always part of it (null for the options not given): a plugin's
// identity includes its scope, so a plugin found by instance_name is moved
// to the task's scope.
func (t *task) desired() (kong.Object, error) {
	p := t.m.Params
	d := kong.Object{"name": t.name}
	for _, f := range []string{"instance_name", "enabled", "protocols", "tags", "ordering"} {
		if p.Given(f) {
			d[f] = p[f]
		}
	}
	if p.Given("config") {
		cfg, err := t.schema.PrepareConfig(p.Dict("config"))
		if err != nil {
			return nil, err
		}
		for _, s := range t.schema.SecretStrings(cfg) {
			t.m.AddSecret(s)
		}
		d["config"] = cfg
	}
	for _, sc := range kong.PluginScopes {
		// Only Kong Enterprise plugins have consumer_group, and OSS rejects
		// the field even as null; checkFeatures made sure it exists when
		// the option is given.
		if sc.Field == "consumer_group" && !p.Given("consumer_group") {
			continue
		}
		d[sc.Field] = nil // the engine sets the scope the task gives (Request.Refs)
	}
	return d, nil
}
