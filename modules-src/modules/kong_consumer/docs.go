package kongconsumer

const examples = `- name: A consumer known by its user name
  platform.ops.kong_consumer:
    admin_url: http://localhost:8001
    username: example-user
    tags: [team-edge]

- name: A consumer known by the id of another system
  platform.ops.kong_consumer:
    custom_id: crm-000042

- name: Give that consumer a user name (found by custom_id, renamed)
  platform.ops.kong_consumer:
    username: acme-corp
    custom_id: crm-000042

- name: Own the whole consumer (tags left out are cleared)
  platform.ops.kong_consumer:
    username: example-user
    strict: true

- name: Delete a consumer with its credentials and plugins
  platform.ops.kong_consumer:
    username: example-user
    state: absent
`

const returns = `consumer:
  description:
    - The consumer as Kong holds it after the task (in check mode, as it would be).
  returned: when I(state=present)
  type: dict
  sample:
    id: 8a1c2f3e-4b5d-4e6f-8a7b-9c0d1e2f3a4b
    username: example-user
    custom_id: null
    tags: [team-edge]
    created_at: 1700000000
    updated_at: 1700000000
changes:
  description: Fields that were (or, in check mode, would be) changed. Empty when nothing changed.
  returned: always
  type: list
  elements: str
  sample: [tags]
operation:
  description: What the task did to the consumer.
  returned: always
  type: str
  choices: [create, update, delete, none]
  sample: create
diff:
  description: Before and after of the fields the task manages (with C(--diff)).
  returned: when diff mode is on
  type: dict
  sample:
    before: {username: example-user, tags: [a]}
    after: {username: example-user, tags: [a, b]}
`
