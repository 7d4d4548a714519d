package ansible

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Placeholders used by AnsibleModule's remove_values.
const (
	maskedText    = "********"
	noLogArgValue = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
)

// masker hides secret values (no_log option values and Module.AddSecret
// values) in a result.
type masker struct {
	secrets []string // longest first, so a secret containing another is masked whole
}

func newMasker(sets ...map[string]struct{}) masker {
	seen := map[string]struct{}{}
	var m masker
	for _, set := range sets {
		for secret := range set {
			for _, s := range append([]string{secret}, escapedForms(secret)...) {
				if _, dup := seen[s]; s == "" || dup {
					continue
				}
				seen[s] = struct{}{}
				m.secrets = append(m.secrets, s)
			}
		}
	}
	sort.Slice(m.secrets, func(i, j int) bool {
		if len(m.secrets[i]) != len(m.secrets[j]) {
			return len(m.secrets[i]) > len(m.secrets[j])
		}
		return m.secrets[i] < m.secrets[j]
	})
	return m
}

// mask returns a copy of v with every secret inside every string (keys
// included) replaced by ********. A number or bool whose text holds a
// secret is replaced whole, as remove_values does. Non-finite floats, which
// JSON cannot carry, become their Python JSON names.
func (m masker) mask(v any) any { return m.walk(v, maskedText) }

// maskArgs is mask with remove_values' rule for invocation.module_args: a
// value that is exactly a secret becomes VALUE_SPECIFIED_IN_NO_LOG_PARAMETER.
func (m masker) maskArgs(v any) any { return m.walk(v, noLogArgValue) }

func (m masker) walk(v any, whole string) any {
	switch t := v.(type) {
	case string:
		return m.text(t, whole)
	case bool, int:
		return m.scalar(t, whole)
	case float64:
		switch {
		case math.IsNaN(t):
			return "NaN"
		case math.IsInf(t, 1):
			return "Infinity"
		case math.IsInf(t, -1):
			return "-Infinity"
		}
		return m.scalar(t, whole)
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = m.walk(e, whole)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[m.text(k, maskedText)] = m.walk(e, whole)
		}
		return out
	}
	return v
}

func (m masker) text(s, whole string) string {
	for _, secret := range m.secrets {
		if s == secret {
			return whole
		}
	}
	for _, secret := range m.secrets {
		if strings.Contains(s, secret) {
			s = strings.ReplaceAll(s, secret, maskedText)
		}
	}
	return s
}

func (m masker) scalar(v any, whole string) any {
	text := pyStr(v)
	for _, secret := range m.secrets {
		if strings.Contains(text, secret) {
			return whole
		}
	}
	return v
}

// hideNoLogArgs replaces, in a copy of validated params, the value of every
// no_log option (and of its aliases), at any depth of suboptions.
func hideNoLogArgs(spec *Spec, params map[string]any) {
	for name, opt := range spec.Options {
		keys := append([]string{name}, opt.Aliases...)
		for _, key := range keys {
			val, ok := params[key]
			if !ok {
				continue
			}
			if opt.NoLog {
				if val != nil && val != "" {
					params[key] = noLogArgValue
				}
				continue
			}
			if opt.Suboptions == nil {
				continue
			}
			switch t := val.(type) {
			case map[string]any:
				hideNoLogArgs(opt.Suboptions, t)
			case []any:
				for _, e := range t {
					if d, ok := e.(map[string]any); ok {
						hideNoLogArgs(opt.Suboptions, d)
					}
				}
			}
		}
	}
}

// escapedForms are the ways a secret may be quoted inside a message: a
// server's error often quotes the value it refuses (Kong: UNIQUE violation
// detected on '{key="a\"b"}'), and our own messages use %q. Each form is
// the text between the quotes, so the masker finds it like the literal.
// Only forms that differ from the secret are returned.
func escapedForms(s string) []string {
	var out []string
	add := func(f string) {
		if f != s && f != "" {
			out = append(out, f)
		}
	}
	unquote := func(q string) string {
		if len(q) >= 2 {
			return q[1 : len(q)-1]
		}
		return q
	}
	// Go's %q and strconv.Quote.
	add(unquote(strconv.Quote(s)))
	// JSON, with and without HTML escaping, and as Lua's cjson writes it
	// (it also escapes "/").
	for _, html := range []bool{false, true} {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(html)
		if enc.Encode(s) == nil {
			j := unquote(strings.TrimSuffix(buf.String(), "\n"))
			add(j)
			add(strings.ReplaceAll(j, "/", `\/`))
		}
	}
	// Lua: string.format("%q") writes a newline as a backslash and a
	// newline, \r as \r, NUL as \0, other control characters raw;
	// Kong's serializers write \n as well.
	lua := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\r", `\r`, "\x00", `\0`)
	add(strings.ReplaceAll(lua.Replace(s), "\n", "\\\n"))
	add(strings.ReplaceAll(lua.Replace(s), "\n", `\n`))
	var luaDec strings.Builder
	for _, r := range s {
		switch {
		case r == '\\' || r == '"':
			luaDec.WriteString(`\` + string(r))
		case r == '\n':
			luaDec.WriteString(`\n`)
		case r < 0x20 || r == 0x7f:
			luaDec.WriteString(fmt.Sprintf(`\%d`, r))
		default:
			luaDec.WriteRune(r)
		}
	}
	add(luaDec.String())
	// Python's repr (AnsibleModule-style messages), in either quote.
	add(unquote(pyRepr(s)))
	add(strings.ReplaceAll(unquote(pyRepr(s)), `'`, `\'`))
	return out
}
