package kongemu

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/kong/go-kong/kong"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newEnterprise(t *testing.T, version string) *Server {
	t.Helper()
	s, err := New(Options{Version: version, Enterprise: true})
	require.NoError(t, err)
	return s
}

func names(page map[string]any) []any {
	var out []any
	for _, e := range page["data"].([]any) {
		out = append(out, e.(map[string]any)["name"])
	}
	return out
}

// The same names in two workspaces are two entities; UNIQUE and foreign
// keys hold within one workspace only.
func TestWorkspaces_Isolation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		setup      func(t *testing.T, s *Server)
		method     string
		path       string
		body       map[string]any
		wantStatus int
		check      func(t *testing.T, s *Server, got map[string]any)
	}{
		{
			name: "the same service name in team-a and default",
			setup: func(t *testing.T, s *Server) {
				do(t, s, "POST", "/services", map[string]any{"name": "orders", "host": "default.test"}, 201)
			},
			method: "POST", path: "/team-a/services", body: map[string]any{"name": "orders", "host": "a.test"}, wantStatus: 201,
			check: func(t *testing.T, s *Server, got map[string]any) {
				assert.Equal(t, "a.test", do(t, s, "GET", "/team-a/services/orders", nil, 200)["host"])
				assert.Equal(t, "default.test", do(t, s, "GET", "/services/orders", nil, 200)["host"])
				assert.Equal(t, "default.test", do(t, s, "GET", "/default/services/orders", nil, 200)["host"], "/default/ is the default workspace")
				assert.Equal(t, []any{"orders"}, names(do(t, s, "GET", "/team-a/services", nil, 200)))
				assert.Equal(t, []any{"orders"}, names(do(t, s, "GET", "/services", nil, 200)))
			},
		},
		{
			name: "a second name in the same workspace is still a UNIQUE violation",
			setup: func(t *testing.T, s *Server) {
				do(t, s, "POST", "/team-a/services", map[string]any{"name": "orders", "host": "a.test"}, 201)
			},
			method: "POST", path: "/team-a/services", body: map[string]any{"name": "orders", "host": "b.test"}, wantStatus: 409,
			check: func(t *testing.T, s *Server, got map[string]any) {
				assert.Equal(t, "UNIQUE violation detected on '{name=\"orders\"}'", got["message"])
			},
		},
		{
			name: "an entity of another workspace is not found by id",
			setup: func(t *testing.T, s *Server) {
				do(t, s, "POST", "/services", map[string]any{"name": "orders", "host": "a.test"}, 201)
			},
			method: "GET", path: "/team-a/services/orders", wantStatus: 404,
			check: func(t *testing.T, s *Server, got map[string]any) {
				id := do(t, s, "GET", "/services/orders", nil, 200)["id"].(string)
				do(t, s, "GET", "/team-a/services/"+id, nil, 404)
				do(t, s, "DELETE", "/team-a/services/"+id, nil, 204)
				do(t, s, "GET", "/services/"+id, nil, 200) // a delete in team-a leaves default alone
			},
		},
		{
			name: "a foreign key may not point into another workspace",
			setup: func(t *testing.T, s *Server) {
				do(t, s, "POST", "/services", map[string]any{"name": "orders", "host": "a.test"}, 201)
			},
			method: "POST", path: "/team-a/services/orders/routes", body: map[string]any{"paths": []any{"/o"}}, wantStatus: 404,
			check: func(t *testing.T, s *Server, got map[string]any) {
				assert.Equal(t, "Not found", got["message"], "the service is not in team-a")
				id := do(t, s, "GET", "/services/orders", nil, 200)["id"].(string)
				byID := do(t, s, "POST", "/team-a/routes", map[string]any{"paths": []any{"/o"}, "service": map[string]any{"id": id}}, 400)
				assert.Equal(t, "foreign key violation", byID["name"])
			},
		},
		{
			name: "routes, plugins and cascades stay in their workspace",
			setup: func(t *testing.T, s *Server) {
				for _, ws := range []string{"", "/team-a"} {
					do(t, s, "POST", ws+"/services", map[string]any{"name": "orders", "host": "a.test"}, 201)
					do(t, s, "POST", ws+"/services/orders/routes", map[string]any{"name": "r", "paths": []any{"/o"}}, 201)
					do(t, s, "POST", ws+"/routes/r/plugins", map[string]any{"name": "cors"}, 201)
				}
			},
			method: "DELETE", path: "/team-a/routes/r", wantStatus: 204,
			check: func(t *testing.T, s *Server, got map[string]any) {
				assert.Empty(t, do(t, s, "GET", "/team-a/plugins", nil, 200)["data"], "the route's plugin went with it")
				assert.Len(t, do(t, s, "GET", "/plugins", nil, 200)["data"], 1)
				assert.Equal(t, "r", do(t, s, "GET", "/routes/r", nil, 200)["name"])
				assert.Len(t, do(t, s, "GET", "/team-a/tags", nil, 200)["data"], 0)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newEnterprise(t, "3.9.3")
			do(t, s, "POST", "/workspaces", map[string]any{"name": "team-a"}, 201)
			tt.setup(t, s)
			var body any
			if tt.body != nil {
				body = tt.body
			}
			got := do(t, s, tt.method, tt.path, body, tt.wantStatus)
			tt.check(t, s, got)
		})
	}
}

