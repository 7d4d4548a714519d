package konginfo

import (
	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong"
)

// Definition is platform.ops.kong_info: its interface, its docs and its
// behaviour (Run, in info.go).
var Definition = &ansible.Definition{
	Name:             "kong_info",
	ShortDescription: "Export Kong Gateway services with their routes and plugins, ready to apply elsewhere",
	Description: []string{
		"Read one Kong Gateway service (or all of them) with its routes and plugins, and optionally consumers with their plugins, through the Kong Admin API. Nothing is ever changed.",
		"The result is shaped for the platform.ops modules: each item of I(services), I(routes), I(plugins) and I(consumers) holds exactly the options of " +
			"M(platform.ops.kong_service), M(platform.ops.kong_route), M(platform.ops.kong_plugin) and M(platform.ops.kong_consumer), so an export can be applied to another Kong as it is.",
		"Ids and timestamps are left out and references are written as names (a route's service, a plugin's service, route and consumer); " +
			"an entity without a name keeps its id, so it is recreated with the same id. Null fields are left out.",
		"Secret plugin config values (fields the plugin's schema marks C(encrypted) or C(referenceable), keys named like credentials, and map entries named like credential headers such as C(Authorization)) are left out unless I(include_secrets=true); I(omitted_secrets) names them.",
	},
	Notes: []string{
		"Works in check mode and never reports a change.",
		"To redeploy, loop over the lists, e.g. C(platform.ops.kong_route) with C(args: \"{{ item }}\") and C(loop: \"{{ export.routes }}\"). Apply services first, then consumers, routes and plugins.",
		"Ansible prints each loop item in the task output, and C(-v) prints it in the result as well: give every loop over an export C(loop_control: {label: \"{{ item.name }}\"}), " +
			"and C(no_log: true) when the export was made with I(include_secrets=true), or its secrets end up in the output and the logs.",
		"With C(args: \"{{ item }}\"), ansible-core 2.14 warns C(Using a variable for a task's 'args' is unsafe in some situations): the values of args taken from a variable are templated. " +
			"To avoid it, spell the options out as in the last example.",
		"An export is meant for a Kong of the same major version. Plugin config is not translated between Kong 3.x and 2.8 " +
			"(for example 3.x's C(redis) record of rate-limiting is C(redis_host), C(redis_port) and so on in 2.8); I(drop_defaults=true) at least leaves out the defaults a 2.8 node does not know. " +
			"Route paths are the exception: M(platform.ops.kong_route) removes the C(~) of a 3.x regex path for Kong 2.8, and warns about a path exported from 2.8 that 3.x would read as a plain prefix (write it with C(~) if it is a regex).",
		"Consumer credentials (key-auth keys, basic-auth passwords and so on) are not exported: they are secrets. Declare them with M(platform.ops.kong_consumer_credential).",
		"Deprecated shorthand config fields that Kong 3.8+ echoes (for example rate-limiting's C(redis_host)) are left out: their values are in the fields that replace them.",
	},
	Fragments: []*ansible.Fragment{kong.Fragment},
	CheckMode: ansible.Full,
	DiffMode:  ansible.None,
	Spec: ansible.Spec{
		Options: map[string]*ansible.Option{
			"service": {
				Type:        ansible.Str,
				Description: []string{"Name or id of the service to export. A service that does not exist fails the task (naming the closest existing name), unless I(missing=ignore)."},
			},
			"all_services": {
				Type:        ansible.Bool,
				Description: []string{"Export every service (with its routes and plugins) instead of one."},
			},
			"consumers": {
				Type: ansible.List, Elements: ansible.Str,
				Description: []string{
					"Usernames or ids of consumers to export too, with the plugins scoped to them. A consumer that does not exist fails the task, unless I(missing=ignore).",
					"Plugins of the exported services and routes that are also scoped to a consumer are exported with the service's plugins in any case; the consumer must exist where they are applied.",
				},
			},
			"drop_defaults": {
				Type: ansible.Bool, Default: false,
				Description: []string{
					"Leave out every value equal to Kong's default (service and route fields from C(GET /schemas/services) and C(/schemas/routes), plugin config from C(GET /schemas/plugins/{name})), for a short export.",
					"Applying a short export gives the same entities, since Kong fills the defaults back in.",
					"C(format=modules) only: C(format=deck) writes every field, as C(deck dump) does.",
				},
			},
			"missing": {
				Type: ansible.Str, Default: "fail", Choices: []any{"fail", "ignore"},
				Description: []string{
					"What a named I(service) or consumer (in I(consumers)) that does not exist does.",
					"C(fail): the task fails, naming it and the closest name Kong has (a mistyped name would otherwise export nothing, and a redeploy loop over the export would succeed having done nothing).",
					"C(ignore): it is left out of the export with a warning (an export of a service that does not exist has empty lists).",
				},
			},
			"include_secrets": {
				Type: ansible.Bool, Default: false,
				Description: []string{"Export secret plugin config values in clear text, so they can be redeployed. Use with C(no_log: true).",
					"With C(format=deck), also the consumers' credentials (key-auth keys, jwt and hmac-auth secrets). " +
						"basic-auth passwords are never exported: Kong keeps only a hash of them."},
			},
			"format": {
				Type: ansible.Str, Default: "modules", Choices: []any{"modules", "deck"},
				Description: []string{
					"C(modules): lists of the single-entity modules' options (I(services), I(routes), I(plugins), I(consumers)).",
					"C(deck): one I(state) in decK's file format, which M(platform.ops.kong_declarative) and C(deck sync) both take: " +
						"services with their routes and plugins nested, consumers with their credentials (see I(include_secrets)) and plugins, " +
						"plugins of several scopes or none at the top. C(_format_version) is C(3.0) for Kong 3.x, C(1.1) for Kong 2.x. " +
						"With I(service), that service, its routes and their plugins (and the I(consumers) named); with I(all_services) or I(select_tags) alone, everything (carrying the tags).",
				},
			},
			"select_tags": {
				Type: ansible.List, Elements: ansible.Str,
				Description: []string{
					"Export only the entities carrying all these tags (decK's C(--select-tag)); with C(format=deck) the state says so in C(_info.select_tags).",
					"With C(format=modules) the tags select the services (with I(all_services) or alone).",
				},
			},
		},
		MutuallyExclusive: [][]string{{"service", "all_services"}},
		RequiredOneOf:     [][]string{{"service", "all_services", "select_tags"}},
	},
	Examples: examples,
	Returns:  returns,
	Run:      run,
}
