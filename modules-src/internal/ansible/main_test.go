package ansible

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func pingDefinition(name string) *Definition {
	return &Definition{
		Name: name, ShortDescription: "Ping for tests", CheckMode: Full,
		Spec: Spec{Options: map[string]*Option{"data": {Default: "pong", Description: []string{"Reply."}}}},
		Run: func(ctx context.Context, m *Module) (Result, error) {
			return Result{"ping": m.Params.String("data"), "module": m.Name, "check_mode": m.CheckMode}, nil
		},
	}
}

// runMain runs the binary's entry point and decodes the one JSON object it
// must print.
func runMain(t *testing.T, argv []string, stdin string, defs ...*Definition) (map[string]any, int) {
	t.Helper()
	var stdout bytes.Buffer
	code := run(context.Background(), argv, strings.NewReader(stdin), &stdout, defs, os.LookupEnv)
	require.Equal(t, 1, strings.Count(stdout.String(), "\n"), "exactly one line of output: %q", stdout.String())
	out, err := decodeJSON(stdout.Bytes())
	require.NoError(t, err, stdout.String())
	return out.(map[string]any), code
}

func TestMain_ArgsSources(t *testing.T) {
	argsFile := filepath.Join(t.TempDir(), "args")
	require.NoError(t, os.WriteFile(argsFile, []byte(`{"data": "from-file", "_ansible_module_name": "platform.ops.ping_b"}`), 0o600))
	defs := []*Definition{pingDefinition("ping_a"), pingDefinition("ping_b")}

	cases := []struct {
		name       string
		argv       []string
		stdin      string
		wantModule string
		wantPing   string
	}{
		{"args file path in argv[1]", []string{"/x/platform_ops_linux_amd64", argsFile}, "", "ping_b", "from-file"},
		{"stdin when argv[1] is absent", []string{"platform_ops"}, `{"_ansible_module_name": "ping_a", "data": "in"}`, "ping_a", "in"},
		{"stdin when argv[1] is -", []string{"platform_ops", "-"}, `{"_ansible_module_name": "a.b.ping_a"}`, "ping_a", "pong"},
		{"ANSIBLE_MODULE_ARGS wrapper", []string{"platform_ops"}, `{"ANSIBLE_MODULE_ARGS": {"_ansible_module_name": "ping_b", "data": "w"}}`, "ping_b", "w"},
		{"program base name when no module name", []string{"/usr/lib/ping_a"}, `{}`, "ping_a", "pong"},
		{"AnsiballZ_ copy name when no module name", []string{"/tmp/x/AnsiballZ_ping_b"}, `{}`, "ping_b", "pong"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, code := runMain(t, tc.argv, tc.stdin, defs...)
			assert.Equal(t, 0, code)
			assert.Equal(t, tc.wantModule, out["module"])
			assert.Equal(t, tc.wantPing, out["ping"])
		})
	}
}

func TestMain_Failures(t *testing.T) {
	defs := []*Definition{pingDefinition("ping_a"), pingDefinition("ping_b")}
	cases := []struct {
		name    string
		argv    []string
		stdin   string
		wantMsg string
	}{
		{"unknown module", []string{"platform_ops"}, `{"_ansible_module_name": "platform.ops.nope"}`,
			`unknown module "platform.ops.nope": this binary provides ping_a, ping_b`},
		{"invalid JSON", []string{"platform_ops"}, `{"data": `,
			"the module arguments from stdin are not valid JSON: unexpected EOF"},
		{"not an object", []string{"platform_ops"}, `[1]`,
			"the module arguments from stdin must be a JSON object, got <class 'list'>"},
		{"missing args file", []string{"platform_ops", "/nonexistent/args"}, ``,
			"cannot read the module arguments from /nonexistent/args: open /nonexistent/args: no such file or directory"},
		{"validation error", []string{"platform_ops"}, `{"_ansible_module_name": "ping_a", "bad": 1}`,
			"Unsupported parameters for (ping_a) module: bad. Supported parameters include: data."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, code := runMain(t, tc.argv, tc.stdin, defs...)
			assert.Equal(t, 1, code)
			assert.Equal(t, true, out["failed"])
			assert.Equal(t, tc.wantMsg, out["msg"])
		})
	}
}

func TestMain_CheckModeFlagReachesModule(t *testing.T) {
	out, code := runMain(t, []string{"p"}, `{"_ansible_module_name": "ping_a", "_ansible_check_mode": true, "_ansible_diff": false, "_ansible_no_log": false, "_ansible_selinux_special_fs": ["nfs"], "_ansible_new_in_2_99": 1}`, pingDefinition("ping_a"))
	assert.Equal(t, 0, code)
	assert.Equal(t, true, out["check_mode"])
}

func TestPrintResult_UnencodableValue_StillOneJSONObject(t *testing.T) {
	var buf bytes.Buffer
	code := printResult(&buf, map[string]any{"x": func() {}})
	assert.Equal(t, 1, code)
	assert.Contains(t, buf.String(), `"failed":true`)
}

// buildPingbin builds testdata/pingbin as the release binaries are built.
func buildPingbin(tb testing.TB) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "pingbin")
	build := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", bin, "./testdata/pingbin")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		tb.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// TestBinary_ProcessContract runs a real binary: one JSON object on
