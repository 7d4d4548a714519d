package mapr

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const cli = "/opt/mapr/bin/maprcli"

func TestMaprcli_Commands(t *testing.T) {
	fake := &FakeExecutor{Steps: []Step{
		{Command: []string{cli, "license", "showid", "-noheader"}, Out: "5119043355327235351\n", Env: []string{"MAPR_TICKETFILE_LOCATION=/opt/mapr/conf/mapruserticket"}},
		{Command: []string{cli, "license", "list", "-json", "-cluster", "demo"}, Out: realLicenseList},
		{Command: []string{cli, "license", "add", "-cluster", "demo", "-is_file", "true", "-license", "/tmp/l.txt"}, RC: 1,
			Out: "ERROR (10003) -  license add: License already exists\n"},
		{Command: []string{cli, "license", "remove", "-license_id", "abc="}, RC: 1,
			Out: `{"status":"ERROR","errors":[{"id":2,"desc":"license remove: not found"}]}`},
		{Command: []string{cli, "node", "cldbmaster", "-noheader"}, RC: 1, Out: "ERROR (2) -  could not connect to cldb1:7222\n"},
	}}
	c, err := NewMaprcli(MaprcliConfig{Path: cli, TicketFile: "/opt/mapr/conf/mapruserticket", Exec: fake})
	require.NoError(t, err)
	ctx := context.Background()

	id, err := c.ShowID(ctx, "")
	require.NoError(t, err)
	assert.Equal(t, "5119043355327235351", id)

	list, err := c.ListLicenses(ctx, "demo")
	require.NoError(t, err)
	assert.Equal(t, "Dc2TEsJGHQx6LuhRbhIJKhhI/Vo=", list[0].ID)

	err = c.AddLicenseFile(ctx, "demo", "/tmp/l.txt")
	require.EqualError(t, err, "maprcli license add failed (rc=1): ERROR (10003) -  license add: License already exists")

	err = c.RemoveLicense(ctx, "", "abc=")
	require.EqualError(t, err, "maprcli license remove failed (rc=1): (2) license remove: not found")

	up, err := c.CLDBAnswers(ctx)
	require.NoError(t, err)
	assert.False(t, up)
	assert.Empty(t, fake.Problems())
}

func TestMaprcli_CLDBAnswers(t *testing.T) {
	tests := []struct {
		name    string
		out     Output
		want    bool
		wantErr string
	}{
		{"answers", Output{Stdout: "ServerID: 1 HostName: cldb1\n"}, true, ""},
		{"does not answer", Output{RC: 1, Stdout: "ERROR (2) -  couldn't connect to the CLDB service\n"}, false, ""},
		{"does not answer, another rc", Output{RC: 255, Stderr: "java.net.ConnectException: Connection refused\n"}, false, ""},
		{"cannot log in", Output{RC: 1, Stdout: "ERROR (1) -  failure to login: Unable to obtain MapR credentials\n"}, false,
			"maprcli cannot authenticate (give ticket_file): maprcli node cldbmaster failed (rc=1): ERROR (1) -  failure to login: Unable to obtain MapR credentials"},
		{"ticket expired (stderr)", Output{RC: 2, Stderr: "2026-01-01 Ticket expired\n"}, false,
			"maprcli cannot authenticate (give ticket_file): maprcli node cldbmaster failed (rc=2): 2026-01-01 Ticket expired"},
		{"not allowed", Output{RC: 1, Stdout: `{"status":"ERROR","errors":[{"id":13,"desc":"Permission denied"}]}`}, false,
			"maprcli cannot authenticate (give ticket_file): maprcli node cldbmaster failed (rc=1): (13) Permission denied"},
		// Cannot tell: a failure that does not say it could not connect
		// proves nothing about the CLDB (issue 10: rc 1 was read as down).
		{"cannot tell: rc 1 with another message", Output{RC: 1, Stdout: "ERROR (22) -  node cldbmaster: Invalid command\n"}, false,
			"maprcli node cldbmaster failed (rc=1): ERROR (22) -  node cldbmaster: Invalid command, which does not say that no CLDB could be reached"},
		{"cannot tell: rc 1 and no output", Output{RC: 1}, false,
			"maprcli node cldbmaster failed (rc=1), which does not say that no CLDB could be reached"},
		{"cannot tell: a JVM crash", Output{RC: 134, Stderr: "java.lang.OutOfMemoryError: Java heap space\n"}, false,
			"maprcli node cldbmaster failed (rc=134): java.lang.OutOfMemoryError: Java heap space, which does not say that no CLDB could be reached"},
		{"cannot tell: connection refused while logging in", Output{RC: 1, Stdout: "ERROR (1) -  failure to login: connection refused\n"}, false,
			"maprcli cannot authenticate (give ticket_file): maprcli node cldbmaster failed (rc=1): ERROR (1) -  failure to login: connection refused"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fake := &FakeExecutor{Steps: []Step{{Command: []string{cli, "node", "cldbmaster", "-noheader"}, RC: tc.out.RC, Out: tc.out.Stdout, Err: tc.out.Stderr}}}
			c, err := NewMaprcli(MaprcliConfig{Path: cli, Exec: fake})
			require.NoError(t, err)
			up, err := c.CLDBAnswers(context.Background())
			if tc.wantErr != "" {
				require.EqualError(t, err, tc.wantErr)
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tc.want, up)
			assert.Empty(t, fake.Problems())
		})
	}
}

