package kongemu

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// Kong's database error codes (kong/db/errors.lua) that the emulator produces.
const (
	codeInvalidPrimaryKey  = 1
	codeSchemaViolation    = 2
	codePrimaryKey         = 3
	codeForeignKey         = 4
	codeUniqueViolation    = 5
	codeNotFound           = 6
	codeInvalidOffset      = 7
	codeInvalidSize        = 9
	codeInvalidUnique      = 10
	codeInvalidOptions     = 11
	codeForeignUnresolved  = 13
	codeReferencedByOthers = 19
)

// kongError is a Kong DB error (the {"code","name","message","fields"} envelope)
// together with the HTTP status the Admin API maps it to.
type kongError struct {
	status  int
	code    int
	name    string
	message string
	fields  any
	options any
}

func (e *kongError) Error() string { return e.message }

func (e *kongError) body() map[string]any {
	b := map[string]any{"code": e.code, "name": e.name, "message": e.message}
	if e.fields != nil {
		b["fields"] = e.fields
	}
	if e.options != nil {
		b["options"] = e.options
	}
	return b
}

// fieldErrors is the error tree of one validation: keys are field names,
// values are a message (string), a nested fieldErrors (records, foreign keys)
// or a []any of per-element errors (nil where the element passed).
// "@entity" holds entity-check messages in the order they were raised.
type fieldErrors map[string]any

func (fe fieldErrors) addEntity(msg string) {
	list, _ := fe["@entity"].([]any)
	fe["@entity"] = append(list, msg)
}

// set stores err under a dotted path ("config.redis.host"), creating nested trees.
func (fe fieldErrors) set(path string, err any) {
	parts := strings.Split(path, ".")
	cur := fe
	for _, p := range parts[:len(parts)-1] {
		next, ok := cur[p].(fieldErrors)
		if !ok {
			next = fieldErrors{}
			cur[p] = next
		}
		cur = next
	}
	cur[parts[len(parts)-1]] = err
}

func (fe fieldErrors) has(path string) bool {
	parts := strings.Split(path, ".")
	var cur any = fe
	for _, p := range parts {
		m, ok := cur.(fieldErrors)
		if !ok {
			return true // a parent already failed as a whole
		}
		v, ok := m[p]
		if !ok {
			return false
		}
		cur = v
	}
	return true
}

func schemaViolation(fe fieldErrors) *kongError {
	return &kongError{status: http.StatusBadRequest, code: codeSchemaViolation, name: "schema violation",
		message: violationMessage("schema violation", fe), fields: fe}
}

// violationMessage builds the message the way kong/db/errors.lua does:
// entity errors first, then the other fields sorted, nested trees flattened
// with dots, array indexes 1-based.
func violationMessage(kind string, fe fieldErrors) string {
	var items []string
	if ents, ok := fe["@entity"].([]any); ok {
		for _, e := range ents {
			items = append(items, fmt.Sprint(e))
		}
	}
	keys := sortedKeys(fe)
	for _, k := range keys {
		if k == "@entity" {
			continue
		}
		switch v := fe[k].(type) {
		case string:
			items = append(items, k+": "+v)
		case fieldErrors:
			for _, sk := range sortedKeys(v) {
				items = append(items, k+"."+sk+": "+luaText(v[sk]))
			}
		case []any:
			for i, ev := range v {
				if ev != nil {
					items = append(items, k+"."+strconv.Itoa(i+1)+": "+luaText(ev))
				}
			}
		default:
			items = append(items, k+": "+luaText(v))
		}
	}
	if len(items) == 1 {
		return kind + " (" + items[0] + ")"
	}
	return fmt.Sprintf("%d %ss (%s)", len(items), kind, strings.Join(items, "; "))
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// luaText renders a value the way Penlight pretty.write / Kong's
// error serializer does for the compact one-line forms: strings bare at the
// top, quoted inside tables.
func luaText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return luaLiteral(v)
}

