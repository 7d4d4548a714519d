package kongvault

import (
	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong"
)

// Definition is platform.ops.kong_vault: its interface, its docs and its
// behaviour (Run, in vault.go).
var Definition = &ansible.Definition{
	Name:             "kong_vault",
	ShortDescription: "Manage Kong Gateway vaults",
	Description: []string{
		"Create, update or delete a Kong Gateway Vault through the Kong Admin API (Kong 3.0 and newer): a secret store, " +
			"configured once, that fields of other entities name with a reference such as C({vault://my-env/db-password}).",
		"A vault is found by I(id), else by I(prefix). Only the options you set are compared with what Kong holds, I(config) key by key " +
			"(by the vault's own schema, C(GET /schemas/vaults/{name})); updates send only what differs (C(PATCH)). " +
			"Set C(strict=true) to also reset what you left out to Kong's defaults.",
		"Creates are race-safe (C(PUT /vaults/{prefix})).",
		"In check mode nothing is written, and the would-be vault is validated by Kong (C(POST /schemas/vaults/validate)); " +
			"when the task gives the vault a prefix it does not hold yet (a create, or a change by I(id)), check mode also reads C(GET /vaults/{prefix}) " +
			"and fails, as the real run would with HTTP 409, when another vault holds it.",
	},
	Notes: []string{
		"Kong 2.8 has only a beta of vaults (C(/vaults-beta), off unless kong.conf sets C(vaults)): against it the task fails before anything is sent, naming the version the node runs.",
		"Kong OSS bundles the C(env) vault (secrets from environment variables); Kong Enterprise adds C(aws), C(gcp), C(hcv), C(azure), C(conjur) and more. " +
			"Kong refuses a I(name) that is not installed on the node.",
		"Secret-looking keys of I(config) (a token, a password, a secret id) and fields the vault's schema marks as referenceable or encrypted are masked in the result and the diff.",
	},
	Fragments: []*ansible.Fragment{kong.Fragment},
	CheckMode: ansible.Full,
	DiffMode:  ansible.Full,
	Spec: ansible.Spec{
		Options: map[string]*ansible.Option{
			"prefix": {Type: ansible.Str, Description: []string{
				"The vault's prefix, unique in Kong: the host part of C({vault://<prefix>/...}) references. " +
					"Lower-case letters, digits and dashes, starting with a letter; not the name of an installed vault (C(env)). Used to find the vault (after I(id))."}},
			"id": {Type: ansible.Str, Description: []string{
				"UUID of the vault. Used to find it instead of I(prefix); when both are given the id wins and a different I(prefix) changes the vault's prefix.",
				"When the vault does not exist, it is created with this id."}},
			"name": {Type: ansible.Str, Description: []string{
				"The vault implementation, for example C(env). Needed to create the vault; its schema types and checks I(config)."}},
			"description": {Type: ansible.Str, Description: []string{"Free text describing the vault."}},
			"config": {Type: ansible.Dict, Description: []string{
				"The vault's settings, as its documentation lists them (for C(env): C(prefix), the prefix of the environment variables). " +
					"Compared key by key: keys you leave out keep their value."}},
			"tags": {
				Type: ansible.List, Elements: ansible.Str,
				Description: []string{"Tags of the vault. Compared as a set: order and duplicates do not matter."},
			},
			"state": {
				Type: ansible.Str, Default: "present", Choices: []any{"present", "absent"},
				Description: []string{"C(present) creates or updates the vault; C(absent) deletes it (deleting a missing vault is not an error)."},
			},
			"strict": {
				Type: ansible.Bool, Default: false,
				Description: []string{
					"C(false): compare and change only the options given in the task.",
					"C(true): the task describes the whole vault: I(description), I(tags) and the I(config) keys left out are reset to Kong's defaults. Needs I(name).",
				},
			},
		},
		RequiredOneOf: [][]string{{"prefix", "id"}},
		RequiredIf:    []ansible.RequiredIf{{Key: "strict", Value: true, Requires: []string{"name"}}},
	},
	Examples: examples,
	Returns:  returns + kong.FailureReturns(`{prefix: 'must not be one of: env'}`),
	Run:      run,
}
