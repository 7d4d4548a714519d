package kongemu

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
)

// Targets as Kong's own code serves them (kong/api/routes/upstreams.lua and
// kong/db/dao/targets.lua, both versions unless noted):
//
//   - insert formats the target with kong.tools.ip normalize_ip/format_host
//     and the default port 8000 ("10.0.0.1" is stored as "10.0.0.1:8000");
//     an address normalize_ip refuses is a schema violation
//     "Invalid target; not a valid hostname or ip address". Updates store
//     the value as given; every read formats it.
//   - uniqueness: 3.x has cache_key {upstream, target} (a database
//     constraint, 409 on both fields); 2.8 checks the upstream's targets in
//     the DAO and reports {target=...}.
//   - POST in 2.8 first looks for a target equal to the body's target and,
//     if there is one, updates it: 200 with "Deprecation: true". 3.x only
//     creates.
//   - /upstreams/{u}/targets lists the upstream's targets newest first
//     (created_at, then id, reversed), one per target address, with
//     numeric offsets; /upstreams/{u}/targets/all lists every row (the
//     database page, base64 offsets).
//   - /upstreams/{u}/targets/{t} finds {t} by id, or else as the newest
//     target whose formatted address equals {t} as written; PUT and PATCH
//     both update it (no upsert) and answer 404 when there is none; DELETE
//     deletes it, 404 when there is none.
//   - health marks: POST .../healthy|unhealthy in 2.8, PUT in 3.x.
//
// Deleting a target deletes it: the weight-0 history entries of Kong
// before 2.2 are gone in both versions.

const targetDefaultPort = 8000

// formatTarget is targets.lua format_target; "" when normalize_ip refuses it.
func formatTarget(t string) string {
	a, err := normalizeIP(t)
	if err != "" {
		return ""
	}
	return formatHost(a, targetDefaultPort)
}

// formatTargetInput applies the DAO's insert/upsert formatting to a body.
func formatTargetInput(body map[string]any) *kongError {
	t, ok := body["target"].(string)
	if !ok {
		return nil
	}
	f := formatTarget(t)
	if f == "" {
		return schemaViolation(fieldErrors{"target": "Invalid target; not a valid hostname or ip address"})
	}
	body["target"] = f
	return nil
}

// renderTarget formats the stored address, as _TARGETS:select does.
func renderTarget(out map[string]any) {
	if t, ok := out["target"].(string); ok {
		if f := formatTarget(t); f != "" {
			out["target"] = f
		}
	}
}

// upstreamTargets returns the upstream's target rows in created_at, id order.
func (s *Server) upstreamTargets(upstreamID string) []map[string]any {
	rows := s.db.children("targets", "upstream", upstreamID)
	sort.SliceStable(rows, func(i, j int) bool {
		a, _ := toFloat(rows[i]["created_at"])
		b, _ := toFloat(rows[j]["created_at"])
		if a != b {
			return a < b
		}
		return rows[i]["id"].(string) < rows[j]["id"].(string)
	})
	return rows
}

// findTarget is target_endpoint's lookup: by id, else the newest row whose
// formatted address equals key.
func (s *Server) findTarget(up map[string]any, key string) map[string]any {
	if isUUID(key) {
		t := s.db.get("targets", key)
		if t == nil || foreignID(t["upstream"]) != up["id"] {
			return nil
		}
		return t
	}
	rows := s.upstreamTargets(up["id"].(string))
	for i := len(rows) - 1; i >= 0; i-- {
		if formatTarget(str(rows[i]["target"])) == key {
			return rows[i]
		}
	}
	return nil
}

// activeTargets is the upstream's targets newest first, one row per
// address: the newest row of each.
func (s *Server) activeTargets(upstreamID string) []map[string]any {
	rows := s.upstreamTargets(upstreamID)
	var active []map[string]any
	seen := map[string]bool{}
	for i := len(rows) - 1; i >= 0; i-- {
		t := formatTarget(str(rows[i]["target"]))
		if !seen[t] {
			seen[t] = true
			active = append(active, rows[i])
		}
	}
	return active
}

// targetParent resolves {parent} of a target endpoint.
func (s *Server) targetParent(r *request) (map[string]any, response, bool) {
	return s.parentOf(r, s.defs["upstreams"])
}

