package maprlicense

const examples = `- name: Add the cluster license from a file already on the CLDB node
  platform.ops.mapr_license:
    src: /tmp/maprlicense.txt
    mapr_user: mapr
  run_once: true

- name: Add a license kept in Ansible Vault
  platform.ops.mapr_license:
    content: "{{ vault_mapr_license }}"
    ticket_file: /opt/mapr/conf/mapruserticket
  register: license
  run_once: true

- name: Show which license was added and when it expires
  ansible.builtin.debug:
    msg: "{{ license.license_id | default('(no id)') }} expires {{ license.expires.date | default('never') }}"

- name: Preview without touching the cluster
  platform.ops.mapr_license:
    src: /tmp/maprlicense.txt
  check_mode: true

- name: Remove a license by its id
  platform.ops.mapr_license:
    license_id: "Dc2TEsJGHQx6LuhRbhIJKhhI/Vo="
    state: absent
`

const returns = `license_id:
  description:
    - Id of the license (the C(hash:) of its text, as C(maprcli license list) shows it).
    - After a license was added, the id C(maprcli license list) shows for it, also for a license without a C(hash:) line.
  returned: when the license has a C(hash:) line, after a license was added, and with I(state=absent)
  type: str
  sample: Dc2TEsJGHQx6LuhRbhIJKhhI/Vo=
cluster_id:
  description: Cluster id reported by C(maprcli license showid), when it was queried.
  returned: when I(check_cluster_id=true) and the license is bound to a cluster
  type: str
  sample: "5119043355327235351"
licenses:
  description: Licenses installed after the task (before it in check mode), without their text.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: License id.
      type: str
    description:
      description: License description, e.g. C(MapR Enterprise Trial Edition).
      type: str
    deletable:
      description: Whether the license can be removed (built-in licenses cannot).
      type: bool
    grace:
      description: Grace flag as maprcli reports it.
      type: bool
    isAdditionalFeature:
      description: Whether the license adds features to another one.
      type: bool
expires:
  description: Expiry of the license from its C(expirationdate:) line.
  returned: when the license has an expiry
  type: dict
  contains:
    epoch:
      description: Unix seconds.
      type: int
    date:
      description: ISO 8601 date and time (UTC).
      type: str
    text:
      description: The license's own C(expdateStr:) text.
      type: str
  sample: {"epoch": 1552602076, "date": "2019-03-14T22:21:16Z", "text": "Thu Mar 14 22:21:16 UTC 2019"}
installed:
  description:
    - Whether the license is installed after the task.
    - In check mode, whether it is installed now, so a check-mode task tells whether a real one would add or remove it.
  returned: success
  type: bool
  sample: true
hints:
  description: Follow-up actions, e.g. restarting NFS servers and standby CLDBs after a license was added.
  returned: after a license was really added (not in check mode, not with I(state=absent))
  type: list
  elements: str
`
