package kong

import (
	"context"
)

// Schema is the body of GET /schemas/{entity} or /schemas/plugins/{name}.
type Schema = map[string]any

// Schema returns a schema by its path under /schemas ("services",
// "plugins/rate-limiting"), fetched once per Conn: a task that handles many
// plugins of one kind asks Kong once.
func (c *Conn) Schema(ctx context.Context, name string) (Schema, error) {
	c.schemaMu.Lock()
	defer c.schemaMu.Unlock()
	if s, ok := c.schemas[name]; ok {
		return s, nil
	}
	s, err := c.fetchSchema(ctx, name)
	if err != nil {
		return nil, err
	}
	c.schemas[name] = s
	return s, nil
}

// autoFields are filled by Kong and never compared or sent.
var autoFields = map[string]bool{"id": true, "created_at": true, "updated_at": true}

// SchemaDefaults returns, for every field of a schema that a user could set,
// the value Kong gives it when it is left out: its default, or nil. Records
// are filled recursively. Fields Kong fills itself (id, timestamps, fields
// marked auto) and required fields without a default are left out: there is
// nothing to reset them to. This is the "full entity" of strict mode.
func SchemaDefaults(schema Schema) Object {
	return defaultsOf(schema["fields"], true)
}

func defaultsOf(fields any, top bool) Object {
	out := Object{}
	list, _ := fields.([]any)
	for _, item := range list {
		one, _ := item.(map[string]any)
		for name, raw := range one {
			def, _ := raw.(map[string]any)
			if def == nil || (top && autoFields[name]) {
				continue
			}
			if auto, _ := def["auto"].(bool); auto {
				continue
			}
			if d, has := def["default"]; has {
				out[name] = d
				continue
			}
			if def["type"] == "record" {
				out[name] = defaultsOf(def["fields"], false)
				continue
			}
			if req, _ := def["required"].(bool); req {
				continue
			}
			out[name] = nil
		}
	}
	return out
}
