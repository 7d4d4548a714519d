package kongupstream

import (
	"fmt"
	"slices"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"platform.ops/modules-src/internal/kong"
	"platform.ops/modules-src/internal/kong/kongtest"
	"platform.ops/modules-src/internal/kong/predicttest"
	"platform.ops/tests/kongemu"
)

// asArgs turns an upstream as Kong returns it into this module's options,
// the way a user copies one (or kong_info exports it): every field but
// the ones Kong generates.
func asArgs(up map[string]any) map[string]any {
	args := map[string]any{}
	for k, v := range up {
		switch k {
		case "id", "created_at", "updated_at", "client_certificate":
		default:
			args[k] = jsonInts(v)
		}
	}
	return args
}

// jsonInts gives whole numbers the int type a playbook's JSON gives them
// (Ansible refuses a float for an int option, as AnsibleModule does).
func jsonInts(v any) any {
	switch t := v.(type) {
	case float64:
		if t == float64(int(t)) {
			return int(t)
		}
	case map[string]any:
		out := map[string]any{}
		for k, e := range t {
			out[k] = jsonInts(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = jsonInts(e)
		}
		return out
	}
	return v
}

// TestNoFalseDiffs: an upstream read back from Kong, fully defaulted
// (the whole healthchecks tree, nulls, http_statuses arrays) or with
// fractional numbers, given back to the module as its options, changes
// nothing, with strict too, on 3.9.3 and 2.8.5; the rerun only reads.
func TestNoFalseDiffs(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"3.9.3", "2.8.5"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			env := kongtest.Start(t, kongemu.Options{Version: version})
			env.Send(t, "PUT", "/upstreams/defaults.internal", map[string]any{})
			env.Send(t, "PUT", "/upstreams/fractions.internal", map[string]any{
				"algorithm": "consistent-hashing", "hash_on": "header", "hash_on_header": "x-user", "slots": 100,
				"healthchecks": map[string]any{
					"threshold": 33.3,
					"active": map[string]any{"timeout": 1.5, "healthy": map[string]any{"interval": 0.25, "http_statuses": []any{302, 200, 201}},
						"unhealthy": map[string]any{"interval": 2.75, "http_failures": 3}},
					"passive": map[string]any{"unhealthy": map[string]any{"http_statuses": []any{503, 500}}},
				},
				"tags": []any{"b", "a"},
			})
			for _, name := range []string{"defaults.internal", "fractions.internal"} {
				up := env.Get(t, "/upstreams/"+name)
				for _, strict := range []bool{false, true} {
					args := asArgs(up)
					args["strict"] = strict
					env.Requests()
					out := env.Run(Definition, args)
					require.NotEqual(t, true, out["failed"], "%s: %v", name, out["msg"])
					assert.Equal(t, false, out["changed"], "%s strict=%v: %v", name, strict, out["changes"])
					assert.Equal(t, "none", out["operation"])
					if !strict {
						// GET / when the options hold a field 2.8 lacks (use_srv_name: false, on 3.x)
						assert.Subset(t, []string{"GET /", "GET /upstreams/" + name}, env.Requests(), "reads only")
					}
				}
			}
			// the statuses as a set: reordered, nothing changes
			out := env.Run(Definition, map[string]any{"name": "fractions.internal",
				"healthchecks": map[string]any{"active": map[string]any{"healthy": map[string]any{"http_statuses": []any{200, 201, 302}}, "timeout": "1.5"}}})
			assert.Equal(t, false, out["changed"], "%v", out["changes"])
		})
	}
}

// A task that sets one health check value changes that value only: the
// PATCH carries it alone and Kong keeps the rest of its tree.
func TestOneHealthCheckValue(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{})
	env.Send(t, "PUT", "/upstreams/u.internal", map[string]any{"healthchecks": map[string]any{"active": map[string]any{"http_path": "/healthz"}}})
	before := env.Get(t, "/upstreams/u.internal")
	out := env.Run(Definition, map[string]any{"name": "u.internal", "_ansible_diff": true,
		"healthchecks": map[string]any{"active": map[string]any{"unhealthy": map[string]any{"timeouts": 4}}}})
	assert.Equal(t, []any{"healthchecks.active.unhealthy.timeouts"}, out["changes"])
	assert.Equal(t, map[string]any{
		"before": map[string]any{"name": "u.internal", "healthchecks": map[string]any{"active": map[string]any{"unhealthy": map[string]any{"timeouts": 0.0}}}},
		"after":  map[string]any{"name": "u.internal", "healthchecks": map[string]any{"active": map[string]any{"unhealthy": map[string]any{"timeouts": 4.0}}}},
	}, predicttest.JSON(out["diff"]))
	after := env.Get(t, "/upstreams/u.internal")
	hc := after["healthchecks"].(map[string]any)
	hc["active"].(map[string]any)["unhealthy"].(map[string]any)["timeouts"] = 0.0
	assert.Equal(t, before["healthchecks"], hc, "nothing else in the tree moved")
}

