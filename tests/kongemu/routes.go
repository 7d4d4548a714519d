package kongemu

import (
	"net/http"
	"strings"
)

// routes lists the whole supported Admin API surface, one line per
// (method, path). The entity endpoints are generated per DAO and per
// foreign key, as kong/api/endpoints.lua generate_endpoints does.
func (s *Server) routes() []route {
	var rs []route
	add := func(method, pattern string, h handler) {
		rs = append(rs, route{method: method, pattern: pattern, segs: strings.Split(strings.Trim(pattern, "/"), "/"), handle: h})
		if pattern == "/" {
			rs[len(rs)-1].segs = nil
		}
	}
	add("GET", "/", s.getRoot)
	add("GET", "/status", s.getStatus)
	add("GET", "/endpoints", s.getEndpoints)
	add("GET", "/schemas/{entity}", s.getEntitySchema)
	add("POST", "/schemas/{entity}/validate", s.validateEntity)
	add("GET", "/schemas/plugins/{name}", s.getPluginSchema)
	add("POST", "/schemas/plugins/validate", s.validatePlugin)
	add("GET", "/plugins/enabled", s.getEnabledPlugins)
	add("GET", "/plugins/schema/{name}", s.getPluginConfigSchema)
	add("GET", "/tags", s.listTags)
	add("GET", "/tags/{tag}", s.listTags)
	add("GET", "/config", s.configDBLessOnly)
	add("POST", "/config", s.configDBLessOnly)

	for _, def := range s.defList {
		d := def
		if !d.noTopLevel {
			coll := "/" + d.path
			item := coll + "/{key}"
			add("GET", coll, s.listCollection(d, nil, ""))
			add("POST", coll, s.createInCollection(d, nil, ""))
			add("GET", item, s.getEntity(d, nil, ""))
			add("PUT", item, s.putEntity(d, nil, ""))
			add("PATCH", item, s.patchEntity(d, nil, ""))
			add("DELETE", item, s.deleteEntity(d, nil, ""))
		}
		// one nested collection per foreign key, and the foreign-entity endpoint
		for _, f := range s.schemas.entities[d.dao].Root.Fields {
			if f.Type != "foreign" {
				continue
			}
			parent := s.defs[f.Reference]
			if parent == nil {
				continue
			}
			seg := d.path
			if d.nestedPath != "" {
				seg = d.nestedPath
			}
			coll := "/" + parent.path + "/{parent}/" + seg
			item := coll + "/{key}"
			add("GET", coll, s.listCollection(d, parent, f.Name))
			add("POST", coll, s.createInCollection(d, parent, f.Name))
			add("GET", item, s.getEntity(d, parent, f.Name))
			add("PUT", item, s.putEntity(d, parent, f.Name))
			add("PATCH", item, s.patchEntity(d, parent, f.Name))
			add("DELETE", item, s.deleteEntity(d, parent, f.Name))
			if !d.noTopLevel {
				fe := "/" + d.path + "/{key}/" + f.Name
				add("GET", fe, s.foreignEntity(d, parent, f.Name))
				add("PUT", fe, s.foreignEntity(d, parent, f.Name))
				add("PATCH", fe, s.foreignEntity(d, parent, f.Name))
				add("DELETE", fe, s.foreignEntity(d, parent, f.Name))
			}
		}
	}
	s.targetRoutes(rs, add)
	s.certificateRoutes(rs)
	s.vaultRoutes(add)
	if s.ent != nil {
		s.workspaceRoutes(add)
	}
	// decK lists mtls-auths (an Enterprise credential); serve it empty.
	add("GET", "/mtls-auths", func(*request) response { return ok(http.StatusOK, map[string]any{"data": []any{}, "next": nil}) })
	return rs
}
