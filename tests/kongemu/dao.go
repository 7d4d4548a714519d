package kongemu

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// This file is the DAO layer (kong/db/dao/init.lua): it turns request
// bodies into stored rows (defaults, validation, foreign keys, uniqueness)
// and applies deletes with Kong's restrict/cascade rules.

type writeMode int

const (
	modeInsert writeMode = iota
	modeUpsert
	modeUpdate
	modeValidate // POST /schemas/{entity}/validate: schema checks only
)

func jsonNum(i int) json.Number { return json.Number(strconv.Itoa(i)) }

// stamp renders a timestamp for field f: integer seconds
// (auto_timestamp_s), or seconds with milliseconds for "number" fields
// (auto_timestamp_ms, e.g. targets).
func (s *Server) stamp(f *Field, now json.Number) json.Number {
	if f.Type != "number" || s.opts.Now != nil {
		return now
	}
	ms := time.Now().UnixMilli()
	return json.Number(strconv.FormatFloat(float64(ms)/1000, 'f', -1, 64))
}

// schemaFor returns the schema a row of dao is validated with. Plugins get
// the base plugin schema with the named plugin's fields and checks merged in.
func (s *Server) schemaFor(dao string, row map[string]any) (*Field, *kongError) {
	if dao == vaultDAO(s.v3) {
		return s.vaultSchema(row)
	}
	if dao != "plugins" {
		sc := s.schemas.entities[dao]
		if sc == nil {
			return nil, plainError(http.StatusNotFound, "Not found")
		}
		return sc.Root, nil
	}
	name, _ := row["name"].(string)
	if name == "" {
		if _, ok := row["name"]; !ok || row["name"] == nil {
			return nil, schemaViolation(fieldErrors{"name": "required field missing"})
		}
		return nil, schemaViolation(fieldErrors{"name": "expected a string"})
	}
	rec := s.pluginSchema(name)
	if rec == nil {
		return nil, schemaViolation(fieldErrors{"name": "plugin '" + name + "' not enabled; add it to the 'plugins' configuration property"})
	}
	return rec, nil
}

func (s *Server) pluginSchema(name string) *Field {
	if rec, ok := s.pluginCache[name]; ok {
		return rec
	}
	return nil
}

func buildPluginSchemas(set *schemaSet) map[string]*Field {
	out := map[string]*Field{}
	base := set.entities["plugins"].Root
	for name, sub := range set.plugins {
		out[name] = mergeSubschema(base, sub.Root)
	}
	return out
}

// mergeSubschema is the parent record (plugins, vaults) with the
// subschema's fields in place of its own, then any field the parent lacks,
// and both sets of entity checks (Entity.new_subschema).
func mergeSubschema(base, sub *Field) *Field {
	rec := &Field{Type: "record"}
	overrides := map[string]*Field{}
	for _, f := range sub.Fields {
		overrides[f.Name] = f
	}
	for _, f := range base.Fields {
		if o, ok := overrides[f.Name]; ok {
			rec.Fields = append(rec.Fields, o)
			delete(overrides, f.Name)
		} else {
			rec.Fields = append(rec.Fields, f)
		}
	}
	for _, f := range sub.Fields {
		if _, ok := overrides[f.Name]; ok {
			rec.Fields = append(rec.Fields, f)
		}
	}
	rec.EntityChecks = append(append([]map[string]any{}, base.EntityChecks...), sub.EntityChecks...)
	return rec
}

func (s *Server) newID() string {
	if s.opts.NewID != nil {
		return s.opts.NewID()
	}
	return uuid.NewString()
}

func randomKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// prepare runs everything up to and including schema validation and
// returns the complete row.
func (s *Server) prepare(def *entityDef, body map[string]any, existing map[string]any, mode writeMode) (map[string]any, *sidePlan, *kongError) {
	fe := fieldErrors{}
	if def.dao == "upstreams" {
		upstreamShorthands(body, s.v3)
	}
	if def.dao == "services" {
		expandServiceURL(body, fe)
		if len(fe) > 0 {
			return nil, nil, schemaViolation(fe)
		}
	}
	input := deepCopy(body).(map[string]any)
	if def.dao == "certificates" && s.schemas.entities["certificates"].Field("snis") == nil && mode != modeValidate {
		// 2.8: the API layer takes "snis" out before the DAO sees the body;
		// POST /schemas/certificates/validate does not (validate_schema
		// runs the schema alone), so there it is an unknown field
		delete(body, "snis")
	}
	var row map[string]any
	if mode == modeUpdate {
		delete(body, "created_at")
		delete(body, "updated_at")
		delete(body, "id")
		rec := s.mergeSchema(def, existing, body)
		// translate deprecated shorthands in the patch itself, so a
		// shorthand wins over the stored value it replaces
		translateShorthands(rec, body)
		row = mergeRecords(deepCopy(existing).(map[string]any), body, rec)
	} else {
		row = body
		if def.dao == "routes" && row["strip_path"] == nil {
			// the grpc subschemas default strip_path to false
			if _, given := row["strip_path"]; !given {
				for _, p := range strList(row["protocols"]) {
					if p == "grpc" || p == "grpcs" {
						row["strip_path"] = false
					}
				}
			}
		}
	}
	if err := s.resolveForeign(def, row); err != nil && mode != modeValidate {
		return nil, nil, err
	}
	rec, kerr := s.schemaFor(def.dao, row)
	if kerr != nil {
		return nil, nil, kerr
	}
	fillRecord(rec, row)
	now := s.now()
	for _, f := range rec.Fields {
		if !f.Auto {
			continue
		}
		switch {
		case f.Name == "id":
			if row["id"] == nil {
				row["id"] = s.newID()
			}
		case f.Timestamp && f.Name == "created_at":
			// set when absent or null, also on upsert (a client value is kept)
			if row["created_at"] == nil {
				row["created_at"] = s.stamp(f, now)
			}
		case f.Timestamp:
			row[f.Name] = s.stamp(f, now)
		case f.Type == "string" && row[f.Name] == nil:
			row[f.Name] = randomKey()
		}
	}
	validateRecord(rec, row, fe)
	if def.dao == "routes" {
		routeChecks(row, fe)
	}
	var plan *sidePlan
	if len(fe) == 0 {
		plan = s.entityRules(def, row, input, existing, mode, fe)
	}
	if len(fe) > 0 {
		return nil, nil, schemaViolation(fe)
	}
	if id, ok := row["id"].(string); ok {
		row["id"] = strings.ToLower(id)
	}
	canonicalNumbers(row)
	for _, f := range rec.Fields {
		if f.Type == "foreign" {
			if id := foreignID(row[f.Name]); id != "" {
				row[f.Name] = map[string]any{"id": id}
			}
		}
	}
	return row, plan, nil
}

// mergeSchema picks the schema PATCH merges with (records merge, the rest replaces).
func (s *Server) mergeSchema(def *entityDef, existing, body map[string]any) *Field {
	probe := existing
	if n, ok := body["name"]; ok && def.dao == "plugins" {
		probe = map[string]any{"name": n}
	}
	rec, err := s.schemaFor(def.dao, probe)
	if err != nil {
		return nil
	}
	return rec
}

// mergeRecords is Schema:merge_values: keys present in patch replace the
// stored values, except records, which merge recursively.
func mergeRecords(dst, patch map[string]any, rec *Field) map[string]any {
	for k, v := range patch {
		var f *Field
		if rec != nil {
			f = rec.child(k)
		}
		if f != nil && f.Type == "record" && !f.Abstract || f != nil && f.Type == "record" && k == "config" {
			pm, ok1 := v.(map[string]any)
			dm, ok2 := dst[k].(map[string]any)
			if ok1 && ok2 {
				dst[k] = mergeRecords(dm, pm, f)
				continue
			}
		}
		dst[k] = v
	}
	return dst
}

