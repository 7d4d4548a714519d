package kongdeclarative

import (
	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong"
	"platform.ops/modules-src/internal/kong/declarative"
)

// Definition is platform.ops.kong_declarative: its interface, its docs and
// its behaviour (Run, in declarative.go).
var Definition = &ansible.Definition{
	Name:             "kong_declarative",
	ControllerFiles:  []string{"src"},
	ShortDescription: "Converge a whole Kong Gateway configuration to a decK-format state",
	Description: []string{
		"Makes Kong hold what a declarative state describes, in one task: services with their routes and plugins, routes, plugins (global or scoped), " +
			"consumers with their credentials (key-auth, basic-auth, jwt, hmac-auth, acl) and plugins, upstreams with their targets, certificates with their SNIs, " +
			"CA certificates, vaults, key sets and keys, as C(deck sync) (with I(prune=true)) or " +
			"C(deck gateway apply) (the default) would, through the Kong Admin API (Kong 3.x and 2.8).",
		"The state is decK's file format, C(_format_version) C(3.0) or C(1.1): inline (I(state)) or from files (I(src), merged like C(deck sync -s a.yaml -s b.yaml)). " +
			"A file C(deck dump) wrote is accepted as it is.",
		"Everything Kong holds that the state may touch is read at once (one paged list per entity type, filtered by I(select_tags) on the server, plugin schemas once per plugin), " +
			"compared with the same engine as the single-entity modules (server defaults never cause a change, sets compare without order, plugin configs typed by their schema, secrets masked), " +
			"and only what differs is written: creates and updates parents first, deletes children first, I(parallelism) requests at a time.",
		"In check mode nothing is written: every create and update is validated by Kong (C(POST /schemas/.../validate)) and predicted as the real run would report it.",
	},
	Notes: []string{
		"Identity, as decK: services, routes and upstreams by name (or id), consumers by username or custom_id (or id), a plugin by its instance_name, else by its name and scope, " +
			"a credential by its key, username or group within its consumer. Routes and services need a name or an id, so that a rerun finds them again.",
		"With I(strict=true) (the default, as decK) each declared entity is exactly what the state says: a field it leaves out is reset to Kong's default. " +
			"With I(strict=false) only the fields the state sets are compared and changed.",
		"I(select_tags) partitions Kong between owners: only entities with all these tags are read, compared and pruned, and every entity the task creates or updates gets them. " +
			"A declared entity whose name an entity outside the tags holds is not taken over: the task fails (check mode predicts it).",
		"Writes run in dependency order: deletes that free a name another entity takes first; then creates and updates level by level " +
			"(certificates, CA certificates, vaults, key sets and consumers; services, upstreams, keys and credentials; routes and targets; plugins); " +
			"then the other deletes, children before parents.",
		"On a failure no new write is started; C(not_written) lists what was planned and not done, and a rerun finishes the job (it plans against what Kong holds then). " +
			"A write whose outcome is unknown (the connection broke after it was sent) is read back, never sent again blindly.",
		"Regex paths: a state of C(_format_version: \"1.1\") is written for Kong 2.x, where a path with regex characters is a regex; against Kong 3.x those paths get the C(~) prefix " +
			"(what C(deck convert) adds). A C(3.0) state's C(~) is removed for Kong 2.8, with the warnings M(platform.ops.kong_route) gives.",
		"Passwords of basic-auth credentials and the ttl of keys are sent only when the credential is created: Kong stores a hash and counts the ttl down, so neither can be compared.",
		"I(src) files are found as Ansible finds a role's or a playbook's files (like M(ansible.builtin.copy)'s I(src): C(files/) of the role, the playbook's directory, ...) " +
			"when the module runs on the controller (a local connection or C(delegate_to: localhost), as Kong tasks usually do), and a file encrypted with Ansible Vault " +
			"is decrypted there into a private temporary copy for the module. On a remote host the paths are the host's own.",
	},
	Fragments: []*ansible.Fragment{kong.Fragment},
	CheckMode: ansible.Full,
	DiffMode:  ansible.Full,
	Spec: ansible.Spec{
		Options: map[string]*ansible.Option{
			"state": {
				Type: ansible.Dict,
				// Credentials, certificate keys and plugin secrets may be
				// in it: masked from validation on (until the plugin
				// schemas say which config values really are secret).
				Secrets: declarative.SecretsBeforeSchema,
				Description: []string{
					"The state, as decK's file format: C(_format_version), optional C(_info.select_tags) and C(_workspace), and the entity lists " +
						"(C(services), C(routes), C(consumers), C(plugins), C(upstreams), C(certificates), C(ca_certificates), C(vaults), C(key_sets), C(keys)), " +
						"with routes and plugins nested under services, plugins under routes, plugins and credentials (C(keyauth_credentials), " +
						"C(basicauth_credentials), C(jwt_secrets), C(hmacauth_credentials), C(acls)) under consumers, targets under upstreams, " +
						"and a certificate's C(snis) as C({name: ...}) objects. Certificates and CA certificates are matched by id or by their PEM; " +
						"services and upstreams refer to them by id.",
					"An unknown key fails the task before anything is written, naming its path in the state (C(services[3].routes[0].pathz)).",
				},
			},
			"src": {
				Type: ansible.List, Elements: ansible.Path,
				Description: []string{
					"State files (YAML or JSON, may be encrypted with Ansible Vault) to read instead of I(state). Several files are merged like C(deck sync -s a.yaml -s b.yaml): " +
						"their lists are joined, and their C(_format_version), C(_info.select_tags) and C(_workspace) must agree.",
					"A relative path is looked up like M(ansible.builtin.copy)'s I(src) when the module runs on the controller (see the notes).",
				},
			},
			"select_tags": {
				Type: ansible.List, Elements: ansible.Str,
				Description: []string{
					"Manage only the entities that carry all these tags (decK's C(--select-tag)); every entity the task writes gets them. " +
						"Adds to the state's C(_info.select_tags) when both are given, which must then be the same.",
				},
			},
			"prune": {
				Type: ansible.Bool, Default: false,
				Description: []string{
					"C(true): delete the managed entities (with I(select_tags): those carrying them) that the state does not declare, as C(deck sync) does.",
					"C(false): create and update only, as C(deck gateway apply) does.",
					"Without I(select_tags) pruning would delete everything else in Kong, so it is refused unless I(prune_all=true).",
				},
			},
			"prune_all": {
				Type: ansible.Bool, Default: false,
				Description: []string{"Allow I(prune=true) without I(select_tags): the state is the whole Kong configuration (of the workspace), and everything else is deleted."},
			},
			"strict": {
				Type: ansible.Bool, Default: true,
				Description: []string{
					"C(true): each declared entity is exactly what the state says; fields it leaves out are reset to Kong's defaults (decK's behaviour).",
					"C(false): only the fields the state sets are compared and changed.",
				},
			},
			"parallelism": {
				Type: ansible.Int, Default: 10,
				Description: []string{"How many requests run at once, as decK's C(--parallelism)."},
			},
		},
		MutuallyExclusive: [][]string{{"state", "src"}},
		RequiredOneOf:     [][]string{{"state", "src"}},
	},
	Examples: examples,
	Returns:  returns + kong.FailureReturns(`{"services[0].routes[0].paths": "expected a list"}`),
	Run:      run,
}
