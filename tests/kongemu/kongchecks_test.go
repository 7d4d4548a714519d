package kongemu

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every Lua validator luachecks.go and pluginchecks.go port has a case
// here with Kong's message, quoted from the Kong source named in the
// comment (Kong/kong at tag 3.9.3, or 2.8.5 where marked);
// TestKongChecks_EveryCheckHasACase fails when one has none.

// checkCase sends body and expects a 400 whose fields hold want at field
// (a dotted path into "fields"; numbers index arrays; "@entity" matches any
// entity error), or, with want empty, a success.
type checkCase struct {
	check    string   // inventory key: "schema path" or "schema custom_entity_check(...)"
	versions []string // default both
	vaults   bool     // run against a node with vaults = bundled (2.8.5's vaults_beta)
	setup    func(t *testing.T, s *Server, m *material)
	method   string // default POST
	path     string
	body     func(m *material) map[string]any
	form     url.Values // sent form-encoded instead of body
	field    string
	want     string
	prefix   bool // want is a prefix (OpenSSL and PCRE texts differ)
}

func plugin(name string, config map[string]any) func(*material) map[string]any {
	return func(*material) map[string]any { return map[string]any{"name": name, "config": config} }
}

func fixed(b map[string]any) func(*material) map[string]any {
	return func(*material) map[string]any { return b }
}

const (
	badHeader   = "bad header name 'x y', allowed characters are A-Z, a-z, 0-9, '_', and '-'"
	badTag      = "invalid tag 'a,b': expected printable ascii (except `,` and `/`) or valid utf-8 sequences"
	missingHost = "missing host in url"
	badUTF8Name = "invalid value 'a b': the only accepted ascii characters are alphanumerics or ., -, _, and ~"
)

func consumerFixture(t *testing.T, s *Server, _ *material) {
	do(t, s, "PUT", "/consumers/alice", map[string]any{}, 200)
}

func upstreamFixture(t *testing.T, s *Server, _ *material) {
	do(t, s, "PUT", "/upstreams/up.test", map[string]any{}, 200)
	do(t, s, "POST", "/upstreams/up.test/targets", map[string]any{"target": "10.0.0.1:80"}, 201)
}

func certificateFixture(t *testing.T, s *Server, m *material) {
	do(t, s, "PUT", "/certificates/0e3f5a64-1d1c-4f47-9a77-0e8d2f1b7c01", map[string]any{"cert": m.rsaCert, "key": m.rsaKey}, 200)
}

// taggedCases gives every entity with typedefs.tags a bad tag (validate_tag,
// kong/db/schema/typedefs.lua:118).
func taggedCases() []checkCase {
	bad := []any{"a,b"}
	with := func(b map[string]any) func(*material) map[string]any {
		return func(*material) map[string]any { b["tags"] = bad; return b }
	}
	return []checkCase{
		{check: "services tags[]", path: "/services", body: with(map[string]any{"host": "a.test"})},
		{check: "routes tags[]", path: "/routes", body: with(map[string]any{"paths": []any{"/"}})},
		{check: "consumers tags[]", path: "/consumers", body: with(map[string]any{"username": "u"})},
		{check: "plugins tags[]", path: "/plugins", body: with(map[string]any{"name": "cors"})},
		{check: "upstreams tags[]", path: "/upstreams", body: with(map[string]any{"name": "a.test"})},
		{check: "targets tags[]", setup: upstreamFixture, path: "/upstreams/up.test/targets", body: with(map[string]any{"target": "10.0.0.2"})},
		{check: "certificates tags[]", path: "/certificates", body: func(m *material) map[string]any {
			return map[string]any{"cert": m.rsaCert, "key": m.rsaKey, "tags": bad}
		}},
		{check: "ca_certificates tags[]", path: "/ca_certificates", body: func(m *material) map[string]any {
			return map[string]any{"cert": m.ca, "tags": bad}
		}},
		{check: "snis tags[]", setup: certificateFixture, path: "/snis", body: with(map[string]any{"name": "a.test",
			"certificate": map[string]any{"id": "0e3f5a64-1d1c-4f47-9a77-0e8d2f1b7c01"}})},
		{check: "keys tags[]", versions: []string{"3.9.3"}, path: "/keys", body: func(m *material) map[string]any {
			return map[string]any{"kid": "k1", "jwk": jsonString(m.rsaJWK), "tags": bad}
		}},
		{check: "key_sets tags[]", versions: []string{"3.9.3"}, path: "/key-sets", body: with(map[string]any{"name": "ks"})},
		{check: "vaults tags[]", versions: []string{"3.9.3"}, path: "/vaults", body: with(map[string]any{"name": "env", "prefix": "my-env"})},
		{check: "vaults_beta tags[]", versions: []string{"2.8.5"}, vaults: true, path: "/vaults-beta", body: with(map[string]any{"name": "env", "prefix": "my-env"})},
		{check: "keyauth_credentials tags[]", setup: consumerFixture, path: "/consumers/alice/key-auth", body: with(map[string]any{})},
		{check: "basicauth_credentials tags[]", setup: consumerFixture, path: "/consumers/alice/basic-auth", body: with(map[string]any{"username": "a", "password": "p"})},
		{check: "acls tags[]", setup: consumerFixture, path: "/consumers/alice/acls", body: with(map[string]any{"group": "g"})},
		{check: "jwt_secrets tags[]", setup: consumerFixture, path: "/consumers/alice/jwt", body: with(map[string]any{})},
		{check: "hmacauth_credentials tags[]", setup: consumerFixture, path: "/consumers/alice/hmac-auth", body: with(map[string]any{"username": "a"})},
		{check: "oauth2_credentials tags[]", setup: consumerFixture, path: "/consumers/alice/oauth2", body: with(map[string]any{"name": "app"})},
	}
}

