package kongemu

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseFault(t *testing.T) {
	t.Parallel()
	tests := []struct {
		spec    string
		want    Fault
		wantErr string
	}{
		{spec: "GET ^/services status=503 count=2", want: Fault{Method: "GET", Path: "^/services", Status: 503, Count: 2}},
		{spec: "* /routes latency=250ms", want: Fault{Method: "*", Path: "/routes", LatencyMS: 250}},
		{spec: "POST ^/plugins retry_after=7", want: Fault{Method: "POST", Path: "^/plugins", RetryAfter: 7}},
		{spec: "GET ^/ reset=true count=1", want: Fault{Method: "GET", Path: "^/", Reset: true, Count: 1}},
		{spec: "GET ^/", wantErr: `fault "GET ^/": expected "METHOD PATH-REGEXP key=value ..."`},
		{spec: "GET ^/ color=red", wantErr: `fault "GET ^/ color=red": color: unknown key (expected count, latency, status, body, retry_after or reset)`},
		{spec: "GET ^/ status=abc", wantErr: `fault "GET ^/ status=abc": status: strconv.Atoi: parsing "abc": invalid syntax`},
	}
	for _, tc := range tests {
		t.Run(tc.spec, func(t *testing.T) {
			got, err := ParseFault(tc.spec)
			if tc.wantErr != "" {
				require.EqualError(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, *got)
		})
	}
}

func TestFaults_StatusCountAndRetryAfter(t *testing.T) {
	t.Parallel()
	f, err := ParseFault("GET ^/services$ status=503 count=2")
	require.NoError(t, err)
	s, err := New(Options{Faults: []*Fault{f}})
	require.NoError(t, err)

	do(t, s, "GET", "/services", nil, 503)
	do(t, s, "POST", "/services", map[string]any{"host": "a.test"}, 201) // other method unaffected
	do(t, s, "GET", "/routes", nil, 200)                                 // other path unaffected
	do(t, s, "GET", "/services", nil, 503)
	do(t, s, "GET", "/services", nil, 200) // count used up

	// the control endpoint adds a 429 with Retry-After
	do(t, s, "POST", "/_emulator/faults", map[string]any{"method": "PATCH", "path": "^/services/", "retry_after": 3, "count": 1}, 201)
	listed := do(t, s, "GET", "/_emulator/faults", nil, 200)
	require.Len(t, listed["data"], 1)
	req := httptest.NewRequest("PATCH", "/services/x", bytes.NewReader([]byte(`{}`)))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	assert.Equal(t, 429, rec.Code)
	assert.Equal(t, "3", rec.Header().Get("Retry-After"))
	assert.JSONEq(t, `{"message":"API rate limit exceeded"}`, rec.Body.String())

	got := do(t, s, "POST", "/_emulator/faults", map[string]any{"method": "GET"}, 400)
	assert.Equal(t, "fault GET  does nothing: set status, retry_after, reset or latency_ms", got["message"])
	do(t, s, "POST", "/_emulator/faults", map[string]any{"status": 500}, 201)
	do(t, s, "GET", "/", nil, 500)
	do(t, s, "DELETE", "/_emulator/faults", nil, 204)
	do(t, s, "GET", "/", nil, 200)
}

func TestFaults_Latency(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, "3.9.3")
	do(t, s, "POST", "/_emulator/faults", map[string]any{"path": "^/status$", "latency_ms": 120, "count": 1}, 201)
	start := time.Now()
	do(t, s, "GET", "/status", nil, 200)
	assert.GreaterOrEqual(t, time.Since(start), 120*time.Millisecond)
	start = time.Now()
	do(t, s, "GET", "/status", nil, 200)
	assert.Less(t, time.Since(start), 100*time.Millisecond)
}

func TestFaults_ConnectionReset(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, "3.9.3")
	ts := httptest.NewServer(s)
	defer ts.Close()
	body, _ := json.Marshal(map[string]any{"path": "^/services$", "reset": true, "count": 1})
	resp, err := http.Post(ts.URL+"/_emulator/faults", "application/json", bytes.NewReader(body))
	require.NoError(t, err)
	resp.Body.Close()

	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	_, err = client.Get(ts.URL + "/services")
	require.Error(t, err, "the connection is dropped")
	resp, err = client.Get(ts.URL + "/services")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)

	// the in-process client reports the reset as a transport error
	do(t, s, "POST", "/_emulator/faults", map[string]any{"path": "^/routes$", "reset": true, "count": 1}, 201)
	_, err = s.Client().Get("http://kong.invalid/routes")
	require.ErrorContains(t, err, "connection reset by peer (emulated)")
}

func TestEmulatorReset(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, "3.9.3")
	do(t, s, "POST", "/services", map[string]any{"host": "a.test"}, 201)
	do(t, s, "POST", "/_emulator/faults", map[string]any{"path": "^/routes", "status": 500}, 201)
	do(t, s, "POST", "/_emulator/reset", nil, 204)
	assert.Empty(t, do(t, s, "GET", "/services", nil, 200)["data"])
	do(t, s, "GET", "/routes", nil, 200)

	resp, err := s.Client().Get("http://kong.invalid/_emulator/nope")
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	assert.Equal(t, 404, resp.StatusCode, string(b))
}
