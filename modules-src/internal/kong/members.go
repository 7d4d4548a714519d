package kong

import (
	"context"
	"fmt"
	"sort"
)

// Members are entities nested under the request's entity and managed with
// it in one task: an upstream's targets. Each member the task lists is
// reconciled like any entity (its own Request under the owner: found by
// its key, created, updated with what differs, or left alone), and with
// Exclusive the owner's other members are deleted. The owner's result
// gains the members Kong holds afterwards, its changes the Field when any
// member changed, and its diff the listed (and deleted) members.
type Members struct {
	// Field names the members in the result, the changes and the diff
	// ("targets").
	Field string
	// Kind is the member entity: its Collection is the segment under the
	// owner (/upstreams/{id}/targets), its KeyField identifies a member
	// among the owner's.
	Kind *Kind
	// Owner is the member's field that refers to its owner ("upstream").
	Owner string
	// Desired are the members the task lists, each with its KeyField set
	// (and no two with the same value).
	Desired []Object
	// Exclusive: the owner's members that Desired does not list are
	// deleted.
	Exclusive bool
}

// membersOutcome is what the members part of a task did.
type membersOutcome struct {
	field         string
	changed       bool
	entities      []Object // the members Kong holds afterwards, masked
	before, after []any    // the diff's listed and deleted members, masked
}

// ensureMembers reconciles the request's Members once the owner is
// reconciled (owner is the entity Kong holds, or in check mode would
// hold). In check mode an owner still to be created has no members yet,
// and its members are predicted as creates under it, shown by its key.
func (c *Conn) ensureMembers(ctx context.Context, r *Request, plan *Plan, owner Object) (*membersOutcome, error) {
	m := r.Members
	ownerID, _ := owner["id"].(string)
	pending := r.CheckMode && plan.Op == OpCreate
	collection := PathFor(r.Kind.Collection, ownerID, m.Kind.Collection)
	var current []Object
	if !pending {
		var err error
		if current, err = c.List(ctx, collection); err != nil {
			return nil, ErrorFromKong(err, fmt.Sprintf("listing the %s of %s", m.Field, r.Kind.Describe(r.Select)))
		}
	}
	byKey := map[string]Object{}
	for _, cur := range current {
		byKey[keyOf(cur, m.Kind)] = r.Kind.clean(cur)
	}
	out := &membersOutcome{field: m.Field, before: []any{}, after: []any{}}
	after := map[string]Object{}
	for k, cur := range byKey {
		after[k] = cur
	}
	ownerRef := func() *Ref {
		ref := &Ref{Field: m.Owner, Parent: true, Owns: m.Field, Kind: r.Kind, Value: r.Select.Ref(), ID: ownerID}
		if pending {
			ref.ID, ref.Pending = "", true
			ref.PendingWhy = fmt.Sprintf("%s is created by this task", r.Kind.Describe(r.Select))
		}
		return ref
	}
	listed := map[string]bool{}
	for _, d := range m.Desired {
		key := keyOf(d, m.Kind)
		listed[key] = true
		managed := Normalize(DeepCopy(d))
		req := &Request{
			Kind:      m.Kind,
			Select:    Selector{Key: key},
			Refs:      []*Ref{ownerRef()},
			Desired:   DeepCopy(d),
			CheckMode: r.CheckMode,
			KeyFound:  true, // looked up by its key within its owner: its cache key
			Find:      ReuseFirstRead(byKey[key], c.readMember),
		}
		mo, err := c.Ensure(ctx, req)
		if err != nil {
			return nil, err
		}
		out.changed = out.changed || mo.Changed
		if mo.Plan.Current != nil {
			out.before = append(out.before, Project(mo.Plan.Current, managed, m.Kind.Shape))
		}
		entity := mo.raw
		out.after = append(out.after, Project(entity, managed, m.Kind.Shape))
		after[key] = entity
	}
	if m.Exclusive {
		for _, key := range sortedKeys(anyMap(byKey)) {
			if listed[key] {
				continue
			}
			cur := byKey[key]
			id, _ := cur["id"].(string)
			req := &Request{
				Kind:      m.Kind,
				Select:    Selector{ID: id, Key: key},
				Refs:      []*Ref{ownerRef()},
				CheckMode: r.CheckMode,
				Find:      ReuseFirstRead(cur, c.readMember),
			}
			if _, err := c.Remove(ctx, req); err != nil {
				return nil, err
			}
			out.changed = true
			before := DeepCopy(cur)
			for f := range autoFields {
				delete(before, f)
			}
			delete(before, m.Owner)
			out.before = append(out.before, before)
			delete(after, key)
		}
	}
	for _, key := range sortedKeys(anyMap(after)) {
		out.entities = append(out.entities, MaskObject(after[key], m.Kind.Shape))
	}
	sortByKey(out.before, m.Kind)
	sortByKey(out.after, m.Kind)
	for i := range out.before {
		out.before[i] = MaskObject(out.before[i].(Object), m.Kind.Shape)
	}
	for i := range out.after {
		out.after[i] = MaskObject(out.after[i].(Object), m.Kind.Shape)
	}
	return out, nil
}

// readMember reads a member again by its key under its owner (after a 409
// on create, someone else created it meanwhile).
func (c *Conn) readMember(ctx context.Context, r *Request) (Object, error) {
	obj, err := c.Get(ctx, r.path(r.Select.Ref()))
	return obj, ErrorFromKong(err, "reading "+r.Kind.Describe(r.Select))
}

func keyOf(o Object, k *Kind) string { s, _ := o[k.KeyField].(string); return s }

func anyMap(m map[string]Object) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func sortByKey(list []any, k *Kind) {
	sort.SliceStable(list, func(i, j int) bool {
		return keyOf(list[i].(Object), k) < keyOf(list[j].(Object), k)
	})
}

// addTo puts the members into the owner's outcome: its changes, its diff
// and (see Outcome.Result) its result.
func (mo *membersOutcome) addTo(out *Outcome) {
	out.members = mo
	if mo.changed {
		out.Changed = true
		out.Changes = append(out.Changes, mo.field)
		if out.Op == OpNone {
			out.Op = OpUpdate
		}
	}
	if out.Diff != nil {
		for side, list := range map[string][]any{"before": mo.before, "after": mo.after} {
			if side == "before" && out.Op == OpCreate {
				continue // a created owner had nothing before
			}
			if d, ok := out.Diff[side].(Object); ok {
				d[mo.field] = list
			}
		}
	}
}
