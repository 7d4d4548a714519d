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
		"fport":   8080.0,
		"ports":   []any{18080, 443},
		"abc-key": true,
		"nan":     math.NaN(),
		"nested":  map[string]any{"list": []any{"xabcx", nil}, "abc": "abc"},
	}
	assert.Equal(t, map[string]any{
		"msg":     "token ******** and ********",
		"exact":   "********",
		"port":    "********",
		"fport":   "********",
		"ports":   []any{18080, 443},
		"abc-key": true,
		"nan":     "NaN",
		"nested":  map[string]any{"list": []any{"x********x", nil}, "abc": "********"},
	}, mk.mask(in))
	assert.Equal(t, map[string]any{"t": noLogArgValue, "u": "x********"}, mk.maskArgs(map[string]any{"t": "abc", "u": "xabc"}))
}

// TestMasker_NeverHidesTheOutcome: the issue-10 reproductions. A short
// secret used to be replaced inside keys ("f********led": true, so Ansible
// saw no failure), inside booleans ("failed": "********" for the secret
// "True" of a no_log option given as YAML yes) and inside numbers. Keys,
// booleans and the control fields are kept; strings are still masked.
func TestMasker_NeverHidesTheOutcome(t *testing.T) {
	cases := []struct {
		name    string
		secrets []string
	}{
		{"a secret inside a key", []string{"ai"}},
		{"a secret inside a key, one letter", []string{"a", "e", "c"}},
		{"the text of a boolean", []string{"True", "False", "true"}},
		{"the text of an rc", []string{"1", "2"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			set := map[string]struct{}{}
			for _, s := range c.secrets {
				set[s] = struct{}{}
			}
			mk := newMasker(set)
			in := map[string]any{"failed": true, "changed": false, "skipped": false, "rc": 1, "msg": "consumer is missing",
				"entity": map[string]any{"enabled": true, "retries": 5}}
			out := mk.mask(in).(map[string]any)
			assert.Equal(t, true, out["failed"])
			assert.Equal(t, false, out["changed"])
			assert.Equal(t, false, out["skipped"])
			assert.Equal(t, 1, out["rc"])
			assert.Contains(t, out, "msg")
			assert.Equal(t, map[string]any{"enabled": true, "retries": 5}, out["entity"])
			for _, s := range c.secrets {
				assert.NotContains(t, out["msg"], s)
			}
		})
	}
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
