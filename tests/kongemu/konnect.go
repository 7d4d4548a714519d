package kongemu

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
)

// Konnect emulates Kong Konnect as decK and its engine,
// go-database-reconciler (GDR), use it: the control planes API
// (/v2/control-planes) and each control plane's Kong Admin API compatible
// surface, /v2/control-planes/{id}/core-entities/..., behind a Bearer
// token. Every control plane is a Server of its own (Kong 3.9.3 with
// Enterprise workspaces), so entities never mix between control planes.
// What differs from a Kong node is in serveCore. Nothing here was checked
// against the real service: it follows decK's and GDR's source, Kong's
// Konnect OpenAPI specs and Kong/koko (README "Kong Konnect").
type Konnect struct {
	opts     KonnectOptions
	mu       sync.Mutex
	planes   []*controlPlane // in creation order
	faults   faultSet
	requests atomic.Int64
}

// KonnectOptions configure a Konnect emulator.
type KonnectOptions struct {
	// Version is the Kong version of every control plane's entities:
	// "3.9.3" (default). Konnect runs Kong 3.x only.
	Version string
	// Token is the access token every /v2/ request must carry as
	// "Authorization: Bearer <Token>". Required.
	Token string
	// ControlPlanes are created at start, by name ("default" when none,
	// the control plane decK uses when none is named:
	// Kong/deck cmd/common_konnect.go defaultControlPlaneName).
	ControlPlanes []string
	Log           io.Writer // one line per request; nil disables the log
	Faults        []*Fault
	NewID         func() string // control plane ids (tests fix them)
}

type controlPlane struct {
	ID, Name, Description string
	Labels                map[string]any
	ClusterType           string
	Endpoint              string // hex prefix of the config endpoints
	CreatedAt, UpdatedAt  string
	emu                   *Server
}

// NewKonnect builds a Konnect emulator.
func NewKonnect(opts KonnectOptions) (*Konnect, error) {
	if opts.Version == "" {
		opts.Version = DefaultVersion
	}
	if strings.HasPrefix(opts.Version, "2.") {
		return nil, fmt.Errorf("Konnect runs Kong 3.x: --kong-version %s cannot be combined with --konnect", opts.Version)
	}
	if opts.Token == "" {
		return nil, errors.New("Konnect needs an access token (--konnect-token)")
	}
	if len(opts.ControlPlanes) == 0 {
		opts.ControlPlanes = []string{"default"}
	}
	k := &Konnect{opts: opts}
	for _, f := range opts.Faults {
		if err := k.faults.add(f); err != nil {
			return nil, err
		}
	}
	for _, name := range opts.ControlPlanes {
		if _, perr := k.create(map[string]any{"name": name}); perr != nil {
			return nil, fmt.Errorf("control plane %q: %s", name, perr.Detail)
		}
	}
	return k, nil
}

// ControlPlaneID returns the id of the control plane with this name ("" if
// none).
func (k *Konnect) ControlPlaneID(name string) string {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, cp := range k.planes {
		if cp.Name == name {
			return cp.ID
		}
	}
	return ""
}

// ControlPlane returns the Kong emulator holding a control plane's
// entities (by id), or nil.
func (k *Konnect) ControlPlane(id string) *Server {
	if cp := k.find(id); cp != nil {
		return cp.emu
	}
	return nil
}

// Reset empties every control plane's entities and removes every fault;
// the control planes stay.
func (k *Konnect) Reset() {
	k.mu.Lock()
	planes := slices.Clone(k.planes)
	k.mu.Unlock()
	for _, cp := range planes {
		cp.emu.Reset()
	}
	k.faults.clear()
}

func (k *Konnect) find(id string) *controlPlane {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, cp := range k.planes {
		if strings.EqualFold(cp.ID, id) {
			return cp
		}
	}
	return nil
}

// problem is the error body of Konnect's control planes API: RFC 9457
// problem details (BaseError of Kong/docs.konghq.com
// api-specs/Konnect/v2/yaml/control-planes.yaml), served as
// application/problem+json.
type problem struct {
	Status            int              `json:"status"`
	Title             string           `json:"title"`
	Instance          string           `json:"instance"`
	Detail            string           `json:"detail"`
	InvalidParameters []map[string]any `json:"invalid_parameters,omitempty"`
}

