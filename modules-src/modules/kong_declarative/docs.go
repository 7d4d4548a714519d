package kongdeclarative

const examples = `- name: Converge Kong to the files of team-edge (as deck sync --select-tag team-edge)
  platform.ops.kong_declarative:
    admin_url: http://localhost:8001
    src:
      - kong/services.yaml
      - kong/consumers.yaml
    select_tags: [team-edge]
    prune: true
  delegate_to: localhost

- name: Create and update only (as deck gateway apply)
  platform.ops.kong_declarative:
    state:
      _format_version: "3.0"
      services:
        - name: example-service
          url: http://httpbin.org/anything
          routes:
            - name: example-route
              paths: [/test]
              methods: [GET, POST]
          plugins:
            - name: rate-limiting
              config: {minute: 5, policy: local}
      consumers:
        - username: example-user
          keyauth_credentials:
            - key: "{{ vault_example_key }}"
  no_log: false

- name: Preview what would change, field by field
  platform.ops.kong_declarative:
    src: kong.yaml
    select_tags: [team-edge]
    prune: true
  check_mode: true
  diff: true
  register: preview

- name: Show the counts
  ansible.builtin.debug:
    var: preview.summary

- name: A state encrypted with Ansible Vault
  platform.ops.kong_declarative:
    state: "{{ lookup('ansible.builtin.unvault', 'kong.vault.yaml') | from_yaml }}"
    select_tags: [team-edge]
`

const returns = `summary:
  description:
    - Per entity type (C(services), C(routes), C(consumers), C(plugins), C(keyauth_credentials), ...), how many entities were (in check mode, would be)
      created, updated, deleted, and how many were already as declared.
  returned: always, also on a failure while writing
  type: dict
  sample:
    services: {created: 1, updated: 0, deleted: 0, unchanged: 999}
    routes: {created: 0, updated: 2, deleted: 1, unchanged: 997}
changes:
  description:
    - One entry per entity written (in check mode, to write), with its type, its name (a credential by what identifies it, never by a key),
      its path in the state (null for a delete of an entity the state does not declare), the action and the changed fields.
  returned: always, also on a failure while writing (then what was written before it)
  type: list
  elements: dict
  sample:
    - {type: routes, name: example-route, path: "services[0].routes[0]", action: update, fields: [methods]}
    - type: plugins
      name: rate-limiting (service example-service)
      path: "services[0].plugins[0]"
      action: create
      fields: [config.minute, name, service.id]
not_written:
  description:
    - The writes the plan held that a failure stopped (a failure stops new writes; the ones under way finish), with the error of the one that failed.
      A rerun finishes the job.
  returned: on a failure while writing
  type: list
  elements: dict
  sample:
    - {type: plugins, name: "cors (route r1)", path: "services[0].routes[0].plugins[0]", action: create, error: null}
diff:
  description:
    - With C(--diff), one entry per entity written, with only the changed fields (the whole entity for a delete), references by name, secrets masked.
  returned: when diff mode is on
  type: list
  elements: dict
  sample:
    - before_header: route example-route (update)
      after_header: route example-route (update)
      before: {methods: [GET]}
      after: {methods: [GET, POST]}
`
