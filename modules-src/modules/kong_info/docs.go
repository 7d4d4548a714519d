package konginfo

const examples = `- name: Export a service with its routes and plugins
  platform.ops.kong_info:
    admin_url: http://kong-a:8001
    service: example-service
  register: export

# A loop prints each item in the task output: label it with the name.
# (ansible-core warns that args from a variable are unsafe, see the notes.)
- name: Redeploy it on another Kong (services first, then routes and plugins)
  module_defaults:
    group/platform.ops.kong:
      admin_url: http://kong-b:8001
  block:
    - name: Services
      platform.ops.kong_service:
      args: "{{ item }}"
      loop: "{{ export.services }}"
      loop_control:
        label: "{{ item.name | default(item.id) }}"
    - name: Routes
      platform.ops.kong_route:
      args: "{{ item }}"
      loop: "{{ export.routes }}"
      loop_control:
        label: "{{ item.name | default(item.id) }}"
    - name: Plugins
      platform.ops.kong_plugin:
      args: "{{ item }}"
      loop: "{{ export.plugins }}"
      loop_control:
        label: "{{ item.name }}"

# A name that does not exist fails the task (a typo would export nothing);
# missing: ignore leaves it out with a warning instead.
- name: Export the consumers that exist among these
  platform.ops.kong_info:
    service: example-service
    consumers: [example-user, maybe-removed-user]
    missing: ignore

- name: Short export of everything, secrets included (keep them out of logs)
  platform.ops.kong_info:
    all_services: true
    drop_defaults: true
    include_secrets: true
  no_log: true
  register: full

# With secrets in the export, every task that loops over it needs no_log:
# the label keeps the default output short, but -v prints the whole item.
- name: Redeploy its plugins, secrets included
  platform.ops.kong_plugin:
    admin_url: http://kong-b:8001
  args: "{{ item }}"
  loop: "{{ full.plugins }}"
  loop_control:
    label: "{{ item.name }}"
  no_log: true

- name: Export a service and a consumer with the plugins scoped to it
  platform.ops.kong_info:
    service: example-service
    consumers: [partner-app]
  register: export

- name: Without args, spelling the options out (an export has id instead of name for an unnamed route)
  platform.ops.kong_route:
    name: "{{ item.name | default(omit) }}"
    id: "{{ item.id | default(omit) }}"
    service: "{{ item.service | default(omit) }}"
    paths: "{{ item.paths | default(omit) }}"
    methods: "{{ item.methods | default(omit) }}"
    strip_path: "{{ item.strip_path | default(omit) }}"
  loop: "{{ export.routes }}"
  loop_control:
    label: "{{ item.name | default(item.id) }}"
`

const returns = `services:
  description: The exported services, each with the options of M(platform.ops.kong_service). Sorted by name.
  returned: always
  type: list
  elements: dict
  sample:
    - {name: example-service, protocol: http, host: httpbin.org, port: 80, path: /anything, retries: 5, enabled: true}
routes:
  description: The routes of the exported services, each with the options of M(platform.ops.kong_route); C(service) is the service's name.
  returned: always
  type: list
  elements: dict
  sample:
    - {name: example-route, service: example-service, paths: [/test], methods: [GET, POST], strip_path: true, protocols: [http, https]}
plugins:
  description:
    - The plugins of the exported services, of their routes and of the exported consumers, each with the options of M(platform.ops.kong_plugin).
    - C(service), C(route) and C(consumer) are names (a username for consumers).
    - C(config) holds the plugin's config, without secrets unless I(include_secrets=true).
  returned: always
  type: list
  elements: dict
  sample:
    - {name: rate-limiting, service: example-service, config: {minute: 5, policy: local}, enabled: true, protocols: [grpc, grpcs, http, https]}
consumers:
  description: The consumers named in I(consumers), each with the options of M(platform.ops.kong_consumer).
  returned: always
  type: list
  elements: dict
  sample:
    - {username: partner-app, tags: [partners]}
omitted_secrets:
  description: Plugin config values left out because they are secret (see I(include_secrets)).
  returned: always
  type: list
  elements: str
  sample: ["plugin(rate-limiting service=example-service).config.redis.password"]
status:
  description: HTTP status of the Kong request that failed, for example C(401) or C(403) for an Admin API that wants credentials.
  returned: on failure, when Kong answered with an HTTP error
  type: int
  sample: 403
kong_error:
  description: Kong's name for the error, when its error body gives one (for example C(database error) with an HTTP 500).
  returned: on failure, when Kong answered with an error that names itself
  type: str
  sample: database error
`
