package ansible

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPyRepr(t *testing.T) {
	cases := []struct {
		in   any
		want string
	}{
		{1.0, "1.0"}, {math.Copysign(0, -1), "-0.0"}, {0.1, "0.1"}, {1234567.0, "1234567.0"}, {1e16, "1e+16"},
		{1.5e16, "1.5e+16"}, {1e-5, "1e-05"}, {0.0001, "0.0001"}, {math.Inf(-1), "-inf"},
		{"it's", `"it's"`}, {`a"b'c`, `'a"b\'c'`}, {"tab\there", `'tab\there'`},
		{[]any{nil, true, 2, "x"}, "[None, True, 2, 'x']"},
		{map[string]any{"b": 1, "a": []any{}}, "{'a': [], 'b': 1}"},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, pyRepr(tc.in), "%#v", tc.in)
	}
}

func TestPyJSONDumps(t *testing.T) {
	assert.Equal(t, `{"a": [1, 2.5, null, true], "b": "\u00e9\ud83d\ude00\n\"q\""}`,
		pyJSONDumps(map[string]any{"b": "é😀\n\"q\"", "a": []any{1, 2.5, nil, true}}))
}

func TestParsePyNumbers(t *testing.T) {
	for s, want := range map[string]int{"1": 1, " -2 ": -2, "+3": 3, "1_000": 1000} {
		got, ok := parsePyInt(s)
		assert.True(t, ok, s)
		assert.Equal(t, want, got, s)
	}
	for _, s := range []string{"", "1__0", "_1", "1_", "--1", "1.0", "0x10", "1e3"} {
		_, ok := parsePyInt(s)
		assert.False(t, ok, s)
	}
	for s, want := range map[string]float64{"1.": 1, ".5": 0.5, "1e3": 1000, "-Infinity": math.Inf(-1), "1_0.5": 10.5, "1e400": math.Inf(1)} {
		got, ok := parsePyFloat(s)
		assert.True(t, ok, s)
		assert.Equal(t, want, got, s)
	}
	for _, s := range []string{"", ".", "0x1p3", "1e", "e3", "1_", "infinit"} {
		_, ok := parsePyFloat(s)
		assert.False(t, ok, s)
	}
}
