package maprclusterid

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/tests/maprfake"
)

var fakeBinary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "mapr-clusterid-test")
	if err != nil {
		panic(err)
	}
	if fakeBinary, err = maprfake.Build(dir); err != nil {
		panic(err)
	}
	pollEvery = 10 * time.Millisecond
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

const (
	oldID      = "5119043355327235351"
	configured = "demo.mapr.com secure=false cldb1:7222 cldb2:7222\n"
	wardenConf = "zookeeper.servers=zk1:5181,zk2:5181\ncldb.port=7222\n"
)

func newTree(t *testing.T, o maprfake.Options) *maprfake.Tree {
	t.Helper()
	tree, err := maprfake.Setup(t.TempDir(), fakeBinary, o)
	require.NoError(t, err)
	return tree
}

func configuredTree(t *testing.T, mode string) *maprfake.Tree {
	return newTree(t, maprfake.Options{ClusterID: oldID, ClustersConf: configured, WardenConf: wardenConf, ClusterIDMode: mode})
}

func execute(t *testing.T, tree *maprfake.Tree, args map[string]any, check bool) map[string]any {
	t.Helper()
	full := map[string]any{"mapr_home": tree.Home, "systemctl_path": tree.Systemctl(), "_ansible_check_mode": check, "_ansible_diff": true}
	for k, v := range args {
		full[k] = v
	}
	return ansible.Execute(context.Background(), Definition, full)
}

func demo(extra map[string]any) map[string]any {
	args := map[string]any{"state": "present", "cluster_name": "demo.mapr.com", "cldb_nodes": []any{"cldb2", "cldb1:7222"}, "zk_nodes": []any{"zk2", "zk1"}}
	for k, v := range extra {
		args[k] = v
	}
	return args
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return "<absent>"
	}
	require.NoError(t, err)
	return string(b)
}

// snapshot is the content of both files the module may touch.
func snapshot(t *testing.T, tree *maprfake.Tree) [2]string {
	return [2]string{readFile(t, tree.Conf("clusterid")), readFile(t, tree.Conf("mapr-clusters.conf"))}
}

func mutatingCalls(tree *maprfake.Tree) []string {
	var out []string
	for _, c := range tree.CallLines() {
		if strings.HasPrefix(c, "configure.sh") || strings.HasPrefix(c, "systemctl stop") || strings.HasPrefix(c, "maprcli license add") {
			out = append(out, c)
		}
	}
	return out
}

// fileDiff is the diff of one file in a result's diff list.
func fileDiff(t *testing.T, res map[string]any, name string) map[string]any {
	t.Helper()
	list, ok := res["diff"].([]any)
	require.True(t, ok, "diff is a list: %v", res["diff"])
	for _, d := range list {
		if h, _ := d.(map[string]any)["before_header"].(string); strings.HasSuffix(h, "/"+name) {
			return d.(map[string]any)
		}
	}
	t.Fatalf("no diff of %s in %v", name, list)
	return nil
}

