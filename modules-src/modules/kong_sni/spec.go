package kongsni

import (
	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong"
)

// Definition is platform.ops.kong_sni: its interface, its docs and its
// behaviour (Run, in sni.go).
var Definition = &ansible.Definition{
	Name:             "kong_sni",
	ShortDescription: "Manage Kong Gateway SNIs",
	Description: []string{
		"Create, update or delete a Kong Gateway SNI through the Kong Admin API (Kong 3.x and 2.8): a server name, attached to a certificate, " +
			"for which Kong serves that certificate in TLS handshakes.",
		"An SNI is found by I(id), else by I(name). Only the options you set are compared with what Kong holds; updates send only what differs (C(PATCH)), " +
			"so naming another I(certificate) moves the SNI to it.",
		"M(platform.ops.kong_certificate) can manage a certificate's SNIs with the certificate (its I(snis) option, kept exactly); this module manages one SNI on its own, " +
			"for example to add a name to a certificate that another team owns.",
		"Creates are race-safe (C(PUT /snis/{name})).",
		"In check mode nothing is written, and the would-be SNI is validated by Kong (C(POST /schemas/snis/validate)); " +
			"when the task gives the SNI a name it does not hold yet (a create, or a rename by I(id)), check mode also reads C(GET /snis/{name}) " +
			"and fails, as the real run would with HTTP 409, when another SNI holds it.",
	},
	Notes: []string{
		"In check mode, an SNI whose I(certificate) an earlier task of the play would create reports a change with a warning instead of failing.",
		"A certificate that still has SNIs can be deleted: Kong deletes its SNIs with it.",
	},
	Fragments: []*ansible.Fragment{kong.Fragment},
	CheckMode: ansible.Full,
	DiffMode:  ansible.Full,
	Spec: ansible.Spec{
		Options: map[string]*ansible.Option{
			"name": {Type: ansible.Str, Description: []string{
				"The server name, unique in Kong: a host name, or a wildcard as the leftmost or rightmost label (C(*.example.com), C(example.*)). Used to find the SNI (after I(id))."}},
			"id": {Type: ansible.Str, Description: []string{
				"UUID of the SNI. Used to find it instead of I(name); when both are given the id wins and a different I(name) renames the SNI.",
				"When the SNI does not exist, it is created with this id."}},
			"certificate": {Type: ansible.Str, Description: []string{
				"The certificate the SNI belongs to: its UUID, or another SNI name it already serves (Kong resolves C(/certificates/{name}) by SNI). " +
					"The module resolves it to the certificate's id, which is what Kong stores and what is compared.",
				"Needed to create the SNI; leave unset to keep an existing SNI's certificate."}},
			"tags": {
				Type: ansible.List, Elements: ansible.Str,
				Description: []string{"Tags of the SNI. Compared as a set: order and duplicates do not matter."},
			},
			"state": {
				Type: ansible.Str, Default: "present", Choices: []any{"present", "absent"},
				Description: []string{"C(present) creates or updates the SNI; C(absent) deletes it (deleting a missing SNI is not an error)."},
			},
		},
		RequiredOneOf: [][]string{{"name", "id"}},
	},
	Examples: examples,
	Returns:  returns + kong.FailureReturns(`{name: api.example.com}`),
	Run:      run,
}
