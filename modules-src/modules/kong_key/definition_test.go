package kongkey

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"platform.ops/modules-src/internal/kong/kongtest"
	"platform.ops/tests/kongemu"
)

func TestDefinition_IsConsistent(t *testing.T) {
	t.Parallel()
	kongtest.CheckDefinition(t, Definition, "key")
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	tests := kongtest.BadInputs{
		{"name or id is required", map[string]any{"kid": "k"}, "one of the following is required: name, id"},
		{"jwk or pem, not both", map[string]any{"name": "k", "jwk": "{}", "pem": map[string]any{"public_key": "x"}},
			"parameters are mutually exclusive: jwk|pem"},
		{"pem needs a key", map[string]any{"name": "k", "pem": map[string]any{}},
			"one of the following is required: private_key, public_key found in pem"},
		{"jwk is a dict or a string", map[string]any{"name": "k", "jwk": []any{"x"}},
			"jwk must be a JSON Web Key, as a dict or a JSON string, got []interface {}"},
		{"set must not be empty", map[string]any{"name": "k", "set": ""}, "set must not be empty"},
		{"id must be a uuid", map[string]any{"id": "k1"}, `got "k1" (use name to select a key by name)`},
	}
	kongtest.RefuseBadInput(t, Definition, tests)
}

func TestKong28_HasNoKeys(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{Version: "2.8.5"})
	out := env.Run(Definition, map[string]any{"name": "k", "kid": "k", "jwk": `{"kid":"k"}`})
	assert.Equal(t, true, out["failed"], out)
	assert.Equal(t, `key "k" needs Kong 3.1 or newer (Kong added key entities in 3.1), and this node runs Kong 2.8.5`, out["msg"])
	assert.Equal(t, []string{"GET /"}, env.Requests())
}

func TestJWKString(t *testing.T) {
	t.Parallel()
	s, kid, err := jwkString(map[string]any{"kty": "OKP", "kid": "k1", "crv": "Ed25519"})
	require.NoError(t, err)
	assert.Equal(t, `{"crv":"Ed25519","kid":"k1","kty":"OKP"}`, s, "a dict is encoded with its members sorted")
	assert.Equal(t, "k1", kid)
	s, kid, err = jwkString(`{"kid": "k2"}`)
	require.NoError(t, err)
	assert.Equal(t, `{"kid": "k2"}`, s, "a string is sent as given")
	assert.Equal(t, "k2", kid)
	s, kid, err = jwkString("{vault://env/jwk}")
	require.NoError(t, err)
	assert.Equal(t, "{vault://env/jwk}", s)
	assert.Empty(t, kid)
}
