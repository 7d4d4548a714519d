package kong

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"

	gokong "github.com/kong/go-kong/kong"

	"platform.ops/modules-src/internal/ansible"
)

// Kong Konnect as a target. With konnect_control_plane set, a Conn talks to
// {konnect_addr}/v2/control-planes/{id}/core-entities, the Kong Admin API
// compatible surface of one Konnect control plane, with the token in
// "Authorization: Bearer". What differs from a Kong node's Admin API, and
// where decK (Kong/deck) and its engine (Kong/go-database-reconciler, GDR)
// handle it, is cited next to the code that depends on it:
//
//   - the address: decK's --konnect-addr, default https://us.api.konghq.com
//     (Kong/deck cmd/root.go defaultKonnectURL), and the prefix
//     konnectConfig.Address + "/v2/control-planes/" + cpID + "/core-entities"
//     (Kong/deck cmd/common_konnect.go GetKongClientForKonnectMode);
//   - no GET / to read a version: decK assumes one (konnectInfo);
//   - entity schemas in JSON Schema form at /v1/schemas/json/{type}, plugin
//     schemas at /schemas/plugins/{name} (konnectSchema);
//   - schema validation and JSON schemas at the control plane's root, not
//     under a workspace (newRequest);
//   - plugins and plugin settings Konnect refuses (KonnectUnsupportedPlugin);
//   - targets are updated with PUT, Konnect has no PATCH for them
//     (KonnectUpdateMethod);
//   - no schema per vault implementation: a vault's config schema is a
//     condition of the vault JSON Schema (konnectVaultSchema).

// DefaultKonnectAddr is decK's default Konnect API, the US region
// (Kong/deck cmd/root.go: defaultKonnectURL = "https://us.api.konghq.com").
const DefaultKonnectAddr = "https://us.api.konghq.com"

// konnectRegions are the Konnect geos whose control planes have an API at
// https://{region}.api.konghq.com. decK takes a full URL (--konnect-addr)
// and names the regional hosts that way: us (its default), eu and au
// (Kong/go-database-reconciler pkg/konnect/login_service_test.go,
// https://eu.api.konghq.com, https://au.api.konghq.com; the AU region:
// Kong/deck CHANGELOG v1.29.0). Kong's Konnect API reference gives the
// pattern https://{REGION_CODE}.api.konghq.com and lists us, eu, au, me and
// in as servers (Kong/docs.konghq.com app/konnect/api/index.md,
// api-specs/Konnect/control-planes-config/control-planes-config.yaml); its
// geos page lists AU, EU, ME, US, IN and SG (Singapore, opt-in).
var konnectRegions = []string{"au", "eu", "in", "me", "sg", "us"}

