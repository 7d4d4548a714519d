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

// mask returns a copy of the result object v with every secret replaced,
// as AnsibleModule's remove_values does for exit_json/fail_json: inside
// every string value a secret becomes ********, a string value that is
// exactly a secret becomes ******** as a whole. Unlike a naive text
// replacement it never touches what Ansible reads to judge the task, so a
// short secret (say "ai") can never turn a failure into a success:
//   - keys are never rewritten (remove_values copies keys as they are;
//     "failed" with "ai" masked inside would be a key Ansible ignores);
//   - booleans are never masked (they carry no secret, and the text
//     "True" of a no_log option given as YAML yes would otherwise hide
//     every true, failed included);
//   - a number is masked only when its text is exactly a secret (a
//     password 8001 echoed back as a number), never because a short
//     secret occurs among its digits;
//   - the top-level control fields (controlFields) are kept as they are.
//
// Non-finite floats, which JSON cannot carry, become their Python JSON
// names.
func (m masker) mask(v any) any { return m.result(v, maskedText) }

// maskArgs is mask with remove_values' rule for invocation.module_args: a
// value that is exactly a secret becomes VALUE_SPECIFIED_IN_NO_LOG_PARAMETER.
func (m masker) maskArgs(v any) any { return m.walk(v, noLogArgValue) }

// controlFields are the result keys Ansible's task executor interprets
// (TaskResult.is_failed/is_changed/is_skipped/is_unreachable, the rc of
// failed_when defaults): their values are booleans and an exit code, never
// a secret, so they are passed through untouched at the top level.
var controlFields = map[string]bool{
	"failed": true, "changed": true, "skipped": true, "unreachable": true, "rc": true,
}

// result masks a top-level result object: control fields are kept, the
// rest is walked.
func (m masker) result(v any, whole string) any {
	obj, ok := v.(map[string]any)
	if !ok {
		return m.walk(v, whole)
	}
	out := make(map[string]any, len(obj))
	for k, e := range obj {
		if controlFields[k] {
			out[k] = e
			continue
		}
		out[k] = m.walk(e, whole)
	}
	return out
}

func (m masker) walk(v any, whole string) any {
	switch t := v.(type) {
	case string:
		return m.text(t, whole)
	case bool:
		return t
	case int:
		return m.number(t, whole)
	case float64:
		switch {
		case math.IsNaN(t):
			return "NaN"
		case math.IsInf(t, 1):
			return "Infinity"
		case math.IsInf(t, -1):
			return "-Infinity"
		}
		return m.number(t, whole)
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = m.walk(e, whole)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = m.walk(e, whole)
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

// number masks a number whose text (as Python prints it) is exactly a
// secret.
// number masks a number whose text is exactly a secret: as Python prints
// it, or for a whole float (a number decoded from a server's JSON) also
// without its ".0".
func (m masker) number(v any, whole string) any {
	texts := []string{pyStr(v)}
	if f, ok := v.(float64); ok && f == math.Trunc(f) && math.Abs(f) < 1e15 {
		texts = append(texts, strconv.FormatFloat(f, 'f', -1, 64))
	}
	for _, secret := range m.secrets {
		for _, text := range texts {
			if text == secret {
				return whole
			}
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

// hideStrings replaces every non-empty string inside v (keys kept) with
// VALUE_SPECIFIED_IN_NO_LOG_PARAMETER (Module.HideArgStrings).
func hideStrings(v any) any {
	switch t := v.(type) {
	case string:
		if t != "" {
			return noLogArgValue
		}
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = hideStrings(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = hideStrings(e)
		}
		return out
	}
	return v
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