func TestWorkspaces_DefaultAndCRUD(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		method     string
		path       string
		body       map[string]any
		wantStatus int
		want       map[string]any // subset of the answer
	}{
		{"default exists", "GET", "/workspaces/default", nil, 200, map[string]any{"name": "default", "comment": nil}},
		{"default cannot be deleted", "DELETE", "/workspaces/default", nil, 400, map[string]any{"message": "Cannot delete default workspace"}},
		{"default cannot be renamed", "PATCH", "/workspaces/default", map[string]any{"name": "other"}, 400, map[string]any{"message": "Cannot rename default workspace"}},
		{"default takes a comment", "PATCH", "/workspaces/default", map[string]any{"comment": "c"}, 200, map[string]any{"name": "default", "comment": "c"}},
		{"a non-empty workspace cannot be deleted", "DELETE", "/workspaces/team-a", nil, 400, map[string]any{"message": "Workspace is not empty"}},
		{"?cascade=true deletes it with its entities", "DELETE", "/workspaces/team-a?cascade=true", nil, 204, nil},
		{"an empty workspace is deleted", "DELETE", "/workspaces/empty", nil, 204, nil},
		{"deleting a missing workspace is a no-op", "DELETE", "/workspaces/nope", nil, 204, nil},
		{"name is required", "POST", "/workspaces", map[string]any{"comment": "x"}, 400,
			map[string]any{"message": "schema violation (name: required field missing)"}},
		{"names are UNIQUE", "POST", "/workspaces", map[string]any{"name": "team-a"}, 409,
			map[string]any{"message": "UNIQUE violation detected on '{name=\"team-a\"}'"}},
		{"core entity names are refused", "POST", "/workspaces", map[string]any{"name": "routes"}, 400, map[string]any{"name": "schema violation"}},
		{"names follow utf8_name", "POST", "/workspaces", map[string]any{"name": "a/b"}, 400,
			map[string]any{"message": "schema violation (name: invalid value 'a/b': the only accepted ascii characters are alphanumerics or ., -, _, and ~)"}},
		{"unknown meta fields are refused", "POST", "/workspaces", map[string]any{"name": "x", "meta": map[string]any{"size": 1}}, 400,
			map[string]any{"message": "schema violation (meta.size: unknown field)"}},
		{"meta and config defaults", "POST", "/workspaces", map[string]any{"name": "x", "meta": map[string]any{"color": "#814CA6"}}, 201,
			map[string]any{"meta": map[string]any{"color": "#814CA6", "thumbnail": nil}}},
		{"PUT by a new id creates", "PUT", "/workspaces/0b0e6f7a-6f0e-4a5e-9a8b-2c1d3e4f5a6b", map[string]any{"name": "teamB"}, 200,
			map[string]any{"id": "0b0e6f7a-6f0e-4a5e-9a8b-2c1d3e4f5a6b", "name": "teamB"}},
		{"GET by name under a workspace prefix", "GET", "/team-a/workspaces/team-a", nil, 200, map[string]any{"name": "team-a"}},
		{"an unknown workspace prefix is 404", "GET", "/nope/workspaces/nope", nil, 404, map[string]any{"message": "Not found"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newEnterprise(t, "3.9.3")
			do(t, s, "POST", "/workspaces", map[string]any{"name": "team-a"}, 201)
			do(t, s, "POST", "/workspaces", map[string]any{"name": "empty"}, 201)
			do(t, s, "POST", "/team-a/consumers", map[string]any{"username": "alice"}, 201)
			var body any
			if tt.body != nil {
				body = tt.body
			}
			got := do(t, s, tt.method, tt.path, body, tt.wantStatus)
			for k, v := range tt.want {
				assert.Equal(t, v, got[k], k)
			}
			assert.Contains(t, s.WorkspaceNames(), "default", "the default workspace always exists")
		})
	}
}

func TestWorkspaces_CascadeDropsTheEntities(t *testing.T) {
	t.Parallel()
	s := newEnterprise(t, "3.9.3")
	do(t, s, "POST", "/workspaces", map[string]any{"name": "team-a"}, 201)
	do(t, s, "POST", "/team-a/services", map[string]any{"name": "orders", "host": "a.test"}, 201)
	do(t, s, "DELETE", "/workspaces/team-a?cascade=true", nil, 204)
	do(t, s, "GET", "/team-a/services/orders", nil, 404)
	do(t, s, "POST", "/workspaces", map[string]any{"name": "team-a"}, 201)
	assert.Empty(t, do(t, s, "GET", "/team-a/services", nil, 200)["data"], "a new workspace of the same name starts empty")
}

