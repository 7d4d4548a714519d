package kongemu

import (
	"fmt"
	"strings"
)

// Kong writes part of its validation in Lua: custom_validator functions on
// fields (most of them inherited from typedefs) and custom_entity_check
// functions in entity_checks. schema_to_jsonable drops the functions, so
// the schema JSON the emulator is driven by does not carry them (a
// custom_entity_check keeps only its field_sources). This file lists them,
// schema by schema, for each Kong version, as ports to Go; attachLuaChecks
// hangs them on the parsed schema, where validate.go and checks.go run
// them at the place Kong's validators_order and entity checks put them.
// Every entry names the Kong source it ports (paths in Kong/kong at tag
// 3.9.3 unless marked 2.8.5); KONG-CHECKS.md counts them and lists what is
// deliberately left out.

// fieldCheck is a custom_validator on the field at path. A path is
// dotted field names from the schema's root; "[]" after a name selects its
// elements (array or set), "{}" the values and "{key}" the keys of a map.
type fieldCheck struct {
	path   string
	fn     validator
	source string
}

// entityCheck implements the custom_entity_check whose field_sources are
// sources. fn returns "" when the entity passes.
type entityCheck struct {
	sources []string
	fn      func(row map[string]any) string
	source  string
}

type schemaChecks struct {
	fields []fieldCheck
	entity []entityCheck
}

// customEntityFn is stored under "fn" in a custom_entity_check argument.
type customEntityFn func(row map[string]any) string

// attachLuaChecks attaches the checks of the version to the schemas. A
// check whose path or field_sources the schema JSON does not have is a bug
// in this table, reported as an error.
func attachLuaChecks(set *schemaSet, v3 bool) error {
	if err := jwtSecretChecks(set, v3); err != nil {
		return err
	}
	if err := attachShorthandFuncs(set, v3); err != nil {
		return err
	}
	for name, checks := range kongLuaChecks(v3) {
		var root *Field
		if p, ok := strings.CutPrefix(name, "plugins/"); ok {
			if sc := set.plugins[p]; sc != nil {
				root = sc.Root
			}
		} else if sc := set.entities[name]; sc != nil {
			root = sc.Root
		}
		if root == nil {
			return fmt.Errorf("kong checks: no schema %q in Kong %s", name, set.version)
		}
		for _, c := range checks.fields {
			f, err := resolveFieldPath(root, c.path)
			if err != nil {
				return fmt.Errorf("kong checks: %s %s: %w", name, c.path, err)
			}
			addCustom(f, c.fn)
		}
		for _, c := range checks.entity {
			arg := findCustomEntityCheck(root, c.sources)
			if arg == nil {
				return fmt.Errorf("kong checks: %s has no custom_entity_check on %v", name, c.sources)
			}
			arg["fn"] = customEntityFn(c.fn)
		}
	}
	return nil
}

// jwtSecretChecks adapts the hand-written jwt_secrets schema
// (schemas/credentials) to plugins/jwt/daos.lua of the version: the
// algorithms (2.8.5 stops at ES384), the ones that need rsa_public_key
// (2.8.5: RS*; 3.9.3: RS*, PS*, EdDSA) and the key's custom_validator
// validate_ssl_key ("invalid key") inside the conditional's then_match.
func jwtSecretChecks(set *schemaSet, v3 bool) error {
	sc := set.entities["jwt_secrets"]
	if sc == nil {
		return nil
	}
	for _, c := range sc.Root.EntityChecks {
		cond, ok := c["conditional"].(map[string]any)
		if !ok || cond["then_field"] != "rsa_public_key" {
			continue
		}
		if !v3 {
			cond["if_match"] = map[string]any{"match_any": map[string]any{"patterns": []any{"^RS256$", "^RS384$", "^RS512$"}}}
		}
		then, _ := cond["then_match"].(map[string]any)
		then["@custom"] = func(v any) (bool, string) {
			if _, err := parsePEMKey(str(v)); err != nil {
				return false, "invalid key"
			}
			return true, ""
		}
		if !v3 {
			sc.Root.child("algorithm").OneOf = []any{"HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384"}
		}
		return nil
	}
	return fmt.Errorf("kong checks: jwt_secrets has no rsa_public_key conditional")
}

// addCustom sets f's custom validator; a second one runs after the first.
func addCustom(f *Field, fn validator) {
	prev := f.custom
	if prev == nil {
		f.custom = fn
		return
	}
	f.custom = func(v any) (bool, string) {
		if ok, msg := prev(v); !ok {
			return false, msg
		}
		return fn(v)
	}
}

func resolveFieldPath(root *Field, path string) (*Field, error) {
	cur := root
	for _, seg := range strings.Split(path, ".") {
		name, suffix := seg, ""
		if i := strings.IndexAny(seg, "[{"); i >= 0 {
			name, suffix = seg[:i], seg[i:]
		}
		next := cur.child(name)
		if next == nil {
			return nil, fmt.Errorf("no field %q", name)
		}
		switch suffix {
		case "":
		case "[]":
			next = next.Elements
		case "{}":
			next = next.Values
		case "{key}":
			next = next.Keys
		default:
			return nil, fmt.Errorf("bad path suffix %q", suffix)
		}
		if next == nil {
			return nil, fmt.Errorf("%q has no %s", name, suffix)
		}
		cur = next
	}
	return cur, nil
}

