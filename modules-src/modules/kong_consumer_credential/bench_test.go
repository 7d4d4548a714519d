package kongconsumercredential

import (
	"testing"

	"platform.ops/modules-src/internal/kong/kongtest"
	"platform.ops/tests/kongemu"
)

// BenchmarkNoChange is one whole key-auth task that finds nothing to do
// (GET /consumers/{name}, GET /consumers/{id}/key-auth, compare, result
// with masking), against the emulator on a loopback listener.
//
//	go test ./modules-src/modules/kong_consumer_credential -run '^$' -bench NoChange -benchmem
func BenchmarkNoChange(b *testing.B) {
	env := kongtest.Start(b, kongemu.Options{})
	env.Send(b, "PUT", "/consumers/alice", map[string]any{})
	args := map[string]any{"consumer": "alice", "type": "key-auth", "key": "bench-secret-key", "tags": []any{"a"}}
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
