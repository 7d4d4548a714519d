package kongemu

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// bodyFor returns the request body, with form values coerced to the
// schema types of def.
func (s *Server) bodyFor(r *request, def *entityDef) map[string]any {
	if r.body == nil {
		r.body = map[string]any{}
	}
	if r.form {
		if rec, err := s.schemaFor(def.dao, r.body); err == nil {
			coerceForm(rec, r.body)
		} else if sc := s.schemas.entities[def.dao]; sc != nil {
			coerceForm(sc.Root, r.body)
		}
	}
	return r.body
}

// parentOf resolves the {parent} segment of a nested endpoint.
func (s *Server) parentOf(r *request, parent *entityDef) (map[string]any, response, bool) {
	prow, kerr := s.lookup(parent, r.param("parent"))
	if kerr != nil {
		return nil, fail(kerr), false
	}
	if prow == nil {
		return nil, notFound(), false
	}
	return prow, response{}, true
}

func (s *Server) listCollection(def, parent *entityDef, fk string) handler {
	return func(r *request) response {
		var keep func(map[string]any) bool
		base := "/" + def.path
		if parent != nil {
			prow, resp, found := s.parentOf(r, parent)
			if !found {
				return resp
			}
			pid := prow["id"].(string)
			keep = func(row map[string]any) bool { return foreignID(row[fk]) == pid }
			seg := def.path
			if def.nestedPath != "" {
				seg = def.nestedPath
			}
			base = "/" + parent.path + "/" + url.PathEscape(r.param("parent")) + "/" + seg
		} else if def.dao == "consumers" && r.URL.Query().Has("custom_id") {
			cid := r.URL.Query().Get("custom_id")
			keep = func(row map[string]any) bool { return row["custom_id"] == cid }
		}
		return s.page(r, def, keep, base, parent == nil)
	}
}

func (s *Server) createInCollection(def, parent *entityDef, fk string) handler {
	return func(r *request) response {
		body := s.bodyFor(r, def)
		if parent != nil {
			prow, resp, found := s.parentOf(r, parent)
			if !found {
				return resp
			}
			// the parent from the URL overrides the body
			body[fk] = map[string]any{"id": prow["id"]}
		}
		row, kerr := s.insert(def, body)
		if kerr != nil {
			return fail(kerr)
		}
		return ok(http.StatusCreated, s.render(def, row))
	}
}

// child looks up {key} and, on nested endpoints, checks it is attached to
// the parent. found is false when a 404 must be answered.
func (s *Server) child(r *request, def, parent *entityDef, fk string) (row map[string]any, resp response, found bool) {
	var pid string
	if parent != nil {
		prow, resp, found := s.parentOf(r, parent)
		if !found {
			return nil, resp, false
		}
		pid = prow["id"].(string)
	}
	key := r.param("key")
	if parent != nil && !isUUID(key) && def.endpointKey != "" {
		// an endpoint key under a parent names the parent's entity
		// (kong/api/routes/upstreams.lua target_endpoint: "filter = {
		// target = ... } target = db.targets:select_by_upstream_filter(
		// upstream_pk, filter, opts)"): another upstream's target of the
		// same address is not it
		if kerr := s.checkEndpointKey(def, key); kerr != nil {
			return nil, fail(kerr), false
		}
		rows := s.db.sorted(def.dao, func(c map[string]any) bool { return c[def.endpointKey] == key && foreignID(c[fk]) == pid })
		if len(rows) > 0 {
			row = rows[0]
		}
	} else {
		var kerr *kongError
		if row, kerr = s.lookup(def, key); kerr != nil {
			return nil, fail(kerr), false
		}
	}
	if row == nil || parent != nil && foreignID(row[fk]) != pid {
		return nil, notFound(), false
	}
	return row, response{}, true
}

func (s *Server) getEntity(def, parent *entityDef, fk string) handler {
	return func(r *request) response {
		row, resp, found := s.child(r, def, parent, fk)
		if !found {
			return resp
		}
		return ok(http.StatusOK, s.render(def, row))
	}
}

func (s *Server) putEntity(def, parent *entityDef, fk string) handler {
	return func(r *request) response {
		body := s.bodyFor(r, def)
		if parent != nil {
			prow, resp, found := s.parentOf(r, parent)
			if !found {
				return resp
			}
			body[fk] = map[string]any{"id": prow["id"]}
		}
		row, kerr := s.upsert(def, r.param("key"), body)
		if kerr != nil {
			return fail(kerr)
		}
		return ok(http.StatusOK, s.render(def, row))
	}
}

func (s *Server) patchEntity(def, parent *entityDef, fk string) handler {
	return func(r *request) response {
		body := s.bodyFor(r, def)
		var existing map[string]any
		if parent != nil {
			row, resp, found := s.child(r, def, parent, fk)
			if !found {
				return resp
			}
			existing = row
			if _, has := body[fk]; !has {
				body[fk] = deepCopy(row[fk])
			}
		} else {
			key := r.param("key")
			row, kerr := s.lookup(def, key)
			if kerr != nil {
				return fail(kerr)
			}
			if row == nil {
				if def.dao == "plugins" && body["name"] == nil {
					return notFound()
				}
				if isUUID(key) {
					return fail(entityNotFound(map[string]any{"id": strings.ToLower(key)}, true))
				}
				return fail(entityNotFound(map[string]any{def.endpointKey: key}, false))
			}
			existing = row
		}
		row, kerr := s.update(def, existing, body)
		if kerr != nil {
			return fail(kerr)
		}
		return ok(http.StatusOK, s.render(def, row))
	}
}

