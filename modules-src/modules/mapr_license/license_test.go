package maprlicense

import (
	"context"
	"encoding/json"
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
	dir, err := os.MkdirTemp("", "mapr-license-test")
	if err != nil {
		panic(err)
	}
	if fakeBinary, err = maprfake.Build(dir); err != nil {
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

const clusterID = "5119043355327235351"

func newTree(t *testing.T) *maprfake.Tree {
	t.Helper()
	tree, err := maprfake.Setup(t.TempDir(), fakeBinary, maprfake.Options{ClusterID: clusterID, ClustersConf: "demo.mapr.com secure=false node1:7222\n"})
	require.NoError(t, err)
	return tree
}

func licenseFile(t *testing.T, spec maprfake.LicenseSpec) (path, text, hash string) {
	t.Helper()
	text, hash = maprfake.LicenseText(spec)
	path = filepath.Join(t.TempDir(), "license.txt")
	require.NoError(t, os.WriteFile(path, []byte(text), 0o600))
	return path, text, hash
}

// execute runs the module as the binary would; check and diff are the
// task's flags.
func execute(t *testing.T, tree *maprfake.Tree, args map[string]any, check bool) map[string]any {
	t.Helper()
	full := map[string]any{"mapr_home": tree.Home, "_ansible_check_mode": check, "_ansible_diff": true}
	for k, v := range args {
		full[k] = v
	}
	return ansible.Execute(context.Background(), Definition, full)
}

// requireNoSecret fails when any part of the license text (its whole text,
// its signature, its signed header) shows up in the result.
func requireNoSecret(t *testing.T, res map[string]any, text string) {
	t.Helper()
	b, err := json.Marshal(res)
	require.NoError(t, err)
	out := string(b)
	assert.NotContains(t, out, "BEGIN SIGNED MESSAGE")
	assert.NotContains(t, out, "BEGIN SIGNATURE")
	sig := strings.Split(strings.Split(text, "-----BEGIN SIGNATURE-----\n")[1], "\n")[0]
	assert.NotContains(t, out, sig)
	assert.NotContains(t, out, "customerid")
}

func licenseIDs(tree *maprfake.Tree) []string {
	var ids []string
	for _, l := range tree.Licenses() {
		ids = append(ids, l.ID)
	}
	return ids
}

func TestAdd_ThenReAddIsOK(t *testing.T) {
	tree := newTree(t)
	path, text, hash := licenseFile(t, maprfake.LicenseSpec{ClusterID: clusterID})

	res := execute(t, tree, map[string]any{"src": path}, false)
	require.Nil(t, res["failed"], res["msg"])
	assert.Equal(t, true, res["changed"])
	assert.Equal(t, hash, res["license_id"])
	assert.Equal(t, clusterID, res["cluster_id"])
	assert.Equal(t, true, res["installed"])
	assert.Len(t, res["licenses"], 2)
	assert.NotEmpty(t, res["hints"])
	assert.Equal(t, map[string]any{
		"before":        maprfake.BaseLicense.ID + "  MapR Base Edition\n",
		"after":         maprfake.BaseLicense.ID + "  MapR Base Edition\n" + hash + "  MapR Enterprise Trial Edition\n",
		"before_header": "maprcli license list", "after_header": "maprcli license list",
	}, res["diff"])
	expires := res["expires"].(map[string]any)
	assert.NotEmpty(t, expires["date"])
	assert.NotEmpty(t, expires["text"])
	requireNoSecret(t, res, text)
	abs, _ := filepath.Abs(path)
	assert.Equal(t, []string{
		"maprcli license showid -noheader",
		"maprcli license list -json",
		"maprcli license add -is_file true -license " + abs,
		"maprcli license list -json",
	}, tree.CallLines())
	assert.Equal(t, []string{maprfake.BaseLicense.ID, hash}, licenseIDs(tree))

	require.NoError(t, tree.ResetCalls())
	res = execute(t, tree, map[string]any{"src": path}, false)
	require.Nil(t, res["failed"], res["msg"])
	assert.Equal(t, false, res["changed"])
	assert.Equal(t, true, res["installed"])
	assert.Nil(t, res["diff"])
	assert.Nil(t, res["hints"])
	assert.Equal(t, []string{"maprcli license showid -noheader", "maprcli license list -json"}, tree.CallLines(), "no second add")
}

// TestInstalled_TellsACheckModeProbeWhatARealRunWouldDo: the mapr_license
// role asks in check mode first, so that a rerun with the license present
// copies nothing and changes nothing (issue 10 item 4).
func TestInstalled_TellsACheckModeProbeWhatARealRunWouldDo(t *testing.T) {
	tree := newTree(t)
	path, _, hash := licenseFile(t, maprfake.LicenseSpec{ClusterID: clusterID})
	probe := execute(t, tree, map[string]any{"src": path}, true)
	assert.Equal(t, false, probe["installed"])
	require.Nil(t, execute(t, tree, map[string]any{"src": path}, false)["failed"])
	assert.Equal(t, true, execute(t, tree, map[string]any{"src": path}, true)["installed"])
	assert.Equal(t, true, execute(t, tree, map[string]any{"license_id": hash, "state": "absent"}, true)["installed"], "check mode: still there")
	assert.Equal(t, false, execute(t, tree, map[string]any{"license_id": hash, "state": "absent"}, false)["installed"])
	assert.Equal(t, false, execute(t, tree, map[string]any{"license_id": hash, "state": "absent"}, false)["installed"])
}

func TestAdd_ContentIsMaskedAndTheTemporaryFileRemoved(t *testing.T) {
	tree := newTree(t)
	text, hash := maprfake.LicenseText(maprfake.LicenseSpec{ClusterID: clusterID, Serial: "content"})
	res := execute(t, tree, map[string]any{"content": text}, false)
	require.Nil(t, res["failed"], res["msg"])
	assert.Equal(t, true, res["changed"])
	assert.Equal(t, hash, res["license_id"])
	args := res["invocation"].(map[string]any)["module_args"].(map[string]any)
	assert.Equal(t, "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER", args["content"])
	requireNoSecret(t, res, text)

	calls, err := tree.Calls()
	require.NoError(t, err)
	add := calls[2]
	require.Equal(t, []string{"license", "add", "-is_file", "true", "-license"}, add.Args[:5], "the text never goes on the command line")
	_, statErr := os.Stat(add.Args[5])
	assert.True(t, os.IsNotExist(statErr), "temporary license file is deleted")
}

func TestAdd_CheckModePredictsWithoutAdding(t *testing.T) {
	tree := newTree(t)
	path, _, hash := licenseFile(t, maprfake.LicenseSpec{ClusterID: clusterID})
	res := execute(t, tree, map[string]any{"src": path}, true)
	require.Nil(t, res["failed"], res["msg"])
	assert.Equal(t, true, res["changed"])
	assert.Equal(t, hash, res["license_id"])
	assert.Contains(t, res["diff"].(map[string]any)["after"], hash)
	assert.Equal(t, []string{"maprcli license showid -noheader", "maprcli license list -json"}, tree.CallLines())
	assert.Equal(t, []string{maprfake.BaseLicense.ID}, licenseIDs(tree))
}

func TestAdd_RefusedBeforeCallingMaprcli(t *testing.T) {
	expired, _, _ := licenseFile(t, maprfake.LicenseSpec{ClusterID: clusterID, Expires: time.Date(2019, 3, 14, 22, 21, 16, 0, time.UTC)})
	unsigned, _, _ := licenseFile(t, maprfake.LicenseSpec{ClusterID: clusterID, Unsigned: true})
	badHash := filepath.Join(t.TempDir(), "bad")
	require.NoError(t, os.WriteFile(badHash, []byte("-----BEGIN SIGNED MESSAGE-----\nhash: \"--oops\"\n"), 0o600))
	tests := []struct {
		name, src, wantMsg string
	}{
		{"expired license", expired, "src: the license expired on 2019-03-14T22:21:16Z; refusing to add it"},
		{"not a signed license", unsigned, `src: not a MapR license: no "-----BEGIN SIGNED MESSAGE-----" line`},
		{"malformed hash", badHash, "src: malformed license: hash is not a base64 value"},
		{"missing file", "/nonexistent/license.txt", "src: cannot read the license file /nonexistent/license.txt: no such file or directory"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tree := newTree(t)
			res := execute(t, tree, map[string]any{"src": tc.src}, false)
			assert.Equal(t, true, res["failed"])
			assert.Equal(t, tc.wantMsg, res["msg"])
			assert.Empty(t, tree.CallLines(), "nothing was called")
		})
	}
}

func TestAdd_LicenseForAnotherClusterIsRefused(t *testing.T) {
	tree := newTree(t)
	path, text, _ := licenseFile(t, maprfake.LicenseSpec{ClusterID: "6486878629867426246"})
	res := execute(t, tree, map[string]any{"src": path}, false)
	assert.Equal(t, true, res["failed"])
	assert.Equal(t, "src: the license is for cluster id 6486878629867426246, but this cluster's id is "+clusterID+" (maprcli license showid); refusing to add it", res["msg"])
	assert.Equal(t, []string{"maprcli license showid -noheader"}, tree.CallLines())
	requireNoSecret(t, res, text)

	// Without the check, maprcli itself refuses it; its error line is shown.
	require.NoError(t, tree.ResetCalls())
	res = execute(t, tree, map[string]any{"src": path, "check_cluster_id": false}, false)
	assert.Equal(t, true, res["failed"])
	assert.Equal(t, "maprcli license add failed (rc=1): ERROR (10003) -  license add: License is not valid for this cluster", res["msg"])
	assert.Equal(t, false, res["changed"])
	requireNoSecret(t, res, text)
}

func TestAdd_FailureInjections(t *testing.T) {
	tests := []struct {
		name    string
		faults  map[string]string
		args    map[string]any
		wantMsg string
	}{
		{"CLDB down", map[string]string{"FAKE_MAPR_CLDB_DOWN": "1"}, nil,
			"cannot read the cluster id to check the license against: maprcli license showid failed (rc=1): ERROR (2) -  license showid: couldn't connect to the CLDB service"},
		{"no ticket", map[string]string{"FAKE_MAPR_NO_TICKET": "1"}, nil,
			"cannot read the cluster id to check the license against: maprcli license showid failed (rc=1): ERROR (1) -  license showid: failure to login: Unable to obtain MapR credentials"},
		{"list fails (JSON error envelope)", map[string]string{"FAKE_MAPR_FAIL": "license list"}, nil,
			"maprcli license list failed (rc=1): (10003) license list: injected failure"},
		{"add fails with another exit code", map[string]string{"FAKE_MAPR_FAIL": "add", "FAKE_MAPR_RC": "7"}, nil,
			"maprcli license add failed (rc=7): ERROR (10003) -  license add: injected failure"},
		{"add succeeds without storing", map[string]string{"FAKE_MAPR_ADD_SILENT_NOOP": "1"}, nil,
			"maprcli license add reported success, but the license is not in maprcli license list"},
		{"maprcli hangs", map[string]string{"FAKE_MAPR_SLEEP": "5s"}, map[string]any{"timeout": 1},
			"cannot read the cluster id to check the license against: maprcli timed out after 1s"},
		{"unknown cluster", nil, map[string]any{"cluster": "nope"},
			"cannot read the cluster id to check the license against: maprcli license showid failed (rc=1): ERROR (2) -  license showid: cluster nope not found"},
		{"showid fails", map[string]string{"FAKE_MAPR_FAIL": "showid"}, nil,
			"cannot read the cluster id to check the license against: maprcli license showid failed (rc=1): ERROR (10003) -  license showid: injected failure"},
		{"ticket required and missing", map[string]string{"FAKE_MAPR_REQUIRE_TICKET": "1"}, nil,
			"cannot read the cluster id to check the license against: maprcli license showid failed (rc=1): ERROR (1) -  license showid: failure to login: Unable to obtain MapR credentials"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tree := newTree(t)
			for k, v := range tc.faults {
				require.NoError(t, tree.SetFault(k, v))
			}
			path, text, _ := licenseFile(t, maprfake.LicenseSpec{ClusterID: clusterID})
			args := map[string]any{"src": path}
			for k, v := range tc.args {
				args[k] = v
			}
			res := execute(t, tree, args, false)
			assert.Equal(t, true, res["failed"])
			assert.Equal(t, tc.wantMsg, strings.Replace(res["msg"].(string), tree.Maprcli(), "maprcli", 1))
			requireNoSecret(t, res, text)
		})
	}
}

