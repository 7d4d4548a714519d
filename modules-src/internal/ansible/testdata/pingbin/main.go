// Command pingbin is a one-module binary for the process-level tests and
// BenchmarkColdStart: the runtime with nothing else linked in.
package main

import (
	"context"
	"errors"

	"platform.ops/modules-src/internal/ansible"
)

func main() {
	ansible.Main(&ansible.Definition{
		Name: "ping", ShortDescription: "Reply pong", CheckMode: ansible.Full,
		Spec: ansible.Spec{Options: map[string]*ansible.Option{
			"data":   {Default: "pong", Description: []string{"Reply."}},
			"secret": {NoLog: true, Description: []string{"A secret."}},
			"mode":   {Choices: []any{"ok", "fail", "panic", "wait"}, Default: "ok", Description: []string{"What to do."}},
		}},
		Run: func(ctx context.Context, m *ansible.Module) (ansible.Result, error) {
			switch m.Params.String("mode") {
			case "fail":
				return nil, errors.New("failed with " + m.Params.String("secret"))
			case "panic":
				panic("boom " + m.Params.String("secret"))
			case "wait":
				// Until the task is stopped: a signal or its timeout.
				<-ctx.Done()
				return nil, context.Cause(ctx)
			}
			return ansible.Result{"ping": m.Params.String("data")}, nil
		},
	})
}
