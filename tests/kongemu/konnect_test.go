package kongemu

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/kong/go-kong/kong"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const konnectTestToken = "kpat_test-token"

func newKonnect(t *testing.T, planes ...string) *Konnect {
	t.Helper()
	k, err := NewKonnect(KonnectOptions{Token: konnectTestToken, ControlPlanes: planes})
	require.NoError(t, err)
	return k
}

// konnectDo sends a request with the token (or authorization, when not
// nil) and returns the status, the Content-Type and the decoded body.
func konnectDo(t *testing.T, k *Konnect, method, path string, body any, authorization *string) (int, string, map[string]any) {
	t.Helper()
	var rd *strings.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		rd = strings.NewReader(string(b))
	} else {
		rd = strings.NewReader("")
	}
	req := httptest.NewRequest(method, path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if authorization == nil {
		req.Header.Set("Authorization", "Bearer "+konnectTestToken)
	} else if *authorization != "" {
		req.Header.Set("Authorization", *authorization)
	}
	rec := httptest.NewRecorder()
	k.ServeHTTP(rec, req)
	var out map[string]any
	if rec.Body.Len() > 0 {
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &out), rec.Body.String())
	}
	return rec.Code, rec.Header().Get("Content-Type"), out
}

func ptr(s string) *string { return &s }

// Every request needs the Bearer token; the 401 bodies are the ones
// Konnect's specs document: problem details from the control planes API
// (control-planes.yaml 401UnauthenticatedExample), the gateway's
// {"message","status"} from the core entities (control-planes-config.yaml
// HTTP401Error: NoAPIKey, InvalidAuthCred).
func TestKonnect_TokenRequired(t *testing.T) {
	t.Parallel()
	k := newKonnect(t)
	core := "/v2/control-planes/" + k.ControlPlaneID("default") + "/core-entities/services"
	cases := []struct {
		name, path, auth string
		want             map[string]any
		contentType      string
	}{
		{"control planes, no header", "/v2/control-planes", "",
			map[string]any{"status": 401.0, "title": "Unauthenticated", "detail": "A valid token is required"}, "application/problem+json"},
		{"control planes, another token", "/v2/control-planes", "Bearer other",
			map[string]any{"status": 401.0, "title": "Unauthenticated", "detail": "A valid token is required"}, "application/problem+json"},
		{"control planes, the token as Kong-Admin-Token is no Bearer", "/v2/control-planes", konnectTestToken,
			map[string]any{"status": 401.0, "title": "Unauthenticated", "detail": "A valid token is required"}, "application/problem+json"},
		{"core entities, no header", core, "",
			map[string]any{"message": "No API key found in request", "status": 401.0}, "application/json"},
		{"core entities, another token", core, "Bearer other",
			map[string]any{"message": "Unauthorized", "status": 401.0}, "application/json"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, ct, body := konnectDo(t, k, "GET", c.path, nil, ptr(c.auth))
			assert.Equal(t, http.StatusUnauthorized, status)
			assert.Equal(t, c.contentType, ct)
			for key, v := range c.want {
				assert.Equal(t, v, body[key], key)
			}
		})
	}
	status, _, _ := konnectDo(t, k, "GET", core, nil, nil)
	assert.Equal(t, http.StatusOK, status, "the token opens it")
	status, _, _ = konnectDo(t, k, "GET", core, nil, ptr("bearer "+konnectTestToken))
	assert.Equal(t, http.StatusOK, status, "the scheme is case-insensitive")
}

