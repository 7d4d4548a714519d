package kongservice

import (
	"testing"

	"platform.ops/modules-src/internal/kong/kongtest"
	"platform.ops/tests/kongemu"
)

// BenchmarkNoChange is one whole kong_service task that finds nothing to do
// (validation, connection, GET /services/{name}, compare, result with
// masking), against the emulator on a loopback listener: the in-process
// cost of an idempotent rerun, without Ansible's own overhead.
//
//	go test ./modules-src/modules/kong_service -run '^$' -bench NoChange -benchmem
func BenchmarkNoChange(b *testing.B) {
	env := kongtest.Start(b, kongemu.Options{})
	args := map[string]any{"name": "bench", "url": "http://bench.test:8080/v1", "tags": []any{"a", "b"}}
	if out := env.Run(Definition, args); out["failed"] == true {
		b.Fatal(out["msg"])
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		out := env.Run(Definition, args)
		if out["changed"] != false || out["failed"] == true {
			b.Fatalf("unexpected result: %v", out)
		}
	}
	b.StopTimer()
	if n := len(env.Requests()); n != b.N+2 {
		b.Fatalf("expected one request per run, got %d for %d runs", n, b.N)
	}
}
