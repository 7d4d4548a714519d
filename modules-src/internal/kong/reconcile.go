package kong

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"sort"

	"platform.ops/modules-src/internal/ansible"
)

// Kind describes one Kong entity type to the engine. Entity files (service.go,
// ...) each declare one.
type Kind struct {
	Name       string // singular, for messages and result keys: "service"
	Collection string // URL segment and schema name: "services"
	// KeyField is the entity's endpoint key ("name" for services and routes,
	// "username" for consumers, "instance_name" for plugins on 3.2+); it is
	// also never reset by strict mode.
	KeyField string
	// Shape says how fields compare. Fields it does not list compare
	// generically (see Shape); it may be nil.
	Shape *Shape
	// Schema is the path under /schemas whose defaults strict mode uses;
	// empty means Collection. A plugin sets "plugins/<name>".
	Schema string
	// DAO is Kong's entity name under /schemas when it differs from the URL
	// collection: credentials live at /key-auths, /basic-auths, ... but
	// their schemas are keyauth_credentials, basicauth_credentials, ...
	// (POST /schemas/{DAO}/validate). Empty means Collection.
	DAO string
	// TopLevel is the collection where one entity is read by id or by its
	// endpoint key when Collection is a nested segment (credentials:
	// "key-auths" for "key-auth"). Empty means Collection.
	TopLevel string
	// Filters are the unique fields Kong can filter the collection by
	// (GET /consumers?custom_id=X). With KeyField they are how check mode
	// finds who holds a unique value (see checkUnique).
	Filters []string
	// Private are unique fields whose values never go in a URL (a key-auth
	// key), nor are looked up: check mode warns that it cannot tell who
	// holds them. A Secret field of Shape is private too.
	Private []string
	// CacheKey lists the fields Kong keeps unique together, the DAO's
	// cache_key, which GET /schemas does not show: one plugin per name and
	// scope, one acl group per consumer. Fields the node's entity schema
	// lacks (consumer_group outside Kong Enterprise) are not part of it.
	// Check mode looks for another holder of the would-be key (see
	// checkCacheKey).
	CacheKey []string
	// CacheKeyParents are the foreign fields of CacheKey, most specific
	// first, with the collection each refers to: the entities that may
	// share a key are listed under the first one the key sets
	// (GET /routes/{id}/plugins, GET /consumers/{id}/acls), or at the top
	// level (GET /plugins) when it sets none.
	CacheKeyParents []KeyParent
}

// KeyParent is a foreign field of a cache key and the collection of the
// entity it refers to.
type KeyParent struct{ Field, Collection string }

func (k *Kind) topLevel() string {
	if k.TopLevel != "" {
		return k.TopLevel
	}
	return k.Collection
}

func (k *Kind) schemaPath() string {
	if k.Schema != "" {
		return k.Schema
	}
	return k.daoName()
}

func (k *Kind) daoName() string {
	if k.DAO != "" {
		return k.DAO
	}
	return k.Collection
}

// Selector names the entity a task is about: by id, by endpoint key, or both
// (then the id wins and a different key value is a rename). Without an id,
// a Request's Find looks the entity up by Key first: check mode relies on
// it (nobody else can hold Key) and asks Kong no more about that value.
type Selector struct {
	ID  string
	Key string
}

// Ref is the path segment that addresses the entity.
func (s Selector) Ref() string {
	if s.ID != "" {
		return s.ID
	}
	return s.Key
}

// Describe names the entity in messages: `service "example"`.
func (k *Kind) Describe(sel Selector) string {
	if sel.Key != "" {
		return fmt.Sprintf("%s %q", k.Name, sel.Key)
	}
	if sel.ID != "" {
		return fmt.Sprintf("%s with id %s", k.Name, sel.ID)
	}
	return k.Name
}

// Request is one reconcile: make the entity exist with Desired (Ensure) or
// not exist (Remove).
type Request struct {
	Kind   *Kind
	Select Selector
	// Parent, when set, puts the collection under another entity's path,
	// e.g. {"consumers", "<id>"}: reads and writes then go to Kong's nested
	// endpoints (/consumers/<id>/key-auth/...), the ones Kong documents for
	// credentials in every version, and Kind.Collection is the nested
	// segment ("key-auth"). Kind.DAO names the schema for validation.
	Parent []string
	// Desired holds only the fields the user set, in Kong's JSON shape
	// (foreign keys as {"id": ...}). A nil value means "must be null".
	Desired Object
	// Strict also resets every field the user left out to its schema
	// default (read from GET /schemas/{collection}).
	Strict    bool
	CheckMode bool
	// Find reads the current entity (nil when absent). The default is
	// GET /{collection}/{id or key}; plugins, found by name and scope, set
	// their own.
	Find func(ctx context.Context) (Object, error)
	// KeyFound: Find looks the entity up by its cache key (a plugin by name
	// and scope, an acl by its group within its consumer), so when it finds
	// none no other entity holds the key either, and check mode does not
	// ask again before a create (see checkCacheKey).
	KeyFound bool
}