// GET /v2/control-planes filters by name as Konnect's deepObject filter
// does (filter[name][eq], filter[name], contains, neq; filter[id][oeq])
// and pages with page[size] / page[number] and meta.page.
func TestKonnect_ListControlPlanes(t *testing.T) {
	t.Parallel()
	k := newKonnect(t, "prod", "staging", "prod-eu")
	names := func(body map[string]any) []string {
		var out []string
		for _, d := range body["data"].([]any) {
			out = append(out, d.(map[string]any)["name"].(string))
		}
		return out
	}
	cases := []struct {
		query string
		want  []string
		total float64
	}{
		{"", []string{"prod", "staging", "prod-eu"}, 3},
		{"filter[name][eq]=prod", []string{"prod"}, 1},
		{"filter[name]=staging", []string{"staging"}, 1},
		{"filter[name][eq]=Prod", nil, 0},
		{"filter[name][contains]=prod", []string{"prod", "prod-eu"}, 2},
		{"filter[name][neq]=prod", []string{"staging", "prod-eu"}, 2},
		{"filter[id][oeq]=" + k.ControlPlaneID("prod") + "," + k.ControlPlaneID("staging"), []string{"prod", "staging"}, 2},
		{"page[size]=2", []string{"prod", "staging"}, 3},
		{"page[size]=2&page[number]=2", []string{"prod-eu"}, 3},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			q, err := url.ParseQuery(c.query)
			require.NoError(t, err)
			status, _, body := konnectDo(t, k, "GET", "/v2/control-planes?"+q.Encode(), nil, nil)
			require.Equal(t, http.StatusOK, status, "%v", body)
			assert.Equal(t, c.want, names(body))
			assert.Equal(t, c.total, body["meta"].(map[string]any)["page"].(map[string]any)["total"])
		})
	}
	status, _, body := konnectDo(t, k, "GET", "/v2/control-planes?"+url.Values{"filter[labels][eq]": {"x"}}.Encode(), nil, nil)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "Invalid request format", body["detail"])
}

// Control planes are created, read and deleted with the bodies of
// control-planes.yaml (ControlPlane; 400, 404 and 409 examples).
func TestKonnect_ControlPlaneLifecycle(t *testing.T) {
	t.Parallel()
	k := newKonnect(t)
	status, _, cp := konnectDo(t, k, "POST", "/v2/control-planes", map[string]any{"name": "team-a", "labels": map[string]any{"env": "test"}}, nil)
	require.Equal(t, http.StatusCreated, status)
	id := cp["id"].(string)
	assert.Equal(t, "team-a", cp["name"])
	assert.Equal(t, "CLUSTER_TYPE_CONTROL_PLANE", cp["config"].(map[string]any)["cluster_type"])

	status, _, got := konnectDo(t, k, "GET", "/v2/control-planes/"+id, nil, nil)
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "team-a", got["name"])

	status, ct, dup := konnectDo(t, k, "POST", "/v2/control-planes", map[string]any{"name": "team-a"}, nil)
	assert.Equal(t, http.StatusConflict, status)
	assert.Equal(t, "application/problem+json", ct)
	assert.Equal(t, "Control Plane with provided name already exists.", dup["detail"])

	status, _, blank := konnectDo(t, k, "POST", "/v2/control-planes", map[string]any{"name": " "}, nil)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "cannot be blank", blank["invalid_parameters"].([]any)[0].(map[string]any)["reason"])

	status, _, unknown := konnectDo(t, k, "POST", "/v2/control-planes", map[string]any{"name": "x", "id": "y"}, nil)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "Request contains unknown property", unknown["detail"])

	status, _, bad := konnectDo(t, k, "GET", "/v2/control-planes/not-a-uuid", nil, nil)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "Request contains invalid ID format", bad["detail"])

	status, _, _ = konnectDo(t, k, "DELETE", "/v2/control-planes/"+id, nil, nil)
	assert.Equal(t, http.StatusNoContent, status)
	status, _, gone := konnectDo(t, k, "GET", "/v2/control-planes/"+id, nil, nil)
	assert.Equal(t, http.StatusNotFound, status)
	assert.Equal(t, "The requested control plane was not found.", gone["detail"])
	status, _, _ = konnectDo(t, k, "GET", "/v2/control-planes/"+id+"/core-entities/services", nil, nil)
	assert.Equal(t, http.StatusNotFound, status)
}

