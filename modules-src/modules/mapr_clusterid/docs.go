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

- name: Give a freshly imaged node a new cluster id (never on a live cluster)
  platform.ops.mapr_clusterid:
    state: regenerated
    cluster_name: lab.mapr.local
    cldb_nodes: [lab1]
    zk_nodes: [lab1]
    stop_warden: true
  register: regen

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
  description: Backup copies made before C(regenerated) removed the files.
  returned: with I(state=regenerated), when not in check mode
  type: list
  elements: str
markers:
  description: Data markers found on the node (reason for a refusal, or overridden by I(force)).
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