func TestAdd_ListOutputVariants(t *testing.T) {
	for _, fault := range []string{"FAKE_MAPR_CLEAN_JSON", "FAKE_MAPR_DOC_TYPO"} {
		t.Run(fault, func(t *testing.T) {
			tree := newTree(t)
			require.NoError(t, tree.SetFault(fault, "1"))
			path, _, _ := licenseFile(t, maprfake.LicenseSpec{ClusterID: clusterID})
			res := execute(t, tree, map[string]any{"src": path}, false)
			require.Nil(t, res["failed"], res["msg"])
			assert.Equal(t, true, res["changed"])
		})
	}
}

func TestAdd_LicenseWithoutHashIsMatchedByText(t *testing.T) {
	tree := newTree(t)
	path, _, _ := licenseFile(t, maprfake.LicenseSpec{ClusterID: clusterID, NoHash: true})
	res := execute(t, tree, map[string]any{"src": path}, false)
	require.Nil(t, res["failed"], res["msg"])
	assert.Equal(t, true, res["changed"])
	assert.NotEmpty(t, res["license_id"], "the id maprcli assigned is returned")
	res = execute(t, tree, map[string]any{"src": path}, false)
	require.Nil(t, res["failed"], res["msg"])
	assert.Equal(t, false, res["changed"])
}

