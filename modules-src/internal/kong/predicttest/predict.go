// Package predicttest is the harness of the Kong modules' predict_test.go:
// the property that --check predicts exactly what a real run does and
// writes nothing, and that --diff shows what changes, checked step by step
// against the in-process emulator (kongtest).
package predicttest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"testing"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong"
	"platform.ops/modules-src/internal/kong/kongtest"
)

// Snapshot is the emulator's state: the raw body of GET on each path.
type Snapshot map[string]string

// DefaultCollections are the collections every Kong module can touch.
var DefaultCollections = []string{
	"/services", "/routes", "/plugins", "/consumers",
	"/key-auths", "/basic-auths", "/jwts", "/hmac-auths", "/acls",
}

// Take reads every path from the emulator as raw bytes (bypassing the
// fault injection and the request log).
func Take(t testing.TB, e *kongtest.Env, paths []string) Snapshot {
	t.Helper()
	out := Snapshot{}
	for _, p := range paths {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, p+"?size=1000", nil)
		if tok := e.Args["admin_token"]; tok != nil {
			req.Header.Set("Kong-Admin-Token", fmt.Sprint(tok))
		}
		e.Emu.ServeHTTP(rec, req)
		out[p] = fmt.Sprintf("%d %s", rec.Code, rec.Body.String())
	}
	return out
}

// PredictStep is one task of a sequence.
type PredictStep struct {
	Name string
	Args map[string]any
	// AlwaysChanges: the module documents that this task reports a change
	// on every run (basic-auth update_password=always), so the third run
	// is not expected to be a no-op.
	AlwaysChanges bool
}

// Predictor checks the prediction property for one module.
type Predictor struct {
	Def    *ansible.Definition
	Entity string // result key of the returned entity ("service"); "" for none
	// Shape is how the module compares the entity's fields (sets, maps,
	// secrets), for telling which diff leaves differ.
	Shape func(args map[string]any) *kong.Shape
	// DiffOnlyChanges: on update the diff holds only the changed leaves
	// (kong_plugin documents this). Otherwise the diff holds the managed
	// fields (the options given, documented by the other modules), and the
	// property is that the leaves that differ are exactly `changes`.
	DiffOnlyChanges bool
	// Generated lists, for a create, the top-level fields Kong generates
	// itself besides id, created_at and updated_at (a jwt key or secret
	// left out): the check-mode prediction cannot know their values.
	Generated []string
	// Collections are snapshotted around check mode; nil means
	// DefaultCollections.
	Collections []string
}

func withFlags(args map[string]any, check bool) map[string]any {
	out := map[string]any{"_ansible_diff": true}
	if check {
		out["_ansible_check_mode"] = true
	}
	for k, v := range args {
		out[k] = v
	}
	return out
}

// Check runs one step: check mode (nothing written), the real run (the
// same changed, operation, changes and diff; the entity predicted), and a
// rerun (no change). It returns the real run's result.
func (p *Predictor) Check(t testing.TB, env *kongtest.Env, step PredictStep) map[string]any {
	t.Helper()
	colls := p.Collections
	if colls == nil {
		colls = DefaultCollections
	}
	where := fmt.Sprintf("step %q (args %v)", step.Name, step.Args)
	before := Take(t, env, colls)
	check := env.Run(p.Def, withFlags(step.Args, true))
	if after := Take(t, env, colls); !reflect.DeepEqual(before, after) {
		t.Fatalf("%s: check mode wrote to Kong:\n%s", where, snapshotDiff(before, after))
	}
	real := env.Run(p.Def, withFlags(step.Args, false))
	if check["failed"] == true || real["failed"] == true {
		if check["failed"] != real["failed"] {
			t.Fatalf("%s: check mode failed=%v (%v) but the real run failed=%v (%v)", where,
				check["failed"], check["msg"], real["failed"], real["msg"])
		}
		for _, k := range []string{"status", "fields", "changed"} {
			if !reflect.DeepEqual(jsonish(check[k]), jsonish(real[k])) {
				t.Fatalf("%s: both runs failed, with different %s: check %s (%v), real %s (%v)", where, k,
					show(check[k]), check["msg"], show(real[k]), real["msg"])
			}
		}
		if after := Take(t, env, colls); !reflect.DeepEqual(before, after) {
			t.Fatalf("%s: the failed real run wrote to Kong (%v):\n%s", where, real["msg"], snapshotDiff(before, after))
		}
		return real
	}
	for _, k := range []string{"changed", "operation", "changes", "diff"} {
		if !reflect.DeepEqual(jsonish(check[k]), jsonish(real[k])) {
			t.Fatalf("%s: %s differs between check mode and the real run:\n check: %s\n real:  %s", where, k, show(check[k]), show(real[k]))
		}
	}
	if p.Entity != "" && step.Args["state"] != "absent" {
		p.checkEntity(t, where, check, real)
	}
	p.checkDiff(t, where, step.Args, real)
	if step.AlwaysChanges {
		return real
	}
	again := env.Run(p.Def, withFlags(step.Args, false))
	if again["failed"] == true {
		t.Fatalf("%s: rerun failed: %v", where, again["msg"])
	}
	if again["changed"] != false || len(asList(again["changes"])) != 0 {
		t.Fatalf("%s: rerun changed %v: %s", where, again["changes"], show(again["diff"]))
	}
	d := jsonish(again["diff"]).(map[string]any)
	if !reflect.DeepEqual(d["before"], d["after"]) {
		t.Fatalf("%s: rerun shows a difference: %s", where, show(d))
	}
	if p.DiffOnlyChanges && (len(asMap(d["before"])) != 0 || len(asMap(d["after"])) != 0) {
		t.Fatalf("%s: rerun diff is not empty: %s", where, show(d))
	}
	return real
}

