package kongemu

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"math"
	"time"
)

// Entity rules Kong implements in DAO code or Lua validators rather than in
// the schema JSON: certificate parsing, the transient certificate "snis"
// field, basic-auth password hashing and key-auth TTLs.

// sidePlan carries what a write does besides storing the row.
type sidePlan struct {
	snis    []string // certificate SNIs to (re)attach
	setSNIs bool
	// the body named protocols: only then are they checked against the
	// route's (kong/db/dao/plugins.lua runs that check on the raw input)
	explicitProtocols bool
	ttl               *float64 // seconds to live, from the "ttl" field
}

// entityRules runs after schema validation; field errors go into fe.
func (s *Server) entityRules(def *entityDef, row, body, existing map[string]any, mode writeMode, fe fieldErrors) *sidePlan {
	_, explicit := body["protocols"]
	plan := &sidePlan{explicitProtocols: explicit && body["protocols"] != nil}
	switch def.dao {
	case "certificates":
		// kong/db/dao/certificates.lua parse_name_list: a list or null
		// replaces the SNIs (null: none); absent keeps them (a PUT without
		// snis arrives here as null, see certificates.go)
		if v, given := body["snis"]; given {
			plan.snis, plan.setSNIs = strList(v), true
		}
		delete(row, "snis")
		if dup := duplicateSNI(plan.snis); dup != "" && len(fe) == 0 {
			fe["snis"] = dup + " is duplicated"
		}
		if len(fe) == 0 && plan.setSNIs && mode != modeValidate {
			for _, name := range plan.snis {
				if other := s.db.find("snis", "name", name); other != nil && foreignID(other["certificate"]) != row["id"] {
					fe["snis"] = name + " already associated with existing certificate '" + foreignID(other["certificate"]) + "'"
				}
			}
		}
	case "ca_certificates":
		// the cert_digest transformation (ca_certificates.lua): the
		// SHA-256 of the DER certificate, hex
		if c, ok := row["cert"].(string); ok && len(fe) == 0 {
			if cert, _ := parseCert(c); cert != nil {
				sum := sha256.Sum256(cert.Raw)
				row["cert_digest"] = hex.EncodeToString(sum[:])
			}
		}
	case "basicauth_credentials":
		// kong/plugins/basic-auth/crypto.lua: sha1(password .. consumer_id), hex
		if pw, ok := body["password"].(string); ok && len(fe) == 0 {
			sum := sha1.Sum([]byte(pw + foreignID(row["consumer"])))
			row["password"] = hex.EncodeToString(sum[:])
		}
	}
	if _, given := body["ttl"]; given {
		if n, ok := toFloat(row["ttl"]); ok {
			plan.ttl = &n
		}
	}
	return plan
}

// applyPlan performs the side effects of a stored write.
func (s *Server) applyPlan(def *entityDef, row map[string]any, plan *sidePlan) {
	if plan == nil {
		return
	}
	id := row["id"].(string)
	if plan.setSNIs {
		for _, sni := range s.db.children("snis", "certificate", id) {
			if !has(plan.snis, sni["name"].(string)) {
				s.db.remove("snis", sni["id"].(string))
			}
		}
		now := s.now()
		for _, name := range plan.snis {
			if s.db.find("snis", "name", name) != nil {
				continue
			}
			s.db.put("snis", map[string]any{"id": s.newID(), "name": name, "certificate": map[string]any{"id": id},
				"tags": nil, "created_at": now, "updated_at": now})
		}
	}
	if plan.ttl != nil {
		s.db.setExpiry(def.dao, id, time.Now().Add(time.Duration(*plan.ttl*float64(time.Second))))
	}
}

// renderExtras adds computed fields: certificate SNIs and remaining TTLs.
func (s *Server) renderExtras(def *entityDef, out map[string]any) {
	id, _ := out["id"].(string)
	if def.dao == "targets" {
		renderTarget(out)
	}
	if def.dao == "certificates" {
		out["snis"] = s.sortedSNIs(id)
	}
	if exp, ok := s.db.expiry(def.dao, id); ok {
		out["ttl"] = int(math.Floor(time.Until(exp).Seconds()))
	}
}
