// Package kongtest runs Kong modules against the in-process Kong emulator
// (tests/kongemu) in Go tests: an emulator on a random loopback port (plain,
// TLS or mutual TLS), a middleware that injects faults (5xx, 429 with
// Retry-After) in front of it, a log of the requests it received, and a
// throwaway PKI. Every Kong module's tests use it.
package kongtest

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/tests/kongemu"
)

// Env is one emulator behind an HTTP(S) listener.
type Env struct {
	Emu *kongemu.Server
	URL string // admin_url of the emulator
	// Args are added to every Run (admin_url and, for TLS, the CA).
	Args map[string]any

	srv    *httptest.Server
	mu     sync.Mutex
	log    []string
	faults []*fault
}

type fault struct {
	method, path string
	status       int
	header       http.Header
	remaining    int
	// dropAnswer: the emulator handles the request (Kong applies it) but
	// the connection is closed before any answer, as when a network or a
	// proxy fails after the request arrived: its outcome is unknown to the
	// client.
	dropAnswer bool
}

// Start runs an emulator for opts on a random loopback port.
func Start(t testing.TB, opts kongemu.Options) *Env {
	t.Helper()
	e := newEnv(t, opts)
	e.srv = httptest.NewServer(e)
	t.Cleanup(e.srv.Close)
	e.URL = e.srv.URL
	e.Args = map[string]any{"admin_url": e.URL}
	return e
}

// StartTLS runs an emulator behind TLS with a certificate from pki; with
// requireClientCert the listener also demands a client certificate signed
// by pki's CA (mutual TLS). Args carry ca_path.
func StartTLS(t testing.TB, opts kongemu.Options, pki *PKI, requireClientCert bool) *Env {
	t.Helper()
	e := newEnv(t, opts)
	e.srv = httptest.NewUnstartedServer(e)
	conf := &tls.Config{Certificates: []tls.Certificate{pki.Server}, ClientCAs: pki.Pool, MinVersion: tls.VersionTLS12}
	if requireClientCert {
		conf.ClientAuth = tls.RequireAndVerifyClientCert
	}
	e.srv.TLS = conf
	// Refused handshakes are what some tests want; keep them off stderr.
	e.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	e.srv.StartTLS()
	t.Cleanup(e.srv.Close)
	e.URL = e.srv.URL
	e.Args = map[string]any{"admin_url": e.URL, "ca_path": pki.CAFile}
	return e
}

func newEnv(t testing.TB, opts kongemu.Options) *Env {
	t.Helper()
	emu, err := kongemu.New(opts)
	if err != nil {
		t.Fatalf("starting the Kong emulator: %v", err)
	}
	return &Env{Emu: emu}
}

// ServeHTTP logs the request, applies the first matching fault, else lets
// the emulator answer.
func (e *Env) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	e.log = append(e.log, r.Method+" "+r.URL.Path)
	var hit *fault
	for _, f := range e.faults {
		if f.remaining > 0 && f.method == r.Method && strings.HasPrefix(r.URL.Path, f.path) {
			f.remaining--
			hit = f
			break
		}
	}
	e.mu.Unlock()
	if hit == nil {
		e.Emu.ServeHTTP(w, r)
		return
	}
	if hit.dropAnswer {
		e.Emu.ServeHTTP(httptest.NewRecorder(), r)
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			_ = conn.Close()
		}
		return
	}
	_, _ = io.Copy(io.Discard, r.Body)
	for k, v := range hit.header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(hit.status)
	_, _ = fmt.Fprintf(w, `{"message":"injected fault: HTTP %d"}`, hit.status)
}

// DropAnswerNext makes the next n requests with this method and a path
// starting with pathPrefix reach the emulator (which applies them) and
// get no answer: the connection is closed instead.
func (e *Env) DropAnswerNext(method, pathPrefix string, n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = append(e.faults, &fault{method: method, path: pathPrefix, remaining: n, dropAnswer: true})
}

// FailNext makes the next n requests with this method and a path starting
// with pathPrefix fail with status (and header, e.g. Retry-After).
func (e *Env) FailNext(method, pathPrefix string, status, n int, header http.Header) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = append(e.faults, &fault{method: method, path: pathPrefix, status: status, header: header, remaining: n})
}

// Requests returns "METHOD /path" of every request received so far, and
// forgets them.
func (e *Env) Requests() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := e.log
	e.log = nil
	return out
}

// Run executes a module the way the binary does, with e.Args added.
func (e *Env) Run(def *ansible.Definition, args map[string]any) map[string]any {
	all := map[string]any{}
	for k, v := range e.Args {
		all[k] = v
	}
	for k, v := range args {
		all[k] = v
	}
	return ansible.Execute(context.Background(), def, all)
}

// Get reads an Admin API path straight from the emulator (bypassing faults
// and the log): what Kong really holds. It returns nil on 404.
func (e *Env) Get(t testing.TB, path string) map[string]any {
	t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if tok := e.Args["admin_token"]; tok != nil {
		req.Header.Set("Kong-Admin-Token", fmt.Sprint(tok))
	}
	e.Emu.ServeHTTP(rec, req)
	if rec.Code == http.StatusNotFound {
		return nil
	}
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || rec.Code != http.StatusOK {
		t.Fatalf("GET %s: HTTP %d %s", path, rec.Code, rec.Body.String())
	}
	return out
}

// Send sends a request straight to the emulator, e.g. to set up a route,
// and fails the test unless Kong answers 2xx.
func (e *Env) Send(t testing.TB, method, path string, body any) map[string]any {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(method, path, strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	if tok := e.Args["admin_token"]; tok != nil {
		req.Header.Set("Kong-Admin-Token", fmt.Sprint(tok))
	}
	e.Emu.ServeHTTP(rec, req)
	if rec.Code >= 300 {
		t.Fatalf("%s %s: HTTP %d %s", method, path, rec.Code, rec.Body.String())
	}
	var out map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	return out
}