// luaLiteral renders {a="x",b=null,c={id="..."}} with sorted keys, as Kong
// prints primary keys and unique keys in its error messages.
func luaLiteral(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return strconv.Quote(x)
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	case fieldErrors:
		return luaLiteral(map[string]any(x))
	case map[string]any:
		var parts []string
		for _, k := range sortedKeys(x) {
			key := k
			if strings.ContainsAny(k, "@.-") {
				key = "[" + strconv.Quote(k) + "]"
			}
			parts = append(parts, key+"="+luaLiteral(x[k]))
		}
		return "{" + strings.Join(parts, ",") + "}"
	case []any:
		var parts []string
		for _, e := range x {
			parts = append(parts, luaLiteral(e))
		}
		return "{" + strings.Join(parts, ",") + "}"
	default:
		return fmt.Sprint(x)
	}
}

func notFoundMessage() *kongError {
	return &kongError{status: http.StatusNotFound, message: "Not found"}
}

func uniqueViolation(key map[string]any) *kongError {
	return &kongError{status: http.StatusConflict, code: codeUniqueViolation, name: "unique constraint violation",
		message: "UNIQUE violation detected on '" + luaLiteral(key) + "'", fields: key}
}

func primaryKeyViolation(id string) *kongError {
	key := map[string]any{"id": id}
	return &kongError{status: http.StatusBadRequest, code: codePrimaryKey, name: "primary key violation",
		message: "primary key violation on key '" + luaLiteral(key) + "'", fields: key}
}

func foreignKeyViolation(field, ref, id string) *kongError {
	key := map[string]any{"id": id}
	return &kongError{status: http.StatusBadRequest, code: codeForeignKey, name: "foreign key violation",
		message: "the foreign key '" + luaLiteral(key) + "' does not reference an existing '" + ref + "' entity.",
		fields:  map[string]any{field: key}}
}

func referencedBy(child, parent string) *kongError {
	return &kongError{status: http.StatusBadRequest, code: codeForeignKey, name: "foreign key violation",
		message: "an existing '" + child + "' entity references this '" + parent + "' entity",
		fields:  map[string]any{"@referenced_by": child}}
}

func foreignUnresolved(field, ref string, key map[string]any) *kongError {
	msg := "the foreign key cannot be resolved with '" + luaLiteral(key) + "' for an existing '" + ref + "' entity"
	sub := map[string]any{}
	for k := range key {
		sub[k] = msg
	}
	fe := fieldErrors{field: fieldErrors(sub)}
	return &kongError{status: http.StatusBadRequest, code: codeForeignUnresolved, name: "foreign keys unresolved",
		message: violationMessage("foreign key unresolved", fe), fields: fe}
}

func entityNotFound(key map[string]any, byPK bool) *kongError {
	msg := "could not find the entity with '" + luaLiteral(key) + "'"
	if byPK {
		msg = "could not find the entity with primary key '" + luaLiteral(key) + "'"
	}
	return &kongError{status: http.StatusNotFound, code: codeNotFound, name: "not found", message: msg, fields: key}
}

func invalidUnique(field, reason string) *kongError {
	return &kongError{status: http.StatusBadRequest, code: codeInvalidUnique, name: "invalid unique " + field,
		message: reason}
}

func invalidSize(msg string) *kongError {
	return &kongError{status: http.StatusBadRequest, code: codeInvalidSize, name: "invalid size", message: msg}
}

func invalidOffset(token, why string) *kongError {
	return &kongError{status: http.StatusBadRequest, code: codeInvalidOffset, name: "invalid offset",
		message: "'" + token + "' is not a valid offset: " + why}
}

func invalidTagsOption(why string) *kongError {
	return &kongError{status: http.StatusBadRequest, code: codeInvalidOptions, name: "invalid options",
		message: "invalid option (tags: " + why + ")", options: map[string]any{"tags": why}}
}

func plainError(status int, msg string) *kongError {
	return &kongError{status: status, message: msg}
}
