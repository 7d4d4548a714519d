package kong

import (
	"encoding/json"
	"sort"
)

// Op is what a plan does to one entity.
type Op string

const (
	OpNone   Op = "none"
	OpCreate Op = "create"
	OpUpdate Op = "update"
	OpDelete Op = "delete"
)

// Plan is the decision for one entity, computed without side effects: check
// mode is "plan, validate, don't apply".
type Plan struct {
	Op      Op
	Current Object   // what Kong holds; nil when the entity is absent
	Desired Object   // what the user set (normalized)
	Changes []Change // the fields that differ (every desired field on create)
	// Body is the request body: the desired fields on create, only the
	// changed fields on update (records partially, since Kong merges them).
	Body Object
	// After is what Kong is expected to hold once the plan is applied.
	After Object
}

// PlanPresent plans "this entity must exist with these fields".
func PlanPresent(desired, current Object, shape *Shape) *Plan {
	desired = dedupeSets(Normalize(desired), shape)
	if current == nil {
		p := &Plan{Op: OpCreate, Desired: desired, Body: DeepCopy(desired), After: DeepCopy(desired)}
		p.Changes, _ = Compare(desired, nil, shape)
		return p
	}
	changes, patch := Compare(desired, current, shape)
	p := &Plan{Op: OpNone, Current: current, Desired: desired, Changes: changes, After: current}
	if len(changes) > 0 {
		p.Op = OpUpdate
		p.Body = patch
		p.After = MergePatch(current, patch, shape)
	}
	return p
}

// PlanAbsent plans "this entity must not exist".
func PlanAbsent(current Object) *Plan {
	if current == nil {
		return &Plan{Op: OpNone}
	}
	return &Plan{Op: OpDelete, Current: current}
}

// renameChange reports the changes under field as one change of path
// (a pending ref's {"name": ...} stands for the id the real run sets).
func (p *Plan) renameChange(field string, path []string) {
	var out []Change
	merged := false
	for _, c := range p.Changes {
		if len(c.Path) > 0 && c.Path[0] == field {
			if !merged {
				out = append(out, Change{Path: path, Before: c.Before, After: c.After})
				merged = true
			}
			continue
		}
		out = append(out, c)
	}
	p.Changes = out
}

// ChangedFields lists the dotted paths of the plan's changes.
func (p *Plan) ChangedFields() []string {
	out := make([]string, len(p.Changes))
	for i, c := range p.Changes {
		out[i] = c.Field()
	}
	return out
}

// dedupeSets drops the repeated elements of the set-valued fields (first
// occurrence kept, order kept), as Kong does when it stores a set: what is
// sent, predicted and shown is then what Kong will hold. Fields compared as
// sets that Kong stores as arrays (route hosts and paths) lose nothing by
// it: a repeated host or path means nothing more.
func dedupeSets(o Object, shape *Shape) Object {
	if o == nil || shape == nil {
		return o
	}
	out := make(Object, len(o))
	for k, v := range o {
		out[k] = dedupeValue(v, shape.Field(k))
	}
	return out
}

func dedupeValue(v any, shape *Shape) any {
	if shape == nil {
		return v
	}
	switch t := v.(type) {
	case map[string]any:
		switch shape.Type {
		case Record:
			return dedupeSets(t, shape)
		case Map:
			out := make(map[string]any, len(t))
			for k, e := range t {
				out[k] = dedupeValue(e, shape.Values)
			}
			return out
		}
	case []any:
		if shape.Type != Set {
			return v
		}
		seen := map[string]bool{}
		out := make([]any, 0, len(t))
		for _, e := range t {
			b, _ := json.Marshal(e)
			if !seen[string(b)] {
				seen[string(b)] = true
				out = append(out, e)
			}
		}
		if shape.Sorted {
			sortLikeKong(out)
		}
		return out
	}
	return v
}

// sortLikeKong sorts a set the way Kong's table.sort does: strings by
// their bytes; anything else by its JSON text.
func sortLikeKong(items []any) {
	sort.SliceStable(items, func(i, j int) bool {
		a, aok := items[i].(string)
		b, bok := items[j].(string)
		if !aok || !bok {
			ja, _ := json.Marshal(items[i])
			jb, _ := json.Marshal(items[j])
			a, b = string(ja), string(jb)
		}
		return a < b
	})
}