func (k *Konnect) problem(status int, title, detail string, invalid ...map[string]any) *problem {
	return &problem{Status: status, Title: title, Detail: detail, InvalidParameters: invalid,
		Instance: "konnect:trace:" + strconv.FormatInt(k.requests.Load(), 10)}
}

func writeJSON(w http.ResponseWriter, status int, contentType string, body any) {
	b, _ := json.Marshal(body)
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func writeProblem(w http.ResponseWriter, p *problem) {
	writeJSON(w, p.Status, "application/problem+json", p)
}

// ServeHTTP: log, control endpoints, faults, token, then the control
// planes API or a control plane's core entities.
func (k *Konnect) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w, status: 200}
	defer func() {
		if k.opts.Log != nil {
			fmt.Fprintf(k.opts.Log, "kong-emulator: %s %s %s %d %dB %s\n", start.UTC().Format(time.RFC3339),
				r.Method, r.URL.RequestURI(), rec.status, rec.bytes, time.Since(start).Round(time.Microsecond))
		}
	}()
	k.requests.Add(1)
	if strings.HasPrefix(r.URL.Path, "/_emulator/") {
		k.serveControl(rec, r)
		return
	}
	if k.faults.apply(rec, r) {
		return
	}
	segs := pathSegments(r.URL)
	if len(segs) < 2 || segs[0] != "v2" || segs[1] != "control-planes" {
		writeProblem(rec, k.problem(http.StatusNotFound, "Not Found", "Not Found"))
		return
	}
	core := len(segs) >= 4 && segs[3] == "core-entities"
	if !k.authorized(r) {
		k.unauthorized(rec, r, core)
		return
	}
	switch {
	case core:
		cp := k.find(segs[2])
		if cp == nil {
			writeProblem(rec, k.problem(http.StatusNotFound, "Not Found", "The requested control plane was not found."))
			return
		}
		k.serveCore(rec, r, cp, segs[4:])
	case len(segs) == 2:
		k.serveControlPlanes(rec, r)
	case len(segs) == 3:
		k.serveControlPlane(rec, r, segs[2])
	default:
		writeProblem(rec, k.problem(http.StatusNotFound, "Not Found", "Not Found"))
	}
}

// authorized checks "Authorization: Bearer <token>", the security scheme
// of every Konnect API (personalAccessToken / konnectAccessToken, http
// bearer: control-planes.yaml, control-planes-config.yaml), which decK
// sends as "Authorization:Bearer "+token (Kong/deck
// cmd/common_konnect.go GetKongClientForKonnectMode).
func (k *Konnect) authorized(r *http.Request) bool {
	scheme, token, found := strings.Cut(r.Header.Get("Authorization"), " ")
	return found && strings.EqualFold(scheme, "Bearer") && token == k.opts.Token
}

// unauthorized answers 401 as Konnect's specs document it. The control
// planes API answers problem details, "401UnauthenticatedExample"
// (control-planes.yaml): title "Unauthenticated", detail "A valid token is
// required". The core entities answer the gateway's
// GatewayUnauthorizedError, {"message", "status"}: "No API key found in
// request" without credentials, "Unauthorized" for invalid ones
// (control-planes-config.yaml, HTTP401Error examples NoAPIKey and
// InvalidAuthCred; Kong/sdk-konnect-go models/sdkerrors/
// gatewayunauthorizederror.go, the 401 of every core entity operation).
func (k *Konnect) unauthorized(w http.ResponseWriter, r *http.Request, core bool) {
	if !core {
		writeProblem(w, k.problem(http.StatusUnauthorized, "Unauthenticated", "A valid token is required"))
		return
	}
	msg := "Unauthorized"
	if r.Header.Get("Authorization") == "" {
		msg = "No API key found in request"
	}
	writeJSON(w, http.StatusUnauthorized, "application/json", map[string]any{"message": msg, "status": http.StatusUnauthorized})
}

