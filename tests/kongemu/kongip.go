package kongemu

import (
	"net"
	"regexp"
	"strconv"
	"strings"
)

// Go ports of the Lua helpers Kong's validators are built on, line by
// line, so their error texts and corner cases are Kong's:
// kong/tools/ip.lua (3.x; kong/tools/utils.lua in 2.8, identical code),
// kong/tools/http.lua validate_header_name / validate_http_token,
// kong/tools/string.lua validate_utf8 and LuaSocket 3.0-rc1's
// socket.url.parse (the version both Kong 2.8.5 and 3.9.3 pin in their
// rockspecs).

// kongAddr is what normalize_ip returns: the address type ("ipv4", "ipv6"
// or "name"), the normalized host and the port (-1 when absent).
type kongAddr struct {
	typ  string
	host string
	port int
}

// hostnameType is kong.tools.ip hostname_type: decided by exclusion, not
// validation.
func hostnameType(name string) string {
	if strings.Count(name, ":") > 1 {
		return "ipv6"
	}
	rest := strings.ReplaceAll(name, ":", "")
	if rest != "" && strings.Trim(rest, "0123456789.") == "" {
		return "ipv4"
	}
	return "name"
}

var (
	ipv4PortRE = regexp.MustCompile(`^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3}):(\d+)$`)
	ipv4RE     = regexp.MustCompile(`^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$`)
	ipv6RE     = regexp.MustCompile(`^([0-9A-Fa-f]{1,4}):([0-9A-Fa-f]{1,4}):([0-9A-Fa-f]{1,4}):([0-9A-Fa-f]{1,4}):([0-9A-Fa-f]{1,4}):([0-9A-Fa-f]{1,4}):([0-9A-Fa-f]{1,4}):([0-9A-Fa-f]{1,4})$`)
	hostCharRE = regexp.MustCompile(`^[0-9A-Za-z\-._]+$`)
	hostPortRE = regexp.MustCompile(`:(\d+)$`)
)

// luaPort is tonumber(port) > 65535: the port, or -2 when it is too big.
func luaPort(digits string) int {
	n, err := strconv.ParseFloat(digits, 64)
	if err != nil || n > 65535 {
		return -2
	}
	return int(n)
}

func normalizeIPv4(address string) (string, int, string) {
	var m []string
	if strings.Contains(address, ":") {
		m = ipv4PortRE.FindStringSubmatch(address)
	} else {
		m = ipv4RE.FindStringSubmatch(address)
	}
	if m == nil {
		return "", -1, "invalid ipv4 address: " + address
	}
	parts := make([]string, 4)
	for i := 0; i < 4; i++ {
		n, _ := strconv.Atoi(m[i+1])
		if n > 255 {
			return "", -1, "invalid ipv4 address: " + address
		}
		parts[i] = strconv.Itoa(n)
	}
	port := -1
	if len(m) == 6 {
		if port = luaPort(m[5]); port == -2 {
			return "", -1, "invalid port number"
		}
	}
	return strings.Join(parts, "."), port, ""
}

func normalizeIPv6(address string) (string, int, string) {
	check, port := address, -1
	if strings.HasPrefix(address, "[") {
		// Lua "^(%b[])(.-)$": the first balanced bracket pair
		depth, end := 0, -1
		for i := 0; i < len(address); i++ {
			switch address[i] {
			case '[':
				depth++
			case ']':
				depth--
			}
			if depth == 0 {
				end = i
				break
			}
		}
		if end >= 0 {
			check = address[1:end]
			if rest := address[end+1:]; rest != "" {
				if !strings.HasPrefix(rest, ":") || strings.Trim(rest[1:], "0123456789") != "" || rest == ":" {
					return "", -1, "invalid ipv6 address"
				}
				if port = luaPort(rest[1:]); port == -2 {
					return "", -1, "invalid port number"
				}
			}
		}
	}
	if strings.HasPrefix(check, ":") {
		check = "0" + check
	}
	if strings.HasSuffix(check, ":") {
		check += "0"
	}
	if strings.Contains(check, "::") {
		n := 8 - strings.Count(check, ":")
		if n < 0 {
			n = 0
		}
		check = strings.Replace(check, "::", ":"+strings.Repeat("0:", n), 1)
	}
	m := ipv6RE.FindStringSubmatch(check)
	if m == nil {
		return "", -1, "invalid ipv6 address: " + address
	}
	groups := make([]string, 8)
	for i := range groups {
		groups[i] = strings.ToLower(strings.Repeat("0", 4-len(m[i+1])) + m[i+1])
	}
	return strings.Join(groups, ":"), port, ""
}

