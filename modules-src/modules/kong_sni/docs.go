package kongsni

const examples = `- name: Serve the certificate of www.example.com for api.example.com too
  platform.ops.kong_sni:
    admin_url: http://localhost:8001
    name: api.example.com
    certificate: www.example.com

- name: Attach a wildcard name to a certificate by its id
  platform.ops.kong_sni:
    name: '*.apps.example.com'
    certificate: 2f0c4b3a-1d9e-4c8b-a7f6-5e4d3c2b1a09
    tags: [team-edge]

- name: Detach a name
  platform.ops.kong_sni:
    name: api.example.com
    state: absent
`

const returns = `sni:
  description:
    - The SNI as Kong holds it after the task (in check mode, as it would be).
    - "The certificate is returned as C({id: ...})."
  returned: when I(state=present)
  type: dict
  sample:
    id: 0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e
    name: api.example.com
    certificate: {id: 2f0c4b3a-1d9e-4c8b-a7f6-5e4d3c2b1a09}
    tags: null
    created_at: 1700000000
    updated_at: 1700000000
changes:
  description: Fields that were (or, in check mode, would be) changed. Empty when nothing changed.
  returned: always
  type: list
  elements: str
  sample: [certificate.id]
operation:
  description: What the task did to the SNI.
  returned: always
  type: str
  choices: [create, update, delete, none]
  sample: create
diff:
  description: Before and after of the fields the task manages (with C(--diff)).
  returned: when diff mode is on
  type: dict
  sample:
    before: {name: api.example.com, certificate: {id: 2f0c4b3a-1d9e-4c8b-a7f6-5e4d3c2b1a09}}
    after: {name: api.example.com, certificate: {id: 7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d}}
`
