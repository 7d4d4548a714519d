package kongupstream

import (
	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong"
)

func opt(t ansible.Type, desc ...string) *ansible.Option {
	return &ansible.Option{Type: t, Description: desc}
}

func statuses(desc string) *ansible.Option {
	return &ansible.Option{Type: ansible.List, Elements: ansible.Int,
		Description: []string{desc + " Each from 100 to 999; compared as a set (the order does not matter)."}}
}

func dict(desc string, options map[string]*ansible.Option) *ansible.Option {
	return &ansible.Option{Type: ansible.Dict, Description: []string{desc}, Suboptions: &ansible.Spec{Options: options}}
}

var checkType = &ansible.Option{
	Type: ansible.Str, Choices: []any{"tcp", "http", "https", "grpc", "grpcs"},
	Description: []string{"Protocol of the checks. Kong's default is C(http)."},
}

var counter = func(what string) *ansible.Option {
	return opt(ansible.Int, what+" (0 to 255; 0 disables it). Kong's default is C(0).")
}

// healthchecksSpec is Kong's healthchecks record (kong/db/schema/entities/
// upstreams.lua, 2.8.5 and 3.9.3; active.headers is 3.x only).
var healthchecksSpec = map[string]*ansible.Option{
	"active": dict("Active checks: Kong probes each target on its own.", map[string]*ansible.Option{
		"type":                     checkType,
		"timeout":                  opt(ansible.Float, "Seconds to wait for a probe's answer (fractions allowed). Kong's default is C(1)."),
		"concurrency":              opt(ansible.Int, "Number of targets probed at once. Kong's default is C(10)."),
		"http_path":                opt(ansible.Str, "Path of the HTTP probe. Kong's default is C(/)."),
		"https_sni":                opt(ansible.Str, "SNI of the HTTPS probe (by default the target's host name)."),
		"https_verify_certificate": opt(ansible.Bool, "Verify the target's certificate in HTTPS probes. Kong's default is C(true)."),
		"headers": opt(ansible.Dict, "Headers sent with each probe: header name to a value or a list of values (Kong 3.x only).",
			"Compared as a whole."),
		"healthy": dict("When a target counts as healthy again.", map[string]*ansible.Option{
			"interval":      opt(ansible.Float, "Seconds between probes of a healthy target (0 disables them). Kong's default is C(0)."),
			"http_statuses": statuses("HTTP statuses that count as a success. Kong's default is C([200, 302])."),
			"successes":     counter("Successful probes after which the target is healthy"),
		}),
		"unhealthy": dict("When a target counts as unhealthy.", map[string]*ansible.Option{
			"interval":      opt(ansible.Float, "Seconds between probes of an unhealthy target (0 disables them). Kong's default is C(0)."),
			"http_statuses": statuses("HTTP statuses that count as a failure. Kong's default is C([429, 404, 500, 501, 502, 503, 504, 505])."),
			"tcp_failures":  counter("TCP failures after which the target is unhealthy"),
			"timeouts":      counter("Probe timeouts after which the target is unhealthy"),
			"http_failures": counter("HTTP failures (statuses above) after which the target is unhealthy"),
		}),
	}),
	"passive": dict("Passive checks (circuit breaker): Kong watches the proxied traffic.", map[string]*ansible.Option{
		"type": checkType,
		"healthy": dict("When a target counts as healthy again.", map[string]*ansible.Option{
			"http_statuses": statuses("HTTP statuses that count as a success. Kong's default is every 2xx and 3xx status."),
			"successes":     counter("Successes after which the target is healthy"),
		}),
		"unhealthy": dict("When a target counts as unhealthy.", map[string]*ansible.Option{
			"http_statuses": statuses("HTTP statuses that count as a failure. Kong's default is C([429, 500, 503])."),
			"tcp_failures":  counter("TCP failures after which the target is unhealthy"),
			"timeouts":      counter("Timeouts after which the target is unhealthy"),
			"http_failures": counter("HTTP failures (statuses above) after which the target is unhealthy"),
		}),
	}),
	"threshold": opt(ansible.Float, "Percentage (0 to 100) of healthy weight under which the whole upstream counts as unhealthy. Kong's default is C(0)."),
}

var hashChoices = []any{"none", "consumer", "ip", "header", "cookie", "path", "query_arg", "uri_capture"}