// listTargets is page_for_upstream: newest first, one row per address.
func (s *Server) listTargets(r *request) response {
	up, resp, found := s.targetParent(r)
	if !found {
		return resp
	}
	q := r.URL.Query()
	size := 100
	if q.Has("size") {
		n, err := strconv.ParseFloat(q.Get("size"), 64)
		if err != nil {
			return fail(invalidSize("size must be a number"))
		}
		size = int(n)
		if size > 1000 {
			size = 1000
		}
	}
	offset := 0
	if o := q.Get("offset"); o != "" {
		n, err := strconv.Atoi(o)
		if err != nil || n < 0 {
			return fail(invalidOffset(o, "bad offset"))
		}
		offset = n
	}
	active := s.activeTargets(up["id"].(string))
	data := []any{}
	for i := offset; i < offset+size && i < len(active); i++ {
		data = append(data, s.render(s.defs["targets"], active[i]))
	}
	body := map[string]any{"data": data, "next": nil}
	if offset+size < len(active) && size > 0 {
		next := strconv.Itoa(offset + size)
		body["offset"] = next
		body["next"] = "/upstreams/" + r.param("parent") + "/targets?offset=" + url.QueryEscape(next)
	}
	return ok(http.StatusOK, body)
}

// listAllTargets is /upstreams/{u}/targets/all: every row, database order.
func (s *Server) listAllTargets(r *request) response {
	up, resp, found := s.targetParent(r)
	if !found {
		return resp
	}
	id := up["id"].(string)
	return s.page(r, s.defs["targets"], func(row map[string]any) bool { return foreignID(row["upstream"]) == id },
		"/upstreams/"+r.param("parent")+"/targets/all", false)
}

// createTarget is POST /upstreams/{u}/targets.
func (s *Server) createTarget(r *request) response {
	def := s.defs["targets"]
	up, resp, found := s.targetParent(r)
	if !found {
		return resp
	}
	body := s.bodyFor(r, def)
	if !s.v3 {
		// update_existent_target: compatibility with Kong < 2.2
		if t, ok := body["target"].(string); ok {
			if existing := s.findTarget(up, t); existing != nil {
				body["upstream"] = map[string]any{"id": up["id"]}
				row, kerr := s.update(def, existing, body)
				if kerr != nil {
					return fail(kerr)
				}
				h := http.Header{}
				h.Set("Deprecation", "true")
				return response{status: http.StatusOK, body: s.render(def, row), header: h}
			}
		}
	}
	body["upstream"] = map[string]any{"id": up["id"]}
	if kerr := formatTargetInput(body); kerr != nil {
		return fail(kerr)
	}
	if !s.v3 {
		if t, ok := body["target"].(string); ok && s.findTarget(up, t) != nil {
			return fail(uniqueViolation(map[string]any{"target": t}))
		}
	}
	row, kerr := s.insert(def, body)
	if kerr != nil {
		return fail(kerr)
	}
	return ok(http.StatusCreated, s.render(def, row))
}

// targetEntity serves GET, PUT, PATCH and DELETE /upstreams/{u}/targets/{t}.
func (s *Server) targetEntity(r *request) response {
	def := s.defs["targets"]
	up, resp, found := s.targetParent(r)
	if !found {
		return resp
	}
	t := s.findTarget(up, r.param("key"))
	if t == nil {
		return notFound()
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		return ok(http.StatusOK, s.render(def, t))
	case http.MethodDelete:
		if kerr := s.remove(def, t); kerr != nil {
			return fail(kerr)
		}
		return ok(http.StatusNoContent, nil)
	}
	body := s.bodyFor(r, def)
	if _, has := body["upstream"]; !has {
		body["upstream"] = deepCopy(t["upstream"])
	}
	if r.Method == http.MethodPut && s.opts.KonnectControlPlane {
		return s.replaceTarget(def, t, body)
	}
	row, kerr := s.update(def, t, body)
	if kerr != nil {
		return fail(kerr)
	}
	return ok(http.StatusOK, s.render(def, row))
}

