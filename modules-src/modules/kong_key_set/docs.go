package kongkeyset

const examples = `- name: A key set for the keys of a JWT issuer
  platform.ops.kong_key_set:
    admin_url: http://localhost:8001
    name: example-jwks
    tags: [team-auth]

- name: Delete a key set and its keys
  platform.ops.kong_key_set:
    name: example-jwks
    state: absent
`

const returns = `key_set:
  description:
    - The key set as Kong holds it after the task (in check mode, as it would be).
  returned: when I(state=present)
  type: dict
  sample:
    id: 5d3f0c6e-2b1a-4c8d-9e7f-6a5b4c3d2e1f
    name: example-jwks
    tags: [team-auth]
    created_at: 1700000000
    updated_at: 1700000000
changes:
  description: Fields that were (or, in check mode, would be) changed. Empty when nothing changed.
  returned: always
  type: list
  elements: str
  sample: [tags]
operation:
  description: What the task did to the key set.
  returned: always
  type: str
  choices: [create, update, delete, none]
  sample: create
diff:
  description: Before and after of the fields the task manages (with C(--diff)).
  returned: when diff mode is on
  type: dict
  sample:
    before: {name: example-jwks, tags: [a]}
    after: {name: example-jwks, tags: [a, b]}
`
