package kong

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"platform.ops/modules-src/internal/ansible"
)

// Request is one entity a task is about: make it exist with Desired
// (Conn.Ensure) or not exist (Conn.Remove). A module builds one from its
// options; kong_declarative builds one per entity of a state. Everything
// else — resolving references, reading, planning, check-mode validation and
// prediction, applying, the diff and the returned entity — is the engine's.
type Request struct {
	Kind   *Kind
	Select Selector
	// Parent, when set, puts the collection under another entity's path,
	// e.g. {"consumers", "<id>"}: reads and writes then go to Kong's nested
	// endpoints (/consumers/<id>/key-auth/...), the ones Kong documents for
	// credentials in every version, and Kind.Collection is the nested
	// segment ("key-auth"). A Ref with Parent set fills it.
	Parent []string
	// Refs are the other entities the task names by name or id (a route's
	// service, a plugin's scope, a credential's consumer). The engine
	// resolves them into Desired (and Parent) before anything else; one that
	// does not exist fails a real run and, in check mode, where an earlier
	// task may create it, is assumed to be created (see Ref).
	Refs []*Ref
	// Desired holds only the fields the user set, in Kong's JSON shape
	// (foreign keys as {"id": ...}). A nil value means "must be null".
	Desired Object
	// Strict also resets every field the user left out to its schema
	// default (read from GET /schemas/{collection}).
	Strict    bool
	CheckMode bool
	// Find reads the current entity (nil when absent), after the refs are
	// resolved. The default is GET /{collection}/{id or key}; plugins, found
	// by name and scope, and credentials, found within their consumer, set
	// their own.
	Find func(ctx context.Context, r *Request) (Object, error)
	// KeyFound: Find looks the entity up by its cache key (a plugin by name
	// and scope, an acl by its group within its consumer), so when it finds
	// none no other entity holds the key either, and check mode does not
	// ask again before a create (see checkCacheKey).
	KeyFound bool
	// CreateNeeds are fields Kong requires to create the entity that a task
	// may leave out when it only changes an existing one (a service's host,
	// a basic-auth password); CreateNeedsText names them for people
	// ("host (or url)"), default the fields joined.
	CreateNeeds     []string
	CreateNeedsText string
	// CreateOnly are fields sent only to create the entity: Kong hashes
	// them (a basic-auth password) or counts them down (a key's ttl), so
	// what it holds cannot be compared with what the task sets.
	CreateOnly []string
	// DiffChangedOnly: the diff of an update shows only the changed fields
	// (plugin configs are long); otherwise it shows every field the task
	// manages, changed or not.
	DiffChangedOnly bool
	// Guard, when set, sees the current entity (nil when absent) before
	// anything is planned, to refuse what this node would reject with a
	// clearer message than Kong's.
	Guard func(ctx context.Context, current Object) error
	// ExclusiveCreate creates with POST and fails on a 409 instead of
	// taking over what holds the name: kong_declarative with select_tags
	// manages only the entities carrying its tags, and one outside them
	// that holds a declared name belongs to something else.
	ExclusiveCreate bool
	// ResultKey is the key of the returned entity in the module's result
	// ("service"); empty returns none.
	ResultKey string
	// Members, when set, are entities nested under this one that the task
	// manages with it (an upstream's targets; see Members).
	Members *Members

	missing []*Ref // refs that do not exist (check mode, or state absent)
}

// Ref is a reference to another entity, as a task gives it: by name (or
// username) or by id.
type Ref struct {
	// Field is the Desired field that gets {"id": ...}.
	Field string
	// Parent: the request's collection lives under this entity
	// (Request.Parent is set to its path).
	Parent bool
	// Owns names, for a Parent, what lives under it ("credentials"), for
	// the message when it does not exist.
	Owns  string
	Kind  *Kind  // the entity referred to
	Value string // its name, username or id, as given
	// ID is the resolved id. A caller that knows it already (kong_declarative
	// from its bulk read) sets it, and nothing is asked of Kong.
	ID string
	// Pending marks an entity that does not exist yet but is created before
	// this request is applied: by an earlier task of the play (the engine's
	// assumption in check mode, with a warning) or earlier in the same task
	// (kong_declarative, which says so in PendingWhy and, in a real run,
	// resolves the ref again with its id once it is created).
	Pending    bool
	PendingWhy string
}