func TestRemove(t *testing.T) {
	tree := newTree(t)
	path, _, hash := licenseFile(t, maprfake.LicenseSpec{ClusterID: clusterID})
	require.Nil(t, execute(t, tree, map[string]any{"src": path}, false)["failed"])

	res := execute(t, tree, map[string]any{"license_id": hash, "state": "absent"}, true)
	assert.Equal(t, true, res["changed"], "check mode predicts the removal")
	assert.Contains(t, licenseIDs(tree), hash)

	require.NoError(t, tree.ResetCalls())
	res = execute(t, tree, map[string]any{"src": path, "state": "absent"}, false)
	require.Nil(t, res["failed"], res["msg"])
	assert.Equal(t, true, res["changed"])
	assert.Equal(t, []string{"maprcli license list -json", "maprcli license remove -license_id " + hash, "maprcli license list -json"}, tree.CallLines())
	assert.Equal(t, []string{maprfake.BaseLicense.ID}, licenseIDs(tree))

	res = execute(t, tree, map[string]any{"license_id": hash, "state": "absent"}, false)
	require.Nil(t, res["failed"], res["msg"])
	assert.Equal(t, false, res["changed"])

	res = execute(t, tree, map[string]any{"license_id": maprfake.BaseLicense.ID, "state": "absent"}, false)
	assert.Equal(t, true, res["failed"])
	assert.Equal(t, "license "+maprfake.BaseLicense.ID+" (MapR Base Edition) is built in (deletable: false) and cannot be removed", res["msg"])

	res = execute(t, tree, map[string]any{"license_id": "-rf", "state": "absent"}, false)
	assert.Equal(t, `license_id: "-rf" is not a license id (a base64 value as maprcli license list shows)`, res["msg"])
}

