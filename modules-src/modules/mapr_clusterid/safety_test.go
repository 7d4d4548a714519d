package maprclusterid

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/tests/maprfake"
)

// Issue 10, items 1, 1b, 2, 3 and 13: every guard refuses what it cannot
// prove; an interrupted regeneration ends as before or regenerated, and
// says which; only_if_cluster_id makes it re-runnable; check/diff show it.

func writePid(t *testing.T, tree *maprfake.Tree, content string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Join(tree.Home, "pid"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(tree.Home, "pid", "warden.pid"), []byte(content), 0o644))
}

// assertRefusedUntouched: failed, nothing changed on the node, configure.sh
// never ran, warden never stopped.
func assertRefusedUntouched(t *testing.T, tree *maprfake.Tree, before [2]string, res map[string]any, wantMsg string) {
	t.Helper()
	assert.Equal(t, true, res["failed"])
	assert.Equal(t, false, res["changed"])
	assert.Equal(t, "not_started", res["regeneration"])
	assert.Equal(t, wantMsg, strings.ReplaceAll(fmt.Sprint(res["msg"]), tree.Home, "TREE"))
	assert.Equal(t, before, snapshot(t, tree), "nothing lost")
	assert.Empty(t, mutatingCalls(tree))
}

// TestRegenerated_WardenGuardCannotTell: issue 10 item 1. systemctl's
// non-zero exit counted as "warden stopped": on a host without systemd the
// regeneration ran while warden ran.
func TestRegenerated_WardenGuardCannotTell(t *testing.T) {
	notBooted := "System has not been booted with systemd as init system (PID 1). Can't operate. Failed to connect to bus: Host is down"
	hint := ". If systemd does not manage this host, set warden_check=process to look for the warden's pid file (TREE/pid/warden.pid) instead"
	tests := []struct {
		name    string
		prepare func(t *testing.T, tree *maprfake.Tree)
		args    map[string]any
		wantMsg string
	}{
		{"systemd not booted, warden running", func(t *testing.T, tree *maprfake.Tree) {
			require.NoError(t, tree.SetFault("FAKE_SYSTEMD_NOT_BOOTED", "1"))
		}, nil, "cannot tell whether mapr-warden is running: systemctl is-active mapr-warden exited 1 (" + notBooted + "), which says neither active nor inactive" + hint},
		{"systemd not booted, even with stop_warden", func(t *testing.T, tree *maprfake.Tree) {
			require.NoError(t, tree.SetFault("FAKE_SYSTEMD_NOT_BOOTED", "1"))
		}, map[string]any{"stop_warden": true}, "cannot tell whether mapr-warden is running: systemctl is-active mapr-warden exited 1 (" + notBooted + "), which says neither active nor inactive" + hint},
		{"systemctl missing", func(t *testing.T, tree *maprfake.Tree) {}, map[string]any{"systemctl_path": "/nonexistent/systemctl"},
			"cannot tell whether mapr-warden is running: cannot run /nonexistent/systemctl: fork/exec /nonexistent/systemctl: no such file or directory" + hint},
		{"systemctl hangs", func(t *testing.T, tree *maprfake.Tree) {
			require.NoError(t, tree.SetFault("FAKE_SYSTEMCTL_SLEEP", "5s"))
		}, map[string]any{"timeout": 1}, "cannot tell whether mapr-warden is running: TREE/bin/systemctl timed out after 1s" + hint},
		{"warden activating is not stopped", func(t *testing.T, tree *maprfake.Tree) {
			require.NoError(t, tree.SetFault("FAKE_WARDEN_STATE", "activating"))
		}, nil, "refusing to regenerate the cluster id: mapr-warden is active; stop it first or set stop_warden=true"},
		{"process check: a live pid", func(t *testing.T, tree *maprfake.Tree) {
			writePid(t, tree, fmt.Sprintf("%d\n", os.Getpid()))
		}, map[string]any{"warden_check": "process"}, "refusing to regenerate the cluster id: mapr-warden is active; stop it first or set stop_warden=true"},
		{"process check: a pid file without a pid", func(t *testing.T, tree *maprfake.Tree) {
			writePid(t, tree, "starting\n")
		}, map[string]any{"warden_check": "process"}, `cannot tell whether mapr-warden is running: TREE/pid/warden.pid does not hold a process id ("starting")`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tree := newTree(t, maprfake.Options{ClusterID: oldID, ClustersConf: configured, WardenConf: wardenConf, ClusterIDMode: "configure", WardenActive: true})
			tc.prepare(t, tree)
			before := snapshot(t, tree)
			res := execute(t, tree, regen(tc.args), false)
			assertRefusedUntouched(t, tree, before, res, tc.wantMsg)
		})
	}
}

