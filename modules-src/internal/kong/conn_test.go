package kong

import (
	"context"
	"crypto/tls"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"platform.ops/modules-src/internal/kong/kongtest"
)

// recorder is an httptest handler that answers from a script and records
// what it was sent.
type recorder struct {
	mu       sync.Mutex
	requests []*http.Request
	answer   func(n int, r *http.Request) (int, http.Header, string)
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec.mu.Lock()
	rec.requests = append(rec.requests, r.Clone(context.Background()))
	n := len(rec.requests)
	rec.mu.Unlock()
	status, header, body := 200, http.Header(nil), `{"version":"3.9.3"}`
	if rec.answer != nil {
		status, header, body = rec.answer(n, r)
	}
	for k, v := range header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

func (rec *recorder) count() int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return len(rec.requests)
}

func testConfig(url string) Config {
	return Config{AdminURL: url, ValidateCerts: true, Timeout: 5 * time.Second, Retries: 3}
}

// fastConn is a Conn whose retries wait a recorded, not a real, time.
func fastConn(t *testing.T, cfg Config) (*Conn, *[]time.Duration) {
	t.Helper()
	c, err := NewConn(cfg)
	require.NoError(t, err)
	var waits []time.Duration
	c.Kong.SetDoer(retryingDoer(retryPolicy{retries: cfg.Retries, sleep: func(_ context.Context, d time.Duration) error {
		waits = append(waits, d)
		return nil
	}}))
	t.Cleanup(c.Close)
	return c, &waits
}

func TestConn_SendsTokenHeadersBasicAuthAndWorkspace(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	cfg := testConfig(srv.URL + "/")
	cfg.AdminToken = "rbac-token"
	cfg.Headers = map[string]string{"X-Team": "edge"}
	cfg.Username, cfg.Password = "admin", "pw"
	cfg.Workspace = "team-a"
	c, _ := fastConn(t, cfg)

	_, err := c.Get(context.Background(), PathFor("services", "my svc"))
	require.NoError(t, err)
	require.Equal(t, 1, rec.count())
	r := rec.requests[0]
	assert.Equal(t, "/team-a/services/my%20svc", r.URL.EscapedPath())
	assert.Equal(t, "rbac-token", r.Header.Get("Kong-Admin-Token"))
	assert.Equal(t, "edge", r.Header.Get("X-Team"))
	user, pass, ok := r.BasicAuth()
	assert.True(t, ok)
	assert.Equal(t, "admin", user)
	assert.Equal(t, "pw", pass)
}

func TestNewConn_RejectsABadAdminURL(t *testing.T) {
	t.Parallel()
	_, err := NewConn(testConfig("localhost:8001"))
	assert.EqualError(t, err, `admin_url must be an http:// or https:// URL such as http://localhost:8001, got "localhost:8001"`)
}

func TestHeaderLooksSecret(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{
		"Authorization": true, "X-API-Key": true, "Kong-Admin-Token": true, "Cookie": true,
		"X-Client-Secret": true, "X-Team": false, "Accept": false, "User-Agent": false,
	} {
		assert.Equal(t, want, HeaderLooksSecret(name), name)
	}
}

