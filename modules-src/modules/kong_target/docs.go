package kongtarget

const examples = `- name: Balance the orders upstream over two hosts, one at half weight
  platform.ops.kong_target:
    admin_url: http://localhost:8001
    upstream: orders.internal
    target: "{{ item.target }}"
    weight: "{{ item.weight }}"
  loop:
    - {target: 'orders-1.example.net:8443', weight: 100}
    - {target: 'orders-2.example.net:8443', weight: 50}

- name: Drain a target (kept, but sent no traffic)
  platform.ops.kong_target:
    upstream: orders.internal
    target: orders-2.example.net:8443
    weight: 0

- name: Remove a target
  platform.ops.kong_target:
    upstream: orders.internal
    target: orders-2.example.net:8443
    state: absent
`

const returns = `target:
  description:
    - The target as Kong holds it after the task (in check mode, as it would be).
    - "C(target) is the address as Kong stores it (C(host:port)); the upstream is returned as C({id: ...})."
    - C(created_at) (and on Kong 3.x C(updated_at)) are seconds with milliseconds.
  returned: when I(state=present)
  type: dict
  sample:
    id: 9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d
    target: orders-1.example.net:8443
    weight: 100
    upstream: {id: 3e2d1c0b-9a8f-4e7d-8c6b-5a4f3e2d1c0b}
    tags: null
    created_at: 1700000000.123
    updated_at: 1700000000.123
changes:
  description: Fields that were (or, in check mode, would be) changed. Empty when nothing changed.
  returned: always
  type: list
  elements: str
  sample: [weight]
operation:
  description: What the task did to the target.
  returned: always
  type: str
  choices: [create, update, delete, none]
  sample: update
diff:
  description: Before and after of the fields the task manages (with C(--diff)).
  returned: when diff mode is on
  type: dict
  sample:
    before: {target: orders-2.example.net:8443, weight: 50}
    after: {target: orders-2.example.net:8443, weight: 0}
`
