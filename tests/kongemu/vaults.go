package kongemu

import (
	"fmt"
	"net/http"
	"path"
	"strings"
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

// loadVaultSchemas reads schemas/<version>/vaults/<name>.json: the body of
// GET /schemas/vaults/<name> (kong/vaults/<name>/schema.lua as
// Entity.new_subschema makes it).
func loadVaultSchemas(set *schemaSet) error {
	set.vaults = map[string]*Schema{}
	dir := path.Join("schemas", set.version, "vaults")
	entries, err := schemaFS.ReadDir(dir)
	if err != nil {
		return nil // no vault schemas for this version
	}
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".json")
		raw, err := schemaFS.ReadFile(path.Join(dir, e.Name()))
		if err != nil {
			return err
		}
		sc, err := parseSchema(name, raw)
		if err != nil {
			return err
		}
		set.vaults[name] = sc
	}
	return nil
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

// mergeSubschema is the parent record with the subschema's fields in place
// of its own (Schema.new_subschema: a subschema may only specialize
// existing fields) and both sets of entity checks.
func mergeSubschema(base, sub *Field) *Field {
	rec := &Field{Type: "record"}
	overrides := map[string]*Field{}
	for _, f := range sub.Fields {
		overrides[f.Name] = f
	}
	for _, f := range base.Fields {
		if o, ok := overrides[f.Name]; ok {
			rec.Fields = append(rec.Fields, o)
		} else {
			rec.Fields = append(rec.Fields, f)
		}
	}
	rec.EntityChecks = append(append([]map[string]any{}, base.EntityChecks...), sub.EntityChecks...)
	return rec
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
