// Package kongemu is a stateful, in-memory emulator of the Kong Admin API
// (Kong 3.9.3, or 2.8.5 on request), faithful to
// shared/research/kong-admin-spec.md: schema-driven validation from Kong's
// own schema JSON, Kong's error envelopes, UNIQUE and foreign-key rules,
// cascades and offset pagination. It is built like fsouza/fake-gcs-server:
// a mutex-guarded store, one routes() table listing the whole surface,
// handlers that return a response value, and one adapter that writes it.
package kongemu

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
)

// DefaultVersion is the Kong version emulated when Options.Version is empty.
const DefaultVersion = "3.9.3"

// Options configure a Server.
type Options struct {
	Version    string // Kong version: "3.9.3" (default) or "2.8.5"
	AdminToken string // when set, requests need header Kong-Admin-Token with this value (RBAC)
	// RouterFlavor is reported as configuration.router_flavor in GET /.
	// 3.x: "traditional_compatible" (default) or "traditional"; the
	// validation rules are the same here. 2.8 has no such setting and
	// reports none unless this is set, which go-kong's tests need to run
	// their route and service tests at all.
	RouterFlavor string
	// Enterprise emulates Kong Enterprise in its place: GET / reports an
	// Enterprise version (see ReportedVersion) with configuration.rbac and
	// portal, /workspaces is served and every endpoint is also served under
	// /{workspace}/ with a separate entity store per workspace
	// (workspaces.go). Off, nothing of this exists (Kong OSS).
	Enterprise bool
	Log        io.Writer     // one line per request; nil disables the log
	Faults     []*Fault      // faults active from the start
	Now        func() int64  // clock for created_at/updated_at (tests fix it)
	NewID      func() string // id generator (tests fix it)

	// Vaults is kong.conf's "vaults": "bundled" (the env vault) or "off";
	// empty means the version's default (3.x bundled, 2.8 off; vaults.go).
	Vaults string

	// KonnectControlPlane: the Server holds a Kong Konnect control plane's
	// entities (Konnect's --konnect, konnect.go), where a PUT of a target
	// replaces it (targets.go replaceTarget) instead of updating it.
	KonnectControlPlane bool
}

// Server is the emulator. It implements http.Handler.
type Server struct {
	opts        Options
	v3          bool
	schemas     *schemaSet
	pluginCache map[string]*Field
	vaultCache  map[string]*Field // installed vaults' merged schemas (vaults.go)
	defList     []*entityDef
	defs        map[string]*entityDef // by DAO name
	table       []route
	nodeID      string
	requests    *atomic.Int64 // shared by the workspace views

	mu *sync.RWMutex // guards db (and, in Enterprise mode, every workspace); shared by the views
	db *store        // the default workspace's entities (a view: its workspace's)

	// Enterprise mode only (nil for OSS): the workspace registry, shared by
	// every view; root is the Server that New returned, views are Servers
	// serving one other workspace each.
	ent  *enterprise
	root *Server

	faults faultSet
}

// New builds a Server for opts.Version.
func New(opts Options) (*Server, error) {
	if opts.Version == "" {
		opts.Version = DefaultVersion
	}
	set, err := loadSchemas(opts.Version)
	if err != nil {
		return nil, err
	}
	v3 := !strings.HasPrefix(opts.Version, "2.")
	if v3 && opts.RouterFlavor == "" {
		opts.RouterFlavor = "traditional_compatible"
	}
	switch opts.RouterFlavor {
	case "", "traditional", "traditional_compatible":
	default:
		return nil, fmt.Errorf("unsupported router flavor %q (supported: traditional, traditional_compatible)", opts.RouterFlavor)
	}
	if err := attachTypedefs(set, v3); err != nil {
		return nil, err
	}
	s := &Server{opts: opts, v3: v3, schemas: set, pluginCache: buildPluginSchemas(set),
		defs: map[string]*entityDef{}, db: newStore(), nodeID: uuid.NewString(),
		mu: &sync.RWMutex{}, requests: &atomic.Int64{}}
	s.root = s
	for _, d := range entityDefs(v3) {
		if set.entities[d.dao] == nil {
			continue
		}
		s.defList = append(s.defList, d)
		s.defs[d.dao] = d
	}
	if err := s.enableVaults(); err != nil {
		return nil, err
	}
	for _, f := range opts.Faults {
		if err := s.faults.add(f); err != nil {
			return nil, err
		}
	}
	if opts.Enterprise {
		if err := s.enableEnterprise(); err != nil {
			return nil, err
		}
	}
	s.table = s.routes()
	return s, nil
}

