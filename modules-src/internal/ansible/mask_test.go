package ansible

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMasker(t *testing.T) {
	mk := newMasker(map[string]struct{}{"abc": {}, "abcdef": {}, "8080": {}, "": {}})
	in := map[string]any{
		"msg":     "token abcdef and abc",
		"exact":   "abc",
		"port":    8080,
		"ports":   []any{18080, 443},
		"abc-key": true,
		"nan":     math.NaN(),
		"nested":  map[string]any{"list": []any{"xabcx", nil}},
	}
	assert.Equal(t, map[string]any{
		"msg":          "token ******** and ********",
		"exact":        "********",
		"port":         "********",
		"ports":        []any{"********", 443},
		"********-key": true,
		"nan":          "NaN",
		"nested":       map[string]any{"list": []any{"x********x", nil}},
	}, mk.mask(in))
	assert.Equal(t, map[string]any{"t": noLogArgValue, "u": "x********"}, mk.maskArgs(map[string]any{"t": "abc", "u": "xabc"}))
}

func TestHideNoLogArgs_NestedAndAliases(t *testing.T) {
	spec := &Spec{Options: map[string]*Option{
		"token": {NoLog: true, Aliases: []string{"tok"}},
		"empty": {NoLog: true},
		"items": {Type: List, Elements: Dict, Suboptions: sub(opts{"pw": {NoLog: true}, "user": str})},
	}}
	args := map[string]any{"token": "t", "tok": "t", "empty": "", "items": []any{map[string]any{"pw": "p", "user": "u"}}}
	hideNoLogArgs(spec, args)
	assert.Equal(t, map[string]any{"token": noLogArgValue, "tok": noLogArgValue, "empty": "",
		"items": []any{map[string]any{"pw": noLogArgValue, "user": "u"}}}, args)
}

// TestMasker_EscapedForms: a secret with quotes, backslashes or control
// characters is also masked where a message quotes it escaped: Kong's
// Lua-style UNIQUE message, JSON bodies (Go's and cjson's), Go's %q, and
// Python's repr.
func TestMasker_EscapedForms(t *testing.T) {
	const secret = "QQ\"Z\\Y\nWé/<a>'"
	mk := newMasker(map[string]struct{}{secret: {}})
	for _, quoted := range []string{
		`UNIQUE violation detected on '{key="QQ\"Z\\Y\nWé/<a>'"}'`,
		"lua %q: \"QQ\\\"Z\\\\Y\\\nWé/<a>'\"",
		`json: {"key":"QQ\"Z\\Y\nWé/<a>'"}`,
		`cjson: {"key":"QQ\"Z\\Y\nWé\/<a>'"}`,
		`html-escaped json: {"key":"QQ\"Z\\Y\nWé/\u003ca\u003e'"}`,
		fmt.Sprintf("go: got %q", secret),
		"python: got " + pyRepr(secret),
		"literal: " + secret,
	} {
		masked := mk.mask(quoted).(string)
		assert.NotContains(t, masked, "QQ", "%s -> %s", quoted, masked)
		assert.Contains(t, masked, maskedText, quoted)
	}
	assert.Equal(t, "plain ******** text", newMasker(map[string]struct{}{"s3cr3t": {}}).mask(`plain s3cr3t text`))
}
