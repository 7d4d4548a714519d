package kongemu

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testPKI is a throwaway CA with a server certificate for 127.0.0.1 and a
// client certificate, generated per test run.
type testPKI struct {
	caPEM, serverCertFile, serverKeyFile, caFile string
	clientCert                                   tls.Certificate
	pool                                         *x509.CertPool
}

func newTestPKI(t *testing.T) *testPKI {
	t.Helper()
	dir := t.TempDir()
	newKey := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		require.NoError(t, err)
		return k
	}
	caKey := newKey()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kongemu test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	require.NoError(t, err)
	caCert, err := x509.ParseCertificate(caDER)
	require.NoError(t, err)

	issue := func(serial int64, usage x509.ExtKeyUsage, ips []net.IP) ([]byte, []byte) {
		key := newKey()
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: "kongemu test"},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
			ExtKeyUsage: []x509.ExtKeyUsage{usage}, IPAddresses: ips, KeyUsage: x509.KeyUsageDigitalSignature}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
		require.NoError(t, err)
		keyDER, err := x509.MarshalECPrivateKey(key)
		require.NoError(t, err)
		return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
			pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
	}
	p := &testPKI{caPEM: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}))}
	srvCert, srvKey := issue(2, x509.ExtKeyUsageServerAuth, []net.IP{net.ParseIP("127.0.0.1")})
	cliCert, cliKey := issue(3, x509.ExtKeyUsageClientAuth, nil)
	write := func(name string, b []byte) string {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, b, 0o600))
		return path
	}
	p.serverCertFile = write("server.pem", srvCert)
	p.serverKeyFile = write("server-key.pem", srvKey)
	p.caFile = write("ca.pem", []byte(p.caPEM))
	p.clientCert, err = tls.X509KeyPair(cliCert, cliKey)
	require.NoError(t, err)
	p.pool = x509.NewCertPool()
	p.pool.AddCert(caCert)
	return p
}

// serve runs the emulator on a listener from cfg and returns its https URL.
func serve(t *testing.T, cfg ListenConfig) string {
	t.Helper()
	s := newTestServer(t, "3.9.3")
	ln, err := Listen(cfg)
	require.NoError(t, err)
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "https://" + ln.Addr().String()
}

func tlsClient(pool *x509.CertPool, certs ...tls.Certificate) *http.Client {
	return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, Certificates: certs, MinVersion: tls.VersionTLS12}}}
}

func TestListen_TLS(t *testing.T) {
	t.Parallel()
	pki := newTestPKI(t)
	url := serve(t, ListenConfig{Addr: "127.0.0.1:0", TLSCert: pki.serverCertFile, TLSKey: pki.serverKeyFile})

	resp, err := tlsClient(pki.pool).Get(url + "/status")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)

	_, err = tlsClient(x509.NewCertPool()).Get(url + "/status")
	require.Error(t, err, "a client that does not trust the CA fails verification")
}

func TestListen_MutualTLS(t *testing.T) {
	t.Parallel()
	pki := newTestPKI(t)
	url := serve(t, ListenConfig{Addr: "127.0.0.1:0", TLSCert: pki.serverCertFile, TLSKey: pki.serverKeyFile, ClientCA: pki.caFile})

	resp, err := tlsClient(pki.pool, pki.clientCert).Get(url + "/status")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)

	_, err = tlsClient(pki.pool).Get(url + "/status")
	require.Error(t, err, "a client without a certificate is refused")
}

func TestListen_BadConfig(t *testing.T) {
	t.Parallel()
	pki := newTestPKI(t)
	tests := []struct {
		cfg     ListenConfig
		wantErr string
	}{
		{ListenConfig{Addr: "127.0.0.1:0", TLSCert: pki.serverCertFile}, "--tls-cert and --tls-key must be given together"},
		{ListenConfig{Addr: "127.0.0.1:0", ClientCA: pki.caFile}, "--client-ca needs --tls-cert and --tls-key"},
		{ListenConfig{Addr: "127.0.0.1:0", TLSCert: pki.serverCertFile, TLSKey: pki.serverKeyFile, ClientCA: pki.serverKeyFile},
			"client CA " + pki.serverKeyFile + ": no PEM certificate found"},
	}
	for _, tc := range tests {
		_, err := Listen(tc.cfg)
		require.EqualError(t, err, tc.wantErr)
	}
}
