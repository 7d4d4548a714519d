package all

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong/kongtest"
	kongroute "platform.ops/modules-src/modules/kong_route"
	kongservice "platform.ops/modules-src/modules/kong_service"
	"platform.ops/tests/kongemu"
)

// eeStep is one module task against the Enterprise emulator.
type eeStep struct {
	name      string
	def       *ansible.Definition
	workspace string // "" runs without the workspace option (default workspace)
	args      map[string]any
	changed   bool
}

// TestWorkspaceEnterprise_IsolatedIdempotentCheckMode runs kong_service and
// kong_route with workspace team-a and without a workspace against the
// emulator in Kong Enterprise mode, where workspaces really are separate
// entity stores (no proxy that strips the prefix): the same service and
// route names live in both, check mode writes nothing in either, a second
// run changes nothing, and deleting in team-a leaves default alone. The
// regex path makes kong_route read the node version from GET /team-a/kong,
// which reports an Enterprise version.
func TestWorkspaceEnterprise_IsolatedIdempotentCheckMode(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{Enterprise: true})
	env.Send(t, "POST", "/workspaces", map[string]any{"name": workspace})
	base := env.Args

	svc := func(host string, extra ...any) map[string]any {
		a := map[string]any{"name": "orders", "host": host}
		for i := 0; i+1 < len(extra); i += 2 {
			a[extra[i].(string)] = extra[i+1]
		}
		return a
	}
	route := func(extra ...any) map[string]any {
		a := map[string]any{"name": "orders-r", "service": "orders", "paths": []any{"/orders", `~/orders/\d+$`}}
		for i := 0; i+1 < len(extra); i += 2 {
			a[extra[i].(string)] = extra[i+1]
		}
		return a
	}
	steps := []eeStep{
		{name: "service created in default", def: kongservice.Definition, args: svc("default.test"), changed: true},
		{name: "service check mode in team-a (default's is not team-a's)", def: kongservice.Definition, workspace: workspace,
			args: svc("team-a.test", checkMode, true), changed: true},
		{name: "service created in team-a", def: kongservice.Definition, workspace: workspace, args: svc("team-a.test"), changed: true},
		{name: "service no-op in team-a", def: kongservice.Definition, workspace: workspace, args: svc("team-a.test")},
		{name: "service no-op in default", def: kongservice.Definition, args: svc("default.test")},
		{name: "service update check mode in team-a", def: kongservice.Definition, workspace: workspace,
			args: svc("team-a.test", "port", 8080, checkMode, true), changed: true},
		{name: "service no-op in team-a after check mode", def: kongservice.Definition, workspace: workspace, args: svc("team-a.test")},

		{name: "route check mode in team-a", def: kongroute.Definition, workspace: workspace, args: route(checkMode, true), changed: true},
		{name: "route created in team-a", def: kongroute.Definition, workspace: workspace, args: route(), changed: true},
		{name: "route no-op in team-a", def: kongroute.Definition, workspace: workspace, args: route()},
		{name: "route check mode in default", def: kongroute.Definition, args: route(checkMode, true), changed: true},
		{name: "route created in default", def: kongroute.Definition, args: route(), changed: true},
		{name: "route no-op in default", def: kongroute.Definition, args: route()},
		{name: "route no-op in team-a again", def: kongroute.Definition, workspace: workspace, args: route()},
	}
	versionRead := false
	for _, st := range steps {
		args := map[string]any{}
		for k, v := range base {
			args[k] = v
		}
		if st.workspace != "" {
			args["workspace"] = st.workspace
		}
		env.Args = args
		before := snapshot(t, env)
		out := env.Run(st.def, st.args)
		sent := env.Requests()
		require.NotEqual(t, true, out["failed"], "%s: %v (requests %v)", st.name, out["msg"], sent)
		assert.Equal(t, st.changed, out["changed"], "%s (requests %v)", st.name, sent)
		if st.args[checkMode] == true || !st.changed {
			assert.Equal(t, before, snapshot(t, env), "%s wrote to Kong (requests %v)", st.name, sent)
		}
		for _, s := range sent {
			if st.workspace != "" {
				assert.Regexp(t, `^[A-Z]+ /team-a/`, s, st.name)
			} else {
				assert.NotRegexp(t, `^[A-Z]+ /team-a/`, s, st.name)
			}
		}
		if st.def == kongroute.Definition && st.workspace != "" && !versionRead {
			versionRead = slices.Contains(sent, "GET /team-a/kong")
		}
	}
	assert.True(t, versionRead, "kong_route read the Enterprise node version from GET /team-a/kong")

	// Two services and two routes of the same names, each route bound to
	// its own workspace's service.
	svcA, svcD := env.Get(t, "/team-a/services/orders"), env.Get(t, "/services/orders")
	require.NotNil(t, svcA)
	require.NotNil(t, svcD)
	assert.Equal(t, "team-a.test", svcA["host"])
	assert.Equal(t, "default.test", svcD["host"])
	assert.EqualValues(t, 80, svcA["port"], "the check-mode port change was not written")
	assert.NotEqual(t, svcA["id"], svcD["id"])
	routeA, routeD := env.Get(t, "/team-a/routes/orders-r"), env.Get(t, "/routes/orders-r")
	require.NotNil(t, routeA)
	require.NotNil(t, routeD)
	assert.Equal(t, svcA["id"], routeA["service"].(map[string]any)["id"])
	assert.Equal(t, svcD["id"], routeD["service"].(map[string]any)["id"])

	// Deleting in team-a leaves default's entities alone.
	env.Args = map[string]any{"admin_url": base["admin_url"], "workspace": workspace}
	out := env.Run(kongroute.Definition, map[string]any{"name": "orders-r", "state": "absent"})
	require.NotEqual(t, true, out["failed"], "%v", out["msg"])
	assert.Equal(t, true, out["changed"])
	out = env.Run(kongservice.Definition, map[string]any{"name": "orders", "state": "absent"})
	require.NotEqual(t, true, out["failed"], "%v", out["msg"])
	assert.Equal(t, true, out["changed"])
	assert.Nil(t, env.Get(t, "/team-a/services/orders"))
	assert.Nil(t, env.Get(t, "/team-a/routes/orders-r"))
	assert.NotNil(t, env.Get(t, "/services/orders"))
	assert.NotNil(t, env.Get(t, "/routes/orders-r"))
}

// TestWorkspaceEnterprise_UnknownWorkspaceFails: a workspace that does not
// exist is an error, and nothing is created anywhere.
func TestWorkspaceEnterprise_UnknownWorkspaceFails(t *testing.T) {
	t.Parallel()
	env := kongtest.Start(t, kongemu.Options{Enterprise: true})
	env.Args["workspace"] = "no-such-team"
	env.Args["admin_retries"] = 0
	out := env.Run(kongservice.Definition, map[string]any{"name": "orders", "host": "orders.test"})
	assert.Equal(t, true, out["failed"], "%v", out)
	assert.Contains(t, out["msg"], "404")
	assert.Nil(t, env.Get(t, "/services/orders"))
	assert.Equal(t, []string{"default"}, env.Emu.WorkspaceNames())
}

// snapshot is every service and route of both workspaces, as Kong holds them.
func snapshot(t *testing.T, env *kongtest.Env) []any {
	t.Helper()
	var out []any
	for _, p := range []string{"/services", "/routes", "/team-a/services", "/team-a/routes"} {
		out = append(out, env.Get(t, p)["data"])
	}
	return out
}