// A program path is made absolute before it is run: behind "sudo -E -n -u
// USER" a path like "-s" would otherwise be read as sudo's own option (a
// root shell), and a bare name would be looked up on PATH although the
// module checked the file in the working directory.
func TestProgramPathsAreAbsolute(t *testing.T) {
	wd, err := os.Getwd()
	require.NoError(t, err)
	prefix, err := SudoPrefix("platform-ops-test-user")
	require.NoError(t, err)
	require.NotEmpty(t, prefix)

	c, err := NewMaprcli(MaprcliConfig{Path: "-s", User: "platform-ops-test-user"})
	require.NoError(t, err)
	argv := c.tool.Argv([]string{"license", "list"}, nil)
	assert.Equal(t, append(append([]string{}, prefix...), filepath.Join(wd, "-s"), "license", "list"), argv)

	c, err = NewMaprcli(MaprcliConfig{Path: "maprcli"})
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(wd, "maprcli"), c.tool.Argv(nil, nil)[0])

	c, err = NewMaprcli(MaprcliConfig{Path: cli})
	require.NoError(t, err)
	assert.Equal(t, cli, c.tool.Argv(nil, nil)[0])

	assert.Equal(t, filepath.Join(wd, "-R"), NewConfigure("-R", 0, nil, false).Argv(ConfigureArgs{ClusterName: "c"})[0])
	assert.Equal(t, "/opt/mapr/server/configure.sh", NewConfigure("/opt/mapr/server/configure.sh", 0, nil, false).Argv(ConfigureArgs{})[0])
}

func TestMaprcli_RefusesValuesThatCouldBeFlags(t *testing.T) {
	fake := &FakeExecutor{}
	c, err := NewMaprcli(MaprcliConfig{Path: cli, Exec: fake})
	require.NoError(t, err)
	require.EqualError(t, c.AddLicenseFile(context.Background(), "", "-rf"), `license path "-rf" must not start with '-'`)
	require.EqualError(t, c.RemoveLicense(context.Background(), "", "-x"), `license id "-x" is not a base64 value`)
	assert.Empty(t, fake.Calls, "nothing ran")
	_, err = NewMaprcli(MaprcliConfig{Path: cli, User: "-u"})
	require.EqualError(t, err, `mapr_user: "-u" is not a valid user name`)
	_, err = NewMaprcli(MaprcliConfig{Path: cli, Cluster: "-x"})
	require.Error(t, err)
}

