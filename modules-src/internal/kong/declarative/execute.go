package declarative

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"platform.ops/modules-src/internal/kong"
)

// planDeletes plans the delete of every managed entity (every one read:
// with select_tags only those carrying them) that the state does not
// declare.
func (r *run) planDeletes() {
	wanted := r.wantedNames()
	for _, t := range All {
		for _, o := range r.current[t] {
			if r.matched[matchKey(t, o)] {
				continue
			}
			req := &kong.Request{Kind: r.kindOf(t, o), CheckMode: r.opt.CheckMode, DiffChangedOnly: true}
			req.Select.ID, _ = o["id"].(string)
			if pf := parentField(t); pf != "" {
				if id, _ := asMap(o[pf])["id"].(string); id != "" {
					req.Parent = []string{parentOf(t).List, id}
				}
			}
			s := &step{t: t, req: req, current: o, plan: kong.PlanAbsent(o)}
			for _, k := range namedKeys(t, o) {
				if wanted[t.Key+"/"+k] {
					s.early = true
				}
			}
			r.steps = append(r.steps, s)
		}
	}
}

// wantedNames are the names creates and updates give: a delete that frees
// one of them runs before them (a name moved from an undeclared entity to
// a declared one).
func (r *run) wantedNames() map[string]bool {
	out := map[string]bool{}
	for _, s := range r.steps {
		if s.plan.Op != kong.OpCreate && s.plan.Op != kong.OpUpdate {
			continue
		}
		for _, k := range namedKeys(s.t, s.plan.Desired) {
			out[s.t.Key+"/"+k] = true
		}
	}
	return out
}

// phases orders the writes (see order.go): deletes that free a name, from
// the top level down; then per level from 0 up, updates (a rename frees a
// name a create of the level may take) and creates; then the other
// deletes, from the top level down (children before their parents, and
// after updates that move a child away from a parent being deleted).
func (r *run) phases() [][]*step {
	var out [][]*step
	pick := func(op kong.Op, level int, early bool) {
		var batch []*step
		for _, s := range r.steps {
			if s.plan.Op == op && s.t.Level == level && s.early == early {
				batch = append(batch, s)
			}
		}
		if len(batch) > 0 {
			out = append(out, batch)
		}
	}
	n := levels()
	for l := n - 1; l >= 0; l-- {
		pick(kong.OpDelete, l, true)
	}
	for l := 0; l < n; l++ {
		pick(kong.OpUpdate, l, false)
		pick(kong.OpCreate, l, false)
	}
	for l := n - 1; l >= 0; l-- {
		pick(kong.OpDelete, l, false)
	}
	return out
}

// execute applies the plan (or, in check mode, validates and predicts each
// write). It stops scheduling writes at the first failure; the writes
// already sent finish, and the report tells what was written and what was
// not. A rerun finishes the job: every write is planned against what Kong
// holds then.
func (r *run) execute(ctx context.Context) error {
	if r.opt.CheckMode {
		return r.checkAll(ctx)
	}
	var stop atomic.Bool
	var first error
	var once sync.Once
	for _, batch := range r.phases() {
		if stop.Load() {
			break
		}
		jobs := make([]func() error, len(batch))
		for i, s := range batch {
			jobs[i] = func() error {
				if stop.Load() {
					return nil
				}
				if err := r.apply(ctx, s); err != nil {
					s.err = err
					stop.Store(true)
					once.Do(func() { first = err })
				}
				return nil
			}
		}
		_ = runAll(r.opt.Parallelism, jobs)
	}
	for _, s := range r.steps {
		if s.plan.Op == kong.OpNone {
			s.entity, s.done = s.plan.After, true
		}
	}
	return first
}