// Version is the emulated Kong version (the schemas' and rules' version).
func (s *Server) Version() string { return s.opts.Version }

// ReportedVersion is the version GET / and the Server header report: the
// emulated version, or with Options.Enterprise that version as a Kong
// Enterprise build, e.g. "3.9.3.0-enterprise-edition". go-kong's
// ParseSemanticVersion reads it as 3.9.3.0+enterprise, which
// IsKongGatewayEnterprise accepts (a fourth number or "enterprise"), and
// its version range gates see the same 3.9.3 as for the OSS emulator; Kong
// reports edition "enterprise" when the version contains "enterprise"
// (kong-admin-spec.md 7.1). The build number is made up: real Enterprise
// releases have their own numbering.
func (s *Server) ReportedVersion() string {
	if s.opts.Enterprise {
		return s.opts.Version + ".0-enterprise-edition"
	}
	return s.opts.Version
}

// Reset empties the database (in Enterprise mode: every workspace but an
// empty default one) and removes every fault.
func (s *Server) Reset() {
	s.mu.Lock()
	s.db = newStore()
	if s.ent != nil {
		s.resetWorkspaces()
	}
	s.mu.Unlock()
	s.faults.clear()
}

func (s *Server) now() json.Number {
	if s.opts.Now != nil {
		return jsonNum(int(s.opts.Now()))
	}
	return jsonNum(int(time.Now().Unix()))
}

// request is what a handler sees: the HTTP request, the named path
// segments and the decoded body.
type request struct {
	*http.Request
	params map[string]string
	body   map[string]any
	form   bool // body came from a form encoding and needs schema coercion
}

func (r *request) param(name string) string { return r.params[name] }

// response is what a handler returns; writeResponse turns it into HTTP.
type response struct {
	status int
	body   any
	err    *kongError
	header http.Header
}

func ok(status int, body any) response { return response{status: status, body: body} }
func fail(err *kongError) response     { return response{err: err} }
func notFound() response               { return fail(notFoundMessage()) }

type handler func(*request) response

type route struct {
	method  string
	pattern string
	segs    []string
	handle  handler
}

// ServeHTTP: log, control endpoints, RBAC, faults, then the Admin API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w, status: 200}
	defer func() {
		if s.opts.Log != nil {
			fmt.Fprintf(s.opts.Log, "kong-emulator: %s %s %s %d %dB %s\n", start.UTC().Format(time.RFC3339),
				r.Method, r.URL.RequestURI(), rec.status, rec.bytes, time.Since(start).Round(time.Microsecond))
		}
	}()
	s.requests.Add(1)
	if strings.HasPrefix(r.URL.Path, "/_emulator/") {
		s.serveControl(rec, r)
		return
	}
	if s.opts.AdminToken != "" && r.Header.Get("Kong-Admin-Token") != s.opts.AdminToken {
		s.write(rec, r, fail(plainError(http.StatusUnauthorized, "Invalid credentials. Token or User credentials required")))
		return
	}
	if s.faults.apply(rec, r) {
		return
	}
	s.write(rec, r, s.safeDispatch(r))
}

