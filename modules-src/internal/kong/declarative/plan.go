package declarative

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong"
)

// Options are what a run is asked to do.
type Options struct {
	// SelectTags: only entities carrying all of them are read and managed,
	// and every entity the run writes gets them (decK's --select-tag).
	SelectTags []string
	// Prune deletes the managed entities the state does not declare.
	Prune bool
	// Strict makes each declared entity exactly what the state says: the
	// fields it leaves out are reset to Kong's defaults (what decK does).
	// Without it only the fields the state sets are compared.
	Strict      bool
	Parallelism int
	CheckMode   bool
	// Diff asks for Report.Diff (built only then: it is the costly part
	// of a report of thousands of entities).
	Diff bool
	// Warn reports what the user should know without failing.
	Warn func(string)
}

// run is one convergence of Kong to a state.
type run struct {
	c    *kong.Conn
	st   *State
	opt  Options
	info *kong.Info

	current map[*Type][]kong.Object
	index   map[*Type]map[string]kong.Object
	plugins map[string]*kong.Kind // a plugin's Kind by plugin name
	vaults  map[string]*kong.Kind // a vault's Kind by implementation name
	schemas map[string]*kong.PluginSchema

	nodes    map[*Entity]*node
	steps    []*step
	matched  map[string]bool // "services|<id>" of the entities the state declares
	lookupMu sync.Mutex
	lookups  map[string]string // "services|name" -> id, for refs outside the state and the read
	created  map[string]*node  // "services|id" -> node, for names in reports
}

// node is what the run knows of one declared entity.
type node struct {
	e       *Entity
	current kong.Object
	step    *step
	refs    map[string]*kong.Ref // the pending refs of its request, by field
}

// id is the entity's id once known: Kong's, or the one the state gives it.
func (n *node) id() string {
	if n.step != nil && n.step.done && !n.step.checkOnly {
		if id, _ := n.step.entity["id"].(string); id != "" {
			return id
		}
	}
	if id, _ := n.current["id"].(string); id != "" {
		return id
	}
	return n.e.ID
}

// step is one entity's request and plan, then its outcome.
type step struct {
	t         *Type
	e         *Entity // nil for a delete of an entity the state does not declare
	node      *node
	req       *kong.Request
	current   kong.Object
	plan      *kong.Plan
	entity    kong.Object // what Kong holds after the step (predicted in check mode)
	err       error
	done      bool
	checkOnly bool // check mode: entity is a prediction
	early     bool // a delete that frees a name a create or rename needs
}

func (s *step) where() string {
	if s.e != nil {
		return s.e.Path
	}
	return s.t.Key + " " + display(s.t, s.current)
}

// plan reads Kong, matches the state to it and plans every entity.
func (r *run) plan(ctx context.Context) error {
	info, err := r.c.Info(ctx)
	if err != nil {
		return err
	}
	r.info = info
	var unsupported Errors
	for _, e := range r.st.Entities {
		if e.Type.Kind != nil {
			if err := r.c.Supports(ctx, e.Type.Kind, kong.Selector{}); err != nil {
				unsupported.add(e.Path, "%v", err)
			}
		}
	}
	if len(unsupported) > 0 {
		return unsupported
	}
	if err := r.readAll(ctx); err != nil {
		return err
	}
	if err := r.check(ctx); err != nil {
		return err
	}
	r.indexCurrent()
	if err := r.checkDuplicates(); err != nil {
		return err
	}
	r.nodes = map[*Entity]*node{}
	for _, e := range r.st.Entities {
		r.nodes[e] = &node{e: e, refs: map[string]*kong.Ref{}}
	}
	r.matched = map[string]bool{}
	var errs Errors
	for _, t := range byLevel() {
		for _, e := range r.st.Entities {
			if e.Type != t {
				continue
			}
			if err := r.planEntity(ctx, r.nodes[e]); err != nil {
				var se *Error
				if errors.As(err, &se) {
					errs = append(errs, se)
					continue
				}
				return err
			}
		}
	}
	if len(errs) > 0 {
		return errs
	}
	if r.opt.Prune {
		r.planDeletes()
	}
	return nil
}

