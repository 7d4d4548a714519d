package kong

import (
	"context"
	"sync"
)

// RawSchema is the body of GET /schemas/{entity} or /schemas/plugins/{name}
// (Kong's schema_to_jsonable: an ordered list of one-key field objects).
type RawSchema = map[string]any

// Schema is one Kong schema parsed once into a tree of fields. It is the one
// model of Kong's schema JSON the engine reads: comparison shapes, the
// defaults Kong fills on insert, unique fields, whether a field exists on
// this node, and a plugin's config record all come from Root.
type Schema struct {
	Name string
	Raw  RawSchema
	Root *FieldDef // a record holding the top-level fields, in schema order
}

// ParseSchema parses a schema body.
func ParseSchema(name string, raw RawSchema) *Schema {
	return &Schema{Name: name, Raw: raw, Root: ParseFields(name, raw["fields"])}
}

// Field returns a top-level field (nil when this node's schema lacks it).
func (s *Schema) Field(name string) *FieldDef { return s.Root.Field(name) }

// Has reports whether this node's schema has a top-level field.
func (s *Schema) Has(name string) bool { return s.Field(name) != nil }

// Shape is the comparison and masking shape of the whole entity.
func (s *Schema) Shape() *Shape { return s.Root.Shape() }

// Defaults is what Kong's insert fills for every field a user could set
// and leaves out (process_auto_fields, see FieldDef.Defaults): its default,
// a required record expanded, null for the rest. Fields Kong generates
// (id, timestamps, anything marked auto) and required fields without a
// default are left out: nothing can be predicted or reset for them.
func (s *Schema) Defaults() Object { return s.Root.Defaults() }

// UniqueFields lists the top-level fields the schema marks unique, in the
// schema's order (id excluded), as Kong checks them on insert.
func (s *Schema) UniqueFields() []string {
	var out []string
	for _, f := range s.Root.Fields {
		if u, _ := f.Def["unique"].(bool); u && f.Name != "id" {
			out = append(out, f.Name)
		}
	}
	return out
}

// WithSubschema is an entity's whole schema for one of its subschemas
// (Kong's subschema_key entities: a plugin by its name, a vault by its
// name): the entity's fields, in its order, with the subschema's in place
// of the generic ones (its config record, a plugin's default protocols),
// then the subschema's other fields. Named after the subschema.
func WithSubschema(base, sub *Schema) *Schema {
	root := &FieldDef{Name: sub.Name, Type: "record", Def: map[string]any{}}
	for _, f := range base.Root.Fields {
		if own := sub.Field(f.Name); own != nil {
			root.Fields = append(root.Fields, own)
			continue
		}
		root.Fields = append(root.Fields, f)
	}
	for _, f := range sub.Root.Fields {
		if root.Field(f.Name) == nil {
			root.Fields = append(root.Fields, f)
		}
	}
	return &Schema{Name: sub.Name, Raw: sub.Raw, Root: root}
}

// schemaCache holds each schema a Conn has read, fetched once even when
// many goroutines (kong_declarative's workers) ask for it at once.
type schemaCache struct {
	mu      sync.Mutex
	entries map[string]*schemaEntry
}

type schemaEntry struct {
	once   sync.Once
	schema *Schema
	err    error
}

// Schema returns a schema by its path under /schemas ("services",
// "plugins/rate-limiting"), fetched and parsed once per Conn: a task that
// handles many plugins of one kind asks Kong once, and different schemas
// are fetched concurrently.
func (c *Conn) Schema(ctx context.Context, name string) (*Schema, error) {
	c.schemas.mu.Lock()
	if c.schemas.entries == nil {
		c.schemas.entries = map[string]*schemaEntry{}
	}
	e := c.schemas.entries[name]
	if e == nil {
		e = &schemaEntry{}
		c.schemas.entries[name] = e
	}
	c.schemas.mu.Unlock()
	e.once.Do(func() {
		raw, err := c.fetchSchema(ctx, name) // Kong's endpoint, or Konnect's (konnect.go)
		if err != nil {
			e.err = err
			return
		}
		e.schema = ParseSchema(name, raw)
	})
	return e.schema, e.err
}

// autoFields are filled by Kong and never compared or sent.
var autoFields = map[string]bool{"id": true, "created_at": true, "updated_at": true}
