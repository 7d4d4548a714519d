package kongemu

import (
	"strconv"
	"strings"
)

// entityDef describes one DAO: its schema name, the path of its collection
// and the field its {name_or_id} URL keys resolve against.
type entityDef struct {
	dao         string   // schema / DAO name, e.g. "keyauth_credentials"
	path        string   // collection path segment, e.g. "key-auths"
	nestedPath  string   // segment under its parent, e.g. "key-auth" in /consumers/{c}/key-auth
	endpointKey string   // "" when only ids address it
	cacheKey    []string // composite uniqueness (plugins, acls, targets)
	noTopLevel  bool     // /targets is disabled; only /upstreams/{u}/targets
}

// entityDefs lists every collection the emulator serves, in Kong's order.
// decK's dump reads all of them (kong-admin-spec.md 11.2).
func entityDefs(v3 bool) []*entityDef {
	pluginKey := ""
	// targets: 3.x has cache_key {upstream, target}; 2.8 checks in its DAO (targets.go)
	var targetKey []string
	if v3 {
		pluginKey = "instance_name"
		targetKey = []string{"upstream", "target"}
	}
	return []*entityDef{
		{dao: "services", path: "services", endpointKey: "name"},
		{dao: "routes", path: "routes", endpointKey: "name"},
		{dao: "consumers", path: "consumers", endpointKey: "username"},
		{dao: "plugins", path: "plugins", endpointKey: pluginKey, cacheKey: []string{"name", "route", "service", "consumer"}},
		{dao: "certificates", path: "certificates"},
		{dao: "ca_certificates", path: "ca_certificates"},
		{dao: "snis", path: "snis", endpointKey: "name"},
		{dao: "upstreams", path: "upstreams", endpointKey: "name"},
		{dao: "targets", path: "targets", endpointKey: "target", cacheKey: targetKey, noTopLevel: true},
		{dao: "keyauth_credentials", path: "key-auths", nestedPath: "key-auth", endpointKey: "key"},
		{dao: "basicauth_credentials", path: "basic-auths", nestedPath: "basic-auth", endpointKey: "username"},
		{dao: "acls", path: "acls", nestedPath: "acls", endpointKey: "group", cacheKey: []string{"consumer", "group"}},
		{dao: "jwt_secrets", path: "jwts", nestedPath: "jwt", endpointKey: "key"},
		{dao: "hmacauth_credentials", path: "hmac-auths", nestedPath: "hmac-auth", endpointKey: "username"},
		{dao: "oauth2_credentials", path: "oauth2", nestedPath: "oauth2", endpointKey: "client_id"},
		{dao: "key_sets", path: "key-sets", endpointKey: "name"},
		// keys.lua: cache_key = { "kid", "set" }; 017_300_to_310.lua:
		// "cache_key" TEXT UNIQUE, UNIQUE ("kid", "set_id")
		{dao: "keys", path: "keys", endpointKey: "name", cacheKey: []string{"kid", "set"}},
		{dao: "vaults", path: "vaults", endpointKey: "prefix"},           // 3.x
		{dao: "vaults_beta", path: "vaults-beta", endpointKey: "prefix"}, // 2.8
	}
}

// expandServiceURL turns the input-only "url" shorthand into protocol, host,
// port and path the way services.lua does with socket.url.parse.
func expandServiceURL(body map[string]any, fe fieldErrors) {
	raw, ok := body["url"]
	if !ok {
		return
	}
	delete(body, "url")
	s, isStr := raw.(string)
	if raw == nil {
		return
	}
	if !isStr {
		fe["url"] = "expected a string"
		return
	}
	if s == "" {
		fe["url"] = "length must be at least 1"
		return
	}
	scheme, rest := "", s
	if i := strings.Index(s, "://"); i > 0 {
		scheme, rest = strings.ToLower(s[:i]), s[i+3:]
	} else {
		rest = ""
	}
	hostport, pth := rest, ""
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		hostport, pth = rest[:i], rest[i:]
	}
	if i := strings.IndexAny(pth, "?#"); i >= 0 {
		pth = pth[:i]
	}
	if scheme == "" {
		// socket.url treats a string without "scheme://" as a relative path.
		body["protocol"] = "http"
		body["host"] = nil
		body["port"] = jsonNum(80)
		body["path"] = s
		if i := strings.IndexAny(s, "?#"); i >= 0 {
			body["path"] = s[:i]
		}
		return
	}
	host, port := hostport, -1
	if at := strings.LastIndex(host, "@"); at >= 0 {
		host = host[at+1:]
	}
	if i := strings.LastIndex(host, ":"); i >= 0 && !strings.HasSuffix(host, "]") {
		p, err := strconv.Atoi(host[i+1:])
		if err == nil {
			port = p
		}
		host = host[:i]
	}
	body["protocol"] = scheme
	if host == "" {
		body["host"] = nil
	} else {
		body["host"] = host
	}
	switch {
	case port >= 0:
		body["port"] = jsonNum(port)
	case scheme == "https":
		body["port"] = jsonNum(443)
	default:
		body["port"] = jsonNum(80)
	}
	if pth == "" {
		body["path"] = nil
	} else {
		body["path"] = pth
	}
}