// placeholder is how a pending reference shows in predictions and diffs:
// by the name the task gives ({"name": "svc"}), since its id is not known.
func (ref *Ref) placeholder() Object {
	key := ref.Kind.KeyField
	if key == "" || uuidRE.MatchString(ref.Value) {
		key = "id"
	}
	return Object{key: ref.Value}
}

// notFound is a real run's failure on a ref that does not exist.
func (ref *Ref) notFound(r *Request) error {
	if ref.Parent {
		return fmt.Errorf("%s does not exist: create it first (%s), then its %s", ref.Describe(), ref.Kind.Module, ref.Owns)
	}
	return fmt.Errorf("%s of %s does not exist: create it first (%s) or fix the name", ref.Describe(), r.Kind.Describe(r.Select), ref.Kind.Module)
}

// assumedCreated is check mode's warning on a ref that does not exist.
func (ref *Ref) assumedCreated(r *Request) string {
	const assumed = "does not exist (check mode): assuming an earlier task creates it; otherwise this task fails in a real run"
	if ref.Parent {
		return fmt.Sprintf("%s %s (%s)", ref.Describe(), assumed, r.Kind.Describe(r.Select))
	}
	return fmt.Sprintf("%s of %s %s", ref.Describe(), r.Kind.Describe(r.Select), assumed)
}

// Describe names the referenced entity: `service "svc"`.
func (ref *Ref) Describe() string { return fmt.Sprintf("%s %q", ref.Kind.Name, ref.Value) }

// Outcome is what a reconcile did (or, in check mode, would do).
type Outcome struct {
	Op      Op
	Changed bool
	// Entity is what Kong holds after the task (predicted in check mode;
	// nil after a delete), secrets masked.
	Entity Object
	// Diff is Ansible's {"before": ..., "after": ...}, secrets masked.
	Diff map[string]any
	// Changes are the dotted paths of the fields that changed.
	Changes []string
	// Plan is the unmasked plan, for modules that need more.
	Plan *Plan

	resultKey string
	raw       Object          // Entity unmasked
	members   *membersOutcome // the request's Members, when it has some
}

// path is the Admin API path of the request's collection (under Parent),
// plus segments.
func (r *Request) path(segments ...string) string {
	all := append(append(append([]string{}, r.Parent...), r.Kind.Collection), segments...)
	return PathFor(all...)
}

// Missing lists the refs that do not exist (check mode assumes an earlier
// task creates them).
func (r *Request) Missing() []*Ref { return r.missing }

// missingParent: the entity's parent does not exist, so neither does the
// entity (and its path cannot be built).
func (r *Request) missingParent() bool {
	for _, ref := range r.missing {
		if ref.Parent {
			return true
		}
	}
	return false
}

// Read reads the entity the request is about, as Ensure does (its Find,
// or GET by id or key); nil when absent or when its parent is.
func (c *Conn) Read(ctx context.Context, r *Request) (Object, error) { return r.find(ctx, c) }

func (r *Request) find(ctx context.Context, c *Conn) (Object, error) {
	if r.missingParent() {
		return nil, nil
	}
	var obj Object
	var err error
	if r.Find != nil {
		obj, err = r.Find(ctx, r)
	} else {
		if r.Select.Ref() == "" {
			return nil, fmt.Errorf("%s: neither an id nor a %s to look it up by", r.Kind.Name, r.Kind.KeyField)
		}
		obj, err = c.Get(ctx, r.path(r.Select.Ref()))
		err = ErrorFromKong(err, "reading "+r.Kind.Describe(r.Select))
	}
	if err != nil {
		return nil, err
	}
	return r.Kind.clean(obj), nil
}

// Resolve turns each ref into an id (GET /{collection}/{name or id}) unless
// the caller resolved it, and writes it into Desired (and Parent). A ref
// that does not exist is missing: for state present a real run fails; check
// mode warns and goes on with the ref pending, shown by its name.
func (c *Conn) Resolve(ctx context.Context, r *Request, present bool) error {
	if r.Desired == nil {
		r.Desired = Object{}
	}
	if err := c.checkSince(ctx, r, present); err != nil {
		return err
	}
	r.missing = nil
	for _, ref := range r.Refs {
		if ref.ID == "" && !ref.Pending {
			obj, err := c.Get(ctx, PathFor(ref.Kind.Collection, ref.Value))
			if err != nil {
				return ErrorFromKong(err, fmt.Sprintf("reading %s of %s", ref.Describe(), r.Kind.Describe(r.Select)))
			}
			ref.ID, _ = obj["id"].(string)
		}
		if ref.ID != "" {
			if ref.Parent {
				r.Parent = []string{ref.Kind.Collection, ref.ID}
			}
			if ref.Field != "" {
				r.Desired[ref.Field] = Object{"id": ref.ID}
			}
			continue
		}
		r.missing = append(r.missing, ref)
		if !present {
			continue
		}
		switch {
		case ref.PendingWhy != "":
			// Created earlier in the same task: the caller resolves it
			// again, with its id, before applying.
		case !r.CheckMode:
			return ref.notFound(r)
		case !ref.Pending:
			ref.Pending = true
			c.warn(ref.assumedCreated(r))
		}
		if ref.Field != "" {
			r.Desired[ref.Field] = ref.placeholder()
		}
	}
	return nil
}