func coreCases() []checkCase {
	v3, v2 := []string{"3.9.3"}, []string{"2.8.5"}
	return []checkCase{
		// typedefs.utf8_name (typedefs.lua:137 validate_utf8_name)
		{check: "services name", path: "/services", body: fixed(map[string]any{"name": "a b", "host": "a.test"}), field: "name", want: badUTF8Name},
		{check: "services name", path: "/services", form: url.Values{"name": {"\xff"}, "host": {"a.test"}}, field: "name",
			want: "invalid utf-8 character sequence detected at position 1"},
		{check: "routes name", path: "/routes", body: fixed(map[string]any{"name": "a b", "paths": []any{"/"}}), field: "name", want: badUTF8Name},
		{check: "plugins instance_name", versions: v3, path: "/plugins", body: fixed(map[string]any{"name": "cors", "instance_name": "a b"}),
			field: "instance_name", want: badUTF8Name},
		// typedefs.host (typedefs.lua:24 validate_host)
		{check: "services host", path: "/services", body: fixed(map[string]any{"host": "a b"}), field: "host", want: "invalid value: a b"},
		{check: "services host", path: "/services", body: fixed(map[string]any{"host": "a.test:80"}), field: "host", want: "must not have a port"},
		// typedefs.path (typedefs.lua:71 validate_path)
		{check: "services path", path: "/services", body: fixed(map[string]any{"host": "a.test", "path": "/a b"}), field: "path",
			want: "invalid path: '/a b' (characters outside of the reserved list of RFC 3986 found)"},
		{check: "services path", path: "/services", body: fixed(map[string]any{"host": "a.test", "path": "/a%zz"}), field: "path",
			want: "invalid url-encoded value: '%zz'"},
		// typedefs.hosts (typedefs.lua:495 validate_host_with_wildcards: "*" becomes "abc")
		{check: "routes hosts[]", path: "/routes", body: fixed(map[string]any{"hosts": []any{"*.a b"}}), field: "hosts.0", want: "invalid hostname: abc.a b"},
		{check: "routes hosts[]", path: "/routes", body: fixed(map[string]any{"hosts": []any{"a.test:99999"}}), field: "hosts.0", want: "invalid port number"},
		// typedefs.header_name (kong/tools/http.lua:271)
		{check: "routes headers{key}", path: "/routes", body: fixed(map[string]any{"headers": map[string]any{"x y": []any{"v"}}}), field: "headers", want: badHeader},
		// typedefs.ip_or_cidr (typedefs.lua:53)
		{check: "routes sources[].ip", path: "/routes", body: fixed(map[string]any{"protocols": []any{"tcp"}, "sources": []any{map[string]any{"ip": "10.0.0.256"}}}),
			field: "sources.0.ip", want: "invalid ip or cidr range: '10.0.0.256'"},
		{check: "routes destinations[].ip", path: "/routes", body: fixed(map[string]any{"protocols": []any{"tcp"}, "destinations": []any{map[string]any{"ip": "10.0.0.0/33"}}}),
			field: "destinations.0.ip", want: "invalid ip or cidr range: '10.0.0.0/33'"},
		// typedefs.router_path (3.x typedefs.lua:500), typedefs.paths (2.8.5)
		{check: "routes paths[]", versions: v3, path: "/routes", body: fixed(map[string]any{"paths": []any{"/a/./b"}}), field: "paths.0",
			want: "non-normalized path, consider use '/a/b' instead"},
		{check: "routes paths[]", versions: v2, path: "/routes", body: fixed(map[string]any{"paths": []any{"/a(b"}}), field: "paths.0",
			want: "invalid regex: '/a(b' (PCRE returned: ", prefix: true},
		// 3.x typedefs.wildcard_host (typedefs.lua:172), 2.8.5 typedefs.sni (typedefs.lua:148)
		{check: "routes snis[]", versions: v3, path: "/routes", body: fixed(map[string]any{"protocols": []any{"https"}, "snis": []any{"a.*.test"}}),
			field: "snis.0", want: "wildcard must be leftmost or rightmost character"},
		{check: "routes snis[]", versions: v2, path: "/routes", body: fixed(map[string]any{"protocols": []any{"https"}, "snis": []any{"10.0.0.1"}}),
			field: "snis.0", want: "must not be an IP"},
		// routes.lua:25: path_handling v1 only logs a deprecation
		{check: "routes custom_entity_check(path_handling)", versions: v3, path: "/routes", body: fixed(map[string]any{"paths": []any{"/"}, "path_handling": "v1"})},

		// upstreams.lua:18 validate_name
		{check: "upstreams name", path: "/upstreams", body: fixed(map[string]any{"name": "10.0.0.1"}), field: "name", want: "Invalid name ('10.0.0.1'); no ip addresses allowed"},
		{check: "upstreams name", path: "/upstreams", body: fixed(map[string]any{"name": "a.test:80"}), field: "name", want: "Invalid name ('a.test:80'); no port allowed"},
		{check: "upstreams name", path: "/upstreams", body: fixed(map[string]any{"name": "a b"}), field: "name", want: "Invalid name ('a b'); must be a valid hostname"},
		{check: "upstreams hash_on_header", path: "/upstreams", body: fixed(map[string]any{"name": "a.test", "hash_on": "header", "hash_on_header": "x y"}),
			field: "hash_on_header", want: badHeader},
		{check: "upstreams hash_fallback_header", path: "/upstreams", body: fixed(map[string]any{"name": "a.test", "hash_on": "ip", "hash_fallback": "header", "hash_fallback_header": "x y"}),
			field: "hash_fallback_header", want: badHeader},
		// 3.x typedefs.cookie_name = kong/tools/http.lua:250 validate_http_token; 2.8.5 utils.validate_cookie_name
		{check: "upstreams hash_on_cookie", versions: v3, path: "/upstreams", body: fixed(map[string]any{"name": "a.test", "hash_on": "cookie", "hash_on_cookie": "a b"}),
			field: "hash_on_cookie", want: "contains one or more invalid characters. ASCII control characters (0-31;127), space, tab and the characters ()<>@,;:\\\"/?={}[] are not allowed."},
		{check: "upstreams hash_on_cookie", versions: v2, path: "/upstreams", body: fixed(map[string]any{"name": "a.test", "hash_on": "cookie", "hash_on_cookie": "a b"}),
			field: "hash_on_cookie", want: "bad cookie name 'a b', allowed characters are A-Z, a-z, 0-9, '_', and '-'"},
		{check: "upstreams hash_on_cookie_path", path: "/upstreams", body: fixed(map[string]any{"name": "a.test", "hash_on_cookie_path": "/a b"}),
			field: "hash_on_cookie_path", want: "invalid path: '/a b' (characters outside of the reserved list of RFC 3986 found)"},
		// typedefs.host_with_optional_port: normalize_ip's errors (kong/tools/ip.lua)
		{check: "upstreams host_header", path: "/upstreams", body: fixed(map[string]any{"name": "a.test", "host_header": "a b"}),
			field: "host_header", want: "invalid hostname: a b"},
		{check: "upstreams host_header", path: "/upstreams", body: fixed(map[string]any{"name": "a.test", "host_header": "10.0.0:80"}),
			field: "host_header", want: "invalid ipv4 address: 10.0.0:80"},
		{check: "upstreams healthchecks.active.http_path", path: "/upstreams",
			body:  fixed(map[string]any{"name": "a.test", "healthchecks": map[string]any{"active": map[string]any{"http_path": "/a b"}}}),
			field: "healthchecks.active.http_path", want: "invalid path: '/a b' (characters outside of the reserved list of RFC 3986 found)"},
		{check: "upstreams healthchecks.active.https_sni", path: "/upstreams",
			body:  fixed(map[string]any{"name": "a.test", "healthchecks": map[string]any{"active": map[string]any{"https_sni": "10.0.0.1"}}}),
			field: "healthchecks.active.https_sni", want: "must not be an IP"},
		{check: "upstreams healthchecks.active.headers{key}", versions: v3, path: "/upstreams",
			body:  fixed(map[string]any{"name": "a.test", "healthchecks": map[string]any{"active": map[string]any{"headers": map[string]any{"x y": []any{"v"}}}}}),
			field: "healthchecks.active.headers", want: badHeader},
		// targets.lua:6 validate_target (the schema check PATCH runs; POST's DAO message is in targets_test.go)
		{check: "targets target", setup: upstreamFixture, method: "PATCH", path: "/upstreams/up.test/targets/10.0.0.1:80",
			body: fixed(map[string]any{"target": "a b"}), field: "target", want: "Invalid target ('a b'); not a valid hostname or ip address"},

		// certificates.lua: typedefs.certificate / typedefs.key and three custom_entity_checks
		{check: "certificates cert", path: "/certificates", body: func(m *material) map[string]any {
			return map[string]any{"cert": m.garbagePEM, "key": m.rsaKey}
		}, field: "cert", want: invalidCertificate},
		{check: "certificates key", path: "/certificates", body: func(m *material) map[string]any {
			return map[string]any{"cert": m.rsaCert, "key": "nope"}
		}, field: "key", want: "invalid key: ", prefix: true},
		{check: "certificates cert_alt", path: "/certificates", body: func(m *material) map[string]any {
			return map[string]any{"cert": m.rsaCert, "key": m.rsaKey, "cert_alt": m.garbagePEM, "key_alt": m.ecKey}
		}, field: "cert_alt", want: invalidCertificate},
		{check: "certificates key_alt", path: "/certificates", body: func(m *material) map[string]any {
			return map[string]any{"cert": m.rsaCert, "key": m.rsaKey, "cert_alt": m.ecCert, "key_alt": "nope"}
		}, field: "key_alt", want: "invalid key: ", prefix: true},
		{check: "certificates custom_entity_check(cert,key)", path: "/certificates", body: func(m *material) map[string]any {
			return map[string]any{"cert": m.rsaCert, "key": m.rsa2Key}
		}, field: "@entity", want: "certificate does not match key"},
		{check: "certificates custom_entity_check(cert_alt,key_alt)", path: "/certificates", body: func(m *material) map[string]any {
			return map[string]any{"cert": m.rsaCert, "key": m.rsaKey, "cert_alt": m.ecCert, "key_alt": m.rsaKey}
		}, field: "@entity", want: "alternative certificate does not match key"},
		{check: "certificates custom_entity_check(cert,cert_alt)", path: "/certificates", body: func(m *material) map[string]any {
			return map[string]any{"cert": m.rsaCert, "key": m.rsaKey, "cert_alt": m.rsa2Cert, "key_alt": m.rsa2Key}
		}, field: "@entity", want: "certificate and alternative certificate need to have different type (e.g. RSA and ECDSA), the provided certificates were both of the same type"},
		{check: "certificates snis[]", versions: v3, path: "/certificates", body: func(m *material) map[string]any {
			return map[string]any{"cert": m.rsaCert, "key": m.rsaKey, "snis": []any{"10.0.0.1"}}
		}, field: "snis.0", want: "must not be an IP"},
		// snis.lua:13 typedefs.wildcard_host
		{check: "snis name", setup: certificateFixture, path: "/snis", body: fixed(map[string]any{"name": "*.a.*",
			"certificate": map[string]any{"id": "0e3f5a64-1d1c-4f47-9a77-0e8d2f1b7c01"}}), field: "name", want: "only one wildcard must be specified"},
		{check: "snis name", setup: certificateFixture, path: "/snis", body: fixed(map[string]any{"name": "a.test:443",
			"certificate": map[string]any{"id": "0e3f5a64-1d1c-4f47-9a77-0e8d2f1b7c01"}}), field: "name", want: "must not have a port"},
		// ca_certificates.lua
		{check: "ca_certificates cert", path: "/ca_certificates", body: func(m *material) map[string]any {
			return map[string]any{"cert": m.garbagePEM}
		}, field: "cert", want: invalidCertificate},
		{check: "ca_certificates custom_entity_check(cert)", path: "/ca_certificates", body: func(m *material) map[string]any {
			return map[string]any{"cert": m.twoCAs}
		}, field: "@entity", want: "please submit only one certificate at a time"},
		{check: "ca_certificates custom_entity_check(cert)", path: "/ca_certificates", body: func(m *material) map[string]any {
			return map[string]any{"cert": m.expiredCA}
		}, field: "@entity", want: "certificate expired, \"Not After\" time is in the past"},
		{check: "ca_certificates custom_entity_check(cert)", path: "/ca_certificates", body: func(m *material) map[string]any {
			return map[string]any{"cert": m.rsaCert}
		}, field: "@entity", want: "certificate does not appear to be a CA because it is missing the \"CA\" basic constraint"},
		// keys.lua:75 and typedefs.pem (typedefs.lua:686 validate_pem_keys)
		{check: "keys pem", versions: v3, path: "/keys", body: func(m *material) map[string]any {
			return map[string]any{"kid": "k1", "pem": map[string]any{"public_key": "nope"}}
		}, field: "pem", want: "could not load public key"},
		{check: "keys pem", versions: v3, path: "/keys", body: func(m *material) map[string]any {
			return map[string]any{"kid": "k1", "pem": map[string]any{"public_key": m.rsaPub, "private_key": m.rsa2Key}}
		}, field: "pem", want: "public key does not match private key"},
		{check: "keys pem", versions: v3, path: "/keys", body: func(m *material) map[string]any {
			return map[string]any{"kid": "k1", "pem": map[string]any{"private_key": "nope"}}
		}, field: "pem", want: "could not load private key", prefix: true},
		{check: "keys custom_entity_check(jwk,pem,kid)", versions: v3, path: "/keys", body: fixed(map[string]any{"kid": "k1", "jwk": "{"}),
			field: "@entity", want: "could not json decode jwk string"},
		{check: "keys custom_entity_check(jwk,pem,kid)", versions: v3, path: "/keys", body: func(m *material) map[string]any {
			return map[string]any{"kid": "other", "jwk": jsonString(m.rsaJWK)}
		}, field: "@entity", want: "kid in jwk.kid must be equal to keys.kid"},
		// spec/02-integration/04-admin_api/21-admin-api-keys_spec.lua:125
		{check: "keys custom_entity_check(jwk,pem,kid)", versions: v3, path: "/keys",
			body:  fixed(map[string]any{"kid": "k1", "jwk": `{"kty":"RSA","kid":"k1","n":"","e":"AQAB"}`}),
			field: "@entity", want: "could not load JWK, likely not a valid key"},
		{check: "keys custom_entity_check(jwk,pem,kid)", versions: v3, path: "/keys", body: func(m *material) map[string]any {
			j := map[string]any{}
			for k, v := range m.ecJWK {
				j[k] = v
			}
			j["ext"] = true
			return map[string]any{"kid": "k2", "jwk": jsonString(j)}
		}, field: "@entity", want: "Validation error: ext: unknown field"},
		// plugins/oauth2/daos.lua:9 validate_uri
		{check: "oauth2_credentials redirect_uris[]", setup: consumerFixture, path: "/consumers/alice/oauth2",
			body: fixed(map[string]any{"name": "app", "redirect_uris": []any{"foo"}}), field: "redirect_uris.0", want: "cannot parse 'foo'"},
		{check: "oauth2_credentials redirect_uris[]", setup: consumerFixture, path: "/consumers/alice/oauth2",
			body: fixed(map[string]any{"name": "app", "redirect_uris": []any{"http://a.test/cb#x"}}), field: "redirect_uris.0",
			want: "fragment not allowed in 'http://a.test/cb#x'"},
	}
}

