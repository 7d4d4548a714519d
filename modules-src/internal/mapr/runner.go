// Package mapr runs MapR's command-line tools (maprcli, configure.sh,
// systemctl) by argv only, never through a shell, and parses what they print
// and write: the envelope of `maprcli … -json` (which is not always valid
// JSON), license files and mapr-clusters.conf.
package mapr

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"syscall"
	"time"
)

// Command is one program invocation. Argv[0] is the program path; it is
// executed directly, never through a shell, so no value can be re-parsed.
type Command struct {
	Argv []string
	// Env is added to the inherited environment (KEY=VALUE). LC_ALL=C is
	// always set so output and messages do not depend on the node's locale.
	Env     []string
	Timeout time.Duration
}

// String renders the argv for messages; values are quoted when needed.
func (c Command) String() string {
	parts := make([]string, len(c.Argv))
	for i, a := range c.Argv {
		if a == "" || strings.ContainsAny(a, " \t\n\"'\\$") {
			parts[i] = fmt.Sprintf("%q", a)
		} else {
			parts[i] = a
		}
	}
	return strings.Join(parts, " ")
}

// Output is what a finished command produced.
type Output struct {
	RC     int
	Stdout string
	Stderr string
}

// ErrTimeout is returned (wrapped) when a command ran longer than its timeout.
var ErrTimeout = errors.New("timed out")

// Executor runs commands. OSExecutor is the real one; FakeExecutor replays a
// script in unit tests. Run returns an error only when the command could not
// be started or did not finish; a non-zero exit status is reported in RC.
type Executor interface {
	Run(ctx context.Context, cmd Command) (Output, error)
}

// OSExecutor runs commands with os/exec.
type OSExecutor struct{}

// Run starts cmd.Argv[0] with the remaining argv, stdin from /dev/null (so a
// tool that prompts reads EOF instead of hanging), in its own process group
// so a timeout kills the tool and everything it started.
func (OSExecutor) Run(ctx context.Context, cmd Command) (Output, error) {
	if len(cmd.Argv) == 0 {
		return Output{}, errors.New("empty command")
	}
	runCtx := ctx
	if cmd.Timeout > 0 {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeout(ctx, cmd.Timeout)
		defer cancel()
	}
	if ctx.Err() != nil {
		return Output{RC: -1}, fmt.Errorf("%s not started: %w", cmd.Argv[0], context.Cause(ctx))
	}
	c := exec.Command(cmd.Argv[0], cmd.Argv[1:]...)
	c.Env = append(append(os.Environ(), cmd.Env...), "LC_ALL=C")
	var stdout, stderr bytes.Buffer
	c.Stdout, c.Stderr = &stdout, &stderr
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// A module killed outright (SIGKILL) cannot stop what it started;
	// where the OS allows, the tool then gets SIGKILL too, so it cannot
	// go on changing the node after the module is gone.
	dieWithParent(c.SysProcAttr)
	if err := c.Start(); err != nil {
		return Output{RC: -1}, fmt.Errorf("cannot run %s: %w", cmd.Argv[0], err)
	}
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	var waitErr error
	select {
	case waitErr = <-done:
	case <-runCtx.Done():
		// Kill the whole group: configure.sh starts children of its own.
		_ = syscall.Kill(-c.Process.Pid, syscall.SIGKILL)
		<-done
		out := Output{RC: -1, Stdout: stdout.String(), Stderr: stderr.String()}
		if ctx.Err() != nil {
			// The module itself was stopped (a signal, the task's
			// timeout): say so, not that the tool timed out.
			return out, fmt.Errorf("%s stopped: %w", cmd.Argv[0], context.Cause(ctx))
		}
		return out, fmt.Errorf("%s %w after %s", cmd.Argv[0], ErrTimeout, cmd.Timeout)
	}
	out := Output{Stdout: stdout.String(), Stderr: stderr.String()}
	var exitErr *exec.ExitError
	switch {
	case waitErr == nil:
	case errors.As(waitErr, &exitErr):
		out.RC = exitErr.ExitCode()
	default:
		return out, fmt.Errorf("%s: %w", cmd.Argv[0], waitErr)
	}
	return out, nil
}

