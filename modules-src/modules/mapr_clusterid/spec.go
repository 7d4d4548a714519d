// Package maprclusterid is platform.ops.mapr_clusterid: read a MapR node's
// cluster id and configuration, configure the node with configure.sh only
// when its configuration differs, and regenerate the cluster id only behind
// guards that stop it from destroying a live cluster.
package maprclusterid

import (
	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/mapr"
)

// executor runs configure.sh, maprcli and systemctl; tests may swap it.
var executor mapr.Executor = mapr.OSExecutor{}

func pathOpt(desc ...string) *ansible.Option {
	return &ansible.Option{Type: ansible.Path, Description: desc}
}
func boolOpt(def bool, desc ...string) *ansible.Option {
	return &ansible.Option{Type: ansible.Bool, Default: def, Description: desc}
}

// Definition is platform.ops.mapr_clusterid.
var Definition = &ansible.Definition{
	Name:             "mapr_clusterid",
	ShortDescription: "Read, configure or (guarded) regenerate a MapR node's cluster id",
	Description: []string{
		"C(read) returns the cluster id from C(<mapr_home>/conf/clusterid) (falling back to C(maprcli license showid)), and the cluster name, security and CLDB nodes from the first line of C(mapr-clusters.conf). It never changes anything.",
		"C(present) runs C(configure.sh -N <name> -C <cldbs> -Z <zks> -no-autostart -on-prompt-cont y) only when the node's configuration differs: other cluster name, other CLDB set (compared sorted, with the default port 7222 added), other ZooKeeper set (from C(warden.conf), default port 5181) or other I(secure). " +
			"Its diff shows C(mapr-clusters.conf) and the files configure.sh rewrites for the ZooKeeper set (C(warden.conf), on CLDB nodes C(cldb.conf)): predicted in check mode, as written after a real run.",
		"With C(--diff), C(regenerated) shows C(clusterid) being removed, C(mapr-clusters.conf) before and after, and the backups it makes with the exact configure.sh argument vector, in check mode too.",
		"C(regenerated) deletes C(clusterid) and C(mapr-clusters.conf) (after a timestamped backup in C(conf/conf.old/)) and runs configure.sh again. " +
			"Each guard lets it go on only with positive evidence that it is safe, and refuses whatever it cannot prove, naming what it tried: " +
			"the CLDB must be proven down (C(maprcli node cldbmaster) fails saying it cannot connect; a CLDB that answers, a missing maprcli, an authentication failure (give I(ticket_file)), any other failure or a timeout refuse), " +
			"mapr-warden must be proven stopped (see I(warden_check); unless I(stop_warden=true)), and no data marker may exist or be unreadable (unless I(force=true)): " +
			"C(conf/mapruserticket), C(conf/disktab), a non-empty C(zkdata/version-2), or a C(cldb.log) that reached RUNNING.",
		"A regeneration ends either as before or fully regenerated, and C(regeneration) in the result says which: " +
			"SIGTERM, SIGINT, SIGHUP or the task's C(timeout) stop configure.sh and put both files back; " +
			"for a module killed outright, C(conf/conf.old/regeneration.json) records the backups first, and the next C(present) or C(regenerated) task puts the files back from them.",
		"Every tool is executed directly with an argument vector, never through a shell; host and cluster names are validated so that no value can be taken for an option.",
	},
	Notes: []string{
		"Which component writes C(conf/clusterid), and when, is not documented publicly. The evidence points at the CLDB on its first start, not configure.sh. After C(present) or C(regenerated) the id may therefore still be missing; the module then returns C(cluster_id=null) with a warning instead of failing.",
		"C(regenerated) is an action, not a state: every run that passes the guards removes the id and the configuration, runs configure.sh and reports a change (with a new backup in C(conf/conf.old/)). " +
			"To make a playbook safe to re-run, give I(only_if_cluster_id) the id to replace: once the node no longer has it, the task is C(ok) and does nothing.",
		"After a regeneration C(conf/clusterid) is the source of truth: C(read) does not fall back to C(maprcli license showid) when that still reports the replaced id (the cluster's CLDB/ZooKeeper state keeps it).",
		"On a node whose CLDB or ZooKeeper state already exists, C(regenerated) may bring back the old id (it is kept in that state); the module warns when the id did not change.",
		"configure.sh keeps the first line of C(mapr-clusters.conf) as the current cluster and only appends a line for another name, so C(present) with another I(cluster_name) on a configured node fails with a clear message; use C(regenerated) for a rename.",
		"The ZooKeeper set is read from C(zookeeper.servers) in C(warden.conf); a node whose warden.conf lacks it is always reconfigured by C(present).",
		"When configure.sh fails, C(mapr-clusters.conf) (and with C(regenerated) also C(clusterid)) is put back as it was, and the error lines and the tail of C(configure.log) are returned.",
	},
	CheckMode: ansible.Full,
	DiffMode:  ansible.Full,
	Spec: ansible.Spec{
		Options: map[string]*ansible.Option{
			"state": {
				Type: ansible.Str, Default: "read", Choices: []any{"read", "present", "regenerated"},
				Description: []string{"C(read) only reports; C(present) configures the node when its configuration differs; C(regenerated) removes the id and the cluster configuration and configures again, behind the guards above."},
			},
			"cluster_name": {Type: ansible.Str, Description: []string{"Cluster name (C(configure.sh -N)). Required with C(present) and C(regenerated).",
				"Letters, digits, C(.), C(_) and C(-), starting with a letter or digit."}},
			"cldb_nodes": {Type: ansible.List, Elements: ansible.Str, Description: []string{"CLDB hosts as C(host) or C(host:port) (C(configure.sh -C)). Required with C(present) and C(regenerated). Order does not matter."}},
			"zk_nodes":   {Type: ansible.List, Elements: ansible.Str, Description: []string{"ZooKeeper hosts as C(host) or C(host:port) (C(configure.sh -Z)). Required with C(present) and C(regenerated). Order does not matter."}},
			"secure":     {Type: ansible.Bool, Description: []string{"C(true) passes C(-secure), C(false) C(-unsecure). Unset keeps what the node has (configure.sh inherits it; with C(regenerated), which removes C(mapr-clusters.conf) first, the module passes C(-secure) itself when the node's line says C(secure=true))."}},
			"configure_args": {Type: ansible.List, Elements: ansible.Str, Description: []string{
				"Extra words for configure.sh, e.g. C([-u, mapr, -g, mapr, -genkeys]). Each list item is one argument.",
				"The options the module manages, or that would change what it manages, are refused here: C(-N), C(-C), C(-M) (multi-homed CLDB list), C(-Z), C(-R), " +
					"C(-secure), C(-S), C(-unsecure), C(-no-autostart), C(-on-prompt-cont) and C(-c) (client-only mode)."}},
			"mapr_home":      {Type: ansible.Path, Default: "/opt/mapr", Description: []string{"MapR installation directory."}},
			"configure_path": pathOpt("Path of configure.sh. Default is C(<mapr_home>/server/configure.sh)."),
			"maprcli_path":   pathOpt("Path of maprcli, used to ask the CLDB (C(read) fallback and the C(regenerated) guard). Default is C(<mapr_home>/bin/maprcli)."),
			"systemctl_path": {Type: ansible.Path, Default: "systemctl", Description: []string{"systemctl used to query and stop mapr-warden (found on PATH by default)."}},
			"ticket_file":    pathOpt("MapR ticket exported as C(MAPR_TICKETFILE_LOCATION) for maprcli. Default is C(<mapr_home>/conf/mapruserticket) when it exists."),
			"force":          boolOpt(false, "With C(regenerated), proceed although data markers show the node was part of a running cluster. The markers found are returned."),
			"stop_warden":    boolOpt(false, "With C(regenerated), stop mapr-warden (C(systemctl stop mapr-warden)) and wait until I(warden_check) proves it stopped instead of refusing. Warden is never started by this module."),
			"warden_check": {
				Type: ansible.Str, Default: "systemctl", Choices: []any{"systemctl", "process"},
				Description: []string{
					"How C(regenerated) tells that mapr-warden is stopped.",
					"C(systemctl): C(systemctl is-active mapr-warden) must exit 3 printing C(inactive), C(failed) or C(unknown); any other answer (another exit status, " +
						"\"System has not been booted with systemd\", a timeout) is a refusal, as it proves nothing.",
					"C(process): for hosts systemd does not manage. Warden counts as stopped when C(<mapr_home>/pid/warden.pid) does not exist or names no running process; " +
						"a pid file that cannot be read or holds no pid is a refusal.",
				},
			},
			"only_if_cluster_id": {
				Type: ansible.Str,
				Description: []string{
					"With C(regenerated): regenerate only while C(conf/clusterid) still holds this id. Otherwise (the id was already replaced, or the file is absent until the CLDB first starts) " +
						"the task is C(ok), changes nothing, asks nothing and says why in C(msg), so the playbook can run again safely.",
				},
			},
			"timeout": {Type: ansible.Int, Default: 600, Description: []string{"Seconds configure.sh, each systemctl call and the wait for warden to stop may take before the task fails. maprcli queries are limited to the smaller of this and 120 seconds."}},
		},
		RequiredIf: []ansible.RequiredIf{
			{Key: "state", Value: "present", Requires: []string{"cluster_name", "cldb_nodes", "zk_nodes"}},
			{Key: "state", Value: "regenerated", Requires: []string{"cluster_name", "cldb_nodes", "zk_nodes"}},
		},
	},
	Examples: examples,
	Returns:  returns,
	Run:      run,
}
