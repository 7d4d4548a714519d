package kong

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong/kongtest"
	"platform.ops/tests/kongemu"
)

func TestKonnectAddress(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want, err string }{
		{in: "", want: "https://us.api.konghq.com"},
		{in: "us", want: "https://us.api.konghq.com"},
		{in: "EU", want: "https://eu.api.konghq.com"},
		{in: "au", want: "https://au.api.konghq.com"},
		{in: "me", want: "https://me.api.konghq.com"},
		{in: "in", want: "https://in.api.konghq.com"},
		{in: "sg", want: "https://sg.api.konghq.com"},
		{in: "https://eu.api.konghq.com/", want: "https://eu.api.konghq.com"},
		{in: "https://konnect.proxy.example:8443/prefix", want: "https://konnect.proxy.example:8443/prefix"},
		{in: "uk", err: `konnect_addr must be a Konnect region (au, eu, in, me, sg, us) or an http(s) URL such as https://us.api.konghq.com, got "uk"`},
		{in: "ftp://x.example", err: "konnect_addr must be a Konnect region"},
		{in: "https://u:p@x.example", err: "konnect_addr must be a plain base URL (no user name or password, query or fragment"},
		{in: "https://x.example?region=eu", err: "konnect_addr must be a plain base URL"},
	}
	for _, c := range cases {
		got, err := konnectAddress(c.in)
		if c.err != "" {
			require.Error(t, err, c.in)
			assert.Contains(t, err.Error(), c.err, c.in)
			continue
		}
		require.NoError(t, err, c.in)
		assert.Equal(t, c.want, got, c.in)
	}
}

// konnectRun runs the connection-only module against env with args over
// env.Args (nil values remove an argument).
func konnectRun(t *testing.T, env *kongtest.KonnectEnv, args map[string]any) map[string]any {
	t.Helper()
	all := map[string]any{}
	for k, v := range env.Args {
		all[k] = v
	}
	for k, v := range args {
		if v == nil {
			delete(all, k)
			continue
		}
		all[k] = v
	}
	return ansible.Execute(t.Context(), connectDefinition, all)
}

func outputText(t *testing.T, out map[string]any) string {
	t.Helper()
	b, err := json.Marshal(out)
	require.NoError(t, err)
	return string(b)
}

// The control plane is found by name or by id with one request, and the
// node is described as that control plane; nothing asks for GET /.
func TestKonnect_ControlPlaneByNameOrID(t *testing.T) {
	t.Parallel()
	env := kongtest.StartKonnect(t, "prod", "staging")
	id := env.Konnect.ControlPlaneID("staging")

	out := konnectRun(t, env, map[string]any{"konnect_control_plane": "staging"})
	require.NotEqual(t, true, out["failed"], "%v", out["msg"])
	assert.Equal(t, `Kong Konnect control plane "staging" (`+id+`)`, out["version"])
	assert.Equal(t, []string{"GET /v2/control-planes?" + url.Values{"filter[name][eq]": {"staging"}}.Encode()}, env.Requests())

	out = konnectRun(t, env, map[string]any{"konnect_control_plane": id})
	require.NotEqual(t, true, out["failed"], "%v", out["msg"])
	assert.Equal(t, `Kong Konnect control plane "staging" (`+id+`)`, out["version"])
	assert.Equal(t, []string{"GET /v2/control-planes/" + id}, env.Requests())
}

func TestKonnect_ControlPlaneNotFound(t *testing.T) {
	t.Parallel()
	env := kongtest.StartKonnect(t, "prod")
	out := konnectRun(t, env, map[string]any{"konnect_control_plane": "Prod"})
	require.Equal(t, true, out["failed"])
	assert.Equal(t, `konnect_control_plane: Kong Konnect has no control plane named "Prod" at `+env.URL+
		` (names are case-sensitive; each region has its own control planes: check konnect_addr)`, out["msg"])

	// An id that is no control plane's is looked up as a name too.
	const ghost = "0b7d4f5e-1111-4222-8333-444455556666"
	out = konnectRun(t, env, map[string]any{"konnect_control_plane": ghost})
	require.Equal(t, true, out["failed"])
	assert.Contains(t, out["msg"], `has no control plane named "`+ghost+`"`)
	assert.Equal(t, []string{"GET /v2/control-planes/" + ghost, "GET /v2/control-planes?" + url.Values{"filter[name][eq]": {ghost}}.Encode()},
		env.Requests()[1:])
}

