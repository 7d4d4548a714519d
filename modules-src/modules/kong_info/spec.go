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
		"To redeploy, loop over the lists, e.g. C(platform.ops.kong_route) with C(args: \"{{ item }}\") and C(loop: \"{{ export.routes }}\"); ansible-core warns that a variable as args is unsafe with untrusted data. Apply services first, then consumers, routes and plugins.",
		"Deprecated shorthand config fields that Kong 3.8+ echoes (for example rate-limiting's C(redis_host)) are left out: their values are in the fields that replace them.",
	},
	Fragments: []*ansible.Fragment{kong.Fragment},
	CheckMode: ansible.Full,
	DiffMode:  ansible.None,
	Spec: ansible.Spec{
		Options: map[string]*ansible.Option{
			"service": {
				Type:        ansible.Str,
				Description: []string{"Name or id of the service to export. A service that does not exist gives empty lists."},
			},
			"all_services": {
				Type:        ansible.Bool,
				Description: []string{"Export every service (with its routes and plugins) instead of one."},
			},
			"consumers": {
				Type: ansible.List, Elements: ansible.Str,
				Description: []string{
					"Usernames or ids of consumers to export too, with the plugins scoped to them. Missing consumers are skipped with a warning.",
					"Plugins of the exported services and routes that are also scoped to a consumer are exported with the service's plugins in any case; the consumer must exist where they are applied.",
				},
			},
			"drop_defaults": {
				Type: ansible.Bool, Default: false,
				Description: []string{
					"Leave out every value equal to Kong's default (service and route fields from C(GET /schemas/services) and C(/schemas/routes), plugin config from C(GET /schemas/plugins/{name})), for a short export.",
					"Applying a short export gives the same entities, since Kong fills the defaults back in.",
				},
			},
			"include_secrets": {
				Type: ansible.Bool, Default: false,
				Description: []string{"Export secret plugin config values in clear text, so they can be redeployed. Use with C(no_log: true)."},
			},
		},
		MutuallyExclusive: [][]string{{"service", "all_services"}},
		RequiredOneOf:     [][]string{{"service", "all_services"}},
	},
	Examples: examples,
	Returns:  returns,
	Run:      run,
}