// Outcome is what a reconcile did (or, in check mode, would do).
type Outcome struct {
	Op      Op
	Changed bool
	// Entity is what Kong holds after the task (predicted in check mode;
	// nil after a delete), secrets masked.
	Entity Object
	// Diff is Ansible's {"before": ..., "after": ...} over the managed
	// fields, secrets masked.
	Diff map[string]any
	// Changes are the dotted paths of the fields that changed.
	Changes []string
	// Plan is the unmasked plan, for modules that need more.
	Plan *Plan
}

// Result is the part of a module's result every Kong module shares:
// changed, operation, the sorted changed fields (never null), and the
// diff when Ansible asked for one. Modules add their entity under its key.
func (o *Outcome) Result(withDiff bool) ansible.Result {
	changes := ansible.NonNilStrings(o.Changes)
	sort.Strings(changes)
	res := ansible.Result{
		"changed":   o.Changed,
		"operation": string(o.Op),
		"changes":   ansible.FieldNames(changes),
	}
	if withDiff {
		res["diff"] = o.Diff
	}
	return res
}

// ReuseFirstRead answers a Request's first Find with a read the module has
// already made (to decide what to ask for), and reads again afterwards:
// after a 409 the entity changed under the task, so the engine re-reads.
func ReuseFirstRead(first Object, again func(context.Context) (Object, error)) func(context.Context) (Object, error) {
	used := false
	return func(ctx context.Context) (Object, error) {
		if !used {
			used = true
			return first, nil
		}
		return again(ctx)
	}
}

// path is the Admin API path of the request's collection (under Parent),
// plus segments.
func (r *Request) path(segments ...string) string {
	all := append(append(append([]string{}, r.Parent...), r.Kind.Collection), segments...)
	return PathFor(all...)
}

func (r *Request) find(ctx context.Context, c *Conn) (Object, error) {
	if r.Find != nil {
		return r.Find(ctx)
	}
	if r.Select.Ref() == "" {
		return nil, fmt.Errorf("%s: neither an id nor a %s to look it up by", r.Kind.Name, r.Kind.KeyField)
	}
	obj, err := c.Get(ctx, r.path(r.Select.Ref()))
	if err != nil {
		return nil, ErrorFromKong(err, "reading "+r.Kind.Describe(r.Select))
	}
	return obj, nil
}

// Ensure makes the entity exist with the desired fields. It reads the
// entity, plans, and then either validates the would-be entity with
// POST /schemas/{collection}/validate and, since that checks the schema
// only, who holds the unique values the write sets and its cache key
// (check mode; see checkUnique and checkCacheKey), or applies the plan:
// create with PUT /{collection}/{id or key} (idempotent, so a retried or
// concurrent create cannot make a duplicate) or POST when there is no key,
// update with a PATCH of the changed fields only. A 409 on create means
// someone else created it meanwhile: the entity is read again and compared.
// In check mode the returned entity is the prediction: the current one
// with the patch merged in, or for a create the schema's defaults under the
// create body (one GET /schemas/{entity}), like Kong's answer to the write.
func (c *Conn) Ensure(ctx context.Context, r *Request) (*Outcome, error) {
	current, err := r.find(ctx, c)
	if err != nil {
		return nil, err
	}
	desired, err := c.desiredFor(ctx, r)
	if err != nil {
		return nil, err
	}
	plan := PlanPresent(desired, current, r.Kind.Shape)
	entity := plan.After
	if plan.Op != OpNone {
		if r.CheckMode {
			if err := c.Validate(ctx, r.Kind, c.wouldBe(r, plan), r.Kind.Describe(r.Select)); err != nil {
				return nil, err
			}
			if err := c.checkUnique(ctx, r, plan); err != nil {
				return nil, err
			}
			if err := c.checkCacheKey(ctx, r, plan); err != nil {
				return nil, err
			}
			if plan.Op == OpCreate {
				if entity, err = c.predictCreated(ctx, r, plan); err != nil {
					return nil, err
				}
			}
		} else {
			entity, plan, err = c.apply(ctx, r, plan)
			if err != nil {
				return nil, err
			}
		}
	}
	out := &Outcome{
		Op:      plan.Op,
		Changed: plan.Op != OpNone,
		Entity:  MaskObject(entity, r.Kind.Shape),
		Changes: plan.ChangedFields(),
		Plan:    plan,
	}
	before := Object{}
	if plan.Current != nil {
		before = Project(plan.Current, plan.Desired, r.Kind.Shape)
	}
	out.Diff = map[string]any{
		"before": MaskObject(before, r.Kind.Shape),
		"after":  MaskObject(Project(entity, plan.Desired, r.Kind.Shape), r.Kind.Shape),
	}
	return out, nil
}