// Sequence checks the scripted steps in order, then steps more drawn by
// random from a generator seeded with seed (named after the seed and step,
// so a failure can be replayed), and logs how the random steps ended.
func (p *Predictor) Sequence(t testing.TB, env *kongtest.Env, scripted []PredictStep, seed uint64, steps int, random func(g *Gen, i int) PredictStep) {
	t.Helper()
	for _, step := range scripted {
		p.Check(t, env, step)
	}
	outcomes := map[string]int{}
	for _, step := range RandomSteps(seed, steps, random) {
		outcomes[Outcome(p.Check(t, env, step))]++
	}
	t.Logf("random steps by outcome: %v", outcomes)
}

// RandomSteps draws the steps Sequence draws for seed, named after the
// seed and step.
func RandomSteps(seed uint64, steps int, random func(g *Gen, i int) PredictStep) []PredictStep {
	g := NewGen(seed)
	out := make([]PredictStep, 0, steps)
	for i := range steps {
		step := random(g, i)
		step.Name = fmt.Sprintf("seed %d step %d", seed, i)
		out = append(out, step)
	}
	return out
}

// Mismatches runs Check on each step in order and returns, by step name,
// the message of each step whose check failed (check mode did not predict
// the real run, or wrote), instead of failing the test: for showing what a
// check-mode guard catches, by running the steps with it disabled.
func (p *Predictor) Mismatches(t testing.TB, env *kongtest.Env, steps []PredictStep) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, step := range steps {
		rec := &recorder{TB: t}
		done := make(chan struct{})
		go func() {
			defer close(done)
			p.Check(rec, env, step)
		}()
		<-done
		if rec.msg != "" {
			out[step.Name] = rec.msg
		}
	}
	return out
}

// recorder is a testing.TB whose Fatal ends the step (the goroutine that
// runs it) and keeps the message rather than failing the test.
type recorder struct {
	testing.TB
	msg string
}

func (r *recorder) Helper() {}