func TestWorkspaces_RenameKeepsTheEntities(t *testing.T) {
	t.Parallel()
	s := newEnterprise(t, "3.9.3")
	do(t, s, "POST", "/workspaces", map[string]any{"name": "team-a"}, 201)
	do(t, s, "POST", "/team-a/services", map[string]any{"name": "orders", "host": "a.test"}, 201)
	do(t, s, "PATCH", "/workspaces/team-a", map[string]any{"name": "team-b"}, 200)
	do(t, s, "GET", "/team-a/services/orders", nil, 404)
	do(t, s, "GET", "/team-b/services/orders", nil, 200)
}

func TestWorkspaces_PrefixRouting(t *testing.T) {
	t.Parallel()
	s := newEnterprise(t, "3.9.3")
	do(t, s, "POST", "/workspaces", map[string]any{"name": "team-a"}, 201)
	// a workspace may be named like an endpoint that is not a core entity
	do(t, s, "POST", "/workspaces", map[string]any{"name": "status"}, 201)
	tests := []struct {
		method, path string
		wantStatus   int
		check        func(t *testing.T, got map[string]any)
	}{
		{"GET", "/", 200, func(t *testing.T, got map[string]any) {
			assert.Equal(t, "3.9.3.0-enterprise-edition", got["version"])
			assert.Equal(t, "enterprise", got["edition"])
			conf := got["configuration"].(map[string]any)
			assert.Equal(t, "off", conf["rbac"])
			assert.Equal(t, false, conf["portal"])
		}},
		{"GET", "/team-a/kong", 200, func(t *testing.T, got map[string]any) {
			assert.Equal(t, "3.9.3.0-enterprise-edition", got["version"])
		}},
		{"GET", "/team-a/", 200, func(t *testing.T, got map[string]any) {
			assert.Equal(t, "3.9.3.0-enterprise-edition", got["version"])
		}},
		{"GET", "/kong", 200, nil},
		{"GET", "/default/kong", 200, nil},
		{"GET", "/status", 200, func(t *testing.T, got map[string]any) {
			assert.Contains(t, got, "database", "an endpoint as it stands wins over a workspace of that name")
		}},
		{"GET", "/status/services", 200, nil},
		{"GET", "/team-a/status", 200, nil},
		{"GET", "/team-a/schemas/services", 200, nil},
		{"POST", "/team-a/schemas/services/validate", 400, nil},
		{"GET", "/team-a/plugins/enabled", 200, nil},
		{"GET", "/team-a/does-not-exist", 404, func(t *testing.T, got map[string]any) {
			assert.Equal(t, map[string]any{"message": "Not found"}, got)
		}},
		{"GET", "/nope/services", 404, func(t *testing.T, got map[string]any) {
			assert.Equal(t, map[string]any{"message": "Not found"}, got)
		}},
		{"GET", "/nope/kong", 404, nil},
		{"GET", "/team-a/team-a/services", 404, nil},
		{"POST", "/team-a/kong", 405, nil},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			got := do(t, s, tt.method, tt.path, nil, tt.wantStatus)
			if tt.check != nil {
				tt.check(t, got)
			}
		})
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/team-a/services", nil))
	assert.Equal(t, "kong/3.9.3.0-enterprise-edition", rec.Header().Get("Server"))
}

func TestWorkspaces_RBACReportedOn(t *testing.T) {
	t.Parallel()
	s, err := New(Options{Enterprise: true, AdminToken: "t0ken"})
	require.NoError(t, err)
	req := httptest.NewRequest("GET", "/team-a/kong", nil)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusUnauthorized, rec.Code, "the token is checked before the workspace")
	client, err := kong.NewClient(kong.String("http://kong"), s.Client())
	require.NoError(t, err)
	client.SetWorkspace("default")
	_, err = client.Root(context.Background())
	require.Error(t, err)
	info := do(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Set("Kong-Admin-Token", "t0ken")
		s.ServeHTTP(w, r)
	}), "GET", "/default/kong", nil, 200)
	assert.Equal(t, "on", info["configuration"].(map[string]any)["rbac"])
}