func pluginCases() []checkCase {
	v3, v2 := []string{"3.9.3"}, []string{"2.8.5"}
	acme := func(extra map[string]any) func(*material) map[string]any {
		c := map[string]any{"account_email": "a@b.test"}
		for k, v := range extra {
			c[k] = v
		}
		return plugin("acme", c)
	}
	storage := func(kind string, cfg map[string]any) func(*material) map[string]any {
		return acme(map[string]any{"storage_config": map[string]any{kind: cfg}})
	}
	rl := func(extra map[string]any) func(*material) map[string]any {
		c := map[string]any{"minute": 1}
		for k, v := range extra {
			c[k] = v
		}
		return plugin("rate-limiting", c)
	}
	cases := []checkCase{
		// acme/schema.lua
		{check: "plugins/acme config.api_uri", path: "/plugins", body: acme(map[string]any{"api_uri": "acme.test"}), field: "config.api_uri", want: missingHost},
		{check: "plugins/acme config.domains[]", path: "/plugins", body: acme(map[string]any{"domains": []any{"a b.test"}}), field: "config.domains.0", want: "invalid hostname: a b.test"},
		// acme/schema.lua:30: ngx.shared[d] fails without a message, init.lua words it "failed validating: %s"
		{check: "plugins/acme config.storage_config.shm.shm_name", path: "/plugins", body: storage("shm", map[string]any{"shm_name": "nosuch"}),
			field: "config.storage_config.shm.shm_name", want: "failed validating: nosuch"},
		{check: "plugins/acme config.storage_config.redis.host", path: "/plugins", body: storage("redis", map[string]any{"host": "a b"}),
			field: "config.storage_config.redis.host", want: "invalid value: a b"},
		{check: "plugins/acme config.storage_config.consul.host", path: "/plugins", body: storage("consul", map[string]any{"host": "a.test:1"}),
			field: "config.storage_config.consul.host", want: "must not have a port"},
		{check: "plugins/acme config.storage_config.vault.host", path: "/plugins", body: storage("vault", map[string]any{"host": "a b"}),
			field: "config.storage_config.vault.host", want: "invalid value: a b"},
		{check: "plugins/acme config.storage_config.redis.server_name", versions: v3, path: "/plugins", body: storage("redis", map[string]any{"server_name": "10.0.0.1"}),
			field: "config.storage_config.redis.server_name", want: "must not be an IP"},
		{check: "plugins/acme config.storage_config.redis.extra_options.namespace", versions: v3, path: "/plugins",
			body:  storage("redis", map[string]any{"extra_options": map[string]any{"namespace": "kong_acme:cert_key:x"}}),
			field: "config.storage_config.redis.extra_options.namespace", want: "namespace can't be prefixed with reserved word: kong_acme:cert_key:"},
		{check: "plugins/acme custom_entity_check(config.storage)", path: "/plugins", body: acme(map[string]any{"storage": "kong"})},

		// aws-lambda/schema.lua
		{check: "plugins/aws-lambda config.aws_region", path: "/plugins", body: plugin("aws-lambda", map[string]any{"function_name": "f", "aws_region": "a b"}),
			field: "config.aws_region", want: "invalid value: a b"},
		{check: "plugins/aws-lambda config.host", path: "/plugins", body: plugin("aws-lambda", map[string]any{"function_name": "f", "host": "a.test:443"}),
			field: "config.host", want: "must not have a port"},
		{check: "plugins/aws-lambda config.proxy_url", path: "/plugins", body: plugin("aws-lambda", map[string]any{"function_name": "f", "proxy_url": "//proxy.test"}),
			field: "config.proxy_url", want: "missing scheme in url"},
		{check: "plugins/aws-lambda config.aws_sts_endpoint_url", versions: v3, path: "/plugins",
			body: plugin("aws-lambda", map[string]any{"function_name": "f", "aws_sts_endpoint_url": "sts.test"}), field: "config.aws_sts_endpoint_url", want: missingHost},
		{check: "plugins/aws-lambda custom_entity_check(config.proxy_url)", path: "/plugins",
			body: plugin("aws-lambda", map[string]any{"function_name": "f", "proxy_url": "https://proxy.test"}), field: "@entity", want: "proxy_url scheme must be http"},

		// cors/schema.lua:18
		{check: "plugins/cors config.origins[]", path: "/plugins", body: plugin("cors", map[string]any{"origins": []any{"(a"}}),
			field: "config.origins.0", want: "'(a' is not a valid regex"},

		// typedefs.host in the logging and auth plugins
		{check: "plugins/datadog config.host", path: "/plugins", body: plugin("datadog", map[string]any{"host": "a b"}), field: "config.host", want: "invalid value: a b"},
		{check: "plugins/statsd config.host", path: "/plugins", body: plugin("statsd", map[string]any{"host": "a b"}), field: "config.host", want: "invalid value: a b"},
		{check: "plugins/tcp-log config.host", path: "/plugins", body: plugin("tcp-log", map[string]any{"host": "a b", "port": 1}), field: "config.host", want: "invalid value: a b"},
		{check: "plugins/udp-log config.host", path: "/plugins", body: plugin("udp-log", map[string]any{"host": "a b", "port": 1}), field: "config.host", want: "invalid value: a b"},
		{check: "plugins/loggly config.host", path: "/plugins", body: plugin("loggly", map[string]any{"key": "k", "host": "a b"}), field: "config.host", want: "invalid value: a b"},
		{check: "plugins/ldap-auth config.ldap_host", path: "/plugins", body: plugin("ldap-auth", map[string]any{"ldap_host": "a b", "base_dn": "dc=a", "attribute": "uid"}),
			field: "config.ldap_host", want: "invalid value: a b"},

		// http-log/schema.lua
		{check: "plugins/http-log config.http_endpoint", path: "/plugins", body: plugin("http-log", map[string]any{"http_endpoint": "log.test"}),
			field: "config.http_endpoint", want: missingHost},
		{check: "plugins/http-log config", path: "/plugins",
			body:  plugin("http-log", map[string]any{"http_endpoint": "http://u:p@log.test", "headers": map[string]any{"Authorization": "x"}}),
			field: "config", want: "specifying both an 'Authorization' header and user info in 'http_endpoint' is not allowed", versions: v3},
		{check: "plugins/http-log config", path: "/plugins",
			body:  plugin("http-log", map[string]any{"http_endpoint": "http://u:p@log.test", "headers": map[string]any{"Authorization": []any{"x"}}}),
			field: "config", want: "specifying both an 'Authorization' header and user info in 'http_endpoint' is not allowed", versions: v2},
		{check: "plugins/http-log config.headers{key}", versions: v3, path: "/plugins",
			body: plugin("http-log", map[string]any{"http_endpoint": "http://log.test", "headers": map[string]any{"x y": "v"}}), field: "config.headers", want: badHeader},
		{check: "plugins/http-log config.headers{key}", versions: v2, path: "/plugins",
			body: plugin("http-log", map[string]any{"http_endpoint": "http://log.test", "headers": map[string]any{"x y": []any{"v"}}}), field: "config.headers", want: badHeader},

		// ip-restriction/schema.lua (typedefs.ip_or_cidr)
		{check: "plugins/ip-restriction config.allow[]", path: "/plugins", body: plugin("ip-restriction", map[string]any{"allow": []any{"10.0.0"}}),
			field: "config.allow.0", want: "invalid ip or cidr range: '10.0.0'"},
		{check: "plugins/ip-restriction config.deny[]", path: "/plugins", body: plugin("ip-restriction", map[string]any{"deny": []any{"::1/129"}}),
			field: "config.deny.0", want: "invalid ip or cidr range: '::1/129'"},
		// key-auth/schema.lua:14
		{check: "plugins/key-auth config.key_names[]", path: "/plugins", body: plugin("key-auth", map[string]any{"key_names": []any{"x y"}}),
			field: "config.key_names.0", want: badHeader},
		// oauth2/schema.lua:3 validate_flows
		{check: "plugins/oauth2 config", path: "/plugins", body: plugin("oauth2", map[string]any{}), field: "config",
			want: "at least one of these fields must be true: enable_authorization_code, enable_implicit_grant, enable_client_credentials, enable_password_grant"},
		// proxy-cache/schema.lua:94
		{check: "plugins/proxy-cache custom_entity_check(config)", path: "/plugins",
			body:  plugin("proxy-cache", map[string]any{"strategy": "memory", "memory": map[string]any{"dictionary_name": "nosuch"}}),
			field: "@entity", want: "missing shared dict 'nosuch'"},
		{check: "plugins/proxy-cache custom_entity_check(config)", path: "/plugins", body: plugin("proxy-cache", map[string]any{"strategy": "memory"})},

		// rate-limiting/schema.lua:10 validate_periods_order (and 3.x sync_rate)
		{check: "plugins/rate-limiting config", path: "/plugins", body: plugin("rate-limiting", map[string]any{"minute": 10, "hour": 5}),
			field: "config", want: "The limit for hour(5.0) cannot be lower than the limit for minute(10.0)"},
		{check: "plugins/rate-limiting config", path: "/plugins", body: plugin("rate-limiting", map[string]any{"second": 2.5, "year": 1.25}),
			field: "config", want: "The limit for year(1.2) cannot be lower than the limit for second(2.5)"},
		{check: "plugins/rate-limiting config", versions: v3, path: "/plugins", body: rl(map[string]any{"sync_rate": 1}),
			field: "config", want: "sync_rate can only be used with the redis policy"},
		{check: "plugins/rate-limiting config", versions: v3, path: "/plugins",
			body:  rl(map[string]any{"policy": "redis", "redis": map[string]any{"host": "r.test"}, "sync_rate": 0.01}),
			field: "config", want: "sync_rate must be greater than 0.02, or -1 to disable"},
		{check: "plugins/rate-limiting config.header_name", path: "/plugins", body: rl(map[string]any{"header_name": "x y"}), field: "config.header_name", want: badHeader},
		{check: "plugins/rate-limiting config.path", path: "/plugins", body: rl(map[string]any{"path": "/a b"}), field: "config.path",
			want: "invalid path: '/a b' (characters outside of the reserved list of RFC 3986 found)"},
		{check: "plugins/rate-limiting config.redis.host", versions: v3, path: "/plugins", body: rl(map[string]any{"redis": map[string]any{"host": "a b"}}),
			field: "config.redis.host", want: "invalid value: a b"},
		{check: "plugins/rate-limiting config.redis.server_name", versions: v3, path: "/plugins", body: rl(map[string]any{"redis": map[string]any{"server_name": "10.0.0.1"}}),
			field: "config.redis.server_name", want: "must not be an IP"},
		{check: "plugins/rate-limiting config.redis_host", versions: v2, path: "/plugins", body: rl(map[string]any{"redis_host": "a b"}),
			field: "config.redis_host", want: "invalid value: a b"},
		{check: "plugins/rate-limiting config.redis_server_name", versions: v2, path: "/plugins", body: rl(map[string]any{"redis_server_name": "10.0.0.1"}),
			field: "config.redis_server_name", want: "must not be an IP"},
		// response-ratelimiting/schema.lua:7 (lower-case "the limit")
		{check: "plugins/response-ratelimiting config.limits{}", path: "/plugins",
			body:  plugin("response-ratelimiting", map[string]any{"limits": map[string]any{"video": map[string]any{"minute": 10, "hour": 5}}}),
			field: "config.limits", want: "the limit for hour(5.0) cannot be lower than the limit for minute(10.0)"},
		{check: "plugins/response-ratelimiting config.redis.host", versions: v3, path: "/plugins",
			body:  plugin("response-ratelimiting", map[string]any{"limits": map[string]any{"v": map[string]any{"minute": 1}}, "redis": map[string]any{"host": "a b"}}),
			field: "config.redis.host", want: "invalid value: a b"},
		{check: "plugins/response-ratelimiting config.redis.server_name", versions: v3, path: "/plugins",
			body:  plugin("response-ratelimiting", map[string]any{"limits": map[string]any{"v": map[string]any{"minute": 1}}, "redis": map[string]any{"server_name": "10.0.0.1"}}),
			field: "config.redis.server_name", want: "must not be an IP"},
		{check: "plugins/response-ratelimiting config.redis_host", versions: v2, path: "/plugins",
			body:  plugin("response-ratelimiting", map[string]any{"limits": map[string]any{"v": map[string]any{"minute": 1}}, "redis_host": "a b"}),
			field: "config.redis_host", want: "invalid value: a b"},
		// request-termination/schema.lua:25-43
		{check: "plugins/request-termination config.trigger", path: "/plugins", body: plugin("request-termination", map[string]any{"trigger": "x y"}),
			field: "config.trigger", want: badHeader},
		{check: "plugins/request-termination config", path: "/plugins", body: plugin("request-termination", map[string]any{"message": "m", "body": "b"}),
			field: "config", want: "message cannot be used with content_type or body"},
		{check: "plugins/request-termination config", path: "/plugins", body: plugin("request-termination", map[string]any{"content_type": "text/plain"}),
			field: "config", want: "content_type requires a body"},
		{check: "plugins/request-termination config", path: "/plugins", body: plugin("request-termination", map[string]any{"echo": true, "body": "b"}),
			field: "config", want: "echo cannot be used with content_type and body"},
		// response-transformer/schema.lua:69 validate_colon_headers (the value is a header name too)
		{check: "plugins/response-transformer config.rename.headers[]", path: "/plugins",
			body:  plugin("response-transformer", map[string]any{"rename": map[string]any{"headers": []any{"a:b c"}}}),
			field: "config.rename.headers.0", want: "'b c' is not a valid header"},
		// zipkin/schema.lua
		{check: "plugins/zipkin config.http_endpoint", path: "/plugins", body: plugin("zipkin", map[string]any{"http_endpoint": "zipkin.test"}),
			field: "config.http_endpoint", want: missingHost},
		{check: "plugins/zipkin config.static_tags", path: "/plugins",
			body:  plugin("zipkin", map[string]any{"static_tags": []any{map[string]any{"name": "a", "value": "1"}, map[string]any{"name": "a", "value": "2"}}}),
			field: "config.static_tags", want: "repeated tags are not allowed: a"},
		// 3.x only: opentelemetry, tracing propagation, redirect
		{check: "plugins/opentelemetry config.traces_endpoint", versions: v3, path: "/plugins", body: plugin("opentelemetry", map[string]any{"traces_endpoint": "otel.test"}),
			field: "config.traces_endpoint", want: missingHost},
		{check: "plugins/opentelemetry config.logs_endpoint", versions: v3, path: "/plugins", body: plugin("opentelemetry", map[string]any{"logs_endpoint": "otel.test"}),
			field: "config.logs_endpoint", want: missingHost},
		{check: "plugins/opentelemetry config.headers{key}", versions: v3, path: "/plugins",
			body: plugin("opentelemetry", map[string]any{"traces_endpoint": "http://otel.test", "headers": map[string]any{"x y": "v"}}), field: "config.headers", want: badHeader},
		{check: "plugins/opentelemetry config.propagation.clear[]", versions: v3, path: "/plugins",
			body:  plugin("opentelemetry", map[string]any{"traces_endpoint": "http://otel.test", "propagation": map[string]any{"clear": []any{"x y"}}}),
			field: "config.propagation.clear.0", want: badHeader},
		{check: "plugins/zipkin config.propagation.clear[]", versions: v3, path: "/plugins",
			body: plugin("zipkin", map[string]any{"propagation": map[string]any{"clear": []any{"x y"}}}), field: "config.propagation.clear.0", want: badHeader},
		{check: "plugins/redirect config.location", versions: v3, path: "/plugins", body: plugin("redirect", map[string]any{"location": "/next"}),
			field: "config.location", want: missingHost},
	}
	// request-transformer/schema.lua: validate_headers, validate_colon_headers, check_for_value
	cases = append(cases, checkCase{check: "plugins/request-transformer config.remove.headers[]", path: "/plugins",
		body:  plugin("request-transformer", map[string]any{"remove": map[string]any{"headers": []any{"x y"}}}),
		field: "config.remove.headers.0", want: "'x y' is not a valid header"})
	cases = append(cases, checkCase{check: "plugins/request-transformer config.rename.headers[]", path: "/plugins",
		body:  plugin("request-transformer", map[string]any{"rename": map[string]any{"headers": []any{"a:b c"}}}),
		field: "config.rename.headers.0", want: "'b c' is not a valid header"})
	for _, op := range []string{"replace", "add", "append"} {
		cases = append(cases, checkCase{check: "plugins/request-transformer config." + op + ".headers[]", path: "/plugins",
			body:  plugin("request-transformer", map[string]any{op: map[string]any{"headers": []any{"x y:v"}}}),
			field: "config." + op + ".headers.0", want: "'x y' is not a valid header"})
	}
	for _, op := range []string{"rename", "replace", "add", "append"} {
		for _, part := range []string{"body", "querystring"} {
			cases = append(cases, checkCase{check: "plugins/request-transformer config." + op + "." + part + "[]", path: "/plugins",
				body:  plugin("request-transformer", map[string]any{op: map[string]any{part: []any{"k:"}}}),
				field: "config." + op + "." + part + ".0", want: "key 'k' has no value"})
		}
	}
	return cases
}