// stdout, nothing on stderr (not even for a panic), exit code 1 when failed.
func TestBinary_ProcessContract(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	bin := buildPingbin(t)
	argsFile := filepath.Join(t.TempDir(), "args")
	require.NoError(t, os.WriteFile(argsFile, []byte(`{"_ansible_module_name": "ping", "data": "file"}`), 0o600))
	cases := []struct {
		name     string
		args     []string
		stdin    string
		wantCode int
		wantKey  string
		want     any
	}{
		{"args file", []string{argsFile}, "", 0, "ping", "file"},
		{"stdin", nil, `{"_ansible_module_name": "ping"}`, 0, "ping", "pong"},
		{"validation failure", []string{"-"}, `{"_ansible_module_name": "ping", "mode": "nope"}`, 1, "msg", "value of mode must be one of: ok, fail, panic, wait, got: nope"},
		{"run failure, secret masked", nil, `{"_ansible_module_name": "ping", "mode": "fail", "secret": "hush"}`, 1, "msg", "failed with ********"},
		{"panic, secret masked", nil, `{"_ansible_module_name": "ping", "mode": "panic", "secret": "hush"}`, 1, "msg", "internal error: boom ********"},
		{"garbage input", nil, `not json`, 1, "failed", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(bin, tc.args...)
			cmd.Stdin = strings.NewReader(tc.stdin)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			code := 0
			if exitErr, ok := err.(*exec.ExitError); ok {
				code = exitErr.ExitCode()
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tc.wantCode, code)
			assert.Empty(t, stderr.String())
			assert.Equal(t, 1, strings.Count(stdout.String(), "\n"), stdout.String())
			out, err := decodeJSON(stdout.Bytes())
			require.NoError(t, err, stdout.String())
			assert.Equal(t, tc.want, out.(map[string]any)[tc.wantKey])
			assert.NotContains(t, stdout.String(), "hush")
		})
	}
}

// TestBinary_StoppedCleanly: SIGTERM, SIGINT and SIGHUP (an SSH session
// going away) cancel the module's context with a cause naming the signal,
// and the task's timeout passed by the action plugin stops it early enough
// to print its own result: one JSON object either way (issue 10 item 1b).
func TestBinary_StoppedCleanly(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	bin := buildPingbin(t)
	run := func(t *testing.T, stdin string, signal os.Signal) (map[string]any, time.Duration) {
		cmd := exec.Command(bin)
		cmd.Stdin = strings.NewReader(stdin)
		var stdout bytes.Buffer
		cmd.Stdout = &stdout
		start := time.Now()
		require.NoError(t, cmd.Start())
		if signal != nil {
			time.Sleep(300 * time.Millisecond)
			require.NoError(t, cmd.Process.Signal(signal))
			// A second signal changes nothing: the module finishes.
			_ = cmd.Process.Signal(signal)
		}
		_ = cmd.Wait()
		out, err := decodeJSON(stdout.Bytes())
		require.NoError(t, err, stdout.String())
		return out.(map[string]any), time.Since(start)
	}
	for _, sig := range []struct {
		signal os.Signal
		name   string
	}{{syscall.SIGTERM, "SIGTERM"}, {os.Interrupt, "SIGINT"}, {syscall.SIGHUP, "SIGHUP"}} {
		t.Run(sig.name, func(t *testing.T) {
			out, _ := run(t, `{"_ansible_module_name": "ping", "mode": "wait"}`, sig.signal)
			assert.Equal(t, true, out["failed"])
			assert.Equal(t, "interrupted by "+sig.name, out["msg"])
		})
	}
	t.Run("task timeout", func(t *testing.T) {
		out, took := run(t, `{"_ansible_module_name": "ping", "mode": "wait", "_platform_ops_task_timeout": 2}`, nil)
		assert.Equal(t, true, out["failed"])
		assert.Equal(t, "the task's timeout (2s left when the module started) was about to run out", out["msg"])
		assert.Less(t, took, 2*time.Second, "the result is printed before the task's timeout")
		assert.NotContains(t, out["invocation"].(map[string]any)["module_args"], "_platform_ops_task_timeout")
	})
}

func TestTaskBudget_KeepsAMargin(t *testing.T) {
	assert.Equal(t, 1500*time.Millisecond, taskBudget(2))
	assert.Equal(t, 0*time.Second, taskBudget(0.4))
	assert.Equal(t, 3*time.Second, taskBudget(4))
	assert.Equal(t, 8*time.Second, taskBudget(10))
	assert.Equal(t, 58*time.Second, taskBudget(60))
}

// BenchmarkColdStart measures a whole process run of a one-module binary
// (exec, runtime init, read stdin, validate, print). Run it by hand:
// go test ./modules-src/internal/ansible -run '^$' -bench ColdStart
func BenchmarkColdStart(b *testing.B) {
	bin := buildPingbin(b)
	args := `{"_ansible_module_name": "ping", "data": "x", "_ansible_check_mode": false}`
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(bin)
		cmd.Stdin = strings.NewReader(args)
		out, err := cmd.Output()
		if err != nil || !bytes.Contains(out, []byte(`"ping":"x"`)) {
			b.Fatalf("run: %v: %s", err, out)
		}
	}
}
