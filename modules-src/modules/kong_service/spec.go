package kongservice

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

// Definition is platform.ops.kong_service: its interface, its docs and its
// behaviour (Run, in service.go).
var Definition = &ansible.Definition{
	Name:             "kong_service",
	ShortDescription: "Manage Kong Gateway services",
	Description: []string{
		"Create, update or delete a Kong Gateway Service through the Kong Admin API (Kong 3.x and 2.8).",
		"Only the options you set are compared with what Kong holds, so Kong's defaults and fields managed by other tools never cause a change. " +
			"Set C(strict=true) to also reset every field you left out to Kong's default.",
		"Creates are race-safe (C(PUT /services/{name})); updates send only the fields that differ (C(PATCH)).",
		"In check mode nothing is written, and the would-be service is validated by Kong (C(POST /schemas/services/validate)), so C(--check) catches what Kong would reject. " +
			"That endpoint does not check that the name is unique: when the task gives a service a name it does not hold yet (a create or a rename by I(id)), " +
			"check mode also reads C(GET /services/{name}) and fails, as the real run would with HTTP 409, when another service holds it.",
	},
	Notes: []string{
		"Kong never returns the I(url) shorthand: it is expanded to protocol, host, port and path the way Kong expands it, and those four fields are compared. " +
			"A URL without a path sets C(path) to null.",
		"Deleting a service that still has routes fails unless C(cascade=true), which deletes the routes first (Kong deletes their plugins with them).",
		"In check mode, a task that changes a service an earlier task of the play would create (so it does not exist yet) reports a change with a warning instead of failing.",
		"Kong 2.8 accepts the TLS fields (I(tls_verify), I(tls_verify_depth), I(ca_certificates), I(client_certificate)) only with C(protocol=https); Kong 3.x also with C(tls).",
	},
	Fragments: []*ansible.Fragment{kong.Fragment},
	CheckMode: ansible.Full,
	DiffMode:  ansible.Full,
	Spec: ansible.Spec{
		Options: map[string]*ansible.Option{
			"name": strOpt("Name of the service, unique in Kong. Used to find the service.",
				"ASCII letters, digits, C(.), C(-), C(_), C(~) and non-ASCII characters only (Kong's utf8_name rule)."),
			"id": strOpt("UUID of the service. Used to find it instead of I(name); when both are given the id wins and a different I(name) renames the service.",
				"When the service does not exist, it is created with this id."),
			"state": {
				Type: ansible.Str, Default: "present", Choices: []any{"present", "absent"},
				Description: []string{"C(present) creates or updates the service; C(absent) deletes it (deleting a missing service is not an error)."},
			},
			"url": strOpt("Shorthand for I(protocol), I(host), I(port) and I(path) in one URL, e.g. C(https://api.internal:8443/v1).",
				"Mutually exclusive with those four options."),
			"protocol": {
				Type:        ansible.Str,
				Choices:     []any{"grpc", "grpcs", "http", "https", "tcp", "tls", "tls_passthrough", "udp"},
				Description: []string{"Protocol Kong uses to talk to the upstream. Kong's default is C(http)."},
			},
			"host":            strOpt("Host name or IP of the upstream (or the name of a Kong Upstream), without port. Needed to create a service unless I(url) is given."),
			"port":            intOpt("Upstream port. Kong's default is C(80)."),
			"path":            strOpt("Path prefix of upstream requests, starting with C(/). Not allowed with the tcp, tls, udp, grpc and grpcs protocols."),
			"retries":         intOpt("Number of retries when proxying fails. Kong's default is C(5)."),
			"connect_timeout": intOpt("Timeout in milliseconds to connect to the upstream. Kong's default is C(60000)."),
			"read_timeout":    intOpt("Timeout in milliseconds between two reads from the upstream. Kong's default is C(60000)."),
			"write_timeout":   intOpt("Timeout in milliseconds between two writes to the upstream. Kong's default is C(60000)."),
			"tags": {
				Type: ansible.List, Elements: ansible.Str,
				Description: []string{"Tags of the service. Compared as a set: order and duplicates do not matter.",
					"C([]) and an unset list are the same for Kong."},
			},
			"enabled":            boolOpt("Whether the service is active. A disabled service makes its routes answer 404. Kong's default is C(true)."),
			"tls_verify":         boolOpt("Verify the upstream's TLS certificate. Unset means Kong's global C(proxy_ssl_verify) applies."),
			"tls_verify_depth":   intOpt("Maximum depth of the upstream certificate chain (0 to 64). Unset means Kong's global setting."),
			"client_certificate": strOpt("UUID of a Kong Certificate presented as client certificate to the upstream (mutual TLS)."),
			"ca_certificates": {
				Type: ansible.List, Elements: ansible.Str,
				Description: []string{"UUIDs of Kong CA Certificates trusted when verifying the upstream. Compared as a set."},
			},
			"strict": {
				Type: ansible.Bool, Default: false,
				Description: []string{
					"C(false): compare and change only the options given in the task.",
					"C(true): the task describes the whole service. Every field left out is reset to Kong's default (from C(GET /schemas/services)), e.g. removed tags or a path are cleared.",
				},
			},
			"cascade": {
				Type: ansible.Bool, Default: false,
				Description: []string{"With C(state=absent), also delete the service's routes (and, through Kong, their plugins). Without it, deleting a service that has routes fails and names them."},
			},
		},
		RequiredOneOf: [][]string{{"name", "id"}},
		MutuallyExclusive: [][]string{
			{"url", "protocol"}, {"url", "host"}, {"url", "port"}, {"url", "path"},
		},
	},
	Examples: examples,
	Returns:  returns + kong.FailureReturns(`{name: example-service}`),
	Run:      run,
}