func TestRead(t *testing.T) {
	t.Run("configured node", func(t *testing.T) {
		tree := configuredTree(t, "")
		before := snapshot(t, tree)
		res := execute(t, tree, nil, false)
		require.Nil(t, res["failed"], res["msg"])
		assert.Equal(t, false, res["changed"])
		assert.Equal(t, oldID, res["cluster_id"])
		assert.Equal(t, "file", res["source"])
		assert.Equal(t, "demo.mapr.com", res["cluster_name"])
		assert.Equal(t, false, res["secure"])
		assert.Equal(t, true, res["configured"])
		assert.Equal(t, []any{"cldb1:7222", "cldb2:7222"}, res["cldb_nodes"])
		assert.Equal(t, []any{"zk1:5181", "zk2:5181"}, res["zk_nodes"])
		assert.Empty(t, tree.CallLines(), "the file answers; nothing runs")
		assert.Equal(t, before, snapshot(t, tree))
	})
	t.Run("file missing, CLDB knows the id", func(t *testing.T) {
		tree := configuredTree(t, "")
		require.NoError(t, os.Remove(tree.Conf("clusterid")))
		res := execute(t, tree, nil, false)
		assert.Equal(t, oldID, res["cluster_id"])
		assert.Equal(t, "maprcli", res["source"])
		assert.Equal(t, []string{"maprcli license showid -noheader"}, tree.CallLines())
	})
	t.Run("bare node", func(t *testing.T) {
		tree := newTree(t, maprfake.Options{})
		res := execute(t, tree, nil, false)
		require.Nil(t, res["failed"], res["msg"])
		assert.Nil(t, res["cluster_id"])
		assert.Nil(t, res["cluster_name"])
		assert.Equal(t, "none", res["source"])
		assert.Equal(t, false, res["configured"])
	})
	t.Run("garbage clusterid file is treated as absent", func(t *testing.T) {
		tree := newTree(t, maprfake.Options{})
		require.NoError(t, os.WriteFile(tree.Conf("clusterid"), []byte("not-an-id\n"), 0o600))
		assert.Nil(t, execute(t, tree, nil, false)["cluster_id"])
	})
}

func TestPresent_FreshNodeThenIdempotent(t *testing.T) {
	tree := newTree(t, maprfake.Options{})
	res := execute(t, tree, demo(nil), false)
	require.Nil(t, res["failed"], res["msg"])
	assert.Equal(t, true, res["changed"])
	assert.Equal(t, []any{tree.Configure(), "-N", "demo.mapr.com", "-C", "cldb1:7222,cldb2:7222", "-Z", "zk1:5181,zk2:5181",
		"-no-autostart", "-on-prompt-cont", "y"}, res["command"])
	assert.Equal(t, map[string]any{"before": "", "after": configured,
		"before_header": tree.Conf("mapr-clusters.conf"), "after_header": tree.Conf("mapr-clusters.conf")}, fileDiff(t, res, "mapr-clusters.conf"))
	assert.Equal(t, "", fileDiff(t, res, "warden.conf")["before"], "configure.sh wrote warden.conf")
	assert.Nil(t, res["cluster_id"], "default fake model: the CLDB writes the id later")
	assert.Equal(t, []any{noIDYetWarning}, res["warnings"])
	assert.Equal(t, configured, readFile(t, tree.Conf("mapr-clusters.conf")))

	require.NoError(t, tree.ResetCalls())
	for _, args := range []map[string]any{
		demo(nil),
		demo(map[string]any{"cldb_nodes": []any{"cldb1", "cldb2:7222", "cldb1"}, "zk_nodes": []any{"zk1:5181", "zk2"}}),
		demo(map[string]any{"secure": false}),
	} {
		res = execute(t, tree, args, false)
		require.Nil(t, res["failed"], res["msg"])
		assert.Equal(t, false, res["changed"], "order, explicit default ports and duplicates do not matter")
	}
	assert.Empty(t, tree.CallLines(), "configure.sh does not run again")
}

func TestPresent_ConfigureModelReturnsTheNewID(t *testing.T) {
	tree := newTree(t, maprfake.Options{ClusterIDMode: "configure"})
	res := execute(t, tree, demo(nil), false)
	require.Nil(t, res["failed"], res["msg"])
	assert.Regexp(t, `^[0-9]{19}$`, res["cluster_id"])
	assert.Equal(t, "file", res["source"])
	assert.Nil(t, res["warnings"])
}

