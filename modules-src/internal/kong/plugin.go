package kong

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// PluginKind is the Kong Plugin. Its endpoint key is instance_name (Kong
// 3.2+); without one a plugin is found by its name and scope (FindPlugin).
// Modules replace Shape per task with the plugin schema's (PluginShape),
// so config compares key by key with its sets unordered and its secrets
// masked. Kong allows one plugin per name and scope (its cache_key).
var PluginKind = &Kind{
	Name:       "plugin",
	Collection: "plugins",
	Module:     "platform.ops.kong_plugin",
	KeyField:   "instance_name",
	Shape: RecordOf(map[string]*Shape{
		"service":        ForeignKey,
		"route":          ForeignKey,
		"consumer":       ForeignKey,
		"consumer_group": ForeignKey,
		"protocols":      SetOf(nil),
		"tags":           SetOf(nil),
	}),
	CacheKey:        []string{"name", "route", "service", "consumer", "consumer_group"},
	CacheKeyParents: PluginScopes,
}

// PluginScopes are the plugin fields that scope it, most specific first,
// with the collection each refers to. No scope at all is a global plugin.
var PluginScopes = []KeyParent{
	{"route", "routes", RouteKind},
	{"service", "services", ServiceKind},
	{"consumer", "consumers", ConsumerKind},
	{"consumer_group", "consumer_groups", ConsumerGroupKind},
}

// ConsumerGroupKind is Kong Enterprise's consumer group, as a plugin scope.
var ConsumerGroupKind = &Kind{
	Name:       "consumer group",
	Collection: "consumer_groups",
	Module:     "Kong Manager or POST /consumer_groups",
	KeyField:   "name",
}

// PluginKindFor is the Kind of one plugin, from its schema: named after it
// ("rate-limiting plugin"), its config compared and masked by the schema,
// the deprecated shorthands Kong echoes dropped from what it returns, and
// its whole entity (GET /schemas/plugins with the plugin's config) for
// strict defaults and check-mode predictions.
func PluginKindFor(ps *PluginSchema) *Kind {
	k := *PluginKind
	k.Name = ps.Name + " plugin"
	k.Shape = ps.PluginShape()
	k.Schema = "plugins/" + ps.Name
	k.Clean = ps.StripShorthands
	k.LoadSchema = func(ctx context.Context, c *Conn) (*Schema, error) {
		plugins, err := c.Schema(ctx, "plugins")
		if err != nil {
			return nil, err
		}
		return ps.EntitySchema(plugins), nil
	}
	return &k
}

// PluginScope holds the ids of a plugin's scope entities by field name
// ("service" → id); fields not in the map are null.
type PluginScope map[string]string

// Of reads a plugin's scope as Kong returns it ({"service": {"id": ...}}).
func ScopeOf(plugin Object) PluginScope {
	s := PluginScope{}
	for _, sc := range PluginScopes {
		if ref, ok := plugin[sc.Field].(map[string]any); ok {
			if id, _ := ref["id"].(string); id != "" {
				s[sc.Field] = id
			}
		}
	}
	return s
}

// Equal reports whether two scopes name the same entities.
func (s PluginScope) Equal(o PluginScope) bool {
	if len(s) != len(o) {
		return false
	}
	for k, v := range s {
		if !strings.EqualFold(o[k], v) {
			return false
		}
	}
	return true
}

// String renders the scope for messages: "global" or "service 1f.., route 2a..".
func (s PluginScope) String() string {
	if len(s) == 0 {
		return "global"
	}
	var parts []string
	for _, sc := range PluginScopes {
		if id, ok := s[sc.Field]; ok {
			parts = append(parts, sc.Field+" "+id)
		}
	}
	return strings.Join(parts, ", ")
}

// FindPlugin finds the plugin with this name and exactly this scope (a
// service plugin is not a route plugin of that service). It lists the
// plugins of the most specific scope entity, or all plugins for a global
// one. Kong allows one plugin per name and scope, so there is at most one.
func (c *Conn) FindPlugin(ctx context.Context, name string, scope PluginScope) (Object, error) {
	path := PathFor("plugins")
	for _, sc := range PluginScopes {
		if id, ok := scope[sc.Field]; ok {
			path = PathFor(sc.Collection, id, "plugins")
			break
		}
	}
	plugins, err := c.List(ctx, path)
	if err != nil {
		return nil, ErrorFromKong(err, fmt.Sprintf("listing %s plugins (GET %s)", scope, path))
	}
	for _, p := range plugins {
		if p["name"] == name && ScopeOf(p).Equal(scope) {
			return p, nil
		}
	}
	return nil, nil
}

// ResolveRef reads the entity a scope option names (by name, username or
// id) and returns its id; "" when it does not exist.
func (c *Conn) ResolveRef(ctx context.Context, collection, nameOrID string) (string, error) {
	obj, err := c.Get(ctx, PathFor(collection, nameOrID))
	if err != nil {
		return "", ErrorFromKong(err, fmt.Sprintf("reading %s %q", strings.TrimSuffix(collection, "s"), nameOrID))
	}
	if obj == nil {
		return "", nil
	}
	id, _ := obj["id"].(string)
	return id, nil
}

// AvailablePlugins lists the plugins installed on the node (GET /
// plugins.available_on_server), sorted, for "unknown plugin" messages.
func (c *Conn) AvailablePlugins(ctx context.Context) []string {
	if c.konnect != nil {
		return nil // Konnect has no GET / (see konnectInfo)
	}
	root, err := c.Kong.Root(ctx)
	if err != nil {
		return nil
	}
	avail, _ := asMap(root["plugins"])["available_on_server"].(map[string]any)
	names := make([]string, 0, len(avail))
	for n := range avail {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// HasPluginField reports whether this node's plugin entity has a field,
// e.g. "instance_name" (3.2+), "consumer_group" or "ordering" (Kong
// Enterprise), read from GET /schemas/plugins (cached per connection).
func (c *Conn) HasPluginField(ctx context.Context, field string) (bool, error) {
	s, err := c.Schema(ctx, "plugins")
	if err != nil {
		return false, err
	}
	return s.Has(field), nil
}