// replaceTarget is PUT of a target on a Konnect control plane, which
// replaces the target. Konnect's control plane (Kong/koko, the open-sourced
// Konnect control plane) stores the request's target as a whole
// (internal/server/admin/target_service.go UpsertTarget: res.Target =
// req.Item, then db.Upsert), so a field the body leaves out gets its
// default (internal/resource/target.go ProcessDefaults: weight 100; no
// tags), the address is formatted as on an insert (validateAndFormatTarget;
// internal/server/admin/target_test.go reads "10.60.24.7" back as
// "10.60.24.7:8000"), and the stored created_at is kept
// (internal/store/store.go Upsert, setCreationTimestamp). Konnect has no
// PATCH for targets, hence the PUT (Kong/go-kong commit caa5f7b,
// "Konnect doesn't support PATCH"); the id stays the target's.
func (s *Server) replaceTarget(def *entityDef, t, body map[string]any) response {
	body["id"] = t["id"]
	body["created_at"] = t["created_at"]
	if kerr := formatTargetInput(body); kerr != nil {
		return fail(kerr)
	}
	row, kerr := s.replace(def, t, body)
	if kerr != nil {
		return fail(kerr)
	}
	return ok(http.StatusOK, s.render(def, row))
}

// markTarget is the health mark of a target (2.8 POST, 3.x PUT
// .../healthy|unhealthy, optionally per address): 204 when the target
// exists. The emulator proxies nothing, so no health state changes.
func (s *Server) markTarget(r *request) response {
	up, resp, found := s.targetParent(r)
	if !found {
		return resp
	}
	if s.findTarget(up, r.param("key")) == nil {
		return notFound()
	}
	return ok(http.StatusNoContent, nil)
}

// upstreamHealth is GET /upstreams/{u}/health: the listed targets with
// health checks off (nothing is proxied or resolved).
func (s *Server) upstreamHealth(r *request) response {
	up, kerr := s.lookup(s.defs["upstreams"], r.param("key"))
	if kerr != nil {
		return fail(kerr)
	}
	if up == nil {
		return notFound()
	}
	data := []any{}
	for _, row := range s.activeTargets(up["id"].(string)) {
		h := s.render(s.defs["targets"], row)
		h["health"] = "HEALTHCHECKS_OFF"
		h["data"] = map[string]any{"addresses": []any{}}
		data = append(data, h)
	}
	return ok(http.StatusOK, map[string]any{"data": data, "next": nil, "node_id": s.nodeID})
}

// targetRoutes replaces the generated handlers of the nested target
// endpoints with Kong's custom ones and adds /targets/all and the health
// marks.
func (s *Server) targetRoutes(rs []route, add func(method, pattern string, h handler)) {
	if s.defs["upstreams"] == nil || s.defs["targets"] == nil {
		return
	}
	const coll = "/upstreams/{parent}/targets"
	for i := range rs {
		switch {
		case rs[i].pattern == coll && rs[i].method == "GET":
			rs[i].handle = s.listTargets
		case rs[i].pattern == coll && rs[i].method == "POST":
			rs[i].handle = s.createTarget
		case rs[i].pattern == coll+"/{key}":
			rs[i].handle = s.targetEntity
		}
	}
	add("GET", coll+"/all", s.listAllTargets)
	add("GET", "/upstreams/{key}/health", s.upstreamHealth)
	method := "POST"
	if s.v3 {
		method = "PUT"
	}
	for _, state := range []string{"healthy", "unhealthy"} {
		add(method, coll+"/{key}/"+state, s.markTarget)
		add(method, coll+"/{key}/{address}/"+state, s.markTarget)
	}
}

// upstreamShorthands applies upstreams.lua's shorthand_fields to a request
// body (insert, upsert and the patch of an update, as process_auto_fields
// does), which the schema JSON does not carry: "algorithm" first
// (least-connections, and latency in 3.x, clear hash_on), then "hash_on"
// (null becomes "none"; "none" sets algorithm round-robin, anything else
// consistent-hashing).
func upstreamShorthands(body map[string]any, v3 bool) {
	if a, ok := body["algorithm"].(string); ok && (a == "least-connections" || v3 && a == "latency") {
		body["hash_on"] = nil
	}
	v, present := body["hash_on"]
	if !present {
		return
	}
	switch h := v.(type) {
	case nil:
		body["hash_on"] = "none"
	case string:
		if h == "none" {
			body["algorithm"] = "round-robin"
		} else {
			body["algorithm"] = "consistent-hashing"
		}
	}
}