func TestPresent_ChangesAndCheckMode(t *testing.T) {
	tree := configuredTree(t, "")
	before := snapshot(t, tree)
	res := execute(t, tree, demo(map[string]any{"cldb_nodes": []any{"cldb1", "cldb3"}}), true)
	require.Nil(t, res["failed"], res["msg"])
	assert.Equal(t, true, res["changed"])
	assert.Equal(t, "demo.mapr.com secure=false cldb1:7222 cldb3:7222\n", fileDiff(t, res, "mapr-clusters.conf")["after"])
	assert.Empty(t, tree.CallLines(), "check mode runs nothing")
	assert.Equal(t, before, snapshot(t, tree))

	res = execute(t, tree, demo(map[string]any{"secure": true, "configure_args": []any{"-genkeys"}}), false)
	require.Nil(t, res["failed"], res["msg"])
	assert.Equal(t, true, res["changed"])
	assert.Equal(t, "demo.mapr.com secure=true cldb1:7222 cldb2:7222\n", readFile(t, tree.Conf("mapr-clusters.conf")))
	assert.Equal(t, oldID, res["cluster_id"], "reconfiguring keeps the id")
	assert.Contains(t, res["command"], "-genkeys")

	res = execute(t, tree, demo(map[string]any{"zk_nodes": []any{"zk1", "zk2", "zk3"}}), false)
	require.Nil(t, res["failed"], res["msg"])
	assert.Equal(t, true, res["changed"], "a different ZooKeeper set reconfigures")
	assert.Equal(t, true, res["secure"], "secure is inherited when unset")
}

func TestPresent_RenameIsRefused(t *testing.T) {
	tree := configuredTree(t, "")
	before := snapshot(t, tree)
	res := execute(t, tree, demo(map[string]any{"cluster_name": "other.cluster"}), false)
	assert.Equal(t, true, res["failed"])
	assert.Equal(t, `this node is configured for cluster "demo.mapr.com"; configure.sh does not rename the current cluster (it would only append a line for "other.cluster"). Use state=regenerated to reconfigure the node`, res["msg"])
	assert.Empty(t, tree.CallLines())
	assert.Equal(t, before, snapshot(t, tree))
}

func TestPresent_FailureInjectionsLoseNothing(t *testing.T) {
	tests := []struct {
		name     string
		tree     func(t *testing.T) *maprfake.Tree
		fault    [2]string
		args     map[string]any
		wantMsg  string
		wantConf string
	}{
		{"fresh node: the conf the failed run wrote is removed",
			func(t *testing.T) *maprfake.Tree { return newTree(t, maprfake.Options{}) },
			[2]string{"FAKE_CONFIGURE_FAIL", "1"}, nil,
			"configure.sh failed (rc=1): ERROR: injected configure failure (invented text); removed the mapr-clusters.conf the failed run created", "<absent>"},
		{"configured node: the previous conf is restored",
			func(t *testing.T) *maprfake.Tree { return configuredTree(t, "") },
			[2]string{"FAKE_CONFIGURE_FAIL", "1"}, map[string]any{"cldb_nodes": []any{"cldb9"}},
			"configure.sh failed (rc=1): ERROR: injected configure failure (invented text); restored mapr-clusters.conf", configured},
		{"not root",
			func(t *testing.T) *maprfake.Tree { return newTree(t, maprfake.Options{}) },
			[2]string{"FAKE_CONFIGURE_NOT_ROOT", "1"}, nil,
			"configure.sh failed (rc=1): ERROR: configure.sh must be run as root", "<absent>"},
		{"hangs past the timeout",
			func(t *testing.T) *maprfake.Tree { return configuredTree(t, "") },
			[2]string{"FAKE_CONFIGURE_SLEEP", "5s"}, map[string]any{"cldb_nodes": []any{"cldb9"}, "timeout": 1},
			"CONFIGURE timed out after 1s", configured},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tree := tc.tree(t)
			require.NoError(t, tree.SetFault(tc.fault[0], tc.fault[1]))
			res := execute(t, tree, demo(tc.args), false)
			assert.Equal(t, true, res["failed"])
			msg := strings.ReplaceAll(res["msg"].(string), tree.Configure(), "CONFIGURE")
			assert.True(t, strings.HasPrefix(msg, tc.wantMsg), msg)
			assert.Contains(t, msg, "see configure_log")
			assert.Equal(t, false, res["changed"])
			assert.Equal(t, tc.wantConf, readFile(t, tree.Conf("mapr-clusters.conf")))
			assert.IsType(t, []any{}, res["configure_log"])
			assert.IsType(t, []any{}, res["configure_errors"])
		})
	}
}