// resolveForeign replaces foreign objects that carry an endpoint key
// instead of an id ({"name":"svc"}) with the id, or fails with code 13.
func (s *Server) resolveForeign(def *entityDef, row map[string]any) *kongError {
	sc := s.schemas.entities[def.dao]
	if sc == nil {
		return nil
	}
	for _, f := range sc.Root.Fields {
		if f.Type != "foreign" {
			continue
		}
		obj, ok := row[f.Name].(map[string]any)
		if !ok {
			continue
		}
		if _, hasID := obj["id"]; hasID {
			continue
		}
		ref := s.defs[f.Reference]
		if ref == nil || ref.endpointKey == "" {
			continue
		}
		key, ok := obj[ref.endpointKey]
		if !ok || key == nil {
			continue
		}
		target := s.db.find(ref.dao, ref.endpointKey, key)
		if target == nil {
			return foreignUnresolved(f.Name, ref.dao, map[string]any{ref.endpointKey: key})
		}
		row[f.Name] = map[string]any{"id": target["id"]}
	}
	return nil
}

// checkRelations runs the database-level checks: primary key, UNIQUE
// (single fields and composite cache keys) and foreign-key existence.
func (s *Server) checkRelations(def *entityDef, row map[string]any, self string, mode writeMode, plan *sidePlan) *kongError {
	id := row["id"].(string)
	if mode == modeInsert && s.db.get(def.dao, id) != nil {
		return primaryKeyViolation(id)
	}
	sc := s.schemas.entities[def.dao].Root
	for _, f := range sc.Fields {
		if !f.Unique || row[f.Name] == nil || f.Name == "id" {
			continue
		}
		if other := s.db.find(def.dao, f.Name, row[f.Name]); other != nil && other["id"] != self {
			return uniqueViolation(map[string]any{f.Name: row[f.Name]})
		}
	}
	if def.cacheKey != nil {
		for _, other := range s.db.where(def.dao, def.cacheKey, row) {
			if other["id"] == self {
				continue
			}
			key := map[string]any{}
			for _, k := range def.cacheKey {
				key[k] = row[k]
			}
			return uniqueViolation(key)
		}
	}
	for _, f := range sc.Fields {
		if f.Type != "foreign" {
			continue
		}
		fid := foreignID(row[f.Name])
		if fid == "" {
			continue
		}
		if s.db.get(f.Reference, fid) == nil {
			return foreignKeyViolation(f.Name, f.Reference, fid)
		}
	}
	if def.dao == "plugins" && plan != nil && plan.explicitProtocols {
		return s.checkPluginProtocols(row)
	}
	return nil
}

// checkPluginProtocols is kong/db/dao/plugins.lua's check_protocols_match.
func (s *Server) checkPluginProtocols(row map[string]any) *kongError {
	protos := strList(row["protocols"])
	overlap := func(other []string) bool {
		for _, p := range protos {
			if has(other, p) {
				return true
			}
		}
		return false
	}
	if rid := foreignID(row["route"]); rid != "" {
		if route := s.db.get("routes", rid); route != nil && !overlap(strList(route["protocols"])) {
			return schemaViolation(fieldErrors{"protocols": "must match the associated route's protocols"})
		}
	} else if sid := foreignID(row["service"]); sid != "" {
		routes := s.db.children("routes", "service", sid)
		if len(routes) > 0 {
			for _, r := range routes {
				if overlap(strList(r["protocols"])) {
					return nil
				}
			}
			return schemaViolation(fieldErrors{"protocols": "must match the protocols of at least one route pointing to this Plugin's service"})
		}
	}
	return nil
}

// insert is POST /{entities}.
func (s *Server) insert(def *entityDef, body map[string]any) (map[string]any, *kongError) {
	row, plan, err := s.prepare(def, body, nil, modeInsert)
	if err != nil {
		return nil, err
	}
	if err := s.checkRelations(def, row, "", modeInsert, plan); err != nil {
		return nil, err
	}
	s.db.put(def.dao, row)
	s.applyPlan(def, row, plan)
	return row, nil
}

// upsert is PUT /{entities}/{key}: full replacement, keeping the id of the
// row the key names (by id, or by endpoint key).
func (s *Server) upsert(def *entityDef, key string, body map[string]any) (map[string]any, *kongError) {
	var existing map[string]any
	if isUUID(key) {
		body["id"] = strings.ToLower(key)
		existing = s.db.get(def.dao, key)
	} else {
		if kerr := s.checkEndpointKey(def, key); kerr != nil {
			return nil, kerr
		}
		body[def.endpointKey] = key
		existing = s.db.find(def.dao, def.endpointKey, key)
		if existing != nil {
			body["id"] = existing["id"]
		} else {
			delete(body, "id")
		}
	}
	return s.replace(def, existing, body)
}