func (s *Server) deleteEntity(def, parent *entityDef, fk string) handler {
	return func(r *request) response {
		var row map[string]any
		if parent != nil {
			// nested DELETE is not idempotent: 404 when missing or not attached
			child, resp, found := s.child(r, def, parent, fk)
			if !found {
				return resp
			}
			row = child
		} else {
			found, kerr := s.lookup(def, r.param("key"))
			if kerr != nil {
				return fail(kerr)
			}
			if found == nil {
				return ok(http.StatusNoContent, nil) // idempotent
			}
			row = found
		}
		if kerr := s.remove(def, row); kerr != nil {
			return fail(kerr)
		}
		return ok(http.StatusNoContent, nil)
	}
}

// foreignEntity serves /routes/{r}/service and the like (spec 5.3).
func (s *Server) foreignEntity(def, target *entityDef, fk string) handler {
	return func(r *request) response {
		row, kerr := s.lookup(def, r.param("key"))
		if kerr != nil {
			return fail(kerr)
		}
		if row == nil {
			return notFound()
		}
		tid := foreignID(row[fk])
		var trow map[string]any
		if tid != "" {
			trow = s.db.get(target.dao, tid)
		}
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			if trow == nil {
				return notFound()
			}
			return ok(http.StatusOK, s.render(target, trow))
		case http.MethodPatch:
			if trow == nil {
				return notFound()
			}
			updated, kerr := s.update(target, trow, s.bodyFor(r, target))
			if kerr != nil {
				return fail(kerr)
			}
			return ok(http.StatusOK, s.render(target, updated))
		case http.MethodPut:
			key := tid
			if key == "" {
				key = s.newID()
			}
			updated, kerr := s.upsert(target, key, s.bodyFor(r, target))
			if kerr != nil {
				return fail(kerr)
			}
			if tid == "" {
				row[fk] = map[string]any{"id": updated["id"]}
			}
			return ok(http.StatusOK, s.render(target, updated))
		default:
			if trow == nil {
				return notFound()
			}
			return fail(plainError(http.StatusMethodNotAllowed, "Method not allowed"))
		}
	}
}

// tagFilter parses ?tags= (a,b is AND, a/b is OR).
type tagFilter struct {
	tags []string
	and  bool
}

func (s *Server) parseTags(q url.Values) (*tagFilter, *kongError) {
	if !q.Has("tags") {
		return nil, nil
	}
	raw := q.Get("tags")
	if raw == "" {
		if s.v3 {
			return nil, invalidTagsOption("cannot be null")
		}
		return nil, nil
	}
	hasComma, hasSlash := strings.Contains(raw, ","), strings.Contains(raw, "/")
	if hasComma && hasSlash {
		return nil, invalidTagsOption("invalid filter syntax")
	}
	sep := "/"
	if hasComma {
		sep = ","
	}
	tags := strings.Split(raw, sep)
	check := tagValidator(s.v3)
	for _, t := range tags {
		if t == "" {
			return nil, invalidTagsOption("invalid filter syntax")
		}
		if good, _ := check(t); !good {
			return nil, invalidTagsOption("invalid filter syntax")
		}
	}
	if len(tags) > 5 {
		return nil, invalidTagsOption("cannot query more than 5 tags")
	}
	return &tagFilter{tags: tags, and: hasComma}, nil
}

func (f *tagFilter) match(row map[string]any) bool {
	have := strList(row["tags"])
	for _, t := range f.tags {
		if has(have, t) {
			if !f.and {
				return true
			}
		} else if f.and {
			return false
		}
	}
	return f.and
}

// page lists rows in id order with Kong's size/offset pagination.
func (s *Server) page(r *request, def *entityDef, keep func(map[string]any) bool, base string, allowTags bool) response {
	q := r.URL.Query()
	size := 100
	if q.Has("size") {
		n, err := strconv.ParseFloat(q.Get("size"), 64)
		if err != nil {
			return fail(invalidSize("size must be a number"))
		}
		if n != float64(int(n)) || n < 1 || n > 1000 {
			return fail(invalidSize("size must be an integer between 1 and 1000"))
		}
		size = int(n)
	}
	after := ""
	if tok := q.Get("offset"); tok != "" {
		raw, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(tok, "="))
		if err != nil {
			raw, err = base64.RawURLEncoding.DecodeString(strings.TrimRight(tok, "="))
		}
		if err != nil {
			return fail(invalidOffset(tok, "bad base64 encoding"))
		}
		var pk []string
		if err := json.Unmarshal(raw, &pk); err != nil || len(pk) == 0 {
			return fail(invalidOffset(tok, "bad json encoding"))
		}
		after = pk[0]
	}
	var tf *tagFilter
	if allowTags {
		var kerr *kongError
		if tf, kerr = s.parseTags(q); kerr != nil {
			return fail(kerr)
		}
	}
	rows := s.db.sorted(def.dao, func(row map[string]any) bool {
		if after != "" && row["id"].(string) <= after {
			return false
		}
		if keep != nil && !keep(row) {
			return false
		}
		return tf == nil || tf.match(row)
	})
	data := make([]any, 0, size)
	for i, row := range rows {
		if i == size {
			break
		}
		data = append(data, s.render(def, row))
	}
	body := map[string]any{"data": data, "next": nil}
	if len(rows) > size {
		last := rows[size-1]["id"].(string)
		pk, _ := json.Marshal([]string{last})
		offset := base64.RawStdEncoding.EncodeToString(pk)
		next := base + "?offset=" + url.QueryEscape(offset)
		if tf != nil {
			if s.v3 {
				next += "&tags=" + url.QueryEscape(q.Get("tags"))
			} else {
				next += "&tags=" + q.Get("tags")
			}
		}
		if s.v3 && q.Has("size") && allowTags { // nested lists link without size or tags
			next += "&size=" + strconv.Itoa(size)
		}
		body["next"] = next
		body["offset"] = offset
	}
	return ok(http.StatusOK, body)
}