// Ensure makes the entity exist with the desired fields: it resolves the
// refs, reads the entity, plans (Prepare), and then either (check mode)
// validates and predicts the write (see Conn.Check) or applies it (see
// Conn.Apply). The outcome carries the plan, the entity Kong holds
// afterwards (predicted in check mode), the changed fields and the diff.
func (c *Conn) Ensure(ctx context.Context, r *Request) (*Outcome, error) {
	if err := c.Resolve(ctx, r, true); err != nil {
		return nil, err
	}
	current, err := r.find(ctx, c)
	if err != nil {
		return nil, err
	}
	plan, err := c.Prepare(ctx, r, current)
	var lacking *LacksToCreate
	if errors.As(err, &lacking) && r.CheckMode {
		// An earlier task of the play may create it: predict, don't fail.
		c.warn(fmt.Sprintf("%s does not exist (check mode): assuming an earlier task creates it; without %s this task fails in a real run",
			r.Kind.Describe(r.Select), lacking.Needs))
		if plan, err = c.Plan(ctx, r, nil); err != nil {
			return nil, err
		}
		return r.Outcome(plan, plan.After), nil
	}
	if err != nil {
		return nil, err
	}
	entity := plan.After
	if plan.Op != OpNone {
		if r.CheckMode {
			entity, err = c.Check(ctx, r, plan)
		} else {
			entity, plan, err = c.Apply(ctx, r, plan)
		}
		if err != nil {
			return nil, err
		}
	}
	out := r.Outcome(plan, entity)
	if r.Members != nil {
		members, err := c.ensureMembers(ctx, r, plan, entity)
		if err != nil {
			return nil, err
		}
		members.addTo(out)
	}
	return out, nil
}

// LacksToCreate is Prepare's error for an entity that does not exist when
// the request lacks what creating it takes (Request.CreateNeeds).
type LacksToCreate struct {
	What  string // `service "x"`
	Needs string // "host (or url)"
}

func (e *LacksToCreate) Error() string {
	return fmt.Sprintf("%s does not exist yet: %s is needed to create it", e.What, e.Needs)
}

// Prepare plans the request against the entity Kong holds (current, nil
// when absent; Ensure reads it, kong_declarative passes it from its bulk
// read): the request's Guard, create-only fields dropped from an update,
// what a create needs, and Plan. Refs must be resolved (Resolve).
func (c *Conn) Prepare(ctx context.Context, r *Request, current Object) (*Plan, error) {
	if r.Guard != nil {
		if err := r.Guard(ctx, current); err != nil {
			return nil, err
		}
	}
	if current == nil {
		if needs := r.lacksToCreate(); len(needs) > 0 {
			text := r.CreateNeedsText
			if text == "" {
				text = strings.Join(needs, ", ")
			}
			return nil, &LacksToCreate{What: r.Kind.Describe(r.Select), Needs: text}
		}
	} else {
		for _, f := range r.CreateOnly {
			delete(r.Desired, f)
		}
	}
	return c.Plan(ctx, r, current)
}

// lacksToCreate lists the CreateNeeds fields the task does not set.
func (r *Request) lacksToCreate() []string {
	var out []string
	for _, f := range r.CreateNeeds {
		if r.Desired[f] == nil {
			out = append(out, f)
		}
	}
	return out
}