// A refused token is reported as Konnect's answer with a hint at
// konnect_token, and the token appears nowhere in the result.
func TestKonnect_WrongTokenPointsAtKonnectToken(t *testing.T) {
	t.Parallel()
	env := kongtest.StartKonnect(t)
	const wrong = "kpat_WRONG-token-5150"
	out := konnectRun(t, env, map[string]any{"konnect_token": wrong})
	require.Equal(t, true, out["failed"])
	assert.Equal(t, `looking up Kong Konnect control plane "default" (GET `+env.URL+`/v2/control-planes?filter%5Bname%5D%5Beq%5D=default) failed: `+
		`Kong answered HTTP 401: A valid token is required (Kong Konnect refused the access token of konnect_token (or KONNECT_TOKEN): `+
		`give a valid personal or system account access token of this Konnect organization)`, out["msg"])
	assert.Equal(t, 401, out["status"])
	assert.NotContains(t, outputText(t, out), wrong)
	assert.NotContains(t, outputText(t, out), "WRONG")
}

// Bad combinations are refused before any request, naming the options.
func TestKonnect_OptionsRefusedBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	env := kongtest.StartKonnect(t)
	cases := []struct {
		name string
		args map[string]any
		want string
	}{
		{"no token", map[string]any{"konnect_token": nil},
			"konnect_control_plane is set but no Konnect token is: give konnect_token or set KONNECT_TOKEN (a Konnect personal or system account access token)"},
		{"token without control plane", map[string]any{"konnect_control_plane": nil, "konnect_addr": nil},
			"konnect_token is set but konnect_control_plane is not: name the Konnect control plane to manage, or leave konnect_token out to use the Kong Admin API (admin_url)"},
		{"address without control plane", map[string]any{"konnect_control_plane": nil, "konnect_token": nil},
			"konnect_addr is set but konnect_control_plane is not: name the Konnect control plane to manage, or leave konnect_addr out to use the Kong Admin API (admin_url)"},
		{"admin_url", map[string]any{"admin_url": "http://127.0.0.1:8001"},
			"admin_url cannot be combined with konnect_control_plane: Konnect is reached at konnect_addr with konnect_token; leave admin_url out, or leave konnect_control_plane out to use the Kong Admin API"},
		{"admin_token", map[string]any{"admin_token": "rbac"},
			"admin_token cannot be combined with konnect_control_plane"},
		{"basic authentication", map[string]any{"url_username": "u", "url_password": "basic-secret-1"},
			"url_username cannot be combined with konnect_control_plane"},
		{"an Authorization header", map[string]any{"admin_headers": map[string]any{"authorization": "Bearer x"}},
			"admin_headers: an Authorization header cannot be combined with konnect_control_plane: it would replace the Bearer token of konnect_token; leave it out"},
		{"a line break in the token", map[string]any{"konnect_token": "kpat_a\nX-Evil: 1"},
			"konnect_token holds a line break or another control character, which an HTTP header does not allow"},
		{"a bad region", map[string]any{"konnect_addr": "mars"},
			`konnect_addr must be a Konnect region (au, eu, in, me, sg, us) or an http(s) URL such as https://us.api.konghq.com, got "mars"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := konnectRun(t, env, c.args)
			require.Equal(t, true, out["failed"])
			assert.Contains(t, out["msg"], c.want)
			assert.NotContains(t, outputText(t, out), kongtest.KonnectToken)
			assert.NotContains(t, outputText(t, out), "kpat_a")
		})
	}
	assert.Empty(t, env.Requests(), "nothing was sent")
}

// Environment variables: KONNECT_TOKEN alone gives the token (and without
// konnect_control_plane it is ignored, the Admin API is used);
// KONG_ADMIN_URL with konnect_control_plane is refused naming the
// variable. Not parallel: it sets the environment.
func TestKonnect_EnvironmentVariables(t *testing.T) {
	env := kongtest.StartKonnect(t)
	t.Setenv("KONNECT_TOKEN", kongtest.KonnectToken)
	out := konnectRun(t, env, map[string]any{"konnect_token": nil})
	require.NotEqual(t, true, out["failed"], "%v", out["msg"])
	assert.Contains(t, out["version"], "Kong Konnect control plane")
	assert.NotContains(t, outputText(t, out), kongtest.KonnectToken)

	kong := kongtest.Start(t, kongemu.Options{Version: "3.9.3"})
	out = ansible.Execute(t.Context(), connectDefinition, map[string]any{"admin_url": kong.URL})
	require.NotEqual(t, true, out["failed"], "KONNECT_TOKEN without konnect_control_plane is ignored: %v", out["msg"])
	assert.Equal(t, "Kong 3.9.3", out["version"])

	t.Setenv("KONG_ADMIN_URL", kong.URL)
	out = konnectRun(t, env, nil)
	require.Equal(t, true, out["failed"])
	assert.Contains(t, out["msg"], "admin_url (here from KONG_ADMIN_URL, unset it for this task) cannot be combined with konnect_control_plane")
}

// With a workspace, entities are read under it while schema validation and
// JSON schemas go to the control plane's root, as decK sends them.
func TestKonnect_WorkspacePaths(t *testing.T) {
	t.Parallel()
	env := kongtest.StartKonnect(t)
	id := env.Konnect.ControlPlaneID("default")
	emu := env.Konnect.ControlPlane(id)
	require.NotNil(t, emu)
	req, _ := http.NewRequest(http.MethodPost, env.URL+"/v2/control-planes/"+id+"/core-entities/workspaces", strings.NewReader(`{"name":"team-a"}`))
	req.Header.Set("Authorization", "Bearer "+kongtest.KonnectToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusCreated, resp.StatusCode)

	cfg := Config{Timeout: 5e9, Workspace: "team-a", Konnect: &KonnectConfig{ControlPlane: "default", Token: kongtest.KonnectToken, Addr: env.URL}}
	c, err := NewConnContext(t.Context(), cfg)
	require.NoError(t, err)
	defer c.Close()
	env.Requests()
	_, err = c.Get(t.Context(), "/services/x")
	require.NoError(t, err)
	require.NoError(t, c.Validate(t.Context(), ServiceKind, Object{"host": "a.test"}, "service"))
	_, err = c.Schema(t.Context(), "services")
	require.NoError(t, err)
	_, err = c.Schema(t.Context(), "plugins/cors")
	require.NoError(t, err)
	prefix := "/v2/control-planes/" + id + "/core-entities"
	assert.Equal(t, []string{
		"GET " + prefix + "/team-a/services/x",
		"POST " + prefix + "/schemas/services/validate",
		"GET " + prefix + "/v1/schemas/json/service",
		"GET " + prefix + "/team-a/schemas/plugins/cors",
	}, env.Requests())

	// "default" is the control plane itself, as in decK.
	cfg.Workspace = "default"
	out := konnectRun(t, env, map[string]any{"workspace": "default"})
	require.NotEqual(t, true, out["failed"], "%v", out["msg"])
}

// The JSON Schemas Konnect serves for entities read back into Kong's form
// give the engine what Kong's own schemas give it: the same defaults
// (strict mode, check mode's prediction), unique fields (check mode's
// UNIQUE checks) and fields. Each is compared with the Kong 3.9.3 schema of
// the same entity (the emulator's Admin API).
func TestKonnect_JSONSchemasReadAsKongSchemas(t *testing.T) {
	t.Parallel()
	kong := kongtest.Start(t, kongemu.Options{Version: "3.9.3"})
	kc, err := NewConn(Config{AdminURL: kong.URL, ValidateCerts: true, Timeout: 5e9})
	require.NoError(t, err)
	env := kongtest.StartKonnect(t)
	c, err := NewConnContext(t.Context(), Config{Timeout: 5e9, Konnect: &KonnectConfig{ControlPlane: "default", Token: kongtest.KonnectToken, Addr: env.URL}})
	require.NoError(t, err)
	for _, dao := range []string{"services", "routes", "consumers", "plugins", "upstreams", "targets", "certificates", "ca_certificates", "snis",
		"keys", "key_sets", "vaults", "keyauth_credentials", "basicauth_credentials", "hmacauth_credentials", "jwt_secrets", "acls"} {
		t.Run(dao, func(t *testing.T) {
			want, err := kc.Schema(t.Context(), dao)
			require.NoError(t, err)
			got, err := c.Schema(t.Context(), dao)
			require.NoError(t, err)
			assert.Equal(t, Normalize(want.Defaults()), Normalize(got.Defaults()), "defaults")
			assert.ElementsMatch(t, want.UniqueFields(), got.UniqueFields(), "unique fields")
			var wantNames, gotNames []string
			for _, f := range want.Root.Fields {
				wantNames = append(wantNames, f.Name)
			}
			for _, f := range got.Root.Fields {
				gotNames = append(gotNames, f.Name)
			}
			assert.ElementsMatch(t, wantNames, gotNames, "fields")
		})
	}
}

// A vault's config schema, which Konnect serves inside its vault JSON
// Schema (an allOf condition on the name, read as GDR reads it), is read
// into what GET /schemas/vaults/{name} gives on a Kong node: the config
// record with the same fields.
func TestKonnect_VaultSchemaReadAsKongs(t *testing.T) {
	t.Parallel()
	kong := kongtest.Start(t, kongemu.Options{Version: "3.9.3"})
	kc, err := NewConn(Config{AdminURL: kong.URL, ValidateCerts: true, Timeout: 5e9})
	require.NoError(t, err)
	env := kongtest.StartKonnect(t)
	c, err := NewConnContext(t.Context(), Config{Timeout: 5e9, Konnect: &KonnectConfig{ControlPlane: "default", Token: kongtest.KonnectToken, Addr: env.URL}})
	require.NoError(t, err)
	want, err := kc.Schema(t.Context(), "vaults/env")
	require.NoError(t, err)
	got, err := c.Schema(t.Context(), "vaults/env")
	require.NoError(t, err)
	fieldNames := func(f *FieldDef) []string {
		var out []string
		for _, sub := range f.Fields {
			out = append(out, sub.Name+":"+sub.Type)
		}
		return out
	}
	require.NotNil(t, got.Field("config"))
	assert.Equal(t, "record", got.Field("config").Type)
	assert.ElementsMatch(t, fieldNames(want.Field("config")), fieldNames(got.Field("config")))

	_, err = c.Schema(t.Context(), "vaults/aws")
	require.Error(t, err)
	assert.Equal(t, `name: Kong Konnect control plane "default" (`+env.Konnect.ControlPlaneID("default")+
		`) has no vault named "aws" (its vault schema at /v1/schemas/json/vault has a config for: env)`, err.Error())
}

func TestKonnectUnsupportedPlugin(t *testing.T) {
	t.Parallel()
	k := &Conn{konnect: &konnectTarget{id: "0b7d4f5e-1111-4222-8333-444455556666", name: "prod"}}
	cp := `Kong Konnect control plane "prod" (0b7d4f5e-1111-4222-8333-444455556666)`
	cases := []struct {
		name   string
		config map[string]any
		want   string
	}{
		{"oauth2", nil, "plugin oauth2 cannot be used on " + cp + ": it is not compatible with Konnect"},
		{"jwt-signer", nil, "plugin jwt-signer cannot be used on " + cp + ": it is not compatible with Konnect"},
		{"vault-auth", nil, "plugin vault-auth cannot be used on " + cp + ": it is not compatible with Konnect"},
		{"key-auth-enc", nil, "plugin key-auth-enc cannot be used on " + cp + ": Konnect encrypts keys itself: use the key-auth plugin instead"},
		{"application-registration", nil, "Konnect provides application registration itself"},
		{"openwhisk", nil, "it is not bundled with Kong Gateway"},
		{"rate-limiting", map[string]any{"strategy": "cluster"}, "plugin rate-limiting cannot use config.strategy cluster on " + cp},
		{"response-ratelimiting", map[string]any{"strategy": "cluster"}, "cannot use config.strategy cluster"},
		{"rate-limiting", map[string]any{"policy": "cluster"}, "plugin rate-limiting cannot use config.policy cluster on " + cp},
		{"rate-limiting", map[string]any{"strategy": "local"}, ""},
		{"rate-limiting", nil, ""},
		{"key-auth", nil, ""},
	}
	for _, c := range cases {
		err := k.KonnectUnsupportedPlugin(c.name, c.config)
		if c.want == "" {
			assert.NoError(t, err, c.name)
			continue
		}
		require.Error(t, err, c.name)
		assert.Contains(t, err.Error(), c.want, c.name)
	}
	assert.NoError(t, (&Conn{}).KonnectUnsupportedPlugin("oauth2", nil), "a Kong node has its oauth2 plugin")
	assert.Equal(t, http.MethodPut, k.KonnectUpdateMethod("targets"))
	assert.Equal(t, http.MethodPatch, k.KonnectUpdateMethod("services"))
	assert.Equal(t, http.MethodPatch, (&Conn{}).KonnectUpdateMethod("targets"))
}

func TestAtRoot(t *testing.T) {
	t.Parallel()
	for path, want := range map[string]bool{
		"/schemas/services/validate":  true,
		"/schemas/plugins/validate":   true,
		"/v1/schemas/json/service":    true,
		"/schemas/plugins/cors":       false,
		"/services/validate":          false,
		"/services":                   false,
		"/schemas/services/validate?": true,
	} {
		assert.Equal(t, want, atRoot(path), path)
	}
}
