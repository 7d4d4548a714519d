package konginfo

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"platform.ops/modules-src/internal/kong/kongtest"
	kongdeclarative "platform.ops/modules-src/modules/kong_declarative"
	"platform.ops/tests/kongemu"
)

func shopState(format, regex string) map[string]any {
	return map[string]any{
		"_format_version": format,
		"services": []any{map[string]any{
			"name": "orders", "url": "https://orders.internal:8443/v1", "tags": []any{"shop"},
			"routes": []any{
				map[string]any{"name": "orders-api", "paths": []any{"/orders"}, "methods": []any{"GET", "POST"}, "tags": []any{"shop"},
					"plugins": []any{map[string]any{"name": "cors", "config": map[string]any{"origins": []any{"https://shop.example"}}, "tags": []any{"shop"}}}},
				map[string]any{"name": "orders-by-id", "paths": []any{regex}, "tags": []any{"shop"}},
			},
			"plugins": []any{map[string]any{"name": "rate-limiting", "config": map[string]any{"minute": 20, "policy": "local"}, "tags": []any{"shop"}}},
		}},
		"consumers": []any{map[string]any{
			"username": "frontend", "custom_id": "crm-1", "tags": []any{"shop"},
			"keyauth_credentials": []any{map[string]any{"key": "frontend-key-1234567", "tags": []any{"shop"}}},
			"acls":                []any{map[string]any{"group": "shoppers", "tags": []any{"shop"}}},
			"plugins":             []any{map[string]any{"name": "rate-limiting", "config": map[string]any{"hour": 1000}, "tags": []any{"shop"}}},
		}},
		"plugins": []any{
			map[string]any{"name": "correlation-id", "tags": []any{"shop"}},
			map[string]any{"name": "request-termination", "service": "orders", "consumer": "frontend", "config": map[string]any{"status_code": 403}, "tags": []any{"shop"}},
		},
	}
}

func declare(t *testing.T, env *kongtest.Env, state map[string]any) map[string]any {
	t.Helper()
	out := env.Run(kongdeclarative.Definition, map[string]any{"state": state})
	require.NotEqual(t, true, out["failed"], "%v", out["msg"])
	return out
}

func exportDeckState(t *testing.T, env *kongtest.Env, args map[string]any) map[string]any {
	t.Helper()
	all := map[string]any{"format": "deck"}
	for k, v := range args {
		all[k] = v
	}
	out := env.Run(Definition, all)
	require.NotEqual(t, true, out["failed"], "%v", out["msg"])
	return jsonRoundTrip(out["state"]).(map[string]any)
}

func jsonRoundTrip(v any) any {
	b, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

// TestDeckExport_RoundTrip: Kong A -> kong_info format=deck -> kong_declarative
// on Kong B leaves B equal to A, and applying again changes nothing.
func TestDeckExport_RoundTrip(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"3.9.3", "2.8.5"} {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			regex := `~/orders/\d+$`
			format := "3.0"
			if v == "2.8.5" {
				regex, format = `/orders/\d+$`, "1.1"
			}
			a := kongtest.Start(t, kongemu.Options{Version: v})
			b := kongtest.Start(t, kongemu.Options{Version: v})
			declare(t, a, withInfra(t, shopState(format, regex), v == "3.9.3"))
			fromA := exportDeckState(t, a, map[string]any{"all_services": true, "include_secrets": true})
			assert.Equal(t, format, fromA["_format_version"])

			first := declare(t, b, fromA)
			assert.Equal(t, true, first["changed"])
			again := declare(t, b, fromA)
			assert.Equal(t, false, again["changed"], "%v", again["changes"])
			fromB := exportDeckState(t, b, map[string]any{"all_services": true, "include_secrets": true})
			assert.Equal(t, fromA, fromB, "B holds what A holds")
		})
	}
}