func (cp *controlPlane) body() map[string]any {
	labels := cp.Labels
	if labels == nil {
		labels = map[string]any{}
	}
	return map[string]any{
		"id": cp.ID, "name": cp.Name, "description": cp.Description, "labels": labels,
		"config": map[string]any{
			"control_plane_endpoint": "https://" + cp.Endpoint + ".us.cp0.konghq.com",
			"telemetry_endpoint":     "https://" + cp.Endpoint + ".us.tp0.konghq.com",
			"cluster_type":           cp.ClusterType,
			"auth_type":              "pinned_client_certs",
			"cloud_gateway":          false,
			"proxy_urls":             []any{},
		},
		"created_at": cp.CreatedAt, "updated_at": cp.UpdatedAt,
	}
}

// filterRE reads Konnect's deepObject filters: filter[name][eq]=x,
// filter[name]=x (StringFieldEqualsFilter also takes a bare string),
// filter[name][contains]=x, filter[name][neq]=x, filter[id][eq|oeq]=...
// (control-planes.yaml ControlPlaneFilterParameters).
var filterRE = regexp.MustCompile(`^filter\[([a-z_]+)\](?:\[([a-z]+)\])?$`)

// serveControlPlanes is GET (list, with filters and page[size] /
// page[number] pagination) and POST (create) /v2/control-planes.
func (k *Konnect) serveControlPlanes(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		k.list(w, r)
	case http.MethodPost:
		var body map[string]any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			writeProblem(w, k.problem(http.StatusBadRequest, "Bad Request", "Invalid request format",
				map[string]any{"field": "body", "reason": "request format is invalid"}))
			return
		}
		cp, perr := k.create(body)
		if perr != nil {
			writeProblem(w, perr)
			return
		}
		writeJSON(w, http.StatusCreated, "application/json", cp.body())
	default:
		writeProblem(w, k.problem(http.StatusMethodNotAllowed, "Method Not Allowed", "Method Not Allowed"))
	}
}

func (k *Konnect) list(w http.ResponseWriter, r *http.Request) {
	type filter struct{ field, op, value string }
	var filters []filter
	size, number := 100, 1
	for key, vals := range r.URL.Query() {
		v := vals[0]
		switch {
		case key == "page[size]" || key == "page[number]":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				writeProblem(w, k.problem(http.StatusBadRequest, "Bad Request", "Invalid request format",
					map[string]any{"field": key, "reason": "must be a positive integer"}))
				return
			}
			if key == "page[size]" {
				size = n
			} else {
				number = n
			}
		case filterRE.MatchString(key):
			m := filterRE.FindStringSubmatch(key)
			op := m[2]
			if op == "" {
				op = "eq"
			}
			allowed := map[string][]string{"name": {"eq", "contains", "neq"}, "id": {"eq", "oeq"}, "cluster_type": {"eq", "neq"}}
			if !slices.Contains(allowed[m[1]], op) {
				writeProblem(w, k.problem(http.StatusBadRequest, "Bad Request", "Invalid request format",
					map[string]any{"field": key, "reason": "unknown property"}))
				return
			}
			filters = append(filters, filter{m[1], op, v})
		}
	}
	k.mu.Lock()
	var match []map[string]any
	for _, cp := range k.planes {
		values := map[string]string{"name": cp.Name, "id": cp.ID, "cluster_type": cp.ClusterType}
		keep := true
		for _, f := range filters {
			got := values[f.field]
			switch f.op {
			case "eq":
				keep = keep && got == f.value
			case "neq":
				keep = keep && got != f.value
			case "contains":
				keep = keep && strings.Contains(got, f.value)
			case "oeq":
				keep = keep && slices.Contains(strings.Split(f.value, ","), got)
			}
		}
		if keep {
			match = append(match, cp.body())
		}
	}
	k.mu.Unlock()
	total := len(match)
	from := min((number-1)*size, total)
	to := min(from+size, total)
	writeJSON(w, http.StatusOK, "application/json", map[string]any{
		"meta": map[string]any{"page": map[string]any{"number": number, "size": size, "total": total}},
		"data": append([]map[string]any{}, match[from:to]...),
	})
}