// Each control plane has its own entities; core-entities is a Kong Admin
// API (PUT by name, nested endpoints, Kong's error bodies), with Konnect
// workspaces under it.
func TestKonnect_CoreEntitiesPerControlPlane(t *testing.T) {
	t.Parallel()
	k := newKonnect(t, "a", "b")
	a := "/v2/control-planes/" + k.ControlPlaneID("a") + "/core-entities"
	b := "/v2/control-planes/" + k.ControlPlaneID("b") + "/core-entities"

	status, _, svc := konnectDo(t, k, "PUT", a+"/services/orders", map[string]any{"host": "a.test"}, nil)
	require.Equal(t, http.StatusOK, status, "%v", svc)
	status, _, _ = konnectDo(t, k, "GET", b+"/services/orders", nil, nil)
	assert.Equal(t, http.StatusNotFound, status, "control plane b does not see a's service")
	status, _, _ = konnectDo(t, k, "PUT", b+"/services/orders", map[string]any{"host": "b.test"}, nil)
	assert.Equal(t, http.StatusOK, status, "the same name in another control plane")
	_, _, got := konnectDo(t, k, "GET", a+"/services/orders", nil, nil)
	assert.Equal(t, "a.test", got["host"])

	status, _, route := konnectDo(t, k, "POST", a+"/services/orders/routes", map[string]any{"name": "r", "paths": []any{"/o"}}, nil)
	require.Equal(t, http.StatusCreated, status, "%v", route)
	status, _, viol := konnectDo(t, k, "POST", a+"/services", map[string]any{"host": "x.test", "port": "no"}, nil)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "schema violation", viol["name"])

	status, _, _ = konnectDo(t, k, "POST", a+"/workspaces", map[string]any{"name": "team-a"}, nil)
	require.Equal(t, http.StatusCreated, status)
	status, _, _ = konnectDo(t, k, "PUT", a+"/team-a/services/orders", map[string]any{"host": "ws.test"}, nil)
	require.Equal(t, http.StatusOK, status)
	_, _, ws := konnectDo(t, k, "GET", a+"/team-a/services/orders", nil, nil)
	assert.Equal(t, "ws.test", ws["host"])
	_, _, def := konnectDo(t, k, "GET", a+"/services/orders", nil, nil)
	assert.Equal(t, "a.test", def["host"], "the workspace has its own entities")

	// The emulator's control endpoints are not reachable through a control plane.
	status, _, _ = konnectDo(t, k, "POST", a+"/_emulator/reset", nil, nil)
	assert.Equal(t, http.StatusNotFound, status)
	k.Reset()
	status, _, _ = konnectDo(t, k, "GET", a+"/services/orders", nil, nil)
	assert.Equal(t, http.StatusNotFound, status, "Reset empties every control plane")
}

// What Konnect does not serve like a Kong node, as decK and GDR handle it.
func TestKonnect_DifferencesFromTheAdminAPI(t *testing.T) {
	t.Parallel()
	k := newKonnect(t)
	base := "/v2/control-planes/" + k.ControlPlaneID("default") + "/core-entities"
	konnectDo(t, k, "POST", base+"/workspaces", map[string]any{"name": "team-a"}, nil)
	notFound := []string{"", "/", "/kong", "/status", "/team-a", "/team-a/kong",
		"/schemas/services", "/schemas/plugins", "/team-a/schemas/routes", "/oauth2", "/consumers/x/oauth2"}
	for _, p := range notFound {
		status, _, body := konnectDo(t, k, "GET", base+p, nil, nil)
		assert.Equal(t, http.StatusNotFound, status, "GET %s: %v", p, body)
	}
	// Plugin schemas and validation are served as on a Kong node.
	status, _, cors := konnectDo(t, k, "GET", base+"/schemas/plugins/cors", nil, nil)
	assert.Equal(t, http.StatusOK, status)
	assert.NotEmpty(t, cors["fields"])
	status, _, viol := konnectDo(t, k, "POST", base+"/schemas/services/validate", map[string]any{"host": "x.test", "port": "a"}, nil)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "expected an integer", viol["fields"].(map[string]any)["port"])

	// Targets: PUT, not PATCH (go-kong caa5f7b).
	konnectDo(t, k, "PUT", base+"/upstreams/u1", map[string]any{}, nil)
	status, _, target := konnectDo(t, k, "POST", base+"/upstreams/u1/targets", map[string]any{"target": "10.0.0.1:80"}, nil)
	require.Equal(t, http.StatusCreated, status, "%v", target)
	tid := target["id"].(string)
	status, _, _ = konnectDo(t, k, "PATCH", base+"/upstreams/u1/targets/"+tid, map[string]any{"weight": 5}, nil)
	assert.Equal(t, http.StatusMethodNotAllowed, status)
	status, _, put := konnectDo(t, k, "PUT", base+"/upstreams/u1/targets/"+tid, map[string]any{"target": "10.0.0.1:80", "weight": 5}, nil)
	assert.Equal(t, http.StatusOK, status, "%v", put)
}

