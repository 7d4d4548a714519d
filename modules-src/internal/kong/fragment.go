package kong

import (
	"fmt"
	"net/url"
	"regexp"

	"platform.ops/modules-src/internal/ansible"
)

// Fragment is the set of connection options shared by every Kong module. It
// is merged into each module's spec and documented once as
// plugins/doc_fragments/kong.py.
var Fragment = &ansible.Fragment{
	Name: "kong",
	Description: []string{
		"Options to reach the Kong Admin API, or a Kong Konnect control plane, shared by all platform.ops Kong modules.",
		"Set them once for a play with C(module_defaults: {group/platform.ops.kong: {...}}).",
		"With I(konnect_control_plane) the modules manage the entities of that Kong Konnect control plane instead of a Kong node's Admin API.",
		"Arguments copied from the Admin API's JSON are refused for the fields Kong sets itself (C(created_at), C(updated_at)), with a message saying so: " +
			"leave them out, or export entities with M(platform.ops.kong_info), whose output is shaped as these modules' arguments.",
	},
	ExplainUnsupported: explainUnsupported,
	Spec: ansible.Spec{
		Options: map[string]*ansible.Option{
			// No Default in the spec: with Konnect a given admin_url is a
			// mistake, and a spec default would make it always given.
			// ConfigFromParams applies http://localhost:8001.
			"admin_url": {
				Type:        ansible.Str,
				EnvFallback: []string{"KONG_ADMIN_URL"},
				Secrets:     urlPassword,
				Description: []string{
					"Base URL of the Kong Admin API, for example C(https://kong-admin.example.com:8444).",
					"Defaults to C(http://localhost:8001) when neither I(admin_url), C(KONG_ADMIN_URL) nor I(konnect_control_plane) is set. Not used with I(konnect_control_plane).",
					"A password embedded in the URL (C(https://user:password@host)) is masked in the task output; prefer I(url_username) and I(url_password).",
				},
			},
			"admin_token": {
				Type:        ansible.Str,
				NoLog:       true,
				EnvFallback: []string{"KONG_ADMIN_TOKEN"},
				Description: []string{
					"RBAC token sent in the C(Kong-Admin-Token) header (Kong Enterprise RBAC, or a gateway in front of the Admin API).",
					"Not used with I(konnect_control_plane): Konnect takes I(konnect_token).",
				},
			},
			"konnect_control_plane": {
				Type: ansible.Str,
				Description: []string{
					"Name or id of the Kong Konnect control plane whose entities the task manages. Setting it switches the task from a Kong Admin API to Kong Konnect.",
					"A name is looked up once per task (C(GET <konnect_addr>/v2/control-planes?filter[name][eq]=<name>)); requests then go to C(<konnect_addr>/v2/control-planes/<id>/core-entities/...) with C(Authorization: Bearer <konnect_token>).",
					"Konnect has no C(GET /) to read a version from: the modules take the control plane for Kong Enterprise 3.x, as decK does (which assumes version 3.5.0.0).",
					"Cannot be combined with I(admin_url) (or C(KONG_ADMIN_URL)), I(admin_token) (or C(KONG_ADMIN_TOKEN)), I(url_username) and I(url_password), nor with an C(Authorization) header in I(admin_headers). I(workspace) selects a Konnect workspace of the control plane.",
				},
			},
			"konnect_token": {
				Type:        ansible.Str,
				NoLog:       true,
				EnvFallback: []string{"KONNECT_TOKEN"},
				Description: []string{
					"Kong Konnect personal or system account access token, sent as C(Authorization: Bearer <token>). Required with I(konnect_control_plane).",
					"Set in the task without I(konnect_control_plane) it is refused; taken from C(KONNECT_TOKEN) without I(konnect_control_plane) it is ignored.",
				},
			},
			"konnect_addr": {
				Type:    ansible.Str,
				Secrets: urlPassword,
				Description: []string{
					"Kong Konnect API of the region the control plane lives in: a region, C(us), C(eu), C(au), C(me), C(in) or C(sg), for C(https://<region>.api.konghq.com), or a URL (a private link, a proxy).",
					"Defaults to C(us) (C(https://us.api.konghq.com), decK's default). Only with I(konnect_control_plane).",
				},
			},
			// Not "headers": a Kong Route has a field of that name, and
			// module_defaults for group/platform.ops.kong would set it.
			"admin_headers": {
				Type:    ansible.Dict,
				Secrets: secretHeaderValues,
				Description: []string{
					"Extra HTTP headers sent with every Admin API request.",
					"Values of headers whose name looks secret (contains C(token), C(auth), C(key), C(secret), C(password), C(cookie) or C(session), in any case) are masked in the task output.",
					"A header with a null value, a name that is not an HTTP token (letters, digits and C(!#$%&'*+-.^_`|~) only), or a line break or other control character in its value is refused before any request.",
				},
			},
			"url_username": {
				Type:        ansible.Str,
				Description: []string{"User name for HTTP basic authentication to the Admin API (sent with I(url_password), or an empty password without it). Not used with I(konnect_control_plane)."},
			},
			"url_password": {
				Type:        ansible.Str,
				NoLog:       true,
				Description: []string{"Password for HTTP basic authentication to the Admin API. Requires I(url_username)."},
			},
			"ca_path": {
				Type: ansible.Path,
				Description: []string{
					"PEM file (or directory of PEM files) with the CA certificates that sign the Admin API's certificate.",
					"Used instead of the system trust store.",
				},
			},
			"client_cert": {
				Type: ansible.Path,
				Description: []string{
					"PEM client certificate for mutual TLS to the Admin API.",
					"May also contain the private key, in which case I(client_key) is not needed.",
				},
			},
			"client_key": {
				Type:        ansible.Path,
				Description: []string{"PEM private key of I(client_cert)."},
			},
			"validate_certs": {
				Type:        ansible.Bool,
				Default:     true,
				Description: []string{"Verify the Admin API's TLS certificate. Set to C(false) only for throwaway test setups."},
			},
			"tls_server_name": {
				Type:        ansible.Str,
				Description: []string{"Server name (SNI) expected in the Admin API's certificate, when it differs from the host of I(admin_url)."},
			},
			"workspace": {
				Type: ansible.Str,
				Description: []string{
					"Kong Enterprise workspace the entities live in. Every request goes to C(<admin_url>/<workspace>/...), " +
						"the read of the node's version too (C(GET /<workspace>/kong) instead of C(GET /)).",
					"A Kong workspace name: ASCII letters, digits, C(.), C(-), C(_), C(~) and non-ASCII characters only (Kong's utf8_name rule). " +
						"Any other value (a C(/), C(?), C(#), a space, C(..)) would send the requests to another path, and is refused before any request.",
					"Leave unset (or empty) for Kong OSS and the default workspace.",
					"With I(konnect_control_plane): a workspace of that Konnect control plane, C(<konnect_addr>/v2/control-planes/<id>/core-entities/<workspace>/...), as decK sends it; C(default) is the control plane itself.",
				},
			},
			"timeout": {
				Type:        ansible.Int,
				Default:     30,
				Description: []string{"Timeout in seconds of each Admin API request (connect, TLS handshake, response). Must be positive."},
			},
			// Not "retries": a Kong Service has a field of that name.
			"admin_retries": {
				Type:    ansible.Int,
				Default: 3,
				Description: []string{
					"How many times an idempotent request (GET, PUT, DELETE) is retried after a connection error, an HTTP 5xx or an HTTP 429. Must be C(0) or more.",
					"Retries back off exponentially and honour the C(Retry-After) header of a 429; no wait is longer than 10 seconds, a longer C(Retry-After) included. " +
						"POST and PATCH are never retried, nor is a failure to verify the Admin API's TLS certificate.",
				},
			},
		},
		// url_password alone would be ignored: basic auth is sent only
		// with a user name.
		RequiredBy: map[string][]string{"url_password": {"url_username"}},
	},
}