func strList(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, e := range l {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func has(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// routeChecks re-implements routes_subschemas.lua (one subschema per
// protocol) for the traditional and traditional_compatible flavors.
func routeChecks(row map[string]any, fe fieldErrors) {
	if fe.has("protocols") {
		return
	}
	protos := strList(row["protocols"])
	set := func(name string) bool { return nonEmpty(row[name]) }
	forbid := func(field, msg string) {
		if row[field] != nil && !fe.has(field) {
			fe[field] = msg
		}
	}
	anyFailed := func(names ...string) bool {
		for _, n := range names {
			if fe.has(n) {
				return true
			}
		}
		return false
	}
	needOne := func(fields []string, msg string) {
		if anyFailed(fields...) {
			return
		}
		for _, f := range fields {
			if set(f) {
				return
			}
		}
		fe.addEntity(msg)
	}
	quote := func(fields []string) string {
		q := make([]string, len(fields))
		for i, f := range fields {
			q[i] = "'" + f + "'"
		}
		return strings.Join(q, ", ")
	}
	switch {
	case has(protos, "http") || has(protos, "https"):
		const m = "when 'protocols' is 'http' or 'https'"
		forbid("sources", "cannot set 'sources' "+m)
		forbid("destinations", "cannot set 'destinations' "+m)
		if has(protos, "https") {
			f := []string{"methods", "hosts", "headers", "paths", "snis"}
			needOne(f, "must set one of "+quote(f)+" when 'protocols' is 'https'")
		} else {
			f := []string{"methods", "hosts", "headers", "paths"}
			needOne(f, "must set one of "+quote(f)+" when 'protocols' is 'http'")
		}
	case has(protos, "tcp") || has(protos, "tls") || has(protos, "udp") || has(protos, "tls_passthrough"):
		const m = "when 'protocols' is 'tcp', 'tls', 'tls_passthrough' or 'udp'"
		for _, f := range []string{"methods", "hosts", "paths", "headers"} {
			forbid(f, "cannot set '"+f+"' "+m)
		}
		if has(protos, "tls_passthrough") {
			if !anyFailed("snis") && !set("snis") {
				fe.addEntity("must set snis when 'protocols' is 'tls_passthrough'")
			}
		} else {
			f := []string{"sources", "destinations", "snis"}
			needOne(f, "must set one of "+quote(f)+" when 'protocols' is 'tcp', 'tls' or 'udp'")
		}
	case has(protos, "grpc") || has(protos, "grpcs"):
		const m = "when 'protocols' is 'grpc' or 'grpcs'"
		if b, _ := row["strip_path"].(bool); b && !fe.has("strip_path") {
			fe["strip_path"] = "cannot set 'strip_path' " + m
		}
		for _, f := range []string{"methods", "sources", "destinations"} {
			forbid(f, "cannot set '"+f+"' "+m)
		}
		if has(protos, "grpcs") {
			f := []string{"hosts", "headers", "paths", "snis"}
			needOne(f, "must set one of "+quote(f)+" when 'protocols' is 'grpcs'")
		} else {
			f := []string{"hosts", "headers", "paths"}
			needOne(f, "must set one of "+quote(f)+" when 'protocols' is 'grpc'")
		}
	}
}
