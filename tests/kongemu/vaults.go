package kongemu

import (
	"fmt"
	"net/http"
)

// Vaults: Kong 3.x serves the vaults entity at /vaults
// (kong/db/schema/entities/vaults.lua); Kong 2.8 has the beta entity
// vaults_beta at /vaults-beta (kong/db/schema/entities/vaults_beta.lua,
// admin_api_name "vaults-beta"). Both are keyed by prefix and take a
// subschema by name (subschema_key = "name", subschema_error "vault '%s'
// is not installed"); the only bundled vault is env (kong/vaults/env).
// Which vaults are installed follows kong.conf's "vaults": "bundled" by
// default in 3.x, "off" by default in 2.8 (kong/templates/kong_defaults.lua),
// so a default 2.8.5 node serves /vaults-beta and refuses every vault.

// vaultDAO is the vault entity of the version: "vaults" or "vaults_beta".
func vaultDAO(v3 bool) string {
	if v3 {
		return "vaults"
	}
	return "vaults_beta"
}

// enableVaults builds the merged schema of every installed vault
// (kong.conf "vaults": Options.Vaults, else the version's default).
func (s *Server) enableVaults() error {
	mode := s.opts.Vaults
	if mode == "" {
		mode = "off"
		if s.v3 {
			mode = "bundled"
		}
	}
	s.vaultCache = map[string]*Field{}
	switch mode {
	case "off":
		return nil
	case "bundled":
	default:
		return fmt.Errorf("unsupported vaults setting %q (supported: bundled, off)", mode)
	}
	base := s.schemas.entities[vaultDAO(s.v3)]
	if base == nil {
		return nil
	}
	for name, sub := range s.schemas.vaults {
		s.vaultCache[name] = mergeSubschema(base.Root, sub.Root)
	}
	return nil
}

// vaultSchema is the schema a vault row validates with: Schema:validate
// refuses a missing or uninstalled name before anything else.
func (s *Server) vaultSchema(row map[string]any) (*Field, *kongError) {
	name, present := row["name"]
	if !present || name == nil {
		return nil, schemaViolation(fieldErrors{"name": "required field missing"})
	}
	n, ok := name.(string)
	if !ok {
		return nil, schemaViolation(fieldErrors{"name": "expected a string"})
	}
	rec := s.vaultCache[n]
	if rec == nil {
		return nil, schemaViolation(fieldErrors{"name": "vault '" + n + "' is not installed"})
	}
	return rec, nil
}

// vaultRoutes adds Kong 3.x's vault schema endpoints
// (kong/api/routes/kong.lua): GET /schemas/vaults/{name} and POST
// /schemas/vaults/validate.
func (s *Server) vaultRoutes(add func(method, pattern string, h handler)) {
	if !s.v3 || s.defs["vaults"] == nil {
		return
	}
	add("GET", "/schemas/vaults/{name}", func(r *request) response {
		if _, installed := s.vaultCache[r.param("name")]; !installed {
			return fail(plainError(http.StatusNotFound, "No vault named '"+r.param("name")+"'"))
		}
		return ok(http.StatusOK, s.schemas.vaults[r.param("name")].Raw)
	})
	add("POST", "/schemas/vaults/validate", func(r *request) response {
		return s.validateBody(r, s.defs["vaults"])
	})
}