func checkHostname(address string) (string, int, string) {
	name, port := address, -1
	if m := hostPortRE.FindStringSubmatch(address); m != nil {
		name = name[:len(name)-len(m[1])-1]
		if port = luaPort(m[1]); port == -2 {
			return "", -1, "invalid port number"
		}
	}
	if !hostCharRE.MatchString(name) {
		return "", -1, "invalid hostname: " + address
	}
	segs := strings.Split(name, ".")
	for i, seg := range segs {
		if strings.HasSuffix(seg, "-") || seg == "" && i != len(segs)-1 {
			return "", -1, "invalid hostname: " + address
		}
	}
	return name, port, ""
}

// normalizeIP is kong.tools.ip normalize_ip: nil and Kong's error text for
// an invalid address.
func normalizeIP(address string) (*kongAddr, string) {
	typ := hostnameType(address)
	var host, err string
	var port int
	switch typ {
	case "ipv4":
		host, port, err = normalizeIPv4(address)
	case "ipv6":
		host, port, err = normalizeIPv6(address)
	default:
		host, port, err = checkHostname(address)
	}
	if err != "" {
		return nil, err
	}
	return &kongAddr{typ: typ, host: host, port: port}, ""
}

// formatHost is kong.tools.ip format_host(normalize_ip(x), defaultPort):
// IPv6 in brackets, the port added when the address had none.
func formatHost(a *kongAddr, defaultPort int) string {
	port := a.port
	if port < 0 {
		port = defaultPort
	}
	host := a.host
	if a.typ == "ipv6" && !strings.Contains(host, "[") {
		h, _, _ := normalizeIPv6(host)
		host = "[" + h + "]"
	}
	if port < 0 {
		return host
	}
	return host + ":" + strconv.Itoa(port)
}

// isValidIPv4 / isValidIPv6 stand for resty.ipmatcher parse_ipv4 and
// parse_ipv6 (inet_pton).
func isValidIPv4(s string) bool {
	ip := net.ParseIP(s)
	return ip != nil && !strings.Contains(s, ":") && ip.To4() != nil
}

func isValidIPv6(s string) bool {
	return net.ParseIP(s) != nil && strings.Contains(s, ":")
}

// isValidCIDR is kong.tools.ip is_valid_cidr_v4/v6: the prefix must be
// spelled exactly as a number in range ("/024" is not).
func isValidCIDR(s string, v6 bool) bool {
	p := strings.Index(s, "/")
	if p < 2 {
		return false
	}
	prefix, max := s[p+1:], 32
	if v6 {
		max = 128
	}
	n, err := strconv.Atoi(prefix)
	if err != nil || n < 0 || n > max || strconv.Itoa(n) != prefix {
		return false
	}
	if v6 {
		return isValidIPv6(s[:p])
	}
	return isValidIPv4(s[:p])
}

func isValidIP(s string) bool { return isValidIPv4(s) || isValidIPv6(s) }

func isValidIPOrCIDR(s string) bool {
	return isValidIP(s) || isValidCIDR(s, false) || isValidCIDR(s, true)
}

var headerNameRE = regexp.MustCompile(`^[a-zA-Z0-9-_]+$`)

// headerNameError is kong.tools.http validate_header_name's error, "" when valid.
func headerNameError(name string) string {
	if name == "" {
		return "no header name provided"
	}
	if headerNameRE.MatchString(name) {
		return ""
	}
	return "bad header name '" + name + "', allowed characters are A-Z, a-z, 0-9, '_', and '-'"
}

var httpTokenForbidRE = regexp.MustCompile("[\\x00-\\x1F\\x7F\\x80-\\xFF \t()<>@,;:\\\\\"/?={}\\[\\]]")

