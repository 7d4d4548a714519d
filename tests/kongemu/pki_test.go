package kongemu

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// material is throwaway PEM and JWK material for the certificate and key
// checks, generated once per test binary.
type material struct {
	rsaCert, rsaKey, rsaPub    string // self-signed RSA, its private and public key
	rsa2Cert, rsa2Key          string // a second RSA pair
	ecCert, ecKey, ecPub       string // self-signed ECDSA P-256
	ca, expiredCA, twoCAs      string // a CA, an expired CA, two CAs in one PEM
	rsaJWK, ecJWK, rsaJWKNoKid map[string]any
	garbagePEM                 string // a PEM block that holds no certificate
	rsaKeyPKCS8                string
}

var (
	materialOnce sync.Once
	testMaterial *material
)

func pemOf(typ string, der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
}

func selfSigned(t *testing.T, key crypto.Signer, isCA bool, notAfter time.Time) string {
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: "kongemu checks"},
		NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: notAfter, IsCA: isCA, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	require.NoError(t, err)
	return pemOf("CERTIFICATE", der)
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func getMaterial(t *testing.T) *material {
	t.Helper()
	materialOnce.Do(func() {
		m := &material{}
		later := time.Now().Add(24 * time.Hour)
		rk, err := rsa.GenerateKey(rand.Reader, 2048)
		require.NoError(t, err)
		rk2, err := rsa.GenerateKey(rand.Reader, 2048)
		require.NoError(t, err)
		ek, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		require.NoError(t, err)
		m.rsaCert, m.rsaKey = selfSigned(t, rk, false, later), pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rk))
		pub, _ := x509.MarshalPKIXPublicKey(&rk.PublicKey)
		m.rsaPub = pemOf("PUBLIC KEY", pub)
		p8, _ := x509.MarshalPKCS8PrivateKey(rk)
		m.rsaKeyPKCS8 = pemOf("PRIVATE KEY", p8)
		m.rsa2Cert, m.rsa2Key = selfSigned(t, rk2, false, later), pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rk2))
		ecDER, _ := x509.MarshalECPrivateKey(ek)
		m.ecCert, m.ecKey = selfSigned(t, ek, false, later), pemOf("EC PRIVATE KEY", ecDER)
		epub, _ := x509.MarshalPKIXPublicKey(&ek.PublicKey)
		m.ecPub = pemOf("PUBLIC KEY", epub)
		m.ca = selfSigned(t, ek, true, later)
		m.expiredCA = selfSigned(t, ek, true, time.Now().Add(-24*time.Hour))
		m.twoCAs = m.ca + m.ca
		m.garbagePEM = pemOf("CERTIFICATE", []byte("not a certificate"))
		m.rsaJWK = map[string]any{"kty": "RSA", "kid": "k1", "n": b64(rk.N.Bytes()), "e": b64(big.NewInt(int64(rk.E)).Bytes())}
		m.rsaJWKNoKid = map[string]any{"kty": "RSA", "n": b64(rk.N.Bytes()), "e": "AQAB"}
		m.ecJWK = map[string]any{"kty": "EC", "kid": "k2", "crv": "P-256", "x": b64(ek.X.FillBytes(make([]byte, 32))), "y": b64(ek.Y.FillBytes(make([]byte, 32)))}
		testMaterial = m
	})
	require.NotNil(t, testMaterial)
	return testMaterial
}