func TestMaprcli_SudoPrefixForAnotherUser(t *testing.T) {
	fake := &FakeExecutor{Steps: []Step{{Command: []string{"sudo", "-E", "-n", "-u", "nobody-else", cli, "license", "showid", "-noheader"}, Out: "1\n"}}}
	c, err := NewMaprcli(MaprcliConfig{Path: cli, User: "nobody-else", Exec: fake})
	require.NoError(t, err)
	_, err = c.ShowID(context.Background(), "")
	require.NoError(t, err)
	assert.Empty(t, fake.Problems())
}

func TestMaprcli_ListThatIsNotJSON(t *testing.T) {
	fake := &FakeExecutor{Steps: []Step{{Command: []string{cli, "license", "list", "-json"}, Out: "garbage"}}}
	c, _ := NewMaprcli(MaprcliConfig{Path: cli, Exec: fake})
	_, err := c.ListLicenses(context.Background(), "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "maprcli license list: maprcli printed output that is not JSON even after repair")
}

func TestConfigure_AlwaysNonInteractive(t *testing.T) {
	secure := true
	c := NewConfigure("/opt/mapr/server/configure.sh", time.Minute, nil, false)
	assert.Equal(t, []string{"/opt/mapr/server/configure.sh", "-N", "demo", "-C", "a:7222,b:7222", "-Z", "z:5181", "-secure",
		"-no-autostart", "-on-prompt-cont", "y", "-genkeys"},
		c.Argv(ConfigureArgs{ClusterName: "demo", CLDBs: []string{"a:7222", "b:7222"}, ZKs: []string{"z:5181"}, Secure: &secure, Extra: []string{"-genkeys"}}))
	assert.Equal(t, []string{"/opt/mapr/server/configure.sh", "-N", "demo", "-C", "a:7222", "-Z", "z:5181", "-no-autostart", "-on-prompt-cont", "y"},
		c.Argv(ConfigureArgs{ClusterName: "demo", CLDBs: []string{"a:7222"}, ZKs: []string{"z:5181"}}))
}

func TestConfigure_FailureShowsErrorLines(t *testing.T) {
	fake := &FakeExecutor{Steps: []Step{{Command: []string{"/c.sh", "-N", "d", "-C", "a:7222", "-Z", "z:5181", "-no-autostart", "-on-prompt-cont", "y"},
		RC: 1, Out: "Configuring Hadoop\nERROR: No Zookeeper nodes list was provided. Exiting\n"}}}
	_, err := NewConfigure("/c.sh", time.Minute, fake, false).Run(context.Background(), ConfigureArgs{ClusterName: "d", CLDBs: []string{"a:7222"}, ZKs: []string{"z:5181"}})
	require.EqualError(t, err, "c.sh failed (rc=1): ERROR: No Zookeeper nodes list was provided. Exiting")
}

func TestSystemctl_StopAndWait(t *testing.T) {
	fake := &FakeExecutor{Steps: []Step{
		{Command: []string{"systemctl", "is-active", "mapr-warden"}, Out: "active\n"},
		{Command: []string{"systemctl", "stop", "mapr-warden"}},
		{Command: []string{"systemctl", "is-active", "mapr-warden"}, Out: "active\n"},
		{Command: []string{"systemctl", "is-active", "mapr-warden"}, RC: 3, Out: "deactivating\n"},
		{Command: []string{"systemctl", "is-active", "mapr-warden"}, RC: 3, Out: "inactive\n"},
		{Command: []string{"systemctl", "stop", "mapr-warden"}, RC: 1, Err: "Job for mapr-warden.service failed.\n"},
	}}
	s := NewSystemctl("systemctl", time.Minute, fake, false)
	ctx := context.Background()
	state, err := s.ActiveState(ctx, "mapr-warden")
	require.NoError(t, err)
	assert.False(t, state.Stopped())
	require.NoError(t, s.Stop(ctx, "mapr-warden"))
	require.NoError(t, waitInactive(ctx, s, "mapr-warden", time.Second, time.Millisecond), "deactivating is waited out")
	require.EqualError(t, s.Stop(ctx, "mapr-warden"), "systemctl stop mapr-warden failed (rc=1): Job for mapr-warden.service failed.")
	assert.Empty(t, fake.Problems())
}

// TestSystemctl_ActiveState: only exit status 3 with a state word of
// systemd proves a unit stopped. Issue 10: any non-zero exit counted as
// stopped, so a host without systemd ("System has not been booted with
// systemd", rc 1) let the regeneration run while warden ran.
func TestSystemctl_ActiveState(t *testing.T) {
	tests := []struct {
		name    string
		out     Output
		want    UnitState
		stopped bool
		wantErr string
	}{
		{"active", Output{Stdout: "active\n"}, "active", false, ""},
		{"reloading", Output{Stdout: "reloading\n"}, "reloading", false, ""},
		{"active, no output", Output{}, "active", false, ""},
		{"inactive", Output{RC: 3, Stdout: "inactive\n"}, "inactive", true, ""},
		{"failed", Output{RC: 3, Stdout: "failed\n"}, "failed", true, ""},
		{"unknown (older systemd, unit not loaded)", Output{RC: 3, Stdout: "unknown\n"}, "unknown", true, ""},
		{"activating is not stopped", Output{RC: 3, Stdout: "activating\n"}, "activating", false, ""},
		{"deactivating is not stopped", Output{RC: 3, Stdout: "deactivating\n"}, "deactivating", false, ""},
		{"cannot tell: systemd not booted", Output{RC: 1, Stderr: "System has not been booted with systemd as init system (PID 1). Can't operate.\nFailed to connect to bus: Host is down\n"}, "", false,
			"systemctl is-active mapr-warden exited 1 (System has not been booted with systemd as init system (PID 1). Can't operate. Failed to connect to bus: Host is down), which says neither active nor inactive"},
		{"cannot tell: rc 3 without a state", Output{RC: 3}, "", false,
			"systemctl is-active mapr-warden exited 3 (), which says neither active nor inactive"},
		{"cannot tell: rc 3 with another text", Output{RC: 3, Stdout: "Failed to get unit file state\n"}, "", false,
			"systemctl is-active mapr-warden exited 3 (Failed to get unit file state), which says neither active nor inactive"},
		{"cannot tell: rc 4 (no such unit on some versions)", Output{RC: 4, Stdout: "inactive\n"}, "", false,
			"systemctl is-active mapr-warden exited 4 (inactive), which says neither active nor inactive"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fake := &FakeExecutor{Steps: []Step{{Command: []string{"systemctl", "is-active", "mapr-warden"}, RC: tc.out.RC, Out: tc.out.Stdout, Err: tc.out.Stderr}}}
			state, err := NewSystemctl("systemctl", time.Minute, fake, false).ActiveState(context.Background(), "mapr-warden")
			if tc.wantErr != "" {
				require.EqualError(t, err, tc.wantErr)
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tc.want, state)
			assert.Equal(t, tc.stopped, state.Stopped())
		})
	}
	t.Run("cannot tell: systemctl missing", func(t *testing.T) {
		_, err := NewSystemctl("/nonexistent/systemctl", time.Minute, nil, false).ActiveState(context.Background(), "mapr-warden")
		require.Error(t, err)
		assert.Contains(t, err.Error(), "cannot run /nonexistent/systemctl")
	})
}