// withInfra adds every other entity type: an upstream with targets, a
// certificate with an SNI the service presents, a CA certificate it trusts,
// and on Kong 3.x a vault and a key set with a key.
func withInfra(t *testing.T, state map[string]any, kong3 bool) map[string]any {
	cert := kongtest.NewCert(t, false, "shop.example.test")
	ca := kongtest.NewCA(t, "Shop CA")
	const certID, caID = "9f3c6b0e-3333-4222-8333-444455556666", "9f3c6b0e-4444-4222-8333-444455556666"
	state["upstreams"] = []any{map[string]any{"name": "orders-backend", "tags": []any{"shop"},
		"targets": []any{map[string]any{"target": "orders-1.internal", "tags": []any{"shop"}}, map[string]any{"target": "10.0.0.7:8081", "weight": 30, "tags": []any{"shop"}}}}}
	state["certificates"] = []any{map[string]any{"id": certID, "cert": cert.Cert, "key": cert.Key, "tags": []any{"shop"},
		"snis": []any{map[string]any{"name": "shop.example.test"}}}}
	state["ca_certificates"] = []any{map[string]any{"id": caID, "cert": ca.Cert, "tags": []any{"shop"}}}
	svc := state["services"].([]any)[0].(map[string]any)
	svc["client_certificate"], svc["ca_certificates"] = certID, []any{caID}
	if kong3 {
		key := kongtest.NewKeyPair(t, "shop-1")
		state["vaults"] = []any{map[string]any{"prefix": "shop-env", "name": "env", "config": map[string]any{"prefix": "SHOP_"}, "tags": []any{"shop"}}}
		state["key_sets"] = []any{map[string]any{"name": "shop-signing", "tags": []any{"shop"}}}
		state["keys"] = []any{map[string]any{"name": "shop-1", "kid": "shop-1", "jwk": key.JWK, "set": map[string]any{"name": "shop-signing"}, "tags": []any{"shop"}}}
	}
	return state
}

// TestDeckExport_Migration28To39: a Kong 2.8 export (format 1.1) applied to
// Kong 3.9: regex paths get their "~", and a rerun changes nothing.
func TestDeckExport_Migration28To39(t *testing.T) {
	t.Parallel()
	old := kongtest.Start(t, kongemu.Options{Version: "2.8.5"})
	declare(t, old, shopState("1.1", `/orders/\d+$`))
	state := exportDeckState(t, old, map[string]any{"all_services": true, "include_secrets": true})
	neu := kongtest.Start(t, kongemu.Options{Version: "3.9.3"})
	declare(t, neu, state)
	assert.Equal(t, []any{`~/orders/\d+$`}, neu.Get(t, "/routes/orders-by-id")["paths"])
	again := declare(t, neu, state)
	assert.Equal(t, false, again["changed"], "%v", again["changes"])
}

func TestDeckExport_SecretsOnlyWhenAsked(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{})
	declare(t, env, shopState("3.0", `~/orders/\d+$`))
	out := env.Run(Definition, map[string]any{"format": "deck", "all_services": true})
	require.NotEqual(t, true, out["failed"], "%v", out["msg"])
	b, _ := json.Marshal(out)
	assert.NotContains(t, string(b), "frontend-key-1234567")
	assert.Contains(t, out["omitted_secrets"], "consumers[frontend].keyauth_credentials")
	assert.Contains(t, string(b), "shoppers", "acl groups are not secret")
}

func TestDeckExport_OneServiceOrATagSet(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{})
	declare(t, env, shopState("3.0", `~/orders/\d+$`))
	env.Send(t, http.MethodPut, "/services/other", map[string]any{"host": "other.internal", "tags": []any{"billing"}})

	one := exportDeckState(t, env, map[string]any{"service": "orders"})
	services := one["services"].([]any)
	require.Len(t, services, 1)
	assert.Equal(t, "orders", services[0].(map[string]any)["name"])
	assert.Len(t, services[0].(map[string]any)["routes"], 2)
	assert.Nil(t, one["consumers"], "consumers only when named")

	tagged := exportDeckState(t, env, map[string]any{"select_tags": []any{"billing"}})
	assert.Equal(t, map[string]any{"select_tags": []any{"billing"}}, tagged["_info"])
	require.Len(t, tagged["services"], 1)
	assert.Equal(t, "other", tagged["services"].([]any)[0].(map[string]any)["name"])

	missing := env.Run(Definition, map[string]any{"format": "deck", "service": "nope"})
	assert.Equal(t, true, missing["failed"])
	assert.Contains(t, missing["msg"], `service "nope" does not exist`)
}

func TestDeckExport_DropDefaultsIsRefused(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{})
	out := env.Run(Definition, map[string]any{"format": "deck", "all_services": true, "drop_defaults": true})
	assert.Equal(t, true, out["failed"])
	assert.Contains(t, out["msg"], "drop_defaults applies to format: modules")
}