func TestRetry(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		method     string
		failures   int // answers with failStatus before succeeding
		failStatus int
		header     http.Header
		wantCalls  int
		wantErr    string
		wantWaits  []time.Duration
	}{
		{name: "GET is retried after 5xx", method: "GET", failures: 2, failStatus: 503, wantCalls: 3,
			wantWaits: []time.Duration{200 * time.Millisecond, 400 * time.Millisecond}},
		{name: "PUT is retried after 500", method: "PUT", failures: 1, failStatus: 500, wantCalls: 2,
			wantWaits: []time.Duration{200 * time.Millisecond}},
		{name: "DELETE is retried after 502", method: "DELETE", failures: 1, failStatus: 502, wantCalls: 2,
			wantWaits: []time.Duration{200 * time.Millisecond}},
		{name: "429 waits what Retry-After says", method: "GET", failures: 1, failStatus: 429,
			header: http.Header{"Retry-After": {"3"}}, wantCalls: 2, wantWaits: []time.Duration{3 * time.Second}},
		{name: "429 with an HTTP-date Retry-After an hour ahead waits at most the cap", method: "GET", failures: 1, failStatus: 429,
			header: http.Header{"Retry-After": {time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)}}, wantCalls: 2,
			wantWaits: []time.Duration{10 * time.Second}},
		{name: "429 with an HTTP-date Retry-After in the past backs off as usual", method: "GET", failures: 1, failStatus: 429,
			header: http.Header{"Retry-After": {time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat)}}, wantCalls: 2,
			wantWaits: []time.Duration{200 * time.Millisecond}},
		{name: "POST is never retried", method: "POST", failures: 1, failStatus: 503, wantCalls: 1,
			wantErr: "HTTP status 503"},
		{name: "PATCH is never retried", method: "PATCH", failures: 1, failStatus: 429, wantCalls: 1,
			wantErr: "HTTP status 429"},
		{name: "4xx is not retried", method: "GET", failures: 1, failStatus: 400, wantCalls: 1,
			wantErr: "HTTP status 400"},
		{name: "gives up after the configured retries", method: "GET", failures: 10, failStatus: 500, wantCalls: 4,
			wantErr: "HTTP status 500", wantWaits: []time.Duration{200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := &recorder{answer: func(n int, r *http.Request) (int, http.Header, string) {
				if n <= tc.failures {
					return tc.failStatus, tc.header, `{"message":"injected"}`
				}
				return 200, nil, `{"id":"1"}`
			}}
			srv := httptest.NewServer(rec)
			defer srv.Close()
			c, waits := fastConn(t, testConfig(srv.URL))
			var body any
			if tc.method != "GET" && tc.method != "DELETE" {
				body = Object{"host": "a.test"}
			}
			_, err := c.Send(context.Background(), tc.method, "/services/x", body)
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tc.wantCalls, rec.count())
			assert.Equal(t, tc.wantWaits, *waits)
			if tc.method == "PUT" {
				for _, r := range rec.requests {
					assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
				}
			}
		})
	}
}

func TestRetry_ResendsTheBody(t *testing.T) {
	t.Parallel()
	var bodies []string
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		first := len(bodies) == 1
		mu.Unlock()
		if first {
			w.WriteHeader(503)
			return
		}
		_, _ = w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	c, _ := fastConn(t, testConfig(srv.URL))
	_, err := c.Send(context.Background(), "PUT", "/services/x", Object{"host": "a.test"})
	require.NoError(t, err)
	assert.Equal(t, []string{`{"host":"a.test"}`, `{"host":"a.test"}`}, bodies)
}

