package kongemu

import (
	"encoding/json"
	"net/http"
	"os"
	"sort"
	"strings"
)

// getRoot is GET / (kong/api/routes/kong.lua), shaped like a Postgres-mode
// node. go-kong's test gates read version, configuration.database and
// configuration.router_flavor (3.x only).
func (s *Server) getRoot(*request) response {
	var available map[string]any
	_ = decodeJSON(s.schemas.available, &available)
	loaded := map[string]any{}
	for name := range available {
		loaded[name] = true
	}
	enabled := []string{}
	seen := map[string]bool{}
	for _, row := range s.db.tables["plugins"] {
		if n, _ := row["name"].(string); n != "" && !seen[n] {
			seen[n] = true
			enabled = append(enabled, n)
		}
	}
	sort.Strings(enabled)
	hostname, _ := os.Hostname()
	conf := map[string]any{
		"database":       "postgres",
		"role":           "traditional",
		"plugins":        []string{"bundled"},
		"loaded_plugins": loaded,
		"log_level":      "notice",
		"admin_listen":   []string{"127.0.0.1:8001"},
		"pg_password":    "******",
		"pg_database":    "kong",
		"pg_host":        "127.0.0.1",
		"pg_port":        5432,
		"pg_user":        "kong",
		"proxy_listeners": []any{
			map[string]any{"ip": "0.0.0.0", "port": 8000, "ssl": false, "http2": false, "listener": "0.0.0.0:8000", "bind": false, "deferred": false, "reuseport": false, "proxy_protocol": false, "backlog=%d+": false},
			map[string]any{"ip": "0.0.0.0", "port": 8443, "ssl": true, "http2": true, "listener": "0.0.0.0:8443 ssl http2", "bind": false, "deferred": false, "reuseport": false, "proxy_protocol": false, "backlog=%d+": false},
		},
		"stream_listeners": []any{},
		"admin_listeners": []any{
			map[string]any{"ip": "127.0.0.1", "port": 8001, "ssl": false, "http2": false, "listener": "127.0.0.1:8001"},
		},
	}
	body := map[string]any{
		"version":       s.ReportedVersion(),
		"tagline":       "Welcome to kong",
		"hostname":      hostname,
		"node_id":       s.nodeID,
		"lua_version":   "LuaJIT 2.1.0-20231117",
		"timers":        map[string]any{"running": 0, "pending": 1},
		"pids":          map[string]any{"master": os.Getpid(), "workers": []int{os.Getpid()}},
		"plugins":       map[string]any{"available_on_server": available, "enabled_in_cluster": enabled},
		"configuration": conf,
	}
	if s.opts.RouterFlavor != "" {
		conf["router_flavor"] = s.opts.RouterFlavor
	}
	if s.opts.Enterprise {
		// go-kong's RunWhenEnterprise reads configuration.rbac (a string)
		// and configuration.portal (a bool); a missing key panics it.
		conf["rbac"] = "off"
		if s.opts.AdminToken != "" {
			conf["rbac"] = "on"
		}
		conf["portal"] = false
	}
	if s.v3 {
		body["edition"] = "community"
		if s.opts.Enterprise {
			body["edition"] = "enterprise"
		}
		conf["wasm"] = false
		body["lua_version"] = "LuaJIT 2.1.0-20231117"
	} else {
		body["lua_version"] = "LuaJIT 2.1.0-beta3"
	}
	return ok(http.StatusOK, body)
}

// getStatus is GET /status in database mode (no configuration_hash).
func (s *Server) getStatus(r *request) response {
	if unit := r.URL.Query().Get("unit"); unit != "" && !strings.Contains("kKmMgGbB", unit) || len(r.URL.Query().Get("unit")) > 1 {
		return fail(plainError(http.StatusBadRequest, "invalid unit '"+r.URL.Query().Get("unit")+"' (expected 'k/K', 'm/M', or 'g/G')"))
	}
	n := s.requests.Load()
	return ok(http.StatusOK, map[string]any{
		"database": map[string]any{"reachable": true},
		"memory": map[string]any{
			"workers_lua_vms": []any{map[string]any{"http_allocated_gc": "43.99 MiB", "pid": os.Getpid()}},
			"lua_shared_dicts": map[string]any{
				"kong":          map[string]any{"allocated_slabs": "0.04 MiB", "capacity": "5.00 MiB"},
				"kong_db_cache": map[string]any{"allocated_slabs": "0.76 MiB", "capacity": "128.00 MiB"},
			},
		},
		"server": map[string]any{"connections_accepted": n, "connections_active": 1, "connections_handled": n,
			"connections_reading": 0, "connections_waiting": 0, "connections_writing": 1, "total_requests": n},
	})
}

