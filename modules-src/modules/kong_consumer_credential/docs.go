package kongconsumercredential

const examples = `- name: An API key for a consumer (key-auth)
  platform.ops.kong_consumer_credential:
    admin_url: http://localhost:8001
    consumer: example-user
    type: key-auth
    key: "{{ vault_example_user_api_key }}"

- name: Rotate the API key - the new key is added, then every other key-auth key of the consumer removed
  platform.ops.kong_consumer_credential:
    consumer: example-user
    type: key-auth
    key: "{{ vault_example_user_new_api_key }}"
    exclusive: true

- name: A temporary key, deleted by Kong after a day
  platform.ops.kong_consumer_credential:
    consumer: example-user
    type: key-auth
    key: "{{ temp_key }}"
    ttl: 86400

- name: A basic-auth login; the password is set once (Kong stores only a hash)
  platform.ops.kong_consumer_credential:
    consumer: example-user
    type: basic-auth
    username: example-user
    password: "{{ vault_example_user_password }}"

- name: Rotate that password (reports a change on every run)
  platform.ops.kong_consumer_credential:
    consumer: example-user
    type: basic-auth
    username: example-user
    password: "{{ vault_new_password }}"
    update_password: always

- name: A JWT issuer with an RSA key
  platform.ops.kong_consumer_credential:
    consumer: example-user
    type: jwt
    key: https://issuer.example.com
    algorithm: RS256
    rsa_public_key: "{{ lookup('ansible.builtin.file', 'issuer.pub.pem') }}"

- name: An HMAC signing credential
  platform.ops.kong_consumer_credential:
    consumer: example-user
    type: hmac-auth
    username: example-hmac
    secret: "{{ vault_hmac_secret }}"

- name: Put the consumer in the admins ACL group
  platform.ops.kong_consumer_credential:
    consumer: example-user
    type: acl
    group: admins

- name: Take it out again
  platform.ops.kong_consumer_credential:
    consumer: example-user
    type: acl
    group: admins
    state: absent
`

const returns = `credential:
  description:
    - The credential as Kong holds it after the task (in check mode, as it would be).
    - Keys, passwords (Kong's hash) and secrets are masked.
  returned: when I(state=present)
  type: dict
  sample:
    id: 2c1e8d8a-3f3b-4a55-9d8e-0b1f6f0d7c21
    consumer: {id: 8a1c2f3e-4b5d-4e6f-8a7b-9c0d1e2f3a4b}
    key: "********"
    ttl: null
    tags: null
    created_at: 1700000000
removed:
  description: With I(exclusive=true), the ids of the consumer's other credentials of the type that were (in check mode, would be) deleted.
  returned: when I(exclusive=true)
  type: list
  elements: str
  sample: [5f0c6f1e-2b7d-4c1a-9e3f-8d2a7b6c5e41]
changes:
  description: Fields that were (or, in check mode, would be) changed. Empty when nothing changed.
  returned: always
  type: list
  elements: str
  sample: [tags]
operation:
  description: What the task did to the credential.
  returned: always
  type: str
  choices: [create, update, delete, none]
  sample: create
diff:
  description: Before and after of the fields the task manages (with C(--diff)), secrets masked.
  returned: when diff mode is on
  type: dict
  sample:
    before: {}
    after: {consumer: {id: 8a1c2f3e-4b5d-4e6f-8a7b-9c0d1e2f3a4b}, key: "********"}
`