func TestRetry_ConnectionErrorsAreRetriedForGETOnly(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there any more

	c, waits := fastConn(t, testConfig(url))
	_, err := c.Send(context.Background(), "GET", "/services/x", nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cannot reach the Kong Admin API (GET "+url+"/services/x)")
	assert.Len(t, *waits, 3)

	c, waits = fastConn(t, testConfig(url))
	_, err = c.Send(context.Background(), "POST", "/services", Object{})
	require.Error(t, err)
	assert.Empty(t, *waits)
}

func TestTLS(t *testing.T) {
	t.Parallel()
	pki := kongtest.NewPKI(t)
	newServer := func(clientAuth tls.ClientAuthType) *httptest.Server {
		srv := httptest.NewUnstartedServer(&recorder{})
		srv.TLS = &tls.Config{Certificates: []tls.Certificate{pki.Server}, ClientCAs: pki.Pool, ClientAuth: clientAuth}
		srv.Config.ErrorLog = log.New(io.Discard, "", 0)
		srv.StartTLS()
		t.Cleanup(srv.Close)
		return srv
	}
	plain := newServer(tls.NoClientCert)
	mtls := newServer(tls.RequireAndVerifyClientCert)
	other := kongtest.NewPKI(t)

	tests := []struct {
		name    string
		srv     *httptest.Server
		edit    func(*Config)
		wantErr string
	}{
		{name: "ca_path trusts the server", srv: plain, edit: func(c *Config) { c.CAPath = pki.CAFile }},
		{name: "without ca_path the certificate is unknown", srv: plain, edit: func(c *Config) {},
			wantErr: "certificate signed by unknown authority"},
		{name: "validate_certs false skips verification", srv: plain, edit: func(c *Config) { c.ValidateCerts = false }},
		{name: "tls_server_name matching the certificate", srv: plain,
			edit: func(c *Config) { c.CAPath = pki.CAFile; c.ServerName = "kong.test" }},
		{name: "tls_server_name not in the certificate", srv: plain,
			edit: func(c *Config) { c.CAPath = pki.CAFile; c.ServerName = "other.test" }, wantErr: "other.test"},
		{name: "mutual TLS with client_cert and client_key", srv: mtls,
			edit: func(c *Config) { c.CAPath = pki.CAFile; c.ClientCert = pki.ClientCert; c.ClientKey = pki.ClientKey }},
		{name: "mutual TLS with a combined PEM", srv: mtls,
			edit: func(c *Config) { c.CAPath = pki.CAFile; c.ClientCert = pki.ClientCombined }},
		{name: "mutual TLS server refuses a client without certificate", srv: mtls,
			edit:    func(c *Config) { c.CAPath = pki.CAFile },
			wantErr: "the Admin API requires a client certificate (mutual TLS; TLS alert: certificate required): set client_cert and client_key"},
		// Issue 10 item 11: said only "remote error: tls: ...".
		{name: "mutual TLS with a client certificate from another CA", srv: mtls,
			edit:    func(c *Config) { c.CAPath = pki.CAFile; c.ClientCert = other.ClientCert; c.ClientKey = other.ClientKey },
			wantErr: "the Admin API did not accept client_cert (TLS alert: "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := testConfig(tc.srv.URL)
			cfg.Retries = 0
			tc.edit(&cfg)
			c, err := NewConn(cfg)
			require.NoError(t, err)
			defer c.Close()
			info, err := c.Info(context.Background())
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, "3.9.3", info.Version)
		})
	}
}

func TestTLS_BadFilesAreNamed(t *testing.T) {
	t.Parallel()
	cfg := testConfig("https://127.0.0.1:1")
	cfg.CAPath = "/nonexistent/ca.pem"
	_, err := NewConn(cfg)
	assert.EqualError(t, err, "ca_path: stat /nonexistent/ca.pem: no such file or directory")

	cfg = testConfig("https://127.0.0.1:1")
	cfg.ClientKey = "/tmp/key.pem"
	_, err = NewConn(cfg)
	assert.EqualError(t, err, "client_key is set but client_cert is not: both are needed for mutual TLS")
}

func TestConn_UnreachableAdminAPI(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	cfg := testConfig(url)
	cfg.Retries = 0
	c, err := NewConn(cfg)
	require.NoError(t, err)
	_, err = c.Info(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "reading the Kong version (GET /): cannot reach the Kong Admin API (GET "+url+"/): dial tcp")
}

func TestTLS_CAPathMayBeADirectory(t *testing.T) {
	t.Parallel()
	pki := kongtest.NewPKI(t)
	srv := httptest.NewUnstartedServer(&recorder{})
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{pki.Server}}
	srv.StartTLS()
	defer srv.Close()
	cfg := testConfig(srv.URL)
	cfg.CAPath = filepath.Dir(pki.CAFile) // also holds keys, which are skipped
	c, err := NewConn(cfg)
	require.NoError(t, err)
	defer c.Close()
	_, err = c.Info(context.Background())
	require.NoError(t, err)
}

func TestConn_TimeoutAppliesToEachRequest(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-time.After(5 * time.Second):
		}
	}))
	defer srv.Close()
	defer close(release)
	cfg := testConfig(srv.URL)
	cfg.Timeout, cfg.Retries = 300*time.Millisecond, 0
	c, err := NewConn(cfg)
	require.NoError(t, err)
	start := time.Now()
	_, err = c.Get(context.Background(), "/services/x")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "/services/x): no answer within the timeout (option timeout)")
	assert.Less(t, time.Since(start), 2*time.Second)
}
