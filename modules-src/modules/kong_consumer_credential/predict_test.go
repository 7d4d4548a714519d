package kongconsumercredential

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"

	"platform.ops/modules-src/internal/kong"
	"platform.ops/modules-src/internal/kong/kongtest"
	"platform.ops/modules-src/internal/kong/predicttest"
	"platform.ops/tests/kongemu"
)

// TestPrediction: for a scripted sequence and a seeded random one, --check
// writes nothing and predicts the real run exactly (changed, operation,
// changes, diff, returned credential), the diff's differing fields are
// the changes (a masked secret cannot show its change), and a rerun
// changes nothing (except with update_password=always, documented to
// always change). See predicttest.Predictor.
func TestPrediction(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"3.9.3", "2.8.5"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			predictor.Sequence(t, predictionEnv(t, version), scripted, seed, 150,
				func(g *predicttest.Gen, i int) predicttest.PredictStep { return randomCredential(g) })
		})
	}
}

// TestPredictionWithoutCacheKey shows what the check of Kong's one acl
// group per consumer rule (the acl kind's CacheKey) catches: without it,
// check mode predicts success for exactly the scripted steps that give an
// acl selected by id a group its consumer already has, and for some of the
// random ones, and the real run fails with 409. Not parallel: it changes
// the acl kind, and puts it back before the parallel tests run.
func TestPredictionWithoutCacheKey(t *testing.T) {
	acl := kong.CredentialTypes["acl"].Kind
	saved := acl.CacheKey
	acl.CacheKey = nil
	defer func() { acl.CacheKey = saved }()
	for _, version := range []string{"3.9.3", "2.8.5"} {
		t.Run(version, func(t *testing.T) {
			env := predictionEnv(t, version)
			got := predictor.Mismatches(t, env, scripted)
			assert.ElementsMatch(t, []string{"acl create with id, a group the consumer has", "acl regroup via id to a group the consumer has"},
				slices.Collect(maps.Keys(got)))
			random := predictor.Mismatches(t, env, predicttest.RandomSteps(seed, 150,
				func(g *predicttest.Gen, i int) predicttest.PredictStep { return randomCredential(g) }))
			assert.NotEmpty(t, random, "no random step meets a group its consumer has")
			t.Logf("random steps check mode mispredicts without the check: %d", len(random))
			maps.Copy(got, random)
			for name, msg := range got {
				assert.Contains(t, msg, "check mode failed=<nil>", name)
				assert.Contains(t, msg, "Kong answered HTTP 409: UNIQUE violation detected on '{consumer={id=", name)
			}
		})
	}
}

func predictionEnv(t *testing.T, version string) *kongtest.Env {
	env := kongtest.Start(t, kongemu.Options{Version: version})
	env.Send(t, "PUT", "/consumers/c1", map[string]any{})
	env.Send(t, "PUT", "/consumers/c2", map[string]any{})
	return env
}

const seed = 20240605

// Credential ids of the scripted and random steps: id for any type, the
// acl ones per consumer (so a random task seldom names another consumer's).
const (
	id    = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
	aclID = "0a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
)