func TestRemove_FailureInjections(t *testing.T) {
	tests := []struct {
		name    string
		faults  map[string]string
		args    map[string]any
		wantMsg string
	}{
		{"remove fails", map[string]string{"FAKE_MAPR_FAIL": "remove"}, nil,
			"maprcli license remove failed (rc=1): ERROR (10003) -  license remove: injected failure"},
		{"remove fails with another exit code", map[string]string{"FAKE_MAPR_FAIL": "license remove", "FAKE_MAPR_RC": "4"}, nil,
			"maprcli license remove failed (rc=4): ERROR (10003) -  license remove: injected failure"},
		{"CLDB down", map[string]string{"FAKE_MAPR_CLDB_DOWN": "1"}, nil,
			"maprcli license list failed (rc=1): (2) license list: couldn't connect to the CLDB service"},
		{"no ticket", map[string]string{"FAKE_MAPR_NO_TICKET": "1"}, nil,
			"maprcli license list failed (rc=1): (1) license list: failure to login: Unable to obtain MapR credentials"},
		{"maprcli hangs", map[string]string{"FAKE_MAPR_SLEEP": "5s"}, map[string]any{"timeout": 1},
			"maprcli timed out after 1s"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tree := newTree(t)
			path, text, hash := licenseFile(t, maprfake.LicenseSpec{ClusterID: clusterID})
			require.Nil(t, execute(t, tree, map[string]any{"src": path}, false)["failed"])
			for k, v := range tc.faults {
				require.NoError(t, tree.SetFault(k, v))
			}
			args := map[string]any{"src": path, "state": "absent"}
			for k, v := range tc.args {
				args[k] = v
			}
			res := execute(t, tree, args, false)
			assert.Equal(t, true, res["failed"])
			assert.Equal(t, false, res["changed"])
			assert.Equal(t, tc.wantMsg, strings.Replace(res["msg"].(string), tree.Maprcli(), "maprcli", 1))
			assert.Contains(t, licenseIDs(tree), hash, "the license is still installed")
			requireNoSecret(t, res, text)
		})
	}
}

