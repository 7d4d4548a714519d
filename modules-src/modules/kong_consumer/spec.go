package kongconsumer

import (
	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong"
)

// Definition is platform.ops.kong_consumer: its interface, its docs and its
// behaviour (Run, in consumer.go).
var Definition = &ansible.Definition{
	Name:             "kong_consumer",
	ShortDescription: "Manage Kong Gateway consumers",
	Description: []string{
		"Create, update or delete a Kong Gateway Consumer through the Kong Admin API (Kong 3.x and 2.8).",
		"A consumer is found by I(id), else by I(username), else by I(custom_id). Only the options you set are compared with what Kong holds; " +
			"set C(strict=true) to also clear what you left out (tags, custom_id).",
		"Creates are race-safe: C(PUT /consumers/{username}) when a username is given; otherwise C(POST), where a concurrent create of the same custom_id " +
			"makes Kong answer 409 and the module reads the consumer again and compares.",
		"In check mode nothing is written, and the would-be consumer is validated by Kong (C(POST /schemas/consumers/validate)). " +
			"That endpoint does not check that I(username) and I(custom_id) are unique: when the task gives the consumer a value it does not hold yet, " +
			"check mode also asks who holds it (C(GET /consumers/{username}), C(GET /consumers?custom_id=...)) and fails, as the real run would with HTTP 409, when another consumer does.",
		"Credentials (key-auth keys, basic-auth passwords, ...) are managed with M(platform.ops.kong_consumer_credential).",
	},
	Notes: []string{
		"A consumer found by I(custom_id) while I(username) names no consumer is renamed to I(username); one found by I(id) is renamed to I(username) or given the new I(custom_id).",
		"Deleting a consumer also deletes its credentials and the plugins scoped to it (Kong cascades).",
	},
	Fragments: []*ansible.Fragment{kong.Fragment},
	CheckMode: ansible.Full,
	DiffMode:  ansible.Full,
	Spec: ansible.Spec{
		Options: map[string]*ansible.Option{
			"username": {Type: ansible.Str, Description: []string{"Unique user name of the consumer. Used to find the consumer (after I(id))."}},
			"custom_id": {Type: ansible.Str, Description: []string{
				"Unique id of the consumer in another system (a customer number, an LDAP uid...). Used to find the consumer when no I(id) is given and I(username) names none."}},
			"id": {Type: ansible.Str, Description: []string{"UUID of the consumer. Used to find it first; when the consumer does not exist it is created with this id."}},
			"tags": {
				Type: ansible.List, Elements: ansible.Str,
				Description: []string{"Tags of the consumer. Compared as a set: order and duplicates do not matter."},
			},
			"state": {
				Type: ansible.Str, Default: "present", Choices: []any{"present", "absent"},
				Description: []string{"C(present) creates or updates the consumer; C(absent) deletes it with its credentials and plugins (deleting a missing consumer is not an error)."},
			},
			"strict": {
				Type: ansible.Bool, Default: false,
				Description: []string{
					"C(false): compare and change only the options given in the task.",
					"C(true): the task describes the whole consumer: I(tags) and I(custom_id), when left out, are cleared. " +
						"I(username) is never cleared: a consumer found by I(custom_id) or I(id) keeps the username it has.",
				},
			},
		},
		RequiredOneOf: [][]string{{"username", "custom_id", "id"}},
	},
	Examples: examples,
	Returns:  returns + kong.FailureReturns(`{custom_id: crm-000042}`),
	Run:      run,
}