// create adds a control plane (CreateControlPlaneRequest: name required,
// description, cluster_type, auth_type, cloud_gateway, proxy_urls, labels;
// no other property), with the 400 and 409 bodies of control-planes.yaml's
// examples.
func (k *Konnect) create(body map[string]any) (*controlPlane, *problem) {
	known := []string{"name", "description", "cluster_type", "auth_type", "cloud_gateway", "proxy_urls", "labels"}
	for f := range body {
		if !slices.Contains(known, f) {
			return nil, k.problem(http.StatusBadRequest, "Bad Request", "Request contains unknown property",
				map[string]any{"field": f, "reason": "property " + f + " should not exist"})
		}
	}
	name, _ := body["name"].(string)
	if strings.TrimSpace(name) == "" {
		return nil, k.problem(http.StatusBadRequest, "Bad Request", "Request cannot be empty",
			map[string]any{"field": "name", "reason": "cannot be blank"})
	}
	clusterType, _ := body["cluster_type"].(string)
	if clusterType == "" {
		clusterType = "CLUSTER_TYPE_CONTROL_PLANE"
	}
	desc, _ := body["description"].(string)
	labels, _ := body["labels"].(map[string]any)
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, cp := range k.planes {
		if cp.Name == name {
			return nil, k.problem(http.StatusConflict, "Conflict", "Control Plane with provided name already exists.")
		}
	}
	emu, err := New(Options{Version: k.opts.Version, Enterprise: true, KonnectControlPlane: true})
	if err != nil {
		return nil, k.problem(http.StatusInternalServerError, "Internal Server Error", err.Error())
	}
	id := uuid.NewString()
	if k.opts.NewID != nil {
		id = k.opts.NewID()
	}
	var hexBytes [5]byte
	_, _ = rand.Read(hexBytes[:])
	now := time.Now().UTC().Format("2006-01-02T15:04:05.000Z")
	cp := &controlPlane{ID: id, Name: name, Description: desc, Labels: labels, ClusterType: clusterType,
		Endpoint: hex.EncodeToString(hexBytes[:]), CreatedAt: now, UpdatedAt: now, emu: emu}
	k.planes = append(k.planes, cp)
	return cp, nil
}

// serveControlPlane is GET and DELETE /v2/control-planes/{id}.
func (k *Konnect) serveControlPlane(w http.ResponseWriter, r *http.Request, id string) {
	if _, err := uuid.Parse(id); err != nil {
		writeProblem(w, k.problem(http.StatusBadRequest, "Bad Request", "Request contains invalid ID format",
			map[string]any{"field": "id", "reason": "invalid ID format"}))
		return
	}
	cp := k.find(id)
	if cp == nil {
		writeProblem(w, k.problem(http.StatusNotFound, "Not Found", "The requested control plane was not found."))
		return
	}
	switch r.Method {
	case http.MethodGet:
		writeJSON(w, http.StatusOK, "application/json", cp.body())
	case http.MethodDelete:
		k.mu.Lock()
		k.planes = slices.DeleteFunc(k.planes, func(p *controlPlane) bool { return p == cp })
		k.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	default:
		writeProblem(w, k.problem(http.StatusMethodNotAllowed, "Method Not Allowed", "Method Not Allowed"))
	}
}