// readAll lists what Kong holds and reads the schemas the state needs, all
// at once.
func (r *run) readAll(ctx context.Context) error {
	names := map[string]bool{}
	for _, e := range r.st.Entities {
		if e.Type == Plugins {
			if n, ok := e.Fields["name"].(string); ok && n != "" {
				names[n] = true
			}
		}
	}
	var mu sync.Mutex
	r.schemas = map[string]*kong.PluginSchema{}
	types := r.typesToRead(ctx)
	jobs := []func() error{func() error {
		cur, err := readAll(ctx, r.c, types, r.opt.SelectTags)
		r.current = cur
		return err
	}}
	for n := range names {
		jobs = append(jobs, func() error {
			ps, err := r.c.PluginSchema(ctx, n)
			if err != nil {
				var f *ansible.Failure
				if errors.As(err, &f) && f.Fields["status"] == 404 {
					return nil // reported per entity by check
				}
				return err
			}
			mu.Lock()
			r.schemas[n] = ps
			mu.Unlock()
			return nil
		})
	}
	for _, t := range types {
		if t.Kind != nil && r.declares(t) {
			jobs = append(jobs, func() error { _, err := r.c.Schema(ctx, t.Kind.SchemaPath()); return err })
		}
	}
	jobs = append(jobs, func() error { _, err := r.c.Schema(ctx, "plugins"); return err })
	if err := runAll(max(r.opt.Parallelism, len(jobs)), jobs); err != nil {
		return err
	}
	// Plugins Kong holds whose schema the state did not need: their config
	// is compared (prune) and shown masked by their schema too.
	var more []func() error
	seen := map[string]bool{}
	for _, p := range r.current[Plugins] {
		n, _ := p["name"].(string)
		if n == "" || names[n] || seen[n] {
			continue
		}
		seen[n] = true
		more = append(more, func() error {
			ps, err := r.c.PluginSchema(ctx, n)
			if err != nil {
				return nil // a plugin Kong holds but no longer knows: compared without its schema
			}
			mu.Lock()
			r.schemas[n] = ps
			mu.Unlock()
			return nil
		})
	}
	if err := runAll(r.opt.Parallelism, more); err != nil {
		return err
	}
	r.plugins = map[string]*kong.Kind{}
	for n, ps := range r.schemas {
		r.plugins[n] = kong.PluginKindFor(ps)
	}
	if err := r.loadVaultKinds(ctx); err != nil {
		return err
	}
	for _, p := range r.current[Plugins] {
		if k := r.plugins[fmt.Sprint(p["name"])]; k != nil && k.Clean != nil {
			cleaned := k.Clean(p)
			for key := range p {
				delete(p, key)
			}
			for key, v := range cleaned {
				p[key] = v
			}
		}
	}
	return nil
}

// loadVaultKinds reads the schema of each vault implementation the state
// or Kong has (a vault's config is that implementation's record).
func (r *run) loadVaultKinds(ctx context.Context) error {
	r.vaults = map[string]*kong.Kind{}
	names := map[string]bool{}
	for _, e := range r.st.Entities {
		if e.Type == Vaults {
			names[fmt.Sprint(e.Fields["name"])] = true
		}
	}
	for _, v := range r.current[Vaults] {
		names[fmt.Sprint(v["name"])] = true
	}
	var mu sync.Mutex
	var jobs []func() error
	for n := range names {
		jobs = append(jobs, func() error {
			k, err := kong.VaultKindFor(ctx, r.c, n, kong.Selector{})
			if err != nil {
				return err
			}
			mu.Lock()
			r.vaults[n] = k
			mu.Unlock()
			return nil
		})
	}
	return runAll(r.opt.Parallelism, jobs)
}

// typesToRead are the types whose entities the run lists: with prune,
// all; else those the state declares and those its entities refer to
// (found by name in the list, without a request each).
func (r *run) typesToRead(ctx context.Context) []*Type {
	if r.opt.Prune {
		return supportedTypes(ctx, r.c)
	}
	need := map[*Type]bool{}
	for _, e := range r.st.Entities {
		need[e.Type] = true
		for _, ref := range e.Refs {
			need[ref.Field.To] = true
		}
	}
	var out []*Type
	for _, t := range All {
		if need[t] {
			out = append(out, t)
		}
	}
	return out
}

// supportedTypes are the types this node has (Kong 2.8 has no vaults,
// keys or key sets).
func supportedTypes(ctx context.Context, c *kong.Conn) []*Type {
	var out []*Type
	for _, t := range All {
		if t.Kind == nil || c.Supports(ctx, t.Kind, kong.Selector{}) == nil {
			out = append(out, t)
		}
	}
	return out
}

