package kong

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"platform.ops/modules-src/internal/ansible"
)

// Kind describes one Kong entity type to the engine. Entity files (service.go,
// ...) each declare one.
type Kind struct {
	Name       string // singular, for messages and result keys: "service"
	Collection string // URL segment and schema name: "services"
	// Module is the module that manages it, for "create it first" messages.
	Module string
	// KeyField is the entity's endpoint key ("name" for services and routes,
	// "username" for consumers, "instance_name" for plugins on 3.2+); it is
	// also never reset by strict mode.
	KeyField string
	// Shape says how fields compare. Fields it does not list compare
	// generically (see Shape); it may be nil.
	Shape *Shape
	// Schema is the path under /schemas whose defaults strict mode and
	// check-mode predictions use; empty means DAO (or Collection).
	Schema string
	// LoadSchema, when set, gives the entity's schema instead of
	// GET /schemas/{Schema}: a plugin's is the node's plugin entity with
	// that plugin's config (PluginSchema.EntitySchema).
	LoadSchema func(ctx context.Context, c *Conn) (*Schema, error)
	// Clean, when set, rewrites every entity read from or returned by Kong
	// before it is compared or shown (a plugin drops the deprecated
	// shorthand fields Kong 3.8+ echoes: PluginSchema.StripShorthands).
	Clean func(Object) Object
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
	// Computed are fields Kong derives from others on every write (a CA
	// certificate's cert_digest): strict mode never resets them to their
	// default.
	Computed []string
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
	// Listed are unique fields Kong can neither look up by path nor filter
	// a list by (a CA certificate's cert_digest): check mode lists the
	// collection to find who holds a value (see holderOf).
	Listed []string
	// PostOnly: Kong creates this entity only with POST. PUT on an
	// upstream's target (by id or by host:port) updates an existing target
	// and answers 404 for a missing one (kong/api/routes/upstreams.lua,
	// 2.8 and 3.x), so a create POSTs the body with the key and any id in
	// it; a concurrent create of the same key gets 409 and is read again
	// like any other.
	PostOnly bool
	// InsertFills are values Kong's DAO gives a created entity that its
	// schema does not say: a certificate's snis, [] when none are given
	// (kong/db/dao/certificates.lua). Check mode's prediction of a create
	// has them under the create body.
	InsertFills Object
	// Transient are fields the Admin API takes besides the entity's own
	// schema fields: a certificate's snis, which Kong 2.8's certificate
	// schema lacks and its DAO handles. Check mode leaves them out of
	// POST /schemas/{entity}/validate when the node's schema lacks them,
	// since Kong would refuse them there as unknown fields.
	Transient []string
	// Since is the Kong version that added the entity ("3.1" for keys):
	// on an older node a task fails first thing with a message naming
	// the version, not with Kong's bare 404 for an unknown endpoint.
	Since string
	// FieldsSince are fields (dotted paths into records) that older
	// supported versions lack, by the version that added them (an
	// upstream's use_srv_name, "3.1"): a task that sets one fails on an
	// older node with a message naming the field and the version, rather
	// than with Kong's "unknown field". Only a task that sets one reads
	// the node's version (GET /, once per task).
	FieldsSince map[string]string
}

// KeyParent is a foreign field of a cache key and the collection (and
// Kind) of the entity it refers to.
type KeyParent struct {
	Field, Collection string
	Kind              *Kind
}

func (k *Kind) topLevel() string {
	if k.TopLevel != "" {
		return k.TopLevel
	}
	return k.Collection
}