// maprcli's error texts are unknown (mapr.md §7.1): one that quotes lines
// of the license it was given, on stderr or in a JSON error, must not carry
// them into the result.
func TestMaprcliEchoingTheLicenseIsMasked(t *testing.T) {
	script := `#!/bin/bash
lic=/dev/null
for a in "$@"; do [ -f "$a" ] && lic="$a"; done
case "$1 $2" in
"license add")
	echo "com.mapr.license.LicenseException: cannot parse" >&2
	sed -n '2,4p' "$lic" >&2
	exit 1;;
"license list")
	if [ -n "$ECHO_LIST" ]; then
		printf '{"status":"ERROR","errors":[{"id":10003,"desc":"bad entry %s"}]}\n' "$(sed -n 's/"/\\"/g;/customerid/p' "$ECHO_LIST")"
		exit 1
	fi;;
esac
exec "$(dirname "$0")/maprcli" "$@"
`
	for _, option := range []string{"src", "content"} {
		for _, where := range []string{"add", "list"} {
			t.Run(option+"/"+where, func(t *testing.T) {
				tree := newTree(t)
				wrapper := filepath.Join(tree.Home, "bin", "maprcli-echo")
				require.NoError(t, os.WriteFile(wrapper, []byte(script), 0o755))
				path, text, _ := licenseFile(t, maprfake.LicenseSpec{ClusterID: clusterID})
				if where == "list" {
					t.Setenv("ECHO_LIST", path)
				}
				args := map[string]any{"maprcli_path": wrapper, "src": path}
				if option == "content" {
					args = map[string]any{"maprcli_path": wrapper, "content": text}
				}
				res := execute(t, tree, args, false)
				assert.Equal(t, true, res["failed"])
				assert.Contains(t, res["msg"], "failed (rc=1)")
				requireNoSecret(t, res, text)
				b, err := json.Marshal(res)
				require.NoError(t, err)
				for _, line := range strings.Split(text, "\n")[1:4] {
					assert.NotContains(t, string(b), strings.ReplaceAll(line, `"`, `\"`), "a license line leaked")
				}
			})
		}
	}
}

