package kongemu

import (
	"maps"
	"slices"
)

// Konnect serves entity schemas as JSON Schemas, at
// /v2/control-planes/{id}/core-entities/v1/schemas/json/{name}, which is
// where GDR reads them for Konnect (Kong/go-database-reconciler
// pkg/schema/fetchers.go fetchKonnectEntitySchema) instead of Kong's
// GET /schemas/{entity}. The emulator derives them from the Kong schema it
// serves, in the form of Konnect's own (Kong/koko, the open-sourced Konnect
// control plane: internal/gen/jsonschema/schemas/*.json): "type": "object",
// "properties" by field name, "required", "default", "enum", numeric and
// length bounds, references as objects with an id, sets as arrays with
// uniqueItems. Credentials have their fields under a "value" property
// ("All credentials' schemas in Konnect are embedded under "value" field",
// pkg/schema/defaults.go ParseSchemaForDefaults). Konnect's real schemas
// are written by hand and carry more (patterns, conditional rules); these
// carry what a client reads for defaults and field lists.

// konnectSchemaNames maps the names of Konnect's JSON schemas to Kong's
// entity (DAO) names: GDR's KongToKonnectEntitiesMap inverted
// (pkg/schema/fetchers.go), plus plugin (Kong/koko
// internal/gen/jsonschema/schemas/plugin.json), key-auth and acl (named
// like GDR's other credentials; unverified).
var konnectSchemaNames = map[string]string{
	"service":        "services",
	"route":          "routes",
	"upstream":       "upstreams",
	"target":         "targets",
	"jwt":            "jwt_secrets",
	"consumer":       "consumers",
	"consumer_group": "consumer_groups",
	"certificate":    "certificates",
	"ca_certificate": "ca_certificates",
	"key":            "keys",
	"key-set":        "key_sets",
	"hmac-auth":      "hmacauth_credentials",
	"basic-auth":     "basicauth_credentials",
	"mtls-auth":      "mtls_auth_credentials",
	"sni":            "snis",
	"vault":          "vaults",
	"plugin":         "plugins",
	"key-auth":       "keyauth_credentials",
	"acl":            "acls",
}

var konnectCredentials = map[string]bool{
	"jwt": true, "hmac-auth": true, "basic-auth": true, "mtls-auth": true, "key-auth": true, "acl": true,
}

// jsonSchemaFor is the JSON Schema of a Konnect schema name, from the Kong
// schema of its entity on this Server's version.
func (s *Server) jsonSchemaFor(name string) (map[string]any, bool) {
	dao, ok := konnectSchemaNames[name]
	if !ok {
		return nil, false
	}
	sc := s.schemas.entities[dao]
	if sc == nil {
		return nil, false
	}
	var kong map[string]any
	if err := decodeJSON(sc.Raw, &kong); err != nil {
		return nil, false
	}
	obj := jsonSchemaObject(kong["fields"])
	if konnectCredentials[name] {
		obj = map[string]any{"type": "object", "properties": map[string]any{"value": obj}, "required": []any{"value"}}
	}
	if name == "vault" {
		if allOf := s.vaultConfigSchemas(); len(allOf) > 0 {
			obj["allOf"] = allOf
		}
	}
	return obj, true
}

// vaultConfigSchemas is the "allOf" of Konnect's vault schema: one
// condition per installed vault, {"if": {"properties": {"name": {"const":
// <vault>}}}, "then": {"properties": {"config": {"properties": {<vault>:
// <its config>}}}}}. That is where GDR finds a vault's config schema on
// Konnect (Kong/go-database-reconciler pkg/schema/fetchers.go
// fetchKonnectVaultSchema, which reads then.properties.config.properties
// [<vault>]); Kong/koko's vault.json nests the config by vault name the
// same way (config.oneOf[].properties.env).
func (s *Server) vaultConfigSchemas() []any {
	var allOf []any
	for _, name := range slices.Sorted(maps.Keys(s.vaultCache)) {
		sub := s.schemas.vaults[name]
		if sub == nil {
			continue
		}
		var kong map[string]any
		if err := decodeJSON(sub.Raw, &kong); err != nil {
			continue
		}
		config := jsonSchemaObject(kong["fields"])["properties"].(map[string]any)["config"]
		if config == nil {
			continue
		}
		allOf = append(allOf, map[string]any{
			"if": map[string]any{"properties": map[string]any{"name": map[string]any{"const": name}}},
			"then": map[string]any{"properties": map[string]any{
				"config": map[string]any{"type": "object", "properties": map[string]any{name: config}},
			}},
		})
	}
	return allOf
}

// jsonSchemaObject turns a Kong record's "fields" list into a JSON Schema
// object.
func jsonSchemaObject(fields any) map[string]any {
	props := map[string]any{}
	var required []any
	list, _ := fields.([]any)
	for _, item := range list {
		one, _ := item.(map[string]any)
		for name, raw := range one {
			def, _ := raw.(map[string]any)
			if def == nil {
				continue
			}
			props[name] = jsonSchemaField(def)
			if req, _ := def["required"].(bool); req {
				required = append(required, name)
			}
		}
	}
	obj := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		obj["required"] = required
	}
	return obj
}

func jsonSchemaField(def map[string]any) map[string]any {
	var out map[string]any
	switch def["type"] {
	case "record":
		out = jsonSchemaObject(def["fields"])
	case "foreign":
		out = map[string]any{"type": "object", "required": []any{"id"}, "additionalProperties": false,
			"properties": map[string]any{"id": map[string]any{"type": "string"}}}
	case "set", "array":
		out = map[string]any{"type": "array"}
		if def["type"] == "set" {
			out["uniqueItems"] = true
		}
		if el, ok := def["elements"].(map[string]any); ok {
			out["items"] = jsonSchemaField(el)
		}
		if n, ok := def["len_min"]; ok {
			out["minItems"] = n
		}
		if n, ok := def["len_max"]; ok {
			out["maxItems"] = n
		}
	case "map":
		out = map[string]any{"type": "object"}
		if v, ok := def["values"].(map[string]any); ok {
			out["additionalProperties"] = jsonSchemaField(v)
		}
	case "integer", "number", "boolean":
		out = map[string]any{"type": def["type"]}
		if b, ok := def["between"].([]any); ok && len(b) == 2 {
			out["minimum"], out["maximum"] = b[0], b[1]
		}
		if b, ok := def["gt"]; ok {
			out["exclusiveMinimum"] = b
		}
	default: // string and Kong's string-like types
		out = map[string]any{"type": "string"}
		if n, ok := def["len_min"]; ok {
			out["minLength"] = n
		}
		if n, ok := def["len_max"]; ok {
			out["maxLength"] = n
		}
	}
	if oneOf, ok := def["one_of"].([]any); ok {
		out["enum"] = oneOf
	}
	if d, ok := def["default"]; ok {
		out["default"] = d
	}
	if desc, ok := def["description"].(string); ok {
		out["description"] = desc
	}
	return out
}
