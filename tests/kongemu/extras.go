package kongemu

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"math"
	"net/http"
	"sort"
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
		if v, given := body["snis"]; given || mode != modeUpdate {
			plan.snis, plan.setSNIs = strList(v), v != nil || mode != modeUpdate && given
		}
		delete(row, "snis")
		checkCertKey(row, "cert", "key", fe)
		if row["cert_alt"] != nil || row["key_alt"] != nil {
			checkCertKey(row, "cert_alt", "key_alt", fe)
		}
		if len(fe) == 0 && plan.setSNIs && mode != modeValidate {
			for _, name := range plan.snis {
				if other := s.db.find("snis", "name", name); other != nil && foreignID(other["certificate"]) != row["id"] {
					fe["snis"] = name + " already associated with existing certificate '" + foreignID(other["certificate"]) + "'"
				}
			}
		}
	case "ca_certificates":
		if c, ok := row["cert"].(string); ok && !fe.has("cert") {
			cert, msg := parseCert(c)
			switch {
			case cert == nil:
				fe["cert"] = msg
			case !cert.IsCA:
				fe["cert"] = `certificate does not appear to be a CA because it is missing the "CA" basic constraint`
			case time.Now().After(cert.NotAfter):
				fe["cert"] = "certificate expired, \"Not After\" time is in the past"
			default:
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

func parseCert(p string) (*x509.Certificate, string) {
	block, _ := pem.Decode([]byte(p))
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, "invalid certificate: x509.new: asn1/tasn_dec.c:349:error:0688010A:asn1 encoding routines::nested asn1 error"
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, "invalid certificate: " + err.Error()
	}
	return cert, ""
}

// checkCertKey validates a PEM certificate and key and that they belong together.
func checkCertKey(row map[string]any, certField, keyField string, fe fieldErrors) {
	c, _ := row[certField].(string)
	k, _ := row[keyField].(string)
	if fe.has(certField) || fe.has(keyField) {
		return
	}
	if c == "" || k == "" {
		fe.addEntity("all or none of these fields must be set: '" + certField + "', '" + keyField + "'")
		return
	}
	if _, msg := parseCert(c); msg != "" {
		fe[certField] = msg
		return
	}
	if block, _ := pem.Decode([]byte(k)); block == nil {
		fe[keyField] = "invalid key: pkey.new:load_key: failed to read PEM"
		return
	}
	if _, err := tls.X509KeyPair([]byte(c), []byte(k)); err != nil {
		fe.addEntity("certificate does not match key")
	}
}

// applyPlan performs the side effects of a stored write.
func (s *Server) applyPlan(def *entityDef, row map[string]any, plan *sidePlan) {
	if plan == nil {
		return
	}
	id := row["id"].(string)
	if plan.setSNIs {
		for _, sni := range s.db.sorted("snis", func(r map[string]any) bool { return foreignID(r["certificate"]) == id }) {
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
	if def.dao == "certificates" {
		names := []string{}
		for _, sni := range s.db.sorted("snis", func(r map[string]any) bool { return foreignID(r["certificate"]) == id }) {
			names = append(names, sni["name"].(string))
		}
		sort.Strings(names)
		out["snis"] = names
	}
	if exp, ok := s.db.expiry(def.dao, id); ok {
		out["ttl"] = int(math.Floor(time.Until(exp).Seconds()))
	}
}

// certificateBySNI is the certificate that holds the SNI name: Kong reads
// a /certificates/{key} that is not a UUID as an SNI name
// (kong/api/routes/certificates.lua prepare_params, 2.8.5 and 3.9.3:
// "local sni = kong.db.snis:select_by_name(name) ... id = sni.certificate.id").
func (s *Server) certificateBySNI(name string) map[string]any {
	sni := s.db.find("snis", "name", name)
	if sni == nil {
		return nil
	}
	return s.db.get("certificates", foreignID(sni["certificate"]))
}

// markTarget is POST /upstreams/{u}/targets/{t}/healthy|unhealthy (and the
// per-address form): accepted (204) when the target exists.
func (s *Server) markTarget(r *request) response {
	up, kerr := s.lookup(s.defs["upstreams"], r.param("parent"))
	if kerr != nil {
		return fail(kerr)
	}
	if up == nil {
		return notFound()
	}
	t, kerr := s.lookup(s.defs["targets"], r.param("key"))
	if kerr != nil {
		return fail(kerr)
	}
	if t == nil || foreignID(t["upstream"]) != up["id"] {
		return notFound()
	}
	return ok(http.StatusNoContent, nil)
}

// upstreamHealth is GET /upstreams/{u}/health: every target, with
// health checks off (the emulator proxies nothing).
func (s *Server) upstreamHealth(r *request) response {
	up, kerr := s.lookup(s.defs["upstreams"], r.param("key"))
	if kerr != nil {
		return fail(kerr)
	}
	if up == nil {
		return notFound()
	}
	id := up["id"].(string)
	data := []any{}
	for _, t := range s.db.sorted("targets", func(row map[string]any) bool { return foreignID(row["upstream"]) == id }) {
		h := s.render(s.defs["targets"], t)
		h["health"] = "HEALTHCHECKS_OFF"
		h["data"] = map[string]any{"addresses": []any{}}
		data = append(data, h)
	}
	return ok(http.StatusOK, map[string]any{"data": data, "next": nil, "node_id": s.nodeID})
}