// fieldAtPath walks "fields" of an error body by a dotted path.
func fieldAtPath(fields any, path string) any {
	cur := fields
	for _, seg := range strings.Split(path, ".") {
		switch c := cur.(type) {
		case map[string]any:
			cur = c[seg]
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i >= len(c) {
				return nil
			}
			cur = c[i]
		default:
			return nil
		}
	}
	return cur
}

func allCheckCases() []checkCase {
	return append(append(taggedCases(), coreCases()...), pluginCases()...)
}

func TestKongChecks(t *testing.T) {
	t.Parallel()
	m := getMaterial(t)
	for _, tc := range allCheckCases() {
		versions := tc.versions
		if versions == nil {
			versions = []string{"3.9.3", "2.8.5"}
		}
		for _, v := range versions {
			want, field := tc.want, tc.field
			if strings.HasSuffix(tc.check, " tags[]") && want == "" {
				want, field = badTag, "tags.0"
			}
			name := fmt.Sprintf("%s/%s/%s", v, tc.check, want)
			t.Run(name, func(t *testing.T) {
				opts := Options{Version: v}
				if tc.vaults {
					opts.Vaults = "bundled"
				}
				s, err := New(opts)
				require.NoError(t, err)
				if tc.setup != nil {
					tc.setup(t, s, m)
				}
				method := tc.method
				if method == "" {
					method = "POST"
				}
				var status int
				var got map[string]any
				if tc.form != nil {
					status, got = callForm(t, s, method, tc.path, tc.form)
				} else {
					status, got = call(t, s, method, tc.path, tc.body(m))
				}
				if want == "" {
					assert.Less(t, status, 300, "Kong accepts this: %v", got)
					return
				}
				require.Equal(t, 400, status, "%v", got)
				if field == "@entity" {
					ents, _ := fieldAtPath(got["fields"], "@entity").([]any)
					assert.Contains(t, ents, want, "%v", got)
					return
				}
				leaf, _ := fieldAtPath(got["fields"], field).(string)
				if tc.prefix {
					assert.True(t, strings.HasPrefix(leaf, want), "%q does not start with %q (%v)", leaf, want, got)
				} else {
					assert.Equal(t, want, leaf, "%v", got)
				}
			})
		}
	}
}