// TestRegenerated_WardenCheckProcess is the way on for hosts systemd does
// not manage: no pid file (or a stale one) proves warden stopped.
func TestRegenerated_WardenCheckProcess(t *testing.T) {
	for _, pid := range []string{"", "stale"} {
		t.Run("pid file "+pid, func(t *testing.T) {
			tree := configuredTree(t, "configure")
			require.NoError(t, tree.SetFault("FAKE_SYSTEMD_NOT_BOOTED", "1"))
			if pid == "stale" {
				cmd := exec.Command("/bin/true")
				require.NoError(t, cmd.Run())
				writePid(t, tree, fmt.Sprint(cmd.Process.Pid))
			}
			res := execute(t, tree, regen(map[string]any{"warden_check": "process"}), false)
			require.Nil(t, res["failed"], res["msg"])
			assert.Equal(t, true, res["changed"])
			assert.Equal(t, "completed", res["regeneration"])
			assert.NotEqual(t, oldID, res["cluster_id"])
		})
	}
}

// TestRegenerated_CLDBGuardCannotTell: issue 10 item 1. A maprcli_path
// pointing at a missing file only warned "whether a CLDB answers was not
// checked" and regenerated. (rc 1 without "cannot connect" is in
// TestRegenerated_CLDBProbeFailures.)
func TestRegenerated_CLDBGuardCannotTell(t *testing.T) {
	for _, tc := range []struct {
		args    map[string]any
		remove  bool
		wantMsg string
	}{
		{map[string]any{"maprcli_path": "/nonexistent/maprcli"}, false,
			"cannot tell whether the CLDB is running: maprcli is needed to ask it, and /nonexistent/maprcli (maprcli_path) cannot be used: no such file or directory. maprcli comes with mapr-core; point maprcli_path at it"},
		{nil, true,
			"cannot tell whether the CLDB is running: maprcli is needed to ask it, and TREE/bin/maprcli (mapr_home) cannot be used: no such file or directory. maprcli comes with mapr-core; point maprcli_path at it"},
	} {
		tree := configuredTree(t, "configure")
		require.NoError(t, tree.SetFault("FAKE_CLDB_UP", "1"), "a CLDB that would answer")
		if tc.remove {
			require.NoError(t, os.Remove(tree.Maprcli()))
		}
		before := snapshot(t, tree)
		res := execute(t, tree, regen(mergeArgs(map[string]any{"force": true, "stop_warden": true}, tc.args)), false)
		assertRefusedUntouched(t, tree, before, res, tc.wantMsg)
		assert.Nil(t, res["warnings"])
	}
}

