package kongemu

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The expectations below are Kong's own: spec/02-integration/04-admin_api/
// 19-vaults_spec.lua at tag 3.9.3 (and at 2.8.5, where the same spec runs
// against /vaults-beta with vaults = bundled), and the vaults entity
// schema (kong/db/schema/entities/vaults.lua, kong/vaults/env/schema.lua).

func TestVaults_CRUDByIDAndPrefix(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, "3.9.3")
	// PUT /vaults/env-1 creates a vault keyed by prefix (spec lazy_setup)
	v := do(t, s, "PUT", "/vaults/env-1", map[string]any{"name": "env"}, 200)
	assert.Equal(t, "env-1", v["prefix"])
	assert.Equal(t, "env", v["name"])
	assert.Equal(t, map[string]any{"prefix": nil}, v["config"], "the env subschema's config record is filled")
	for _, k := range []string{"id", "description", "tags", "created_at", "updated_at"} {
		assert.Contains(t, v, k)
	}
	id := v["id"].(string)
	assert.Equal(t, v, do(t, s, "GET", "/vaults/"+id, nil, 200), "retrieves a vault by id")
	assert.Equal(t, v, do(t, s, "GET", "/vaults/env-1", nil, 200), "retrieves a vault by prefix")
	do(t, s, "GET", "/vaults/f4aecadc-05c7-11e6-8d41-1f3b3d5fa15c", nil, 404)
	do(t, s, "GET", "/vaults/not-found", nil, 404)

	// PATCH by id and by prefix
	got := do(t, s, "PATCH", "/vaults/"+id, map[string]any{"config": map[string]any{"prefix": "SSL_"}}, 200)
	assert.Equal(t, "SSL_", got["config"].(map[string]any)["prefix"])
	got = do(t, s, "PATCH", "/vaults/env-1", map[string]any{"config": map[string]any{"prefix": "CERT_"}}, 200)
	assert.Equal(t, "CERT_", got["config"].(map[string]any)["prefix"])
	do(t, s, "PATCH", "/vaults/f4aecadc-05c7-11e6-8d41-1f3b3d5fa15c", map[string]any{"prefix": "env"}, 404)

	// PUT by id; config prefixes with underscore and dash (3.x pattern)
	do(t, s, "PUT", "/vaults/9b2c6e0a-6b6f-4d0e-9a55-2b4f7c8e1a01", map[string]any{"name": "env", "prefix": "put-env-id"}, 200)
	do(t, s, "PUT", "/vaults/put-env-prefix", map[string]any{"name": "env", "config": map[string]any{"prefix": "secrets_"}}, 200)
	do(t, s, "PUT", "/vaults/put-env-prefix", map[string]any{"name": "env", "config": map[string]any{"prefix": "secrets-"}}, 200)
	assert.Len(t, do(t, s, "GET", "/vaults", nil, 200)["data"], 3)

	// the collection takes GET and POST only
	for _, m := range []string{"DELETE", "PATCH"} {
		assert.Equal(t, map[string]any{"message": "Method not allowed"}, do(t, s, m, "/vaults", map[string]any{}, 405))
	}

	// a second vault with the same prefix
	got = do(t, s, "POST", "/vaults", map[string]any{"name": "env", "prefix": "env-1"}, 409)
	assert.Equal(t, "UNIQUE violation detected on '{prefix=\"env-1\"}'", got["message"])

	// DELETE by id, by prefix, and 204 when missing
	do(t, s, "DELETE", "/vaults/"+id, nil, 204)
	do(t, s, "GET", "/vaults/"+id, nil, 404)
	do(t, s, "DELETE", "/vaults/put-env-prefix", nil, 204)
	do(t, s, "GET", "/vaults/put-env-prefix", nil, 404)
	do(t, s, "DELETE", "/vaults/f4aecadc-05c7-11e6-8d41-1f3b3d5fa15c", nil, 204)
}