func (s *Server) getEndpoints(*request) response {
	var out []string
	seen := map[string]bool{}
	bySegment := map[string]string{}
	for _, d := range s.defList {
		bySegment[d.path] = d.dao
		if d.nestedPath != "" {
			bySegment[d.nestedPath] = d.dao
		}
	}
	for _, rt := range s.table {
		// name variables after the entity they address, as Kong does:
		// /services/{services}/routes/{routes}
		segs := append([]string{}, rt.segs...)
		for j, seg := range segs {
			if strings.HasPrefix(seg, "{") && j > 0 {
				if dao, ok := bySegment[segs[j-1]]; ok {
					segs[j] = "{" + dao + "}"
				}
			}
		}
		p := "/" + strings.Join(segs, "/")
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return ok(http.StatusOK, map[string]any{"data": out})
}

func (s *Server) getEntitySchema(r *request) response {
	sc := s.schemas.entities[r.param("entity")]
	if sc == nil {
		return fail(plainError(http.StatusNotFound, "No entity named '"+r.param("entity")+"'"))
	}
	return ok(http.StatusOK, sc.Raw)
}

func (s *Server) getPluginSchema(r *request) response {
	sc := s.schemas.plugins[r.param("name")]
	if sc == nil {
		return fail(plainError(http.StatusNotFound, "No plugin named '"+r.param("name")+"'"))
	}
	return ok(http.StatusOK, sc.Raw)
}

// getPluginConfigSchema is the deprecated GET /plugins/schema/{name}: the
// config record only.
func (s *Server) getPluginConfigSchema(r *request) response {
	sc := s.schemas.plugins[r.param("name")]
	if sc == nil {
		return fail(plainError(http.StatusNotFound, "No plugin named '"+r.param("name")+"'"))
	}
	var body struct {
		Fields []map[string]json.RawMessage `json:"fields"`
	}
	_ = json.Unmarshal(sc.Raw, &body)
	for _, f := range body.Fields {
		if c, found := f["config"]; found {
			return ok(http.StatusOK, c)
		}
	}
	return ok(http.StatusOK, map[string]any{"fields": []any{}})
}

func (s *Server) validateEntity(r *request) response {
	def := s.defs[r.param("entity")]
	if def == nil {
		return fail(plainError(http.StatusNotFound, "No entity named '"+r.param("entity")+"'"))
	}
	return s.validateBody(r, def)
}

func (s *Server) validatePlugin(r *request) response {
	return s.validateBody(r, s.defs["plugins"])
}

// validateBody runs the schema checks only: no uniqueness, no foreign keys.
func (s *Server) validateBody(r *request, def *entityDef) response {
	if _, _, kerr := s.prepare(def, s.bodyFor(r, def), nil, modeValidate); kerr != nil {
		return fail(kerr)
	}
	return ok(http.StatusOK, map[string]any{"message": "schema validation successful"})
}

func (s *Server) getEnabledPlugins(*request) response {
	return ok(http.StatusOK, map[string]any{"enabled_plugins": s.schemas.pluginNames()})
}

// listTags is GET /tags and /tags/{tag}: one row per (entity, tag).
func (s *Server) listTags(r *request) response {
	want := r.param("tag")
	data := []any{}
	for _, def := range s.defList {
		for _, row := range s.db.sorted(def.dao, nil) {
			for _, t := range strList(row["tags"]) {
				if want == "" || t == want {
					data = append(data, map[string]any{"entity_name": def.dao, "entity_id": row["id"], "tag": t})
				}
			}
		}
	}
	return ok(http.StatusOK, map[string]any{"data": data, "next": nil})
}

func (s *Server) configDBLessOnly(*request) response {
	return fail(plainError(http.StatusBadRequest, "this endpoint is only available when Kong is configured to not use a database"))
}