// TestRegenerated_MarkerGuardCannotTell: a marker that cannot be read is
// no proof that the node is clean (it used to count as absent).
func TestRegenerated_MarkerGuardCannotTell(t *testing.T) {
	tree := configuredTree(t, "configure")
	// Not a directory: ReadDir fails; a directory: reading the log fails.
	require.NoError(t, os.MkdirAll(filepath.Join(tree.Home, "zkdata"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(tree.Home, "zkdata", "version-2"), nil, 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(tree.Home, "logs", "cldb.log"), 0o755))
	before := snapshot(t, tree)
	res := execute(t, tree, regen(nil), false)
	assertRefusedUntouched(t, tree, before, res,
		"cannot tell whether this node has been part of a running cluster: cannot read TREE/zkdata/version-2 (not a directory), TREE/logs/cldb.log (read TREE/logs/cldb.log: is a directory); "+
			"fix the permissions (the task usually needs become) or set force=true to proceed anyway")

	res = execute(t, tree, regen(map[string]any{"force": true}), false)
	require.Nil(t, res["failed"], res["msg"])
	assert.Equal(t, "completed", res["regeneration"])
	require.Len(t, res["warnings"], 1)
	assert.Contains(t, res["warnings"].([]any)[0], "force=true: proceeding although these markers could not be read")
}

// TestRegenerated_CLDBLogVariants: issue 10 item 13. Only the exact
// "CLDB State change : RUNNING" counted; real logs vary the spacing.
func TestRegenerated_CLDBLogVariants(t *testing.T) {
	for _, line := range []string{
		"2026-01-01 00:00:00,000 INFO CLDB [main]: CLDB State change : RUNNING",
		"CLDB State change: RUNNING",
		"CLDB State change :RUNNING",
		"CLDB  State  change  :  RUNNING",
		"cldb state change : running",
		"CLDB State change\t:\tRUNNING",
		"2026-01-01 INFO CLDBServer [main]: Becoming Slave Thread",
	} {
		tree := configuredTree(t, "configure")
		require.NoError(t, os.WriteFile(filepath.Join(tree.Home, "logs", "cldb.log"), []byte("first line\n"+line+"\nlast line"), 0o644))
		res := execute(t, tree, regen(nil), false)
		assert.Equal(t, true, res["failed"], line)
		assert.Contains(t, res["msg"], "has been part of a running cluster", line)
	}
	tree := configuredTree(t, "configure")
	require.NoError(t, os.WriteFile(filepath.Join(tree.Home, "logs", "cldb.log"), []byte("CLDB State change : STARTING\n"), 0o644))
	res := execute(t, tree, regen(nil), false)
	require.Nil(t, res["failed"], "a CLDB that never reached RUNNING is no marker: %v", res["msg"])
}

// TestRegenerated_InterruptedPutsBackBothFiles: issue 10 item 1b. Whatever
// stops the module while configure.sh runs, the node ends as before and
// the result says so ("regeneration": "restored").
func TestRegenerated_InterruptedPutsBackBothFiles(t *testing.T) {
	t.Run("a signal (the module's context is cancelled)", func(t *testing.T) {
		tree := configuredTree(t, "configure")
		before := snapshot(t, tree)
		require.NoError(t, tree.SetFault("FAKE_CONFIGURE_SLEEP", "2s"))
		ctx, cancel := context.WithCancelCause(context.Background())
		go func() {
			time.Sleep(400 * time.Millisecond)
			cancel(&ansible.Interrupted{Reason: "interrupted by SIGTERM"})
		}()
		start := time.Now()
		res := ansible.Execute(ctx, Definition, regen(map[string]any{"mapr_home": tree.Home, "systemctl_path": tree.Systemctl()}))
		assert.Less(t, time.Since(start), 1500*time.Millisecond, "configure.sh was stopped, not waited for")
		assert.Equal(t, true, res["failed"])
		assert.Equal(t, false, res["changed"])
		assert.Equal(t, "restored", res["regeneration"])
		assert.Equal(t, "interrupted by SIGTERM while the cluster id was being regenerated: configure.sh was stopped and the node put back as before "+
			"(restored mapr-clusters.conf; restored clusterid); the backups stay in TREE/conf/conf.old", strings.ReplaceAll(res["msg"].(string), tree.Home, "TREE"))
		assert.Equal(t, before, snapshot(t, tree))
		time.Sleep(2 * time.Second)
		assert.Equal(t, before, snapshot(t, tree), "configure.sh is dead: it did not write later")
		rec := readRecord(t, tree)
		assert.Equal(t, "restored", rec["state"])
	})
	t.Run("the task's timeout", func(t *testing.T) {
		tree := configuredTree(t, "configure")
		before := snapshot(t, tree)
		require.NoError(t, tree.SetFault("FAKE_CONFIGURE_SLEEP", "3s"))
		start := time.Now()
		res := execute(t, tree, regen(map[string]any{"_platform_ops_task_timeout": 1.5}), false)
		assert.Less(t, time.Since(start), 1500*time.Millisecond, "the result comes before the task's timeout")
		assert.Equal(t, "restored", res["regeneration"])
		assert.True(t, strings.HasPrefix(res["msg"].(string), "the task's timeout (1.5s left when the module started) was about to run out while the cluster id was being regenerated: "+
			"configure.sh was stopped and the node put back as before (restored mapr-clusters.conf; restored clusterid)"), res["msg"])
		assert.Equal(t, before, snapshot(t, tree))
	})
	t.Run("before any file was touched", func(t *testing.T) {
		tree := configuredTree(t, "configure")
		require.NoError(t, os.WriteFile(filepath.Join(tree.State, "mapr-warden.active"), nil, 0o644))
		before := snapshot(t, tree)
		ctx, cancel := context.WithCancelCause(context.Background())
		cancel(&ansible.Interrupted{Reason: "interrupted by SIGINT"})
		res := ansible.Execute(ctx, Definition, regen(map[string]any{"mapr_home": tree.Home, "systemctl_path": tree.Systemctl(), "stop_warden": true}))
		assert.Equal(t, true, res["failed"])
		assert.Equal(t, "not_started", res["regeneration"])
		assert.Contains(t, res["msg"], "interrupted by SIGINT")
		assert.Equal(t, before, snapshot(t, tree))
		assert.Empty(t, mutatingCalls(tree))
	})
}

func readRecord(t *testing.T, tree *maprfake.Tree) map[string]any {
	t.Helper()
	b, err := os.ReadFile(tree.Conf("conf.old/regeneration.json"))
	require.NoError(t, err)
	var rec map[string]any
	require.NoError(t, json.Unmarshal(b, &rec))
	return rec
}

// TestRegenerated_KilledRunIsPutBackByTheNextRun: a module killed outright
// (SIGKILL) cannot undo anything. configure.sh dies with it (Linux), the
// record it wrote first says "running", and the next task puts the files
// back before it does anything else. Real binary, real signals.
func TestRegenerated_KilledRunIsPutBackByTheNextRun(t *testing.T) {
	if testing.Short() || runtime.GOOS != "linux" {
		t.Skip("builds the binary; the kernel's parent-death signal is Linux's")
	}
	bin := buildModuleBinary(t)
	tree := configuredTree(t, "configure")
	before := snapshot(t, tree)
	require.NoError(t, tree.SetFault("FAKE_CONFIGURE_SLEEP", "2s"))
	args := regen(map[string]any{"_ansible_module_name": "mapr_clusterid", "mapr_home": tree.Home, "systemctl_path": tree.Systemctl(),
		"only_if_cluster_id": oldID})
	cmd, _ := startBinary(t, bin, args)
	waitForRecord(t, tree, "running")
	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	_ = cmd.Wait()
	assert.Equal(t, [2]string{"<absent>", "<absent>"}, snapshot(t, tree), "killed half-way: both files removed")
	time.Sleep(2500 * time.Millisecond)
	assert.Equal(t, [2]string{"<absent>", "<absent>"}, snapshot(t, tree), "configure.sh died with the module")

	read := execute(t, tree, nil, false)
	assert.Equal(t, "running", read["last_regeneration"].(map[string]any)["state"])
	require.Len(t, read["warnings"], 1)
	assert.Contains(t, read["warnings"].([]any)[0], "has not finished: if no task runs on this node now, it was interrupted")

	require.NoError(t, tree.SetFault("FAKE_CONFIGURE_SLEEP", ""))
	res := execute(t, tree, regen(map[string]any{"only_if_cluster_id": oldID}), false)
	require.Nil(t, res["failed"], res["msg"])
	assert.Equal(t, "restored", res["recovered"].(map[string]any)["state"])
	assert.Contains(t, res["warnings"].([]any)[0], "was interrupted before configure.sh finished: put clusterid and mapr-clusters.conf back from its backups (restored mapr-clusters.conf; restored clusterid)")
	assert.Equal(t, oldID, res["previous_cluster_id"], "the put-back id is the one regenerated")
	assert.Equal(t, "completed", res["regeneration"])
	assert.NotEqual(t, before, snapshot(t, tree))
}

// TestRegenerated_SignalToTheBinary: SIGTERM, SIGINT and SIGHUP reach the
// module as an interruption; its one JSON result says the node is back.
func TestRegenerated_SignalToTheBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildModuleBinary(t)
	for _, sig := range []struct {
		s    syscall.Signal
		name string
	}{{syscall.SIGTERM, "SIGTERM"}, {syscall.SIGINT, "SIGINT"}, {syscall.SIGHUP, "SIGHUP"}} {
		t.Run(sig.name, func(t *testing.T) {
			tree := configuredTree(t, "configure")
			before := snapshot(t, tree)
			require.NoError(t, tree.SetFault("FAKE_CONFIGURE_SLEEP", "5s"))
			cmd, stdout := startBinary(t, bin, regen(map[string]any{"_ansible_module_name": "mapr_clusterid", "mapr_home": tree.Home, "systemctl_path": tree.Systemctl()}))
			waitForRecord(t, tree, "running")
			time.Sleep(100 * time.Millisecond)
			require.NoError(t, cmd.Process.Signal(sig.s))
			_ = cmd.Wait()
			var res map[string]any
			require.NoError(t, json.Unmarshal(stdout.Bytes(), &res), stdout.String())
			assert.Equal(t, "restored", res["regeneration"])
			assert.True(t, strings.HasPrefix(res["msg"].(string), "interrupted by "+sig.name+" while the cluster id was being regenerated"), res["msg"])
			assert.Equal(t, before, snapshot(t, tree))
		})
	}
}

