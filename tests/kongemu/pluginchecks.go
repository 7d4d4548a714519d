package kongemu

import (
	"fmt"
	"regexp"
	"strings"
)

// pluginChecks adds to m, under "plugins/<name>", the Lua validators of
// Kong's bundled plugins (kong/plugins/<name>/schema.lua and the schema
// modules they include) that the plugin schema JSON does not carry. Sources are Kong/kong at
// 3.9.3; "2.8.5" marks entries that only exist there or differ.
func pluginChecks(v3 bool, m checkTable) {
	f := func(plugin, path, source string, fn validator) { m.field("plugins/"+plugin, path, source, fn) }
	e := func(plugin string, sources []string, source string, fn func(map[string]any) string) {
		m.entity("plugins/"+plugin, sources, source, fn)
	}
	shm := sharedDicts(v3)

	// acme
	f("acme", "config.api_uri", "acme/schema.lua:164 typedefs.url", kongURL)
	f("acme", "config.domains[]", "acme/schema.lua:213 typedefs.hosts", kongHostWithWildcards)
	f("acme", "config.storage_config.shm.shm_name", "acme/schema.lua:30 ngx.shared[d]", func(v any) (bool, string) {
		return shm[str(v)], "" // no message: Kong answers "failed validating: <name>"
	})
	f("acme", "config.storage_config.redis.host", "tools/redis/schema.lua:9 typedefs.host (2.8.5 acme/schema.lua:22)", kongHost)
	f("acme", "config.storage_config.consul.host", "acme/schema.lua:105 typedefs.host", kongHost)
	f("acme", "config.storage_config.vault.host", "acme/schema.lua:114 typedefs.host", kongHost)
	if v3 {
		f("acme", "config.storage_config.redis.server_name", "tools/redis/schema.lua:33 typedefs.sni", kongSNI)
		f("acme", "config.storage_config.redis.extra_options.namespace", "acme/schema.lua:12 validate_namespace", acmeNamespace)
	}
	// acme/schema.lua:289: "kong" storage is refused in DB-less mode and
	// "shm" in hybrid mode; a database-mode traditional node (what the
	// emulator is) accepts both.
	e("acme", []string{"config.storage"}, "acme/schema.lua:289 (cannot fail on a traditional database node)", func(map[string]any) string { return "" })

	// aws-lambda
	f("aws-lambda", "config.aws_region", "aws-lambda/schema.lua:42 typedefs.host", kongHost)
	f("aws-lambda", "config.host", "aws-lambda/schema.lua:66 typedefs.host", kongHost)
	f("aws-lambda", "config.proxy_url", "aws-lambda/schema.lua:104 typedefs.url", kongURL)
	if v3 {
		f("aws-lambda", "config.aws_sts_endpoint_url", "aws-lambda/schema.lua:41 typedefs.url", kongURL)
	}
	e("aws-lambda", []string{"config.proxy_url"}, "aws-lambda/schema.lua:132", func(row map[string]any) string {
		if u, ok := configValue(row, "proxy_url").(string); ok {
			if m := proxySchemeRE.FindStringSubmatch(u); m != nil && m[1] != "http" {
				return "proxy_url scheme must be http"
			}
		}
		return ""
	})

	// cors
	f("cors", "config.origins[]", "cors/schema.lua:18 validate_asterisk_or_regex", func(v any) (bool, string) {
		s := str(v)
		if s == "*" {
			return true, ""
		}
		if ok, _ := checkRegex(s); ok {
			return true, ""
		}
		return false, "'" + s + "' is not a valid regex"
	})

	// logging plugins: typedefs.host / typedefs.url
	for _, p := range []struct{ plugin, path, source string }{
		{"datadog", "config.host", "datadog/schema.lua:77"},
		{"statsd", "config.host", "statsd/schema.lua:151"},
		{"tcp-log", "config.host", "tcp-log/schema.lua:10"},
		{"udp-log", "config.host", "udp-log/schema.lua:10"},
		{"loggly", "config.host", "loggly/schema.lua:16"},
		{"ldap-auth", "config.ldap_host", "ldap-auth/schema.lua:14"},
	} {
		f(p.plugin, p.path, p.source+" typedefs.host", kongHost)
	}
	f("zipkin", "config.http_endpoint", "zipkin/schema.lua:51 typedefs.url", kongURL)
	f("zipkin", "config.static_tags", "zipkin/schema.lua:28 validate_static_tags", zipkinStaticTags)

	// http-log
	f("http-log", "config.http_endpoint", "http-log/schema.lua:12 typedefs.url", kongURL)
	f("http-log", "config.headers{key}", "http-log/schema.lua:39 typedefs.header_name", kongHeaderName)
	f("http-log", "config", "http-log/schema.lua:63", httpLogUserinfo)

	// ip-restriction
	f("ip-restriction", "config.allow[]", "ip-restriction/schema.lua:11 typedefs.ip_or_cidr", kongIPOrCIDR)
	f("ip-restriction", "config.deny[]", "ip-restriction/schema.lua:12 typedefs.ip_or_cidr", kongIPOrCIDR)

	// key-auth
	f("key-auth", "config.key_names[]", "key-auth/schema.lua:14 typedefs.header_name", kongHeaderName)

	// oauth2
	f("oauth2", "config", "oauth2/schema.lua:3 validate_flows", func(v any) (bool, string) {
		c, _ := v.(map[string]any)
		for _, k := range []string{"enable_authorization_code", "enable_implicit_grant", "enable_client_credentials", "enable_password_grant"} {
			if b, _ := c[k].(bool); b {
				return true, ""
			}
		}
		return false, "at least one of these fields must be true: enable_authorization_code, enable_implicit_grant, enable_client_credentials, enable_password_grant"
	})

	// pre-function / post-function: 2.8.5 has the deprecated "functions"
	// phase; its custom_validator only logs a warning.

	// proxy-cache
	e("proxy-cache", []string{"config"}, "proxy-cache/schema.lua:94", func(row map[string]any) string {
		if configValue(row, "strategy") == "memory" {
			mem, _ := configValue(row, "memory").(map[string]any)
			name := str(mem["dictionary_name"])
			if !shm[name] {
				return "missing shared dict '" + name + "'"
			}
		}
		return ""
	})

	// rate-limiting
	f("rate-limiting", "config.header_name", "rate-limiting/schema.lua:90 typedefs.header_name", kongHeaderName)
	f("rate-limiting", "config.path", "rate-limiting/schema.lua:91 typedefs.path", validateServicePath)
	f("rate-limiting", "config", "rate-limiting/schema.lua:10 validate_periods_order", rateLimitingConfig(v3))
	if v3 {
		f("rate-limiting", "config.redis.host", "tools/redis/schema.lua:9 typedefs.host", kongHost)
		f("rate-limiting", "config.redis.server_name", "tools/redis/schema.lua:33 typedefs.sni", kongSNI)
	} else {
		f("rate-limiting", "config.redis_host", "2.8.5 rate-limiting/schema.lua:84 typedefs.host", kongHost)
		f("rate-limiting", "config.redis_server_name", "2.8.5 rate-limiting/schema.lua:90 typedefs.sni", kongSNI)
	}

	// response-ratelimiting
	f("response-ratelimiting", "config.limits{}", "response-ratelimiting/schema.lua:7 validate_periods_order",
		periodsOrder("the limit for %s(%.1f) cannot be lower than the limit for %s(%.1f)"))
	if v3 {
		f("response-ratelimiting", "config.redis.host", "tools/redis/schema.lua:9 typedefs.host", kongHost)
		f("response-ratelimiting", "config.redis.server_name", "tools/redis/schema.lua:33 typedefs.sni", kongSNI)
	} else {
		f("response-ratelimiting", "config.redis_host", "2.8.5 response-ratelimiting/schema.lua:74 typedefs.host", kongHost)
	}

	// request-termination
	f("request-termination", "config.trigger", "request-termination/schema.lua:25 typedefs.header_name", kongHeaderName)
	f("request-termination", "config", "request-termination/schema.lua:27", requestTerminationConfig)

	// request-transformer: remove.headers names, colon pairs elsewhere
	f("request-transformer", "config.remove.headers[]", "request-transformer/schema.lua:61 validate_headers", transformerHeader(false))
	for _, op := range []string{"rename", "replace", "add", "append"} {
		for _, part := range []string{"body", "querystring"} {
			f("request-transformer", "config."+op+"."+part+"[]", "request-transformer/schema.lua:79 check_for_value", transformerValue)
		}
	}
	f("request-transformer", "config.rename.headers[]", "request-transformer/schema.lua:105 validate_colon_headers", transformerHeader(true))
	for _, op := range []string{"replace", "add", "append"} {
		f("request-transformer", "config."+op+".headers[]", "request-transformer/schema.lua:87 validate_headers", transformerHeader(false))
	}

	// response-transformer
	f("response-transformer", "config.rename.headers[]", "response-transformer/schema.lua:69 validate_colon_headers", transformerHeader(true))

	if v3 {
		// opentelemetry
		f("opentelemetry", "config.traces_endpoint", "opentelemetry/schema.lua:38 typedefs.url", kongURL)
		f("opentelemetry", "config.logs_endpoint", "opentelemetry/schema.lua:39 typedefs.url", kongURL)
		f("opentelemetry", "config.headers{key}", "opentelemetry/schema.lua:41 typedefs.header_name", kongHeaderName)
		// tracing propagation (observability/tracing/propagation/schema.lua:38)
		f("opentelemetry", "config.propagation.clear[]", "observability/tracing/propagation/schema.lua:38 validate_header_name", kongHeaderName)
		f("zipkin", "config.propagation.clear[]", "observability/tracing/propagation/schema.lua:38 validate_header_name", kongHeaderName)
		// redirect
		f("redirect", "config.location", "redirect/schema.lua:23 typedefs.url", kongURL)
	}
}

