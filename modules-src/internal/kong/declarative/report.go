package declarative

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong"
)

// Report is what a run did (in check mode: would do).
type Report struct {
	Changed bool
	// Summary counts, per type, the entities created, updated, deleted
	// and unchanged.
	Summary map[string]map[string]int
	// Changes lists each entity written (or to write): type, name, path
	// in the state, action and the changed fields.
	Changes []map[string]any
	// Diff is Ansible's list of diffs, one per entity written: only the
	// changed fields, references by name, secrets masked.
	Diff []map[string]any
	// NotWritten lists the planned writes a failure stopped.
	NotWritten []map[string]any
	// Secrets are the state's secret values by its schemas, for the
	// module to mask (see run.secrets).
	Secrets []string
}

// Run converges Kong to the state: it reads everything the state may
// touch at once, checks the state against the node's schemas, plans every
// entity with the engine the single-entity modules use, and applies the
// plan in dependency order (or, in check mode, validates and predicts it).
// An error before anything is written comes back alone; an error while
// writing comes back with the report of what was written and what not.
func Run(ctx context.Context, c *kong.Conn, st *State, opt Options) (*Report, error) {
	if opt.Parallelism < 1 {
		opt.Parallelism = 1
	}
	r := &run{c: c, st: st, opt: opt}
	if err := r.plan(ctx); err != nil {
		return nil, err
	}
	err := r.execute(ctx)
	rep := r.report()
	rep.Secrets = r.secrets()
	return rep, err
}

var actions = map[kong.Op]string{kong.OpCreate: "created", kong.OpUpdate: "updated", kong.OpDelete: "deleted", kong.OpNone: "unchanged"}

func (r *run) report() *Report {
	rep := &Report{Summary: map[string]map[string]int{}, Changes: []map[string]any{}, Diff: []map[string]any{}}
	for _, t := range All {
		if len(r.current[t]) > 0 {
			rep.Summary[t.Key] = counts()
		}
	}
	for _, s := range r.steps {
		if rep.Summary[s.t.Key] == nil {
			rep.Summary[s.t.Key] = counts()
		}
		if !s.done {
			rep.NotWritten = append(rep.NotWritten, map[string]any{
				"type": s.t.Key, "name": r.display(s), "action": string(s.plan.Op), "path": s.path(), "error": errText(s.err)})
			continue
		}
		op := s.plan.Op
		rep.Summary[s.t.Key][actions[op]]++
		if op == kong.OpNone {
			continue
		}
		name := r.display(s)
		rep.Changed = true
		fields := ansible.FieldNames(ansible.NonNilStrings(s.plan.ChangedFields()))
		sort.Strings(fields)
		rep.Changes = append(rep.Changes, map[string]any{
			"type": s.t.Key, "name": name, "action": string(op), "path": s.path(), "fields": fields})
		if r.opt.Diff {
			diff := s.req.Outcome(s.plan, s.entity).Diff
			header := fmt.Sprintf("%s %s (%s)", s.t.Name, name, op)
			if s.t.Credential != nil {
				header = fmt.Sprintf("%s (%s)", name, op) // the name says what it is
			}
			rep.Diff = append(rep.Diff, map[string]any{
				"before_header": header, "after_header": header,
				"before": r.byName(s.t, diff["before"]), "after": r.byName(s.t, diff["after"])})
		}
	}
	sort.SliceStable(rep.Changes, func(i, j int) bool { return less(rep.Changes[i], rep.Changes[j]) })
	return rep
}

func less(a, b map[string]any) bool {
	if a["type"] != b["type"] {
		return fmt.Sprint(a["type"]) < fmt.Sprint(b["type"])
	}
	return fmt.Sprint(a["name"]) < fmt.Sprint(b["name"])
}

func counts() map[string]int {
	return map[string]int{"created": 0, "updated": 0, "deleted": 0, "unchanged": 0}
}

func errText(err error) any {
	if err == nil {
		return nil
	}
	return err.Error()
}

func (s *step) path() any {
	if s.e == nil {
		return nil // not in the state: a delete
	}
	return s.e.Path
}

