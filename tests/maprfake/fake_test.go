package maprfake

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var fakeBinary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "maprfake-bin")
	if err != nil {
		panic(err)
	}
	fakeBinary, err = Build(dir)
	if err != nil {
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

const testClusterID = "5119043355327235351"

func newTree(t *testing.T, o Options) *Tree {
	t.Helper()
	tree, err := Setup(t.TempDir(), fakeBinary, o)
	require.NoError(t, err)
	return tree
}

type result struct {
	out, err string
	rc       int
}

// run starts one of the fake programs by path, with extra env.
func run(t *testing.T, path string, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(path, args...)
	cmd.Env = append(os.Environ(), env...)
	var so, se strings.Builder
	cmd.Stdout, cmd.Stderr = &so, &se
	err := cmd.Run()
	rc := 0
	if ee, ok := err.(*exec.ExitError); ok {
		rc = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return result{so.String(), se.String(), rc}
}

func writeLicense(t *testing.T, s LicenseSpec) (string, string) {
	t.Helper()
	text, hash := LicenseText(s)
	path := filepath.Join(t.TempDir(), "license.txt")
	require.NoError(t, os.WriteFile(path, []byte(text), 0o600))
	return path, hash
}

func TestLicenseList_ReproducesRawNewlineBugByDefault(t *testing.T) {
	tree := newTree(t, Options{ClusterID: testClusterID})
	r := run(t, tree.Maprcli(), nil, "license", "list", "-json")
	require.Equal(t, 0, r.rc)
	assert.False(t, json.Valid([]byte(r.out)), "default output must be the real, invalid JSON")
	assert.Contains(t, r.out, "MapR Technologies,\n")
	assert.Contains(t, r.out, "\t\"status\":\"OK\",\n\t\"total\":1,")

	clean := run(t, tree.Maprcli(), []string{"FAKE_MAPR_CLEAN_JSON=1"}, "license", "list", "-json")
	var env struct {
		Status string
		Total  int
		Data   []map[string]any
	}
	require.NoError(t, json.Unmarshal([]byte(clean.out), &env))
	assert.Equal(t, "OK", env.Status)
	assert.Equal(t, BaseLicense.ID, env.Data[0]["id"])
	assert.Equal(t, false, env.Data[0]["deletable"])
	assert.Contains(t, env.Data[0], "isAdditionalFeature")

	typo := run(t, tree.Maprcli(), []string{"FAKE_MAPR_CLEAN_JSON=1", "FAKE_MAPR_DOC_TYPO=1"}, "license", "list", "-json")
	assert.Contains(t, typo.out, `"isAdditioanlFeature":false`)

	tab := run(t, tree.Maprcli(), nil, "license", "list")
	assert.Contains(t, tab.out, "hash: \"Dc2TEsJGHQx6LuhRbhIJKhhI/Vo=\"\n")
	assert.Contains(t, tab.out, "licType: Base\n")
}

func TestLicenseAdd(t *testing.T) {
	valid, validHash := writeLicense(t, LicenseSpec{ClusterID: testClusterID})
	other, _ := writeLicense(t, LicenseSpec{ClusterID: "6486878629867426246"})
	expired, _ := writeLicense(t, LicenseSpec{ClusterID: testClusterID, Expires: time.Now().Add(-time.Hour)})
	unsigned, _ := writeLicense(t, LicenseSpec{ClusterID: testClusterID, Unsigned: true})
	tests := []struct {
		name    string
		env     []string
		args    []string
		wantRC  int
		wantOut string
		stored  bool
	}{
		{"adds a valid license silently", nil, []string{"-is_file", "true", "-license", valid}, 0, "", true},
		{"either argument order works", nil, []string{"-license", valid, "-is_file", "true"}, 0, "", true},
		{"json success prints the OK envelope", nil, []string{"-json", "-is_file", "true", "-license", valid}, 0, "\"status\":\"OK\"", true},
		{"license for another cluster", nil, []string{"-is_file", "true", "-license", other}, 1, "ERROR (10003) -  license add: License is not valid for this cluster\n", false},
		{"expired license", nil, []string{"-is_file", "true", "-license", expired}, 1, "ERROR (10003) -  license add: License has expired\n", false},
		{"unsigned text", nil, []string{"-is_file", "true", "-license", unsigned}, 1, "ERROR (10003) -  license add: Invalid license\n", false},
		{"unreadable file", nil, []string{"-is_file", "true", "-license", "/nonexistent"}, 1, "ERROR (2) -  license add: cannot read license file /nonexistent\n", false},
		{"injected failure with another exit code", []string{"FAKE_MAPR_FAIL=license add", "FAKE_MAPR_RC=7"}, []string{"-is_file", "true", "-license", valid}, 7, "ERROR (10003) -  license add: injected failure\n", false},
		{"silent no-op returns 0 without storing", []string{"FAKE_MAPR_ADD_SILENT_NOOP=1"}, []string{"-is_file", "true", "-license", valid}, 0, "", false},
		{"CLDB down", []string{"FAKE_MAPR_CLDB_DOWN=1"}, []string{"-is_file", "true", "-license", valid}, 1, "ERROR (2) -  license add: couldn't connect to the CLDB service\n", false},
		{"no ticket", []string{"FAKE_MAPR_NO_TICKET=1"}, []string{"-is_file", "true", "-license", valid}, 1, "ERROR (1) -  license add: failure to login: Unable to obtain MapR credentials\n", false},
		{"unknown cluster", nil, []string{"-cluster", "nope", "-is_file", "true", "-license", valid}, 1, "ERROR (2) -  license add: cluster nope not found\n", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tree := newTree(t, Options{ClusterID: testClusterID})
			r := run(t, tree.Maprcli(), tc.env, append([]string{"license", "add"}, tc.args...)...)
			assert.Equal(t, tc.wantRC, r.rc)
			if tc.wantOut == "" {
				assert.Empty(t, r.out)
			} else {
				assert.Contains(t, r.out, tc.wantOut)
			}
			ids := []string{}
			for _, l := range tree.Licenses() {
				ids = append(ids, l.ID)
			}
			if tc.stored {
				assert.Equal(t, []string{BaseLicense.ID, validHash}, ids)
			} else {
				assert.Equal(t, []string{BaseLicense.ID}, ids)
			}
		})
	}
}

func TestLicenseAdd_DuplicateFailsAndJSONErrorEnvelope(t *testing.T) {
	tree := newTree(t, Options{ClusterID: testClusterID})
	path, _ := writeLicense(t, LicenseSpec{ClusterID: testClusterID})
	require.Equal(t, 0, run(t, tree.Maprcli(), nil, "license", "add", "-is_file", "true", "-license", path).rc)
	r := run(t, tree.Maprcli(), nil, "license", "add", "-json", "-is_file", "true", "-license", path)
	assert.Equal(t, 1, r.rc)
	var env struct {
		Status string
		Errors []struct {
			ID   int
			Desc string
		}
	}
	require.NoError(t, json.Unmarshal([]byte(r.out), &env))
	assert.Equal(t, "ERROR", env.Status)
	assert.Equal(t, "license add: License already exists", env.Errors[0].Desc)
}

func TestLicenseRemove(t *testing.T) {
	tree := newTree(t, Options{ClusterID: testClusterID})
	path, hash := writeLicense(t, LicenseSpec{ClusterID: testClusterID})
	require.Equal(t, 0, run(t, tree.Maprcli(), nil, "license", "add", "-is_file", "true", "-license", path).rc)
	assert.Equal(t, "ERROR (10003) -  license remove: License cannot be removed\n", run(t, tree.Maprcli(), nil, "license", "remove", "-license_id", BaseLicense.ID).out)
	assert.Equal(t, 0, run(t, tree.Maprcli(), nil, "license", "remove", "-license_id", hash).rc)
	assert.Len(t, tree.Licenses(), 1)
	r := run(t, tree.Maprcli(), nil, "license", "remove", "-license_id", hash)
	assert.Equal(t, 1, r.rc)
	assert.Contains(t, r.out, "not found")
}

func TestShowIDDashboardAndCLDBMaster(t *testing.T) {
	tree := newTree(t, Options{ClusterID: testClusterID, ClustersConf: "demo.mapr.com secure=true maprdemo:7222\n"})
	assert.Equal(t, "id                   \n"+testClusterID+"\n", run(t, tree.Maprcli(), nil, "license", "showid").out)
	assert.Equal(t, testClusterID+"\n", run(t, tree.Maprcli(), nil, "license", "showid", "-noheader").out)
	assert.Contains(t, run(t, tree.Maprcli(), nil, "license", "showid", "-showNodes", "true").out, "    -1            "+testClusterID+"   1\n")
	dash := run(t, tree.Maprcli(), nil, "dashboard", "info", "-json")
	assert.Contains(t, dash.out, `"name":"demo.mapr.com"`)
	assert.Contains(t, dash.out, `"id":"`+testClusterID+`"`)
	assert.Contains(t, dash.out, `"secure":true`)

	down := run(t, tree.Maprcli(), nil, "node", "cldbmaster")
	assert.Equal(t, 1, down.rc)
	up := run(t, tree.Maprcli(), []string{"FAKE_CLDB_UP=1"}, "node", "cldbmaster")
	assert.Equal(t, 0, up.rc)
	assert.True(t, strings.HasPrefix(up.out, "cldbmaster\nServerID: 1381100297754224768 HostName: "))
	assert.Equal(t, 0, run(t, tree.Maprcli(), []string{"FAKE_CLDB_UP=1", "FAKE_MAPR_CLDB_DOWN=1"}, "node", "cldbmaster").rc,
		"CLDB_DOWN spares node cldbmaster")

	bad := run(t, tree.Maprcli(), nil, "license", "listcluster")
	assert.Equal(t, "ERROR (22) -  license listcluster: Invalid command\n", bad.out)
	assert.Equal(t, 1, bad.rc)

	empty := newTree(t, Options{})
	assert.Equal(t, 1, run(t, empty.Maprcli(), nil, "license", "showid").rc)
}

func TestMaprcli_RequireTicketAndCallLog(t *testing.T) {
	tree := newTree(t, Options{ClusterID: testClusterID})
	require.NoError(t, tree.SetFault("FAKE_MAPR_REQUIRE_TICKET", "1"))
	assert.Equal(t, 1, run(t, tree.Maprcli(), nil, "license", "showid").rc)
	ticket := filepath.Join(t.TempDir(), "ticket")
	require.NoError(t, os.WriteFile(ticket, []byte("t"), 0o600))
	assert.Equal(t, 0, run(t, tree.Maprcli(), []string{"MAPR_TICKETFILE_LOCATION=" + ticket}, "license", "showid").rc)
	require.NoError(t, tree.SetFault("FAKE_MAPR_REQUIRE_TICKET", ""))
	assert.Equal(t, 0, run(t, tree.Maprcli(), nil, "license", "showid").rc, "clearing the fault works")

	calls, err := tree.Calls()
	require.NoError(t, err)
	require.Len(t, calls, 3)
	assert.Equal(t, "maprcli", calls[1].Prog)
	assert.Equal(t, []string{"license", "showid"}, calls[1].Args)
	assert.Equal(t, ticket, calls[1].Ticket)
	assert.Equal(t, os.Getuid(), calls[1].UID)
}

func TestSudo_RecordsUserAndRunsTheProgram(t *testing.T) {
	tree := newTree(t, Options{ClusterID: testClusterID})
	r := run(t, filepath.Join(tree.Home, "bin", "sudo"), nil, "-E", "-n", "-u", "mapr", tree.Maprcli(), "license", "showid", "-noheader")
	assert.Equal(t, testClusterID+"\n", r.out)
	calls, _ := tree.Calls()
	require.Len(t, calls, 2)
	assert.Equal(t, "mapr", calls[1].SudoUser)
}

func TestConfigure_ValidationMessages(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no arguments prints usage", nil, "configure.sh  -C cldb_list  -Z zookeeper_list  [args]\n"},
		{"blank name", []string{"-N", " ", "-C", "a", "-Z", "z"}, "ERROR: -N option error: cluster name cannot be blank.\n"},
		{"name with space", []string{"-N", "a b", "-C", "a", "-Z", "z"}, "ERROR: -N option error: cluster name cannot contain spaces.\n"},
		{"no CLDB", []string{"-N", "c", "-Z", "z"}, "ERROR: No cldb nodes list was provided. Exiting\n"},
		{"no ZK", []string{"-N", "c", "-C", "a"}, "ERROR: No Zookeeper nodes list was provided. Exiting\n"},
		{"bad CLDB list", []string{"-N", "c", "-C", "a:b:c", "-Z", "z"}, "ERROR: CLDB list should be in format: host[:port],host[:port]\n"},
		{"mixed CLDB ports", []string{"-N", "c", "-C", "a:1,b:2", "-Z", "z"}, "ERROR: CLDB Ports should be the same for all CLDBs\n"},
		{"reserved port", []string{"-N", "c", "-C", "a:7221", "-Z", "z"}, "ERROR: Can not use reserved ports:  7221 5660\n"},
		{"same ports", []string{"-N", "c", "-C", "a:9", "-Z", "z:9"}, "ERROR: CLDB and Zookeeper ports can not be the same: 9\n"},
		{"group without user", []string{"-N", "c", "-C", "a", "-Z", "z", "-g", "mapr"}, "ERROR: -g option should be used along with -u.\n"},
		{"unknown option", []string{"-x"}, "ERROR: Unrecognized option:  -x\n"},
		{"bare word", []string{"oops"}, "ERROR: Unrecognized parameter:  oops\n"},
		{"refresh without conf", []string{"-R"}, "is invalid. Use -C parameter to provide list of cldb nodes. Exiting\n"},
		{"secure without keys", []string{"-N", "c", "-C", "a", "-Z", "z", "-secure"}, "' is not available.\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tree := newTree(t, Options{})
			r := run(t, tree.Configure(), nil, tc.args...)
			assert.Equal(t, 1, r.rc)
			assert.Contains(t, r.out, tc.want)
			_, err := os.Stat(tree.Conf("mapr-clusters.conf"))
			assert.True(t, os.IsNotExist(err), "a refused run writes nothing")
		})
	}
}

