package kongemu

import (
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Kong implements these typedefs (kong/db/schema/typedefs.lua) as Lua
// custom_validator functions, which schema_to_jsonable drops. They are
// attached here by entity and field name.

func attachTypedefs(set *schemaSet, v3 bool) {
	attach := func(entity, field string, fn func(any) (bool, string)) {
		s := set.entities[entity]
		if s == nil {
			return
		}
		f := s.Field(field)
		if f == nil {
			return
		}
		target := f
		if f.Type == "array" || f.Type == "set" {
			target = f.Elements
		}
		target.custom = fn
	}
	for _, e := range []string{"services", "routes", "upstreams", "snis", "certificates", "ca_certificates", "consumers", "plugins", "targets"} {
		attach(e, "tags", tagValidator(v3))
	}
	for _, e := range sortedKeys(set.entities) {
		if strings.Contains(e, "credentials") || e == "acls" || e == "jwt_secrets" {
			attach(e, "tags", tagValidator(v3))
		}
	}
	// certificates.lua deletes a certificate's SNIs with it
	if sn := set.entities["snis"]; sn != nil {
		if f := sn.Field("certificate"); f != nil {
			f.OnDelete = "cascade"
		}
	}
	attach("services", "name", utf8Name)
	attach("routes", "name", utf8Name)
	attach("plugins", "instance_name", utf8Name)
	attach("services", "host", validateHost)
	attach("services", "path", validateServicePath)
	if v3 {
		attach("routes", "paths", validateRouterPath3)
		attach("routes", "snis", validateWildcardSNI)
	} else {
		attach("routes", "paths", validateRouterPath28)
		attach("routes", "snis", validateSNI)
	}
	attach("routes", "hosts", validateRouteHost)
	attach("upstreams", "name", validateUpstreamName)
	if s := set.entities["routes"]; s != nil {
		for _, name := range []string{"sources", "destinations"} {
			if f := s.Field(name); f != nil && f.Elements != nil {
				if ip := f.Elements.child("ip"); ip != nil {
					ip.custom = validateIPOrCIDR
				}
			}
		}
	}
}

var utf8NameRE = regexp.MustCompile(`^[A-Za-z0-9.\-_~\x{80}-\x{10FFFF}]+$`)

func utf8Name(v any) (bool, string) {
	s, _ := v.(string)
	if utf8.ValidString(s) && utf8NameRE.MatchString(s) {
		return true, ""
	}
	return false, "invalid value '" + s + "': the only accepted ascii characters are alphanumerics or ., -, _, and ~"
}

func tagValidator(v3 bool) func(any) (bool, string) {
	return func(v any) (bool, string) {
		s, _ := v.(string)
		ok := utf8.ValidString(s)
		for _, r := range s {
			if r < 0x80 {
				lo := rune(0x21)
				if v3 {
					lo = 0x20
				}
				if r < lo || r > 0x7e || r == ',' || r == '/' {
					ok = false
				}
			}
		}
		if ok {
			return true, ""
		}
		return false, "invalid tag '" + s + "': expected printable ascii (except `,` and `/`) or valid utf-8 sequences"
	}
}

var hostnameRE = regexp.MustCompile(`^[A-Za-z0-9\-._]+$`)

// splitHostPort parses host, host:port, [v6] and [v6]:port the way
// kong.tools.ip normalize_ip does. port is -1 when absent.
func splitHostPort(s string) (host string, port int, kind string, ok bool) {
	port = -1
	if strings.HasPrefix(s, "[") {
		end := strings.Index(s, "]")
		if end < 0 {
			return "", -1, "", false
		}
		host = s[1:end]
		rest := s[end+1:]
		if net.ParseIP(host) == nil || strings.Count(host, ":") < 2 {
			return "", -1, "", false
		}
		if rest != "" {
			if !strings.HasPrefix(rest, ":") {
				return "", -1, "", false
			}
			p, err := strconv.Atoi(rest[1:])
			if err != nil || p < 0 || p > 65535 {
				return host, -2, "ipv6", true
			}
			port = p
		}
		return host, port, "ipv6", true
	}
	if strings.Count(s, ":") > 1 {
		if net.ParseIP(s) != nil {
			return s, -1, "ipv6", true
		}
		return "", -1, "", false
	}
	host = s
	if i := strings.IndexByte(s, ':'); i >= 0 {
		host = s[:i]
		p, err := strconv.Atoi(s[i+1:])
		if err != nil || p < 0 || p > 65535 {
			port = -2
		} else {
			port = p
		}
	}
	if ip := net.ParseIP(host); ip != nil && ip.To4() != nil {
		return host, port, "ipv4", true
	}
	if host == "" || !hostnameRE.MatchString(host) {
		return "", -1, "", false
	}
	return host, port, "name", true
}

func validateHost(v any) (bool, string) {
	s, _ := v.(string)
	_, port, _, ok := splitHostPort(s)
	if !ok {
		return false, "invalid value: " + s
	}
	if port != -1 {
		return false, "must not have a port"
	}
	return true, ""
}

// validateRouteHost: a host with an optional port and at most one wildcard
// label (the wildcard rules themselves are match_all/match_any in the JSON).
func validateRouteHost(v any) (bool, string) {
	s, _ := v.(string)
	h := strings.Replace(s, "*", "wildcard", 1)
	_, port, _, ok := splitHostPort(h)
	if !ok || port == -2 {
		return false, "invalid hostname: " + s
	}
	return true, ""
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

func validateSNI(v any) (bool, string) {
	s, _ := v.(string)
	host, port, kind, ok := splitHostPort(s)
	if !ok {
		return false, "invalid value: " + s
	}
	if kind != "name" {
		return false, "must not be an IP"
	}
	if port != -1 {
		return false, "must not have a port"
	}
	_ = host
	return true, ""
}

func validateWildcardSNI(v any) (bool, string) {
	s, _ := v.(string)
	if strings.Count(s, "*") > 1 || (strings.Contains(s, "*") && !strings.HasPrefix(s, "*.") && !strings.HasSuffix(s, ".*")) {
		return false, "invalid wildcard: must be placed at leftmost or rightmost label"
	}
	return validateSNI(strings.Replace(s, "*", "wildcard", 1))
}

func validateUpstreamName(v any) (bool, string) {
	s, _ := v.(string)
	_, port, kind, ok := splitHostPort(s)
	if !ok || port != -1 || kind != "name" {
		return false, "Invalid name ('" + s + "'); must be a valid hostname"
	}
	return true, ""
}

func validateIPOrCIDR(v any) (bool, string) {
	s, _ := v.(string)
	if net.ParseIP(s) != nil {
		return true, ""
	}
	if _, _, err := net.ParseCIDR(s); err == nil {
		return true, ""
	}
	return false, "invalid ip or cidr range: '" + s + "'"
}
