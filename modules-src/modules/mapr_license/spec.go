// Package maprlicense is platform.ops.mapr_license: add (or remove) a MapR
// license once, matched by the hash: in the license against the ids
// `maprcli license list` shows.
package maprlicense

import (
	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/mapr"
)

// executor runs maprcli; tests swap it for a scripted fake.
var executor mapr.Executor = mapr.OSExecutor{}

func strOpt(desc ...string) *ansible.Option {
	return &ansible.Option{Type: ansible.Str, Description: desc}
}
func pathOpt(desc ...string) *ansible.Option {
	return &ansible.Option{Type: ansible.Path, Description: desc}
}

// Definition is platform.ops.mapr_license.
var Definition = &ansible.Definition{
	Name:             "mapr_license",
	ShortDescription: "Add or remove a MapR (HPE Ezmeral Data Fabric) license, once",
	Description: []string{
		"Adds a license with C(maprcli license add) only when it is not installed yet, so re-runs report ok instead of failing on maprcli's duplicate error.",
		"The license is identified by the C(hash:) line of its text, which C(maprcli license list) shows as the license's C(id). A license without a C(hash:) line is compared by its text.",
		"Before calling C(maprcli license add) the module refuses a text that does not look like a MapR license (no C(-----BEGIN SIGNED MESSAGE-----) line; " +
			"the module does not check the signature), a license that has expired, or (I(check_cluster_id=true)) one bound to another cluster id than C(maprcli license showid) reports.",
		"After adding, the module lists the licenses again and fails if the new one is not there.",
		"Runs on the node where maprcli is installed (e.g. a CLDB node, C(run_once: true)). maprcli is executed directly, never through a shell.",
	},
	Notes: []string{
		"The license text is never returned, logged or shown in a diff: I(content) is C(no_log), a license read from I(src) is masked like a secret, and maprcli's output is never echoed, only its error lines, in which any line of the license is masked too.",
		"C(maprcli license list -json) prints invalid JSON (a raw newline inside the license text); the module repairs it before parsing.",
		"Which exact error texts and exit codes maprcli uses for a duplicate, expired or foreign license is not documented publicly; the module does not depend on them.",
		"NFS servers and standby CLDBs may need a restart to see a new license; the result's C(hints) says so when a license was added.",
	},
	CheckMode: ansible.Full,
	DiffMode:  ansible.Full,
	Spec: ansible.Spec{
		Options: map[string]*ansible.Option{
			"src": pathOpt("Path of the license file B(on the managed node).",
				"The module reads it as the task's user (to parse it and mask it), then passes it to C(maprcli license add -is_file true), "+
					"so it must be readable both by the task's user and by the user maprcli runs as (I(mapr_user), if set)."),
			"content": {
				Type: ansible.Str, NoLog: true,
				Description: []string{"The license text itself, e.g. from a vault-encrypted variable.",
					"Written to a private (0600) temporary file on the node for C(maprcli license add) and deleted afterwards.",
					"With I(mapr_user), the file is handed to that user, which needs root; without root use I(src) with a file that user can read."},
			},
			"license_id": strOpt("Id of the license (as C(maprcli license list) shows it) to remove with I(state=absent), instead of I(src) or I(content)."),
			"state": {
				Type: ansible.Str, Default: "present", Choices: []any{"present", "absent"},
				Description: []string{"C(present) adds the license unless it is installed; C(absent) removes it (a license that is not installed is ok).",
					"Built-in licenses (C(deletable: false)) cannot be removed."},
			},
			"cluster": strOpt("Cluster name passed as C(-cluster) to every maprcli command. Default is the current cluster."),
			"mapr_home": {
				Type: ansible.Path, Default: "/opt/mapr",
				Description: []string{"MapR installation directory; I(maprcli_path) and the default I(ticket_file) are found under it."},
			},
			"maprcli_path": pathOpt("Path of maprcli. Default is C(<mapr_home>/bin/maprcli)."),
			"mapr_user": strOpt("Run maprcli as this user through C(sudo -E -n -u), unless the module already runs as that user.",
				"Usually the cluster admin (C(mapr)). Leave unset to run as the connecting (or C(become)) user."),
			"ticket_file": pathOpt("MapR ticket exported as C(MAPR_TICKETFILE_LOCATION) for maprcli (needed on secure clusters).",
				"Default is C(<mapr_home>/conf/mapruserticket) when that file exists. A given file that does not exist is an error."),
			"check_cluster_id": {
				Type: ansible.Bool, Default: true,
				Description: []string{"Refuse a license whose C(clusterid:) differs from the cluster id C(maprcli license showid) reports."},
			},
			"timeout": {
				Type: ansible.Int, Default: 120,
				Description: []string{"Seconds each maprcli command may run before it is killed and the task fails."},
			},
		},
		MutuallyExclusive: [][]string{{"src", "content", "license_id"}},
		RequiredIf: []ansible.RequiredIf{
			{Key: "state", Value: "present", Requires: []string{"src", "content"}, AnyOf: true},
			{Key: "state", Value: "absent", Requires: []string{"src", "content", "license_id"}, AnyOf: true},
		},
	},
	Examples: examples,
	Returns:  returns,
	Run:      run,
}