func findCustomEntityCheck(rec *Field, sources []string) map[string]any {
	for _, c := range rec.EntityChecks {
		arg, ok := c["custom_entity_check"].(map[string]any)
		if !ok {
			continue
		}
		if strings.Join(fieldNames(arg["field_sources"]), ",") == strings.Join(sources, ",") {
			return arg
		}
	}
	return nil
}

// kongLuaChecks is the table: schema name ("upstreams", or
// "plugins/<name>") to its Lua validators in the given Kong version.
func kongLuaChecks(v3 bool) map[string]schemaChecks {
	m := checkTable{}
	coreEntityChecks(v3, m)
	pluginChecks(v3, m)
	return m
}

// checkTable is kongLuaChecks' table while it is filled.
type checkTable map[string]schemaChecks

// field adds a validator of the field at path of schema.
func (m checkTable) field(schema, path, source string, fn validator) {
	c := m[schema]
	c.fields = append(c.fields, fieldCheck{path: path, fn: fn, source: source})
	m[schema] = c
}

// entity adds an entity check of schema that reads the fields sources.
func (m checkTable) entity(schema string, sources []string, source string, fn func(map[string]any) string) {
	c := m[schema]
	c.entity = append(c.entity, entityCheck{sources: sources, fn: fn, source: source})
	m[schema] = c
}

// tagged lists the entities whose tags are typedefs.tags (every tag runs
// validate_tag).
var taggedEntities = []string{"services", "routes", "consumers", "plugins", "upstreams", "targets", "certificates",
	"ca_certificates", "snis", "keys", "key_sets", "vaults", "vaults_beta", "keyauth_credentials", "basicauth_credentials",
	"acls", "jwt_secrets", "hmacauth_credentials", "oauth2_credentials"}

