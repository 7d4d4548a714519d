package maprclusterid

const examples = `- name: Read the cluster id and configuration
  platform.ops.mapr_clusterid:
  register: mapr

- name: Configure the node (runs configure.sh only when something differs)
  platform.ops.mapr_clusterid:
    state: present
    cluster_name: demo.mapr.com
    cldb_nodes: [cldb1.example.com, cldb2.example.com]
    zk_nodes: [zk1.example.com, zk2.example.com, zk3.example.com]
    secure: false
    configure_args: [-u, mapr, -g, mapr]

- name: Give a freshly imaged node a new cluster id, once (never on a live cluster)
  platform.ops.mapr_clusterid:
    state: regenerated
    cluster_name: lab.mapr.local
    cldb_nodes: [lab1]
    zk_nodes: [lab1]
    stop_warden: true
    # The id of the image: a rerun after the regeneration is "ok" and does nothing.
    only_if_cluster_id: "5119043355327235351"
  register: regen

- name: The same on a host systemd does not manage (a container)
  platform.ops.mapr_clusterid:
    state: regenerated
    cluster_name: lab.mapr.local
    cldb_nodes: [lab1]
    zk_nodes: [lab1]
    warden_check: process
    only_if_cluster_id: "5119043355327235351"

- name: Show the old and the new id
  ansible.builtin.debug:
    msg: "{{ regen.previous_cluster_id | default('none', true) }} -> {{ regen.cluster_id | default('assigned when the CLDB first starts', true) }}"
`

const returns = `cluster_id:
  description:
    - The cluster id (19 digits), or null when none is known yet (the CLDB assigns it when it first starts).
    - In check mode with I(state=regenerated), the current (old) id, as nothing was removed; the new one is known only after a real run.
  returned: always
  type: str
  sample: "5119043355327235351"
source:
  description: Where C(cluster_id) came from, C(file) (C(conf/clusterid)), C(maprcli) (C(maprcli license showid)) or C(none).
  returned: always
  type: str
  sample: file
cluster_name:
  description: Name of the current cluster (first line of C(mapr-clusters.conf)), null when the node is not configured.
  returned: always
  type: str
  sample: demo.mapr.com
secure:
  description: Whether the current cluster line says C(secure=true).
  returned: when the node is configured
  type: bool
cldb_nodes:
  description: CLDB nodes of the current cluster line, as C(host:port).
  returned: when the node is configured
  type: list
  elements: str
  sample: ["cldb1.example.com:7222"]
zk_nodes:
  description: ZooKeeper nodes from C(warden.conf), as C(host:port).
  returned: when warden.conf lists them
  type: list
  elements: str
configured:
  description: Whether C(mapr-clusters.conf) exists.
  returned: always
  type: bool
command:
  description: The configure.sh argument vector that ran (or would run in check mode).
  returned: when configure.sh ran or would run
  type: list
  elements: str
previous_cluster_id:
  description: Cluster id before C(regenerated).
  returned: with I(state=regenerated)
  type: str
backups:
  description:
    - Backup copies made before C(regenerated) removed the files.
    - In check mode, the backups a real run would make.
  returned: with I(state=regenerated), when the guards let it go on
  type: list
  elements: str
regeneration:
  description:
    - How a C(regenerated) task left the node.
    - C(completed) - configure.sh finished; the node is regenerated.
    - C(restored) - the task was stopped half-way (configure.sh failed, a signal, the task's timeout) and both files were put back as before.
    - C(incomplete) - stopped half-way and a file could not be put back; C(msg) names it and its backup.
    - C(not_started) - refused by a guard, or stopped before any file was touched.
    - C(skipped) - I(only_if_cluster_id) did not match; nothing was done.
  returned: with I(state=regenerated), not in check mode
  type: str
  sample: completed
last_regeneration:
  description:
    - The record of the last regeneration of this node (C(conf/conf.old/regeneration.json)).
    - C(state) is C(running) while one has not finished, else as C(regeneration) above.
    - Also C(started), C(finished), C(pid), C(previous_cluster_id), C(backups), C(command) and a C(note).
  returned: with I(state=read), when a regeneration record exists
  type: dict
recovered:
  description: The record of an interrupted regeneration whose files this task put back first (with a warning).
  returned: when an interrupted regeneration was found
  type: dict
markers:
  description:
    - Data markers found on the node (reason for a refusal, or overridden by I(force)).
    - Markers that could not be read are named in C(msg) (a refusal) or a warning (with I(force)).
  returned: with I(state=regenerated)
  type: list
  elements: str
warden_stopped:
  description:
    - Whether the module stopped mapr-warden.
    - In check mode, whether it would stop it (mapr-warden is active and I(stop_warden=true)); nothing is stopped.
  returned: with I(state=regenerated)
  type: bool
configure_errors:
  description: The C(ERROR) and C(WARN) lines configure.sh printed when it failed.
  returned: on configure.sh failure
  type: list
  elements: str
configure_log:
  description: Last lines of C(configure.log) when configure.sh failed.
  returned: on configure.sh failure
  type: list
  elements: str
`
