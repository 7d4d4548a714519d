package kongemu

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
)

// Kong Enterprise workspaces (Options.Enterprise). Every workspace has an
// entity store of its own, so names, UNIQUE fields and foreign keys are
// per workspace, and is served by a "view": a Server sharing the root's
// schemas, lock and request counter, with its own store and route table.
// The root Server is the view of the default workspace, which always
// exists. The workspace rows themselves live in a registry, served at
// /workspaces by the generic entity handlers of a Server whose only entity
// is "workspaces", so they are validated by the workspaces schema and
// paginated like every other collection.
//
// Routing (Server.workspaceFor): a path that matches an endpoint as it is
// is served by the default workspace; otherwise its first segment must name
// a workspace and the rest is served by that workspace's view, so
// /team-a/services/foo is services/foo in team-a and /team-a/ and
// /team-a/kong answer the node information.
type enterprise struct {
	registry  *Server            // serves /workspaces; its db holds the workspace rows
	def       *entityDef         // the workspaces entity
	views     map[string]*Server // by workspace id; the default workspace's is the root
	defaultID string
}

// enterpriseWorkspacesFields are the meta and config record fields of Kong
// Enterprise's workspaces schema, which OSS declares with no fields (so an
// OSS Kong refuses {"meta":{"color":...}} as an unknown field). They follow
// the workspace object of Kong Enterprise's Admin API documentation
// (docs.konghq.com, workspaces reference: meta {color, thumbnail}, config
// {portal: false, portal_* null, portal_developer_meta_fields with its
// default}); the field types are not in that documentation and are
// unverified, as is everything else an Enterprise node would add.
const enterpriseWorkspacesFields = `{
  "meta": [
    {"color": {"type": "string"}},
    {"thumbnail": {"type": "string"}}
  ],
  "config": [
    {"portal": {"type": "boolean", "required": true, "default": false}},
    {"portal_auth": {"type": "string"}},
    {"portal_auth_conf": {"type": "string"}},
    {"portal_auto_approve": {"type": "boolean"}},
    {"portal_token_exp": {"type": "integer"}},
    {"portal_invite_email": {"type": "boolean"}},
    {"portal_access_request_email": {"type": "boolean"}},
    {"portal_approved_email": {"type": "boolean"}},
    {"portal_reset_email": {"type": "boolean"}},
    {"portal_reset_success_email": {"type": "boolean"}},
    {"portal_application_request_email": {"type": "boolean"}},
    {"portal_application_status_email": {"type": "boolean"}},
    {"portal_emails_from": {"type": "string"}},
    {"portal_emails_reply_to": {"type": "string"}},
    {"portal_smtp_admin_emails": {"type": "set", "elements": {"type": "string"}}},
    {"portal_session_conf": {"type": "string"}},
    {"portal_cors_origins": {"type": "array", "elements": {"type": "string"}}},
    {"portal_developer_meta_fields": {"type": "string", "default": "[{\"label\":\"Full Name\",\"title\":\"full_name\",\"validator\":{\"required\":true,\"type\":\"string\"}}]"}},
    {"portal_is_legacy": {"type": "boolean"}},
    {"meta": {"type": "string"}}
  ]
}`

// enterpriseWorkspacesSchema returns the emulated version's workspaces
// schema (the body Kong serves at /schemas/workspaces) with the Enterprise
// meta and config fields filled in.
func enterpriseWorkspacesSchema(oss json.RawMessage) (json.RawMessage, error) {
	var body map[string]any
	if err := decodeJSON(oss, &body); err != nil {
		return nil, err
	}
	var extra map[string][]any
	if err := decodeJSON([]byte(enterpriseWorkspacesFields), &extra); err != nil {
		return nil, err
	}
	fields, _ := body["fields"].([]any)
	for _, f := range fields {
		for name, spec := range f.(map[string]any) {
			if add, ok := extra[name]; ok {
				spec.(map[string]any)["fields"] = add
			}
		}
	}
	return json.Marshal(body)
}

// enableEnterprise swaps in the Enterprise workspaces schema and creates
// the registry with its default workspace. Called by New before the route
// table is built.
func (s *Server) enableEnterprise() error {
	sc := s.schemas.entities["workspaces"]
	if sc == nil {
		return fmt.Errorf("no workspaces schema for Kong %s", s.opts.Version)
	}
	raw, err := enterpriseWorkspacesSchema(sc.Raw)
	if err != nil {
		return err
	}
	ee, err := parseSchema("workspaces", raw)
	if err != nil {
		return err
	}
	// workspaces.lua declares name as typedefs.utf8_name (the description
	// the schema carries), whose validator the JSON cannot express.
	if f := ee.Field("name"); f != nil {
		f.custom = utf8Name
	}
	s.schemas.entities["workspaces"] = ee
	def := &entityDef{dao: "workspaces", path: "workspaces", endpointKey: "name"}
	reg := &Server{opts: s.opts, v3: s.v3, schemas: s.schemas, pluginCache: s.pluginCache, vaultCache: s.vaultCache,
		defList: []*entityDef{def}, defs: map[string]*entityDef{"workspaces": def},
		nodeID: s.nodeID, requests: s.requests, mu: s.mu, db: newStore(), root: s}
	s.ent = &enterprise{registry: reg, def: def}
	s.resetWorkspaces()
	return nil
}