// coreEntityChecks adds the Lua validators of Kong's core entities to m.
func coreEntityChecks(v3 bool, m checkTable) {
	f, e := m.field, m.entity
	for _, name := range taggedEntities {
		if !v3 && (name == "keys" || name == "key_sets" || name == "vaults") || v3 && name == "vaults_beta" {
			continue
		}
		f(name, "tags[]", "kong/db/schema/typedefs.lua:451 validate_tag", tagValidator(v3))
	}

	// services (kong/db/schema/entities/services.lua)
	f("services", "name", "services.lua:32 typedefs.utf8_name", utf8Name)
	f("services", "host", "services.lua:37 typedefs.host", kongHost)
	f("services", "path", "services.lua:39 typedefs.path", validateServicePath)

	// routes (kong/db/schema/entities/routes.lua)
	f("routes", "name", "routes.lua:152 typedefs.utf8_name", utf8Name)
	f("routes", "hosts[]", "routes.lua:188 typedefs.hosts (validate_host_with_wildcards)", kongHostWithWildcards)
	f("routes", "headers{key}", "routes.lua:191 typedefs.header_name", kongHeaderName)
	f("routes", "sources[].ip", "typedefs.lua:533 typedefs.sources ip = typedefs.ip_or_cidr", kongIPOrCIDR)
	f("routes", "destinations[].ip", "typedefs.lua:550 typedefs.destinations ip = typedefs.ip_or_cidr", kongIPOrCIDR)
	if v3 {
		f("routes", "paths[]", "typedefs.lua:607 typedefs.router_path (validate_path_with_regexes)", validateRouterPath3)
		f("routes", "snis[]", "routes.lua:37 typedefs.wildcard_host (traditional_compatible)", kongWildcardHost)
		// routes.lua:25: path_handling "v1" only logs a deprecation warning.
		e("routes", []string{"path_handling"}, "routes.lua:25 (deprecation warning only)", func(map[string]any) string { return "" })
	} else {
		f("routes", "paths[]", "2.8.5 typedefs.lua typedefs.paths (validate_path_with_regexes)", validateRouterPath28)
		f("routes", "snis[]", "2.8.5 routes.lua:52 typedefs.sni", kongSNI)
	}

	// plugins (kong/db/schema/entities/plugins.lua)
	if v3 {
		f("plugins", "instance_name", "plugins.lua:19 typedefs.utf8_name", utf8Name)
	}

	// upstreams (kong/db/schema/entities/upstreams.lua)
	f("upstreams", "name", "upstreams.lua:18 validate_name", validateUpstreamName)
	f("upstreams", "hash_on_header", "upstreams.lua:191 typedefs.header_name", kongHeaderName)
	f("upstreams", "hash_fallback_header", "upstreams.lua:192 typedefs.header_name", kongHeaderName)
	f("upstreams", "hash_on_cookie", "upstreams.lua:193 typedefs.cookie_name (2.8.5: utils.validate_cookie_name)", kongCookieName(v3))
	f("upstreams", "hash_on_cookie_path", "upstreams.lua:194 typedefs.path", validateServicePath)
	f("upstreams", "host_header", "upstreams.lua:205 typedefs.host_with_optional_port", kongHostWithOptionalPort)
	f("upstreams", "healthchecks.active.http_path", "upstreams.lua:140 typedefs.path", validateServicePath)
	f("upstreams", "healthchecks.active.https_sni", "upstreams.lua:142 typedefs.sni", kongSNI)
	if v3 {
		f("upstreams", "healthchecks.active.headers{key}", "upstreams.lua:144 typedefs.headers", kongHeaderName)
	}

	// targets (kong/db/schema/entities/targets.lua)
	f("targets", "target", "targets.lua:6 validate_target", validateTarget)

	// certificates (kong/db/schema/entities/certificates.lua)
	f("certificates", "cert", "certificates.lua:19 typedefs.certificate", kongCertificate)
	f("certificates", "key", "certificates.lua:20 typedefs.key", kongKey)
	f("certificates", "cert_alt", "certificates.lua:21 typedefs.certificate", kongCertificate)
	f("certificates", "key_alt", "certificates.lua:22 typedefs.key", kongKey)
	if v3 {
		f("certificates", "snis[]", "certificates.lua:24 typedefs.wildcard_host", kongWildcardHost)
	}
	e("certificates", []string{"cert", "key"}, "certificates.lua:29", certificateMatchesKey("cert", "key", "certificate does not match key"))
	e("certificates", []string{"cert_alt", "key_alt"}, "certificates.lua:42", certificateMatchesKey("cert_alt", "key_alt", "alternative certificate does not match key"))
	e("certificates", []string{"cert", "cert_alt"}, "certificates.lua:57", certificateTypesDiffer)

	// snis (kong/db/schema/entities/snis.lua)
	f("snis", "name", "snis.lua:13 typedefs.wildcard_host", kongWildcardHost)

	// ca_certificates (kong/db/schema/entities/ca_certificates.lua)
	f("ca_certificates", "cert", "ca_certificates.lua:20 typedefs.certificate", kongCertificate)
	e("ca_certificates", []string{"cert"}, "ca_certificates.lua:39", caCertificateCheck)

	if v3 {
		// keys (kong/db/schema/entities/keys.lua, typedefs.pem/jwk)
		f("keys", "pem", "typedefs.lua:719 typedefs.pem (validate_pem_keys)", validatePEMKeys)
		e("keys", []string{"jwk", "pem", "kid"}, "keys.lua:75", keysCheck)
	}

	// credentials (kong/plugins/*/daos.lua)
	f("oauth2_credentials", "redirect_uris[]", "plugins/oauth2/daos.lua:9 validate_uri", oauth2RedirectURI)
}

// validate_name of upstreams.lua: a host name without port.
func validateUpstreamName(v any) (bool, string) {
	s := str(v)
	prefix := "Invalid name ('" + s + "')"
	if utf8Position(s) != 0 {
		prefix = "Invalid name"
	}
	a, _ := normalizeIP(s)
	switch {
	case a == nil:
		return false, prefix + "; must be a valid hostname"
	case a.typ != "name":
		return false, prefix + "; no ip addresses allowed"
	case a.port >= 0:
		return false, prefix + "; no port allowed"
	}
	return true, ""
}

// validate_target of targets.lua (the schema check, which PATCH and
// /schemas/targets/validate run; POST formats the target first, see
// targets.go).
func validateTarget(v any) (bool, string) {
	s := str(v)
	if a, _ := normalizeIP(s); a != nil {
		return true, ""
	}
	if utf8Position(s) != 0 {
		return false, "Invalid target; not a valid hostname or ip address"
	}
	return false, "Invalid target ('" + s + "'); not a valid hostname or ip address"
}

// validate_uri of plugins/oauth2/daos.lua.
func oauth2RedirectURI(v any) (bool, string) {
	s := str(v)
	u, ok := parseSocketURL(s)
	if !ok || !u.hasHost || !u.hasScheme {
		return false, "cannot parse '" + s + "'"
	}
	if u.hasFragment {
		return false, "fragment not allowed in '" + s + "'"
	}
	return true, ""
}

// luaCheckInventory is what kongLuaChecks implements for a version:
// "schema path" (or "schema custom_entity_check(a,b)") to the Kong source
// it ports, for KONG-CHECKS.md and the tests that cover every entry.
func luaCheckInventory(v3 bool) map[string]string {
	out := map[string]string{}
	for name, c := range kongLuaChecks(v3) {
		for _, f := range c.fields {
			out[name+" "+f.path] = f.source
		}
		for _, e := range c.entity {
			out[name+" custom_entity_check("+strings.Join(e.sources, ",")+")"] = e.source
		}
	}
	return out
}