// waitInactive is WaitStopped on systemctl is-active, as mapr_clusterid
// waits for the warden with warden_check=systemd.
func waitInactive(ctx context.Context, s *Systemctl, unit string, within, every time.Duration) error {
	return WaitStopped(ctx, unit, func(ctx context.Context) (bool, error) {
		state, err := s.ActiveState(ctx, unit)
		return state.Stopped(), err
	}, within, every)
}

func TestSystemctl_WaitInactiveGivesUp(t *testing.T) {
	fake := &FakeExecutor{}
	for i := 0; i < 50; i++ {
		fake.Steps = append(fake.Steps, Step{Command: []string{"systemctl", "is-active", "u"}, Out: "active\n"})
	}
	err := waitInactive(context.Background(), NewSystemctl("systemctl", time.Minute, fake, false), "u", 20*time.Millisecond, 5*time.Millisecond)
	require.EqualError(t, err, "u is still running 20ms after systemctl stop")
}

// TestSystemctl_WaitInactiveStopsWhenItCannotTell: a state systemctl cannot
// report ends the wait with an error, never with "stopped".
func TestSystemctl_WaitInactiveStopsWhenItCannotTell(t *testing.T) {
	fake := &FakeExecutor{Steps: []Step{{Command: []string{"systemctl", "is-active", "u"}, RC: 1, Err: "Failed to connect to bus\n"}}}
	err := waitInactive(context.Background(), NewSystemctl("systemctl", time.Minute, fake, false), "u", time.Second, time.Millisecond)
	require.EqualError(t, err, "systemctl is-active u exited 1 (Failed to connect to bus), which says neither active nor inactive")
}

