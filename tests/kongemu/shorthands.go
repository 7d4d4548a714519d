package kongemu

import "fmt"

// Shorthand fields whose Lua func has no deprecation.replaced_with path
// the schema JSON could carry: the emulator would otherwise drop the value.
// Each entry ports the func (all on the plugin's config record).
func pluginShorthandFuncs(v3 bool) map[string]map[string]func(any) map[string]any {
	to := func(field string) func(any) map[string]any {
		return func(v any) map[string]any { return map[string]any{field: v} }
	}
	if !v3 {
		// acl, bot-detection, ip-restriction schema.lua (2.8.5): the
		// blacklist/whitelist forms
		lists := map[string]func(any) map[string]any{"blacklist": to("deny"), "whitelist": to("allow")}
		return map[string]map[string]func(any) map[string]any{"acl": lists, "bot-detection": lists, "ip-restriction": lists}
	}
	return map[string]map[string]func(any) map[string]any{
		// session/schema.lua:216
		"session": {
			"cookie_lifetime": to("rolling_timeout"),
			"cookie_idletime": func(v any) map[string]any {
				if v == nil {
					v = jsonNum(0)
				}
				return map[string]any{"idling_timeout": v}
			},
			"cookie_renew":   func(any) map[string]any { return nil }, // only logged
			"cookie_discard": to("stale_ttl"),
			"cookie_samesite": func(v any) map[string]any {
				if v == "off" {
					v = "Lax"
				}
				return map[string]any{"cookie_same_site": v}
			},
			"cookie_httponly":   to("cookie_http_only"),
			"cookie_persistent": to("remember"),
		},
		// opentelemetry/schema.lua:104
		"opentelemetry": {"endpoint": to("traces_endpoint")},
	}
}

func attachShorthandFuncs(set *schemaSet, v3 bool) error {
	for plugin, funcs := range pluginShorthandFuncs(v3) {
		sc := set.plugins[plugin]
		if sc == nil || sc.Field("config") == nil {
			return fmt.Errorf("shorthands: no plugin %q in Kong %s", plugin, set.version)
		}
		for name, fn := range funcs {
			found := false
			for _, sh := range sc.Field("config").Shorthands {
				if sh.Name == name {
					sh.shorthandFn, found = fn, true
				}
			}
			if !found {
				return fmt.Errorf("shorthands: %s has no shorthand %q", plugin, name)
			}
		}
	}
	return nil
}
