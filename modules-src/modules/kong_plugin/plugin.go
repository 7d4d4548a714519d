// Package kongplugin is the platform.ops.kong_plugin module: one Kong
// plugin instance, found by instance_name or by name and scope, made
// present (config compared key by key with defaults, sets and deprecated
// names taken from the plugin's schema) or absent.
package kongplugin

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong"
)

var uuidRE = regexp.MustCompile(`^(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// task is one run of the module: what the user asked for, resolved
// against Kong.
type task struct {
	m      *ansible.Module
	conn   *kong.Conn
	name   string
	schema *kong.PluginSchema // nil only for state=absent of a plugin the node does not have
	kind   *kong.Kind
	scope  kong.PluginScope
	// missing lists scope options whose entity does not exist (check mode
	// only: a real run fails).
	missing []string
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
	if id := p.String("id"); id != "" && !uuidRE.MatchString(id) {
		return nil, fmt.Errorf("id must be a UUID such as 9f3c6b0e-1111-4222-8333-444455556666, got %q (use instance_name to name a plugin)", id)
	}
	conn, err := kong.Connect(m)
	if err != nil {
		return nil, beforeSchema(m, err)
	}
	defer conn.Close()
	t := &task{m: m, conn: conn, name: p.String("name")}
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
	if err := t.resolveScope(ctx, absent); err != nil {
		return nil, err
	}
	if absent {
		return t.absent(ctx)
	}
	return t.present(ctx)
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
			t.kind = kong.PluginKind
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
	kind := *kong.PluginKind
	kind.Shape = schema.PluginShape()
	kind.Schema = "plugins/" + t.name
	t.kind = &kind
	for _, sc := range kong.PluginScopes {
		if schema.Pinned[sc.Field] && t.m.Params.Given(sc.Field) {
			return fmt.Errorf("plugin %s cannot be scoped to a %s (its schema requires %s to be null): remove the %s option",
				t.name, strings.ReplaceAll(sc.Field, "_", " "), sc.Field, sc.Field)
		}
	}
	return nil
}

// resolveScope turns the scope options (names or ids) into ids.
func (t *task) resolveScope(ctx context.Context, absent bool) error {
	t.scope = kong.PluginScope{}
	for _, sc := range kong.PluginScopes {
		ref := t.m.Params.String(sc.Field)
		if ref == "" {
			continue
		}
		id, err := t.conn.ResolveRef(ctx, sc.Collection, ref)
		if err != nil {
			return err
		}
		if id == "" {
			if !absent && !t.m.CheckMode {
				return fmt.Errorf("%s %q does not exist: create it first (the plugin's %s option must name an existing %s)",
					strings.ReplaceAll(sc.Field, "_", " "), ref, sc.Field, strings.ReplaceAll(sc.Field, "_", " "))
			}
			t.missing = append(t.missing, fmt.Sprintf("%s %q", strings.ReplaceAll(sc.Field, "_", " "), ref))
			continue
		}
		t.scope[sc.Field] = id
	}
	return nil
}

// find reads the plugin the task is about: by id, else by instance_name
// (falling back to name and scope, to adopt an unnamed plugin), else by
// name and scope. A plugin found by id or instance_name must be of the
// task's plugin name: Kong cannot turn one plugin into another.
func (t *task) find(ctx context.Context) (kong.Object, error) {
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
		return t.strip(found), nil
	}
	if p.Given("id") || len(t.missing) > 0 {
		return nil, nil
	}
	found, err = t.conn.FindPlugin(ctx, t.name, t.scope)
	return t.strip(found), err
}

func (t *task) strip(plugin kong.Object) kong.Object {
	if t.schema == nil || plugin == nil {
		return plugin
	}
	return t.schema.StripShorthands(plugin)
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
	if p.Bool("strict") {
		if !p.Given("enabled") {
			d["enabled"] = true
		}
		if !p.Given("tags") {
			d["tags"] = nil
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
		if id, ok := t.scope[sc.Field]; ok {
			d[sc.Field] = kong.Object{"id": id}
		} else {
			d[sc.Field] = nil
		}
	}
	return d, nil
}

func (t *task) present(ctx context.Context) (ansible.Result, error) {
	want, err := t.desired()
	if err != nil {
		return nil, err
	}
	for _, miss := range t.missing {
		t.m.Warn(fmt.Sprintf("%s does not exist: check mode assumes an earlier task creates it, so the plugin is reported as to be created", miss))
	}
	current, err := t.find(ctx)
	if err != nil {
		return nil, err
	}
	if len(t.missing) > 0 {
		// A scope entity that does not exist yet holds no plugin, and the
		// key (with that scope null) is not the real run's: check mode has
		// nothing to look up (the real run fails on the missing entity).
		kind := *t.kind
		kind.CacheKey = nil
		t.kind = &kind
	}
	req := &kong.Request{
		Kind:      t.kind,
		Select:    kong.Selector{ID: t.m.Params.String("id"), Key: t.m.Params.String("instance_name")},
		Desired:   want,
		Strict:    t.m.Params.Bool("strict"),
		CheckMode: t.m.CheckMode,
		Find:      kong.ReuseFirstRead(current, t.find),
		// Without an id, find looks the plugin up by name and scope too
		// (after instance_name): a plugin to create holds no scope's slot.
		KeyFound: !t.m.Params.Given("id"),
	}
	out, err := t.conn.Ensure(ctx, req)
	if err != nil {
		return nil, err
	}
	entity := t.strip(out.Entity)
	if t.m.CheckMode && out.Op == kong.OpCreate {
		predicted, err := t.predictCreated(ctx, out.Plan.Desired)
		if err != nil {
			return nil, err
		}
		entity = kong.MaskObject(predicted, t.kind.Shape)
		for _, sc := range kong.PluginScopes {
			if ref := t.m.Params.String(sc.Field); ref != "" && entity[sc.Field] == nil {
				entity[sc.Field] = kong.Object{"name": ref} // does not exist yet
			}
		}
	}
	res := out.Result(false)
	res["plugin"] = entity
	if t.m.Diff {
		res["diff"] = t.diff(out, entity)
	}
	return res, nil
}

// predictCreated is what Kong would hold after creating the plugin: the
// plugin's defaults with the user's values over them, and the other fields
// of the node's plugin entity (instance_name on 3.2+, ordering on
// Enterprise...) with their defaults, from GET /schemas/plugins.
func (t *task) predictCreated(ctx context.Context, desired kong.Object) (kong.Object, error) {
	full := kong.Object{
		"id": nil, "enabled": true, "tags": nil,
		"protocols": t.schema.Protocols, "route": nil, "service": nil, "consumer": nil,
		"config": t.schema.Config.Defaults(),
	}
	entity, err := t.conn.Schema(ctx, "plugins")
	if err != nil {
		return nil, err
	}
	for k, v := range kong.Normalize(kong.SchemaDefaults(entity)) {
		if _, known := full[k]; !known {
			full[k] = v
		}
	}
	for k, v := range desired {
		if k == "config" {
			cfg, _ := v.(kong.Object)
			full[k] = kong.MergePatch(full["config"].(kong.Object), cfg, nil)
			continue
		}
		full[k] = v
	}
	return full, nil
}

// diff shows only what changes: on update, the changed fields (config
// keys one by one); on create, what the user set. Secrets are masked.
func (t *task) diff(out *kong.Outcome, entity kong.Object) map[string]any {
	plan := out.Plan
	switch plan.Op {
	case kong.OpUpdate:
		return map[string]any{
			"before": kong.MaskObject(kong.Project(plan.Current, plan.Body, t.kind.Shape), t.kind.Shape),
			"after":  kong.Project(entity, plan.Body, t.kind.Shape),
		}
	case kong.OpCreate:
		after := kong.MaskObject(kong.Project(plan.After, plan.Desired, t.kind.Shape), t.kind.Shape)
		t.showScope(after)
		return map[string]any{"before": kong.Object{}, "after": after}
	}
	return map[string]any{"before": kong.Object{}, "after": kong.Object{}}
}

// showScope writes a created plugin's scope for people: unset scope
// fields are left out, and a scope entity that does not exist yet (check
// mode) is shown by the name the task gives, instead of null.
func (t *task) showScope(o kong.Object) {
	for _, sc := range kong.PluginScopes {
		if o[sc.Field] != nil {
			continue
		}
		if ref := t.m.Params.String(sc.Field); ref != "" {
			o[sc.Field] = kong.Object{"name": ref}
		} else {
			delete(o, sc.Field)
		}
	}
}

func (t *task) absent(ctx context.Context) (ansible.Result, error) {
	current, err := t.find(ctx)
	if err != nil {
		return nil, err
	}
	req := &kong.Request{
		Kind:      t.kind,
		Select:    kong.Selector{ID: t.m.Params.String("id"), Key: t.m.Params.String("instance_name")},
		CheckMode: t.m.CheckMode,
		Find:      kong.ReuseFirstRead(current, t.find),
	}
	out, err := t.conn.Remove(ctx, req)
	if err != nil {
		return nil, err
	}
	return out.Result(t.m.Diff), nil
}