func TestPresent_PromptNeverBlocks(t *testing.T) {
	tree := newTree(t, maprfake.Options{})
	require.NoError(t, tree.SetFault("FAKE_CONFIGURE_PROMPT", "1"))
	res := execute(t, tree, demo(nil), false)
	require.Nil(t, res["failed"], res["msg"])
	assert.Equal(t, true, res["changed"])
}

func TestValidationBlocksArgumentInjection(t *testing.T) {
	tests := []struct {
		name    string
		args    map[string]any
		wantMsg string
	}{
		{"host that is a flag", demo(map[string]any{"cldb_nodes": []any{"-R"}}), `cldb_nodes: "-R" is not a valid host name (letters, digits, '-' and '.' only; no leading '-')`},
		{"host list smuggled in one item", demo(map[string]any{"zk_nodes": []any{"zk1,-secure"}}), `zk_nodes: "zk1,-secure" is not a valid host name (letters, digits, '-' and '.' only; no leading '-')`},
		{"cluster name that is a flag", demo(map[string]any{"cluster_name": "-R"}), `cluster_name: "-R" is not a valid cluster name (letters, digits, '.', '_' and '-', starting with a letter or digit, at most 128 characters)`},
		{"managed flag in configure_args", demo(map[string]any{"configure_args": []any{"-N", "x"}}), "configure_args: -N is set by the module (use cluster_name, cldb_nodes, zk_nodes, secure or state)"},
		{"missing nodes", map[string]any{"state": "present", "cluster_name": "x"}, "state is present but all of the following are missing: cldb_nodes, zk_nodes"},
		{"bad timeout", demo(map[string]any{"timeout": -1}), "timeout must be a positive number of seconds, got -1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tree := newTree(t, maprfake.Options{})
			args := map[string]any{"state": "present"}
			for k, v := range tc.args {
				args[k] = v
			}
			res := execute(t, tree, args, false)
			assert.Equal(t, true, res["failed"])
			assert.Equal(t, tc.wantMsg, res["msg"])
			assert.Empty(t, tree.CallLines())
		})
	}
}

func regen(extra map[string]any) map[string]any {
	return demo(mergeArgs(map[string]any{"state": "regenerated"}, extra))
}

func mergeArgs(a, b map[string]any) map[string]any {
	for k, v := range b {
		a[k] = v
	}
	return a
}

