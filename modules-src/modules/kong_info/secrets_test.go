package konginfo

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"platform.ops/modules-src/internal/kong/kongtest"
	kongplugin "platform.ops/modules-src/modules/kong_plugin"
	"platform.ops/tests/kongemu"
)

// TestExport_SecretsInsideMapsAreOmitted: a map whose values the schema
// marks referenceable (http-log's headers on 3.9.3) is left out whole and
// listed in omitted_secrets, as a secret field is; a map without secrets
// is exported.
func TestExport_SecretsInsideMapsAreOmitted(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{Version: "3.9.3"})
	env.Send(t, http.MethodPut, "/services/svc", map[string]any{"host": "upstream.test"})
	svc := env.Get(t, "/services/svc")["id"]
	env.Send(t, http.MethodPost, "/plugins", map[string]any{"name": "http-log", "service": map[string]any{"id": svc},
		"config": map[string]any{"http_endpoint": "http://log.test/in?access_token=ENDPOINT-TOKEN", "headers": map[string]any{"Authorization": "Bearer HTTPLOG-HDR"}}})
	out := env.Run(Definition, map[string]any{"all_services": true, "include_secrets": false})
	require.NotEqual(t, true, out["failed"], "%v", out["msg"])
	raw, _ := json.Marshal(out)
	assert.NotContains(t, string(raw), "HTTPLOG-HDR")
	assert.NotContains(t, string(raw), "ENDPOINT-TOKEN")
	assert.Equal(t, []any{
		"plugin(http-log service=svc).config.headers",
		"plugin(http-log service=svc).config.http_endpoint",
	}, toAnyList(out["omitted_secrets"]))

	out = env.Run(Definition, map[string]any{"all_services": true, "include_secrets": true})
	require.NotEqual(t, true, out["failed"], "%v", out["msg"])
	cfg := toAnyList(out["plugins"])[0].(map[string]any)["config"].(map[string]any)
	assert.Equal(t, map[string]any{"Authorization": "Bearer HTTPLOG-HDR"}, cfg["headers"], "include_secrets exports it")
}

func toAnyList(v any) []any {
	b, _ := json.Marshal(v)
	var out []any
	_ = json.Unmarshal(b, &out)
	return out
}

// TestExport_CredentialNamedKeysAreSecretAsInKongPlugin: kong_info decides
// what is secret by the same name rule as kong_plugin's masking
// (kong.KeyLooksSecret): on Kong 2.8.5 http-log's headers are a plain map,
// so a header named like a credential makes the map secret only by its
// name. kong_plugin masks the value, and kong_info leaves the map out.
func TestExport_CredentialNamedKeysAreSecretAsInKongPlugin(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{Version: "2.8.5"})
	env.Send(t, http.MethodPut, "/services/svc", map[string]any{"host": "upstream.test"})
	plugin := env.Run(kongplugin.Definition, map[string]any{"name": "http-log", "service": "svc",
		"config": map[string]any{"http_endpoint": "http://log.test/", "headers": map[string]any{"X-Service-Credential": []any{"CRED-LEAK-1"}}}})
	require.NotEqual(t, true, plugin["failed"], "%v", plugin["msg"])
	raw, _ := json.Marshal(plugin)
	require.NotContains(t, string(raw), "CRED-LEAK-1", "kong_plugin masks it")

	out := env.Run(Definition, map[string]any{"all_services": true})
	require.NotEqual(t, true, out["failed"], "%v", out["msg"])
	raw, _ = json.Marshal(out)
	assert.NotContains(t, string(raw), "CRED-LEAK-1")
	assert.Equal(t, []any{
		"plugin(http-log service=svc).config.headers",
	}, toAnyList(out["omitted_secrets"]), "http_endpoint is encrypted in the schema, but a URL without credentials is no secret")
}