func (r *recorder) Fatalf(format string, args ...any) {
	r.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (r *recorder) Fatal(args ...any) {
	r.msg = fmt.Sprint(args...)
	runtime.Goexit()
}

// Outcome names a result for statistics: its operation, or "failed".
func Outcome(res map[string]any) string {
	if res["failed"] == true {
		return "failed"
	}
	return fmt.Sprint(res["operation"])
}

// checkEntity compares the returned entities. Excluded, because Kong
// generates them and check mode cannot know them: created_at and
// updated_at always, and on a create the id (unless the task gave it) and
// the Generated fields the task left out.
func (p *Predictor) checkEntity(t testing.TB, where string, check, real map[string]any) {
	t.Helper()
	want := asMap(jsonish(check[p.Entity]))
	got := asMap(jsonish(real[p.Entity]))
	if want == nil || got == nil {
		t.Fatalf("%s: no %s returned (check: %v, real: %v)", where, p.Entity, want != nil, got != nil)
	}
	skip := map[string]bool{"created_at": true, "updated_at": true}
	if real["operation"] == "create" {
		skip["id"] = true
		for _, f := range p.Generated {
			skip[f] = true
		}
	}
	for f := range skip {
		delete(want, f)
		delete(got, f)
	}
	if !reflect.DeepEqual(want, got) {
		t.Fatalf("%s: the check-mode %s is not what the real run returned:\n check: %s\n real:  %s\n differing: %v",
			where, p.Entity, show(want), show(got), differingKeys(want, got))
	}
}

// checkDiff: the leaves of the diff that differ are exactly the reported
// changes (masked secrets cannot show a difference, so a change of one is
// taken on trust); with DiffOnlyChanges every leaf differs.
func (p *Predictor) checkDiff(t testing.TB, where string, args map[string]any, res map[string]any) {
	t.Helper()
	d := asMap(jsonish(res["diff"]))
	if d == nil {
		t.Fatalf("%s: no diff", where)
	}
	before, after := asMap(d["before"]), asMap(d["after"])
	changes := map[string]bool{}
	for _, c := range asList(res["changes"]) {
		changes[c.(string)] = true
	}
	switch res["operation"] {
	case "delete":
		if len(after) != 0 || len(before) == 0 {
			t.Fatalf("%s: a delete's diff is the whole entity before and nothing after: %s", where, show(d))
		}
		return
	case "none":
		if !reflect.DeepEqual(before, after) {
			t.Fatalf("%s: no change, yet the diff differs: %s", where, show(d))
		}
		return
	case "create":
		if len(before) != 0 {
			t.Fatalf("%s: a create's diff has a before: %s", where, show(d))
		}
	}
	var shape *kong.Shape
	if p.Shape != nil {
		shape = p.Shape(args)
	}
	leaves := map[string]bool{}
	collectLeaves(nil, before, after, shape, leaves)
	for leaf, differs := range leaves {
		masked := isMasked(before, leaf) && isMasked(after, leaf)
		switch {
		case differs && !changes[leaf]:
			t.Fatalf("%s: diff leaf %s differs but is not among the changes %v: %s", where, leaf, res["changes"], show(d))
		case !differs && changes[leaf] && !masked:
			t.Fatalf("%s: change %s shows no difference in the diff: %s", where, leaf, show(d))
		case !differs && p.DiffOnlyChanges && res["operation"] == "update" && !masked:
			t.Fatalf("%s: diff leaf %s does not change (the module documents a diff of what changes only): %s", where, leaf, show(d))
		}
	}
	for c := range changes {
		if _, ok := leaves[c]; !ok {
			t.Fatalf("%s: change %s is missing from the diff: %s", where, c, show(d))
		}
	}
}

// collectLeaves walks before and after together, recursing into records
// (as the engine compares them) and noting for each leaf whether it differs.
func collectLeaves(path []string, before, after map[string]any, shape *kong.Shape, out map[string]bool) {
	keys := map[string]bool{}
	for k := range before {
		keys[k] = true
	}
	for k := range after {
		keys[k] = true
	}
	for k := range keys {
		sub := shape.Field(k)
		fp := append(append([]string(nil), path...), k)
		bm, bok := before[k].(map[string]any)
		am, aok := after[k].(map[string]any)
		// Like the engine: a record the task sets compares key by key.
		if aok && (bok || before[k] == nil) && (sub == nil || sub.Type == kong.Record) {
			collectLeaves(fp, bm, am, sub, out)
			continue
		}
		out[strings.Join(fp, ".")] = !kong.Equal(before[k], after[k], sub)
	}
}

func isMasked(o map[string]any, dotted string) bool {
	var v any = o
	for _, k := range strings.Split(dotted, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return false
		}
		v = m[k]
	}
	return v == kong.Masked
}

// JSON is a value in its JSON form (numbers float64, lists []any), for
// comparing a module's result with literals.
func JSON(v any) any { return jsonish(v) }

// jsonish gives a value its JSON form, so results built from Go types
// ([]string, ansible.Result) compare with JSON-decoded ones.
func jsonish(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

func asMap(v any) map[string]any { m, _ := v.(map[string]any); return m }

func asList(v any) []any { l, _ := jsonish(v).([]any); return l }

func show(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func differingKeys(a, b map[string]any) []string {
	var out []string
	for k := range a {
		if !reflect.DeepEqual(a[k], b[k]) {
			out = append(out, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func snapshotDiff(a, b Snapshot) string {
	var sb strings.Builder
	for k, v := range a {
		if b[k] != v {
			fmt.Fprintf(&sb, "GET %s\n before: %s\n after:  %s\n", k, v, b[k])
		}
	}
	return sb.String()
}

// Gen draws task arguments for the property's random sequences: seeded,
// so a failure names the seed and step that reproduce it.
type Gen struct{ R *rand.Rand }

// NewGen returns a generator for seed.
func NewGen(seed uint64) *Gen { return &Gen{R: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))} }

// Chance is true with probability p.
func (g *Gen) Chance(p float64) bool { return g.R.Float64() < p }

// Pick returns one of items.
func Pick[T any](g *Gen, items ...T) T { return items[g.R.IntN(len(items))] }

// Subset returns a shuffled subset of items, as a []any (a set given in
// some order, maybe with a duplicate).
func (g *Gen) Subset(items ...string) []any {
	var out []any
	for _, it := range items {
		if g.Chance(0.5) {
			out = append(out, it)
		}
	}
	g.R.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	if len(out) > 0 && g.Chance(0.2) {
		out = append(out, out[0])
	}
	return out
}
