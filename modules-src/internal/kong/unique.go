package kong

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"platform.ops/modules-src/internal/ansible"
)

// uuidRE is Kong's UUID test for path keys (kong/tools/uuid.lua): a key
// that matches is read as an id, never as an endpoint key.
var uuidRE = regexp.MustCompile(`^(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// checkUnique is check mode's answer to Kong's UNIQUE constraints, which
// POST /schemas/{entity}/validate does not check: the real write fails
// with 409 (code 5, "UNIQUE violation detected on '{name="x"}'") when
// another entity holds the value of a unique field. For each unique field
// of the entity's schema (GET /schemas/{DAO}, cached per connection and
// read anyway by a check-mode create) whose value the write sets, in the
// schema's order as Kong checks them, it asks Kong who holds the value:
// GET /{collection}/{value} for the endpoint key (Kind.KeyField),
// GET /{collection}?{field}={value} for a Kind.Filters field, the whole
// collection for a Kind.Listed one. A write that
// sets no string value asks nothing, so a task that changes nothing, or
// only numbers and lists, costs no request; a value the task's own Find
// looked up (Selector.Key without an id) is not asked again.
//
// A holder other than the entity itself fails the task the way the real
// write would (same status, fields and Kong message). A value that cannot
// be looked up is not guessed at: a warning says the real run may still
// fail. That is a secret (Kind.Private: a key-auth or jwt key never goes
// in a URL), a value
// shaped like a UUID (Kong reads such a path key as an id), or a unique
// field with neither an endpoint nor a filter.
func (c *Conn) checkUnique(ctx context.Context, r *Request, plan *Plan) error {
	set := plan.Body
	if plan.Op == OpCreate {
		set = c.wouldBe(r, plan)
	}
	sets := false
	for _, v := range set {
		if s, ok := v.(string); ok && s != "" {
			sets = true
			break
		}
	}
	if !sets {
		return nil
	}
	schema, err := c.Schema(ctx, r.Kind.daoName())
	if err != nil {
		return err
	}
	self, _ := plan.Current["id"].(string)
	for _, field := range schema.UniqueFields() {
		value, ok := set[field].(string)
		if !ok || value == "" {
			continue
		}
		if r.Select.ID == "" && field == r.Kind.KeyField && value == r.Select.Key {
			continue // the task's Find looked it up by this value
		}
		holder, why, err := c.holderOf(ctx, r.Kind, field, value)
		if err != nil {
			return err
		}
		if why != "" {
			c.warn(fmt.Sprintf("%s (check mode): cannot tell whether another entity already holds this %s (%s); if one does, the real run fails with Kong's 409 UNIQUE violation",
				r.doing(plan), field, why))
			continue
		}
		if holder == nil {
			continue
		}
		if id, _ := holder["id"].(string); self != "" && strings.EqualFold(id, self) {
			continue
		}
		return uniqueViolation(r.doing(plan)+" (check mode)", Object{field: value})
	}
	return nil
}

// checkCacheKey is check mode's answer to Kong's composite uniqueness, the
// DAO's cache_key (Kind.CacheKey), which POST /schemas/{entity}/validate
// does not check either: the real write fails with 409 (code 5) when
// another entity has the same values in all of its fields, e.g. a plugin
// of that name in that scope, or that acl group for that consumer. It asks
// only when the write could change the key: a create, unless the task's
// Find already looked the entity up by it (Request.KeyFound), or an update
// that changes one of its fields (a plugin moved to another scope, an acl
// given another group). Then it reads the entity schema (GET /schemas/{DAO},
// cached per connection) for the key's fields on this node, and lists the
// entities that may share the key: the nested collection under the most
// specific parent the key sets (GET /routes/{id}/plugins,
// GET /consumers/{id}/acls), else the top level (GET /plugins), all pages.
// An entity other than this one with the same key fails the task like the
// real write: same status, fields and Kong message.
func (c *Conn) checkCacheKey(ctx context.Context, r *Request, plan *Plan) error {
	k := r.Kind
	if len(k.CacheKey) == 0 {
		return nil
	}
	switch plan.Op {
	case OpCreate:
		if r.KeyFound {
			return nil
		}
	case OpUpdate:
		if !slices.ContainsFunc(k.CacheKey, func(f string) bool { _, ok := plan.Body[f]; return ok }) {
			return nil
		}
	default:
		return nil
	}
	schema, err := c.Schema(ctx, k.daoName())
	if err != nil {
		return err
	}
	would := c.wouldBe(r, plan)
	key := Object{}
	for _, f := range k.CacheKey {
		if schema.Has(f) {
			key[f] = Normalize(would[f])
		}
	}
	path := PathFor(k.topLevel())
	for _, p := range k.CacheKeyParents {
		if id, _ := asMap(key[p.Field])["id"].(string); id != "" {
			path = PathFor(p.Collection, id, k.Collection)
			break
		}
	}
	others, err := c.List(ctx, path)
	if err != nil {
		return ErrorFromKong(err, fmt.Sprintf("looking up who holds the %s's %s (check mode)", k.Name, keyNames(key)))
	}
	self, _ := plan.Current["id"].(string)
	for _, other := range others {
		if id, _ := other["id"].(string); self != "" && strings.EqualFold(id, self) {
			continue
		}
		same := true
		for f, v := range key {
			if !Equal(other[f], v, k.Shape.Field(f)) {
				same = false
				break
			}
		}
		if same {
			return uniqueViolation(r.doing(plan)+" (check mode)", key)
		}
	}
	return nil
}

func keyNames(key Object) string {
	names := slices.Sorted(maps.Keys(key))
	return strings.Join(names, ", ")
}

// holderOf reads the entity of kind k that holds value in a unique field
// (nil when none). why is set, and nothing asked, when Kong cannot be
// asked without harm or without being misread.
func (c *Conn) holderOf(ctx context.Context, k *Kind, field, value string) (holder Object, why string, err error) {
	if s := k.Shape.Field(field); (s != nil && s.Secret) || slices.Contains(k.Private, field) {
		return nil, "it is a secret, and a secret is never put in a URL", nil
	}
	coll := k.topLevel()
	switch {
	case field == k.KeyField:
		if uuidRE.MatchString(value) {
			return nil, fmt.Sprintf("%q looks like a UUID, and Kong reads GET /%s/{that} as an id", value, coll), nil
		}
		obj, err := c.Get(ctx, PathFor(coll, value))
		if err != nil {
			return nil, "", ErrorFromKong(err, fmt.Sprintf("looking up who holds %s %q (check mode)", field, value))
		}
		return obj, "", nil
	case slices.Contains(k.Listed, field):
		all, err := c.List(ctx, PathFor(coll))
		if err != nil {
			return nil, "", ErrorFromKong(err, fmt.Sprintf("looking up who holds %s %q (check mode)", field, value))
		}
		for _, obj := range all {
			if obj[field] == value {
				return obj, "", nil
			}
		}
		return nil, "", nil
	case slices.Contains(k.Filters, field):
		page, err := c.Send(ctx, http.MethodGet, PathFor(coll)+"?"+url.Values{field: {value}}.Encode(), nil)
		if err != nil {
			return nil, "", ErrorFromKong(err, fmt.Sprintf("looking up who holds %s %q (check mode)", field, value))
		}
		data, _ := page["data"].([]any)
		if len(data) == 0 {
			return nil, "", nil
		}
		obj, _ := data[0].(map[string]any)
		return obj, "", nil
	}
	return nil, fmt.Sprintf("Kong has no lookup by %s", field), nil
}

// uniqueViolation is the failure of a write Kong would refuse with 409:
// the status, fields and Kong's message (and error name) of the real
// write's failure (ErrorFromKong of code 5), e.g.
// UNIQUE violation detected on '{name="x"}', or for a cache key
// '{consumer=null,name="cors",route=null,service={id="..."}}'.
func uniqueViolation(doing string, key Object) error {
	return &ansible.Failure{
		Msg: fmt.Sprintf("%s failed: Kong would answer HTTP 409: UNIQUE violation detected on '%s' (another entity holds it)",
			doing, luaLiteral(key)),
		Fields: map[string]any{
			"status":     http.StatusConflict,
			"fields":     FlattenFields(key),
			"kong_error": "unique constraint violation",
		},
	}
}

// luaLiteral renders a key the way Kong prints it in its messages: a Lua
// table with sorted keys, strings quoted, null spelled out.
func luaLiteral(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return strconv.Quote(x)
	case map[string]any:
		parts := make([]string, 0, len(x))
		for _, k := range slices.Sorted(maps.Keys(x)) {
			name := k
			if strings.ContainsAny(k, "@.-") {
				name = "[" + strconv.Quote(k) + "]"
			}
			parts = append(parts, name+"="+luaLiteral(x[k]))
		}
		return "{" + strings.Join(parts, ",") + "}"
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			parts = append(parts, luaLiteral(e))
		}
		return "{" + strings.Join(parts, ",") + "}"
	default:
		return fmt.Sprint(x)
	}
}

func (c *Conn) warn(msg string) {
	c.warnMu.Lock()
	defer c.warnMu.Unlock()
	if c.Warn != nil {
		c.Warn(msg)
	}
}
