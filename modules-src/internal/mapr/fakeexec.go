package mapr

import (
	"context"
	"fmt"
	"strings"
	"sync"
)

// Step is one expected invocation in a FakeExecutor script and its canned
// result. Field names match the YAML scenario files (habit: argv/output
// scripts).
type Step struct {
	Command []string `yaml:"command"`
	RC      int      `yaml:"rc"`
	Out     string   `yaml:"out"`
	Err     string   `yaml:"err"`
	// Env, when set, must be a subset of the command's Env.
	Env []string `yaml:"env"`
}

// FakeExecutor replays Steps in order. Any argv that is not the next expected
// one is recorded as a mismatch and fails the command, so a test sees both
// the module's reaction and the exact unexpected call.
type FakeExecutor struct {
	mu         sync.Mutex
	Steps      []Step
	next       int
	Calls      []Command
	Mismatches []string
}

// Run implements Executor.
func (f *FakeExecutor) Run(_ context.Context, cmd Command) (Output, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Calls = append(f.Calls, cmd)
	if f.next >= len(f.Steps) {
		f.Mismatches = append(f.Mismatches, fmt.Sprintf("unexpected call %q (script exhausted)", cmd.Argv))
		return Output{RC: -1}, fmt.Errorf("fake executor: unexpected call %q", cmd.Argv)
	}
	step := f.Steps[f.next]
	if !equalArgv(step.Command, cmd.Argv) {
		f.Mismatches = append(f.Mismatches, fmt.Sprintf("call %d: want %q, got %q", f.next+1, step.Command, cmd.Argv))
		return Output{RC: -1}, fmt.Errorf("fake executor: unexpected call %q", cmd.Argv)
	}
	for _, want := range step.Env {
		if !contains(cmd.Env, want) {
			f.Mismatches = append(f.Mismatches, fmt.Sprintf("call %d: env %q missing from %q", f.next+1, want, cmd.Env))
		}
	}
	f.next++
	return Output{RC: step.RC, Stdout: step.Out, Stderr: step.Err}, nil
}

// Problems lists mismatches and expected steps that never ran.
func (f *FakeExecutor) Problems() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := append([]string{}, f.Mismatches...)
	for _, s := range f.Steps[f.next:] {
		out = append(out, "expected call never made: "+strings.Join(s.Command, " "))
	}
	return out
}

func equalArgv(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
