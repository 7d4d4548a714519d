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
		"C(present) runs C(configure.sh -N <name> -C <cldbs> -Z <zks> -no-autostart -on-prompt-cont y) only when the node's configuration differs: other cluster name, other CLDB set (compared sorted, with the default port 7222 added), other ZooKeeper set (from C(warden.conf), default port 5181) or other I(secure). It diffs C(mapr-clusters.conf).",
		"C(regenerated) deletes C(clusterid) and C(mapr-clusters.conf) (after a timestamped backup in C(conf/conf.old/)) and runs configure.sh again. It refuses while the CLDB answers (C(maprcli node cldbmaster)) or while maprcli cannot tell because it fails to authenticate (give I(ticket_file)), while mapr-warden runs (unless I(stop_warden=true)) and while any data marker exists (unless I(force=true)): C(conf/mapruserticket), C(conf/disktab), a non-empty C(zkdata/version-2), or a C(cldb.log) that reached RUNNING.",
		"Every tool is executed directly with an argument vector, never through a shell; host and cluster names are validated so that no value can be taken for an option.",
	},
	Notes: []string{
		"Which component writes C(conf/clusterid), and when, is not documented publicly. The evidence points at the CLDB on its first start, not configure.sh. After C(present) or C(regenerated) the id may therefore still be missing; the module then returns C(cluster_id=null) with a warning instead of failing.",
		"C(regenerated) is an action, not a state: every run that passes the guards removes the id and the configuration, runs configure.sh and reports a change (with a new backup in C(conf/conf.old/)). " +
			"Run it once, for example from a playbook run by hand, not in a playbook that is applied repeatedly.",
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
			"stop_warden":    boolOpt(false, "With C(regenerated), stop mapr-warden (C(systemctl stop mapr-warden)) and wait until it is inactive instead of refusing. Warden is never started by this module."),
			"timeout":        {Type: ansible.Int, Default: 600, Description: []string{"Seconds configure.sh, each systemctl call and the wait for warden to stop may take before the task fails. maprcli queries are limited to the smaller of this and 120 seconds."}},
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