var moduleBinary string

func buildModuleBinary(t *testing.T) string {
	t.Helper()
	if moduleBinary != "" {
		return moduleBinary
	}
	dir, err := os.MkdirTemp("", "mapr-clusterid-bin")
	require.NoError(t, err)
	moduleBinary = filepath.Join(dir, "platform_ops")
	build := exec.Command("go", "build", "-o", moduleBinary, "platform.ops/modules-src/cmd/platform-ops")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := build.CombinedOutput()
	require.NoError(t, err, string(out))
	return moduleBinary
}

func startBinary(t *testing.T, bin string, args map[string]any) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	b, err := json.Marshal(args)
	require.NoError(t, err)
	cmd := exec.Command(bin)
	cmd.Stdin = bytes.NewReader(b)
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	return cmd, &stdout
}

func waitForRecord(t *testing.T, tree *maprfake.Tree, state string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(tree.Conf("conf.old/regeneration.json")); err == nil && strings.Contains(string(b), `"state": "`+state+`"`) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no regeneration record in state %s", state)
}

// TestRegenerated_OnlyIfClusterID: issue 10 item 2. A second run
// regenerated again, and state=read right after still reported the old id
// from maprcli.
func TestRegenerated_OnlyIfClusterID(t *testing.T) {
	t.Run("CLDB model: the file is gone until the CLDB starts", func(t *testing.T) {
		tree := configuredTree(t, "cldb")
		first := execute(t, tree, regen(map[string]any{"only_if_cluster_id": oldID}), false)
		require.Nil(t, first["failed"], first["msg"])
		assert.Equal(t, "completed", first["regeneration"])

		require.NoError(t, tree.ResetCalls())
		again := execute(t, tree, regen(map[string]any{"only_if_cluster_id": oldID}), false)
		require.Nil(t, again["failed"], again["msg"])
		assert.Equal(t, false, again["changed"])
		assert.Equal(t, "skipped", again["regeneration"])
		assert.Equal(t, "not regenerated: only_if_cluster_id is "+oldID+", and this node has no conf/clusterid (a regenerated id is written when the CLDB first starts)", again["msg"])
		assert.Empty(t, tree.CallLines(), "nothing asked, nothing run")
		assert.Len(t, dirEntries(t, tree.Conf("conf.old")), 4, "no new backup (two backups, the record, the lock)")

		read := execute(t, tree, nil, false)
		assert.Nil(t, read["cluster_id"], "conf/clusterid is the source of truth after a regeneration")
		assert.Equal(t, "none", read["source"])
		assert.Equal(t, "completed", read["last_regeneration"].(map[string]any)["state"])
		require.Len(t, read["warnings"], 1)
		assert.Contains(t, read["warnings"].([]any)[0], "maprcli still reports the previous cluster id "+oldID)
	})
	t.Run("configure model: the node has its new id", func(t *testing.T) {
		tree := configuredTree(t, "configure")
		first := execute(t, tree, regen(map[string]any{"only_if_cluster_id": oldID}), false)
		require.Nil(t, first["failed"], first["msg"])
		again := execute(t, tree, regen(map[string]any{"only_if_cluster_id": oldID}), true)
		assert.Equal(t, false, again["changed"], "check mode too")
		assert.Equal(t, "not regenerated: only_if_cluster_id is "+oldID+", and this node has cluster id "+first["cluster_id"].(string), again["msg"])
	})
	t.Run("bad uses", func(t *testing.T) {
		tree := configuredTree(t, "configure")
		res := execute(t, tree, demo(map[string]any{"only_if_cluster_id": oldID}), false)
		assert.Equal(t, "only_if_cluster_id is used with state=regenerated only, not with state=present", res["msg"])
		res = execute(t, tree, regen(map[string]any{"only_if_cluster_id": "511-904"}), false)
		assert.Equal(t, `only_if_cluster_id: "511-904" is not a cluster id (up to 20 digits, as in conf/clusterid)`, res["msg"])
		assert.Empty(t, tree.CallLines())
	})
}