func TestRegenerated_Guards(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(t *testing.T, tree *maprfake.Tree)
		args    map[string]any
		wantMsg string
		markers []any
	}{
		{"CLDB answers", func(t *testing.T, tree *maprfake.Tree) { require.NoError(t, tree.SetFault("FAKE_CLDB_UP", "1")) },
			map[string]any{"force": true, "stop_warden": true},
			"refusing to regenerate the cluster id: the CLDB answers (maprcli node cldbmaster succeeded), so this cluster is live", []any{}},
		{"warden active", func(t *testing.T, tree *maprfake.Tree) {
			require.NoError(t, os.WriteFile(filepath.Join(tree.State, "mapr-warden.active"), nil, 0o644))
		}, map[string]any{"force": true},
			"refusing to regenerate the cluster id: mapr-warden is active; stop it first or set stop_warden=true", []any{}},
		{"user ticket marker", func(t *testing.T, tree *maprfake.Tree) {
			require.NoError(t, os.WriteFile(tree.Conf("mapruserticket"), nil, 0o600))
		}, nil, "refusing to regenerate the cluster id: this node has been part of a running cluster (TREE/conf/mapruserticket); set force=true to proceed anyway",
			[]any{"TREE/conf/mapruserticket"}},
		{"disktab and zkdata markers", func(t *testing.T, tree *maprfake.Tree) {
			require.NoError(t, os.WriteFile(tree.Conf("disktab"), nil, 0o644))
			require.NoError(t, os.MkdirAll(filepath.Join(tree.Home, "zkdata", "version-2"), 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(tree.Home, "zkdata", "version-2", "log.1"), nil, 0o644))
		}, nil, "refusing to regenerate the cluster id: this node has been part of a running cluster (TREE/conf/disktab, TREE/zkdata/version-2); set force=true to proceed anyway",
			[]any{"TREE/conf/disktab", "TREE/zkdata/version-2"}},
		{"cldb log reached RUNNING", func(t *testing.T, tree *maprfake.Tree) {
			require.NoError(t, os.WriteFile(filepath.Join(tree.Home, "logs", "cldb.log"), []byte("x CLDB State change : RUNNING\n"), 0o644))
		}, nil, "refusing to regenerate the cluster id: this node has been part of a running cluster (TREE/logs/cldb.log (CLDB reached RUNNING)); set force=true to proceed anyway",
			[]any{"TREE/logs/cldb.log (CLDB reached RUNNING)"}},
		{"warden cannot be stopped", func(t *testing.T, tree *maprfake.Tree) {
			require.NoError(t, os.WriteFile(filepath.Join(tree.State, "mapr-warden.active"), nil, 0o644))
			require.NoError(t, tree.SetFault("FAKE_WARDEN_STOP_FAIL", "1"))
		}, map[string]any{"stop_warden": true},
			"cannot stop mapr-warden: systemctl stop mapr-warden failed (rc=1): Job for mapr-warden.service failed because the control process exited with error code.", []any{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tree := configuredTree(t, "")
			tc.prepare(t, tree)
			before := snapshot(t, tree)
			res := execute(t, tree, regen(tc.args), false)
			assert.Equal(t, true, res["failed"])
			assert.Equal(t, tc.wantMsg, strings.ReplaceAll(res["msg"].(string), tree.Home, "TREE"))
			var markers []any
			for _, mk := range res["markers"].([]any) {
				markers = append(markers, strings.ReplaceAll(mk.(string), tree.Home, "TREE"))
			}
			if len(tc.markers) == 0 {
				assert.Empty(t, markers)
			} else {
				assert.Equal(t, tc.markers, markers)
			}
			assert.Equal(t, oldID, res["previous_cluster_id"])
			assert.Equal(t, before, snapshot(t, tree), "nothing lost")
			for _, c := range mutatingCalls(tree) {
				assert.False(t, strings.HasPrefix(c, "configure.sh"), "configure.sh must not run: %s", c)
			}
		})
	}
}