// Plan decides what the request does to the entity Kong holds (current,
// nil when absent), without side effects.
func (c *Conn) Plan(ctx context.Context, r *Request, current Object) (*Plan, error) {
	desired := Normalize(r.Desired)
	if r.Strict && current != nil {
		// A create needs no defaults: Kong's insert fills them.
		var err error
		if desired, err = c.strictDesired(ctx, r, desired); err != nil {
			return nil, err
		}
	}
	plan := PlanPresent(desired, current, r.Kind.Shape)
	// A pending ref shows by name, but the real run sets its id: report
	// the change the real run reports.
	for _, ref := range r.missing {
		plan.renameChange(ref.Field, []string{ref.Field, "id"})
		if ref.Field != "" && plan.Op != OpNone {
			// Not merged into the current reference: it replaces it.
			plan.After[ref.Field] = ref.placeholder()
		}
	}
	return plan, nil
}

// strictDesired adds the schema default of every field the user left out
// (except the endpoint key: strict never renames).
func (c *Conn) strictDesired(ctx context.Context, r *Request, desired Object) (Object, error) {
	schema, err := r.Kind.EntitySchema(ctx, c)
	if err != nil {
		return nil, err
	}
	full := schema.Defaults()
	if r.Kind.KeyField != "" {
		delete(full, r.Kind.KeyField)
	}
	for _, f := range r.Kind.Computed {
		delete(full, f)
	}
	return overlay(Normalize(full), desired), nil
}

// overlay puts the user's values over the defaults, recursing into objects
// so a user's partial record keeps the defaults of its other keys.
func overlay(base, top Object) Object {
	out := DeepCopy(base)
	for k, tv := range top {
		if tm, ok := tv.(map[string]any); ok {
			if bm, ok := out[k].(map[string]any); ok {
				out[k] = overlay(bm, tm)
				continue
			}
		}
		out[k] = tv
	}
	return out
}

// Check is check mode's stand-in for Apply: it validates the would-be
// entity with POST /schemas/{entity}/validate and, since that checks the
// schema only, who holds the unique values the write sets and its cache key
// (see checkUnique and checkCacheKey), and returns the entity Kong would
// hold: the current one with the patch merged in, or for a create the
// schema's defaults under the create body, like Kong's answer to the write.
// A pending ref leaves its field out of the validation (its id is not known)
// and the cache key unchecked (nothing can hold a key with it yet).
func (c *Conn) Check(ctx context.Context, r *Request, plan *Plan) (Object, error) {
	would := c.wouldBe(r, plan)
	for _, ref := range r.missing {
		// Its id is not known yet, and Kong's validation checks the
		// entity's own fields, not that a foreign key exists: a stand-in
		// id lets the rest be validated (a credential's consumer and a
		// target's upstream are required).
		if ref.Field != "" {
			would[ref.Field] = Object{"id": pendingID}
		}
	}
	if err := c.dropTransient(ctx, r.Kind, would); err != nil {
		return nil, err
	}
	if err := c.Validate(ctx, r.Kind, would, r.Kind.Describe(r.Select)); err != nil {
		return nil, err
	}
	if !r.missingParent() {
		if err := c.checkUnique(ctx, r, plan); err != nil {
			return nil, err
		}
		if len(r.missing) == 0 {
			if err := c.checkCacheKey(ctx, r, plan); err != nil {
				return nil, err
			}
		}
	}
	if plan.Op != OpCreate {
		if !setsRecordOverNull(plan.Body, plan.Current) {
			return plan.After, nil
		}
		schema, err := r.Kind.EntitySchema(ctx, c)
		if err != nil {
			return nil, err
		}
		return schema.Root.Fill(plan.After), nil
	}
	return c.predictCreated(ctx, r, plan)
}

// setsRecordOverNull reports whether an update sets a record where Kong
// holds none (a key's pem): Kong then returns the record with the fields
// the update leaves out filled in (see FieldDef.Fill), which only the
// schema tells.
func setsRecordOverNull(patch, current Object) bool {
	for k, v := range patch {
		pm, ok := v.(map[string]any)
		if !ok {
			continue
		}
		cm, ok := current[k].(map[string]any)
		if !ok || setsRecordOverNull(pm, cm) {
			return true
		}
	}
	return false
}

// pendingID stands in, for check mode's validation, for the id of an
// entity not created yet (a pending Ref).
const pendingID = "00000000-0000-4000-8000-000000000000"

// wouldBe is the entity check mode validates: the create body, or the
// current entity with the patch merged in, without the fields Kong fills.
func (c *Conn) wouldBe(r *Request, plan *Plan) Object {
	var e Object
	if plan.Op == OpCreate {
		e = DeepCopy(plan.Body)
		if r.Kind.KeyField != "" && r.Select.Key != "" && e[r.Kind.KeyField] == nil {
			e[r.Kind.KeyField] = r.Select.Key
		}
	} else {
		e = DeepCopy(plan.After)
	}
	for f := range autoFields {
		delete(e, f)
	}
	return e
}