// SchemaPath is the path under /schemas of the entity's schema.
func (k *Kind) SchemaPath() string {
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

// EntitySchema is the entity's whole schema on this node (see LoadSchema),
// cached per Conn.
func (k *Kind) EntitySchema(ctx context.Context, c *Conn) (*Schema, error) {
	if k.LoadSchema != nil {
		return k.LoadSchema(ctx, c)
	}
	return c.Schema(ctx, k.SchemaPath())
}

func (k *Kind) clean(o Object) Object {
	if k.Clean == nil || o == nil {
		return o
	}
	return k.Clean(o)
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

// Result is the part of a module's result every Kong module shares:
// changed, operation, the sorted changed fields (never null), the entity
// under the request's ResultKey (unless deleted), and the diff when Ansible
// asked for one.
func (o *Outcome) Result(withDiff bool) ansible.Result {
	changes := ansible.NonNilStrings(o.Changes)
	sort.Strings(changes)
	res := ansible.Result{
		"changed":   o.Changed,
		"operation": string(o.Op),
		"changes":   ansible.FieldNames(changes),
	}
	if o.resultKey != "" && o.Op != OpDelete && !(o.Op == OpNone && o.Plan.Current == nil) {
		res[o.resultKey] = o.Entity
		if o.members != nil {
			members := o.members.entities
			if members == nil {
				members = []Object{}
			}
			res[o.members.field] = members
		}
	}
	if withDiff {
		res["diff"] = o.Diff
	}
	return res
}

// ReuseFirstRead answers a Request's first Find with a read the caller has
// already made (to decide what to ask for), and reads again afterwards:
// after a 409 the entity changed under the task, so the engine re-reads.
func ReuseFirstRead(first Object, again func(context.Context, *Request) (Object, error)) func(context.Context, *Request) (Object, error) {
	used := false
	return func(ctx context.Context, r *Request) (Object, error) {
		if !used {
			used = true
			return first, nil
		}
		return again(ctx, r)
	}
}

// DeleteByID deletes one entity as read from Kong.
func (c *Conn) DeleteByID(ctx context.Context, k *Kind, entity Object) error {
	id, _ := entity["id"].(string)
	if id == "" {
		return fmt.Errorf("%s has no id", k.Name)
	}
	_, err := c.Send(ctx, "DELETE", PathFor(k.Collection, id), nil)
	return err
}

// checkSince refuses, before anything is read or written, an entity or a
// field this node's Kong version does not have (Kind.Since,
// Kind.FieldsSince). Only the entity is checked for a delete.
func (c *Conn) checkSince(ctx context.Context, r *Request, present bool) error {
	k := r.Kind
	var fields []string
	if present {
		for f := range k.FieldsSince {
			if _, set := GetPath(r.Desired, strings.Split(f, ".")); set {
				fields = append(fields, f)
			}
		}
	}
	if err := c.Supports(ctx, k, r.Select); err != nil {
		return err
	}
	if len(fields) == 0 {
		return nil
	}
	info, err := c.Info(ctx)
	if err != nil {
		return err
	}
	sort.Strings(fields)
	for _, f := range fields {
		if since := k.FieldsSince[f]; !info.AtLeast(parseVersion(since)) {
			return fmt.Errorf("%s: %s needs Kong %s or newer, and this node runs %s: leave it out for this node", k.Describe(r.Select), f, since, info)
		}
	}
	return nil
}

// Supports refuses an entity this node's Kong version does not have
// (Kind.Since), naming the version; it asks nothing for a Kind without
// Since. A module that reads more than the engine does before Ensure (a
// vault's schema) asks it first.
func (c *Conn) Supports(ctx context.Context, k *Kind, sel Selector) error {
	if k.Since == "" {
		return nil
	}
	info, err := c.Info(ctx)
	if err != nil {
		return err
	}
	if !info.AtLeast(parseVersion(k.Since)) {
		return fmt.Errorf("%s needs Kong %s or newer (Kong added %s entities in %s), and this node runs %s", k.Describe(sel), k.Since, k.Name, k.Since, info)
	}
	return nil
}

// parseVersion reads "3.1" as (3, 1).
func parseVersion(v string) (major, minor int) {
	a, b, _ := strings.Cut(v, ".")
	major, _ = strconv.Atoi(a)
	minor, _ = strconv.Atoi(b)
	return major, minor
}
