package mapr

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func maprcliTool(exe Executor) *Tool {
	return &Tool{
		Path:   "/opt/mapr/bin/maprcli",
		Prefix: []string{"sudo", "-E", "-n", "-u", "mapr"},
		Env:    []string{"MAPR_TICKETFILE_LOCATION=/t"},
		Formats: []NamedFormat{
			{"json", Flag("-json")},
			{"cluster", OptVal("-cluster")},
			{"is_file", BoolVal("-is_file")},
			{"license", OptVal("-license")},
			{"cldbs", CSV("-C")},
			{"secure", Choice("-secure", "-unsecure")},
			{"extra", Words()},
		},
		Exec: exe,
	}
}

func TestToolArgv_DeclaredOrderAndOmittedValues(t *testing.T) {
	secure := false
	tool := maprcliTool(nil)
	tests := []struct {
		name   string
		values map[string]any
		want   []string
	}{
		{"flags in declaration order", map[string]any{"license": "/tmp/l", "is_file": true, "cluster": "c1", "json": true},
			[]string{"-json", "-cluster", "c1", "-is_file", "true", "-license", "/tmp/l"}},
		{"empty and false values are left out", map[string]any{"cluster": "", "json": false, "cldbs": []string{}},
			nil},
		{"lists and choices", map[string]any{"cldbs": []string{"a:7222", "b:7222"}, "secure": &secure, "extra": []string{"-noDB"}},
			[]string{"-C", "a:7222,b:7222", "-unsecure", "-noDB"}},
		{"unset choice is left out", map[string]any{"secure": (*bool)(nil)}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := append([]string{"sudo", "-E", "-n", "-u", "mapr", "/opt/mapr/bin/maprcli", "license", "add"}, tc.want...)
			assert.Equal(t, want, tool.Argv([]string{"license", "add"}, tc.values))
		})
	}
}

func TestToolArgv_UndeclaredParameterPanics(t *testing.T) {
	assert.PanicsWithValue(t, "mapr: undeclared parameters [nope] for /opt/mapr/bin/maprcli", func() {
		maprcliTool(nil).Argv(nil, map[string]any{"nope": "x"})
	})
}

func TestToolRun_UsesScriptAndReportsUnexpectedArgv(t *testing.T) {
	fake := &FakeExecutor{Steps: []Step{{
		Command: []string{"sudo", "-E", "-n", "-u", "mapr", "/opt/mapr/bin/maprcli", "license", "list", "-json"},
		Out:     `{"status":"OK"}`,
		Env:     []string{"MAPR_TICKETFILE_LOCATION=/t"},
	}}}
	tool := maprcliTool(fake)
	cmd, out, err := tool.Run(context.Background(), []string{"license", "list"}, map[string]any{"json": true})
	require.NoError(t, err)
	assert.Equal(t, `{"status":"OK"}`, out.Stdout)
	assert.Equal(t, "sudo -E -n -u mapr /opt/mapr/bin/maprcli license list -json", cmd.String())
	assert.Empty(t, fake.Problems())

	_, _, err = tool.Run(context.Background(), []string{"license", "remove"}, nil)
	require.Error(t, err)
	assert.Equal(t, []string{`unexpected call ["sudo" "-E" "-n" "-u" "mapr" "/opt/mapr/bin/maprcli" "license" "remove"] (script exhausted)`}, fake.Problems())
}

func TestFakeExecutor_ReportsWrongArgvMissingEnvAndUnusedSteps(t *testing.T) {
	fake := &FakeExecutor{Steps: []Step{
		{Command: []string{"a", "1"}, Env: []string{"X=1"}},
		{Command: []string{"b"}},
	}}
	_, err := fake.Run(context.Background(), Command{Argv: []string{"a", "1"}})
	require.NoError(t, err)
	_, err = fake.Run(context.Background(), Command{Argv: []string{"c"}})
	require.Error(t, err)
	assert.Equal(t, []string{
		`call 1: env "X=1" missing from []`,
		`call 2: want ["b"], got ["c"]`,
		"expected call never made: b",
	}, fake.Problems())
}

func TestOSExecutor_ExitCodeOutputAndLocale(t *testing.T) {
	out, err := OSExecutor{}.Run(context.Background(), Command{
		Argv: []string{"/bin/sh", "-c", `echo "$LC_ALL $EXTRA"; echo err >&2; exit 3`},
		Env:  []string{"EXTRA=yes", "LC_ALL=de_DE.UTF-8"},
	})
	require.NoError(t, err)
	assert.Equal(t, Output{RC: 3, Stdout: "C yes\n", Stderr: "err\n"}, out)
}

func TestOSExecutor_StdinIsClosed(t *testing.T) {
	// A tool that prompts must read EOF, not hang waiting for an answer.
	out, err := OSExecutor{}.Run(context.Background(), Command{
		Argv: []string{"/bin/sh", "-c", `read answer; echo "rc=$?"`}, Timeout: 5 * time.Second,
	})
	require.NoError(t, err)
	assert.Equal(t, "rc=1\n", out.Stdout)
}

func TestOSExecutor_TimeoutKillsProcessGroup(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "child-survived")
	start := time.Now()
	_, err := OSExecutor{}.Run(context.Background(), Command{
		// The background child would write the marker after 1s if it survived.
		Argv:    []string{"/bin/sh", "-c", `(sleep 1; touch ` + marker + `) & sleep 30`},
		Timeout: 200 * time.Millisecond,
	})
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrTimeout))
	assert.Equal(t, "/bin/sh timed out after 200ms", err.Error())
	assert.Less(t, time.Since(start), 5*time.Second)
	time.Sleep(1500 * time.Millisecond)
	_, statErr := os.Stat(marker)
	assert.True(t, os.IsNotExist(statErr), "the child of the timed-out command must be killed too")
}

// TestOSExecutor_StoppedByTheModule: when the module's own context ends (a
// signal, the task's timeout), the tool is killed and the error says why,
// not that the tool's timeout ran out.
func TestOSExecutor_StoppedByTheModule(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	go func() { time.Sleep(100 * time.Millisecond); cancel(errors.New("interrupted by SIGTERM")) }()
	start := time.Now()
	_, err := OSExecutor{}.Run(ctx, Command{Argv: []string{"/bin/sh", "-c", "sleep 30"}, Timeout: time.Minute})
	require.EqualError(t, err, "/bin/sh stopped: interrupted by SIGTERM")
	assert.False(t, errors.Is(err, ErrTimeout))
	assert.Less(t, time.Since(start), 5*time.Second)

	_, err = OSExecutor{}.Run(ctx, Command{Argv: []string{"/bin/true"}})
	require.EqualError(t, err, "/bin/true not started: interrupted by SIGTERM")
}

func TestOSExecutor_MissingProgram(t *testing.T) {
	_, err := OSExecutor{}.Run(context.Background(), Command{Argv: []string{"/nonexistent/maprcli"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cannot run /nonexistent/maprcli")
}