// predictCreated is what Kong would return after creating the entity: every
// field of the schema, with its default (or null) where the create body
// leaves it out, like Kong's insert fills it; the id when the task gives
// one. Fields Kong generates (an unset id, timestamps, auto fields such as a
// jwt secret) cannot be known and are left out.
func (c *Conn) predictCreated(ctx context.Context, r *Request, plan *Plan) (Object, error) {
	schema, err := r.Kind.EntitySchema(ctx, c)
	if err != nil {
		return nil, err
	}
	e := overlay(overlay(Normalize(schema.Defaults()), Normalize(r.Kind.InsertFills)), c.wouldBe(r, plan))
	e = schema.Root.Fill(e)
	if r.Select.ID != "" {
		e["id"] = r.Select.ID
	}
	return e, nil
}

// dropTransient leaves out of a validated entity the Kind's Transient
// fields this node's schema lacks.
func (c *Conn) dropTransient(ctx context.Context, k *Kind, would Object) error {
	for _, f := range k.Transient {
		if _, set := would[f]; !set {
			continue
		}
		schema, err := c.Schema(ctx, k.daoName())
		if err != nil {
			return err
		}
		if !schema.Has(f) {
			delete(would, f)
		}
	}
	return nil
}

// Validate asks Kong whether it would accept the entity
// (POST /schemas/{DAO or collection}/validate). A rejection fails with Kong's
// message and fields, like the real write would.
func (c *Conn) Validate(ctx context.Context, k *Kind, entity Object, what string) error {
	_, err := c.Send(ctx, http.MethodPost, PathFor("schemas", k.daoName(), "validate"), entity)
	if err != nil {
		return ErrorFromKong(err, "validating "+what+" (check mode)")
	}
	return nil
}

// doing names a plan's write in messages: `creating service "x"`,
// `updating service "x" (port, tags)`.
func (r *Request) doing(plan *Plan) string {
	what := r.Kind.Describe(r.Select)
	switch plan.Op {
	case OpUpdate:
		return fmt.Sprintf("updating %s (%s)", what, strings.Join(plan.ChangedFields(), ", "))
	case OpDelete:
		return "deleting " + what
	}
	return "creating " + what
}

// Apply writes the plan: create with PUT /{collection}/{id or key}
// (idempotent, so a retried or concurrent create cannot make a duplicate)
// or POST when there is no key, update with a PATCH of the changed fields
// only (on Konnect, a PUT of the whole entity where Konnect has no PATCH:
// KonnectUpdateMethod). A 409 on create means someone else created it meanwhile: the entity
// is read again (Find) and compared, and updated if it differs. It returns
// what Kong holds afterwards and the plan that was applied.
func (c *Conn) Apply(ctx context.Context, r *Request, plan *Plan) (Object, *Plan, error) {
	switch plan.Op {
	case OpCreate:
		method, path, body := http.MethodPost, r.path(), plan.Body
		if ref := r.Select.Ref(); ref != "" && !r.Kind.PostOnly && !r.ExclusiveCreate {
			method, path = http.MethodPut, r.path(ref)
		}
		if method == http.MethodPost {
			body = r.postBody(plan.Body)
		}
		created, err := c.Send(ctx, method, path, body)
		if IsTaken(err) && r.ExclusiveCreate {
			f := ErrorFromKong(err, r.doing(plan)).(*ansible.Failure)
			f.Msg += ": an entity outside select_tags holds it; rename the declared one, or give the existing one the tags to manage it here"
			return nil, nil, f
		}
		if IsConflict(err) {
			current, ferr := r.find(ctx, c)
			if ferr != nil || current == nil {
				return nil, nil, ErrorFromKong(err, r.doing(plan))
			}
			replan := PlanPresent(plan.Desired, current, r.Kind.Shape)
			if replan.Op == OpNone {
				return current, replan, nil
			}
			return c.Apply(ctx, r, replan)
		}
		if err != nil {
			return nil, nil, ErrorFromKong(err, r.doing(plan))
		}
		return r.Kind.clean(created), plan, nil
	case OpUpdate:
		id, _ := plan.Current["id"].(string)
		method, body := c.KonnectUpdateMethod(r.Kind.Collection), plan.Body
		if method == http.MethodPut {
			// A PUT replaces the entity: what the task leaves unchanged
			// must be in it too, or Konnect resets it to its default.
			body = c.wouldBe(r, plan)
		}
		updated, err := c.Send(ctx, method, r.path(id), body)
		if err != nil {
			return nil, nil, ErrorFromKong(err, r.doing(plan))
		}
		return r.Kind.clean(updated), plan, nil
	case OpDelete:
		id, _ := plan.Current["id"].(string)
		if id == "" {
			return nil, nil, fmt.Errorf("%s has no id", r.Kind.Name)
		}
		// Nested DELETEs answer 404 for an entity deleted meanwhile: gone
		// is what was asked.
		if _, err := c.Send(ctx, http.MethodDelete, r.path(id), nil); err != nil && !IsNotFound(err) {
			return nil, nil, ErrorFromKong(err, r.doing(plan))
		}
		return nil, plan, nil
	}
	return plan.After, plan, nil
}

