package kongtarget

import (
	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong"
)

// Definition is platform.ops.kong_target: its interface, its docs and its
// behaviour (Run, in target.go).
var Definition = &ansible.Definition{
	Name:             "kong_target",
	ShortDescription: "Manage the targets of Kong Gateway upstreams",
	Description: []string{
		"Create, update or delete one target of a Kong Gateway Upstream through the Kong Admin API (Kong 3.x and 2.8): " +
			"an address (host name or IP, and port) that the upstream balances traffic over, with a weight.",
		"A target is found within its upstream by I(target), written as Kong stores it: C(host:port), the port 8000 when none is given (as Kong does), " +
			"an IPv4 address without leading zeros, an IPv6 address in full, in brackets. C(api.internal) and C(api.internal:8000) are the same target. Or by I(id).",
		"Only the options you set are compared with what Kong holds. A target is created with C(POST /upstreams/{upstream}/targets) and updated with a C(PATCH) of what differs; " +
			"Kong 2.8 and 3.x agree on both (the deprecated 2.8 way of updating a target by POSTing it again, which Kong 3.x refuses with HTTP 409, is not used). " +
			"On Kong Konnect, which has no C(PATCH) for targets, the update is a C(PUT) of the whole target, as decK does.",
		"To manage all targets of an upstream at once, give M(platform.ops.kong_upstream) its I(targets) list.",
		"In check mode nothing is written, and the would-be target is validated by Kong (C(POST /schemas/targets/validate)). " +
			"When the task gives a target found by I(id) another address, check mode also lists the upstream's targets and fails, as the real run would with HTTP 409, when another target has it.",
	},
	Notes: []string{
		"Kong's load balancer resolves a host name target through DNS and balances over the addresses it gets (an SRV record also gives ports and weights), " +
			"so its logs and health checks show IP addresses, not the name; see playbooks/kong_upstream_targets.yml.",
		"A weight of C(0) keeps the target but sends it no traffic.",
		"In check mode, a target whose upstream an earlier task of the play would create reports a change with a warning instead of failing.",
		"Deleting an upstream also deletes its targets (Kong cascades).",
	},
	Fragments: []*ansible.Fragment{kong.Fragment},
	CheckMode: ansible.Full,
	DiffMode:  ansible.Full,
	Spec: ansible.Spec{
		Options: map[string]*ansible.Option{
			"upstream": {Type: ansible.Str, Required: true, Description: []string{"Name or UUID of the upstream the target belongs to."}},
			"target": {Type: ansible.Str, Description: []string{
				"Address of the target: C(host), C(host:port), C(ip), C(ip:port), C([ipv6]:port). The port defaults to 8000, as in Kong.",
				"Identifies the target within its upstream (unless I(id) is given: then a different address changes the target's address)."}},
			"id": {Type: ansible.Str, Description: []string{
				"UUID of the target. Used to find it instead of I(target); when the target does not exist, it is created with this id."}},
			"weight": {Type: ansible.Int, Description: []string{
				"Weight of the target in the upstream's load balancing, from 0 (no traffic) to 65535. Kong's default is C(100)."}},
			"tags": {
				Type: ansible.List, Elements: ansible.Str,
				Description: []string{"Tags of the target. Compared as a set: order and duplicates do not matter."},
			},
			"state": {
				Type: ansible.Str, Default: "present", Choices: []any{"present", "absent"},
				Description: []string{"C(present) creates or updates the target; C(absent) deletes it (deleting a missing target, or one of a missing upstream, is not an error)."},
			},
		},
		RequiredOneOf: [][]string{{"target", "id"}},
	},
	Examples: examples,
	Returns:  returns + kong.FailureReturns(`{weight: value should be between 0 and 65535}`),
	Run:      run,
}
