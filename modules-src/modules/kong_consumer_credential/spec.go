package kongconsumercredential

import (
	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong"
)

func strOpt(desc ...string) *ansible.Option {
	return &ansible.Option{Type: ansible.Str, Description: desc}
}

func typeChoices() []any {
	names := kong.CredentialTypeNames()
	out := make([]any, len(names))
	for i, n := range names {
		out[i] = n
	}
	return out
}

// Definition is platform.ops.kong_consumer_credential: its interface, its
// docs and its behaviour (Run, in credential.go).
var Definition = &ansible.Definition{
	Name:             "kong_consumer_credential",
	ShortDescription: "Manage the credentials of Kong Gateway consumers (key-auth, basic-auth, jwt, hmac-auth, acl)",
	Description: []string{
		"Create, update or delete one credential of a Kong Gateway Consumer through the Kong Admin API (Kong 3.x and 2.8): " +
			"a key-auth key, a basic-auth user name and password, a jwt key and secret, an hmac-auth user name and secret, or an acl group.",
		"A credential is identified, within its consumer, by the field that names it: C(key-auth) by I(key), C(jwt) by I(key), " +
			"C(basic-auth) by I(username), C(hmac-auth) by I(username), C(acl) by I(group); or by I(id). " +
			"Kong keeps key-auth keys, jwt keys and basic-auth and hmac-auth user names unique across all consumers, and an acl group unique within its consumer.",
		"Only the options you set are compared with what Kong holds; updates send only the fields that differ (C(PATCH)).",
		"Secrets (I(key), I(password), I(secret)) are never shown: they are masked in the result, the diff and error messages. " +
			"The module finds a key by listing the consumer's credentials, so the key never appears in a URL (and so in no Admin API access log).",
		"In check mode nothing is written, and the would-be credential is validated by Kong (C(POST /schemas/{credential entity}/validate)). " +
			"That endpoint does not check uniqueness: for a basic-auth or hmac-auth user name the credential does not hold yet, check mode also reads " +
			"C(GET /basic-auths/{username}) or C(GET /hmac-auths/{username}) and fails, as the real run would with HTTP 409, when another consumer's credential holds it. " +
			"Likewise when the task creates an acl by I(id), or gives an acl selected by I(id) another I(group), check mode lists the consumer's acls " +
			"(C(GET /consumers/{consumer}/acls)) and fails, as the real run would with HTTP 409, when the consumer already has that group.",
	},
	Notes: []string{
		"basic-auth passwords: Kong stores a salted hash, never the password, so a password cannot be compared. " +
			"With C(update_password=on_create) (the default) the password is set when the credential is created and then left alone: a rerun reports no change. " +
			"With C(update_password=always) the password is sent on every run, and the task always reports a change.",
		"key-auth I(ttl): Kong counts the remaining seconds down and deletes the key when it reaches 0, so I(ttl) is used only when the key is created.",
		"A credential whose identifying value (a key, a user name) already belongs to another consumer is refused by Kong with HTTP 409; the module never moves credentials between consumers.",
		"Check mode cannot tell whether another consumer holds a key-auth or jwt I(key): asking Kong would put the key in a URL. " +
			"When the task sets a key the credential does not hold yet, check mode reports the change with a warning saying so, and the real run fails with HTTP 409 if the key is taken.",
		"Changing I(key) (or I(username), I(group)) does not replace a credential: it adds another one, and the old one keeps working. Set I(exclusive=true) to remove the consumer's other credentials of the type in the same task.",
		"Deleting a consumer (M(platform.ops.kong_consumer)) deletes its credentials too.",
	},
	Fragments: []*ansible.Fragment{kong.Fragment},
	CheckMode: ansible.Full,
	DiffMode:  ansible.Full,
	Spec: ansible.Spec{
		Options: map[string]*ansible.Option{
			"consumer": {Type: ansible.Str, Required: true, Description: []string{"Username or UUID of the consumer the credential belongs to."}},
			"type": {
				Type: ansible.Str, Required: true, Choices: typeChoices(),
				Description: []string{"Kind of credential, named after the plugin that checks it."},
			},
			"state": {
				Type: ansible.Str, Default: "present", Choices: []any{"present", "absent"},
				Description: []string{"C(present) creates or updates the credential; C(absent) deletes it (deleting a missing credential, or one of a missing consumer, is not an error)."},
			},
			"id": strOpt("UUID of the credential. Used to find it instead of its identifying field; when it does not exist it is created with this id."),
			"key": {
				Type: ansible.Str, NoLog: true,
				Description: []string{"C(key-auth): the API key (identifies the credential). C(jwt): the key (the C(iss) claim by default; identifies the credential).",
					"Needed (or I(id)) for both types, so that a rerun finds the same credential; Kong would otherwise generate a new key each time.",
					"Treated as secret for both types: masked in all output."},
			},
			"ttl": {
				Type:        ansible.Int,
				Description: []string{"C(key-auth) only: seconds until Kong deletes the key. Used only when the key is created (Kong counts it down)."},
			},
			"username": strOpt("C(basic-auth) and C(hmac-auth): the user name (identifies the credential; unique in Kong)."),
			"password": {
				Type: ansible.Str, NoLog: true,
				Description: []string{"C(basic-auth) only: the password. Needed to create the credential. See I(update_password)."},
			},
			"update_password": {
				Type: ansible.Str, Default: "on_create", Choices: []any{"on_create", "always"},
				Description: []string{
					"C(basic-auth) only. Kong stores a hash of the password, so the module cannot tell whether it changed.",
					"C(on_create): set the password only when creating the credential (reruns report no change).",
					"C(always): send the password on every run (the task always reports a change).",
				},
			},
			"secret": {
				Type: ansible.Str, NoLog: true,
				Description: []string{"C(jwt) and C(hmac-auth): the shared secret. Kong generates one when it is not set (it is then masked in the output like any secret).",
					"Kong stores it as given, so it is compared like any other field."},
			},
			"algorithm": {
				Type:        ansible.Str,
				Choices:     []any{"HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "EdDSA"},
				Description: []string{"C(jwt) only: signing algorithm. Kong's default is C(HS256). Older Kong versions know fewer algorithms and reject the others."},
			},
			"rsa_public_key": strOpt("C(jwt) only: PEM public key, for the RS*, ES*, PS* and EdDSA algorithms."),
			"group":          strOpt("C(acl) only: the group name (identifies the credential within the consumer)."),
			"tags": {
				Type: ansible.List, Elements: ansible.Str,
				Description: []string{"Tags of the credential. Compared as a set."},
			},
			"exclusive": {
				Type: ansible.Bool, Default: false,
				Description: []string{
					"With C(state=present), make this credential the consumer's only one of its I(type): after it is created or updated, every other credential of that type of the consumer is deleted (their ids are returned in C(removed)).",
					"Use it to rotate a key: a new I(key) with C(exclusive=true) creates the new key-auth credential first, then deletes the old one, so the old key stops working in the same task.",
					"With C(false) (the default) a new I(key) is added next to the consumer's other keys, which keep working until they are removed (C(state=absent)).",
				},
			},
		},
		RequiredIf: []ansible.RequiredIf{
			{Key: "type", Value: "key-auth", Requires: []string{"key", "id"}, AnyOf: true},
			{Key: "type", Value: "jwt", Requires: []string{"key", "id"}, AnyOf: true},
			{Key: "type", Value: "basic-auth", Requires: []string{"username", "id"}, AnyOf: true},
			{Key: "type", Value: "hmac-auth", Requires: []string{"username", "id"}, AnyOf: true},
			{Key: "type", Value: "acl", Requires: []string{"group", "id"}, AnyOf: true},
		},
	},
	Examples: examples,
	Returns:  returns + kong.FailureReturns(`{username: example-user}`),
	Run:      run,
}