// A maprcli that cannot tell whether the CLDB answers (no ticket, a hang)
// must stop the regeneration: only a CLDB that is known not to answer
// lets it go on. FAKE_MAPR_CLDB_DOWN spares node cldbmaster, and a plain
// error (FAKE_MAPR_FAIL) is what a CLDB that does not answer looks like.
func TestRegenerated_CLDBProbeFailures(t *testing.T) {
	tests := []struct {
		name    string
		faults  map[string]string
		args    map[string]any
		wantMsg string
	}{
		{"no ticket while the CLDB is up", map[string]string{"FAKE_CLDB_UP": "1", "FAKE_MAPR_NO_TICKET": "1"}, nil,
			"cannot tell whether the CLDB is running: maprcli cannot authenticate (give ticket_file): maprcli node cldbmaster failed (rc=1): ERROR (1) -  node cldbmaster: failure to login: Unable to obtain MapR credentials"},
		{"ticket required and missing", map[string]string{"FAKE_CLDB_UP": "1", "FAKE_MAPR_REQUIRE_TICKET": "1"}, nil,
			"cannot tell whether the CLDB is running: maprcli cannot authenticate (give ticket_file): maprcli node cldbmaster failed (rc=1): ERROR (1) -  node cldbmaster: failure to login: Unable to obtain MapR credentials"},
		{"no ticket with another exit code", map[string]string{"FAKE_MAPR_NO_TICKET": "1", "FAKE_MAPR_RC": "3"}, nil,
			"cannot tell whether the CLDB is running: maprcli cannot authenticate (give ticket_file): maprcli node cldbmaster failed (rc=3): ERROR (1) -  node cldbmaster: failure to login: Unable to obtain MapR credentials"},
		{"maprcli hangs", map[string]string{"FAKE_MAPR_SLEEP": "5s"}, map[string]any{"timeout": 1},
			"cannot tell whether the CLDB is running: TREE/bin/maprcli timed out after 1s. The regeneration goes on only when maprcli node cldbmaster says it cannot connect to any CLDB"},
		// Issue 10: rc 1 that is not an authentication error was read as
		// "the CLDB is down", and the regeneration went on.
		{"cldbmaster fails rc 1 without saying it cannot connect", map[string]string{"FAKE_MAPR_FAIL": "node cldbmaster"}, nil,
			"cannot tell whether the CLDB is running: maprcli node cldbmaster failed (rc=1): ERROR (10003) -  node cldbmaster: injected failure, which does not say that no CLDB could be reached. " +
				"The regeneration goes on only when maprcli node cldbmaster says it cannot connect to any CLDB"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tree := configuredTree(t, "configure")
			for k, v := range tc.faults {
				require.NoError(t, tree.SetFault(k, v))
			}
			before := snapshot(t, tree)
			res := execute(t, tree, regen(tc.args), false)
			assert.Equal(t, true, res["failed"])
			assert.Equal(t, false, res["changed"])
			assert.Equal(t, tc.wantMsg, strings.ReplaceAll(res["msg"].(string), tree.Home, "TREE"))
			assert.Equal(t, before, snapshot(t, tree), "nothing lost")
			assert.Empty(t, mutatingCalls(tree))
		})
	}
	t.Run("a CLDB that does not answer lets the regeneration go on", func(t *testing.T) {
		for _, faults := range []map[string]string{{"FAKE_MAPR_CLDB_DOWN": "1"}, {"FAKE_MAPR_RC": "7"}} {
			tree := configuredTree(t, "configure")
			for k, v := range faults {
				require.NoError(t, tree.SetFault(k, v))
			}
			res := execute(t, tree, regen(nil), false)
			require.Nil(t, res["failed"], "%v: %v", faults, res["msg"])
			assert.Equal(t, true, res["changed"])
		}
	})
}

// Regeneration removes mapr-clusters.conf before configure.sh runs, so
// nothing is left for configure.sh to inherit: an unset secure must keep
// the node's setting by passing it explicitly (the option's documented
// meaning), never silently turn a secure cluster into an unsecure one.
func TestRegenerated_KeepsSecurityWhenSecureIsUnset(t *testing.T) {
	tree := newTree(t, maprfake.Options{ClusterID: oldID, WardenConf: wardenConf, ClusterIDMode: "configure",
		ClustersConf: "demo.mapr.com secure=true kerberosEnable=true cldb1:7222 cldb2:7222\n"})
	require.NoError(t, os.WriteFile(tree.Conf("cldb.key"), nil, 0o600))
	require.NoError(t, os.WriteFile(tree.Conf("maprserverticket"), nil, 0o600))

	check := execute(t, tree, regen(nil), true)
	require.Nil(t, check["failed"], check["msg"])
	want := "demo.mapr.com secure=true cldb1:7222 cldb2:7222\n"
	assert.Equal(t, want, fileDiff(t, check, "mapr-clusters.conf")["after"])
	assert.Contains(t, check["command"], "-secure")
	assert.Equal(t, []any{"configure.sh rewrites the cluster line from its arguments: kerberosEnable=true will be dropped unless configure_args carry -K/-P/-H"}, check["warnings"])

	res := execute(t, tree, regen(nil), false)
	require.Nil(t, res["failed"], res["msg"])
	assert.Equal(t, want, readFile(t, tree.Conf("mapr-clusters.conf")))
	assert.Equal(t, true, res["secure"])

	res = execute(t, tree, regen(map[string]any{"secure": false}), false)
	require.Nil(t, res["failed"], res["msg"])
	assert.Equal(t, "demo.mapr.com secure=false cldb1:7222 cldb2:7222\n", readFile(t, tree.Conf("mapr-clusters.conf")), "an explicit secure wins")
}

