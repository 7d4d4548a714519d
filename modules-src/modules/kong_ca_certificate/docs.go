package kongcacertificate

const examples = `- name: Trust the internal CA
  platform.ops.kong_ca_certificate:
    admin_url: http://localhost:8001
    cert: "{{ lookup('ansible.builtin.file', 'internal-ca.pem') }}"
    tags: [pki]

- name: Remove a CA by its digest
  platform.ops.kong_ca_certificate:
    cert_digest: 6a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b
    state: absent
`

const returns = `ca_certificate:
  description:
    - The CA certificate as Kong holds it after the task (in check mode, as it would be).
  returned: when I(state=present)
  type: dict
  sample:
    id: 4c3b2a19-0817-4f6e-9d5c-4b3a29180f7e
    cert: "-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----\n"
    cert_digest: 6a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b
    tags: [pki]
    created_at: 1700000000
    updated_at: 1700000000
changes:
  description: Fields that were (or, in check mode, would be) changed. Empty when nothing changed.
  returned: always
  type: list
  elements: str
  sample: [tags]
operation:
  description: What the task did to the CA certificate.
  returned: always
  type: str
  choices: [create, update, delete, none]
  sample: create
diff:
  description: Before and after of the fields the task manages (with C(--diff)).
  returned: when diff mode is on
  type: dict
  sample:
    before: {tags: [pki]}
    after: {tags: [pki, internal]}
`
