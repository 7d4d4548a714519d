package declarative

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"platform.ops/modules-src/internal/kong"
)

// Doc is one state document: a file given with src (Name is its path) or
// the inline state (Name "state").
type Doc struct {
	Name    string
	Content map[string]any
}

// State is what one or more state documents declare, merged like
// `deck sync -s a.yaml -s b.yaml`.
type State struct {
	// Format is _format_version: "1.1" (decK 1.x, Kong 2.x: regex paths
	// without "~") or "3.0" (Kong 3.x).
	Format     string
	SelectTags []string // _info.select_tags
	Workspace  string   // _workspace
	Entities   []*Entity
}

// Entity is one entity a state declares.
type Entity struct {
	Type *Type
	// Path is where the state declares it, for messages:
	// "services[3].routes[0]" (with the file's name when there are several).
	Path string
	// Fields are the Kong fields it sets, as written: refs, nested lists,
	// its id and decK's sugar are apart.
	Fields map[string]any
	Refs   map[string]*Ref
	ID     string // its id, when the state gives one
	Sugar  map[string]any
}

// Ref is a reference a state makes: by name or id, or by nesting.
type Ref struct {
	Field *RefField
	// Value is the name or id written, or for a nested entity its
	// parent's name (for messages).
	Value string
	// Parent is the entity this one is nested under, for a ref made by
	// nesting.
	Parent *Entity
	// IDs are the ids of a Many field.
	IDs []string
}

// Error is a problem at a path of the state.
type Error struct {
	Path string
	Msg  string
}

func (e *Error) Error() string { return e.Path + ": " + e.Msg }

// Errors are all the problems found in a state, reported together so one
// run shows them all.
type Errors []*Error

func (es Errors) Error() string {
	const most = 10
	var lines []string
	for i, e := range es {
		if i == most {
			lines = append(lines, fmt.Sprintf("... and %d more", len(es)-most))
			break
		}
		lines = append(lines, e.Error())
	}
	return "the state is not valid (nothing was changed): " + strings.Join(lines, "; ")
}

func (es *Errors) add(path, format string, args ...any) {
	*es = append(*es, &Error{Path: path, Msg: fmt.Sprintf(format, args...)})
}

// metaKeys are the keys of a state that are not entity lists.
var metaKeys = []string{"_format_version", "_transform", "_info", "_workspace", "_konnect"}

// Formats are the _format_version values a state may have.
var Formats = []string{"1.1", "3.0"}