func TestRegenerated_WithBackupsAndNewID(t *testing.T) {
	now = func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
	t.Cleanup(func() { now = time.Now })
	tree := configuredTree(t, "configure")
	require.NoError(t, os.WriteFile(tree.Conf("mapruserticket"), nil, 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(tree.State, "mapr-warden.active"), nil, 0o644))

	res := execute(t, tree, regen(map[string]any{"force": true, "stop_warden": true, "cluster_name": "lab.local"}), true)
	require.Nil(t, res["failed"], res["msg"])
	assert.Equal(t, true, res["changed"])
	assert.Equal(t, true, res["warden_stopped"], "check mode predicts the stop")
	assert.Empty(t, mutatingCalls(tree), "check mode: no stop, no configure")
	assert.Equal(t, oldID+"\n", readFile(t, tree.Conf("clusterid")))

	require.NoError(t, tree.ResetCalls())
	res = execute(t, tree, regen(map[string]any{"force": true, "stop_warden": true, "cluster_name": "lab.local"}), false)
	require.Nil(t, res["failed"], res["msg"])
	assert.Equal(t, true, res["changed"])
	assert.Equal(t, true, res["warden_stopped"])
	assert.Equal(t, oldID, res["previous_cluster_id"])
	assert.Regexp(t, `^[0-9]{19}$`, res["cluster_id"])
	assert.NotEqual(t, oldID, res["cluster_id"])
	assert.Equal(t, "lab.local", res["cluster_name"])
	assert.Len(t, res["markers"], 1)
	backups := []any{tree.Conf("conf.old/clusterid.2026-01-02.03-04-05"), tree.Conf("conf.old/mapr-clusters.conf.2026-01-02.03-04-05")}
	assert.Equal(t, backups, res["backups"])
	assert.Equal(t, oldID+"\n", readFile(t, backups[0].(string)))
	assert.Equal(t, configured, readFile(t, backups[1].(string)))
	assert.Equal(t, map[string]any{"before": configured, "after": "lab.local secure=false cldb1:7222 cldb2:7222\n",
		"before_header": tree.Conf("mapr-clusters.conf"), "after_header": tree.Conf("mapr-clusters.conf")}, fileDiff(t, res, "mapr-clusters.conf"))
	assert.Equal(t, oldID+"\n", fileDiff(t, res, "clusterid")["before"])
	assert.Equal(t, res["cluster_id"].(string)+"\n", fileDiff(t, res, "clusterid")["after"])
	assert.Equal(t, "completed", res["regeneration"])
	assert.Equal(t, []string{"systemctl stop mapr-warden", "configure.sh -N lab.local -C cldb1:7222,cldb2:7222 -Z zk1:5181,zk2:5181 -no-autostart -on-prompt-cont y"},
		mutatingCalls(tree))
	assert.NotContains(t, tree.CallLines(), "systemctl start mapr-warden", "warden is never started")
}

func TestRegenerated_CLDBModelWarnsThatTheIDComesLater(t *testing.T) {
	tree := configuredTree(t, "cldb")
	res := execute(t, tree, regen(nil), false)
	require.Nil(t, res["failed"], res["msg"])
	assert.Nil(t, res["cluster_id"])
	assert.Equal(t, []any{noIDYetWarning}, res["warnings"])
	assert.Equal(t, "<absent>", readFile(t, tree.Conf("clusterid")))
}

