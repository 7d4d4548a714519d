package kongdeclarative

import (
	"fmt"
	"reflect"
	"testing"

	"platform.ops/modules-src/internal/kong/kongtest"
	"platform.ops/modules-src/internal/kong/predicttest"
	"platform.ops/tests/kongemu"
)

// TestPrediction_RandomStates is the check-mode property of every Kong
// module, for whole states: over a sequence of random states (entities
// added, changed, moved, renamed by id, dropped, pruned by tags), check mode
// writes nothing and reports exactly what the real run then reports
// (changed, summary, changes, diff), and a rerun changes nothing.
func TestPrediction_RandomStates(t *testing.T) {
	t.Parallel()
	for _, v := range versions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			env := kongtest.Start(t, kongemu.Options{Version: v})
			// Something the select tags exclude, which prune must keep.
			env.Send(t, "PUT", "/services/outsider", map[string]any{"host": "outsider.internal"})
			g := predicttest.NewGen(uint64(len(v)) * 7919)
			outcomes := map[string]int{}
			for step := range 30 {
				// Every step manages the same tagged set (an untagged entity
				// of a step without tags would rightly be refused by the next
				// step's tags); prune or not.
				args := map[string]any{"state": randomState(g), "select_tags": []any{"prop"}, "prune": g.Chance(0.6)}
				if g.Chance(0.2) {
					args["strict"] = false
				}
				where := fmt.Sprintf("%s step %d", v, step)
				before := predicttest.Take(t, env, collections)
				check := apply(env, args, "check_mode", "diff")
				if after := predicttest.Take(t, env, collections); !reflect.DeepEqual(before, after) {
					t.Fatalf("%s: check mode wrote to Kong", where)
				}
				real := apply(env, args, "diff")
				if check["failed"] == true || real["failed"] == true {
					if check["failed"] != real["failed"] {
						t.Fatalf("%s: check failed=%v (%v), real failed=%v (%v)", where, check["failed"], check["msg"], real["failed"], real["msg"])
					}
					outcomes["failed"]++
					t.Logf("%s: both failed: %v", where, real["msg"])
					continue
				}
				for _, k := range []string{"changed", "summary", "changes", "diff"} {
					c, r := jsonish(check[k]), jsonish(real[k])
					if reflect.DeepEqual(c, r) {
						continue
					}
					if cl, ok := c.([]any); ok {
						if rl, ok := r.([]any); ok && len(cl) == len(rl) {
							for i := range cl {
								if !reflect.DeepEqual(cl[i], rl[i]) {
									c, r = cl[i], rl[i]
									break
								}
							}
						}
					}
					t.Fatalf("%s: %s differs:\n check: %v\n real:  %v", where, k, c, r)
				}
				again := apply(env, args)
				if again["failed"] == true || again["changed"] != false {
					t.Fatalf("%s: rerun: failed=%v %v changed=%v %v", where, again["failed"], again["msg"], again["changed"], again["changes"])
				}
				outcomes[fmt.Sprint(real["changed"])]++
				if env.Get(t, "/services/outsider") == nil {
					t.Fatalf("%s: an entity without the select tags was deleted", where)
				}
			}
			t.Logf("steps by outcome (changed true/false, failed): %v", outcomes)
			if outcomes["true"] < 10 {
				t.Fatalf("too few steps changed anything (%v): the generator does not exercise the planner", outcomes)
			}
		})
	}
}

// randomState draws a state over a small universe of names, so that steps
// meet each other's entities.
func randomState(g *predicttest.Gen) map[string]any {
	var services []any
	routeSeen := map[any]bool{} // a route name once per state: it moves between services from step to step
	for i := range 4 {
		if !g.Chance(0.7) {
			continue
		}
		svc := map[string]any{"name": fmt.Sprintf("svc-%d", i), "host": predicttest.Pick(g, "a.internal", "b.internal"),
			"port": predicttest.Pick(g, 80, 8080), "tags": g.Subset("x", "y")}
		if i%2 == 0 {
			// Known by its id: renamed now and then.
			svc["id"] = fmt.Sprintf("9f3c6b0e-0000-4000-8000-00000000000%d", i)
			if g.Chance(0.3) {
				svc["name"] = fmt.Sprintf("svc-%d-renamed", i)
			}
		}
		var routes []any
		for j := range 2 {
			if g.Chance(0.6) {
				routes = append(routes, map[string]any{"name": fmt.Sprintf("route-%d-%d", predicttest.Pick(g, i, (i+1)%4), j),
					"paths": g.Subset("/a", "/b", "/c"), "methods": g.Subset("GET", "POST"), "strip_path": g.Chance(0.5)})
			}
		}
		for _, r := range routes {
			if len(r.(map[string]any)["paths"].([]any)) == 0 {
				r.(map[string]any)["paths"] = []any{"/default"}
			}
		}
		var kept []any
		for _, r := range routes {
			if n := r.(map[string]any)["name"]; !routeSeen[n] {
				routeSeen[n] = true
				kept = append(kept, r)
			}
		}
		if kept != nil {
			svc["routes"] = kept
		}
		if g.Chance(0.5) {
			svc["plugins"] = []any{map[string]any{"name": "rate-limiting", "config": map[string]any{"minute": predicttest.Pick(g, 5, 10, 20), "policy": "local"}}}
		}
		services = append(services, svc)
	}
	var consumers []any
	for i := range 2 {
		if !g.Chance(0.7) {
			continue
		}
		c := map[string]any{"username": fmt.Sprintf("user-%d", i)}
		if g.Chance(0.5) {
			c["keyauth_credentials"] = []any{map[string]any{"key": predicttest.Pick(g, "key-one-123456", "key-two-123456") + fmt.Sprint(i)}}
		}
		if g.Chance(0.5) {
			var acls []any
			for _, grp := range g.Subset("gold", "silver") {
				acls = append(acls, map[string]any{"group": grp})
			}
			if acls != nil {
				c["acls"] = dedupeByGroup(acls)
			}
		}
		if g.Chance(0.4) {
			c["plugins"] = []any{map[string]any{"name": "rate-limiting", "config": map[string]any{"hour": predicttest.Pick(g, 100, 200)}}}
		}
		consumers = append(consumers, c)
	}
	state := map[string]any{"_format_version": "3.0", "services": services, "consumers": consumers}
	if g.Chance(0.5) {
		state["plugins"] = []any{map[string]any{"name": "correlation-id", "config": map[string]any{"header_name": predicttest.Pick(g, "X-Id", "X-Request-Id")}}}
	}
	return state
}

func dedupeByGroup(list []any) []any {
	seen := map[any]bool{}
	var out []any
	for _, e := range list {
		n := e.(map[string]any)["group"]
		if !seen[n] {
			seen[n] = true
			out = append(out, e)
		}
	}
	return out
}
