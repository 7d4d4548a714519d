package kongtest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/tests/kongemu"
)

// KonnectToken is the access token of every KonnectEnv.
const KonnectToken = "kpat_kongtest-konnect-0123456789"

// KonnectEnv is the emulator's Kong Konnect (kongemu.Konnect) behind an
// HTTP listener, with a log of the requests it received.
type KonnectEnv struct {
	Konnect *kongemu.Konnect
	URL     string // konnect_addr of the emulator
	// Args are added to every Run: konnect_addr, konnect_token and
	// konnect_control_plane (the first control plane, by name).
	Args map[string]any

	mu  sync.Mutex
	log []string
}

// StartKonnect runs a Konnect emulator with these control planes
// ("default" when none) on a random loopback port.
func StartKonnect(t testing.TB, planes ...string) *KonnectEnv {
	t.Helper()
	k, err := kongemu.NewKonnect(kongemu.KonnectOptions{Token: KonnectToken, ControlPlanes: planes})
	if err != nil {
		t.Fatalf("starting the Konnect emulator: %v", err)
	}
	e := &KonnectEnv{Konnect: k}
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	e.URL = srv.URL
	first := "default"
	if len(planes) > 0 {
		first = planes[0]
	}
	e.Args = map[string]any{"konnect_addr": e.URL, "konnect_token": KonnectToken, "konnect_control_plane": first}
	return e
}

// ServeHTTP logs "METHOD /path?query" and lets the emulator answer.
func (e *KonnectEnv) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	e.log = append(e.log, r.Method+" "+r.URL.RequestURI())
	e.mu.Unlock()
	e.Konnect.ServeHTTP(w, r)
}

// Requests returns the requests received so far, and forgets them.
func (e *KonnectEnv) Requests() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := e.log
	e.log = nil
	return out
}

// Run executes a module the way the binary does, with e.Args added.
func (e *KonnectEnv) Run(def *ansible.Definition, args map[string]any) map[string]any {
	all := map[string]any{}
	for k, v := range e.Args {
		all[k] = v
	}
	for k, v := range args {
		all[k] = v
	}
	return ansible.Execute(context.Background(), def, all)
}

// Get reads a core-entities path of a control plane (by name) straight
// from the emulator, bypassing the log: what Konnect holds. Nil on 404.
func (e *KonnectEnv) Get(t testing.TB, controlPlane, path string) map[string]any {
	t.Helper()
	id := e.Konnect.ControlPlaneID(controlPlane)
	if id == "" {
		t.Fatalf("no control plane %q", controlPlane)
	}
	req := httptest.NewRequest(http.MethodGet, "/v2/control-planes/"+id+"/core-entities"+path, strings.NewReader(""))
	req.Header.Set("Authorization", "Bearer "+KonnectToken)
	rec := httptest.NewRecorder()
	e.Konnect.ServeHTTP(rec, req)
	if rec.Code == http.StatusNotFound {
		return nil
	}
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || rec.Code != http.StatusOK {
		t.Fatalf("GET %s on %s: HTTP %d %s", path, controlPlane, rec.Code, rec.Body.String())
	}
	return out
}
