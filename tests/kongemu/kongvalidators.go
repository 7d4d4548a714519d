package kongemu

import (
	"regexp"
	"strconv"
	"strings"
)

// Go ports of the custom_validator functions of Kong's typedefs
// (kong/db/schema/typedefs.lua at 3.9.3, the same functions at 2.8.5
// unless a comment says otherwise). A validator returns true, or false and
// Kong's message. luachecks.go attaches them to the schema fields that use
// the typedef in Kong's Lua source.

type validator = func(any) (bool, string)

func str(v any) string { s, _ := v.(string); return s }

// isVaultReference is kong.vault.is_reference: "{vault://...}".
func isVaultReference(v any) bool {
	s, ok := v.(string)
	return ok && len(s) >= 8 && s[0] == '{' && s[len(s)-1] == '}' && s[1:6] == "vault" && s[6] == ':'
}

// validate_host: a host name or IP without a port.
func kongHost(v any) (bool, string) {
	s := str(v)
	a, err := normalizeIP(s)
	if err != "" && err != "invalid port number" {
		return false, "invalid value: " + s
	}
	if err == "invalid port number" || a.port >= 0 {
		return false, "must not have a port"
	}
	return true, ""
}

// validate_host_with_optional_port: normalize_ip's own error texts.
func kongHostWithOptionalPort(v any) (bool, string) {
	if _, err := normalizeIP(str(v)); err != "" {
		return false, err
	}
	return true, ""
}

// validate_host_with_wildcards (typedefs.hosts elements): "*" stands for a
// label.
func kongHostWithWildcards(v any) (bool, string) {
	return kongHostWithOptionalPort(strings.ReplaceAll(str(v), "*", "abc"))
}

// validate_sni: a name (not an IP) without a port.
func kongSNI(v any) (bool, string) {
	s := str(v)
	a, err := normalizeIP(s)
	if err != "" && err != "invalid port number" {
		return false, "invalid value: " + s
	}
	if a != nil && a.typ != "name" {
		return false, "must not be an IP"
	}
	if err == "invalid port number" || a.port >= 0 {
		return false, "must not have a port"
	}
	return true, ""
}

// validate_wildcard_host: validate_sni with one "*" as the first or last
// character (typedefs.wildcard_host: snis.name, certificates.snis, 3.x routes.snis).
func kongWildcardHost(v any) (bool, string) {
	host := str(v)
	if idx := strings.Index(host, "*"); idx >= 0 {
		if idx != 0 && idx != len(host)-1 {
			return false, "wildcard must be leftmost or rightmost character"
		}
		if strings.Count(host, "*") > 1 {
			return false, "only one wildcard must be specified"
		}
		host = strings.ReplaceAll(host, "*", "wildcard")
	}
	return kongSNI(host)
}

func kongIPOrCIDR(v any) (bool, string) {
	if isValidIPOrCIDR(str(v)) {
		return true, ""
	}
	return false, "invalid ip or cidr range: '" + str(v) + "'"
}

// validate_url: socket.url must find a host and a scheme.
func kongURL(v any) (bool, string) {
	u, ok := parseSocketURL(str(v))
	if !ok {
		return false, "could not parse url. invalid url"
	}
	if !u.hasHost {
		return false, "missing host in url"
	}
	if !u.hasScheme {
		return false, "missing scheme in url"
	}
	return true, ""
}

func kongHeaderName(v any) (bool, string) {
	if msg := headerNameError(str(v)); msg != "" {
		return false, msg
	}
	return true, ""
}

// typedefs.cookie_name: 3.x validate_http_token, 2.8 (upstreams
// hash_on_cookie) utils.validate_cookie_name.
func kongCookieName(v3 bool) validator {
	return func(v any) (bool, string) {
		msg := cookieName28Error(str(v))
		if v3 {
			msg = httpTokenError(str(v))
		}
		if msg != "" {
			return false, msg
		}
		return true, ""
	}
}

func utf8Error(s string) string {
	if pos := utf8Position(s); pos != 0 {
		return "invalid utf-8 character sequence detected at position " + strconv.Itoa(pos)
	}
	return ""
}

var utf8NameRE = regexp.MustCompile(`^[A-Za-z0-9.\-_~\x{80}-\x{10FFFF}]+$`)

// validate_utf8_name (typedefs.utf8_name: services, routes, plugins
// instance_name).
func utf8Name(v any) (bool, string) {
	s := str(v)
	if msg := utf8Error(s); msg != "" {
		return false, msg
	}
	if utf8NameRE.MatchString(s) {
		return true, ""
	}
	return false, "invalid value '" + s + "': the only accepted ascii characters are alphanumerics or ., -, _, and ~"
}

// validate_tag's patterns; Kong 3.x accepts the space, 2.8 does not.
var (
	tagPattern28 = regexp.MustCompile(`^[\x21-\x2b\x2d\x2e\x30-\x7e\x{80}-\x{10FFFF}]+$`)
	tagPattern3  = regexp.MustCompile(`^[ \x21-\x2b\x2d\x2e\x30-\x7e\x{80}-\x{10FFFF}]+$`)
)

// validate_tag (compiled once: every emulator builds its check table).
func tagValidator(v3 bool) validator {
	re := tagPattern28
	if v3 {
		re = tagPattern3
	}
	return func(v any) (bool, string) {
		s := str(v)
		if msg := utf8Error(s); msg != "" {
			return false, msg
		}
		if re.MatchString(s) {
			return true, ""
		}
		return false, "invalid tag '" + s + "': expected printable ascii (except `,` and `/`) or valid utf-8 sequences"
	}
}

// validate_certificate (typedefs.certificate): openssl_x509.new must load it.
func kongCertificate(v any) (bool, string) {
	if _, msg := parseCert(str(v)); msg != "" {
		return false, msg
	}
	return true, ""
}

// validate_key (typedefs.key): openssl_pkey.new must load it, a private
// or a public key.
func kongKey(v any) (bool, string) {
	if _, err := parsePEMKey(str(v)); err != nil {
		return false, "invalid key: pkey.new:load_key: failed to read PEM"
	}
	return true, ""
}
