package kongcacertificate

import (
	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong"
)

// Definition is platform.ops.kong_ca_certificate: its interface, its docs
// and its behaviour (Run, in ca_certificate.go).
var Definition = &ansible.Definition{
	Name:             "kong_ca_certificate",
	ShortDescription: "Manage Kong Gateway CA certificates",
	Description: []string{
		"Create, update or delete a Kong Gateway CA Certificate through the Kong Admin API (Kong 3.x and 2.8): a trusted certificate authority, " +
			"used by services (C(ca_certificates), with C(tls_verify)) to verify upstream certificates and by plugins such as mtls-auth to verify clients.",
		"Kong gives CA certificates no name; it computes C(cert_digest), the SHA-256 of the certificate, and keeps it unique. " +
			"The module finds the CA certificate by I(id), else by that digest (computed from I(cert), or given as I(cert_digest)), " +
			"so the same certificate is never added twice.",
		"Only the options you set are compared with what Kong holds; updates send only what differs (C(PATCH)). I(cert) compares by its PEM content.",
		"In check mode nothing is written, and the would-be CA certificate is validated by Kong (C(POST /schemas/ca_certificates/validate)), " +
			"which checks that it parses, is a CA and has not expired. When the task gives a CA certificate found by I(id) another I(cert), " +
			"check mode also lists the CA certificates and fails, as the real run would with HTTP 409, when another one holds that certificate.",
	},
	Notes: []string{
		"Kong refuses a certificate without the CA basic constraint, an expired one, and a PEM with more than one certificate.",
		"Kong 3.x refuses to delete a CA certificate that a service or plugin still refers to.",
	},
	Fragments: []*ansible.Fragment{kong.Fragment},
	CheckMode: ansible.Full,
	DiffMode:  ansible.Full,
	Spec: ansible.Spec{
		Options: map[string]*ansible.Option{
			"id": {Type: ansible.Str, Description: []string{
				"UUID of the CA certificate. Used to find it first; when it does not exist, it is created with this id. " +
					"With I(cert), a CA certificate found by I(id) gets that certificate."}},
			"cert": {Type: ansible.Str, Description: []string{
				"The PEM certificate of the CA (one certificate). Needed to create it; its digest finds it when no I(id) is given."}},
			"cert_digest": {Type: ansible.Str, Description: []string{
				"SHA-256 of the certificate (of its DER form, in lower-case hex), as Kong computes it. " +
					"Finds the CA certificate without its PEM, for example to delete it; with I(cert) it must be that certificate's digest."}},
			"tags": {
				Type: ansible.List, Elements: ansible.Str,
				Description: []string{"Tags of the CA certificate. Compared as a set: order and duplicates do not matter."},
			},
			"state": {
				Type: ansible.Str, Default: "present", Choices: []any{"present", "absent"},
				Description: []string{"C(present) creates or updates the CA certificate; C(absent) deletes it (deleting a missing one is not an error)."},
			},
		},
		RequiredOneOf: [][]string{{"id", "cert", "cert_digest"}},
	},
	Examples: examples,
	Returns:  returns + kong.FailureReturns(`{cert_digest: 0b1c...}`),
	Run:      run,
}
