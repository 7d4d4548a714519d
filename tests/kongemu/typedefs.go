package kongemu

import (
	"fmt"
	"regexp"
	"strings"
)

// attachTypedefs hangs Kong's Lua validators on the parsed schemas
// (luachecks.go) and sets what Kong's DAO code adds to the schema: a
// certificate's SNIs are deleted with it (kong/db/dao/certificates.lua).
func attachTypedefs(set *schemaSet, v3 bool) error {
	if sn := set.entities["snis"]; sn != nil {
		if f := sn.Field("certificate"); f != nil {
			f.OnDelete = "cascade"
		}
	}
	return attachLuaChecks(set, v3)
}

var rfc3986PathRE = regexp.MustCompile(`^/[A-Za-z0-9.\-_~/%:@!$&'()*+,;=]*$`)
var percentRE = regexp.MustCompile(`%[0-9A-Fa-f]{2}`)

// checkPercent reports the first bad %-sequence like typedefs validate_path.
func checkPercent(p string) (bool, string) {
	raw := percentRE.ReplaceAllString(p, "___")
	if i := strings.IndexByte(raw, '%'); i >= 0 {
		end := i + 3
		if end > len(raw) {
			end = len(raw)
		}
		return false, "invalid url-encoded value: '" + raw[i:end] + "'"
	}
	return true, ""
}

func validateServicePath(v any) (bool, string) {
	s, _ := v.(string)
	if !rfc3986PathRE.MatchString(s) {
		return false, "invalid path: '" + s + "' (characters outside of the reserved list of RFC 3986 found)"
	}
	return checkPercent(s)
}

// validateRouterPath3 is Kong 3.x validate_path_with_regexes: "~" starts a
// regex that must compile; anything else is a literal prefix that must
// already be normalized.
func validateRouterPath3(v any) (bool, string) {
	s, _ := v.(string)
	if ok, msg := checkPercent(s); !ok {
		return false, msg
	}
	if !strings.HasPrefix(s, "~") {
		if n := normalizePath(s); n != s {
			return false, "non-normalized path, consider use '" + n + "' instead"
		}
		return true, ""
	}
	return checkRegex(s[1:])
}

// Kong 2.8 treats a path as a regex when it has a character outside the
// plain-path set.
var plainPathRE = regexp.MustCompile(`^[A-Za-z0-9.\-_~/%]*$`)

func validateRouterPath28(v any) (bool, string) {
	s, _ := v.(string)
	if plainPathRE.MatchString(s) {
		return checkPercent(s)
	}
	return checkRegex(s)
}

// checkRegex compiles with RE2. Kong uses PCRE; texts after "(PCRE returned:"
// differ (clients match only the prefix).
func checkRegex(re string) (bool, string) {
	if _, err := regexp.Compile(re); err != nil {
		msg := err.Error()
		if i := strings.Index(msg, ": "); i >= 0 && strings.HasPrefix(msg, "error parsing regexp") {
			msg = msg[i+2:]
		}
		return false, fmt.Sprintf("invalid regex: '%s' (PCRE returned: %s)", re, msg)
	}
	return true, ""
}

func isUnreserved(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// normalizePath decodes percent-encoded unreserved characters, upper-cases
// the remaining escapes and removes dot segments (RFC 3986 6.2.2), like
// kong.tools.uri normalize.
func normalizePath(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] == '%' && i+2 < len(p) {
			c := unhex(p[i+1])<<4 | unhex(p[i+2])
			if isUnreserved(c) {
				b.WriteByte(c)
			} else {
				b.WriteString(strings.ToUpper(p[i : i+3]))
			}
			i += 2
			continue
		}
		b.WriteByte(p[i])
	}
	return removeDotSegments(b.String())
}

func removeDotSegments(in string) string {
	var out []string
	segs := strings.Split(in, "/")
	for i, s := range segs {
		last := i == len(segs)-1
		switch s {
		case ".":
			if last {
				out = append(out, "")
			}
		case "..":
			if len(out) > 1 {
				out = out[:len(out)-1]
			}
			if last {
				out = append(out, "")
			}
		default:
			out = append(out, s)
		}
	}
	r := strings.Join(out, "/")
	if r == "" {
		return "/"
	}
	return r
}
