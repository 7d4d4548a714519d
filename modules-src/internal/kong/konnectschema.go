package kong

import (
	"maps"
	"slices"
)

// schemaFromJSONSchema reads a Konnect entity schema (a JSON Schema, from
// GET /v1/schemas/json/{name}) into the shape of Kong's GET /schemas/{name}
// ({"fields": [{name: {type, default, required, fields...}}, ...]}), which
// the engine reads for defaults, unique fields and field lists.
//
// It keeps what GDR reads from these schemas (Kong/go-database-reconciler
// pkg/schema/defaults.go ParseSchemaForDefaults): "properties" instead of
// "fields", each property's "default", nested objects' "properties", and a
// credential's fields nested under a "value" property ("All credentials'
// schemas in Konnect are embedded under "value" field"), which are lifted
// to the top. Types map back: an object with properties is a record (a
// foreign key when its only property is id, as Konnect writes references,
// e.g. service.client_certificate in Kong/koko
// internal/gen/jsonschema/schemas/service.json), an object with
// additionalProperties a map, an array with uniqueItems a set. Properties
// come in name order (JSON Schema has none).
//
// A JSON Schema does not say what Kong's schemas add: which fields are
// unique and which Kong fills itself (auto). Those come from Kong's own
// entity schemas, kongEntityExtras.
func schemaFromJSONSchema(dao string, js map[string]any) RawSchema {
	props := map[string]any{}
	maps.Copy(props, asMap(js["properties"]))
	required := stringSet(js["required"])
	if value := asMap(props["value"]); value != nil && value["properties"] != nil {
		delete(props, "value")
		maps.Copy(props, asMap(value["properties"]))
		for r := range stringSet(value["required"]) {
			required[r] = true
		}
	}
	fields := fieldsFromProperties(props, required)
	extras := kongEntityExtras[dao]
	for _, f := range fields {
		for name, def := range f.(map[string]any) {
			d := def.(map[string]any)
			if slices.Contains(extras.unique, name) {
				d["unique"] = true
			}
			if slices.Contains(extras.auto, name) || name == "id" || name == "created_at" || name == "updated_at" {
				d["auto"] = true
			}
		}
	}
	return RawSchema{"fields": fields}
}

func fieldsFromProperties(props map[string]any, required map[string]bool) []any {
	fields := make([]any, 0, len(props))
	for _, name := range slices.Sorted(maps.Keys(props)) {
		def := fieldFromJSONSchema(asMap(props[name]))
		if required[name] {
			def["required"] = true
		}
		fields = append(fields, map[string]any{name: def})
	}
	return fields
}

func fieldFromJSONSchema(p map[string]any) map[string]any {
	def := map[string]any{}
	if d, ok := p["default"]; ok {
		def["default"] = d
	}
	if enum, ok := p["enum"].([]any); ok {
		def["one_of"] = enum
	}
	switch jsonType(p) {
	case "object":
		switch {
		case p["properties"] != nil:
			props := asMap(p["properties"])
			if len(props) == 1 && props["id"] != nil {
				def["type"] = "foreign"
				break
			}
			def["type"] = "record"
			def["fields"] = fieldsFromProperties(props, stringSet(p["required"]))
		case asMap(p["additionalProperties"]) != nil:
			def["type"] = "map"
			def["keys"] = map[string]any{"type": "string"}
			def["values"] = fieldFromJSONSchema(asMap(p["additionalProperties"]))
		default:
			def["type"] = "map"
			def["keys"] = map[string]any{"type": "string"}
			def["values"] = map[string]any{"type": "string"}
		}
	case "array":
		def["type"] = "array"
		if u, _ := p["uniqueItems"].(bool); u {
			def["type"] = "set"
		}
		def["elements"] = fieldFromJSONSchema(asMap(p["items"]))
	case "":
		def["type"] = "string"
	default:
		def["type"] = jsonType(p)
	}
	return def
}

// jsonType is a property's type: "type" as a string, or the first non-null
// of a list of types.
func jsonType(p map[string]any) string {
	switch t := p["type"].(type) {
	case string:
		return t
	case []any:
		for _, e := range t {
			if s, _ := e.(string); s != "" && s != "null" {
				return s
			}
		}
	}
	return ""
}

func stringSet(v any) map[string]bool {
	out := map[string]bool{}
	for _, e := range asList(v) {
		if s, ok := e.(string); ok {
			out[s] = true
		}
	}
	return out
}

// kongEntityExtras are the unique and auto fields of Kong's entity schemas
// (besides id and the timestamps), which a JSON Schema does not carry.
// Kong/kong 3.9.3: kong/db/schema/entities/services.lua, routes.lua,
// upstreams.lua, snis.lua, keys.lua, key_sets.lua, vaults.lua (name or
// prefix unique), consumers.lua (username and custom_id unique),
// ca_certificates.lua (cert_digest unique), plugins.lua (instance_name
// unique), and the credential daos of kong/plugins/*/daos.lua: key-auth
// (key unique and auto), basic-auth (username unique), hmac-auth (username
// unique, secret auto), jwt (key unique and auto, secret auto). The same
// marks are in the schemas the emulator serves (tests/kongemu/schemas).
var kongEntityExtras = map[string]struct{ unique, auto []string }{
	"services":              {unique: []string{"name"}},
	"routes":                {unique: []string{"name"}},
	"upstreams":             {unique: []string{"name"}},
	"snis":                  {unique: []string{"name"}},
	"keys":                  {unique: []string{"name"}},
	"key_sets":              {unique: []string{"name"}},
	"vaults":                {unique: []string{"prefix"}},
	"consumers":             {unique: []string{"username", "custom_id"}},
	"ca_certificates":       {unique: []string{"cert_digest"}},
	"plugins":               {unique: []string{"instance_name"}},
	"keyauth_credentials":   {unique: []string{"key"}, auto: []string{"key"}},
	"basicauth_credentials": {unique: []string{"username"}},
	"hmacauth_credentials":  {unique: []string{"username"}, auto: []string{"secret"}},
	"jwt_secrets":           {unique: []string{"key"}, auto: []string{"key", "secret"}},
}
