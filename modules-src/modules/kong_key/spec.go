package kongkey

import (
	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong"
)

// Definition is platform.ops.kong_key: its interface, its docs and its
// behaviour (Run, in key.go).
var Definition = &ansible.Definition{
	Name:             "kong_key",
	ShortDescription: "Manage Kong Gateway keys (JWK or PEM)",
	Description: []string{
		"Create, update or delete a Kong Gateway Key through the Kong Admin API (Kong 3.1 and newer): a JSON Web Key (I(jwk)) or a PEM key pair (I(pem)), " +
			"optionally in a key set (M(platform.ops.kong_key_set)), for plugins that sign or verify tokens.",
		"A key is found by I(id), else by I(name). Only the options you set are compared with what Kong holds; updates send only what differs (C(PATCH)). " +
			"I(jwk) compares as JSON (the order of its members does not matter); PEM keys compare by their content (line endings and surrounding whitespace do not matter).",
		"Private parts are never shown: I(jwk) (which holds the private key of a key pair) and I(pem.private_key) are masked in the result, the diff and error messages.",
		"Creates are race-safe (C(PUT /keys/{name})).",
		"In check mode nothing is written, and the would-be key is validated by Kong (C(POST /schemas/keys/validate)). " +
			"When the task gives the key a name it does not hold yet, check mode also reads C(GET /keys/{name}) and fails, as the real run would with HTTP 409, when another key holds it; " +
			"when it creates the key or changes its I(kid) or I(set), check mode lists the keys of that set (or those in no set) and fails likewise when another has the same I(kid) there.",
	},
	Notes: []string{
		"Kong 2.8 and 3.0 have no keys: against them the task fails before anything is sent, naming the version the node runs.",
		"Kong keeps I(kid) unique within a key set (and among the keys in no set).",
		"In check mode, a key whose I(set) an earlier task of the play would create reports a change with a warning instead of failing.",
	},
	Fragments: []*ansible.Fragment{kong.Fragment},
	CheckMode: ansible.Full,
	DiffMode:  ansible.Full,
	Spec: ansible.Spec{
		Options: map[string]*ansible.Option{
			"name": {Type: ansible.Str, Description: []string{"Name of the key, unique in Kong. Used to find the key (after I(id))."}},
			"id": {Type: ansible.Str, Description: []string{
				"UUID of the key. Used to find it instead of I(name); when both are given the id wins and a different I(name) renames the key.",
				"When the key does not exist, it is created with this id."}},
			"kid": {Type: ansible.Str, Description: []string{
				"Key id, unique within the key's set. Needed to create the key; with I(jwk) it defaults to the jwk's C(kid), which Kong requires to be the same."}},
			"set": {Type: ansible.Str, Description: []string{
				"Name or UUID of the key set the key belongs to. The module resolves a name to the set's id, which is what Kong stores and compares.",
				"Naming another set moves the key there. Leave unset to keep the key where it is (or to create it in no set)."}},
			"jwk": {
				Type: ansible.Raw, Secrets: kong.JWKSecrets,
				Description: []string{
					"The key as a JSON Web Key: a dict, or a JSON string (or a C({vault://...}) reference). A dict is sent as JSON with its members sorted.",
					"Its C(kid) must equal I(kid). Mutually exclusive with I(pem).",
					"Secret: the jwk is masked in the result and the diff, and its private members (C(d), C(p), C(q), C(dp), C(dq), C(qi), C(oth), C(k)) everywhere in the output, " +
						"a JSON string whole; its public members, C(kid) among them, stay readable (where no_log would mask every value of the dict).",
				},
			},
			"pem": {
				Type:        ansible.Dict,
				Description: []string{"The key as PEM: a private key, a public key, or both. Mutually exclusive with I(jwk)."},
				Suboptions: &ansible.Spec{
					Options: map[string]*ansible.Option{
						"private_key": {Type: ansible.Str, NoLog: true, Description: []string{"PEM private key (or a C({vault://...}) reference). Secret: masked in all output."}},
						"public_key":  {Type: ansible.Str, Description: []string{"PEM public key."}},
					},
					RequiredOneOf: [][]string{{"private_key", "public_key"}},
				},
			},
			"tags": {
				Type: ansible.List, Elements: ansible.Str,
				Description: []string{"Tags of the key. Compared as a set: order and duplicates do not matter."},
			},
			"state": {
				Type: ansible.Str, Default: "present", Choices: []any{"present", "absent"},
				Description: []string{"C(present) creates or updates the key; C(absent) deletes it (deleting a missing key is not an error)."},
			},
		},
		RequiredOneOf:     [][]string{{"name", "id"}},
		MutuallyExclusive: [][]string{{"jwk", "pem"}},
	},
	Examples: examples,
	Returns:  returns + kong.FailureReturns(`{name: example-signing-key}`),
	Run:      run,
}