// targetsOf is a targets result without what check mode cannot know of a
// target it creates (id, timestamps) or of one under an upstream it
// creates (the upstream's id).
func targetsOf(res map[string]any) []any {
	list, _ := predicttest.JSON(res["targets"]).([]any)
	for _, e := range list {
		m := e.(map[string]any)
		for _, f := range []string{"id", "created_at", "updated_at", "upstream"} {
			delete(m, f)
		}
	}
	return list
}

// TestPrediction: on Kong 3.9.3 and 2.8.5, --check writes nothing and
// predicts the real run exactly (the upstream, and the targets it
// returns), the diff's differing fields are the changes, and a rerun
// changes nothing.
func TestPrediction(t *testing.T) {
	t.Parallel()
	const id = "4f3e2d1c-0b9a-4887-a6b5-c4d3e2f1a0b9"
	p := &predicttest.Predictor{Def: Definition, Entity: "upstream",
		Collections: []string{"/upstreams", "/certificates", "/upstreams/u1.internal/targets", "/upstreams/u2.internal/targets", "/upstreams/" + id + "/targets"},
		Shape:       func(map[string]any) *kong.Shape { return kong.UpstreamKind.Shape }}
	cert := kongtest.NewCert(t, false, "client.test")
	hc := func(kv ...any) map[string]any {
		out := map[string]any{}
		for i := 0; i < len(kv); i += 2 {
			kong.SetPath(out, splitDots(kv[i].(string)), kv[i+1])
		}
		return out
	}
	tg := func(target string, kv ...any) map[string]any {
		out := map[string]any{"target": target}
		for i := 0; i < len(kv); i += 2 {
			out[kv[i].(string)] = kv[i+1]
		}
		return out
	}
	scripted := []predicttest.PredictStep{
		{Name: "create with health checks and targets", Args: map[string]any{"name": "u1.internal", "algorithm": "least-connections", "tags": []any{"b", "a"},
			"healthchecks": hc("active.timeout", 2.5, "active.healthy.interval", 5, "active.unhealthy.http_statuses", []any{503, 500}, "passive.unhealthy.timeouts", 3),
			"targets":      []any{tg("a.test"), tg("b.test:81", "weight", 50)}}},
		{Name: "no-op rerun, statuses reordered, target spelled with its port", Args: map[string]any{"name": "u1.internal",
			"healthchecks": hc("active.unhealthy.http_statuses", []any{500, 503}), "targets": []any{tg("a.test:8000")}}},
		{Name: "one health check value", Args: map[string]any{"name": "u1.internal", "healthchecks": hc("active.concurrency", 3)}},
		{Name: "a fraction", Args: map[string]any{"name": "u1.internal", "healthchecks": hc("threshold", 12.5, "active.healthy.interval", 0.5)}},
		{Name: "a target's weight, another added", Args: map[string]any{"name": "u1.internal", "targets": []any{tg("b.test:81", "weight", 0), tg("10.0.0.1")}}},
		{Name: "exclusive targets", Args: map[string]any{"name": "u1.internal", "targets": []any{tg("a.test", "tags", []any{"x"})}, "exclusive_targets": true}},
		{Name: "no targets at all", Args: map[string]any{"name": "u1.internal", "targets": []any{}, "exclusive_targets": true}},
		{Name: "hashing", Args: map[string]any{"name": "u1.internal", "algorithm": "consistent-hashing", "hash_on": "header", "hash_on_header": "x-user",
			"hash_fallback": "cookie", "hash_on_cookie": "c", "hash_on_cookie_path": "/api"}},
		{Name: "header hashing without its header", Args: map[string]any{"name": "u2.internal", "algorithm": "consistent-hashing", "hash_on": "header"}},
		{Name: "a client certificate by SNI, a host header", Args: map[string]any{"name": "u1.internal", "client_certificate": "client.test", "host_header": "orders.example.com"}},
		{Name: "slots out of range", Args: map[string]any{"name": "u1.internal", "slots": 5}},
		{Name: "strict", Args: map[string]any{"name": "u1.internal", "algorithm": "round-robin", "strict": true}},
		{Name: "create with id, targets predicted under it", Args: map[string]any{"id": id, "name": "old.internal", "targets": []any{tg("c.test", "weight", 7)}}},
		{Name: "rename via id", Args: map[string]any{"id": id, "name": "new.internal"}},
		{Name: "rename via id to a name held by another", Args: map[string]any{"id": id, "name": "u1.internal"}},
		{Name: "delete", Args: map[string]any{"name": "u1.internal", "state": "absent"}},
		{Name: "delete again", Args: map[string]any{"name": "u1.internal", "state": "absent"}},
		{Name: "delete via id", Args: map[string]any{"id": id, "state": "absent"}},
	}
	for _, version := range []string{"3.9.3", "2.8.5"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			env := kongtest.Start(t, kongemu.Options{Version: version})
			env.Send(t, "POST", "/certificates", map[string]any{"cert": cert.Cert, "key": cert.Key, "snis": []any{"client.test"}})
			check := func(step predicttest.PredictStep) map[string]any {
				predicted := env.Run(Definition, withCheck(step.Args))
				real := p.Check(t, env, step)
				if step.Args["targets"] != nil && real["failed"] != true {
					assert.Equal(t, targetsOf(predicted), targetsOf(real), "step %q: the targets check mode predicts", step.Name)
				}
				return real
			}
			for _, step := range scripted {
				check(step)
			}
			outcomes := map[string]int{}
			for _, step := range predicttest.RandomSteps(20240618, 120, randomUpstream) {
				real := check(step)
				outcomes[predicttest.Outcome(real)+fmt.Sprintf(" (targets changed: %v)", slices.Contains(asStrings(real["changes"]), "targets"))]++
			}
			t.Logf("random steps by outcome: %v", outcomes)
		})
	}
}

