package kong

import (
	"net/url"
	"regexp"
	"strings"
)

// A URL in a field the schema marks secret (http-log's http_endpoint is
// encrypted and referenceable: it may carry credentials) is secret only in
// the parts that carry one: the password of its userinfo (or the user
// alone, which is then a token), and the values of query parameters named
// like credentials (token, key, secret, signature, auth, ...). The scheme,
// host and path are what a reader needs to see and what a redeploy needs:
// they are kept. A secret in a URL's path (a webhook's token) is not
// recognised: keep such a URL in a vault reference.

// secretQueryKey: query parameter names whose values are credentials.
var secretQueryKey = regexp.MustCompile(`(?i)sig|signature|code`)

func queryKeyLooksSecret(k string) bool {
	return KeyLooksSecret(k) || HeaderLooksSecret(k) || secretQueryKey.MatchString(k)
}

// urlSecretParts returns the secret parts of s when s is an absolute URL
// (scheme://host...), as they appear in s (percent-encoded) and decoded;
// isURL is false for any other string.
func urlSecretParts(s string) (parts []string, isURL bool) {
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || u.Host == "" || u.Opaque != "" {
		return nil, false
	}
	add := func(raw, decoded string) {
		if raw != "" {
			parts = append(parts, raw)
		}
		if decoded != "" && decoded != raw {
			parts = append(parts, decoded)
		}
	}
	if u.User != nil {
		raw := rawUserinfo(s)
		rawUser, rawPass, hasPass := strings.Cut(raw, ":")
		if pw, set := u.User.Password(); set && hasPass {
			add(rawPass, pw)
		} else {
			add(rawUser, u.User.Username())
		}
	}
	for _, kv := range strings.Split(u.RawQuery, "&") {
		k, v, _ := strings.Cut(kv, "=")
		key, _ := url.QueryUnescape(k)
		if v == "" || !queryKeyLooksSecret(key) {
			continue
		}
		decoded, err := url.QueryUnescape(v)
		if err != nil {
			decoded = ""
		}
		add(v, decoded)
	}
	return parts, true
}

// rawUserinfo is the userinfo of a URL as written (before the last @ of
// the authority).
func rawUserinfo(s string) string {
	_, rest, _ := strings.Cut(s, "://")
	authority := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority = rest[:i]
	}
	if i := strings.LastIndex(authority, "@"); i >= 0 {
		return authority[:i]
	}
	return ""
}

// secretParts are the strings to mask for a secret string value: the
// secret parts of a URL, else the whole value.
func secretParts(s string) []string {
	if parts, isURL := urlSecretParts(s); isURL {
		return parts
	}
	return []string{s}
}

// maskSecretString masks a secret string value: in a URL only its secret
// parts, else the whole value.
func maskSecretString(s string) string {
	parts, isURL := urlSecretParts(s)
	if !isURL {
		return Masked
	}
	for _, p := range parts {
		s = strings.ReplaceAll(s, p, Masked)
	}
	return s
}

// IsURLWithoutSecrets reports whether v is an absolute URL with no secret
// part: a value of a secret field that needs no hiding (kong_info exports
// it, so an export of http-log can be applied again).
func IsURLWithoutSecrets(v any) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	parts, isURL := urlSecretParts(s)
	return isURL && len(parts) == 0
}