// TestKongChecks_EveryCheckHasACase: each entry of the table (per version)
// has at least one case, and each case names an entry.
func TestKongChecks_EveryCheckHasACase(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"3.9.3", "2.8.5"} {
		inv := luaCheckInventory(v == "3.9.3")
		covered := map[string]bool{}
		for _, tc := range allCheckCases() {
			if tc.versions != nil && !has(tc.versions, v) {
				continue
			}
			_, known := inv[tc.check]
			assert.True(t, known, "Kong %s: case for %q, which the table does not have", v, tc.check)
			covered[tc.check] = true
		}
		var missing []string
		for k := range inv {
			if !covered[k] {
				missing = append(missing, k)
			}
		}
		sort.Strings(missing)
		assert.Empty(t, missing, "Kong %s: checks without a case", v)
	}
}

// TestKongChecks_CustomEntityChecksAccountedFor: every custom_entity_check
// in the schema JSON has its Lua function ported, except the ones
// KONG-CHECKS.md lists as not emulated.
func TestKongChecks_CustomEntityChecksAccountedFor(t *testing.T) {
	t.Parallel()
	notEmulated := map[string]bool{
		// routes.lua:127 validate_route: the ATC expression the
		// traditional_compatible router compiles
		"routes id,protocols,snis,sources,destinations,methods,hosts,paths,headers,expression,regex_priority,priority": true,
	}
	for _, v := range []string{"3.9.3", "2.8.5"} {
		s := newTestServer(t, v)
		visit := func(name string, rec *Field) {
			for _, c := range rec.EntityChecks {
				arg, ok := c["custom_entity_check"].(map[string]any)
				if !ok {
					continue
				}
				key := name + " " + strings.Join(fieldNames(arg["field_sources"]), ",")
				_, ported := arg["fn"].(customEntityFn)
				assert.True(t, ported || notEmulated[key], "Kong %s: custom_entity_check %s has no port", v, key)
			}
		}
		for name, sc := range s.schemas.entities {
			visit(name, sc.Root)
		}
		for name, sc := range s.schemas.plugins {
			visit("plugins/"+name, sc.Root)
		}
	}
}

