// Command pingbin is a one-module binary used by BenchmarkColdStart to
// measure the runtime's start-up cost with nothing else linked in.
package main

import (
	"context"

	"platform.ops/modules-src/internal/ansible"
)

func main() {
	ansible.Main(&ansible.Definition{
		Name: "ping", ShortDescription: "Reply pong", CheckMode: ansible.Full,
		Spec: ansible.Spec{Options: map[string]*ansible.Option{"data": {Default: "pong", Description: []string{"Reply."}}}},
		Run: func(ctx context.Context, m *ansible.Module) (ansible.Result, error) {
			return ansible.Result{"ping": m.Params.String("data")}, nil
		},
	})
}