func TestConfigure_FullRunTwiceAndRename(t *testing.T) {
	tree := newTree(t, Options{})
	args := []string{"-N", "demo.mapr.com", "-C", "c2,c1:7222", "-Z", "z1", "-no-autostart", "-on-prompt-cont", "y"}
	r := run(t, tree.Configure(), nil, args...)
	require.Equal(t, 0, r.rc, r.out)
	assert.Contains(t, r.out, "create "+tree.Conf("conf.old")+"\n")
	assert.Contains(t, r.out, "CLDB node list: c1:7222,c2:7222\nZookeeper node list: z1:5181\n")
	assert.Contains(t, r.out, `Run "service mapr-warden start" in order to start this node`)
	conf, _ := os.ReadFile(tree.Conf("mapr-clusters.conf"))
	assert.Equal(t, "demo.mapr.com secure=false c1:7222 c2:7222\n", string(conf))
	warden, _ := os.ReadFile(tree.Conf("warden.conf"))
	assert.Contains(t, string(warden), "zookeeper.servers=z1:5181\n")
	fi, err := os.Stat(filepath.Join(tree.Home, "logs", "configure.log"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	_, err = os.Stat(tree.Conf("clusterid"))
	assert.True(t, os.IsNotExist(err), "the default cldb model leaves the cluster id to the CLDB")

	r = run(t, tree.Configure(), nil, args...)
	require.Equal(t, 0, r.rc)
	backups, _ := filepath.Glob(tree.Conf("conf.old/mapr-clusters.conf.*"))
	assert.Len(t, backups, 1)

	r = run(t, tree.Configure(), nil, "-N", "other", "-C", "c9", "-Z", "z1", "-on-prompt-cont", "y")
	require.Equal(t, 0, r.rc)
	assert.Contains(t, r.out, "As cluster provided as input: other is not current cluster. Only "+tree.Conf("mapr-clusters.conf")+" will be updated\n")
	conf, _ = os.ReadFile(tree.Conf("mapr-clusters.conf"))
	assert.Equal(t, "demo.mapr.com secure=false c1:7222 c2:7222\nother secure=false c9:7222\n", string(conf))
}

func TestConfigure_ClusterIDModelsAndGenkeys(t *testing.T) {
	tree := newTree(t, Options{ClusterIDMode: "configure"})
	require.Equal(t, 0, run(t, tree.Configure(), nil, "-N", "c", "-C", "a", "-Z", "z", "-secure", "-genkeys").rc)
	id, err := os.ReadFile(tree.Conf("clusterid"))
	require.NoError(t, err)
	assert.Regexp(t, `^[1-9][0-9]{18}\n$`, string(id))
	fi, _ := os.Stat(tree.Conf("clusterid"))
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	conf, _ := os.ReadFile(tree.Conf("mapr-clusters.conf"))
	assert.Equal(t, "c secure=true a:7222\n", string(conf))
	r := run(t, tree.Configure(), nil, "-N", "c", "-C", "a", "-Z", "z", "-secure", "-genkeys")
	assert.Equal(t, 1, r.rc)
	assert.Contains(t, r.out, "ERROR: cldb key file '"+tree.Conf("cldb.key")+"' is already available.")
	// Secure is inherited when neither flag is given.
	require.Equal(t, 0, run(t, tree.Configure(), nil, "-N", "c", "-C", "a", "-Z", "z").rc)
	conf, _ = os.ReadFile(tree.Conf("mapr-clusters.conf"))
	assert.Equal(t, "c secure=true a:7222\n", string(conf))
}

func TestConfigure_FailurePromptAndSleepInjection(t *testing.T) {
	tree := newTree(t, Options{})
	require.NoError(t, tree.SetFault("FAKE_CONFIGURE_FAIL", "1"))
	r := run(t, tree.Configure(), nil, "-N", "c", "-C", "a", "-Z", "z", "-on-prompt-cont", "y")
	assert.Equal(t, 1, r.rc)
	assert.Contains(t, r.out, "ERROR: injected configure failure")
	_, err := os.Stat(tree.Conf("mapr-clusters.conf"))
	assert.NoError(t, err, "the failure comes after mapr-clusters.conf was written, like the real script")
	require.NoError(t, tree.SetFault("FAKE_CONFIGURE_FAIL", ""))

	require.NoError(t, tree.SetFault("FAKE_CONFIGURE_PROMPT", "1"))
	r = run(t, tree.Configure(), nil, "-N", "c", "-C", "a", "-Z", "z")
	assert.Equal(t, 1, r.rc, "without -on-prompt-cont y the prompt is not answered")
	assert.Equal(t, 0, run(t, tree.Configure(), nil, "-N", "c", "-C", "a", "-Z", "z", "-on-prompt-cont", "y").rc)

	assert.Equal(t, 1, run(t, tree.Configure(), []string{"FAKE_CONFIGURE_NOT_ROOT=1"}, "-N", "c", "-C", "a", "-Z", "z").rc)
	start := time.Now()
	run(t, tree.Configure(), []string{"FAKE_CONFIGURE_SLEEP=300ms"}, "-R")
	assert.GreaterOrEqual(t, time.Since(start), 300*time.Millisecond)
}

func TestSystemctl_WardenLifecycleWritesClusterIDInCLDBModel(t *testing.T) {
	tree := newTree(t, Options{})
	r := run(t, tree.Systemctl(), nil, "is-active", "mapr-warden")
	assert.Equal(t, result{"inactive\n", "", 3}, r)
	require.Equal(t, 0, run(t, tree.Systemctl(), nil, "start", "mapr-warden").rc)
	assert.Equal(t, result{"", "", 0}, run(t, tree.Systemctl(), nil, "is-active", "-q", "mapr-warden"))
	id, err := os.ReadFile(tree.Conf("clusterid"))
	require.NoError(t, err)
	for _, f := range []string{"mapruserticket"} {
		_, err := os.Stat(tree.Conf(f))
		assert.NoError(t, err)
	}
	log, _ := os.ReadFile(filepath.Join(tree.Home, "logs", "cldb.log"))
	assert.Contains(t, string(log), "CLDB State change : RUNNING")

	require.NoError(t, tree.SetFault("FAKE_WARDEN_STOP_FAIL", "1"))
	assert.Equal(t, 1, run(t, tree.Systemctl(), nil, "stop", "mapr-warden").rc)
	require.NoError(t, tree.SetFault("FAKE_WARDEN_STOP_FAIL", ""))
	svc := run(t, filepath.Join(tree.Home, "bin", "service"), nil, "mapr-warden", "stop")
	assert.Equal(t, "Redirecting to /bin/systemctl stop mapr-warden.service\n", svc.out)
	assert.Equal(t, 3, run(t, tree.Systemctl(), nil, "is-active", "mapr-warden").rc)

	// "ZooKeeper" keeps the id: deleting the file and restarting brings it back.
	require.NoError(t, os.Remove(tree.Conf("clusterid")))
	require.Equal(t, 0, run(t, tree.Systemctl(), nil, "start", "mapr-warden.service").rc)
	again, _ := os.ReadFile(tree.Conf("clusterid"))
	assert.Equal(t, string(id), string(again))
}

// TestSystemctl_CannotTellInjections: the "cannot tell" cases of the
// warden guard (issue 10): a host without systemd, a unit in transition,
// and the pid file that stop removes.
func TestSystemctl_CannotTellInjections(t *testing.T) {
	tree := newTree(t, Options{WardenActive: true})
	require.NoError(t, os.MkdirAll(filepath.Join(tree.Home, "pid"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(tree.Home, "pid", "warden.pid"), []byte("1\n"), 0o644))

	require.NoError(t, tree.SetFault("FAKE_SYSTEMD_NOT_BOOTED", "1"))
	r := run(t, tree.Systemctl(), nil, "is-active", "mapr-warden")
	assert.Equal(t, result{"", "System has not been booted with systemd as init system (PID 1). Can't operate.\nFailed to connect to bus: Host is down\n", 1}, r)
	assert.Equal(t, 1, run(t, tree.Systemctl(), nil, "stop", "mapr-warden").rc)
	require.NoError(t, tree.SetFault("FAKE_SYSTEMD_NOT_BOOTED", ""))

	require.NoError(t, tree.SetFault("FAKE_WARDEN_STATE", "deactivating"))
	assert.Equal(t, result{"deactivating\n", "", 3}, run(t, tree.Systemctl(), nil, "is-active", "mapr-warden"))
	require.NoError(t, tree.SetFault("FAKE_WARDEN_STATE", ""))

	require.Equal(t, 0, run(t, tree.Systemctl(), nil, "stop", "mapr-warden").rc)
	_, err := os.Stat(filepath.Join(tree.Home, "pid", "warden.pid"))
	assert.True(t, os.IsNotExist(err), "stop removes the pid file")
}

func TestHelperCommands(t *testing.T) {
	home := filepath.Join(t.TempDir(), "mapr")
	r := run(t, fakeBinary, nil, "setup", home, "-cluster-id", testClusterID, "-clusters-conf", "c secure=false a:7222", "-warden-active")
	require.Equal(t, 0, r.rc, r.err)
	tree := &Tree{Home: home, State: filepath.Join(home, ".fake")}
	assert.Equal(t, testClusterID+"\n", run(t, tree.Maprcli(), nil, "license", "showid", "-noheader").out)
	assert.Equal(t, 0, run(t, tree.Systemctl(), nil, "is-active", "mapr-warden").rc)

	lic := run(t, fakeBinary, nil, "license", "-cluster-id", testClusterID, "-serial", "1")
	assert.True(t, strings.HasPrefix(lic.out, "-----BEGIN SIGNED MESSAGE-----\nclusterid: \""+testClusterID+"\"\n"))
	assert.Contains(t, lic.out, "\nhash: \"")
	assert.True(t, strings.HasSuffix(lic.out, "-----END SIGNATURE-----\n"))
	other := run(t, fakeBinary, nil, "license", "-cluster-id", testClusterID, "-serial", "2")
	assert.NotEqual(t, lic.out, other.out)
}