// apply writes one step. Its pending refs (parents created earlier in the
// run) get their ids first, and the step is planned again with them. A
// write whose outcome is unknown (the connection broke after the request
// was sent) is never repeated blindly: the entity is read again and
// compared, and only an entity that is now as planned counts as written.
func (r *run) apply(ctx context.Context, s *step) error {
	if s.node != nil && len(s.node.refs) > 0 {
		for field, kr := range s.node.refs {
			target := s.node.e.Refs[field]
			id := r.nodeOf(target).id()
			if id == "" {
				return fmt.Errorf("%s: %s %q was not created", s.where(), kr.Kind.Name, kr.Value)
			}
			kr.ID, kr.Pending, kr.PendingWhy = id, false, ""
		}
		if err := r.c.Resolve(ctx, s.req, true); err != nil {
			return fmt.Errorf("%s: %w", s.where(), err)
		}
		plan, err := r.c.Prepare(ctx, s.req, s.current)
		if err != nil {
			return fmt.Errorf("%s: %w", s.where(), err)
		}
		s.plan = plan
		if plan.Op == kong.OpNone {
			s.entity, s.done = plan.After, true
			return nil
		}
	}
	entity, plan, err := r.c.Apply(ctx, s.req, s.plan)
	var connErr *kong.ConnError
	if err != nil && errors.As(err, &connErr) {
		entity, plan, err = r.reread(ctx, s, err)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", s.where(), err)
	}
	s.plan = plan
	s.entity, s.done = entity, true
	return nil
}

// reread settles a write whose outcome is unknown by reading the entity
// again: written when Kong now holds what was planned (gone, for a
// delete).
func (r *run) reread(ctx context.Context, s *step, writeErr error) (kong.Object, *kong.Plan, error) {
	cur, err := r.c.Read(ctx, s.req)
	if err != nil {
		return nil, nil, fmt.Errorf("%v; reading it again to learn the outcome failed too: %w", writeErr, err)
	}
	if s.plan.Op == kong.OpDelete {
		if cur == nil {
			return nil, s.plan, nil
		}
		return nil, nil, fmt.Errorf("%v; read again, it is still there: not written", writeErr)
	}
	if cur != nil {
		if again, err := r.c.Prepare(ctx, s.req, cur); err == nil && again.Op == kong.OpNone {
			return cur, s.plan, nil
		}
	}
	return nil, nil, fmt.Errorf("%v; read again, Kong does not hold what was planned: not written", writeErr)
}

// checkAll is check mode: every create and update is validated by Kong and
// predicted (kong.Conn.Check), all at once since nothing is written; with
// select_tags a create also asks whether an entity outside the tags holds
// its name, which fails the real run.
func (r *run) checkAll(ctx context.Context) error {
	var jobs []func() error
	for _, s := range r.steps {
		jobs = append(jobs, func() error {
			switch s.plan.Op {
			case kong.OpNone, kong.OpDelete:
				s.entity = s.plan.After
			default:
				if s.plan.Op == kong.OpCreate && s.req.ExclusiveCreate {
					if err := r.checkOutside(ctx, s); err != nil {
						s.err = err
						return err
					}
				}
				entity, err := r.c.Check(ctx, s.req, s.plan)
				if err != nil {
					s.err = fmt.Errorf("%s: %w", s.where(), err)
					return s.err
				}
				s.entity = entity
			}
			s.done, s.checkOnly = true, true
			return nil
		})
	}
	return runAll(r.opt.Parallelism, jobs)
}

// checkOutside: with select_tags, an entity outside the tags that holds the
// name of one to create makes the real run fail (ExclusiveCreate).
func (r *run) checkOutside(ctx context.Context, s *step) error {
	key := s.req.Select.Key
	if key == "" || s.t.List == "" {
		return nil
	}
	held, err := r.c.Get(ctx, kong.PathFor(s.t.List, key))
	if err != nil {
		return fmt.Errorf("%s: %w", s.where(), kong.ErrorFromKong(err, fmt.Sprintf("looking up %s %q (check mode)", s.t.Name, key)))
	}
	if held != nil {
		return fmt.Errorf("%s: creating %s %q would fail: Kong answers HTTP 409, an entity outside select_tags (%s) holds it; rename the declared one, or give the existing one the tags to manage it here",
			s.where(), s.t.Name, key, strings.Join(r.opt.SelectTags, ", "))
	}
	return nil
}

// nodeOf is the node a ref targets: its nested parent, or the entity the
// state declares under its value.
func (r *run) nodeOf(ref *Ref) *node {
	if ref.Parent != nil {
		return r.nodes[ref.Parent]
	}
	return r.nodes[r.declared(ref.Field.To, ref.Value)]
}