// go-kong with SetWorkspace sends every request under /{ws}/ and reads
// the node from /{ws}/kong; its version check sees an Enterprise node.
func TestWorkspaces_GoKongClient(t *testing.T) {
	t.Parallel()
	s := newEnterprise(t, "3.9.3")
	ctx := context.Background()
	client, err := kong.NewClient(kong.String("http://kong"), s.Client())
	require.NoError(t, err)
	_, err = client.Workspaces.Create(ctx, &kong.Workspace{Name: kong.String("team-a")})
	require.NoError(t, err)
	client.SetWorkspace("team-a")
	info, err := client.Root(ctx)
	require.NoError(t, err)
	v, err := kong.ParseSemanticVersion(kong.VersionFromInfo(info))
	require.NoError(t, err)
	assert.True(t, v.IsKongGatewayEnterprise())
	assert.Equal(t, "3.9.3", v.String()[:5])
	_, err = client.Services.Create(ctx, &kong.Service{Name: kong.String("orders"), Host: kong.String("a.test")})
	require.NoError(t, err)
	client.SetWorkspace("")
	_, err = client.Services.Get(ctx, kong.String("orders"))
	assert.True(t, kong.IsNotFoundErr(err), "team-a's service is not in default: %v", err)
}

// Without Options.Enterprise nothing of this exists: OSS Kong.
func TestWorkspaces_OSSUnchanged(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"3.9.3", "2.8.5"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			s := newTestServer(t, version)
			assert.Nil(t, s.WorkspaceNames())
			root := do(t, s, "GET", "/", nil, 200)
			assert.Equal(t, version, root["version"])
			conf := root["configuration"].(map[string]any)
			assert.NotContains(t, conf, "rbac")
			assert.NotContains(t, conf, "portal")
			if version == "3.9.3" {
				assert.Equal(t, "community", root["edition"])
			} else {
				assert.NotContains(t, root, "edition")
			}
			for _, p := range []string{"/workspaces", "/workspaces/default", "/default/services", "/default/kong", "/kong", "/default/"} {
				do(t, s, "GET", p, nil, 404)
			}
			do(t, s, "POST", "/workspaces", map[string]any{"name": "team-a"}, 404)
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
			assert.Equal(t, "kong/"+version, rec.Header().Get("Server"))
			assert.Equal(t, version, s.ReportedVersion())
		})
	}
}

func TestWorkspaces_Enterprise28(t *testing.T) {
	t.Parallel()
	s := newEnterprise(t, "2.8.5")
	root := do(t, s, "GET", "/", nil, 200)
	assert.Equal(t, "2.8.5.0-enterprise-edition", root["version"])
	assert.NotContains(t, root, "edition", "edition is reported from 3.6 on")
	do(t, s, "POST", "/workspaces", map[string]any{"name": "team-a"}, 201)
	do(t, s, "POST", "/team-a/services", map[string]any{"name": "orders", "host": "a.test"}, 201)
	do(t, s, "GET", "/services/orders", nil, 404)
}

func TestWorkspaces_ResetLeavesAnEmptyDefault(t *testing.T) {
	t.Parallel()
	s := newEnterprise(t, "3.9.3")
	do(t, s, "POST", "/workspaces", map[string]any{"name": "team-a"}, 201)
	do(t, s, "POST", "/team-a/services", map[string]any{"name": "orders", "host": "a.test"}, 201)
	do(t, s, "POST", "/services", map[string]any{"name": "orders", "host": "a.test"}, 201)
	do(t, s, "POST", "/_emulator/reset", nil, 204)
	assert.Equal(t, []string{"default"}, s.WorkspaceNames())
	do(t, s, "GET", "/services/orders", nil, 404)
	do(t, s, "GET", "/team-a/services", nil, 404)
	assert.Len(t, do(t, s, "GET", "/workspaces", nil, 200)["data"], 1)
}

// Requests to different workspaces, and workspace creation, run
// concurrently under the one shared lock (go test -race).
func TestWorkspaces_Concurrent(t *testing.T) {
	t.Parallel()
	s := newEnterprise(t, "3.9.3")
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	done := make(chan error, 8)
	for i := 0; i < 8; i++ {
		go func(i int) {
			client, err := kong.NewClient(kong.String(srv.URL), srv.Client())
			if err == nil {
				ws := fmt.Sprintf("ws%d", i)
				_, err = client.Workspaces.Create(context.Background(), &kong.Workspace{Name: kong.String(ws)})
				client.SetWorkspace(ws)
				for j := 0; j < 20 && err == nil; j++ {
					_, err = client.Services.Create(context.Background(), &kong.Service{Name: kong.String(fmt.Sprintf("s%d", j)), Host: kong.String("a.test")})
					if err == nil {
						_, err = client.Services.Get(context.Background(), kong.String(fmt.Sprintf("s%d", j)))
					}
				}
			}
			done <- err
		}(i)
	}
	for i := 0; i < 8; i++ {
		require.NoError(t, <-done)
	}
	for i := 0; i < 8; i++ {
		assert.Len(t, do(t, s, "GET", fmt.Sprintf("/ws%d/services?size=100", i), nil, 200)["data"], 20)
	}
	assert.Empty(t, do(t, s, "GET", "/services", nil, 200)["data"])
}