var proxySchemeRE = regexp.MustCompile(`^([^:]+)://`)

// sharedDicts are the lua_shared_dict zones of a default Kong node in
// database mode (kong/templates/nginx_kong.lua; conf_loader injects
// prometheus_metrics because the prometheus plugin is bundled).
func sharedDicts(v3 bool) map[string]bool {
	names := []string{"kong", "kong_locks", "kong_healthchecks", "kong_cluster_events", "kong_rate_limiting_counters",
		"kong_core_db_cache", "kong_core_db_cache_miss", "kong_db_cache", "kong_db_cache_miss", "prometheus_metrics"}
	if v3 {
		names = append(names, "kong_secrets")
	} else {
		names = append(names, "kong_process_events")
	}
	out := map[string]bool{}
	for _, n := range names {
		out[n] = true
	}
	return out
}

func configValue(row map[string]any, name string) any {
	c, _ := row["config"].(map[string]any)
	return c[name]
}

// validate_namespace of acme/schema.lua (3.x).
func acmeNamespace(v any) (bool, string) {
	ns := str(v)
	if ns == "" {
		return true, ""
	}
	// kong/plugins/acme/reserved_words.lua
	for _, w := range []string{"kong_acme:renew_config:", "kong_acme:renew_last_run", "kong_acme:cert_key:"} {
		if strings.HasPrefix(ns, w) {
			return false, "namespace can't be prefixed with reserved word: " + w
		}
	}
	return true, ""
}

