package kong

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The cases of kong/tools/ip.lua's normalize_ip and format_host
// (spec/01-unit/05-utils_spec.lua at 3.9.3 and 2.8.5), through
// format_target's default port 8000.
func TestFormatTarget_AsKongStoresIt(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"a.test", "a.test:8000"},
		{"a.test:80", "a.test:80"},
		{"Mixed.Case.Test", "Mixed.Case.Test:8000"},
		{"fqdn.test.", "fqdn.test.:8000"},
		{"under_score.test:0", "under_score.test:0"},
		{"10.0.0.1", "10.0.0.1:8000"},
		{"001.002.003.004:123", "1.2.3.4:123"},
		{"::1", "[0000:0000:0000:0000:0000:0000:0000:0001]:8000"},
		{"[::1]:80", "[0000:0000:0000:0000:0000:0000:0000:0001]:80"},
		{"[2001:DB8::A]", "[2001:0db8:0000:0000:0000:0000:0000:000a]:8000"},
		{"fe80::", "[fe80:0000:0000:0000:0000:0000:0000:0000]:8000"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := FormatTarget(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestFormatTarget_RefusesWhatKongRefuses(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "a test", "a.test:", "a.test:x", "a.test:65536", "a-.test", "a..test", "300.0.0.1", "1.2.3", "1.2.3.4:", "[::1", "1::2::3::4::5::6::7::8::9", "::g", "http://a.test"} {
		t.Run(in, func(t *testing.T) {
			t.Parallel()
			_, err := FormatTarget(in)
			assert.Error(t, err)
		})
	}
}