// safeDispatch turns a handler panic into Kong's 500 body, so one bad
// request shows up as a failing status instead of a dropped connection.
func (s *Server) safeDispatch(r *http.Request) (resp response) {
	defer func() {
		if p := recover(); p != nil {
			if s.opts.Log != nil {
				fmt.Fprintf(s.opts.Log, "kong-emulator: panic serving %s %s: %v\n%s\n", r.Method, r.URL.Path, p, debug.Stack())
			}
			resp = fail(plainError(http.StatusInternalServerError, "An unexpected error occurred"))
		}
	}()
	return s.dispatch(r)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusRecorder) WriteHeader(code int) { w.status = code; w.ResponseWriter.WriteHeader(code) }
func (w *statusRecorder) Write(b []byte) (int, error) {
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}
func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// pathSegments splits the escaped path and percent-decodes each segment, so
// "/services/a%2Fb" is two segments. A trailing slash is ignored.
func pathSegments(u *url.URL) []string {
	p := strings.Trim(u.EscapedPath(), "/")
	if p == "" {
		return nil
	}
	parts := strings.Split(p, "/")
	for i, part := range parts {
		if dec, err := url.PathUnescape(part); err == nil {
			parts[i] = dec
		}
	}
	return parts
}

// moreSpecific orders patterns: at the first differing segment a literal
// beats a {variable} (so /schemas/plugins/{name} wins over /schemas/{entity}/validate
// only where it matches).
func moreSpecific(a, b []string) bool {
	for i := range a {
		av, bv := strings.HasPrefix(a[i], "{"), strings.HasPrefix(b[i], "{")
		if av != bv {
			return !av
		}
	}
	return false
}

func (s *Server) dispatch(r *http.Request) response {
	segs := pathSegments(r.URL)
	if s.ent != nil {
		view, rest := s.workspaceFor(segs)
		if view == nil {
			return notFound()
		}
		return view.dispatchIn(r, rest)
	}
	return s.dispatchIn(r, segs)
}

// match returns the pattern of the most specific route for segs, or "".
func (s *Server) match(segs []string) string {
	var best []string
	bestPattern := ""
	for _, rt := range s.table {
		if len(rt.segs) != len(segs) || !segsMatch(rt.segs, segs) {
			continue
		}
		if bestPattern == "" || moreSpecific(rt.segs, best) {
			best, bestPattern = rt.segs, rt.pattern
		}
	}
	return bestPattern
}

// dispatchIn serves segs (the path, without any workspace prefix) from
// this Server's route table.
func (s *Server) dispatchIn(r *http.Request, segs []string) response {
	bestPattern := s.match(segs)
	if bestPattern == "" {
		return notFound()
	}
	method := r.Method
	if method == http.MethodHead {
		method = http.MethodGet
	}
	var allowed []string
	for _, rt := range s.table {
		if rt.pattern != bestPattern {
			continue
		}
		allowed = append(allowed, rt.method)
		if rt.method != method {
			continue
		}
		req := &request{Request: r, params: map[string]string{}}
		for i, seg := range rt.segs {
			if strings.HasPrefix(seg, "{") {
				req.params[strings.Trim(seg, "{}")] = segs[i]
			}
		}
		if method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch {
			if resp, bad := parseBody(req); bad {
				return resp
			}
		}
		if method == http.MethodGet {
			s.mu.RLock()
			defer s.mu.RUnlock()
		} else {
			s.mu.Lock()
			defer s.mu.Unlock()
		}
		return rt.handle(req)
	}
	if r.Method == http.MethodOptions {
		allowed = append(allowed, "HEAD", "OPTIONS")
		sort.Strings(allowed)
		list := strings.Join(allowed, ", ")
		h := http.Header{}
		h.Set("Allow", list)
		h.Set("Access-Control-Allow-Methods", list)
		h.Set("Access-Control-Allow-Headers", "Content-Type")
		return response{status: http.StatusNoContent, header: h}
	}
	return fail(plainError(http.StatusMethodNotAllowed, "Method not allowed"))
}

func segsMatch(pattern, segs []string) bool {
	for i, p := range pattern {
		if !strings.HasPrefix(p, "{") && p != segs[i] {
			return false
		}
	}
	return true
}

