package declarative

import (
	"fmt"
	"strings"

	"platform.ops/modules-src/internal/kong"
)

// Entities are matched to what Kong holds by keys: "id:<id>" for every
// entity; "<field>:<value>" for the fields that name it (a service's name, a
// consumer's username and custom_id, a plugin's instance_name); and for the
// entities named by their place, "scope:<plugin>|<route>|<service>|<consumer>"
// for a plugin without instance_name (Kong allows one plugin per name and
// scope) and "<consumer id>|<value>" for a credential (its key, username or
// group within its consumer).

// indexCurrent builds the keys of everything read.
func (r *run) indexCurrent() {
	r.index = map[*Type]map[string]kong.Object{}
	for _, t := range All {
		idx := map[string]kong.Object{}
		for _, o := range r.current[t] {
			for _, k := range currentKeys(t, o) {
				idx[k] = o
			}
		}
		r.index[t] = idx
	}
}

func currentKeys(t *Type, o kong.Object) []string {
	var keys []string
	if id, _ := o["id"].(string); id != "" {
		keys = append(keys, "id:"+strings.ToLower(id))
	}
	keys = append(keys, namedKeys(t, o)...)
	switch {
	case t == Plugins:
		keys = append(keys, scopeKey(fmt.Sprint(o["name"]), kong.ScopeOf(o)))
	case t.Credential != nil:
		consumer, _ := asMap(o["consumer"])["id"].(string)
		if v, _ := o[t.Credential.Identity].(string); v != "" && consumer != "" {
			keys = append(keys, strings.ToLower(consumer)+"|"+v)
		}
	case t == Targets:
		if k := targetKey(refID(o, "upstream"), o["target"]); k != "" {
			keys = append(keys, k)
		}
	}
	if k := contentKey(t, o); k != "" {
		keys = append(keys, k)
	}
	return keys
}

// contentKey names a certificate or CA certificate by its content, as decK
// matches them: the PEM of cert, whitespace and line endings aside.
func contentKey(t *Type, o kong.Object) string {
	if t != Certificates && t != CACertificates {
		return ""
	}
	if c, ok := kong.PEMCanon(o["cert"]).(string); ok && c != "" {
		return "cert:" + c
	}
	return ""
}

// targetKey names a target by its upstream and its address as Kong writes
// it (a.test is a.test:8000).
func targetKey(upstreamID string, target any) string {
	s, _ := target.(string)
	if upstreamID == "" || s == "" {
		return ""
	}
	if f, err := kong.FormatTarget(s); err == nil {
		s = f
	}
	return strings.ToLower(upstreamID) + "|target:" + s
}

func scopeKey(name string, scope kong.PluginScope) string {
	parts := []string{"scope:" + name}
	for _, sc := range kong.PluginScopes {
		parts = append(parts, strings.ToLower(scope[sc.Field]))
	}
	return strings.Join(parts, "|")
}

// match finds what Kong holds of a declared entity, with its refs resolved
// to ids (pending: a parent of its identity is still to be created, so it
// cannot exist yet, unless it is named by its own id or name).
func (r *run) match(e *Entity, fields kong.Object, ids map[string]string, pending bool) kong.Object {
	idx := r.index[e.Type]
	if e.ID != "" {
		// An entity the state gives an id is that entity, as in decK: one
		// holding its name under another id is another entity (deleted
		// first with prune, else the create meets Kong's 409).
		return idx["id:"+strings.ToLower(e.ID)]
	}
	for _, k := range namedKeys(e.Type, fields) {
		if o := idx[k]; o != nil {
			return o
		}
	}
	if pending {
		return nil
	}
	switch {
	case e.Type == Plugins:
		if _, named := fields["instance_name"].(string); named {
			return nil
		}
		scope := kong.PluginScope{}
		for f, id := range ids {
			scope[f] = id
		}
		return idx[scopeKey(fmt.Sprint(fields["name"]), scope)]
	case e.Type.Credential != nil:
		if v, _ := fields[e.Type.Credential.Identity].(string); v != "" {
			return idx[strings.ToLower(ids["consumer"])+"|"+v]
		}
	case e.Type == Targets:
		return idx[targetKey(ids["upstream"], fields["target"])]
	}
	if k := contentKey(e.Type, fields); k != "" {
		return idx[k]
	}
	return nil
}

// namedKeys are the keys of a declared entity's names.
func namedKeys(t *Type, fields kong.Object) []string {
	var keys []string
	for _, f := range t.Names {
		if v, _ := fields[f].(string); v != "" {
			keys = append(keys, f+":"+v)
		}
	}
	if t == Plugins {
		if v, _ := fields["instance_name"].(string); v != "" {
			keys = append(keys, "instance_name:"+v)
		}
	}
	return keys
}

// checkDuplicates refuses a state that declares one entity twice: by id,
// by a name, or (plugins, credentials) at one place, as decK does.
func (r *run) checkDuplicates() error {
	var errs Errors
	seen := map[string]*Entity{}
	for _, e := range r.st.Entities {
		keys := namedKeys(e.Type, e.Fields)
		if e.ID != "" {
			keys = append(keys, "id:"+strings.ToLower(e.ID))
		}
		if k := placeKey(e); k != "" {
			keys = append(keys, k)
		}
		for _, k := range keys {
			k = e.Type.Key + "/" + k
			if prev := seen[k]; prev != nil {
				what, _, _ := strings.Cut(strings.SplitN(k, "/", 2)[1], "\x00") // never a secret
				errs.add(e.Path, "declares the %s of %s again (%s)", e.Type.Name, prev.Path, what)
				break
			}
			seen[k] = e
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// placeKey identifies a plugin without instance_name or a credential by
// where the state puts it: the names of its scope or consumer.
func placeKey(e *Entity) string {
	switch {
	case e.Type == Plugins:
		if _, named := e.Fields["instance_name"]; named {
			return ""
		}
		parts := []string{"plugin " + fmt.Sprint(e.Fields["name"])}
		for _, sc := range kong.PluginScopes {
			if ref := e.Refs[sc.Field]; ref != nil {
				parts = append(parts, sc.Field+" "+ref.name())
			}
		}
		return strings.Join(parts, ", ")
	case e.Type == Targets:
		if ref := e.Refs["upstream"]; ref != nil {
			if f, err := kong.FormatTarget(fmt.Sprint(e.Fields["target"])); err == nil {
				return fmt.Sprintf("upstream %s, target %s", ref.name(), f)
			}
		}
	case e.Type == Certificates || e.Type == CACertificates:
		if k := contentKey(e.Type, e.Fields); k != "" {
			return "the same cert\x00" + k
		}
	case e.Type.Credential != nil:
		if v, _ := e.Fields[e.Type.Credential.Identity].(string); v != "" {
			ref := e.Refs["consumer"]
			who := ""
			if ref != nil {
				who = ref.name()
			}
			id := e.Type.Credential.Identity
			if e.Type.Credential.IdentityIsSecret {
				return fmt.Sprintf("consumer %s, same %s", who, id) + "\x00" + v
			}
			return fmt.Sprintf("consumer %s, %s %s", who, id, v)
		}
	}
	return ""
}

// name is how a ref names its entity.
func (ref *Ref) name() string {
	if ref.Parent != nil {
		return ref.Parent.name()
	}
	return ref.Value
}

func asMap(v any) map[string]any { m, _ := v.(map[string]any); return m }
