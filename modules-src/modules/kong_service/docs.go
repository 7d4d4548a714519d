package kongservice

const examples = `- name: Create or update a service from a URL
  platform.ops.kong_service:
    admin_url: http://localhost:8001
    name: example-service
    url: http://httpbin.org/anything
    tags: [team-edge, demo]

- name: Same, with the fields spelled out and longer timeouts
  platform.ops.kong_service:
    name: orders
    protocol: https
    host: orders.internal
    port: 8443
    path: /v2
    read_timeout: 120000
    retries: 2

- name: Set connection options once for several Kong tasks (module_defaults also works on a play)
  module_defaults:
    group/platform.ops.kong:
      admin_url: https://kong-admin.example.com:8444
      admin_token: "{{ vault_kong_admin_token }}"
      ca_path: /etc/ssl/kong-admin-ca.pem
  block:
    - name: Disable a service without touching anything else
      platform.ops.kong_service:
        name: legacy-billing
        enabled: false

- name: Own the whole service (fields left out go back to Kong's defaults)
  platform.ops.kong_service:
    name: orders
    url: https://orders.internal:8443/v2
    strict: true

- name: Verify the upstream certificate against a CA known to Kong
  platform.ops.kong_service:
    name: payments
    url: https://payments.internal
    tls_verify: true
    tls_verify_depth: 2
    ca_certificates:
      - 4e3ad2e4-0bc4-4638-8e34-c84a417ba39b

- name: Preview a change (nothing is written; Kong validates the result)
  platform.ops.kong_service:
    name: orders
    port: 9443
  check_mode: true
  diff: true
  register: preview

- name: Delete a service and its routes
  platform.ops.kong_service:
    name: legacy-billing
    state: absent
    cascade: true

- name: Find a service by id and rename it
  platform.ops.kong_service:
    id: 2f4b8a4e-6c1e-4c59-9a36-0f5c1c6f2b11
    name: orders-v2
`

const returns = `service:
  description:
    - The service as Kong holds it after the task (in check mode, as it would be).
    - Kong returns every field; unset ones are null. Kong never returns I(url).
  returned: when C(state=present)
  type: dict
  sample:
    id: 9f3c6b0e-1111-4222-8333-444455556666
    name: example-service
    protocol: http
    host: httpbin.org
    port: 80
    path: /anything
    retries: 5
    connect_timeout: 60000
    read_timeout: 60000
    write_timeout: 60000
    tags: [demo, team-edge]
    enabled: true
    tls_verify: null
    tls_verify_depth: null
    client_certificate: null
    ca_certificates: null
    created_at: 1700000000
    updated_at: 1700000000
changes:
  description: Fields that were (or, in check mode, would be) changed, as dotted paths. Empty when nothing changed.
  returned: always
  type: list
  elements: str
  sample: [port, tags]
operation:
  description: What the task did to the service.
  returned: always
  type: str
  choices: [create, update, delete, none]
  sample: update
deleted_routes:
  description: Names (or ids, for unnamed routes) of the routes deleted with the service by C(cascade=true).
  returned: when C(state=absent) and routes were deleted
  type: list
  elements: str
  sample: [orders-get, orders-post]
diff:
  description:
    - Before and after of the fields the task manages, i.e. the options given (all fields with I(strict=true)), with C(--diff).
    - On delete, C(before) is the whole service plus the C(routes) deleted with it.
  returned: when diff mode is on
  type: dict
  sample:
    before: {name: orders, port: 80}
    after: {name: orders, port: 8080}
`
