package main

import (
	"bufio"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun_FlagErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args    []string
		wantErr string
	}{
		{[]string{"--kong-version", "1.0.0"}, `unsupported Kong version "1.0.0" (supported: 2.8.5, 3.9.3)`},
		{[]string{"--router-flavor", "expressions"}, `unsupported router flavor "expressions" (supported: traditional, traditional_compatible)`},
		{[]string{"--fault", "GET"}, `fault "GET": expected "METHOD PATH-REGEXP key=value ..."`},
		{[]string{"--tls-key", "k.pem"}, "--tls-cert and --tls-key must be given together"},
		{[]string{"--listen", "127.0.0.1:0", "--client-ca", "ca.pem"}, "--client-ca needs --tls-cert and --tls-key"},
		{[]string{"--konnect"}, "Konnect needs an access token (--konnect-token)"},
		{[]string{"--konnect", "--konnect-token", "t", "--kong-version", "2.8.5"}, "Konnect runs Kong 3.x: --kong-version 2.8.5 cannot be combined with --konnect"},
		{[]string{"--konnect", "--konnect-token", "t", "--enterprise"}, "--konnect cannot be combined with --admin-token, --enterprise or --router-flavor (Konnect takes --konnect-token; its control planes have workspaces)"},
		{[]string{"--konnect-token", "t"}, "--konnect-token and --konnect-control-plane need --konnect"},
	}
	for _, tc := range tests {
		err := run(tc.args, io.Discard)
		require.EqualError(t, err, tc.wantErr, "%v", tc.args)
	}
}

var listeningRE = regexp.MustCompile(`listening on (http://\S+)`)

// TestBinary_StartupAndThroughput builds the real binary, measures the time
// from exec to a served request and the time of 1,000 GET /services/{name}
// over one keep-alive connection. The numbers are logged (run with -v);
// they are not asserted, the machine is shared.
func TestBinary_StartupAndThroughput(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "kong-emulator")
	build := exec.Command("go", "build", "-o", bin, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, string(out))

	start := time.Now()
	cmd := exec.Command(bin, "--listen", "127.0.0.1:0", "--quiet", "--admin-token", "tok")
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(stderr).ReadString('\n')
	require.NoError(t, err)
	m := listeningRE.FindStringSubmatch(line)
	require.NotNil(t, m, line)
	base := m[1]

	client := &http.Client{Timeout: 5 * time.Second}
	get := func(path string) int {
		req, _ := http.NewRequest("GET", base+path, nil)
		req.Header.Set("Kong-Admin-Token", "tok")
		resp, err := client.Do(req)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	require.Equal(t, 200, get("/status"))
	startup := time.Since(start)

	req, _ := http.NewRequest("POST", base+"/services", strings.NewReader(`{"name":"bench","host":"a.test"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Kong-Admin-Token", "tok")
	resp, err := client.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 201, resp.StatusCode)

	start = time.Now()
	for i := 0; i < 1000; i++ {
		if code := get("/services/bench"); code != 200 {
			t.Fatalf("GET %d: status %d", i, code)
		}
	}
	thousand := time.Since(start)
	t.Logf("startup to first served request: %v; 1,000 GET /services/bench: %v (%v each)", startup, thousand, thousand/1000)

	// without the token: RBAC 401
	r2, err := http.Get(base + "/services")
	require.NoError(t, err)
	body, _ := io.ReadAll(r2.Body)
	r2.Body.Close()
	assert.Equal(t, 401, r2.StatusCode)
	assert.JSONEq(t, `{"message":"Invalid credentials. Token or User credentials required"}`, string(body))
}