// ArgFormat turns one parameter value into argv words; it returns nil when
// the value means "leave the flag out".
type ArgFormat func(value any) []string

// OptVal formats a string value as `flag value`; empty values are left out.
func OptVal(flag string) ArgFormat {
	return func(v any) []string {
		s := fmt.Sprint(v)
		if v == nil || s == "" {
			return nil
		}
		return []string{flag, s}
	}
}

// Flag formats a bool as the bare flag when true.
func Flag(flag string) ArgFormat {
	return func(v any) []string {
		if b, _ := v.(bool); b {
			return []string{flag}
		}
		return nil
	}
}

// BoolVal formats a bool as `flag true|false` (maprcli's -is_file style).
func BoolVal(flag string) ArgFormat {
	return func(v any) []string {
		b, ok := v.(bool)
		if !ok {
			return nil
		}
		return []string{flag, fmt.Sprint(b)}
	}
}

// CSV formats a list as `flag a,b,c`; an empty list is left out.
func CSV(flag string) ArgFormat {
	return func(v any) []string {
		l, _ := v.([]string)
		if len(l) == 0 {
			return nil
		}
		return []string{flag, strings.Join(l, ",")}
	}
}

// Words appends a list of words as they are (already validated extra args).
func Words() ArgFormat {
	return func(v any) []string {
		l, _ := v.([]string)
		return l
	}
}

// Choice formats a *bool as one of two flags, nothing when nil (configure.sh's
// -secure / -unsecure, where "unset" means "keep what the node has").
func Choice(ifTrue, ifFalse string) ArgFormat {
	return func(v any) []string {
		b, ok := v.(*bool)
		if !ok || b == nil {
			return nil
		}
		if *b {
			return []string{ifTrue}
		}
		return []string{ifFalse}
	}
}

// Tool is one program with the argv format of each parameter declared once,
// in the order the words are emitted (community.general's CmdRunner shape).
type Tool struct {
	Path    string
	Prefix  []string // e.g. sudo -E -n -u mapr, before Path
	Env     []string
	Timeout time.Duration
	Formats []NamedFormat
	Exec    Executor
	// CheckMode makes RunMutating refuse to execute: a second guard, under
	// the modules' own planning, that check mode never changes a node.
	CheckMode bool
}

// NamedFormat is a parameter name with its argv format.
type NamedFormat struct {
	Name   string
	Format ArgFormat
}

// Argv builds the argv: prefix, path, the fixed sub-command words, then each
// declared parameter present in values, in declaration order. A value whose
// name is not declared is a programming error and panics in tests early.
func (t *Tool) Argv(sub []string, values map[string]any) []string {
	known := map[string]bool{}
	for _, f := range t.Formats {
		known[f.Name] = true
	}
	var unknown []string
	for k := range values {
		if !known[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		panic(fmt.Sprintf("mapr: undeclared parameters %v for %s", unknown, t.Path))
	}
	argv := append(append([]string{}, t.Prefix...), t.Path)
	argv = append(argv, sub...)
	for _, f := range t.Formats {
		if v, ok := values[f.Name]; ok {
			argv = append(argv, f.Format(v)...)
		}
	}
	return argv
}

// ErrCheckMode is returned by RunMutating in check mode; nothing ran.
var ErrCheckMode = errors.New("not run in check mode")

// RunMutating is Run for commands that change the node; in check mode it
// runs nothing and returns ErrCheckMode.
func (t *Tool) RunMutating(ctx context.Context, sub []string, values map[string]any) (Command, Output, error) {
	if t.CheckMode {
		cmd := Command{Argv: t.Argv(sub, values), Env: t.Env, Timeout: t.Timeout}
		return cmd, Output{}, fmt.Errorf("%s: %w", strings.Join(toolWords(cmd.Argv), " "), ErrCheckMode)
	}
	return t.Run(ctx, sub, values)
}

// Run builds the argv and runs it.
func (t *Tool) Run(ctx context.Context, sub []string, values map[string]any) (Command, Output, error) {
	cmd := Command{Argv: t.Argv(sub, values), Env: t.Env, Timeout: t.Timeout}
	exe := t.Exec
	if exe == nil {
		exe = OSExecutor{}
	}
	out, err := exe.Run(ctx, cmd)
	return cmd, out, err
}