func TestRegenerated_ConfigureFailureRestoresBothFiles(t *testing.T) {
	tree := configuredTree(t, "configure")
	before := snapshot(t, tree)
	require.NoError(t, tree.SetFault("FAKE_CONFIGURE_FAIL", "1"))
	res := execute(t, tree, regen(map[string]any{"cluster_name": "lab.local"}), false)
	assert.Equal(t, true, res["failed"])
	assert.Contains(t, res["msg"], "ERROR: injected configure failure")
	assert.Contains(t, res["msg"], "restored mapr-clusters.conf; restored clusterid")
	assert.Equal(t, before, snapshot(t, tree))
	assert.Len(t, res["backups"], 2, "the backups stay for the operator")
}

func TestRegenerated_BackupsFromTheSameSecondAreKept(t *testing.T) {
	now = func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
	t.Cleanup(func() { now = time.Now })
	tree := configuredTree(t, "configure")
	first := execute(t, tree, regen(nil), false)
	require.Nil(t, first["failed"], first["msg"])
	second := execute(t, tree, regen(nil), false)
	require.Nil(t, second["failed"], second["msg"])
	assert.Equal(t, []any{tree.Conf("conf.old/clusterid.2026-01-02.03-04-05.1"), tree.Conf("conf.old/mapr-clusters.conf.2026-01-02.03-04-05.1")}, second["backups"])
	assert.Equal(t, oldID+"\n", readFile(t, tree.Conf("conf.old/clusterid.2026-01-02.03-04-05")), "the first backup is not overwritten")
	assert.Equal(t, first["cluster_id"].(string)+"\n", readFile(t, tree.Conf("conf.old/clusterid.2026-01-02.03-04-05.1")))
}

func TestMissingConfigureIsNamed(t *testing.T) {
	tree := newTree(t, maprfake.Options{})
	res := execute(t, tree, demo(map[string]any{"mapr_home": "/nonexistent/mapr"}), true)
	assert.Equal(t, "mapr_home: configure.sh not found at /nonexistent/mapr/server/configure.sh", res["msg"])
	res = execute(t, tree, demo(map[string]any{"configure_path": "/nonexistent/configure.sh"}), false)
	assert.Equal(t, "configure_path: configure.sh not found at /nonexistent/configure.sh", res["msg"])
}

func TestPresent_KerberosOptionsFollowTheArguments(t *testing.T) {
	tree := newTree(t, maprfake.Options{ClusterID: oldID, WardenConf: wardenConf,
		ClustersConf: "demo.mapr.com secure=true kerberosEnable=true cldbPrincipal=mapr/demo cldb1:7222 cldb2:7222\n"})
	require.NoError(t, os.WriteFile(tree.Conf("cldb.key"), nil, 0o600))
	require.NoError(t, os.WriteFile(tree.Conf("maprserverticket"), nil, 0o600))

	res := execute(t, tree, demo(map[string]any{"cldb_nodes": []any{"cldb1"}}), true)
	assert.Equal(t, "demo.mapr.com secure=true cldb1:7222\n", fileDiff(t, res, "mapr-clusters.conf")["after"])
	assert.Equal(t, []any{"configure.sh rewrites the cluster line from its arguments: kerberosEnable=true cldbPrincipal=mapr/demo will be dropped unless configure_args carry -K/-P/-H"}, res["warnings"])

	kerberos := demo(map[string]any{"cldb_nodes": []any{"cldb1"}, "configure_args": []any{"-K", "-P", "mapr/demo"}})
	predicted := fileDiff(t, execute(t, tree, kerberos, true), "mapr-clusters.conf")["after"]
	res = execute(t, tree, kerberos, false)
	require.Nil(t, res["failed"], res["msg"])
	assert.Equal(t, predicted, readFile(t, tree.Conf("mapr-clusters.conf")), "check mode predicted what configure.sh wrote")
	assert.Nil(t, res["warnings"])
	want := "demo.mapr.com secure=true kerberosEnable=true cldbPrincipal=mapr/demo cldb1:7222\n"
	assert.Equal(t, want, fileDiff(t, res, "mapr-clusters.conf")["after"])
	assert.Equal(t, want, readFile(t, tree.Conf("mapr-clusters.conf")), "the prediction is what configure.sh wrote")
}
