package kongcertificate

import (
	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong"
)

// Definition is platform.ops.kong_certificate: its interface, its docs and
// its behaviour (Run, in certificate.go).
var Definition = &ansible.Definition{
	Name:             "kong_certificate",
	ShortDescription: "Manage Kong Gateway certificates and their SNIs",
	Description: []string{
		"Create, update or delete a Kong Gateway Certificate through the Kong Admin API (Kong 3.x and 2.8): a certificate and its private key " +
			"(and optionally an alternative pair of the other key type, RSA or ECDSA), which Kong serves for the SNIs attached to it.",
		"Kong gives certificates no name. The module finds the certificate by I(id); else by I(snis), the certificate that holds them " +
			"(renewing a certificate is then a task with the same I(snis) and the new I(cert) and I(key)); else, when the task names no SNIs, by I(cert), the certificate with the same PEM.",
		"I(snis) is kept exactly: the certificate ends up with those SNIs and no others (Kong detaches the others). Leave it out to keep the SNIs the certificate has.",
		"Certificates and keys compare by their PEM content: line endings and whitespace around the lines do not matter.",
		"The private keys are never shown: I(key) and I(key_alt) are masked in the result, the diff and error messages.",
		"In check mode nothing is written, and the would-be certificate is validated by Kong (C(POST /schemas/certificates/validate)), " +
			"which checks that the PEMs parse and that each key matches its certificate.",
	},
	Notes: []string{
		"An SNI that another certificate holds cannot be named in I(snis): the task fails before anything is written (as Kong would refuse the write with HTTP 400), in check mode too. " +
			"Detach it there first, or move it with M(platform.ops.kong_sni).",
		"Deleting a certificate also deletes its SNIs (Kong cascades); Kong refuses while a service or upstream uses it as its client certificate.",
		"I(cert) and I(key) are needed to create a certificate; a task that finds an existing one may change only some fields (say, I(tags)).",
	},
	Fragments: []*ansible.Fragment{kong.Fragment},
	CheckMode: ansible.Full,
	DiffMode:  ansible.Full,
	Spec: ansible.Spec{
		Options: map[string]*ansible.Option{
			"id": {Type: ansible.Str, Description: []string{
				"UUID of the certificate. Used to find it first; when the certificate does not exist, it is created with this id."}},
			"cert": {Type: ansible.Str, Description: []string{
				"PEM certificate (with its chain, leaf first), or a C({vault://...}) reference. Needed to create the certificate.",
				"Used to find the certificate when neither I(id) nor I(snis) is given."}},
			"key": {Type: ansible.Str, NoLog: true, Description: []string{
				"PEM private key of I(cert) (or a C({vault://...}) reference). Needed to create the certificate. Secret: masked in all output."}},
			"cert_alt": {Type: ansible.Str, Description: []string{
				"Alternative PEM certificate, of the other key type than I(cert) (an ECDSA one beside an RSA one, or the reverse). Needs I(key_alt)."}},
			"key_alt": {Type: ansible.Str, NoLog: true, Description: []string{
				"PEM private key of I(cert_alt). Secret: masked in all output."}},
			"snis": {
				Type: ansible.List, Elements: ansible.Str,
				Description: []string{
					"The server names the certificate serves, kept exactly: SNIs the certificate has and the list does not name are detached (and deleted). " +
						"C([]) detaches all. Compared as a set; Kong returns them sorted.",
					"Used to find the certificate when no I(id) is given: the certificate that holds them.",
				},
			},
			"tags": {
				Type: ansible.List, Elements: ansible.Str,
				Description: []string{"Tags of the certificate. Compared as a set: order and duplicates do not matter."},
			},
			"state": {
				Type: ansible.Str, Default: "present", Choices: []any{"present", "absent"},
				Description: []string{"C(present) creates or updates the certificate; C(absent) deletes it with its SNIs (deleting a missing certificate is not an error)."},
			},
		},
		RequiredOneOf:    [][]string{{"id", "snis", "cert"}},
		RequiredTogether: [][]string{{"cert_alt", "key_alt"}},
	},
	Examples: examples,
	Returns:  returns + kong.FailureReturns(`{snis: www.example.com already associated with existing certificate '2f0c4b3a-1d9e-4c8b-a7f6-5e4d3c2b1a09'}`),
	Run:      run,
}