// Definition is platform.ops.kong_upstream: its interface, its docs and its
// behaviour (Run, in upstream.go).
var Definition = &ansible.Definition{
	Name:             "kong_upstream",
	ShortDescription: "Manage Kong Gateway upstreams, their health checks and their targets",
	Description: []string{
		"Create, update or delete a Kong Gateway Upstream through the Kong Admin API (Kong 3.x and 2.8): a virtual host name, " +
			"which a service names as its host, that Kong load-balances over the upstream's targets, with active and passive health checks.",
		"Only the options you set are compared with what Kong holds, key by key inside I(healthchecks): Kong fills a deep tree of defaults there, " +
			"and a task that sets one value compares and changes that value only. Numbers compare as numbers (C(1) and C(1.0) are the same), " +
			"lists of HTTP statuses as sets. Set C(strict=true) to also reset every field you left out to Kong's default.",
		"With I(targets), the upstream's targets are managed in the same task, each like M(platform.ops.kong_target) does " +
			"(created, or updated with what differs); with C(exclusive_targets=true) the targets not listed are deleted.",
		"Creates are race-safe (C(PUT /upstreams/{name})); updates send only the fields that differ (C(PATCH)).",
		"In check mode nothing is written, and the would-be upstream is validated by Kong (C(POST /schemas/upstreams/validate)), " +
			"so C(--check) catches what Kong would reject; when the task gives the upstream a name it does not hold yet (a create, or a rename by I(id)), " +
			"check mode also reads C(GET /upstreams/{name}) and fails, as the real run would with HTTP 409, when another upstream holds it.",
	},
	Notes: []string{
		"Kong 2.8 lacks some fields: I(hash_on_query_arg), I(hash_fallback_query_arg), I(hash_on_uri_capture), I(hash_fallback_uri_capture) and " +
			"I(healthchecks.active.headers) came with Kong 3.0, I(use_srv_name) with Kong 3.1, the C(latency) algorithm with Kong 3.2. " +
			"A task that sets a field the node lacks fails before anything is written, naming the field and the version the node runs.",
		"Kong resolves host name targets through DNS and balances over the addresses they resolve to, so its logs and health checks show IP addresses; " +
			"see I(host_header), I(use_srv_name) and playbooks/kong_upstream_targets.yml.",
		"Deleting an upstream also deletes its targets (Kong cascades).",
		"In check mode, an upstream whose I(client_certificate) an earlier task of the play would create reports a change with a warning instead of failing; " +
			"the targets of an upstream the task would create are predicted as created.",
	},
	Fragments: []*ansible.Fragment{kong.Fragment},
	CheckMode: ansible.Full,
	DiffMode:  ansible.Full,
	Spec: ansible.Spec{
		Options: map[string]*ansible.Option{
			"name": opt(ansible.Str, "Name of the upstream, unique in Kong: a host name (no port, not an IP address), which services use as their host. Used to find the upstream."),
			"id": opt(ansible.Str, "UUID of the upstream. Used to find it instead of I(name); when both are given the id wins and a different I(name) renames the upstream.",
				"When the upstream does not exist, it is created with this id."),
			"state": {
				Type: ansible.Str, Default: "present", Choices: []any{"present", "absent"},
				Description: []string{"C(present) creates or updates the upstream; C(absent) deletes it with its targets (deleting a missing upstream is not an error)."},
			},
			"algorithm": {
				Type: ansible.Str, Choices: []any{"round-robin", "consistent-hashing", "least-connections", "latency"},
				Description: []string{"Load-balancing algorithm. Kong's default is C(round-robin); C(latency) needs Kong 3.2 or newer."},
			},
			"hash_on": {
				Type: ansible.Str, Choices: hashChoices,
				Description: []string{"What C(consistent-hashing) hashes on. Kong's default is C(none); C(path), C(query_arg) and C(uri_capture) need Kong 3.x."},
			},
			"hash_fallback": {
				Type: ansible.Str, Choices: hashChoices,
				Description: []string{"What to hash on when I(hash_on) gives no value. Kong's default is C(none)."},
			},
			"hash_on_header":            opt(ansible.Str, "Header to hash on, with C(hash_on=header)."),
			"hash_fallback_header":      opt(ansible.Str, "Header to hash on, with C(hash_fallback=header)."),
			"hash_on_cookie":            opt(ansible.Str, "Cookie to hash on (Kong sets it when absent), with C(hash_on=cookie) or C(hash_fallback=cookie)."),
			"hash_on_cookie_path":       opt(ansible.Str, "Path of the cookie Kong sets. Kong's default is C(/)."),
			"hash_on_query_arg":         opt(ansible.Str, "Query argument to hash on, with C(hash_on=query_arg) (Kong 3.x)."),
			"hash_fallback_query_arg":   opt(ansible.Str, "Query argument to hash on, with C(hash_fallback=query_arg) (Kong 3.x)."),
			"hash_on_uri_capture":       opt(ansible.Str, "Name of the route's regex path capture to hash on, with C(hash_on=uri_capture) (Kong 3.x)."),
			"hash_fallback_uri_capture": opt(ansible.Str, "Name of the capture to hash on, with C(hash_fallback=uri_capture) (Kong 3.x)."),
			"slots":                     opt(ansible.Int, "Number of slots of the load balancer (10 to 65536). Kong's default is C(10000)."),
			"healthchecks": {
				Type: ansible.Dict, Suboptions: &ansible.Spec{Options: healthchecksSpec},
				Description: []string{
					"Health checks of the targets. Only the keys you set are compared and changed; Kong keeps its defaults for the others.",
					"A suboption set to null counts as not set; to put a value back to Kong's default, set that default or use C(strict=true).",
				},
			},
			"host_header": opt(ansible.Str, "Host header sent to the targets, instead of the target's host (or the client's, with a route's preserve_host). "+
				"Useful when the targets are IP addresses or names the backend does not answer to."),
			"client_certificate": opt(ansible.Str, "Certificate Kong presents to the targets in TLS handshakes: its UUID, or one of its SNI names. "+
				"The module resolves it to the certificate's id, which is what Kong stores and compares.",
				"Leave unset to keep the upstream's client certificate (or to create it without one)."),
			"use_srv_name": opt(ansible.Bool, "Use the name of the SRV record a target resolved through as the Host header and SNI, instead of the target's name (Kong 3.1+). Kong's default is C(false)."),
			"tags": {
				Type: ansible.List, Elements: ansible.Str,
				Description: []string{"Tags of the upstream. Compared as a set: order and duplicates do not matter."},
			},
			"targets": {
				Type: ansible.List, Elements: ansible.Dict,
				Description: []string{
					"Targets of the upstream, managed in the same task: each is created, or updated with what differs. " +
						"Targets the upstream has and the list leaves out are kept, unless I(exclusive_targets) is set.",
					"The result then lists the upstream's targets under C(targets); the changes name C(targets) when one changed.",
				},
				Suboptions: &ansible.Spec{Options: map[string]*ansible.Option{
					"target": {Type: ansible.Str, Required: true, Description: []string{
						"Address of the target: C(host), C(host:port), C(ip), C(ip:port), C([ipv6]:port); the port defaults to 8000, as in Kong. Identifies the target."}},
					"weight": opt(ansible.Int, "Weight of the target (0 to 65535; 0 sends it no traffic). Kong's default is C(100)."),
					"tags":   {Type: ansible.List, Elements: ansible.Str, Description: []string{"Tags of the target. Compared as a set."}},
				}},
			},
			"exclusive_targets": {
				Type: ansible.Bool, Default: false,
				Description: []string{"With I(targets): delete the upstream's targets that I(targets) does not list, so the upstream has exactly those."},
			},
			"strict": {
				Type: ansible.Bool, Default: false,
				Description: []string{
					"C(false): compare and change only the options given in the task.",
					"C(true): the task describes the whole upstream. Every field left out is reset to Kong's default (from C(GET /schemas/upstreams)), " +
						"the whole I(healthchecks) tree included; I(targets) is not affected (see I(exclusive_targets)).",
				},
			},
		},
		RequiredOneOf: [][]string{{"name", "id"}},
		RequiredIf:    []ansible.RequiredIf{{Key: "exclusive_targets", Value: true, Requires: []string{"targets"}}},
	},
	Examples: examples,
	Returns:  returns + kong.FailureReturns(`{healthchecks.active.timeout: value should be between 0 and 65535}`),
	Run:      run,
}