var aclIDs = map[string][]string{
	"c1": {"1a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "2a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"},
	"c2": {"3a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "4a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"},
}

var predictor = &predicttest.Predictor{
	Def: Definition, Entity: "credential",
	Shape: func(args map[string]any) *kong.Shape {
		return kong.CredentialTypes[args["type"].(string)].Kind.Shape
	},
	// Kong generates a jwt or hmac-auth secret the task leaves out.
	Generated: []string{"secret"},
}

func cred(ctype string, kv ...any) map[string]any {
	args := map[string]any{"consumer": "c1", "type": ctype}
	for i := 0; i < len(kv); i += 2 {
		args[kv[i].(string)] = kv[i+1]
	}
	return args
}

var scripted = []predicttest.PredictStep{
	{Name: "key-auth create", Args: cred("key-auth", "key", "k1", "tags", []any{"b", "a"})},
	{Name: "key-auth no-op rerun", Args: cred("key-auth", "key", "k1", "tags", []any{"b", "a"})},
	{Name: "key-auth tags", Args: cred("key-auth", "key", "k1", "tags", []any{"c", "a", "c"})},
	{Name: "key-auth tags reordered", Args: cred("key-auth", "key", "k1", "tags", []any{"a", "c"})},
	{Name: "key-auth create with id", Args: cred("key-auth", "id", id, "key", "k2")},
	{Name: "key-auth new key via id", Args: cred("key-auth", "id", id, "key", "k3", "tags", []any{"x"})},
	{Name: "key-auth delete", Args: cred("key-auth", "key", "k1", "state", "absent")},
	{Name: "key-auth delete again", Args: cred("key-auth", "key", "k1", "state", "absent")},
	{Name: "key-auth delete via id", Args: cred("key-auth", "id", id, "state", "absent")},
	{Name: "basic-auth create", Args: cred("basic-auth", "username", "bu", "password", "pw1")},
	{Name: "basic-auth rerun, other password, on_create", Args: cred("basic-auth", "username", "bu", "password", "pw2")},
	{Name: "basic-auth tags", Args: cred("basic-auth", "username", "bu", "tags", []any{"t"})},
	{Name: "basic-auth update_password always", Args: cred("basic-auth", "username", "bu", "password", "pw3", "update_password", "always"), AlwaysChanges: true},
	{Name: "jwt create", Args: cred("jwt", "key", "jk", "algorithm", "HS256")},
	{Name: "jwt algorithm and secret", Args: cred("jwt", "key", "jk", "algorithm", "HS512", "secret", "s1")},
	{Name: "jwt secret only", Args: cred("jwt", "key", "jk", "secret", "s2")},
	{Name: "hmac-auth create, secret generated", Args: cred("hmac-auth", "username", "hu")},
	{Name: "hmac-auth secret set", Args: cred("hmac-auth", "username", "hu", "secret", "hs")},
	{Name: "hmac-auth create with secret", Args: cred("hmac-auth", "username", "hu2", "secret", "hs", "tags", []any{"a"})},
	{Name: "acl create", Args: cred("acl", "group", "g1", "tags", []any{"b", "a"})},
	{Name: "acl tags", Args: cred("acl", "group", "g1", "tags", []any{"a"})},
	{Name: "acl delete", Args: cred("acl", "group", "g1", "state", "absent")},
	// One group per consumer (Kong's cache_key {consumer, group}),
	// which the validate endpoint does not check: an acl selected by
	// id is not looked up by its group, so check mode lists the
	// consumer's acls and fails with the real run's 409.
	{Name: "acl group g2", Args: cred("acl", "group", "g2")},
	{Name: "acl create with id, a group the consumer has", Args: cred("acl", "id", aclID, "group", "g2")},
	{Name: "acl create with id, another group", Args: cred("acl", "id", aclID, "group", "g3")},
	{Name: "acl regroup via id to a group the consumer has", Args: cred("acl", "id", aclID, "group", "g2", "tags", []any{"t"})},
	{Name: "acl group another consumer has", Args: map[string]any{"consumer": "c2", "type": "acl", "id": aclIDs["c2"][0], "group": "g2"}},
	{Name: "acl delete via id", Args: cred("acl", "id", aclID, "state", "absent")},
	{Name: "acl delete g2", Args: cred("acl", "group", "g2", "state", "absent")},
	{Name: "jwt rejected by Kong", Args: cred("jwt", "key", "rk", "algorithm", "RS256")},
	// User names are unique across consumers, and Kong's validate
	// endpoint checks no UNIQUE constraint: check mode asks who holds
	// the name (GET /basic-auths/{name}, /hmac-auths/{name}) and fails
	// with the real run's 409. (Keys never go in a URL: see
	// TestUniqueKeyNotCheckable.)
	{Name: "basic-auth username held by another consumer's", Args: map[string]any{"consumer": "c2", "type": "basic-auth", "username": "bu", "password": "p"}},
	{Name: "hmac-auth username held by another consumer's", Args: map[string]any{"consumer": "c2", "type": "hmac-auth", "username": "hu"}},
	{Name: "basic-auth create with id", Args: map[string]any{"consumer": "c2", "type": "basic-auth", "id": id, "username": "bu2", "password": "p"}},
	{Name: "basic-auth rename via id to a held username", Args: map[string]any{"consumer": "c2", "type": "basic-auth", "id": id, "username": "bu"}},
	{Name: "basic-auth rename via id to a free username", Args: map[string]any{"consumer": "c2", "type": "basic-auth", "id": id, "username": "bu3"}},
}

// randomCredential draws a kong_consumer_credential task: a type, a
// consumer, an identity, tags and the type's other fields. User names
// (basic-auth, hmac-auth) come from a pool both consumers share, so a task
// meets one the other consumer holds (Kong keeps them unique: check mode
// must fail with the real run's 409). Keys come from each consumer's own
// pool: check mode cannot ask who holds a key (it never goes in a URL;
// see TestUniqueKeyNotCheckable).
func randomCredential(g *predicttest.Gen) predicttest.PredictStep {
	ctype := predicttest.Pick(g, "key-auth", "basic-auth", "jwt", "hmac-auth", "acl")
	consumer := predicttest.Pick(g, "c1", "c2")
	identity := fmt.Sprintf("%s-%s-%d", consumer, ctype, g.R.IntN(2))
	if !kong.CredentialTypes[ctype].IdentityIsSecret {
		identity = fmt.Sprintf("%s-%d", ctype, g.R.IntN(3))
	}
	args := map[string]any{"consumer": consumer, "type": ctype, kong.CredentialTypes[ctype].Identity: identity}
	if ctype == "acl" && g.Chance(0.4) {
		// Selected by id, so given the drawn group, which its consumer
		// may have already (a 409 check mode must predict).
		args["id"] = predicttest.Pick(g, aclIDs[consumer]...)
	}
	if g.Chance(0.15) {
		args["state"] = "absent"
		return predicttest.PredictStep{Args: args}
	}
	if g.Chance(0.5) {
		args["tags"] = g.Subset("t1", "t2", "t3")
	}
	always := false
	switch ctype {
	case "basic-auth":
		args["password"] = predicttest.Pick(g, "p1", "p2")
		if g.Chance(0.2) {
			args["update_password"] = "always"
			always = true
		}
	case "jwt":
		if g.Chance(0.4) {
			args["algorithm"] = predicttest.Pick(g, "HS256", "HS384", "HS512")
		}
		if g.Chance(0.4) {
			args["secret"] = predicttest.Pick(g, "s1", "s2")
		}
	case "hmac-auth":
		if g.Chance(0.5) {
			args["secret"] = predicttest.Pick(g, "s1", "s2")
		}
	}
	return predicttest.PredictStep{Args: args, AlwaysChanges: always}
}
