package kongemu

import (
	"fmt"
	"net/http"
	"sort"
)

// Certificate endpoints as kong/api/routes/certificates.lua and
// kong/db/dao/certificates.lua serve them (both versions):
//
//   - /certificates/{key} (and its /snis collection) takes an SNI name as
//     well as an id: the certificate that SNI belongs to. An unknown name
//     answers 404 {"message":"SNI not found"}, except PUT, which creates a
//     certificate with a new id and that SNI.
//   - PUT replaces the SNI list: without "snis" the certificate keeps none
//     (prepare_args sets snis to null), and a PUT by name keeps that name.
//   - a "snis" list may not name an SNI twice ("x is duplicated") nor one
//     of another certificate.
//   - /snis/{s}/certificate is disabled (404) in favour of
//     /certificates/{sni}.
//
// 3.x also refuses to delete a CA certificate a service still lists in
// ca_certificates (kong/db/dao/ca_certificates.lua).

// certificateRoutes wraps the generated certificate handlers.
func (s *Server) certificateRoutes(rs []route) {
	if s.defs["certificates"] == nil {
		return
	}
	for i := range rs {
		switch rs[i].pattern {
		case "/certificates/{key}":
			rs[i].handle = s.certificateBySNI("key", true, rs[i].handle)
		case "/certificates/{parent}/snis", "/certificates/{parent}/snis/{key}":
			rs[i].handle = s.certificateBySNI("parent", false, rs[i].handle)
		case "/snis/{key}/certificate":
			rs[i].handle = func(*request) response { return notFound() }
		}
	}
}

// certificateBySNI is prepare_params (and, on the entity, prepare_args).
func (s *Server) certificateBySNI(param string, entity bool, next handler) handler {
	return func(r *request) response {
		key := r.param(param)
		name := ""
		if !isUUID(key) {
			name = key
			if sni := s.db.find("snis", "name", key); sni != nil {
				r.params[param] = foreignID(sni["certificate"])
			} else if r.Method != http.MethodPut {
				return fail(plainError(http.StatusNotFound, "SNI not found"))
			} else {
				r.params[param] = s.newID()
			}
		}
		if entity && (r.Method == http.MethodPut || r.Method == http.MethodPatch) {
			body := s.bodyFor(r, s.defs["certificates"])
			r.form = false // coerced once; the next handler reads the same body
			switch snis := body["snis"].(type) {
			case []any:
				if name != "" && r.Method == http.MethodPut && !inList(name, snis) {
					body["snis"] = append(snis, name)
				}
			case string:
				if name != "" && r.Method == http.MethodPut && name != snis {
					body["snis"] = []any{snis, name}
				} else {
					body["snis"] = []any{snis}
				}
			}
			if _, given := body["snis"]; !given && r.Method == http.MethodPut {
				body["snis"] = nil
			}
		}
		return next(r)
	}
}

// duplicateSNI is parse_name_list's check: the first name given twice.
func duplicateSNI(names []string) string {
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			return n
		}
		seen[n] = true
	}
	return ""
}

// caCertificateInUse is Ca_certificates:check_ca_reference (3.x): a
// service listing the CA certificate in ca_certificates blocks its
// deletion (code 19, "referenced by others").
func (s *Server) caCertificateInUse(id string) *kongError {
	if !s.v3 {
		return nil
	}
	services := s.db.sorted("services", func(row map[string]any) bool {
		return has(strList(row["ca_certificates"]), id)
	})
	if len(services) == 0 {
		return nil
	}
	msg := fmt.Sprintf("ca certificate %s is still referenced by services (id = %s)", id, services[0]["id"])
	return &kongError{status: http.StatusBadRequest, code: codeReferencedByOthers, name: "referenced by others", message: msg}
}

// sortedSNIs lists a certificate's SNI names sorted, as
// list_for_certificate does.
func (s *Server) sortedSNIs(certID string) []string {
	names := []string{}
	for _, sni := range s.db.children("snis", "certificate", certID) {
		names = append(names, sni["name"].(string))
	}
	sort.Strings(names)
	return names
}
