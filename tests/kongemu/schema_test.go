package kongemu

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every Lua pattern in the embedded schemas must translate to a regexp;
// an untranslated pattern would silently accept everything.
func TestSchemas_AllLuaPatternsTranslate(t *testing.T) {
	t.Parallel()
	for _, v := range SupportedVersions() {
		set, err := loadSchemas(v)
		require.NoError(t, err)
		var walk func(where string, f *Field)
		check := func(where string, p *luaPattern) {
			if p != nil {
				assert.NotNil(t, p.re, "%s %s: Lua pattern %q", v, where, p.source)
			}
		}
		walk = func(where string, f *Field) {
			if f == nil {
				return
			}
			check(where, f.Match)
			check(where, f.NotMatch)
			for _, r := range append(append([]patternRule{}, f.MatchAll...), f.MatchNone...) {
				check(where, r.pattern)
			}
			if f.MatchAny != nil {
				for _, p := range f.MatchAny.patterns {
					check(where, p)
				}
			}
			walk(where+"[]", f.Elements)
			walk(where+"{k}", f.Keys)
			walk(where+"{v}", f.Values)
			for _, c := range append(append([]*Field{}, f.Fields...), f.Shorthands...) {
				walk(where+"."+c.Name, c)
			}
		}
		for name, s := range set.entities {
			walk(name, s.Root)
		}
		for name, s := range set.plugins {
			walk("plugins/"+name, s.Root)
		}
	}
}

func TestCompileLua(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern string
		match   []string
		noMatch []string
	}{
		{`^%u+$`, []string{"GET", "POST"}, []string{"get", "GET1", ""}},
		{`^[^*]*%*?[^*]*$`, []string{"a.b", "*.a", "a.*"}, []string{"*.a.*"}},
		{`^%*%.`, []string{"*.a"}, []string{"a.*"}},
		{`%.%*$`, []string{"a.*"}, []string{"*.a"}},
		{`^[Hh][Oo][Ss][Tt]$`, []string{"Host", "host"}, []string{"hosts"}},
		{`^[%w%.%-%_~]+$`, []string{"a-b_c.d~"}, []string{"a b", "a/b"}},
		{`^%d+%-%d+$`, []string{"1-2"}, []string{"1_2"}},
		{`a.-b`, []string{"axxb"}, []string{"ba"}},
	}
	for _, tc := range tests {
		p := compileLua(tc.pattern)
		require.NotNil(t, p.re, tc.pattern)
		for _, s := range tc.match {
			assert.True(t, p.re.MatchString(s), "%q should match %q", tc.pattern, s)
		}
		for _, s := range tc.noMatch {
			assert.False(t, p.re.MatchString(s), "%q should not match %q", tc.pattern, s)
		}
	}
}
