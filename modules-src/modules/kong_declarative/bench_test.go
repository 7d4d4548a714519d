package kongdeclarative

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"platform.ops/modules-src/internal/kong/kongtest"
	"platform.ops/tests/kongemu"
)

// benchState is n services, each with a route and a rate-limiting plugin,
// like tests/bench/gen_state.py writes.
func benchState(n int) map[string]any {
	services := make([]any, n)
	for i := range n {
		services[i] = map[string]any{
			"name": fmt.Sprintf("svc-%05d", i), "host": fmt.Sprintf("backend-%d.internal", i%50), "port": 8080, "protocol": "http",
			"tags": []any{"bench"},
			"routes": []any{map[string]any{"name": fmt.Sprintf("route-%05d", i), "paths": []any{fmt.Sprintf("/api/%05d", i)},
				"methods": []any{"GET", "POST"}, "strip_path": true, "tags": []any{"bench"}}},
			"plugins": []any{map[string]any{"name": "rate-limiting", "config": map[string]any{"minute": 100 + i%7, "policy": "local"}, "tags": []any{"bench"}}},
		}
	}
	return map[string]any{"_format_version": "3.0", "services": services}
}

// BenchmarkApply measures a first apply and a no-change re-apply of 3,000
// entities against the in-process emulator (module and emulator share the
// CPU: go test -cpuprofile shows both). make bench-bulk compares with decK.
func BenchmarkApply(b *testing.B) {
	state := benchState(1000)
	for _, phase := range []string{"first", "again"} {
		b.Run(phase, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				env := kongtest.Start(b, kongemu.Options{})
				if phase == "again" {
					out := env.Run(Definition, map[string]any{"state": state})
					require.NotEqual(b, true, out["failed"], "%v", out["msg"])
				}
				b.StartTimer()
				out := env.Run(Definition, map[string]any{"state": state})
				require.NotEqual(b, true, out["failed"], "%v", out["msg"])
			}
		})
	}
}
