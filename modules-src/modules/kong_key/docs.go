package kongkey

const examples = `- name: A JWK in a key set (the kid is taken from the JWK)
  platform.ops.kong_key:
    admin_url: http://localhost:8001
    name: example-signing-key
    set: example-jwks
    jwk: "{{ lookup('ansible.builtin.file', 'signing-key.jwk.json') | from_json }}"

- name: A PEM key pair
  platform.ops.kong_key:
    name: example-pem-key
    kid: pem-1
    pem:
      private_key: "{{ vault_private_key_pem }}"
      public_key: "{{ lookup('ansible.builtin.file', 'key.pub.pem') }}"
    tags: [team-auth]

- name: Only the public half, for verifying
  platform.ops.kong_key:
    name: partner-public-key
    kid: partner-1
    pem:
      public_key: "{{ lookup('ansible.builtin.file', 'partner.pub.pem') }}"

- name: Delete a key
  platform.ops.kong_key:
    name: example-pem-key
    state: absent
`

const returns = `key:
  description:
    - The key as Kong holds it after the task (in check mode, as it would be), with C(jwk) and C(pem.private_key) masked.
    - "The key set is returned as C({id: ...}) (or null)."
  returned: when I(state=present)
  type: dict
  sample:
    id: 1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e
    name: example-pem-key
    kid: pem-1
    set: {id: 5d3f0c6e-2b1a-4c8d-9e7f-6a5b4c3d2e1f}
    jwk: null
    pem:
      private_key: "********"
      public_key: "-----BEGIN PUBLIC KEY-----\n...\n-----END PUBLIC KEY-----\n"
    tags: [team-auth]
    created_at: 1700000000
    updated_at: 1700000000
changes:
  description: Fields that were (or, in check mode, would be) changed. Empty when nothing changed.
  returned: always
  type: list
  elements: str
  sample: [pem.public_key]
operation:
  description: What the task did to the key.
  returned: always
  type: str
  choices: [create, update, delete, none]
  sample: create
diff:
  description: Before and after of the fields the task manages (with C(--diff)), secrets masked.
  returned: when diff mode is on
  type: dict
  sample:
    before: {name: example-pem-key, tags: [a]}
    after: {name: example-pem-key, tags: [a, b]}
`
