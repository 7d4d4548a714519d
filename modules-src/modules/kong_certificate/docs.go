package kongcertificate

const examples = `- name: The certificate of www.example.com and example.com
  platform.ops.kong_certificate:
    admin_url: http://localhost:8001
    cert: "{{ lookup('ansible.builtin.file', 'example.com.crt') }}"
    key: "{{ vault_example_com_key }}"
    snis: [example.com, www.example.com]
    tags: [team-edge]

- name: Renew it (found by its SNIs, cert and key replaced)
  platform.ops.kong_certificate:
    cert: "{{ lookup('ansible.builtin.file', 'example.com-2025.crt') }}"
    key: "{{ vault_example_com_2025_key }}"
    snis: [example.com, www.example.com]

- name: An RSA and an ECDSA certificate for the same names
  platform.ops.kong_certificate:
    cert: "{{ lookup('ansible.builtin.file', 'api-rsa.crt') }}"
    key: "{{ vault_api_rsa_key }}"
    cert_alt: "{{ lookup('ansible.builtin.file', 'api-ecdsa.crt') }}"
    key_alt: "{{ vault_api_ecdsa_key }}"
    snis: [api.example.com]

- name: A client certificate for upstreams, without SNIs (found by its PEM)
  platform.ops.kong_certificate:
    cert: "{{ lookup('ansible.builtin.file', 'kong-client.crt') }}"
    key: "{{ vault_kong_client_key }}"

- name: Delete the certificate that serves www.example.com, with its SNIs
  platform.ops.kong_certificate:
    snis: [www.example.com]
    state: absent
`

const returns = `certificate:
  description:
    - The certificate as Kong holds it after the task (in check mode, as it would be), with C(key) and C(key_alt) masked.
    - C(snis) are the names it serves, sorted.
  returned: when I(state=present)
  type: dict
  sample:
    id: 2f0c4b3a-1d9e-4c8b-a7f6-5e4d3c2b1a09
    cert: "-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----\n"
    key: "********"
    cert_alt: null
    key_alt: null
    snis: [example.com, www.example.com]
    tags: [team-edge]
    created_at: 1700000000
    updated_at: 1700000000
changes:
  description: Fields that were (or, in check mode, would be) changed. Empty when nothing changed.
  returned: always
  type: list
  elements: str
  sample: [cert, key]
operation:
  description: What the task did to the certificate.
  returned: always
  type: str
  choices: [create, update, delete, none]
  sample: update
diff:
  description: Before and after of the fields the task manages (with C(--diff)), the keys masked.
  returned: when diff mode is on
  type: dict
  sample:
    before: {snis: [www.example.com]}
    after: {snis: [example.com, www.example.com]}
`