// TestKongChecks_MutuallyExclusiveSets is init.lua's
// mutually_exclusive_sets, which Kong 2.8.5's pre-function and
// post-function use (plugins/pre-function/_schema.lua:63).
func TestKongChecks_MutuallyExclusiveSets(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, "2.8.5")
	got := do(t, s, "POST", "/plugins", map[string]any{"name": "pre-function",
		"config": map[string]any{"functions": []any{"return"}, "access": []any{"return"}}}, 400)
	assert.Equal(t, "schema violation (these sets are mutually exclusive: ('config.functions'), ('config.access'))", got["message"])
	do(t, s, "POST", "/plugins", map[string]any{"name": "post-function", "config": map[string]any{"functions": []any{"return"}}}, 201)
}

// TestKongChecks_JWTPublicKey: plugins/jwt/daos.lua's conditional demands
// rsa_public_key for RS*, PS* and EdDSA (2.8.5: RS* only) and runs
// validate_ssl_key on it ("invalid key").
func TestKongChecks_JWTPublicKey(t *testing.T) {
	t.Parallel()
	m := getMaterial(t)
	for _, v := range []string{"3.9.3", "2.8.5"} {
		s := newTestServer(t, v)
		do(t, s, "PUT", "/consumers/alice", map[string]any{}, 200)
		got := do(t, s, "POST", "/consumers/alice/jwt", map[string]any{"algorithm": "RS256", "rsa_public_key": "nope"}, 400)
		assert.Equal(t, "2 schema violations (failed conditional validation given value of field 'algorithm'; rsa_public_key: invalid key)", got["message"])
		do(t, s, "POST", "/consumers/alice/jwt", map[string]any{"algorithm": "RS256", "rsa_public_key": m.rsaPub}, 201)
		do(t, s, "POST", "/consumers/alice/jwt", map[string]any{"algorithm": "ES256"}, 201)
	}
	s := newTestServer(t, "2.8.5")
	do(t, s, "PUT", "/consumers/alice", map[string]any{}, 200)
	got := do(t, s, "POST", "/consumers/alice/jwt", map[string]any{"algorithm": "PS256"}, 400)
	assert.Equal(t, "schema violation (algorithm: expected one of: HS256, HS384, HS512, RS256, RS384, RS512, ES256, ES384)", got["message"])
	s3 := newTestServer(t, "3.9.3")
	do(t, s3, "PUT", "/consumers/alice", map[string]any{}, 200)
	got = do(t, s3, "POST", "/consumers/alice/jwt", map[string]any{"algorithm": "PS256"}, 400)
	assert.Equal(t, "2 schema violations (failed conditional validation given value of field 'algorithm'; rsa_public_key: required field missing)", got["message"])
}

