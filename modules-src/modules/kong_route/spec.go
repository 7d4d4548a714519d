package kongroute

import (
	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong"
)

func intOpt(desc ...string) *ansible.Option {
	return &ansible.Option{Type: ansible.Int, Description: desc}
}
func strOpt(desc ...string) *ansible.Option {
	return &ansible.Option{Type: ansible.Str, Description: desc}
}
func boolOpt(desc ...string) *ansible.Option {
	return &ansible.Option{Type: ansible.Bool, Description: desc}
}
func listOpt(desc ...string) *ansible.Option {
	return &ansible.Option{Type: ansible.List, Elements: ansible.Str, Description: desc}
}

// endpointSpec is one element of sources / destinations.
var endpointSpec = &ansible.Spec{
	Options: map[string]*ansible.Option{
		"ip":   strOpt("IP address or CIDR range, e.g. C(10.0.0.0/8)."),
		"port": intOpt("Port (0 to 65535)."),
	},
	RequiredOneOf: [][]string{{"ip", "port"}},
}

// Definition is platform.ops.kong_route: its interface, its docs and its
// behaviour (Run, in route.go).
var Definition = &ansible.Definition{
	Name:             "kong_route",
	ShortDescription: "Manage Kong Gateway routes",
	Description: []string{
		"Create, update or delete a Kong Gateway Route through the Kong Admin API (Kong 3.x and 2.8).",
		"Only the options you set are compared with what Kong holds, so Kong's defaults and fields managed by other tools never cause a change. " +
			"Set C(strict=true) to also reset every field you left out to Kong's default.",
		"Lists that Kong treats as sets (I(protocols), I(methods), I(hosts), I(paths), I(snis), I(sources), I(destinations), I(tags) and the values of each header) compare without regard to order or duplicates.",
		"Creates are race-safe (C(PUT /routes/{name})); updates send only the fields that differ (C(PATCH)).",
		"In check mode nothing is written, and the would-be route is validated by Kong (C(POST /schemas/routes/validate)), so C(--check) catches what Kong would reject. " +
			"That endpoint does not check that the name is unique: when the task gives a route a name it does not hold yet (a create or a rename by I(id)), " +
			"check mode also reads C(GET /routes/{name}) and fails, as the real run would with HTTP 409, when another route holds it.",
	},
	Notes: []string{
		"Regex paths. Kong 3.x reads a path as a regular expression only when it starts with C(~) (C(~/users/\\d+$)); anything else is a plain prefix. " +
			"Kong 2.8 has no C(~): it reads a path as a regex as soon as it contains a character other than letters, digits and C(. - _ ~ / %). " +
			"Write paths the 3.x way: against Kong 2.8 this module removes the leading C(~) and warns when the path then means something else there (a path without regex characters becomes a plain prefix). " +
			"It also warns about a plain path that one of the two versions would read as a regex and the other would not.",
		"I(expression) and I(priority) exist only with Kong's expressions router (C(router_flavor=expressions), Kong 3.x). The module reads the flavor from C(GET /) and refuses them elsewhere with a clear message.",
		"The Kong version is read once per task from C(GET /), and only when the task sets a regex path (or one with characters Kong 2.8 reads as a regex), I(expression) or I(priority).",
		"In check mode, a route whose service an earlier task of the play would create (so it does not exist yet) reports a change with a warning instead of failing.",
		"Deleting a route also deletes the plugins scoped to it (Kong cascades).",
	},
	Fragments: []*ansible.Fragment{kong.Fragment},
	CheckMode: ansible.Full,
	DiffMode:  ansible.Full,
	Spec: ansible.Spec{
		Options: map[string]*ansible.Option{
			"name": strOpt("Name of the route, unique in Kong. Used to find the route.",
				"ASCII letters, digits, C(.), C(-), C(_), C(~) and non-ASCII characters only (Kong's utf8_name rule)."),
			"id": strOpt("UUID of the route. Used to find it instead of I(name); when both are given the id wins and a different I(name) renames the route.",
				"When the route does not exist, it is created with this id."),
			"state": {
				Type: ansible.Str, Default: "present", Choices: []any{"present", "absent"},
				Description: []string{"C(present) creates or updates the route; C(absent) deletes it (deleting a missing route is not an error)."},
			},
			"service": strOpt("Name or UUID of the service the route sends traffic to. The module resolves a name to the service's id, which is what Kong stores and what is compared.",
				"Naming another service moves the route there. Leave unset to keep the route's current service (or to create a route without one).",
				"An empty value fails before any request instead of counting as unset."),
			"protocols": listOpt("Protocols the route accepts: C(http), C(https), C(grpc), C(grpcs), C(tcp), C(tls), C(tls_passthrough), C(udp) (Kong's rules on combining them apply). Kong's default is C([http, https]).",
				"Compared as a set."),
			"methods": listOpt("HTTP methods that match the route, in upper case (C(GET), C(POST), ...). Compared as a set."),
			"hosts":   listOpt("Host names that match the route; a C(*) wildcard is allowed as the leftmost or rightmost label. Compared as a set."),
			"paths": listOpt("Paths that match the route. A plain path is a prefix (C(/api)); a path starting with C(~) is a regular expression (C(~/users/\\d+$)).",
				"Write regex paths the Kong 3.x way; against Kong 2.8 the C(~) is removed (see the notes). Compared as a set."),
			"headers": {
				Type: ansible.Dict,
				Description: []string{"Request headers that match the route: header name to a value or a list of values (any of them matches).",
					"C(Host) is not allowed here; use I(hosts). Compared as a whole, with the values of each header as a set."},
			},
			"snis": listOpt("Server names (TLS SNI) that match the route; needs a protocol with TLS (C(https), C(grpcs), C(tls), C(tls_passthrough)). Compared as a set."),
			"sources": {
				Type: ansible.List, Elements: ansible.Dict, Suboptions: endpointSpec,
				Description: []string{"Client IP/port pairs that match the route (stream protocols C(tcp), C(tls), C(udp) only). Compared as a set."},
			},
			"destinations": {
				Type: ansible.List, Elements: ansible.Dict, Suboptions: endpointSpec,
				Description: []string{"Destination IP/port pairs that match the route (stream protocols C(tcp), C(tls), C(udp) only). Compared as a set."},
			},
			"strip_path":    boolOpt("Strip the matched path prefix from the upstream request. Kong's default is C(true) (C(false) for gRPC routes, which may not set it)."),
			"preserve_host": boolOpt("Send the client's C(Host) header upstream instead of the service's host. Kong's default is C(false)."),
			"path_handling": {
				Type: ansible.Str, Choices: []any{"v0", "v1"},
				Description: []string{"How the service path and the request path are joined. Kong's default is C(v0); C(v1) is deprecated in Kong 3.x and has no effect with its newer routers."},
			},
			"regex_priority": intOpt("Priority of the route's regex paths among all regex paths (higher wins). Kong's default is C(0)."),
			"https_redirect_status_code": {
				Type: ansible.Int, Choices: []any{426, 301, 302, 307, 308},
				Description: []string{"Status code Kong answers with when a request arrives over HTTP and the route accepts only HTTPS. Kong's default is C(426)."},
			},
			"request_buffering":  boolOpt("Buffer the request body before sending it upstream. Kong's default is C(true)."),
			"response_buffering": boolOpt("Buffer the upstream response before sending it to the client. Kong's default is C(true)."),
			"tags":               listOpt("Tags of the route. Compared as a set: order and duplicates do not matter."),
			"expression": strOpt("Matching expression of Kong's expressions router, e.g. C(http.path ^= \"/api\" && http.method == \"GET\").",
				"Only with C(router_flavor=expressions) (Kong 3.x); cannot be combined with I(methods), I(hosts), I(paths), I(headers), I(snis), I(sources) or I(destinations)."),
			"priority": intOpt("Priority of the route for Kong's expressions router (higher is evaluated first). Only with C(router_flavor=expressions)."),
			"strict": {
				Type: ansible.Bool, Default: false,
				Description: []string{
					"C(false): compare and change only the options given in the task.",
					"C(true): the task describes the whole route. Every field left out is reset to Kong's default (from C(GET /schemas/routes)), e.g. removed tags or hosts are cleared.",
					"With C(strict=true) a task without I(service) detaches the route from its service (Kong's default is no service).",
				},
			},
		},
		RequiredOneOf: [][]string{{"name", "id"}},
	},
	Examples: examples,
	Returns:  returns + kong.FailureReturns(`{name: example-route}`),
	Run:      run,
}