func TestPidFileRunning(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
		return p
	}
	// A process that has exited: its pid is free (until reused).
	cmd := exec.Command("/bin/true")
	require.NoError(t, cmd.Run())
	dead := cmd.Process.Pid

	running, err := PidFileRunning(filepath.Join(dir, "absent.pid"))
	require.NoError(t, err)
	assert.False(t, running, "no pid file: not running")

	running, err = PidFileRunning(write("self.pid", fmt.Sprintf("%d\n", os.Getpid())))
	require.NoError(t, err)
	assert.True(t, running)

	running, err = PidFileRunning(write("init.pid", "1\n"))
	require.NoError(t, err)
	assert.True(t, running, "a process we may not signal still exists")

	running, err = PidFileRunning(write("stale.pid", fmt.Sprint(dead)))
	require.NoError(t, err)
	assert.False(t, running, "a stale pid file: not running")

	_, err = PidFileRunning(write("garbage.pid", "warden\n"))
	require.EqualError(t, err, filepath.Join(dir, "garbage.pid")+` does not hold a process id ("warden")`)
	_, err = PidFileRunning(dir)
	require.Error(t, err, "a pid file that cannot be read is not proof")
}

func TestCheckMode_MutatingCommandsNeverRun(t *testing.T) {
	fake := &FakeExecutor{Steps: []Step{
		{Command: []string{cli, "license", "list", "-json"}, Out: `{"status":"OK","data":[]}`},
		{Command: []string{"systemctl", "is-active", "mapr-warden"}, RC: 3, Out: "inactive\n"},
	}}
	ctx := context.Background()
	c, err := NewMaprcli(MaprcliConfig{Path: cli, Exec: fake, CheckMode: true})
	require.NoError(t, err)
	_, err = c.ListLicenses(ctx, "")
	require.NoError(t, err, "reads still run in check mode")
	require.EqualError(t, c.AddLicenseFile(ctx, "", "/tmp/l"), "maprcli license add: not run in check mode")
	require.ErrorIs(t, c.RemoveLicense(ctx, "", "abc="), ErrCheckMode)
	_, err = NewConfigure("/c.sh", time.Minute, fake, true).Run(ctx, ConfigureArgs{ClusterName: "d"})
	require.ErrorIs(t, err, ErrCheckMode)
	s := NewSystemctl("systemctl", time.Minute, fake, true)
	state, err := s.ActiveState(ctx, "mapr-warden")
	require.NoError(t, err)
	assert.True(t, state.Stopped())
	require.ErrorIs(t, s.Stop(ctx, "mapr-warden"), ErrCheckMode)
	assert.Empty(t, fake.Problems())
	assert.Len(t, fake.Calls, 2, "only the two reads ran")
}