// TestKongChecks_VaultReferences: a referenceable field takes a vault
// reference without running its validators (init.lua validate_field).
func TestKongChecks_VaultReferences(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, "3.9.3")
	do(t, s, "POST", "/plugins", map[string]any{"name": "http-log", "config": map[string]any{"http_endpoint": "{vault://env/log-url}"}}, 201)
	got := do(t, s, "POST", "/plugins", map[string]any{"name": "zipkin", "config": map[string]any{"http_endpoint": "{vault://env/zipkin-url}"}}, 400)
	assert.Equal(t, "schema violation (config.http_endpoint: missing host in url)", got["message"], "zipkin's http_endpoint is not referenceable")
}

// callForm sends a form-encoded body (raw bytes survive, unlike JSON).
func callForm(t *testing.T, h http.Handler, method, path string, form url.Values) (int, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var out map[string]any
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &out), rec.Body.String())
	return rec.Code, out
}

// TestKongChecks_Documented: KONG-CHECKS.md lists every entry of both
// versions' tables with its Kong source.
func TestKongChecks_Documented(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("KONG-CHECKS.md")
	require.NoError(t, err)
	for _, v3 := range []bool{true, false} {
		for k, src := range luaCheckInventory(v3) {
			parts := strings.SplitN(k, " ", 2)
			row := "| `" + parts[0] + "` `" + parts[1] + "` | " + src + " |"
			assert.True(t, strings.Contains(string(doc), row), "KONG-CHECKS.md lacks the row %s", row)
		}
	}
}
