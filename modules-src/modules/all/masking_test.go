package all

import (
	"context"
	"fmt"
	"math/rand"
	"net"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong/kongtest"
	kongcacertificate "platform.ops/modules-src/modules/kong_ca_certificate"
	kongcertificate "platform.ops/modules-src/modules/kong_certificate"
	kongconsumer "platform.ops/modules-src/modules/kong_consumer"
	kongconsumercredential "platform.ops/modules-src/modules/kong_consumer_credential"
	kongdeclarative "platform.ops/modules-src/modules/kong_declarative"
	konginfo "platform.ops/modules-src/modules/kong_info"
	kongkey "platform.ops/modules-src/modules/kong_key"
	kongkeyset "platform.ops/modules-src/modules/kong_key_set"
	kongplugin "platform.ops/modules-src/modules/kong_plugin"
	kongroute "platform.ops/modules-src/modules/kong_route"
	kongservice "platform.ops/modules-src/modules/kong_service"
	kongsni "platform.ops/modules-src/modules/kong_sni"
	kongtarget "platform.ops/modules-src/modules/kong_target"
	kongupstream "platform.ops/modules-src/modules/kong_upstream"
	kongvault "platform.ops/modules-src/modules/kong_vault"
	maprclusterid "platform.ops/modules-src/modules/mapr_clusterid"
	maprlicense "platform.ops/modules-src/modules/mapr_license"
	"platform.ops/tests/kongemu"
)

// maskScenario is one task whose outcome does not depend on the value of
// the secret planted in it: it fails (or succeeds) whatever the secret is.
type maskScenario struct {
	name   string
	def    *ansible.Definition
	failed bool
	args   func(secret string) map[string]any
}