// declares reports whether the state declares entities of type t.
func (r *run) declares(t *Type) bool {
	for _, e := range r.st.Entities {
		if e.Type == t {
			return true
		}
	}
	return false
}

// kindOf is the engine's Kind of an entity of type t (a plugin's depends
// on its name).
func (r *run) kindOf(t *Type, o map[string]any) *kong.Kind {
	if t == Vaults {
		if k := r.vaults[fmt.Sprint(o["name"])]; k != nil {
			return k
		}
	}
	if t != Plugins {
		return t.Kind
	}
	name, _ := o["name"].(string)
	if k := r.plugins[name]; k != nil {
		return k
	}
	k := *kong.PluginKind
	k.Name = name + " plugin"
	return &k
}

// byLevel is All ordered by level (stable).
func byLevel() []*Type {
	out := slices.Clone(All)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Level < out[j].Level })
	return out
}

// planEntity resolves a declared entity's refs, finds what Kong holds of
// it and plans its request.
func (r *run) planEntity(ctx context.Context, n *node) error {
	e := n.e
	fields, err := r.desired(ctx, e)
	if err != nil {
		return err
	}
	ids := map[string]string{} // resolved ref field -> id
	var pending []*kong.Ref
	for _, field := range sortedRefs(e) {
		ref := e.Refs[field]
		if ref.Field.Many {
			fields[field] = stringsToAny(ref.IDs)
			continue
		}
		target, id, err := r.resolveRef(ctx, e, ref)
		if err != nil {
			return err
		}
		if id != "" {
			ids[field] = id
			fields[field] = kong.Object{"id": id}
			continue
		}
		kr := &kong.Ref{Field: field, Parent: ref.Field.Parent, Kind: ref.Field.To.Kind, Value: target.e.name(),
			Pending: true, PendingWhy: "created by this task (" + target.e.Path + ")"}
		n.refs[field] = kr
		pending = append(pending, kr)
	}
	n.current = r.match(e, fields, ids, len(pending) > 0)
	if n.current != nil {
		r.matched[matchKey(e.Type, n.current)] = true
	}
	req := r.request(e.Type, fields, n.current)
	if id, ok := ids[parentField(e.Type)]; ok {
		req.Parent = []string{parentOf(e.Type).List, id}
	}
	if n.current == nil && e.ID != "" {
		req.Select.ID = e.ID
	}
	for _, f := range sortedRefs(e) {
		if kr := n.refs[f]; kr != nil {
			req.Refs = append(req.Refs, kr)
		}
	}
	if err := r.c.Resolve(ctx, req, true); err != nil {
		return &Error{Path: e.Path, Msg: err.Error()}
	}
	plan, err := r.c.Prepare(ctx, req, n.current)
	if err != nil {
		return &Error{Path: e.Path, Msg: err.Error()}
	}
	s := &step{t: e.Type, e: e, node: n, req: req, current: n.current, plan: plan}
	n.step = s
	r.steps = append(r.steps, s)
	return nil
}

// request is the engine request of one entity: kind, selector, desired
// fields and how it is found again after a conflict or a write whose
// outcome is unknown.
func (r *run) request(t *Type, fields kong.Object, current kong.Object) *kong.Request {
	kind := r.kindOf(t, fields)
	req := &kong.Request{
		Kind:            kind,
		Desired:         fields,
		Strict:          r.opt.Strict,
		CheckMode:       r.opt.CheckMode,
		DiffChangedOnly: true,
		// With select_tags an entity outside the tags is not this run's:
		// a create that meets one fails instead of taking it over.
		ExclusiveCreate: len(r.opt.SelectTags) > 0,
		KeyFound:        len(r.opt.SelectTags) == 0,
	}
	if current != nil {
		req.Select.ID, _ = current["id"].(string)
	}
	if kind.KeyField != "" && t.Credential == nil {
		req.Select.Key, _ = fields[kind.KeyField].(string)
	}
	switch {
	case t == Plugins:
		name, _ := fields["name"].(string)
		req.Find = func(ctx context.Context, rq *kong.Request) (kong.Object, error) {
			if ref := rq.Select.Ref(); ref != "" {
				return r.c.Get(ctx, kong.PathFor("plugins", ref))
			}
			return r.c.FindPlugin(ctx, name, kong.ScopeOf(rq.Desired))
		}
	case t.Credential != nil:
		ct := t.Credential
		value, _ := fields[ct.Identity].(string)
		req.Find = func(ctx context.Context, rq *kong.Request) (kong.Object, error) {
			if len(rq.Parent) < 2 {
				return nil, nil
			}
			return r.c.FindCredential(ctx, ct, rq.Parent[1], rq.Select.ID, value)
		}
		req.CreateOnly = []string{"ttl", "password"}
	case t == Consumers && req.Select.Key == "" && req.Select.ID == "":
		customID, _ := fields["custom_id"].(string)
		req.Find = func(ctx context.Context, _ *kong.Request) (kong.Object, error) {
			return r.c.ConsumerByCustomID(ctx, customID)
		}
	}
	return req
}