// postBody is a create body for POST: the id and endpoint key the task
// selects the entity by, which a PUT would carry in its path, go in the
// body.
func (r *Request) postBody(body Object) Object {
	out := DeepCopy(body)
	if out == nil {
		out = Object{}
	}
	if r.Select.ID != "" && out["id"] == nil {
		out["id"] = r.Select.ID
	}
	if k := r.Kind.KeyField; k != "" && r.Select.Key != "" && out[k] == nil {
		out[k] = r.Select.Key
	}
	return out
}

// Remove makes the entity absent. Deleting is idempotent: an entity that is
// already gone (or whose parent or scope does not exist) is "ok". The delete
// goes to the entity's id, so a name that was reused meanwhile is never hit.
func (c *Conn) Remove(ctx context.Context, r *Request) (*Outcome, error) {
	if err := c.Resolve(ctx, r, false); err != nil {
		return nil, err
	}
	current, err := r.find(ctx, c)
	if err != nil {
		return nil, err
	}
	plan := PlanAbsent(current)
	if plan.Op == OpDelete && !r.CheckMode {
		if _, _, err := c.Apply(ctx, r, plan); err != nil {
			return nil, err
		}
	}
	return r.Outcome(plan, nil), nil
}

// Outcome is the result of a plan: the entity Kong holds afterwards (masked;
// a pending ref shows by name, see Ref), the changed fields and the diff.
func (r *Request) Outcome(plan *Plan, entity Object) *Outcome {
	shape := r.Kind.Shape
	out := &Outcome{
		Op:        plan.Op,
		Changed:   plan.Op != OpNone,
		Changes:   plan.ChangedFields(),
		Plan:      plan,
		resultKey: r.ResultKey,
	}
	if plan.Op == OpDelete {
		before := DeepCopy(plan.Current)
		for f := range autoFields {
			delete(before, f)
		}
		out.Diff = map[string]any{"before": MaskObject(before, shape), "after": Object{}}
		return out
	}
	if plan.Op == OpNone && plan.Current == nil { // absent, and nothing to delete
		out.Diff = map[string]any{"before": Object{}, "after": Object{}}
		return out
	}
	out.raw = entity
	out.Entity = MaskObject(entity, shape)
	out.Diff = r.diff(plan, entity)
	return out
}

// diff is Ansible's before/after: the fields the task manages (or, with
// DiffChangedOnly, on update only the changed ones), secrets masked. A
// create shows what the task sets, without the fields it leaves null.
func (r *Request) diff(plan *Plan, entity Object) map[string]any {
	shape := r.Kind.Shape
	managed := plan.Desired
	if r.DiffChangedOnly && plan.Op != OpCreate {
		managed = plan.Body // nil when nothing changes: an empty diff
	}
	before := Object{}
	if plan.Current != nil {
		before = Project(plan.Current, managed, shape)
	}
	after := Project(entity, managed, shape)
	// A pending ref's placeholder ({"name": ...}) is not a record to
	// project key by key: the field shows whole, before and after.
	for _, ref := range r.missing {
		if _, managed := managed[ref.Field]; ref.Field != "" && managed {
			if plan.Current != nil {
				before[ref.Field] = DeepCopy(plan.Current[ref.Field])
			}
			after[ref.Field] = DeepCopy(entity[ref.Field])
		}
	}
	if plan.Op == OpCreate && r.DiffChangedOnly {
		for k, v := range managed {
			if v == nil {
				delete(after, k)
			}
		}
	}
	return map[string]any{"before": MaskObject(before, shape), "after": MaskObject(after, shape)}
}