// maskScenarios covers every module: each no_log option and each option
// with derived secrets (a password in admin_url, credential-looking
// admin_headers, a plugin's config before its schema is read), on failing
// and succeeding paths. deadURL is an Admin API nobody listens on.
func maskScenarios(env *kongtest.Env, deadURL, maprHome string) []maskScenario {
	kong := func(def *ansible.Definition, failed bool, name string, args func(s string) map[string]any) maskScenario {
		return maskScenario{name: name, def: def, failed: failed, args: func(s string) map[string]any {
			a := map[string]any{"admin_url": env.URL, "admin_retries": 0, "timeout": 5}
			for k, v := range args(s) {
				a[k] = v
			}
			return a
		}}
	}
	return []maskScenario{
		// The reproduction: password "ai" hid "failed".
		kong(kongconsumercredential.Definition, true, "basic-auth password, missing consumer", func(s string) map[string]any {
			return map[string]any{"consumer": "nobody-here", "type": "basic-auth", "username": "u1", "password": s}
		}),
		kong(kongconsumercredential.Definition, true, "key-auth key, missing consumer", func(s string) map[string]any {
			return map[string]any{"consumer": "nobody-here", "type": "key-auth", "key": s}
		}),
		kong(kongconsumercredential.Definition, true, "jwt secret, missing consumer", func(s string) map[string]any {
			return map[string]any{"consumer": "nobody-here", "type": "jwt", "key": "iss-1", "secret": s}
		}),
		kong(kongconsumercredential.Definition, false, "acl with an admin_token", func(s string) map[string]any {
			return map[string]any{"consumer": "masking-alice", "type": "acl", "group": "readers", "admin_token": s}
		}),
		// The reproduction: a session secret "hang" hid "changed".
		kong(kongplugin.Definition, false, "session plugin config.secret", func(s string) map[string]any {
			return map[string]any{"name": "session", "service": "masking-svc", "config": map[string]any{"secret": s}}
		}),
		kong(kongplugin.Definition, true, "plugin config on a missing service", func(s string) map[string]any {
			return map[string]any{"name": "session", "service": "no-such-svc", "config": map[string]any{"secret": s}}
		}),
		kong(kongplugin.Definition, true, "plugin config, Kong unreachable", func(s string) map[string]any {
			return map[string]any{"admin_url": deadURL, "name": "key-auth", "config": map[string]any{"key_names": []any{s}}}
		}),
		// The reproduction: url_password: yes is the secret "True".
		kong(kongservice.Definition, false, "url_password", func(s string) map[string]any {
			return map[string]any{"name": "masking-svc", "host": "upstream.test", "url_username": "u", "url_password": s}
		}),
		kong(kongservice.Definition, true, "url_password, Kong unreachable", func(s string) map[string]any {
			return map[string]any{"admin_url": deadURL, "name": "masking-svc", "url_username": "u", "url_password": s}
		}),
		kong(kongservice.Definition, true, "password in admin_url, Kong unreachable", func(s string) map[string]any {
			return map[string]any{"admin_url": strings.Replace(deadURL, "//", "//u:"+s+"@", 1), "name": "masking-svc"}
		}),
		kong(kongroute.Definition, false, "admin_headers with a secret value", func(s string) map[string]any {
			return map[string]any{"name": "masking-route", "service": "masking-svc", "paths": []any{"/masking"}, "admin_headers": map[string]any{"X-Api-Key": s}}
		}),
		// The reproduction: admin_headers: ["a"] garbled everything.
		kong(kongroute.Definition, true, "admin_headers that is not a dict", func(s string) map[string]any {
			return map[string]any{"name": "masking-route", "paths": []any{"/masking"}, "admin_headers": []any{s}}
		}),
		kong(kongconsumer.Definition, false, "admin_token", func(s string) map[string]any {
			return map[string]any{"username": "masking-alice", "admin_token": s}
		}),
		kong(kongconsumer.Definition, true, "admin_token, Kong unreachable", func(s string) map[string]any {
			return map[string]any{"admin_url": deadURL, "username": "masking-alice", "admin_token": s}
		}),
		kong(konginfo.Definition, false, "admin_token", func(s string) map[string]any {
			return map[string]any{"all_services": true, "admin_token": s}
		}),
		kong(konginfo.Definition, true, "admin_token, bad timeout", func(s string) map[string]any {
			return map[string]any{"all_services": true, "admin_token": s, "timeout": -1}
		}),
		kong(kongupstream.Definition, false, "admin_token", func(s string) map[string]any {
			return map[string]any{"name": "masking-up", "admin_token": s}
		}),
		kong(kongupstream.Definition, true, "admin_token, Kong unreachable", func(s string) map[string]any {
			return map[string]any{"admin_url": deadURL, "name": "masking-up", "admin_token": s}
		}),
		kong(kongtarget.Definition, false, "admin_token", func(s string) map[string]any {
			return map[string]any{"upstream": "masking-up", "target": "masking.internal:8080", "admin_token": s}
		}),
		kong(kongtarget.Definition, true, "admin_token, missing upstream", func(s string) map[string]any {
			return map[string]any{"upstream": "no-such-upstream", "target": "masking.internal:8080", "admin_token": s}
		}),
		kong(kongcertificate.Definition, true, "key of a certificate Kong refuses", func(s string) map[string]any {
			return map[string]any{"cert": "not a PEM certificate", "key": s, "snis": []any{"masking.example.test"}}
		}),
		kong(kongsni.Definition, true, "admin_token, missing certificate", func(s string) map[string]any {
			return map[string]any{"name": "masking-sni.example.test", "certificate": "9f3c6b0e-9999-4222-8333-444455556666", "admin_token": s}
		}),
		kong(kongcacertificate.Definition, true, "admin_token, a cert Kong refuses", func(s string) map[string]any {
			return map[string]any{"cert": "not a PEM certificate", "admin_token": s}
		}),
		kong(kongvault.Definition, false, "admin_token", func(s string) map[string]any {
			return map[string]any{"prefix": "masking-vault", "name": "env", "admin_token": s}
		}),
		kong(kongkeyset.Definition, false, "admin_token", func(s string) map[string]any {
			return map[string]any{"name": "masking-set", "admin_token": s}
		}),
		kong(kongkey.Definition, true, "jwk Kong refuses", func(s string) map[string]any {
			return map[string]any{"name": "masking-key", "kid": "masking-kid", "jwk": `{"kty": "oct", "kid": "masking-kid", "k": "` + s + `"}`}
		}),
		kong(kongdeclarative.Definition, false, "a key-auth key in the state", func(s string) map[string]any {
			return map[string]any{"state": map[string]any{"_format_version": "3.0", "consumers": []any{map[string]any{"username": "masking-decl",
				"keyauth_credentials": []any{map[string]any{"key": "masking-decl-" + s}}}}}, "select_tags": []any{"masking"}}
		}),
		kong(kongdeclarative.Definition, true, "a key-auth key in a state with a typo", func(s string) map[string]any {
			return map[string]any{"state": map[string]any{"_format_version": "3.0", "consumers": []any{map[string]any{"usernam": "x",
				"keyauth_credentials": []any{map[string]any{"key": s}}}}}}
		}),
		{name: "license content that is not a license", def: maprlicense.Definition, failed: true, args: func(s string) map[string]any {
			return map[string]any{"content": s, "mapr_home": maprHome}
		}},
		{name: "license content, no maprcli", def: maprlicense.Definition, failed: true, args: func(s string) map[string]any {
			return map[string]any{"content": s, "mapr_home": maprHome + "/missing"}
		}},
		// mapr_clusterid has no secret option: its result must come out
		// whole whatever the other modules' secrets are.
		{name: "read, no secret option", def: maprclusterid.Definition, failed: false, args: func(string) map[string]any {
			return map[string]any{"mapr_home": maprHome, "maprcli_path": maprHome + "/missing"}
		}},
		{name: "regenerated without configure.sh", def: maprclusterid.Definition, failed: true, args: func(string) map[string]any {
			return map[string]any{"mapr_home": maprHome, "state": "regenerated", "cluster_name": "c", "cldb_nodes": []any{"h"}, "zk_nodes": []any{"h"}}
		}},
	}
}