// display names an entity for people, never by a secret: a service, route,
// consumer by its name; a plugin by its instance_name or its name and
// scope; a credential by what identifies it within its consumer (a key is
// never shown).
func (r *run) display(s *step) string {
	o := s.current
	if s.e != nil {
		o = s.plan.Desired
		if s.e.ID != "" && o["id"] == nil {
			o = kong.DeepCopy(o)
			o["id"] = s.e.ID
		}
	}
	return display(s.t, r.byName(s.t, o).(kong.Object))
}

func display(t *Type, o kong.Object) string {
	refName := func(field string) string {
		m := asMap(o[field])
		for _, v := range m {
			return fmt.Sprint(v)
		}
		return ""
	}
	switch {
	case t == Plugins:
		if n, _ := o["instance_name"].(string); n != "" {
			return fmt.Sprintf("%v %q", o["name"], n)
		}
		var scope []string
		for _, sc := range kong.PluginScopes {
			if n := refName(sc.Field); n != "" {
				scope = append(scope, fmt.Sprintf("%s %s", strings.ReplaceAll(sc.Field, "_", " "), n))
			}
		}
		if len(scope) == 0 {
			return fmt.Sprintf("%v (global)", o["name"])
		}
		return fmt.Sprintf("%v (%s)", o["name"], strings.Join(scope, ", "))
	case t.Credential != nil:
		of := "of consumer " + refName("consumer")
		if !t.Credential.IdentityIsSecret {
			if v, _ := o[t.Credential.Identity].(string); v != "" {
				return fmt.Sprintf("%s %q %s", t.Name, v, of)
			}
		}
		return t.Name + " " + of
	}
	for _, f := range t.Names {
		if v, _ := o[f].(string); v != "" {
			return v
		}
	}
	if t == Targets {
		return fmt.Sprintf("%v of upstream %s", o["target"], refName("upstream"))
	}
	if snis := asList(o["snis"]); t == Certificates && len(snis) > 0 {
		return fmt.Sprintf("for %v", snis[0]) // its first SNI
	}
	if id, _ := o["id"].(string); id != "" {
		return id
	}
	if t == Certificates || t == CACertificates {
		return "(new, by its content)"
	}
	return "(unnamed)"
}

// byName rewrites the references of an entity ({"id": ...}) as the name of
// the entity they point to ({"name": ...}, {"username": ...}), as check
// mode shows a parent it has not created yet: so the diff reads the same
// in check mode and in the real run, and reads for people.
func (r *run) byName(t *Type, v any) any {
	o, ok := v.(map[string]any)
	if !ok || o == nil {
		return v
	}
	out := make(kong.Object, len(o))
	for k, val := range o {
		out[k] = val
	}
	for _, rf := range t.Refs {
		id, _ := asMap(o[rf.Field])["id"].(string)
		if id == "" || rf.Many {
			continue
		}
		if name := r.nameOf(rf.To, id); name != "" {
			key := rf.To.Kind.KeyField
			if key == "" || kong.IsUUID(name) {
				key = "id"
			}
			out[rf.Field] = kong.Object{key: name}
		}
	}
	return out
}

// nameOf is the name of the entity of type t with that id: one Kong holds,
// or one the run created.
func (r *run) nameOf(t *Type, id string) string {
	if o := r.index[t]["id:"+strings.ToLower(id)]; o != nil {
		for _, f := range t.Names {
			if v, _ := o[f].(string); v != "" {
				return v
			}
		}
		return id
	}
	if r.created == nil {
		r.created = map[string]*node{}
		for _, n := range r.nodes {
			if id := n.id(); id != "" {
				r.created[n.e.Type.Key+"|"+strings.ToLower(id)] = n
			}
		}
	}
	if n := r.created[t.Key+"|"+strings.ToLower(id)]; n != nil {
		return n.e.name()
	}
	// An entity the read did not cover (outside the select tags) that a
	// ref named and lookupKong found.
	r.lookupMu.Lock()
	defer r.lookupMu.Unlock()
	for key, found := range r.lookups {
		if typ, value, _ := strings.Cut(key, "|"); typ == t.Key && strings.EqualFold(found, id) && !kong.IsUUID(value) {
			return value
		}
	}
	return ""
}
