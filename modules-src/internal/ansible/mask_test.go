package ansible

import (
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