// userinfoPassword finds the password of credentials in a URL as written.
var userinfoPassword = regexp.MustCompile(`^[^/]*//[^/@:]*:([^/]*)@`)

// urlPassword is admin_url's Option.Secrets: the password of credentials
// embedded in the URL (http://user:password@host), masked from validation
// on, like url_password.
func urlPassword(v any) []string {
	s, ok := v.(string)
	if !ok {
		return nil
	}
	var out []string
	// As written (percent-encoded, or in a URL url.Parse refuses) and
	// decoded (as an error message may show it).
	if m := userinfoPassword.FindStringSubmatch(s); m != nil {
		out = append(out, m[1])
	}
	if u, err := url.Parse(s); err == nil && u.User != nil {
		if pw, set := u.User.Password(); set {
			out = append(out, pw)
		}
	}
	return out
}

// secretHeaderValues is admin_headers' Option.Secrets: the values of the
// headers whose name looks secret (HeaderLooksSecret), masked from
// validation on, so a task failing before it connects does not echo them.
// A value validation could not turn into a dict is masked whole.
func secretHeaderValues(v any) []string {
	h, ok := v.(map[string]any)
	if !ok {
		return ansible.AllLeaves(v)
	}
	var out []string
	for k, val := range h {
		if val != nil && HeaderLooksSecret(k) {
			if s, ok := val.(string); ok {
				out = append(out, s)
			} else {
				out = append(out, fmt.Sprint(val))
			}
		}
	}
	return out
}
