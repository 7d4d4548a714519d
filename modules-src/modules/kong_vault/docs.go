package kongvault

const examples = `- name: Secrets from the environment variables KONG_SECRETS_*
  platform.ops.kong_vault:
    admin_url: http://localhost:8001
    prefix: my-env
    name: env
    description: secrets from the node's environment
    config:
      prefix: KONG_SECRETS_
    tags: [platform]

- name: A service field that reads it, {vault://my-env/...}
  platform.ops.kong_plugin:
    name: rate-limiting
    config:
      minute: 100
      policy: redis
      redis:
        host: redis.internal
        password: "{vault://my-env/redis-password}"

- name: Delete a vault
  platform.ops.kong_vault:
    prefix: my-env
    state: absent
`

const returns = `vault:
  description:
    - The vault as Kong holds it after the task (in check mode, as it would be), secret-looking config values masked.
  returned: when I(state=present)
  type: dict
  sample:
    id: 6d5c4b3a-2918-4f7e-8d6c-5b4a39281706
    prefix: my-env
    name: env
    description: secrets from the node's environment
    config: {prefix: KONG_SECRETS_}
    tags: [platform]
    created_at: 1700000000
    updated_at: 1700000000
changes:
  description: Fields that were (or, in check mode, would be) changed, as dotted paths (C(config.prefix)). Empty when nothing changed.
  returned: always
  type: list
  elements: str
  sample: [config.prefix]
operation:
  description: What the task did to the vault.
  returned: always
  type: str
  choices: [create, update, delete, none]
  sample: create
diff:
  description: Before and after of the fields the task manages (with C(--diff)).
  returned: when diff mode is on
  type: dict
  sample:
    before: {prefix: my-env, config: {prefix: KONG_}}
    after: {prefix: my-env, config: {prefix: KONG_SECRETS_}}
`