// A PUT of a target on Konnect replaces it, as Kong/koko's UpsertTarget
// stores the request's target whole: what the body leaves out gets its
// default (weight 100: internal/resource/target.go ProcessDefaults; no
// tags), the address is formatted as on an insert, the id and created_at
// stay (internal/store/store.go Upsert keeps the creation timestamp). A
// body without the target is refused: it is required. On a Kong node the
// same PUT updates only what it carries.
func TestKonnect_TargetPutReplaces(t *testing.T) {
	t.Parallel()
	k := newKonnect(t)
	base := "/v2/control-planes/" + k.ControlPlaneID("default") + "/core-entities"
	konnectDo(t, k, "PUT", base+"/upstreams/u1", map[string]any{}, nil)
	status, _, created := konnectDo(t, k, "POST", base+"/upstreams/u1/targets",
		map[string]any{"target": "10.0.0.1:80", "weight": 50, "tags": []any{"it"}}, nil)
	require.Equal(t, http.StatusCreated, status, "%v", created)
	tid := created["id"].(string)

	status, _, put := konnectDo(t, k, "PUT", base+"/upstreams/u1/targets/"+tid, map[string]any{"target": "10.0.0.2"}, nil)
	require.Equal(t, http.StatusOK, status, "%v", put)
	assert.Equal(t, tid, put["id"])
	assert.Equal(t, created["created_at"], put["created_at"])
	assert.Equal(t, "10.0.0.2:8000", put["target"])
	assert.Equal(t, 100.0, put["weight"], "weight back to its default")
	assert.Nil(t, put["tags"], "tags gone")
	assert.Equal(t, created["upstream"], put["upstream"], "the upstream of the path")

	status, _, refused := konnectDo(t, k, "PUT", base+"/upstreams/u1/targets/"+tid, map[string]any{"weight": 5}, nil)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "required field missing", refused["fields"].(map[string]any)["target"])

	// a Kong node updates in place (kong/api/routes/upstreams.lua 3.9.3:
	// PUT and PATCH both update_target_cb)
	node, err := New(Options{})
	require.NoError(t, err)
	kong := httptest.NewServer(node)
	t.Cleanup(kong.Close)
	do := func(method, path string, body any) map[string]any {
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest(method, kong.URL+path, strings.NewReader(string(b)))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var out map[string]any
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
		return out
	}
	do("PUT", "/upstreams/u1", map[string]any{})
	nt := do("POST", "/upstreams/u1/targets", map[string]any{"target": "10.0.0.1:80", "weight": 50, "tags": []any{"it"}})
	updated := do("PUT", "/upstreams/u1/targets/"+nt["id"].(string), map[string]any{"weight": 5})
	assert.Equal(t, 5.0, updated["weight"])
	assert.Equal(t, []any{"it"}, updated["tags"])
}

// Konnect's vault schema holds each vault's config schema in an "allOf"
// condition on the vault's name, where GDR reads it
// (Kong/go-database-reconciler pkg/schema/fetchers.go
// fetchKonnectVaultSchema: then.properties.config.properties[<vault>]).
func TestKonnect_VaultSchema(t *testing.T) {
	t.Parallel()
	k := newKonnect(t)
	base := "/v2/control-planes/" + k.ControlPlaneID("default") + "/core-entities"
	status, _, vault := konnectDo(t, k, "GET", base+"/v1/schemas/json/vault", nil, nil)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, vault["required"], "prefix")
	allOf := vault["allOf"].([]any)
	require.Len(t, allOf, 1, "the bundled env vault")
	cond := allOf[0].(map[string]any)
	assert.Equal(t, map[string]any{"properties": map[string]any{"name": map[string]any{"const": "env"}}}, cond["if"])
	env := cond["then"].(map[string]any)["properties"].(map[string]any)["config"].(map[string]any)["properties"].(map[string]any)["env"].(map[string]any)
	assert.Equal(t, "object", env["type"])
	assert.Equal(t, "string", env["properties"].(map[string]any)["prefix"].(map[string]any)["type"])
}