// resetWorkspaces leaves only an empty default workspace (s.mu held, or
// during New).
func (s *Server) resetWorkspaces() {
	e := s.ent
	e.registry.db = newStore()
	row, kerr := e.registry.insert(e.def, map[string]any{"name": "default"})
	if kerr != nil {
		panic("creating the default workspace: " + kerr.message)
	}
	e.defaultID = row["id"].(string)
	e.views = map[string]*Server{e.defaultID: s}
}

// view returns a Server serving workspace id with its own empty store.
func (s *Server) newView() *Server {
	v := &Server{opts: s.opts, v3: s.v3, schemas: s.schemas, pluginCache: s.pluginCache, vaultCache: s.vaultCache,
		defList: s.defList, defs: s.defs, nodeID: s.nodeID, requests: s.requests, mu: s.mu,
		db: newStore(), ent: s.ent, root: s}
	v.table = v.routes()
	return v
}

// syncViews gives every workspace in the registry a view and drops the
// views (and entities) of workspaces that no longer exist (s.mu held).
func (s *Server) syncViews() {
	e := s.ent
	ids := map[string]bool{}
	for _, row := range e.registry.db.sorted("workspaces", nil) {
		id := row["id"].(string)
		ids[id] = true
		if e.views[id] == nil {
			e.views[id] = s.newView()
		}
	}
	for id := range e.views {
		if !ids[id] {
			delete(e.views, id)
		}
	}
}

// workspaceFor picks the view that serves segs and the path it sees. A
// path that is an endpoint as it stands belongs to the default workspace
// (no workspace can be named like a top-level endpoint segment such as
// "services": the schema's not_one_of refuses those names). nil means the
// first segment names no workspace: 404 {"message":"Not found"}. How Kong
// Enterprise answers an unknown workspace prefix is unverified (neither
// kong-admin-spec.md nor go-kong's tests say); go-kong's
// Workspaces.ExistsByName (GET /{name}/workspaces/{name}) only needs a 404.
func (s *Server) workspaceFor(segs []string) (*Server, []string) {
	if len(segs) == 0 || s.match(segs) != "" {
		return s, segs
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	// The view is used after the lock is released; a workspace deleted in
	// between leaves the request working on a store nobody sees any more,
	// like a request racing a delete in Kong.
	if row := s.ent.registry.db.find("workspaces", "name", segs[0]); row != nil {
		return s.ent.views[row["id"].(string)], segs[1:]
	}
	return nil, nil
}

// workspaceRoutes are /workspaces and /workspaces/{key}, served by the
// registry from every view (so /{ws}/workspaces/{ws} works, which go-kong's
// ExistsByName uses), plus GET /kong, the node information under a
// workspace prefix (go-kong's Root with a workspace: GET /{ws}/kong).
func (s *Server) workspaceRoutes(add func(method, pattern string, h handler)) {
	e := s.ent
	reg, def := e.registry, e.def
	root := s.root
	synced := func(h handler) handler {
		return func(r *request) response {
			resp := h(r)
			if resp.err == nil {
				root.syncViews()
			}
			return resp
		}
	}
	add("GET", "/kong", s.getRoot)
	add("GET", "/workspaces", reg.listCollection(def, nil, ""))
	add("POST", "/workspaces", synced(reg.createInCollection(def, nil, "")))
	add("GET", "/workspaces/{key}", reg.getEntity(def, nil, ""))
	// The default workspace keeps its name. Unverified, like the delete
	// refusals below: the status and wording are a guess.
	keepDefault := func(h handler) handler {
		return func(r *request) response {
			row, kerr := reg.lookup(def, r.param("key"))
			if kerr != nil {
				return fail(kerr)
			}
			if row != nil && row["id"] == e.defaultID {
				if name, has := r.body["name"]; has && name != "default" {
					return fail(plainError(http.StatusBadRequest, "Cannot rename default workspace"))
				}
			}
			return synced(h)(r)
		}
	}
	add("PUT", "/workspaces/{key}", keepDefault(reg.putEntity(def, nil, "")))
	add("PATCH", "/workspaces/{key}", keepDefault(reg.patchEntity(def, nil, "")))
	del := reg.deleteEntity(def, nil, "")
	add("DELETE", "/workspaces/{key}", func(r *request) response {
		row, kerr := reg.lookup(def, r.param("key"))
		if kerr != nil {
			return fail(kerr)
		}
		if row != nil {
			id := row["id"].(string)
			// Unverified: the status and wording with which Kong
			// Enterprise refuses these two deletes are not in
			// kong-admin-spec.md; 400 with a message is a guess.
			if id == e.defaultID {
				return fail(plainError(http.StatusBadRequest, "Cannot delete default workspace"))
			}
			if v := e.views[id]; v != nil && !v.db.empty() && r.URL.Query().Get("cascade") != "true" {
				return fail(plainError(http.StatusBadRequest, "Workspace is not empty"))
			}
		}
		return synced(del)(r)
	})
}

// empty reports whether the store holds no (live) row.
func (st *store) empty() bool {
	for dao := range st.tables {
		if len(st.sorted(dao, nil)) > 0 {
			return false
		}
	}
	return true
}

// WorkspaceNames lists the workspaces (Enterprise mode; nil for OSS), for
// tests.
func (s *Server) WorkspaceNames() []string {
	if s.ent == nil {
		return nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []string
	for _, row := range s.ent.registry.db.sorted("workspaces", nil) {
		out = append(out, row["name"].(string))
	}
	sort.Strings(out)
	return out
}