// serveCore serves one control plane's core entities: rest is the path
// after /core-entities. Most requests are the Kong Admin API's, answered
// by the control plane's Server; these differ:
//
//   - GET / (and /kong, /status, also under a workspace): not found.
//     Konnect has no node to describe; decK never asks it for a version
//     (Kong/deck CHANGELOG v1.29.2 "Avoid unnecessary Konnect API call to
//     retrieve its version"; cmd/common_konnect.go fetchKonnectKongVersion).
//   - GET /schemas/{entity}: not found; entity schemas are JSON Schemas at
//     GET /v1/schemas/json/{name} (jsonSchemaFor). Plugin schemas stay at
//     /schemas/plugins/{name}, validation at POST /schemas/{entity}/validate
//     (Kong/deck validate/validate.go).
//   - PATCH of a target: 405, Konnect updates targets with PUT only
//     (Kong/go-kong commit caa5f7b, #610: "Konnect doesn't support PATCH"),
//     and that PUT replaces the target (targets.go replaceTarget).
//   - OAuth2 (credentials, tokens): not found, "OAuth2 credentials are not
//     supported in Konnect" (Kong/go-database-reconciler pkg/dump/dump.go).
//   - /_emulator/: not found (the control endpoints are the emulator's).
func (k *Konnect) serveCore(w http.ResponseWriter, r *http.Request, cp *controlPlane, rest []string) {
	// The path the control plane's Server sees, escaping kept.
	escaped := r.URL.EscapedPath()
	prefix := "/v2/control-planes/"
	after := strings.TrimPrefix(escaped, prefix)
	if i := strings.Index(after, "/core-entities"); i >= 0 {
		after = after[i+len("/core-entities"):]
	}
	if after == "" {
		after = "/"
	}
	entities := rest
	if len(rest) > 0 {
		view, inner := cp.emu.workspaceFor(rest)
		if view != nil {
			entities = inner
		} else if len(rest) == 1 {
			entities = nil // "/{unknown}": node information at best
		}
	}
	notFound := func() {
		writeJSON(w, http.StatusNotFound, "application/json; charset=utf-8", map[string]any{"message": "Not found"})
	}
	switch {
	case len(rest) > 0 && rest[0] == "_emulator":
		notFound()
		return
	case len(entities) == 0, len(entities) == 1 && (entities[0] == "kong" || entities[0] == "status"):
		notFound()
		return
	case len(entities) == 2 && entities[0] == "schemas" && r.Method == http.MethodGet:
		notFound()
		return
	case len(entities) == 4 && entities[0] == "v1" && entities[1] == "schemas" && entities[2] == "json":
		if r.Method != http.MethodGet {
			writeJSON(w, http.StatusMethodNotAllowed, "application/json; charset=utf-8", map[string]any{"message": "Method not allowed"})
			return
		}
		js, ok := cp.emu.jsonSchemaFor(entities[3])
		if !ok {
			// Kong/koko internal/server/admin/schemas_service.go GetSchemas
			writeJSON(w, http.StatusNotFound, "application/json", map[string]any{"message": "no entity named '" + entities[3] + "'"})
			return
		}
		writeJSON(w, http.StatusOK, "application/json", js)
		return
	case r.Method == http.MethodPatch && isTargetPath(entities):
		writeJSON(w, http.StatusMethodNotAllowed, "application/json; charset=utf-8", map[string]any{"message": "Method not allowed"})
		return
	case slices.ContainsFunc(entities, func(s string) bool { return strings.HasPrefix(s, "oauth2") }):
		notFound()
		return
	}
	inner := r.Clone(r.Context())
	u := *r.URL
	u.RawPath = after
	if p, err := url.PathUnescape(after); err == nil {
		u.Path = p
	}
	inner.URL = &u
	inner.RequestURI = u.RequestURI()
	cp.emu.ServeHTTP(w, inner)
}

// isTargetPath: /upstreams/{u}/targets/{t} or /targets/{t}.
func isTargetPath(segs []string) bool {
	n := len(segs)
	return (n == 4 && segs[0] == "upstreams" && segs[2] == "targets") || (n == 2 && segs[0] == "targets")
}

// serveControl is /_emulator/reset (every control plane emptied) and
// /_emulator/faults, as on a Kong emulator.
func (k *Konnect) serveControl(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimSuffix(r.URL.Path, "/")
	switch {
	case path == "/_emulator/reset" && r.Method == http.MethodPost:
		k.Reset()
		w.WriteHeader(http.StatusNoContent)
	case path == "/_emulator/faults" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, "application/json", map[string]any{"data": k.faults.list()})
	case path == "/_emulator/faults" && r.Method == http.MethodDelete:
		k.faults.clear()
		w.WriteHeader(http.StatusNoContent)
	case path == "/_emulator/faults" && r.Method == http.MethodPost:
		var f Fault
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			writeJSON(w, http.StatusBadRequest, "application/json", map[string]any{"message": "invalid fault: " + err.Error()})
			return
		}
		f.Remaining = nil
		if err := k.faults.add(&f); err != nil {
			writeJSON(w, http.StatusBadRequest, "application/json", map[string]any{"message": err.Error()})
			return
		}
		writeJSON(w, http.StatusCreated, "application/json", &f)
	default:
		writeJSON(w, http.StatusNotFound, "application/json", map[string]any{"message": "Not found"})
	}
}