// resolveRef finds what a ref names: a declared entity (target, with its
// id when it has one), or an entity Kong holds (id only).
func (r *run) resolveRef(ctx context.Context, e *Entity, ref *Ref) (*node, string, error) {
	to := ref.Field.To
	// A declared entity that Kong does not hold yet is created by this run
	// before anything that refers to it: pending until then, even when the
	// state gives its id (nothing can be looked up under it yet).
	if ref.Parent != nil {
		pn := r.nodes[ref.Parent]
		return pn, existingID(pn), nil
	}
	if d := r.declared(to, ref.Value); d != nil {
		pn := r.nodes[d]
		return pn, existingID(pn), nil
	}
	if o := r.lookupCurrent(to, ref.Value); o != nil {
		id, _ := o["id"].(string)
		return nil, id, nil
	}
	id, err := r.lookupKong(ctx, to, ref.Value)
	if err != nil {
		return nil, "", err
	}
	if id == "" {
		return nil, "", &Error{Path: e.Path + "." + ref.Field.Field,
			Msg: fmt.Sprintf("%s %q is neither declared in the state nor held by Kong", to.Name, ref.Value)}
	}
	return nil, id, nil
}

// existingID is the id of a declared entity Kong holds, "" for one to create.
func existingID(n *node) string {
	id, _ := n.current["id"].(string)
	return id
}

// declared is the entity of type t the state declares under that name or
// id.
func (r *run) declared(t *Type, value string) *Entity {
	for _, e := range r.st.Entities {
		if e.Type != t {
			continue
		}
		if e.ID != "" && strings.EqualFold(e.ID, value) {
			return e
		}
		for _, f := range t.Names {
			if s, _ := e.Fields[f].(string); s == value {
				return e
			}
		}
	}
	return nil
}

// lookupCurrent finds an entity of the read by id or name.
func (r *run) lookupCurrent(t *Type, value string) kong.Object {
	idx := r.index[t]
	if o := idx["id:"+strings.ToLower(value)]; o != nil {
		return o
	}
	for _, f := range t.Names {
		if o := idx[f+":"+value]; o != nil {
			return o
		}
	}
	return nil
}

// lookupKong asks Kong for an entity the read did not cover (outside the
// select tags), once per name.
func (r *run) lookupKong(ctx context.Context, t *Type, value string) (string, error) {
	key := t.Key + "|" + value
	r.lookupMu.Lock()
	defer r.lookupMu.Unlock()
	if id, ok := r.lookups[key]; ok {
		return id, nil
	}
	o, err := r.c.Get(ctx, kong.PathFor(t.List, value))
	if err != nil {
		return "", kong.ErrorFromKong(err, fmt.Sprintf("reading %s %q", t.Name, value))
	}
	id, _ := o["id"].(string)
	if r.lookups == nil {
		r.lookups = map[string]string{}
	}
	r.lookups[key] = id
	return id, nil
}

func sortedRefs(e *Entity) []string {
	keys := make([]string, 0, len(e.Refs))
	for k := range e.Refs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// parentField is the ref field of a type that puts it under its parent's
// path (credentials: consumer), "" for none.
func parentField(t *Type) string {
	for _, rf := range t.Refs {
		if rf.Parent {
			return rf.Field
		}
	}
	return ""
}

func parentOf(t *Type) *Type {
	for _, rf := range t.Refs {
		if rf.Parent {
			return rf.To
		}
	}
	return nil
}

func stringsToAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

func matchKey(t *Type, o kong.Object) string {
	id, _ := o["id"].(string)
	return t.Key + "|" + strings.ToLower(id)
}
