package kongupstream

const examples = `- name: An upstream over two host names, with active health checks
  platform.ops.kong_upstream:
    admin_url: http://localhost:8001
    name: orders.internal
    algorithm: least-connections
    healthchecks:
      active:
        http_path: /healthz
        timeout: 2.5
        healthy:
          interval: 5
          successes: 2
        unhealthy:
          interval: 5
          http_failures: 3
          http_statuses: [500, 502, 503]
    targets:
      - target: orders-1.example.net:8443
      - target: orders-2.example.net:8443
        weight: 50
    exclusive_targets: true

- name: A service that sends its traffic to the upstream
  platform.ops.kong_service:
    name: orders
    host: orders.internal
    protocol: https
    port: 8443

- name: Hash on a header, passive checks only
  platform.ops.kong_upstream:
    name: sessions.internal
    algorithm: consistent-hashing
    hash_on: header
    hash_on_header: x-session-id
    healthchecks:
      passive:
        unhealthy:
          http_failures: 5
          timeouts: 3

- name: Own the whole upstream (fields left out go back to Kong's defaults)
  platform.ops.kong_upstream:
    name: orders.internal
    algorithm: least-connections
    strict: true

- name: Delete an upstream and its targets
  platform.ops.kong_upstream:
    name: orders.internal
    state: absent
`

const returns = `upstream:
  description:
    - The upstream as Kong holds it after the task (in check mode, as it would be).
    - Kong returns every field, the whole healthchecks tree with its defaults; unset fields are null.
  returned: when I(state=present)
  type: dict
  sample:
    id: 3e2d1c0b-9a8f-4e7d-8c6b-5a4f3e2d1c0b
    name: orders.internal
    algorithm: least-connections
    hash_on: none
    hash_fallback: none
    hash_on_cookie_path: /
    slots: 10000
    host_header: null
    client_certificate: null
    use_srv_name: false
    tags: null
    healthchecks:
      threshold: 0
      active:
        type: http
        http_path: /healthz
        timeout: 2.5
        concurrency: 10
        https_sni: null
        https_verify_certificate: true
        headers: null
        healthy: {interval: 5, successes: 2, http_statuses: [200, 302]}
        unhealthy: {interval: 5, http_failures: 3, tcp_failures: 0, timeouts: 0, http_statuses: [500, 502, 503]}
      passive:
        type: http
        healthy: {successes: 0, http_statuses: [200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 306, 307, 308]}
        unhealthy: {http_failures: 0, tcp_failures: 0, timeouts: 0, http_statuses: [429, 500, 503]}
    created_at: 1700000000
    updated_at: 1700000000
targets:
  description:
    - With I(targets), every target the upstream has after the task (in check mode, as it would be), sorted by address.
    - A target the task creates in check mode has no id yet.
  returned: when I(state=present) and I(targets) is given
  type: list
  elements: dict
  sample:
    - {id: 9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d, target: orders-1.example.net:8443, weight: 100, tags: null,
       upstream: {id: 3e2d1c0b-9a8f-4e7d-8c6b-5a4f3e2d1c0b}, created_at: 1700000000.123}
changes:
  description:
    - Fields that were (or, in check mode, would be) changed, as dotted paths into records (C(healthchecks.active.timeout)). Empty when nothing changed.
    - C(targets) when a listed target was created or changed, or another deleted.
  returned: always
  type: list
  elements: str
  sample: [healthchecks.active.timeout, targets]
operation:
  description: What the task did to the upstream (C(update) also when only its targets changed).
  returned: always
  type: str
  choices: [create, update, delete, none]
  sample: update
diff:
  description:
    - Before and after of the fields the task manages (with C(--diff)), and with I(targets) the listed targets (and the ones deleted).
  returned: when diff mode is on
  type: dict
  sample:
    before:
      name: orders.internal
      healthchecks: {active: {timeout: 1}}
      targets: [{target: orders-1.example.net:8443}]
    after:
      name: orders.internal
      healthchecks: {active: {timeout: 2.5}}
      targets: [{target: orders-1.example.net:8443}, {target: orders-2.example.net:8443, weight: 50}]
`