func withCheck(args map[string]any) map[string]any {
	out := map[string]any{"_ansible_check_mode": true}
	for k, v := range args {
		out[k] = v
	}
	return out
}

func splitDots(s string) []string {
	var out []string
	start := 0
	for i := range len(s) {
		if s[i] == '.' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// randomUpstream draws a kong_upstream task: health check values (some
// fractional), hashing, targets with and without exclusive.
func randomUpstream(g *predicttest.Gen, _ int) predicttest.PredictStep {
	args := map[string]any{"name": predicttest.Pick(g, "u1.internal", "u2.internal")}
	if g.Chance(0.12) {
		args["state"] = "absent"
		return predicttest.PredictStep{Args: args}
	}
	if g.Chance(0.3) {
		args["algorithm"] = predicttest.Pick(g, "round-robin", "least-connections")
	}
	if g.Chance(0.5) {
		hc := map[string]any{}
		paths := [][]string{{"active", "timeout"}, {"active", "healthy", "interval"}, {"active", "unhealthy", "tcp_failures"},
			{"passive", "unhealthy", "http_failures"}, {"threshold"}, {"active", "http_path"}}
		values := []any{predicttest.Pick[any](g, 1, 1.5, 3), predicttest.Pick[any](g, 0, 0.25, 10), predicttest.Pick[any](g, 0, 2),
			predicttest.Pick[any](g, 0, 5), predicttest.Pick[any](g, 0, 50.5), predicttest.Pick[any](g, "/", "/healthz")}
		for i, path := range paths {
			if g.Chance(0.3) {
				kong.SetPath(hc, path, values[i])
			}
		}
		if g.Chance(0.2) {
			kong.SetPath(hc, []string{"active", "healthy", "http_statuses"}, []any{200, predicttest.Pick[any](g, 201, 302)})
		}
		args["healthchecks"] = hc
	}
	if g.Chance(0.5) {
		var targets []any
		for _, addr := range g.Subset("t1.test", "t2.test:81", "10.0.0.9") {
			t := map[string]any{"target": addr}
			if g.Chance(0.5) {
				t["weight"] = predicttest.Pick(g, 0, 10, 100)
			}
			targets = append(targets, t)
		}
		sort.SliceStable(targets, func(i, j int) bool { return g.Chance(0.5) })
		args["targets"] = targets
		if g.Chance(0.4) {
			args["exclusive_targets"] = true
		}
	}
	if g.Chance(0.3) {
		args["tags"] = g.Subset("a", "b")
	}
	if g.Chance(0.05) {
		args["strict"] = true
	}
	return predicttest.PredictStep{Args: args}
}

func asStrings(v any) []string {
	var out []string
	list, _ := predicttest.JSON(v).([]any)
	for _, e := range list {
		out = append(out, e.(string))
	}
	return out
}