// shortSecretAlphabet holds the letters of the result's own keys and
// values (failed, changed, msg, invocation, True, False, rc, digits), so
// random short secrets hit them.
const shortSecretAlphabet = "failedchngsmrkpoutvwTF0123456789_:\"{ "

// controlSecrets are fixed secrets from the reports.
var controlSecrets = []string{"ai", "hang", "True", "False", "a", "e", "1", "f", "changed", "failed", "msg"}

func randomShortSecret(r *rand.Rand) string {
	b := make([]byte, 1+r.Intn(3))
	for i := range b {
		b[i] = shortSecretAlphabet[r.Intn(len(shortSecretAlphabet))]
	}
	return strings.TrimSpace(string(b)) + string(shortSecretAlphabet[r.Intn(20)])
}

// keyPaths lists every key of v as a path ("a.b[].c"): the shape of a
// result, which masking must never change.
func keyPaths(v any, prefix string, out map[string]bool) {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			p := prefix + "." + k
			out[p] = true
			keyPaths(e, p, out)
		}
	case []any:
		for _, e := range t {
			keyPaths(e, prefix+"[]", out)
		}
	}
}

// resultShape is the outcome and the key paths of a result, without the
// invocation (whose module_args shape is the task's own).
func resultShape(t *testing.T, out map[string]any) (failed, changed any, paths []string) {
	t.Helper()
	set := map[string]bool{}
	for k, v := range out {
		if k == "invocation" {
			continue
		}
		set[k] = true
		keyPaths(v, k, set)
	}
	for p := range set {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	return out["failed"], out["changed"], paths
}

// assertOutcomeKept checks what Ansible reads from a result: "failed" and
// "changed" are booleans, a failure has a msg, and no key anywhere was
// rewritten by masking.
func assertOutcomeKept(t *testing.T, out map[string]any) {
	t.Helper()
	changed, ok := out["changed"].(bool)
	assert.True(t, ok, "changed must be a boolean: %v", out["changed"])
	_ = changed
	if f, present := out["failed"]; present {
		failed, ok := f.(bool)
		assert.True(t, ok, "failed must be a boolean: %v", f)
		if failed {
			_, ok := out["msg"].(string)
			assert.True(t, ok, "a failure has a msg: %v", out)
		}
	}
	set := map[string]bool{}
	keyPaths(out, "", set)
	for p := range set {
		assert.NotContains(t, p, "********", "a key was masked")
	}
}

func deadAdminURL(t testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	url := "http://" + l.Addr().String()
	require.NoError(t, l.Close())
	return url
}

// TestMasking_ShortSecretsNeverHideTheOutcome is the property of issue 10
// item 0, for every module: with random short secrets (and the ones the
// issue reported), a task fails exactly when it fails with a long secret
// nothing can contain, reports the same changed/failed booleans' types and
// has the same keys at every depth. Before the fix the masker rewrote keys
// ("f********led") and booleans ("failed": "********"), so a failing task
// printed rc 0 and Ansible saw "ok".
func TestMasking_ShortSecretsNeverHideTheOutcome(t *testing.T) {
	env := kongtest.Start(t, kongemu.Options{Version: "3.9.3"})
	env.Send(t, "PUT", "/services/masking-svc", map[string]any{"host": "upstream.test"})
	env.Send(t, "PUT", "/consumers/masking-alice", map[string]any{})
	scenarios := maskScenarios(env, deadAdminURL(t), t.TempDir())

	covered := map[string]bool{}
	for _, sc := range scenarios {
		covered[sc.def.Name] = true
	}
	for _, def := range Definitions() {
		assert.True(t, covered[def.Name], "module %s has no masking scenario", def.Name)
	}

	iterations := 25
	if testing.Short() {
		iterations = 8
	}
	r := rand.New(rand.NewSource(10))
	for _, sc := range scenarios {
		t.Run(sc.def.Name+"/"+sc.name, func(t *testing.T) {
			reference := ansible.Execute(context.Background(), sc.def, sc.args("Long-Reference-Secret-Q7Z9X"))
			assertOutcomeKept(t, reference)
			require.Equal(t, sc.failed, reference["failed"] == true, "reference run: %v", reference)
			_, _, refPaths := resultShape(t, reference)

			secrets := append([]string{}, controlSecrets...)
			for i := 0; i < iterations; i++ {
				secrets = append(secrets, randomShortSecret(r))
			}
			for _, secret := range secrets {
				out := ansible.Execute(context.Background(), sc.def, sc.args(secret))
				assertOutcomeKept(t, out)
				failed, _, paths := resultShape(t, out)
				assert.Equal(t, sc.failed, failed == true, "secret %q: %v", secret, out)
				assert.Equal(t, refPaths, paths, "secret %q changed the result's keys", secret)
			}
		})
	}
}

// TestMasking_BoolGivenForASecretOption: url_password: yes reaches the
// module as the string "True" (a str option); it is masked as text but the
// booleans of the result stay booleans.
func TestMasking_BoolGivenForASecretOption(t *testing.T) {
	env := kongtest.Start(t, kongemu.Options{Version: "3.9.3"})
	out := env.Run(kongservice.Definition, map[string]any{"name": "svc", "host": "h.test", "url_username": "u", "url_password": true})
	assert.Equal(t, true, out["changed"], fmt.Sprint(out))
	assert.NotContains(t, out, "failed")
	assert.Equal(t, "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER", out["invocation"].(map[string]any)["module_args"].(map[string]any)["url_password"])
}
