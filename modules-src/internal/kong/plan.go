package kong

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
	desired = Normalize(desired)
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

// ChangedFields lists the dotted paths of the plan's changes.
func (p *Plan) ChangedFields() []string {
	out := make([]string, len(p.Changes))
	for i, c := range p.Changes {
		out[i] = c.Field()
	}
	return out
}