// httpTokenError is kong.tools.http validate_http_token (3.x
// validate_cookie_name).
func httpTokenError(token string) string {
	if token == "" {
		return "no token provided"
	}
	if !httpTokenForbidRE.MatchString(token) {
		return ""
	}
	return "contains one or more invalid characters. ASCII control characters (0-31;127), space, tab and the characters ()<>@,;:\\\"/?={}[] are not allowed."
}

// cookieName28Error is Kong 2.8's utils.validate_cookie_name.
func cookieName28Error(name string) string {
	if name == "" {
		return "no cookie name provided"
	}
	if headerNameRE.MatchString(name) {
		return ""
	}
	return "bad cookie name '" + name + "', allowed characters are A-Z, a-z, 0-9, '_', and '-'"
}

// utf8Position is kong.tools.string validate_utf8: 0 when valid, else the
// 1-based position of the first bad byte. It keeps Kong's byte ranges
// (including the "[\194-\223][\123-\191]" second-byte range).
func utf8Position(s string) int {
	in := func(b, lo, hi byte) bool { return b >= lo && b <= hi }
	for i := 0; i < len(s); {
		c := s[i]
		rest := len(s) - i
		switch {
		case c <= 127:
			i++
		case rest >= 2 && in(c, 194, 223) && in(s[i+1], 123, 191):
			i += 2
		case rest >= 3 && (c == 224 && in(s[i+1], 160, 191) || in(c, 225, 236) && in(s[i+1], 128, 191) ||
			c == 237 && in(s[i+1], 128, 159) || in(c, 238, 239) && in(s[i+1], 128, 191)) && in(s[i+2], 128, 191):
			i += 3
		case rest >= 4 && (c == 240 && in(s[i+1], 144, 191) || in(c, 241, 243) && in(s[i+1], 128, 191) ||
			c == 244 && in(s[i+1], 128, 143)) && in(s[i+2], 128, 191) && in(s[i+3], 128, 191):
			i += 4
		default:
			return i + 1
		}
	}
	return 0
}

// socketURL is the part of LuaSocket's socket.url.parse result Kong's
// validators read.
type socketURL struct {
	scheme, authority, userinfo, host, port, path, fragment string
	hasScheme, hasHost, hasUserinfo, hasFragment            bool
}

var (
	urlSchemeRE    = regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9+\-.]*):`)
	urlAuthorityRE = regexp.MustCompile(`^//([^/]*)`)
	urlPortRE      = regexp.MustCompile(`:([^:\]]*)$`)
	urlIPv6HostRE  = regexp.MustCompile(`^\[(.+)\]$`)
)

// parseSocketURL ports socket.url.parse (LuaSocket 3.0-rc1); ok is false
// for the empty string ("invalid url").
func parseSocketURL(s string) (socketURL, bool) {
	var u socketURL
	if s == "" {
		return u, false
	}
	if m := urlSchemeRE.FindStringSubmatch(s); m != nil {
		u.scheme, u.hasScheme = m[1], true
		s = s[len(m[0]):]
	}
	hasAuthority := false
	if m := urlAuthorityRE.FindStringSubmatch(s); m != nil {
		u.authority, hasAuthority = m[1], true
		s = s[len(m[0]):]
	}
	if i := strings.Index(s, "#"); i >= 0 {
		u.fragment, u.hasFragment = s[i+1:], true
		s = s[:i]
	}
	if i := strings.Index(s, "?"); i >= 0 {
		s = s[:i]
	}
	if i := strings.Index(s, ";"); i >= 0 {
		s = s[:i]
	}
	u.path = s
	if !hasAuthority {
		return u, true
	}
	auth := u.authority
	if i := strings.Index(auth, "@"); i >= 0 {
		u.userinfo, u.hasUserinfo = auth[:i], true
		auth = auth[i+1:]
	}
	if m := urlPortRE.FindStringSubmatch(auth); m != nil {
		u.port = m[1]
		auth = auth[:len(auth)-len(m[0])]
	}
	if auth != "" {
		u.host, u.hasHost = auth, true
		if m := urlIPv6HostRE.FindStringSubmatch(auth); m != nil {
			u.host = m[1]
		}
	}
	return u, true
}
