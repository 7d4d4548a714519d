package kong

import (
	"maps"
	"net/http"
	"slices"
	"strings"

	gokong "github.com/kong/go-kong/kong"
)

// A refused request (401, 403) is reported with the options that decide
// it: those whose credentials the task sent. The connection knows them, so
// its Doer marks the refusal on the error (markRefusal) and ErrorFromKong,
// which only sees the error, words it (refusalOf).

// authRefusal is the detail markRefusal puts on a 401 or 403 APIError.
type authRefusal struct{ hint string }

// markRefusal puts the connection's wording of a 401 or 403 on apiErr.
func markRefusal(apiErr *gokong.APIError, refused func(status int) string) {
	if refused == nil {
		return
	}
	if code := apiErr.Code(); code == http.StatusUnauthorized || code == http.StatusForbidden {
		if h := refused(code); h != "" {
			apiErr.SetDetails(authRefusal{hint: h})
		}
	}
}

// refusalOf is the hint ErrorFromKong appends: the connection's, else the
// generic one for Kong Enterprise RBAC (authHint).
func refusalOf(apiErr *gokong.APIError) string {
	if d, ok := apiErr.Details().(authRefusal); ok {
		return d.hint
	}
	return authHint(apiErr.Code())
}

// refusalHint words a refusal for the credentials cfg sends. With Konnect
// that is the token of konnect_token. To a Kong node a task may send an
// Authorization header of its own through admin_headers (or basic
// authentication, which replaces it), the RBAC token of admin_token
// (header Kong-Admin-Token, which replaces one in admin_headers), and other
// credential-looking headers: a 401 names what was sent, so a refused
// Authorization header is not taken for a missing admin_token. With no
// credentials at all the generic hint stays.
func refusalHint(cfg Config) func(status int) string {
	if cfg.Konnect != nil {
		return func(status int) string {
			if status == http.StatusUnauthorized {
				return " (Kong Konnect refused the access token of konnect_token (or KONNECT_TOKEN): give a valid personal or system account access token of this Konnect organization)"
			}
			return " (the user or system account of konnect_token has no Konnect role that allows this on this control plane: check its roles)"
		}
	}
	sent := sentCredentials(cfg)
	if len(sent) == 0 {
		return nil
	}
	return func(status int) string {
		if status == http.StatusForbidden {
			if cfg.AdminToken != "" {
				return "" // the generic hint is about admin_token's RBAC user
			}
			return " (Kong accepted but does not allow " + strings.Join(sent, " and ") + " to do this here: check its permissions)"
		}
		if len(sent) == 1 {
			return " (Kong refused " + sent[0] + ": check its value)"
		}
		return " (Kong refused the credentials sent: " + strings.Join(sent, ", ") + "; check them)"
	}
}

// sentCredentials names the credentials cfg puts on every request, in the
// words of its options.
func sentCredentials(cfg Config) []string {
	var out []string
	for _, name := range slices.Sorted(maps.Keys(cfg.Headers)) {
		switch {
		case strings.EqualFold(name, "Authorization"):
			if cfg.Username != "" {
				continue // basic authentication replaces it
			}
			out = append(out, "the Authorization header set in admin_headers")
		case strings.EqualFold(name, "Kong-Admin-Token"):
			if cfg.AdminToken != "" {
				continue // admin_token replaces it
			}
			out = append(out, "the Kong-Admin-Token header set in admin_headers")
		case HeaderLooksSecret(name):
			out = append(out, "the "+name+" header set in admin_headers")
		}
	}
	if cfg.Username != "" {
		out = append(out, "the basic authentication of url_username and url_password")
	}
	if cfg.AdminToken != "" {
		out = append(out, "the RBAC token of admin_token (header Kong-Admin-Token)")
	}
	return out
}
