package kong

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

const testPEM = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUYm9ndXM=\nAAAA\n-----END CERTIFICATE-----\n"

func TestPEMCanon_SeesPastLineEndingsAndWhitespace(t *testing.T) {
	t.Parallel()
	shape := &Shape{Canon: PEMCanon}
	tests := []struct {
		name  string
		other string
		equal bool
	}{
		{"the same", testPEM, true},
		{"CRLF line endings", "-----BEGIN CERTIFICATE-----\r\nMIIBszCCAVmgAwIBAgIUYm9ndXM=\r\nAAAA\r\n-----END CERTIFICATE-----\r\n", true},
		{"no final newline", testPEM[:len(testPEM)-1], true},
		{"indented, as in a YAML block, with blank lines", "  -----BEGIN CERTIFICATE-----\n  MIIBszCCAVmgAwIBAgIUYm9ndXM=\n\n  AAAA \n  -----END CERTIFICATE-----\n\n", true},
		{"another body", "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUYm9ndXM=\nAAAB\n-----END CERTIFICATE-----\n", false},
		{"lines joined differently", "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUYm9ndXM=AAAA\n-----END CERTIFICATE-----\n", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.equal, Equal(testPEM, tc.other, shape))
		})
	}
	assert.Equal(t, "{vault://env/cert}", PEMCanon("{vault://env/cert}"), "a vault reference is left as it is")
}

func TestJSONCanon_KeyOrderAndWhitespace(t *testing.T) {
	t.Parallel()
	shape := &Shape{Canon: JSONCanon}
	assert.True(t, Equal(`{"kty":"RSA","kid":"k1","n":"abc","e":"AQAB"}`, "{\n  \"e\": \"AQAB\", \"kid\": \"k1\",\n  \"kty\": \"RSA\", \"n\": \"abc\"\n}", shape))
	assert.False(t, Equal(`{"kty":"RSA","kid":"k1"}`, `{"kty":"RSA","kid":"k2"}`, shape))
	assert.False(t, Equal(`{vault://env/jwk}`, `{vault://env/other}`, shape), "not JSON: compared as it is")
}

func TestDedupeSets_SortedShapeSortsLikeKong(t *testing.T) {
	t.Parallel()
	shape := RecordOf(map[string]*Shape{"snis": {Type: Set, Sorted: true}, "tags": SetOf(nil)})
	got := dedupeSets(Object{"snis": []any{"b.test", "a.test", "b.test"}, "tags": []any{"y", "x"}}, shape)
	assert.Equal(t, []any{"a.test", "b.test"}, got["snis"], "Kong's certificate DAO sorts the names")
	assert.Equal(t, []any{"y", "x"}, got["tags"], "other sets keep the order given")
}

func TestJWKSecrets_PrivateMembersOnly(t *testing.T) {
	t.Parallel()
	jwk := map[string]any{"kty": "RSA", "kid": "k1", "n": "N", "e": "AQAB", "d": "D", "p": "P", "q": "Q", "dp": "DP", "dq": "DQ", "qi": "QI"}
	assert.ElementsMatch(t, []string{"D", "P", "Q", "DP", "DQ", "QI"}, JWKSecrets(jwk))
	s := `{"kty":"OKP","crv":"Ed25519","kid":"k2","x":"X","d":"SEED"}`
	assert.ElementsMatch(t, []string{s, "SEED"}, JWKSecrets(s), "a JSON string is masked whole, its private members too")
	assert.Equal(t, []string{"{vault://env/jwk}"}, JWKSecrets("{vault://env/jwk}"))
	assert.Empty(t, JWKSecrets(map[string]any{"kty": "OKP", "kid": "public-only", "x": "X"}))
}
