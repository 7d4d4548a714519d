package kong

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"platform.ops/modules-src/internal/kong/kongtest"
	"platform.ops/tests/kongemu"
)

// These tests drive the engine directly against the emulator with the
// entities the other Kong modules manage, to show they need no comparison
// code of their own.

func emuConn(t *testing.T, version string) (*Conn, *kongtest.Env) {
	t.Helper()
	env := kongtest.Start(t, kongemu.Options{Version: version})
	c, err := NewConn(Config{AdminURL: env.URL, ValidateCerts: true, Timeout: 5 * time.Second, Retries: 0})
	require.NoError(t, err)
	t.Cleanup(c.Close)
	return c, env
}

func TestEngine_RouteSetsCompareWithoutOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, env := emuConn(t, "3.9.3")
	env.Send(t, http.MethodPut, "/services/svc", map[string]any{"host": "a.test"})
	req := func(methods ...any) *Request {
		return &Request{Kind: RouteKind, Select: Selector{Key: "r"}, Desired: Object{
			"name": "r", "service": Object{"id": env.Get(t, "/services/svc")["id"]},
			"paths": []any{"/a", "/b"}, "methods": methods, "strip_path": false,
		}}
	}
	out, err := c.Ensure(ctx, req("GET", "POST"))
	require.NoError(t, err)
	assert.Equal(t, OpCreate, out.Op)

	out, err = c.Ensure(ctx, req("POST", "GET", "GET"))
	require.NoError(t, err)
	assert.Equal(t, OpNone, out.Op, "changes: %v", out.Changes)

	out, err = c.Ensure(ctx, req("GET"))
	require.NoError(t, err)
	assert.Equal(t, []string{"methods"}, out.Changes)
	assert.ElementsMatch(t, []any{"GET"}, env.Get(t, "/routes/r")["methods"])
	assert.Equal(t, true, env.Get(t, "/routes/r")["request_buffering"], "untouched defaults stay")
}

func TestEngine_PluginConfigComparedKeyByKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, env := emuConn(t, "3.9.3")
	schema, err := c.Schema(ctx, "plugins/rate-limiting")
	require.NoError(t, err)
	kind := &Kind{Name: "plugin", Collection: "plugins", KeyField: "instance_name",
		Shape: schema.Shape(), Schema: "plugins/rate-limiting"}
	find := func(ctx context.Context, _ *Request) (Object, error) {
		list, err := c.List(ctx, "/plugins")
		if err != nil || len(list) == 0 {
			return nil, err
		}
		return list[0], nil
	}
	desired := Object{"name": "rate-limiting", "config": Object{"minute": 5, "policy": "local"}}

	out, err := c.Ensure(ctx, &Request{Kind: kind, Desired: desired, Find: find})
	require.NoError(t, err)
	assert.Equal(t, OpCreate, out.Op)

	out, err = c.Ensure(ctx, &Request{Kind: kind, Desired: desired, Find: find})
	require.NoError(t, err)
	assert.Equal(t, OpNone, out.Op, "the config defaults Kong filled are not a change: %v", out.Changes)

	out, err = c.Ensure(ctx, &Request{Kind: kind, Desired: Object{"name": "rate-limiting", "config": Object{"minute": 10}}, Find: find})
	require.NoError(t, err)
	assert.Equal(t, []string{"config.minute"}, out.Changes)
	assert.Equal(t, Object{"config": Object{"minute": 10.0}}, out.Plan.Body, "PATCH carries the one changed key")
	held := env.Get(t, "/plugins")["data"].([]any)[0].(map[string]any)["config"].(map[string]any)
	assert.EqualValues(t, 10, held["minute"])
	assert.Equal(t, "local", held["policy"])

	strict, err := c.Ensure(ctx, &Request{Kind: kind, Desired: Object{"name": "rate-limiting", "config": Object{"minute": 10}}, Find: find, Strict: true, CheckMode: true})
	require.NoError(t, err)
	assert.Equal(t, OpNone, strict.Op, "strict mode uses the plugin's schema defaults: %v", strict.Changes)
}

func TestEngine_SecretsMaskedInDiffAndEntity(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, env := emuConn(t, "3.9.3")
	env.Send(t, http.MethodPut, "/consumers/alice", map[string]any{})
	kind := &Kind{Name: "key-auth credential", Collection: "key-auths", KeyField: "key"}
	consumerID := env.Get(t, "/consumers/alice")["id"]
	out, err := c.Ensure(ctx, &Request{Kind: kind,
		Desired: Object{"key": "very-secret-key", "consumer": Object{"id": consumerID}},
		Find:    func(context.Context, *Request) (Object, error) { return nil, nil },
	})
	require.NoError(t, err)
	assert.Equal(t, OpCreate, out.Op)
	assert.Equal(t, Masked, out.Entity["key"])
	assert.Equal(t, Masked, out.Diff["after"].(Object)["key"])
}

func TestEngine_ConflictOnCreateRereadsAndCompares(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, env := emuConn(t, "3.9.3")
	// Someone else created it between our read and our write.
	env.Send(t, http.MethodPut, "/consumers/bob", map[string]any{"custom_id": "b-1"})
	reads := 0
	find := func(ctx context.Context, _ *Request) (Object, error) {
		reads++
		if reads == 1 {
			return nil, nil // the stale first read
		}
		return c.Get(ctx, "/consumers/bob")
	}
	kind := &Kind{Name: "consumer", Collection: "consumers", KeyField: "username"}

	out, err := c.Ensure(ctx, &Request{Kind: kind, Desired: Object{"username": "bob", "custom_id": "b-1"}, Find: find})
	require.NoError(t, err)
	assert.Equal(t, OpNone, out.Op, "same content: nothing to do")
	assert.False(t, out.Changed)

	reads = 0
	out, err = c.Ensure(ctx, &Request{Kind: kind, Desired: Object{"username": "bob", "custom_id": "b-2"}, Find: find})
	require.NoError(t, err)
	assert.Equal(t, OpUpdate, out.Op)
	assert.Equal(t, []string{"custom_id"}, out.Changes)
	assert.Equal(t, "b-2", env.Get(t, "/consumers/bob")["custom_id"])
}

func TestEngine_RemoveIsIdempotent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, env := emuConn(t, "2.8.5")
	env.Send(t, http.MethodPut, "/services/gone", map[string]any{"host": "a.test"})
	req := &Request{Kind: ServiceKind, Select: Selector{Key: "gone"}}
	out, err := c.Remove(ctx, req)
	require.NoError(t, err)
	assert.Equal(t, OpDelete, out.Op)
	assert.Equal(t, "a.test", out.Diff["before"].(Object)["host"])
	out, err = c.Remove(ctx, req)
	require.NoError(t, err)
	assert.Equal(t, OpNone, out.Op)
}

func TestConn_InfoFromEmulator(t *testing.T) {
	t.Parallel()
	for version, flavor := range map[string]string{"3.9.3": "traditional_compatible", "2.8.5": "traditional"} {
		c, _ := emuConn(t, version)
		info, err := c.Info(context.Background())
		require.NoError(t, err)
		assert.Equal(t, version, info.Version)
		assert.Equal(t, flavor, info.RouterFlavor)
		assert.False(t, info.Enterprise)
	}
}