// Parse reads state documents into one State. It checks the shape only
// (known keys, lists of objects, references written as decK writes them);
// the fields of each entity are checked against the node's schemas once
// Kong is known (see Check).
func Parse(docs []Doc) (*State, error) {
	st := &State{}
	var errs Errors
	for _, doc := range docs {
		prefix := ""
		if len(docs) > 1 || doc.Name != "state" {
			prefix = doc.Name + ": "
		}
		st.parseMeta(doc, prefix, &errs)
		for _, key := range sortedKeys(doc.Content) {
			if slices.Contains(metaKeys, key) {
				continue
			}
			t := byKey[key]
			if t == nil {
				msg := "unknown key; a state holds " + strings.Join(append(slices.Clone(metaKeys[:4]), topLevelKeys()...), ", ")
				if near := kong.ClosestName(key, append(slices.Clone(metaKeys), topLevelKeys()...)); near != "" {
					msg = fmt.Sprintf("unknown key (did you mean %s?)", near)
				}
				errs.add(prefix+key, "%s", msg)
				continue
			}
			st.parseList(t, doc.Content[key], prefix+key, nil, nil, &errs)
		}
	}
	if st.Format == "" && len(errs) == 0 {
		errs.add(docsName(docs)+"_format_version", "missing: set \"3.0\" for a state written for Kong 3.x (decK 1.14 and later), or \"1.1\" for one written for Kong 2.x (what decK 1.x dumps)")
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return st, nil
}

func docsName(docs []Doc) string {
	if len(docs) == 1 && docs[0].Name == "state" {
		return ""
	}
	return "state: "
}

func (st *State) parseMeta(doc Doc, prefix string, errs *Errors) {
	c := doc.Content
	if v, ok := c["_format_version"]; ok {
		f, _ := v.(string)
		switch {
		case !slices.Contains(Formats, f):
			errs.add(prefix+"_format_version", "got %s, expected one of %s", show(v), strings.Join(quoteAll(Formats), ", "))
		case st.Format != "" && st.Format != f:
			errs.add(prefix+"_format_version", "%q differs from %q in an earlier document: all documents of a state must have the same format", f, st.Format)
		default:
			st.Format = f
		}
	}
	if v, ok := c["_transform"]; ok && v != true {
		errs.add(prefix+"_transform", "only true (decK's default) is supported, got %s", show(v))
	}
	if v, ok := c["_workspace"]; ok {
		ws, isStr := v.(string)
		switch {
		case !isStr || ws == "":
			errs.add(prefix+"_workspace", "expected a workspace name, got %s", show(v))
		case st.Workspace != "" && st.Workspace != ws:
			errs.add(prefix+"_workspace", "%q differs from %q in an earlier document", ws, st.Workspace)
		default:
			st.Workspace = ws
		}
	}
	if v, ok := c["_konnect"]; ok {
		errs.add(prefix+"_konnect", "is decK's Konnect target (%s): give the control plane with the connection options instead", show(v))
	}
	if v, ok := c["_info"]; ok {
		info, isMap := v.(map[string]any)
		if !isMap {
			errs.add(prefix+"_info", "expected an object, got %s", show(v))
			return
		}
		for _, k := range sortedKeys(info) {
			switch k {
			case "select_tags":
				tags, err := stringList(info[k])
				if err != nil {
					errs.add(prefix+"_info.select_tags", "%v", err)
					continue
				}
				if st.SelectTags != nil && !sameSet(st.SelectTags, tags) {
					errs.add(prefix+"_info.select_tags", "%v differ from %v in an earlier document", tags, st.SelectTags)
					continue
				}
				st.SelectTags = tags
			case "defaults":
				errs.add(prefix+"_info.defaults", "decK's defaults are not supported: write the fields on the entities (Kong's own defaults apply to what a state leaves out)")
			default:
				errs.add(prefix+"_info."+k, "unknown key; _info holds select_tags")
			}
		}
	}
}

// parseList reads a list of entities of type t at path; parent is the
// entity it is nested under (with the child's field that refers to it).
func (st *State) parseList(t *Type, v any, path string, parent *Entity, nest *Nested, errs *Errors) {
	if v == nil {
		return
	}
	list, ok := v.([]any)
	if !ok {
		errs.add(path, "expected a list of %s, got %s", t.Key, show(v))
		return
	}
	for i, item := range list {
		st.parseEntity(t, item, fmt.Sprintf("%s[%d]", path, i), parent, nest, errs)
	}
}

func (st *State) parseEntity(t *Type, v any, path string, parent *Entity, nest *Nested, errs *Errors) {
	raw, ok := v.(map[string]any)
	if !ok {
		errs.add(path, "expected an object (one %s), got %s", t.Name, show(v))
		return
	}
	e := &Entity{Type: t, Path: path, Fields: map[string]any{}, Refs: map[string]*Ref{}}
	if parent != nil {
		field := fieldOf(t, nest.Field)
		e.Refs[nest.Field] = &Ref{Field: field, Parent: parent, Value: parent.name()}
	}
	var children []func()
	for _, k := range sortedKeys(raw) {
		val := raw[k]
		p := path + "." + k
		if n := nestedOf(t, k); n != nil {
			children = append(children, func() { st.parseList(n.Type, val, p, e, n, errs) })
			continue
		}
		if rf := fieldOf(t, k); rf != nil {
			if parent != nil && nest.Field == k {
				errs.add(p, "a %s nested under a %s belongs to it: remove %s", t.Name, parent.Type.Name, k)
				continue
			}
			if ref := parseRef(rf, val, p, errs); ref != nil {
				e.Refs[k] = ref
			}
			continue
		}
		switch {
		case k == "id":
			id, isStr := val.(string)
			if !isStr || !kong.IsUUID(id) {
				errs.add(p, "expected a UUID such as 9f3c6b0e-1111-4222-8333-444455556666, got %s", show(val))
				continue
			}
			e.ID = id
		case k == "created_at" || k == "updated_at":
			// written by deck dump --with-id; Kong sets them
		case slices.Contains(t.Sugar, k):
			if e.Sugar == nil {
				e.Sugar = map[string]any{}
			}
			e.Sugar[k] = val
		default:
			e.Fields[k] = val
		}
	}
	st.Entities = append(st.Entities, e)
	for _, c := range children {
		c()
	}
}

func nestedOf(t *Type, key string) *Nested {
	for _, n := range t.Nested {
		if n.Key == key {
			return n
		}
	}
	return nil
}

func fieldOf(t *Type, field string) *RefField {
	for _, r := range t.Refs {
		if r.Field == field {
			return r
		}
	}
	return nil
}

// parseRef reads a reference as decK writes it: a name or id string
// (plugins' service, route and consumer), or an object {id: ...} or
// {name: ...} ({username: ...} for a consumer), as a route's service.
func parseRef(rf *RefField, v any, path string, errs *Errors) *Ref {
	if v == nil {
		return nil
	}
	if rf.Many {
		ids, err := stringList(v)
		if err != nil {
			errs.add(path, "%v", err)
			return nil
		}
		return &Ref{Field: rf, IDs: ids}
	}
	switch t := v.(type) {
	case string:
		if strings.TrimSpace(t) == "" {
			errs.add(path, "must name a %s (name or id), got an empty string", rf.To.Name)
			return nil
		}
		return &Ref{Field: rf, Value: t}
	case map[string]any:
		keys := append([]string{"id"}, rf.To.Names...)
		for _, k := range sortedKeys(t) {
			if !slices.Contains(keys, k) {
				errs.add(path+"."+k, "unknown key; a reference to a %s holds one of %s", rf.To.Name, strings.Join(keys, ", "))
				return nil
			}
		}
		for _, k := range keys {
			if s, ok := t[k].(string); ok && s != "" {
				return &Ref{Field: rf, Value: s}
			}
		}
		errs.add(path, "must name a %s by %s", rf.To.Name, strings.Join(keys, " or "))
	default:
		errs.add(path, "expected the name or id of a %s, got %s", rf.To.Name, show(v))
	}
	return nil
}

// name is how the entity is named in messages and references: its first
// name field, else its id, else its path.
func (e *Entity) name() string {
	for _, f := range e.Type.Names {
		if s, ok := e.Fields[f].(string); ok && s != "" {
			return s
		}
	}
	if e.ID != "" {
		return e.ID
	}
	return e.Path
}

func stringList(v any) ([]string, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("expected a list of strings, got %s", show(v))
	}
	out := make([]string, 0, len(list))
	for _, e := range list {
		s, ok := e.(string)
		if !ok {
			return nil, fmt.Errorf("expected a list of strings, got %s in it", show(e))
		}
		out = append(out, s)
	}
	return out, nil
}

func sameSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	sort.Strings(x)
	sort.Strings(y)
	return slices.Equal(slices.Compact(x), slices.Compact(y))
}

func quoteAll(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = fmt.Sprintf("%q", v)
	}
	return out
}

// show renders a state value for messages, briefly.
func show(v any) string {
	switch t := v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("%q", t)
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	}
	return fmt.Sprintf("%v (%T)", v, v)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
