package kongroute

import (
	"testing"

	"platform.ops/modules-src/internal/kong/kongtest"
	"platform.ops/tests/kongemu"
)

// BenchmarkNoChange is one whole kong_route task that finds nothing to do
// (validation, connection, GET /services/{name}, GET /routes/{name},
// compare, result), against the emulator on a loopback listener.
//
//	go test ./modules-src/modules/kong_route -run '^$' -bench NoChange -benchmem
func BenchmarkNoChange(b *testing.B) {
	env := kongtest.Start(b, kongemu.Options{})
	env.Send(b, "PUT", "/services/svc", map[string]any{"host": "upstream.test"})
	args := map[string]any{"name": "bench", "service": "svc", "paths": []any{"/test"}, "methods": []any{"GET", "POST"}, "strip_path": true}
	if out := env.Run(Definition, args); out["failed"] == true {
		b.Fatal(out["msg"])
	}
	env.Requests()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		out := env.Run(Definition, args)
		if out["changed"] != false || out["failed"] == true {
			b.Fatalf("unexpected result: %v", out)
		}
	}
	b.StopTimer()
	if n := len(env.Requests()); n != 2*b.N {
		b.Fatalf("expected two requests per run, got %d for %d runs", n, b.N)
	}
}
