package kong

import (
	"context"
	"crypto/tls"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"platform.ops/modules-src/internal/kong/kongtest"
)

// TestConnError_SentWriteHasAnUnknownOutcome: a write (POST, PATCH, PUT,
// DELETE) that reached Kong and got no answer (connection reset, timeout)
// may have been applied: the error says so instead of "cannot reach". A
// request that never left, or a read, is still "cannot reach".
func TestConnError_SentWriteHasAnUnknownOutcome(t *testing.T) {
	t.Parallel()
	// Reads the whole request, then drops the connection without an answer.
	reset := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			_ = conn.Close()
		}
	}))
	reset.Config.ErrorLog = log.New(io.Discard, "", 0)
	t.Cleanup(reset.Close)
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-time.After(5 * time.Second):
		}
	}))
	t.Cleanup(slow.Close)
	t.Cleanup(func() { close(release) })
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()

	cases := []struct {
		name, url, method string
		want              string
	}{
		{"reset POST", reset.URL, http.MethodPost, "the Kong Admin API did not answer POST " + reset.URL + "/services ("},
		{"reset PATCH", reset.URL, http.MethodPatch, "the Kong Admin API did not answer PATCH " + reset.URL + "/services"},
		{"timed-out POST", slow.URL, http.MethodPost, "(no answer within the timeout (option timeout)) after the request was sent: its outcome is unknown, Kong may have applied it; run the task again to reconcile"},
		// Issue 10 item 10: a PUT that reached Kong said "cannot reach".
		{"reset PUT", reset.URL, http.MethodPut, "the Kong Admin API did not answer PUT " + reset.URL + "/services ("},
		{"timed-out PUT", slow.URL, http.MethodPut, "(no answer within the timeout (option timeout)) after the request was sent: its outcome is unknown, Kong may have applied it; run the task again to reconcile"},
		{"timed-out DELETE", slow.URL, http.MethodDelete, "did not answer DELETE " + slow.URL + "/services (no answer within the timeout (option timeout)) after the request was sent: its outcome is unknown"},
		{"timed-out GET is no write", slow.URL, http.MethodGet, "cannot reach the Kong Admin API (GET " + slow.URL + "/services): no answer within the timeout (option timeout)"},
		{"POST never sent", closed.URL, http.MethodPost, "cannot reach the Kong Admin API (POST " + closed.URL + "/services): dial tcp"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			cfg := testConfig(c.url)
			cfg.Timeout, cfg.Retries = 300*time.Millisecond, 0
			conn, _ := fastConn(t, cfg)
			_, err := conn.Send(context.Background(), c.method, "/services", Object{"name": "x"})
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

// TestTLS_VerificationFailureIsNotRetriedAndHints: a certificate that does
// not verify fails at once (retrying cannot help) and names the options
// that fix it.
func TestTLS_VerificationFailureIsNotRetriedAndHints(t *testing.T) {
	t.Parallel()
	pki := kongtest.NewPKI(t)
	srv := httptest.NewUnstartedServer(&recorder{})
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{pki.Server}}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	for name, edit := range map[string]func(*Config){
		"unknown authority":    func(c *Config) {},
		"name not in the cert": func(c *Config) { c.CAPath = pki.CAFile; c.ServerName = "other.test" },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cfg := testConfig(srv.URL)
			edit(&cfg)
			c, err := NewConn(cfg)
			require.NoError(t, err)
			t.Cleanup(c.Close)
			var attempts atomic.Int32
			c.Kong.SetDoer(retryingDoer(retryPolicy{retries: 3,
				sleep:    func(context.Context, time.Duration) error { return nil },
				attempts: func(string, string, int) { attempts.Add(1) }}))
			_, err = c.Get(context.Background(), "/services/x")
			require.Error(t, err)
			assert.Equal(t, int32(1), attempts.Load(), "not retried")
			assert.Contains(t, err.Error(), "the server's TLS certificate does not verify")
			assert.Contains(t, err.Error(), "set ca_path to the CA that signs it, tls_server_name to a name it holds, or validate_certs: false")
		})
	}
}
