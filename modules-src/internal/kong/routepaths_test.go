package kong

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTranslatePaths(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		in        []string
		kong3     bool
		out       []string
		nWarnings int
	}{
		{"3.x passes everything through", []string{"/a", `~/b/\d+`, "nope"}, true, []string{"/a", `~/b/\d+`, "nope"}, 0},
		{"3.x warns on 2.8-style regex", []string{"/a/[0-9]+"}, true, []string{"/a/[0-9]+"}, 1},
		{"2.8 strips ~/ only", []string{`~/b/\d+`, "~nope", "/a"}, false, []string{`/b/\d+`, "~nope", "/a"}, 0},
		{"2.8 warns once per meaning change", []string{"~/x", "~/y.z", "/q?"}, false, []string{"/x", "/y.z", "/q?"}, 3},
		{"percent and tilde are plain in 2.8", []string{"/a%20b/~c"}, false, []string{"/a%20b/~c"}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, warnings := TranslatePaths(tc.in, tc.kong3)
			assert.Equal(t, tc.out, out)
			assert.Len(t, warnings, tc.nWarnings, "%v", warnings)
		})
	}
}

func TestPathsDependOnVersion(t *testing.T) {
	t.Parallel()
	assert.False(t, PathsDependOnVersion(nil))
	assert.False(t, PathsDependOnVersion([]string{"/api", "/v1.0/a-b_c~d%20"}), "plain prefixes mean the same everywhere")
	assert.True(t, PathsDependOnVersion([]string{"/api", `~/u/\d+`}))
	assert.True(t, PathsDependOnVersion([]string{"/a/(b|c)"}))
}

func TestKong2PathsToKong3(t *testing.T) {
	t.Parallel()
	assert.Equal(t, []string{"/api", "~/users/\\d+", "~/v1/(a|b)", "~/already"},
		Kong2PathsToKong3([]string{"/api", "/users/\\d+", "/v1/(a|b)", "~/already"}),
		"what 2.8 reads as a regex gets the ~ Kong 3 needs; plain prefixes stay")
}