func TestVaults_Validation(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, "3.9.3")
	v := do(t, s, "PUT", "/vaults/env-1", map[string]any{"name": "env"}, 200)
	tests := []struct {
		name, method, path string
		body               map[string]any
		want               map[string]any
	}{
		// 19-vaults_spec.lua "handles invalid input by id" (PUT and PATCH)
		{"prefix env by id", "PUT", "/vaults/0f9ad2f4-3a54-4bd0-8b0e-6f6f2b0c4a11", map[string]any{"name": "env", "prefix": "env"},
			map[string]any{"code": 2.0, "name": "schema violation", "message": "schema violation (prefix: must not be one of: env)",
				"fields": map[string]any{"prefix": "must not be one of: env"}}},
		{"patch prefix env", "PATCH", "/vaults/" + v["id"].(string), map[string]any{"prefix": "env"},
			map[string]any{"code": 2.0, "name": "schema violation", "message": "schema violation (prefix: must not be one of: env)",
				"fields": map[string]any{"prefix": "must not be one of: env"}}},
		// "handles invalid input by prefix": the endpoint key fails first
		{"prefix env as key", "PUT", "/vaults/env", map[string]any{"name": "env"},
			map[string]any{"code": 10.0, "name": "invalid unique prefix", "message": "must not be one of: env"}},
		// vaults.lua: subschema_error = "vault '%s' is not installed"
		{"unknown vault", "POST", "/vaults", map[string]any{"name": "aws", "prefix": "my-aws"},
			map[string]any{"code": 2.0, "name": "schema violation", "message": "schema violation (name: vault 'aws' is not installed)",
				"fields": map[string]any{"name": "vault 'aws' is not installed"}}},
		{"no name", "POST", "/vaults", map[string]any{"prefix": "my-env"},
			map[string]any{"code": 2.0, "name": "schema violation", "message": "schema violation (name: required field missing)",
				"fields": map[string]any{"name": "required field missing"}}},
		// vaults.lua: prefix match = [[^[a-z][a-z%d-]-[a-z%d]+$]]
		{"prefix pattern", "POST", "/vaults", map[string]any{"name": "env", "prefix": "My_Env"},
			map[string]any{"code": 2.0, "name": "schema violation", "message": "schema violation (prefix: invalid value: My_Env)",
				"fields": map[string]any{"prefix": "invalid value: My_Env"}}},
		// kong/vaults/env/schema.lua: config.prefix match = [[^[%a_-][%a%d_-]*$]]
		{"env config prefix", "POST", "/vaults", map[string]any{"name": "env", "prefix": "my-env", "config": map[string]any{"prefix": "1X"}},
			map[string]any{"code": 2.0, "name": "schema violation", "message": "schema violation (config.prefix: invalid value: 1X)",
				"fields": map[string]any{"config": map[string]any{"prefix": "invalid value: 1X"}}}},
		{"env config unknown field", "POST", "/vaults", map[string]any{"name": "env", "prefix": "my-env", "config": map[string]any{"region": "x"}},
			map[string]any{"code": 2.0, "name": "schema violation", "message": "schema violation (config.region: unknown field)",
				"fields": map[string]any{"config": map[string]any{"region": "unknown field"}}}},
		// typedefs.tags
		{"bad tag", "POST", "/vaults", map[string]any{"name": "env", "prefix": "my-env", "tags": []any{"a,b"}},
			map[string]any{"code": 2.0, "name": "schema violation",
				"message": "schema violation (tags.1: invalid tag 'a,b': expected printable ascii (except `,` and `/`) or valid utf-8 sequences)",
				"fields":  map[string]any{"tags": []any{"invalid tag 'a,b': expected printable ascii (except `,` and `/`) or valid utf-8 sequences"}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, do(t, s, tc.method, tc.path, tc.body, 400))
		})
	}
	// /schemas/vaults/validate runs the same checks, stores nothing
	got := do(t, s, "POST", "/schemas/vaults/validate", map[string]any{"name": "env", "prefix": "env"}, 400)
	assert.Equal(t, "schema violation (prefix: must not be one of: env)", got["message"])
	assert.Equal(t, map[string]any{"message": "schema validation successful"},
		do(t, s, "POST", "/schemas/vaults/validate", map[string]any{"name": "env", "prefix": "my-env"}, 200))
	assert.Len(t, do(t, s, "GET", "/vaults", nil, 200)["data"], 1)
}

func TestVaults_Schemas(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, "3.9.3")
	base := do(t, s, "GET", "/schemas/vaults", nil, 200)
	raw, err := json.Marshal(base["fields"])
	require.NoError(t, err)
	assert.Contains(t, string(raw), `{"config":{"abstract":true,`, "config is abstract until a vault specializes it")
	assert.Contains(t, string(raw), `"not_one_of":["env"]`, "no prefix may shadow a vault name")
	env := do(t, s, "GET", "/schemas/vaults/env", nil, 200)
	assert.Equal(t, map[string]any{"entity_checks": []any{}, "fields": []any{map[string]any{"config": map[string]any{
		"type": "record", "required": true, "fields": []any{map[string]any{"prefix": map[string]any{
			"type": "string", "match": "^[%a_-][%a%d_-]*$",
			"description": "The prefix for the environment variable that the value will be stored in."}}}}}}}, env)
	assert.Equal(t, map[string]any{"message": "No vault named 'aws'"}, do(t, s, "GET", "/schemas/vaults/aws", nil, 404))
}

func TestVaults_Kong285(t *testing.T) {
	t.Parallel()
	// Kong 2.8.5 serves the beta entity at /vaults-beta; kong.conf's
	// vaults defaults to off, so no vault is installed
	s := newTestServer(t, "2.8.5")
	do(t, s, "GET", "/vaults", nil, 404)
	assert.Equal(t, map[string]any{"data": []any{}, "next": nil}, do(t, s, "GET", "/vaults-beta", nil, 200))
	got := do(t, s, "PUT", "/vaults-beta/env-1", map[string]any{"name": "env"}, 400)
	assert.Equal(t, "schema violation (name: vault 'env' is not installed)", got["message"])
	do(t, s, "GET", "/schemas/vaults_beta", nil, 200)
	do(t, s, "GET", "/schemas/vaults-beta", nil, 404)

	// with vaults = bundled (the 2.8.5 spec's setting) the env vault works,
	// with 2.8.5's stricter config.prefix pattern [[^[%a_][%a%d_]*$]]
	b, err := New(Options{Version: "2.8.5", Vaults: "bundled"})
	require.NoError(t, err)
	v := do(t, b, "PUT", "/vaults-beta/env-1", map[string]any{"name": "env"}, 200)
	assert.Equal(t, v, do(t, b, "GET", "/vaults-beta/env-1", nil, 200))
	got = do(t, b, "PATCH", "/vaults-beta/env-1", map[string]any{"config": map[string]any{"prefix": "secrets-"}}, 400)
	assert.Equal(t, "schema violation (config.prefix: invalid value: secrets-)", got["message"])
	got = do(t, b, "PUT", "/vaults-beta/env", map[string]any{"name": "env"}, 400)
	assert.Equal(t, map[string]any{"code": 10.0, "name": "invalid unique prefix", "message": "must not be one of: env"}, got)
	do(t, b, "DELETE", "/vaults-beta/env-1", nil, 204)

	_, err = New(Options{Version: "3.9.3", Vaults: "hcv"})
	assert.EqualError(t, err, `unsupported vaults setting "hcv" (supported: bundled, off)`)
}
