package kongplugin

import (
	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong"
)

func strOpt(desc ...string) *ansible.Option {
	return &ansible.Option{Type: ansible.Str, Description: desc}
}

// Definition is platform.ops.kong_plugin: its interface, its docs and its
// behaviour (Run, in plugin.go).
var Definition = &ansible.Definition{
	Name:             "kong_plugin",
	ShortDescription: "Manage Kong Gateway plugins (global, or scoped to a service, route, consumer or consumer group)",
	Description: []string{
		"Add, update or remove one Kong Gateway plugin instance through the Kong Admin API (Kong 3.x and 2.8).",
		"A plugin is identified by I(instance_name) when given (Kong 3.2 and later), else by its I(name) and its scope: " +
			"the I(service), I(route), I(consumer) and I(consumer_group) it is attached to. A plugin with none of them is global. " +
			"Kong allows one plugin of a name per scope.",
		"I(config) is compared key by key (nested records too) with what Kong holds, so Kong's defaults and keys you did not set never cause a change. " +
			"Lists the plugin's schema declares as sets compare without order. Set I(strict=true) to also reset every config key you left out to the plugin's default.",
		"The plugin's schema is read once per task from C(GET /schemas/plugins/{name}) to know its types, defaults, sets, secret fields and deprecated field names.",
		"In check mode nothing is written, and the would-be plugin is validated by Kong (C(POST /schemas/plugins/validate)), so C(--check) catches a bad config. " +
			"That endpoint does not check that I(instance_name) is unique: when the task gives a plugin an I(instance_name) it does not hold yet, " +
			"check mode also reads C(GET /plugins/{instance_name}) and fails, as the real run would with HTTP 409, when another plugin holds it. " +
			"Nor does it check Kong's one plugin of a name per scope: when the task creates a plugin by I(id), or moves a plugin selected by I(id) or I(instance_name) " +
			"to another scope, check mode also lists the plugins of that scope's most specific entity (C(GET /routes/{id}/plugins), C(/services/{id}/plugins) " +
			"or C(/consumers/{id}/plugins); C(GET /plugins) for a global plugin) and fails, as the real run would with HTTP 409, when another plugin of that name has exactly that scope.",
	},
	Notes: []string{
		"Config values the plugin's schema marks C(encrypted) or C(referenceable), keys named like credentials (password, secret, token, key, credential), " +
			"and entries of map-typed config fields named like credential headers (C(Authorization), C(Cookie), C(X-API-Key), ...; e.g. http-log's C(headers)) " +
			"are masked as C(********) in the returned plugin, the diff and the echo of the task's arguments.",
		"Kong 3.8 and later return deprecated shorthand config fields (for example rate-limiting's C(redis_host)) next to the fields that replace them (C(redis.host)). " +
			"You may set either name: a deprecated name is compared as the field it stands for, and the echoed copies are left out of the returned plugin, so they never cause a change.",
		"Values are converted to the type the plugin's schema declares (C(\"5\") to C(5) for a number), as Ansible templates often produce strings.",
		"When no plugin has the given I(instance_name) but a plugin of the same I(name) exists in the same scope, that plugin is adopted and given the I(instance_name) (Kong allows only one per scope).",
		"I(consumer_group) and I(ordering) exist in Kong Enterprise only; I(instance_name) needs Kong 3.2 or later. Setting them on a node without them fails before anything is written.",
		"A scope entity (service, route, consumer) must exist. In check mode a missing one is reported with a warning, assuming an earlier task creates it " +
			"(and, as such a new entity has no plugins yet, without looking for a plugin of the same name in the scope).",
		"An empty (or C(.) or C(..)) I(service), I(route), I(consumer) or I(consumer_group) fails before any request instead of counting as not given, " +
			"which would make the plugin global (for example when a variable is empty). Leave the option out, or use C(omit), for no such scope.",
	},
	Fragments: []*ansible.Fragment{kong.Fragment},
	CheckMode: ansible.Full,
	DiffMode:  ansible.Full,
	Spec: ansible.Spec{
		Options: map[string]*ansible.Option{
			"name": {
				Type: ansible.Str, Required: true, Aliases: []string{"plugin"},
				Description: []string{"Name of the plugin, for example C(rate-limiting), C(key-auth) or C(cors). It must be installed on the Kong node."},
			},
			"instance_name": strOpt("Unique name of this plugin instance (Kong 3.2 and later). When given, the plugin is found by it instead of by name and scope, so its scope can change.",
				"ASCII letters, digits, C(.), C(-), C(_), C(~) and non-ASCII characters only (Kong's utf8_name rule)."),
			"id": strOpt("UUID of the plugin. When given, the plugin is found by id (before I(instance_name)); when it does not exist it is created with this id."),
			"state": {
				Type: ansible.Str, Default: "present", Choices: []any{"present", "absent"},
				Description: []string{"C(present) adds or updates the plugin; C(absent) removes it (removing a missing plugin is not an error)."},
			},
			"service":        strOpt("Name or id of the service the plugin applies to."),
			"route":          strOpt("Name or id of the route the plugin applies to."),
			"consumer":       strOpt("Username or id of the consumer the plugin applies to."),
			"consumer_group": strOpt("Name or id of the consumer group the plugin applies to (Kong Enterprise 3.4 and later)."),
			"config": {
				Type: ansible.Dict,
				// Every string (and number named like a secret) is masked
				// until the plugin's schema tells which are secret (run
				// narrows them): a failure before that must not echo a
				// password.
				Secrets: kong.ConfigSecretsBeforeSchema,
				Description: []string{
					"The plugin's configuration, as in Kong's documentation of the plugin. Only the keys given are compared and changed (nested records key by key).",
					"Kong fills the other keys with the plugin's defaults when it creates the plugin.",
				},
			},
			"enabled": {Type: ansible.Bool, Description: []string{"Whether the plugin runs. Kong's default is C(true)."}},
			"protocols": {
				Type: ansible.List, Elements: ansible.Str,
				Description: []string{"Protocols the plugin runs on. Compared as a set. Kong's default depends on the plugin, usually C([grpc, grpcs, http, https])."},
			},
			"tags": {
				Type: ansible.List, Elements: ansible.Str,
				Description: []string{"Tags of the plugin. Compared as a set: order and duplicates do not matter."},
			},
			"ordering": {
				Type: ansible.Dict,
				Description: []string{
					"Dynamic plugin ordering (Kong Enterprise 3.0 and later), e.g. C({before: {access: [rate-limiting]}}).",
				},
			},
			"strict": {
				Type: ansible.Bool, Default: false,
				Description: []string{
					"C(false): compare and change only the options and config keys given in the task.",
					"C(true): the task describes the whole plugin. Config keys, I(protocols), I(enabled) and I(tags) left out are reset to the plugin's defaults.",
				},
			},
		},
		MutuallyExclusive: [][]string{},
	},
	Examples: examples,
	Returns:  returns + kong.FailureReturns(`{name: rate-limiting, service.id: 9f3c6b0e-1111-4222-8333-444455556666}`),
	Run:      run,
}
