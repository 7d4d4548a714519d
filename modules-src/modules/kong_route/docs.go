package kongroute

const examples = `- name: Route /test (GET and POST) to example-service, stripping the prefix
  platform.ops.kong_route:
    admin_url: http://localhost:8001
    name: example-route
    service: example-service
    paths: [/test]
    methods: [GET, POST]
    strip_path: true

- name: A regex path, written the Kong 3.x way (the ~ is removed for Kong 2.8)
  platform.ops.kong_route:
    name: user-by-id
    service: users
    paths: ['~/users/\d+$']
    regex_priority: 10

- name: Match on host and header, HTTPS only, redirect plain HTTP with 301
  platform.ops.kong_route:
    name: api-v2
    service: api
    protocols: [https]
    hosts: [api.example.com, '*.api.example.com']
    headers:
      x-api-version: ['2', '2.1']
    https_redirect_status_code: 301
    tags: [team-edge]

- name: A TCP route matched on destination port
  platform.ops.kong_route:
    name: postgres
    service: postgres-upstream
    protocols: [tcp]
    destinations:
      - port: 5432

- name: Own the whole route (fields left out go back to Kong's defaults)
  platform.ops.kong_route:
    name: example-route
    service: example-service
    paths: [/test]
    strict: true

- name: Preview a change (nothing is written; Kong validates the result)
  platform.ops.kong_route:
    name: example-route
    methods: [GET]
  check_mode: true
  diff: true

- name: Delete a route (and, through Kong, its plugins)
  platform.ops.kong_route:
    name: example-route
    state: absent
`

const returns = `route:
  description:
    - The route as Kong holds it after the task (in check mode, as it would be).
    - "Kong returns every field; unset ones are null. The service is returned as C({id: ...})."
  returned: when I(state=present)
  type: dict
  sample:
    id: 4e3ad2e4-0bc4-4638-8e34-c84a417ba39b
    name: example-route
    service: {id: 9f3c6b0e-1111-4222-8333-444455556666}
    protocols: [http, https]
    methods: [GET, POST]
    hosts: null
    paths: [/test]
    headers: null
    snis: null
    sources: null
    destinations: null
    strip_path: true
    preserve_host: false
    path_handling: v0
    regex_priority: 0
    https_redirect_status_code: 426
    request_buffering: true
    response_buffering: true
    tags: null
    created_at: 1700000000
    updated_at: 1700000000
changes:
  description: Fields that were (or, in check mode, would be) changed. Empty when nothing changed.
  returned: always
  type: list
  elements: str
  sample: [methods]
operation:
  description: What the task did to the route.
  returned: always
  type: str
  choices: [create, update, delete, none]
  sample: update
diff:
  description: Before and after of the fields the task manages (with C(--diff)).
  returned: when diff mode is on
  type: dict
  sample:
    before: {name: example-route, methods: [GET]}
    after: {name: example-route, methods: [GET, POST]}
`
