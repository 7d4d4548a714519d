package kong

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestMaskSecretString_URLsKeepAllButTheirCredentials: issue 10 item 7.
func TestMaskSecretString_URLsKeepAllButTheirCredentials(t *testing.T) {
	tests := []struct {
		name, in, want string
		secrets        []string
	}{
		{"plain URL", "http://logs.example.com:8080/ingest?format=json", "http://logs.example.com:8080/ingest?format=json", nil},
		{"password", "https://user:s3cr%40t@logs.example.com/in", "https://user:********@logs.example.com/in", []string{"s3cr%40t", "s3cr@t"}},
		{"user alone is a token", "https://ghp_TOKEN@logs.example.com/", "https://********@logs.example.com/", []string{"ghp_TOKEN"}},
		{"token-like query values", "https://h.example/p?api_key=K1&sig=S2&format=json&access_token=T3&code=C4",
			"https://h.example/p?api_key=********&sig=********&format=json&access_token=********&code=********", []string{"K1", "S2", "T3", "C4"}},
		{"encoded query value", "https://h.example/p?token=a%2Bb", "https://h.example/p?token=********", []string{"a%2Bb", "a+b"}},
		{"not a URL: masked whole", "s3cret-value", Masked, []string{"s3cret-value"}},
		{"a relative path is no URL", "/var/log/x?token=1", Masked, []string{"/var/log/x?token=1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, maskSecretString(tc.in))
			want := tc.secrets
			if want == nil {
				want = []string{}
			}
			got := secretParts(tc.in)
			if got == nil {
				got = []string{}
			}
			assert.ElementsMatch(t, want, got)
			assert.Equal(t, tc.secrets == nil, IsURLWithoutSecrets(tc.in))
		})
	}
}
