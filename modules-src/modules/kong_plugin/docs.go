package kongplugin

const examples = `- name: Rate-limit a service to 5 requests a minute
  platform.ops.kong_plugin:
    admin_url: http://localhost:8001
    name: rate-limiting
    service: example-service
    config:
      minute: 5
      policy: local

- name: Require an API key on one route
  platform.ops.kong_plugin:
    name: key-auth
    route: example-route
    config:
      key_names: [apikey, x-api-key]
      hide_credentials: true

- name: A global CORS plugin
  platform.ops.kong_plugin:
    name: cors
    config:
      origins: ["https://app.example.com"]
      methods: [GET, POST]
      credentials: true

- name: Name the service's rate limit (Kong 3.2+); an existing unnamed rate-limiting plugin of the service is adopted and renamed
  platform.ops.kong_plugin:
    name: rate-limiting
    instance_name: orders-burst
    service: orders
    config:
      second: 20

- name: Redis-backed limits; the password is masked in the output
  platform.ops.kong_plugin:
    name: rate-limiting
    service: orders
    config:
      minute: 600
      policy: redis
      redis:
        host: redis.internal
        password: "{{ vault_redis_password }}"

- name: Own the whole config (keys left out go back to the plugin's defaults)
  platform.ops.kong_plugin:
    name: rate-limiting
    service: orders
    config:
      minute: 600
    strict: true

- name: Preview a change (nothing is written; Kong validates the config)
  platform.ops.kong_plugin:
    name: rate-limiting
    service: example-service
    config:
      minute: 10
  check_mode: true
  diff: true

- name: A consumer-scoped rate limit, created disabled (a disabled plugin is not run; it exempts nobody from other plugins)
  platform.ops.kong_plugin:
    name: rate-limiting
    consumer: partner-app
    config:
      minute: 1000
    enabled: false

- name: Remove a plugin
  platform.ops.kong_plugin:
    name: rate-limiting
    service: example-service
    state: absent
`

const returns = `plugin:
  description:
    - The plugin as Kong holds it after the task (in check mode, as it would be), secrets masked.
    - C(config) holds every config key, with Kong's defaults filled in. Deprecated shorthand fields Kong 3.8+ echoes are left out.
    - The sample's C(config) is abridged (rate-limiting has many more keys).
  returned: when I(state=present)
  type: dict
  sample:
    id: 5f0a6a2c-8d16-4e6b-9d0e-2f0c3c7d9a11
    name: rate-limiting
    instance_name: null
    service: {id: 9f3c6b0e-1111-4222-8333-444455556666}
    route: null
    consumer: null
    config: {minute: 5, policy: local, limit_by: consumer, fault_tolerant: true}
    enabled: true
    protocols: [grpc, grpcs, http, https]
    tags: null
    created_at: 1700000000
    updated_at: 1700000000
changes:
  description: Fields that were (or, in check mode, would be) changed, as dotted paths. Empty when nothing changed.
  returned: always
  type: list
  elements: str
  sample: [config.minute]
operation:
  description: What the task did to the plugin.
  returned: always
  type: str
  choices: [create, update, delete, none]
  sample: update
diff:
  description: Before and after of what changes (with C(--diff)) - on update only the changed fields and config keys, secrets masked.
  returned: when diff mode is on
  type: dict
  sample:
    before: {config: {minute: 5}}
    after: {config: {minute: 10}}
`