func dirEntries(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// TestRegenerated_CheckDiffShowsTheWholeChange: issue 10 item 3.
// --check --diff printed only "changed:" (mapr-clusters.conf before and
// after were the same text).
func TestRegenerated_CheckDiffShowsTheWholeChange(t *testing.T) {
	now = func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
	t.Cleanup(func() { now = time.Now })
	tree := configuredTree(t, "configure")
	before := snapshot(t, tree)
	res := execute(t, tree, regen(nil), true)
	require.Nil(t, res["failed"], res["msg"])
	assert.Equal(t, before, snapshot(t, tree))
	id := fileDiff(t, res, "clusterid")
	assert.Equal(t, oldID+"\n", id["before"])
	assert.Equal(t, "", id["after"])
	assert.Equal(t, tree.Conf("clusterid")+" (removed)", id["after_header"])
	list := res["diff"].([]any)
	prepared := list[len(list)-1].(map[string]any)["prepared"]
	assert.Equal(t, "would back up "+tree.Conf("conf.old/clusterid.2026-01-02.03-04-05")+"\n"+
		"would back up "+tree.Conf("conf.old/mapr-clusters.conf.2026-01-02.03-04-05")+"\n"+
		"would run "+tree.Configure()+" -N demo.mapr.com -C cldb1:7222,cldb2:7222 -Z zk1:5181,zk2:5181 -no-autostart -on-prompt-cont y\n", prepared)
	assert.Equal(t, []any{tree.Conf("conf.old/clusterid.2026-01-02.03-04-05"), tree.Conf("conf.old/mapr-clusters.conf.2026-01-02.03-04-05")}, res["backups"])
	assert.NotContains(t, res, "regeneration")

	real := execute(t, tree, regen(nil), false)
	require.Nil(t, real["failed"], real["msg"])
	list = real["diff"].([]any)
	assert.True(t, strings.HasPrefix(list[len(list)-1].(map[string]any)["prepared"].(string), "backed up "+tree.Conf("conf.old/clusterid.2026-01-02.03-04-05")+"\n"))
	assert.Equal(t, res["backups"], real["backups"], "check mode named the backups the real run made")
}

// TestPresent_ZooKeeperOnlyChangeDiffsTheFilesItRewrites: issue 10 item 3.
// A ZooKeeper-only change showed an unchanged mapr-clusters.conf and nothing
// else.
func TestPresent_ZooKeeperOnlyChangeDiffsTheFilesItRewrites(t *testing.T) {
	tree := configuredTree(t, "")
	require.NoError(t, os.WriteFile(tree.Conf("cldb.conf"), []byte("cldb.port=7222\ncldb.zookeeper.servers=zk1:5181,zk2:5181\n"), 0o644))
	args := demo(map[string]any{"zk_nodes": []any{"zk3", "zk1", "zk2"}})
	check := execute(t, tree, args, true)
	require.Nil(t, check["failed"], check["msg"])
	assert.Equal(t, true, check["changed"])
	warden := fileDiff(t, check, "warden.conf")
	assert.Equal(t, wardenConf, warden["before"])
	assert.Equal(t, "zookeeper.servers=zk1:5181,zk2:5181,zk3:5181\ncldb.port=7222\n", warden["after"])
	assert.Equal(t, tree.Conf("warden.conf")+" (predicted: zookeeper.servers)", warden["after_header"])
	assert.Equal(t, "cldb.port=7222\ncldb.zookeeper.servers=zk1:5181,zk2:5181,zk3:5181\n", fileDiff(t, check, "cldb.conf")["after"])

	res := execute(t, tree, args, false)
	require.Nil(t, res["failed"], res["msg"])
	assert.Equal(t, warden["after"], fileDiff(t, res, "warden.conf")["after"], "the prediction is what configure.sh wrote")
	assert.Equal(t, fileDiff(t, check, "cldb.conf")["after"], fileDiff(t, res, "cldb.conf")["after"])
}