// parseBody decodes JSON, form-urlencoded and multipart bodies; other
// content types get 415 and malformed JSON Kong's 400.
func parseBody(r *request) (response, bool) {
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return fail(plainError(http.StatusBadRequest, "Cannot read body")), true
	}
	ct := strings.ToLower(r.Header.Get("Content-Type"))
	r.body = map[string]any{}
	switch {
	case len(bytes.TrimSpace(raw)) == 0 && !strings.Contains(ct, "multipart"):
		return response{}, false
	case strings.Contains(ct, "json"):
		var v any
		if err := decodeJSON(raw, &v); err != nil {
			return fail(plainError(http.StatusBadRequest, "Cannot parse JSON body")), true
		}
		m, ok := v.(map[string]any)
		if !ok {
			return fail(plainError(http.StatusBadRequest, "Cannot parse JSON body")), true
		}
		r.body = m
	case strings.Contains(ct, "application/x-www-form-urlencoded"):
		vals, err := url.ParseQuery(string(raw))
		if err != nil {
			return fail(plainError(http.StatusBadRequest, "Cannot parse form body")), true
		}
		r.body, r.form = formToMap(vals), true
	case strings.Contains(ct, "multipart/form-data"):
		r.Request.Body = io.NopCloser(bytes.NewReader(raw))
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			return fail(plainError(http.StatusBadRequest, "Cannot parse multipart body")), true
		}
		r.body, r.form = formToMap(r.MultipartForm.Value), true
	default:
		return response{status: http.StatusUnsupportedMediaType, body: unsupportedMediaPage}, true
	}
	return response{}, false
}

// nginx's default page: Kong exits 415 without a body of its own.
const unsupportedMediaPage = "<html>\r\n<head><title>415 Unsupported Media Type</title></head>\r\n<body>\r\n<center><h1>415 Unsupported Media Type</h1></center>\r\n<hr><center>kong</center>\r\n</body>\r\n</html>\r\n"

// write is the one adapter from response to HTTP: Kong's headers, the
// JSON body or the error envelope.
func (s *Server) write(w http.ResponseWriter, r *http.Request, resp response) {
	h := w.Header()
	h.Set("Server", "kong/"+s.ReportedVersion())
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Credentials", "true")
	h.Set("X-Kong-Admin-Latency", "0")
	for k, v := range resp.header {
		h[k] = v
	}
	status, body := resp.status, resp.body
	if resp.err != nil {
		status = resp.err.status
		if resp.err.code != 0 {
			body = resp.err.body()
		} else {
			body = map[string]any{"message": resp.err.message}
		}
	}
	if status == 0 {
		status = http.StatusOK
	}
	if status == http.StatusNoContent || body == nil {
		w.WriteHeader(status)
		return
	}
	var payload []byte
	if page, ok := body.(string); ok {
		h.Set("Content-Type", "text/html")
		payload = []byte(page)
	} else {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(body)
		payload = bytes.TrimRight(buf.Bytes(), "\n")
		h.Set("Content-Type", "application/json; charset=utf-8")
	}
	h.Set("Content-Length", fmt.Sprint(len(payload)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(payload)
	}
}

// Client returns an http.Client that serves requests in-process, without a
// listener (fake-gcs-server's NoListener mode). Use it with
// kong.NewClient(&base, s.Client()) and any base URL.
func (s *Server) Client() *http.Client {
	return &http.Client{Transport: inProcessTransport{s}}
}

type inProcessTransport struct{ s *Server }

func (t inProcessTransport) RoundTrip(req *http.Request) (resp *http.Response, err error) {
	defer func() {
		if p := recover(); p != nil {
			resp, err = nil, fmt.Errorf("%s %s: connection reset by peer (emulated)", req.Method, req.URL)
		}
	}()
	rec := httptest.NewRecorder()
	t.s.ServeHTTP(rec, req)
	res := rec.Result()
	res.Request = req
	return res, nil
}