// desiredFor adds, in strict mode, the schema default of every field the
// user left out (except the endpoint key: strict never renames).
func (c *Conn) desiredFor(ctx context.Context, r *Request) (Object, error) {
	desired := Normalize(r.Desired)
	if !r.Strict {
		return desired, nil
	}
	schema, err := c.Schema(ctx, r.Kind.schemaPath())
	if err != nil {
		return nil, err
	}
	full := SchemaDefaults(schema)
	if r.Kind.KeyField != "" {
		delete(full, r.Kind.KeyField)
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

// wouldBe is the entity check mode validates: the create body, or the
// current entity with the patch merged in, without the fields Kong fills.
func (c *Conn) wouldBe(r *Request, plan *Plan) Object {
	var e Object
	if plan.Op == OpCreate {
		e = maps.Clone(plan.Body)
		if r.Kind.KeyField != "" && r.Select.Key != "" && e[r.Kind.KeyField] == nil {
			e[r.Kind.KeyField] = r.Select.Key
		}
	} else {
		e = maps.Clone(plan.After)
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
	schema, err := c.Schema(ctx, r.Kind.schemaPath())
	if err != nil {
		return nil, err
	}
	e := overlay(Normalize(SchemaDefaults(schema)), c.wouldBe(r, plan))
	if r.Select.ID != "" {
		e["id"] = r.Select.ID
	}
	return e, nil
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
	if plan.Op == OpUpdate {
		return fmt.Sprintf("updating %s (%s)", what, joinFields(plan.ChangedFields()))
	}
	return "creating " + what
}

func (c *Conn) apply(ctx context.Context, r *Request, plan *Plan) (Object, *Plan, error) {
	switch plan.Op {
	case OpCreate:
		method, path := http.MethodPost, r.path()
		if ref := r.Select.Ref(); ref != "" {
			method, path = http.MethodPut, r.path(ref)
		}
		created, err := c.Send(ctx, method, path, plan.Body)
		if IsConflict(err) {
			// Created by someone else between our read and our write:
			// compare with what is there now and update if needed.
			current, ferr := r.find(ctx, c)
			if ferr != nil || current == nil {
				return nil, nil, ErrorFromKong(err, r.doing(plan))
			}
			replan := PlanPresent(plan.Desired, current, r.Kind.Shape)
			if replan.Op == OpNone {
				return current, replan, nil
			}
			return c.apply(ctx, r, replan)
		}
		if err != nil {
			return nil, nil, ErrorFromKong(err, r.doing(plan))
		}
		return created, plan, nil
	case OpUpdate:
		id, _ := plan.Current["id"].(string)
		updated, err := c.Send(ctx, http.MethodPatch, r.path(id), plan.Body)
		if err != nil {
			return nil, nil, ErrorFromKong(err, r.doing(plan))
		}
		return updated, plan, nil
	}
	return plan.After, plan, nil
}

// Remove makes the entity absent. Deleting is idempotent: an entity that is
// already gone is "ok". The delete goes to the entity's id, so a name that
// was reused meanwhile is never hit.
func (c *Conn) Remove(ctx context.Context, r *Request) (*Outcome, error) {
	current, err := r.find(ctx, c)
	if err != nil {
		return nil, err
	}
	plan := PlanAbsent(current)
	out := &Outcome{Op: plan.Op, Changed: plan.Op == OpDelete, Plan: plan, Diff: map[string]any{"before": Object{}, "after": Object{}}}
	if plan.Op == OpNone {
		return out, nil
	}
	before := maps.Clone(current)
	for f := range autoFields {
		delete(before, f)
	}
	out.Diff["before"] = MaskObject(before, r.Kind.Shape)
	if !r.CheckMode {
		id, _ := current["id"].(string)
		if id == "" {
			return nil, fmt.Errorf("%s has no id", r.Kind.Name)
		}
		// Nested DELETEs answer 404 for an entity deleted meanwhile: gone
		// is what was asked.
		if _, err := c.Send(ctx, http.MethodDelete, r.path(id), nil); err != nil && !IsNotFound(err) {
			return nil, ErrorFromKong(err, "deleting "+r.Kind.Describe(r.Select))
		}
	}
	return out, nil
}

// DeleteByID deletes one entity as read from Kong.
func (c *Conn) DeleteByID(ctx context.Context, k *Kind, entity Object) error {
	id, _ := entity["id"].(string)
	if id == "" {
		return fmt.Errorf("%s has no id", k.Name)
	}
	_, err := c.Send(ctx, http.MethodDelete, PathFor(k.Collection, id), nil)
	return err
}

func joinFields(fields []string) string {
	if len(fields) == 0 {
		return ""
	}
	s := fields[0]
	for _, f := range fields[1:] {
		s += ", " + f
	}
	return s
}
