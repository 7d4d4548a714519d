package kongkeyset

import (
	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong"
)

// Definition is platform.ops.kong_key_set: its interface, its docs and its
// behaviour (Run, in keyset.go).
var Definition = &ansible.Definition{
	Name:             "kong_key_set",
	ShortDescription: "Manage Kong Gateway key sets",
	Description: []string{
		"Create, update or delete a Kong Gateway Key Set through the Kong Admin API (Kong 3.1 and newer): a named group of keys, " +
			"such as the JSON Web Key Set a plugin reads. The keys themselves are managed with M(platform.ops.kong_key).",
		"A key set is found by I(id), else by I(name). Only the options you set are compared with what Kong holds; updates send only what differs (C(PATCH)).",
		"Creates are race-safe (C(PUT /key-sets/{name})).",
		"In check mode nothing is written, and the would-be key set is validated by Kong (C(POST /schemas/key_sets/validate)); " +
			"when the task gives the key set a name it does not hold yet (a create, or a rename by I(id)), check mode also reads C(GET /key-sets/{name}) " +
			"and fails, as the real run would with HTTP 409, when another key set holds it.",
	},
	Notes: []string{
		"Kong 2.8 and 3.0 have no key sets: against them the task fails before anything is sent, naming the version the node runs.",
		"Deleting a key set also deletes its keys (Kong cascades).",
	},
	Fragments: []*ansible.Fragment{kong.Fragment},
	CheckMode: ansible.Full,
	DiffMode:  ansible.Full,
	Spec: ansible.Spec{
		Options: map[string]*ansible.Option{
			"name": {Type: ansible.Str, Description: []string{"Name of the key set, unique in Kong. Used to find the key set (after I(id))."}},
			"id": {Type: ansible.Str, Description: []string{
				"UUID of the key set. Used to find it instead of I(name); when both are given the id wins and a different I(name) renames the key set.",
				"When the key set does not exist, it is created with this id."}},
			"tags": {
				Type: ansible.List, Elements: ansible.Str,
				Description: []string{"Tags of the key set. Compared as a set: order and duplicates do not matter."},
			},
			"state": {
				Type: ansible.Str, Default: "present", Choices: []any{"present", "absent"},
				Description: []string{"C(present) creates or updates the key set; C(absent) deletes it with its keys (deleting a missing key set is not an error)."},
			},
		},
		RequiredOneOf: [][]string{{"name", "id"}},
	},
	Examples: examples,
	Returns:  returns + kong.FailureReturns(`{name: example-jwks}`),
	Run:      run,
}