// konnectAddress turns konnect_addr into the API base URL: a region name, a
// URL, or "" for the US region.
func konnectAddress(v string) (string, error) {
	if v == "" {
		return DefaultKonnectAddr, nil
	}
	for _, r := range konnectRegions {
		if strings.EqualFold(v, r) {
			return "https://" + r + ".api.konghq.com", nil
		}
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("konnect_addr must be a Konnect region (%s) or an http(s) URL such as %s, got %q",
			strings.Join(konnectRegions, ", "), DefaultKonnectAddr, v)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("konnect_addr must be a plain base URL (no user name or password, query or fragment; the token goes in konnect_token), got %q", v)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// konnectFromParams reads the Konnect options into cfg and refuses the
// combinations that cannot mean what they say. A token taken from
// KONNECT_TOKEN without konnect_control_plane is ignored (it may be set for
// other tools); the same token written in the task is refused.
func konnectFromParams(p ansible.Params, cfg *Config) error {
	cp := p.String("konnect_control_plane")
	token := p.String("konnect_token")
	addr := p.String("konnect_addr")
	if cp == "" {
		if addr != "" {
			return errors.New("konnect_addr is set but konnect_control_plane is not: name the Konnect control plane to manage, or leave konnect_addr out to use the Kong Admin API (admin_url)")
		}
		if token != "" && token != os.Getenv("KONNECT_TOKEN") {
			return errors.New("konnect_token is set but konnect_control_plane is not: name the Konnect control plane to manage, or leave konnect_token out to use the Kong Admin API (admin_url)")
		}
		return nil
	}
	if token == "" {
		return errors.New("konnect_control_plane is set but no Konnect token is: give konnect_token or set KONNECT_TOKEN (a Konnect personal or system account access token)")
	}
	if !validHeaderValue(token) {
		return errors.New("konnect_token holds a line break or another control character, which an HTTP header does not allow")
	}
	for _, o := range []struct{ name, env string }{
		{"admin_url", "KONG_ADMIN_URL"},
		{"admin_token", "KONG_ADMIN_TOKEN"},
		{"url_username", ""},
		{"url_password", ""},
	} {
		if !p.Given(o.name) {
			continue
		}
		from := ""
		if o.env != "" && os.Getenv(o.env) != "" && os.Getenv(o.env) == p.String(o.name) {
			from = " (here from " + o.env + ", unset it for this task)"
		}
		return fmt.Errorf("%s%s cannot be combined with konnect_control_plane: Konnect is reached at konnect_addr with konnect_token; leave %s out, or leave konnect_control_plane out to use the Kong Admin API",
			o.name, from, o.name)
	}
	for name := range cfg.Headers {
		if strings.EqualFold(name, "Authorization") {
			return errors.New("admin_headers: an Authorization header cannot be combined with konnect_control_plane: it would replace the Bearer token of konnect_token; leave it out")
		}
	}
	base, err := konnectAddress(addr)
	if err != nil {
		return err
	}
	// decK treats the workspace "default" as none: the control plane's
	// own entities (Kong/deck cmd/common.go, syncMain: WorkspaceName = ""
	// unless workspaceName != "default"; cmd/common_konnect.go the same
	// for dump and reset).
	if cfg.Workspace == "default" {
		cfg.Workspace = ""
	}
	cfg.Konnect = &KonnectConfig{ControlPlane: cp, Token: token, Addr: base}
	cfg.AdminURL = ""
	return nil
}

// KonnectConfig is the Konnect part of a Config.
type KonnectConfig struct {
	ControlPlane string // name or id, as the task gives it
	Token        string
	Addr         string // API base URL, e.g. https://eu.api.konghq.com
}

// konnectTarget is what a Conn knows about its control plane once resolved.
type konnectTarget struct {
	cfg  KonnectConfig
	id   string
	name string
}

// openKonnect resolves the control plane to its id (one request) and points
// the go-kong client at its core entities.
func (c *Conn) openKonnect(ctx context.Context) error {
	k := c.cfg.Konnect
	api, err := gokong.NewClient(&k.Addr, c.http)
	if err != nil {
		return fmt.Errorf("konnect_addr %q: %w", k.Addr, err)
	}
	api.UserAgent = "platform.ops"
	api.SetDoer(c.doer)
	id, name, err := resolveControlPlane(ctx, api, k)
	if err != nil {
		return err
	}
	base := k.Addr + "/v2/control-planes/" + url.PathEscape(id) + "/core-entities"
	client, err := gokong.NewClient(&base, c.http)
	if err != nil {
		return fmt.Errorf("konnect_addr %q: %w", k.Addr, err)
	}
	client.UserAgent = "platform.ops"
	if c.cfg.Workspace != "" {
		client.SetWorkspace(c.cfg.Workspace)
	}
	// What decK does with every Konnect client (Kong/deck cmd/common.go,
	// syncMain: kongClient.SetKonnectFlag(true)): go-kong then sends the
	// few requests it knows to differ in Konnect the Konnect way.
	client.SetKonnectFlag(true)
	client.SetDoer(c.doer)
	c.Kong = client
	c.konnect = &konnectTarget{cfg: *k, id: id, name: name}
	return nil
}

// resolveControlPlane finds the control plane konnect_control_plane names:
// an id is read with GET /v2/control-planes/{id}; a name (or an id that is
// no control plane's) is looked up with Konnect's filter on names,
// GET /v2/control-planes?filter[name][eq]={name} (Konnect control planes
// API: ControlPlaneFilterParameters, name with eq; Kong/docs.konghq.com
// api-specs/Konnect/v2/yaml/control-planes.yaml). decK lists every control
// plane and compares names (Kong/deck cmd/common_konnect.go
// fetchKonnectControlPlaneID); the filter asks for the one.
func resolveControlPlane(ctx context.Context, api *gokong.Client, k *KonnectConfig) (id, name string, err error) {
	if uuidRE.MatchString(k.ControlPlane) {
		obj, err := konnectGet(ctx, api, "/v2/control-planes/"+url.PathEscape(k.ControlPlane))
		if err != nil && !IsNotFound(err) {
			return "", "", ErrorFromKong(err, fmt.Sprintf("reading Kong Konnect control plane %s (GET %s/v2/control-planes/%s)", k.ControlPlane, k.Addr, k.ControlPlane))
		}
		if err == nil {
			id, _ = obj["id"].(string)
			name, _ = obj["name"].(string)
			if id != "" {
				return id, name, nil
			}
		}
	}
	q := url.Values{"filter[name][eq]": {k.ControlPlane}}
	path := "/v2/control-planes?" + q.Encode()
	page, err := konnectGet(ctx, api, path)
	if err != nil {
		return "", "", ErrorFromKong(err, fmt.Sprintf("looking up Kong Konnect control plane %q (GET %s%s)", k.ControlPlane, k.Addr, path))
	}
	var ids []string
	data, _ := page["data"].([]any)
	for _, d := range data {
		cp, _ := d.(map[string]any)
		if cp["name"] == k.ControlPlane {
			if s, _ := cp["id"].(string); s != "" {
				ids = append(ids, s)
			}
		}
	}
	switch len(ids) {
	case 0:
		return "", "", fmt.Errorf("konnect_control_plane: Kong Konnect has no control plane named %q at %s (names are case-sensitive; each region has its own control planes: check konnect_addr)",
			k.ControlPlane, k.Addr)
	case 1:
		return ids[0], k.ControlPlane, nil
	}
	return "", "", fmt.Errorf("konnect_control_plane: Kong Konnect has %d control planes named %q at %s (ids %s): give the id of the one to manage",
		len(ids), k.ControlPlane, k.Addr, strings.Join(ids, ", "))
}

func konnectGet(ctx context.Context, api *gokong.Client, path string) (Object, error) {
	req, err := api.NewRequest(http.MethodGet, path, nil, nil)
	if err != nil {
		return nil, err
	}
	var out Object
	if _, err := api.Do(ctx, req, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// konnectVersion is the Kong version decK assumes for Konnect, which has no
// GET / to ask: "Konnect is always on the latest version" (Kong/deck
// cmd/common_konnect.go fetchKonnectKongVersion, used for every Konnect
// command in cmd/common.go syncMain). It is what version gates here see:
// 3.x rules (regex paths with "~", instance_name).
const konnectVersion = "3.5.0.0"

// konnectInfo is the Info of a Konnect control plane. Its control planes
// are Kong Enterprise ones (decK's control plane check wants type
// "kong-ee": Kong/deck cmd/common_konnect.go singleOutKongCP). decK reads
// no router flavor; Kong 3.x's default is reported.
func (k *konnectTarget) info() *Info {
	return &Info{Version: konnectVersion, Major: 3, Minor: 5, Enterprise: true,
		RouterFlavor: "traditional_compatible", Konnect: k.describe()}
}

func (k *konnectTarget) describe() string {
	if k.name != "" {
		return fmt.Sprintf("Kong Konnect control plane %q (%s)", k.name, k.id)
	}
	return "Kong Konnect control plane " + k.id
}

// KonnectUpdateMethod is the method that updates an entity of this
// collection: PATCH on a Kong node, PUT for targets in Konnect, which has
// no PATCH for them ("Used PUT instead of PATCH for Update in
// target_service because Konnect doesn't support PATCH": Kong/go-kong
// commit caa5f7b, #610; Kong/deck CHANGELOG "Fixed updating Upstream
// Target weights in Konnect by switching from PATCH to PUT", #1956). A PUT
// replaces the entity: the body must then be the whole target.
func (c *Conn) KonnectUpdateMethod(collection string) string {
	if c.konnect != nil && collection == "targets" {
		return http.MethodPut
	}
	return http.MethodPatch
}

// KonnectUnsupportedPlugin refuses, with a Konnect control plane, the
// plugins and plugin settings decK's Konnect readiness check refuses
// (Kong/deck validate/konnect_compatibility.go checkPlugin, run by
// `deck gateway validate` against Konnect: cmd/gateway_validate.go), with
// its reasons. Nil on a Kong node.
func (c *Conn) KonnectUnsupportedPlugin(name string, config map[string]any) error {
	if c.konnect == nil {
		return nil
	}
	why := ""
	switch name {
	case "jwt-signer", "vault-auth", "oauth2":
		why = "it is not compatible with Konnect"
	case "application-registration":
		why = "Konnect provides application registration itself and does not need this plugin"
	case "key-auth-enc":
		why = "Konnect encrypts keys itself: use the key-auth plugin instead"
	case "openwhisk":
		why = "it is not bundled with Kong Gateway (a LuaRocks package)"
	case "rate-limiting", "rate-limiting-advanced", "response-ratelimiting", "graphql-rate-limiting-advanced":
		// decK looks at config.strategy (the Enterprise plugins' name of
		// the setting); the OSS plugins call it policy, with the same
		// cluster value (Kong/kong 3.9.3 kong/plugins/rate-limiting/
		// schema.lua and response-ratelimiting/schema.lua).
		for _, key := range []string{"strategy", "policy"} {
			if config[key] == "cluster" {
				return fmt.Errorf("plugin %s cannot use config.%s cluster on %s: decK refuses it for Konnect, whose data planes share no database; use local or redis",
					name, key, c.konnect.describe())
			}
		}
	}
	if why == "" {
		return nil
	}
	return fmt.Errorf("plugin %s cannot be used on %s: %s", name, c.konnect.describe(), why)
}

// konnectJSONSchemaNames maps Kong's entity (DAO) names to the names of
// Konnect's JSON schemas, GET /v1/schemas/json/{name}: GDR's
// KongToKonnectEntitiesMap (Kong/go-database-reconciler
// pkg/schema/fetchers.go), plus plugins, key-auth and acl credentials,
// which GDR never reads. "plugin" is a Konnect JSON schema (Kong/koko, the
// open-sourced Konnect control plane: internal/gen/jsonschema/schemas/
// plugin.json); "key-auth" and "acl" follow GDR's naming of credentials by
// their plugin (basic-auth, hmac-auth, mtls-auth) and are unverified.
var konnectJSONSchemaNames = map[string]string{
	"services":              "service",
	"routes":                "route",
	"upstreams":             "upstream",
	"targets":               "target",
	"jwt_secrets":           "jwt",
	"consumers":             "consumer",
	"consumer_groups":       "consumer_group",
	"certificates":          "certificate",
	"ca_certificates":       "ca_certificate",
	"keys":                  "key",
	"key_sets":              "key-set",
	"hmacauth_credentials":  "hmac-auth",
	"basicauth_credentials": "basic-auth",
	"mtls_auth_credentials": "mtls-auth",
	"snis":                  "sni",
	"vaults":                "vault",
	"plugins":               "plugin",
	"keyauth_credentials":   "key-auth",
	"acls":                  "acl",
}

// konnectSchema reads a schema from Konnect, in the shape GET /schemas/...
// has on a Kong node. A plugin's schema ("plugins/<name>") is served in
// Kong's own format at /schemas/plugins/{name}, under the workspace, the
// way go-kong's Plugins.GetFullSchema asks for it, which GDR uses for
// Konnect too (Kong/go-database-reconciler pkg/schema/fetchers.go
// FetchPluginSchema, pkg/schema/registry.go). An entity's schema is a JSON
// Schema at the control plane's root, /v1/schemas/json/{konnect name}
// (pkg/schema/fetchers.go fetchKonnectEntitySchema, with
// NewKonnectWorkspaceRequest), read into Kong's format by
// schemaFromJSONSchema.
func (c *Conn) konnectSchema(ctx context.Context, name string) (RawSchema, error) {
	if plugin, ok := strings.CutPrefix(name, "plugins/"); ok {
		path := PathFor("schemas", "plugins", plugin)
		s, err := c.Send(ctx, http.MethodGet, path, nil)
		if err != nil {
			return nil, ErrorFromKong(err, fmt.Sprintf("reading the schema of %s (GET %s on %s)", name, path, c.konnect.describe()))
		}
		return s, nil
	}
	if vault, ok := strings.CutPrefix(name, "vaults/"); ok {
		return c.konnectVaultSchema(ctx, vault)
	}
	js, ok := konnectJSONSchemaNames[name]
	if !ok {
		return nil, fmt.Errorf("reading the schema of %s: %s serves no schema for %s", name, c.konnect.describe(), name)
	}
	path := PathFor("v1", "schemas", "json", js)
	s, err := c.Send(ctx, http.MethodGet, path, nil)
	if err != nil {
		return nil, ErrorFromKong(err, fmt.Sprintf("reading the schema of %s (GET %s on %s)", name, path, c.konnect.describe()))
	}
	return schemaFromJSONSchema(name, s), nil
}

// konnectVaultSchema is the schema of one vault implementation (what
// GET /schemas/vaults/{name} is on a Kong node: its config record), read
// the way GDR reads it from Konnect (Kong/go-database-reconciler
// pkg/schema/fetchers.go fetchKonnectVaultSchema): Konnect has no schema
// per vault, its vault JSON Schema (/v1/schemas/json/vault) holds one
// "allOf" condition per vault, {"if": {"properties": {"name": {"const":
// <vault>}}}, "then": {"properties": {"config": {"properties": {<vault>:
// <config schema>}}}}}. A vault the control plane's schema does not list is
// refused with the ones it does, where GDR would go on without a config
// schema.
func (c *Conn) konnectVaultSchema(ctx context.Context, vault string) (RawSchema, error) {
	path := PathFor("v1", "schemas", "json", konnectJSONSchemaNames["vaults"])
	js, err := c.Send(ctx, http.MethodGet, path, nil)
	if err != nil {
		return nil, ErrorFromKong(err, fmt.Sprintf("reading the schema of vault %s (GET %s on %s)", vault, path, c.konnect.describe()))
	}
	var known []string
	for _, cond := range asList(js["allOf"]) {
		cond := asMap(cond)
		name, _ := asMap(asMap(asMap(asMap(cond["if"])["properties"])["name"]))["const"].(string)
		if name == "" {
			continue
		}
		known = append(known, name)
		if name != vault {
			continue
		}
		config := asMap(asMap(asMap(asMap(asMap(cond["then"])["properties"])["config"])["properties"])[vault])
		if config == nil {
			break
		}
		def := fieldFromJSONSchema(config)
		def["required"] = true
		return RawSchema{"fields": []any{map[string]any{"config": def}}}, nil
	}
	has := "none"
	if len(known) > 0 {
		has = strings.Join(known, ", ")
	}
	return nil, fmt.Errorf("name: %s has no vault named %q (its vault schema at %s has a config for: %s)",
		c.konnect.describe(), vault, path, has)
}

// atRoot reports whether a Konnect request goes to the control plane's
// root even with a workspace: schema validation
// (POST /schemas/{entity}/validate, Kong/deck validate/validate.go
// validateEntity with NewKonnectWorkspaceRequest) and the JSON schemas
// (Kong/go-database-reconciler pkg/schema/fetchers.go).
func atRoot(path string) bool {
	p, _, _ := strings.Cut(path, "?")
	return strings.HasPrefix(p, "/v1/schemas/json/") ||
		(strings.HasPrefix(p, "/schemas/") && strings.HasSuffix(p, "/validate"))
}

// newRequest builds a request for Send: under the workspace (go-kong's
// NewRequest), or for the Konnect paths atRoot names at the control plane's
// root.
func (c *Conn) newRequest(method, path string, body any) (*http.Request, error) {
	if c.konnect != nil && atRoot(path) {
		return c.Kong.NewKonnectWorkspaceRequest(method, path, nil, body)
	}
	return c.Kong.NewRequest(method, path, nil, body)
}

// fetchSchema reads a schema from where this Conn's target serves it:
// GET /schemas/{name} of the Admin API, or from Konnect (konnectSchema).
func (c *Conn) fetchSchema(ctx context.Context, name string) (RawSchema, error) {
	if c.konnect != nil {
		return c.konnectSchema(ctx, name)
	}
	s, err := c.Kong.Schemas.Get(ctx, name)
	if err != nil {
		return nil, ErrorFromKong(err, fmt.Sprintf("reading the schema of %s (GET /schemas/%s)", name, name))
	}
	return s, nil
}