// replace writes body in place of existing (nil: a new row), as a PUT
// does: the fields body leaves out get their defaults.
func (s *Server) replace(def *entityDef, existing, body map[string]any) (map[string]any, *kongError) {
	row, plan, err := s.prepare(def, body, existing, modeUpsert)
	if err != nil {
		return nil, err
	}
	if err := s.checkRelations(def, row, row["id"].(string), modeUpsert, plan); err != nil {
		return nil, err
	}
	s.db.put(def.dao, row)
	s.applyPlan(def, row, plan)
	return row, nil
}

// update is PATCH: merge into the stored row, then validate the result.
func (s *Server) update(def *entityDef, existing map[string]any, body map[string]any) (map[string]any, *kongError) {
	row, plan, err := s.prepare(def, body, existing, modeUpdate)
	if err != nil {
		return nil, err
	}
	row["id"] = existing["id"]
	if err := s.checkRelations(def, row, existing["id"].(string), modeUpdate, plan); err != nil {
		return nil, err
	}
	s.db.put(def.dao, row)
	s.applyPlan(def, row, plan)
	return row, nil
}

// remove deletes a row: refused while a non-cascading reference exists,
// otherwise children with on_delete = cascade go with it.
func (s *Server) remove(def *entityDef, row map[string]any) *kongError {
	id := row["id"].(string)
	if def.dao == "ca_certificates" {
		if kerr := s.caCertificateInUse(id); kerr != nil {
			return kerr
		}
	}
	for _, child := range s.defList {
		sc := s.schemas.entities[child.dao]
		if sc == nil {
			continue
		}
		for _, f := range sc.Root.Fields {
			if f.Type != "foreign" || f.Reference != def.dao || f.OnDelete == "cascade" {
				continue
			}
			if len(s.db.children(child.dao, f.Name, id)) > 0 {
				return referencedBy(child.dao, def.dao)
			}
		}
	}
	s.cascade(def.dao, id)
	return nil
}

func (s *Server) cascade(dao, id string) {
	s.db.remove(dao, id)
	for _, child := range s.defList {
		sc := s.schemas.entities[child.dao]
		if sc == nil {
			continue
		}
		for _, f := range sc.Root.Fields {
			if f.Type == "foreign" && f.Reference == dao && f.OnDelete == "cascade" {
				for _, r := range s.db.children(child.dao, f.Name, id) {
					s.cascade(child.dao, r["id"].(string))
				}
			}
		}
	}
}

// lookup resolves a {name_or_id} URL key. A nil row with a nil error means
// not found.
func (s *Server) lookup(def *entityDef, key string) (map[string]any, *kongError) {
	if isUUID(key) {
		return s.db.get(def.dao, key), nil
	}
	if def.endpointKey == "" {
		return nil, nil
	}
	if kerr := s.checkEndpointKey(def, key); kerr != nil {
		return nil, kerr
	}
	return s.db.find(def.dao, def.endpointKey, key), nil
}

// checkEndpointKey validates a non-UUID key against the endpoint-key field
// (code 10, "invalid unique name").
func (s *Server) checkEndpointKey(def *entityDef, key string) *kongError {
	if def.endpointKey == "" {
		return &kongError{status: http.StatusBadRequest, code: codeInvalidPrimaryKey, name: "invalid primary key",
			message: "schema violation (id: expected a valid UUID)", fields: map[string]any{"id": "expected a valid UUID"}}
	}
	sc := s.schemas.entities[def.dao]
	f := sc.Field(def.endpointKey)
	if f == nil {
		return nil
	}
	if err := validateValue(f, key); err != nil {
		if msg, ok := err.(string); ok {
			return invalidUnique(def.endpointKey, msg)
		}
	}
	return nil
}

// render is the response body of a row: a copy with shorthand fields echoed.
func (s *Server) render(def *entityDef, row map[string]any) map[string]any {
	out := deepCopy(row).(map[string]any)
	s.renderExtras(def, out)
	if def.dao == "plugins" {
		if rec, _ := s.schemaFor("plugins", row); rec != nil {
			echoShorthands(rec, out)
		}
	}
	return out
}