// TestExport_CredentialHeadersInAPlainMapAreSecret: on Kong 2.8.5 nothing in
// http-log's schema marks its headers secret and "Authorization" is no
// secret-looking field name, but an entry of a map is named by the user,
// like an HTTP header: a credential header's value is masked by kong_plugin
// (the other headers stay readable) and makes kong_info leave the map out.
func TestExport_CredentialHeadersInAPlainMapAreSecret(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{Version: "2.8.5"})
	env.Send(t, http.MethodPut, "/services/svc", map[string]any{"host": "upstream.test"})
	args := map[string]any{"name": "http-log", "service": "svc", "config": map[string]any{"http_endpoint": "http://log.test/",
		"headers": map[string]any{"Authorization": []any{"Bearer HTTPLOG-28"}, "X-Team": []any{"edge"}}}}
	plugin := env.Run(kongplugin.Definition, args)
	require.NotEqual(t, true, plugin["failed"], "%v", plugin["msg"])
	raw, _ := json.Marshal(plugin)
	assert.NotContains(t, string(raw), "HTTPLOG-28", "kong_plugin masks the Authorization header")
	headers := plugin["plugin"].(map[string]any)["config"].(map[string]any)["headers"].(map[string]any)
	assert.Equal(t, []any{"edge"}, toAnyList(headers["X-Team"]), "other headers stay readable")

	out := env.Run(Definition, map[string]any{"all_services": true})
	require.NotEqual(t, true, out["failed"], "%v", out["msg"])
	raw, _ = json.Marshal(out)
	assert.NotContains(t, string(raw), "HTTPLOG-28")
	assert.Contains(t, toAnyList(out["omitted_secrets"]), "plugin(http-log service=svc).config.headers")
}

// TestExport_URLsAreSecretOnlyInTheirCredentials: issue 10 item 7. http-log's
// http_endpoint (encrypted and referenceable in Kong's schema) was left out
// of every export, so redeploying the default export failed with
// "config.http_endpoint: required field missing". A URL is secret only in
// its userinfo and in token-like query values: a plain URL is exported (and
// the export applies again), one with credentials is left out, and
// kong_plugin shows it with only those parts masked.
func TestExport_URLsAreSecretOnlyInTheirCredentials(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"3.9.3", "2.8.5"} {
		env := kongtest.Start(t, kongemu.Options{Version: version})
		env.Send(t, http.MethodPut, "/services/svc", map[string]any{"host": "upstream.test"})
		env.Send(t, http.MethodPut, "/services/other", map[string]any{"host": "upstream.test"})
		plain := "http://logs.example.com:8080/ingest?format=json"
		require.NotEqual(t, true, env.Run(kongplugin.Definition, map[string]any{"name": "http-log", "service": "svc",
			"config": map[string]any{"http_endpoint": plain}})["failed"])
		secret := "https://logger:PW-IN-URL@logs.example.com/in?token=TOKEN-IN-URL&format=json"
		withCreds := env.Run(kongplugin.Definition, map[string]any{"name": "http-log", "service": "other",
			"config": map[string]any{"http_endpoint": secret}, "_ansible_diff": true})
		require.NotEqual(t, true, withCreds["failed"], "%v", withCreds["msg"])
		raw, _ := json.Marshal(withCreds)
		assert.NotContains(t, string(raw), "PW-IN-URL", version)
		assert.NotContains(t, string(raw), "TOKEN-IN-URL", version)
		assert.Equal(t, "https://logger:********@logs.example.com/in?token=********&format=json",
			withCreds["plugin"].(map[string]any)["config"].(map[string]any)["http_endpoint"], "kong_plugin keeps the URL, masks its credentials")

		out := env.Run(Definition, map[string]any{"service": "svc"})
		require.NotEqual(t, true, out["failed"], "%v", out["msg"])
		assert.Empty(t, toAnyList(out["omitted_secrets"]), version)
		exported := toAnyList(out["plugins"])[0].(map[string]any)
		assert.Equal(t, plain, exported["config"].(map[string]any)["http_endpoint"])

		other := env.Run(Definition, map[string]any{"service": "other"})
		assert.Equal(t, []any{"plugin(http-log service=other).config.http_endpoint"}, toAnyList(other["omitted_secrets"]))

		// The default export redeploys as it is.
		target := kongtest.Start(t, kongemu.Options{Version: version})
		target.Send(t, http.MethodPut, "/services/svc", map[string]any{"host": "upstream.test"})
		applied := target.Run(kongplugin.Definition, exported)
		require.NotEqual(t, true, applied["failed"], "%s: %v", version, applied["msg"])
		assert.Equal(t, true, applied["changed"])
	}
}