var orderedPeriods = []string{"second", "minute", "hour", "day", "month", "year"}

// periodsOrder is validate_periods_order: a longer period may not have a
// lower limit than a shorter one (format is Kong's string.format).
func periodsOrder(format string) validator {
	return func(v any) (bool, string) {
		c, _ := v.(map[string]any)
		for i, lower := range orderedPeriods {
			v1, ok := toFloat(c[lower])
			if !ok {
				continue
			}
			for _, upper := range orderedPeriods[i+1:] {
				if v2, ok := toFloat(c[upper]); ok && v2 < v1 {
					return false, fmt.Sprintf(format, upper, v2, lower, v1)
				}
			}
		}
		return true, ""
	}
}

// rateLimitingConfig is rate-limiting's validate_periods_order; 3.x adds
// the sync_rate rules.
func rateLimitingConfig(v3 bool) validator {
	order := periodsOrder("The limit for %s(%.1f) cannot be lower than the limit for %s(%.1f)")
	return func(v any) (bool, string) {
		if ok, msg := order(v); !ok || !v3 {
			return ok, msg
		}
		c, _ := v.(map[string]any)
		sync, _ := toFloat(c["sync_rate"])
		if c["policy"] != "redis" && sync != -1 {
			return false, "sync_rate can only be used with the redis policy"
		}
		if c["policy"] == "redis" && sync != -1 && sync < 0.02 {
			return false, "sync_rate must be greater than 0.02, or -1 to disable"
		}
		return true, ""
	}
}