// GET /v1/schemas/json/{name} serves the entity schemas GDR reads for
// Konnect, as JSON Schemas derived from Kong's: defaults, required fields,
// references as objects with an id, sets as arrays of unique items,
// credentials under "value"; an unknown name answers koko's 404.
func TestKonnect_JSONSchemas(t *testing.T) {
	t.Parallel()
	k := newKonnect(t)
	base := "/v2/control-planes/" + k.ControlPlaneID("default") + "/core-entities"
	status, _, svc := konnectDo(t, k, "GET", base+"/v1/schemas/json/service", nil, nil)
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, "object", svc["type"])
	props := svc["properties"].(map[string]any)
	assert.Equal(t, 60000.0, props["connect_timeout"].(map[string]any)["default"])
	assert.Equal(t, "http", props["protocol"].(map[string]any)["default"])
	assert.Contains(t, props["protocol"].(map[string]any)["enum"], "https")
	assert.Equal(t, map[string]any{"id": map[string]any{"type": "string"}}, props["client_certificate"].(map[string]any)["properties"])
	assert.Equal(t, true, props["tags"].(map[string]any)["uniqueItems"])
	assert.Contains(t, svc["required"], "host")

	status, _, ka := konnectDo(t, k, "GET", base+"/v1/schemas/json/key-auth", nil, nil)
	require.Equal(t, http.StatusOK, status)
	value := ka["properties"].(map[string]any)["value"].(map[string]any)
	assert.Contains(t, value["properties"], "key")

	status, _, missing := konnectDo(t, k, "GET", base+"/v1/schemas/json/services", nil, nil)
	assert.Equal(t, http.StatusNotFound, status)
	assert.Equal(t, "no entity named 'services'", missing["message"])
}

// go-kong, the client decK uses, works against a control plane's core
// entities as decK sets it up: the core-entities base URL, the Bearer
// header, the Konnect flag.
func TestKonnect_GoKongClient(t *testing.T) {
	t.Parallel()
	k := newKonnect(t)
	srv := httptest.NewServer(k)
	t.Cleanup(srv.Close)
	base := srv.URL + "/v2/control-planes/" + k.ControlPlaneID("default") + "/core-entities"
	hc := &http.Client{Transport: bearer{next: http.DefaultTransport, token: konnectTestToken}}
	client, err := kong.NewClient(&base, hc)
	require.NoError(t, err)
	client.SetKonnectFlag(true)
	ctx := t.Context()
	svc, err := client.Services.Create(ctx, &kong.Service{Name: kong.String("orders"), Host: kong.String("orders.test")})
	require.NoError(t, err)
	_, err = client.Routes.Create(ctx, &kong.Route{Name: kong.String("r"), Paths: kong.StringSlice("/o"), Service: &kong.Service{ID: svc.ID}})
	require.NoError(t, err)
	routes, err := client.Routes.ListAll(ctx)
	require.NoError(t, err)
	assert.Len(t, routes, 1)
	schema, err := client.Plugins.GetFullSchema(ctx, kong.String("key-auth"))
	require.NoError(t, err)
	assert.NotEmpty(t, schema["fields"])
	_, err = client.Root(ctx)
	assert.True(t, kong.IsNotFoundErr(err), "no GET / in Konnect: %v", err)
}

type bearer struct {
	next  http.RoundTripper
	token string
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return b.next.RoundTrip(r)
}

func TestNewKonnect_RefusesWhatKonnectIsNot(t *testing.T) {
	t.Parallel()
	_, err := NewKonnect(KonnectOptions{Token: "t", Version: "2.8.5"})
	assert.EqualError(t, err, "Konnect runs Kong 3.x: --kong-version 2.8.5 cannot be combined with --konnect")
	_, err = NewKonnect(KonnectOptions{})
	assert.EqualError(t, err, "Konnect needs an access token (--konnect-token)")
	_, err = NewKonnect(KonnectOptions{Token: "t", ControlPlanes: []string{"a", "a"}})
	assert.EqualError(t, err, `control plane "a": Control Plane with provided name already exists.`)
}