func TestTicketFile(t *testing.T) {
	tree := newTree(t)
	require.NoError(t, tree.SetFault("FAKE_MAPR_REQUIRE_TICKET", "1"))
	path, _, _ := licenseFile(t, maprfake.LicenseSpec{ClusterID: clusterID})

	res := execute(t, tree, map[string]any{"src": path, "ticket_file": "/nonexistent/ticket"}, false)
	assert.Equal(t, "ticket_file: /nonexistent/ticket does not exist", res["msg"])

	res = execute(t, tree, map[string]any{"src": path}, false)
	assert.Equal(t, true, res["failed"], "no ticket: maprcli refuses")

	ticket := tree.Conf("mapruserticket")
	require.NoError(t, os.WriteFile(ticket, []byte("t"), 0o600))
	require.NoError(t, tree.ResetCalls())
	res = execute(t, tree, map[string]any{"src": path}, false)
	require.Nil(t, res["failed"], res["msg"])
	calls, _ := tree.Calls()
	for _, c := range calls {
		assert.Equal(t, ticket, c.Ticket, "the default ticket under mapr_home is exported")
		assert.Equal(t, "C", c.LCAll)
	}
}

func TestMaprUser_RunsThroughSudo(t *testing.T) {
	tree := newTree(t)
	t.Setenv("PATH", filepath.Join(tree.Home, "bin")+string(os.PathListSeparator)+os.Getenv("PATH"))
	text, _ := maprfake.LicenseText(maprfake.LicenseSpec{ClusterID: clusterID})
	res := execute(t, tree, map[string]any{"content": text, "mapr_user": "nobody"}, false)
	require.Nil(t, res["failed"], res["msg"])
	calls, _ := tree.Calls()
	var viaSudo int
	for _, c := range calls {
		if c.Prog == "maprcli" {
			assert.Equal(t, "nobody", c.SudoUser)
			viaSudo++
		}
	}
	assert.Equal(t, 4, viaSudo)

	res = execute(t, tree, map[string]any{"content": text, "mapr_user": "-x"}, false)
	assert.Equal(t, `mapr_user: "-x" is not a valid user name`, res["msg"])
}

func TestValidation(t *testing.T) {
	tree := newTree(t)
	res := execute(t, tree, map[string]any{"src": "/a", "content": "b"}, false)
	assert.Equal(t, "parameters are mutually exclusive: src|content|license_id", res["msg"])
	res = execute(t, tree, map[string]any{}, false)
	assert.Equal(t, "state is present but any of the following are missing: src, content", res["msg"])
	res = execute(t, tree, map[string]any{"src": "/a", "timeout": 0}, false)
	assert.Equal(t, "timeout must be a positive number of seconds, got 0", res["msg"])
	assert.Empty(t, tree.CallLines())
}

// TestNullLicense_IsAnArgumentError: a playbook's empty "content:" is null,
// which required_if accepts (as AnsibleModule does); the module then
// crashed ("internal error: ... nil pointer dereference").
func TestNullLicense_IsAnArgumentError(t *testing.T) {
	tree := newTree(t)
	for _, args := range []map[string]any{
		{"content": nil},
		{"content": ""},
		{"src": nil},
		{"src": "", "_ansible_check_mode": true},
	} {
		res := execute(t, tree, args, false)
		assert.Equal(t, true, res["failed"], "%v", args)
		assert.Equal(t, `state=present needs the license in src (a file on the node) or content (its text), but both are null or empty (an empty "content:" in YAML is null)`, res["msg"], "%v", args)
	}
	res := execute(t, tree, map[string]any{"license_id": nil, "state": "absent"}, false)
	assert.Equal(t, `state=absent needs src, content or license_id, but they are all null or empty (an empty "content:" in YAML is null)`, res["msg"])
	assert.Empty(t, tree.CallLines())
}

func TestMissingMaprcliIsNamed(t *testing.T) {
	tree := newTree(t)
	path, _, _ := licenseFile(t, maprfake.LicenseSpec{ClusterID: clusterID})
	res := execute(t, tree, map[string]any{"src": path, "mapr_home": "/nonexistent/mapr"}, false)
	assert.Equal(t, "mapr_home: maprcli not found at /nonexistent/mapr/bin/maprcli", res["msg"])
	res = execute(t, tree, map[string]any{"src": path, "maprcli_path": "/nonexistent/maprcli"}, false)
	assert.Equal(t, "maprcli_path: maprcli not found at /nonexistent/maprcli", res["msg"])
}