func requestTerminationConfig(v any) (bool, string) {
	c, _ := v.(map[string]any)
	present := func(k string) bool { s, ok := c[k].(string); return ok && s != "" }
	if present("message") && (present("content_type") || present("body")) {
		return false, "message cannot be used with content_type or body"
	}
	if present("content_type") && !present("body") {
		return false, "content_type requires a body"
	}
	if echo, _ := c["echo"].(bool); echo && (present("content_type") || present("body")) {
		return false, "echo cannot be used with content_type and body"
	}
	return true, ""
}

// splitPair is Lua's pair:match("^([^:]+):*(.-)$"): the name before the
// first colon, the rest after the colons; ok is false without a name.
func splitPair(pair string) (name, value string, ok bool) {
	i := strings.IndexByte(pair, ':')
	if i == 0 || pair == "" {
		return "", "", false
	}
	if i < 0 {
		return pair, "", true
	}
	return pair[:i], strings.TrimLeft(pair[i:], ":"), true
}

// validate_headers / validate_colon_headers of the transformer plugins.
func transformerHeader(checkValue bool) validator {
	return func(v any) (bool, string) {
		name, value, ok := splitPair(str(v))
		if !ok {
			return false, "'nil' is not a valid header"
		}
		if headerNameError(name) != "" {
			return false, "'" + name + "' is not a valid header"
		}
		if checkValue && headerNameError(value) != "" {
			return false, "'" + value + "' is not a valid header"
		}
		return true, ""
	}
}

// check_for_value of request-transformer: "name:value" with a value. The
// template compilation check that follows it is not ported.
func transformerValue(v any) (bool, string) {
	name, value, ok := splitPair(str(v))
	if !ok {
		// Kong raises a Lua error concatenating the missing name, which
		// the Admin API answers with a 500 (safeDispatch does the same)
		panic("request-transformer check_for_value: attempt to concatenate a nil value")
	}
	if value == "" {
		return false, "key '" + name + "' has no value"
	}
	return true, ""
}

// validate_static_tags of zipkin: tag names are unique.
func zipkinStaticTags(v any) (bool, string) {
	l, _ := v.([]any)
	seen := map[string]bool{}
	for _, t := range l {
		m, _ := t.(map[string]any)
		name := str(m["name"])
		if seen[name] {
			return false, "repeated tags are not allowed: " + name
		}
		seen[name] = true
	}
	return true, ""
}

// http-log's config validator: no Authorization header next to user info
// in http_endpoint.
func httpLogUserinfo(v any) (bool, string) {
	c, _ := v.(map[string]any)
	u, _ := parseSocketURL(str(c["http_endpoint"]))
	headers, _ := c["headers"].(map[string]any)
	if u.hasUserinfo {
		for name := range headers {
			if strings.EqualFold(name, "authorization") {
				return false, "specifying both an 'Authorization' header and user info in 'http_endpoint' is not allowed"
			}
		}
	}
	return true, ""
}
