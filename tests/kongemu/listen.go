package kongemu

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
)

// ListenConfig is where and how the emulator listens.
type ListenConfig struct {
	Addr     string // host:port; port 0 picks a free one
	TLSCert  string // PEM certificate file; enables TLS
	TLSKey   string // PEM key file
	ClientCA string // PEM CA bundle; requires and verifies client certificates (mTLS)
}

// Listen opens the listener cfg describes: plain TCP, TLS, or TLS with
// required client certificates.
func Listen(cfg ListenConfig) (net.Listener, error) {
	tlsConf, err := cfg.tlsConfig()
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, err
	}
	if tlsConf != nil {
		return tls.NewListener(ln, tlsConf), nil
	}
	return ln, nil
}

func (cfg ListenConfig) tlsConfig() (*tls.Config, error) {
	if cfg.TLSCert == "" && cfg.TLSKey == "" {
		if cfg.ClientCA != "" {
			return nil, errors.New("--client-ca needs --tls-cert and --tls-key")
		}
		return nil, nil
	}
	if cfg.TLSCert == "" || cfg.TLSKey == "" {
		return nil, errors.New("--tls-cert and --tls-key must be given together")
	}
	cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
	if err != nil {
		return nil, fmt.Errorf("loading TLS key pair: %w", err)
	}
	conf := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if cfg.ClientCA != "" {
		pem, err := os.ReadFile(cfg.ClientCA)
		if err != nil {
			return nil, fmt.Errorf("reading client CA: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("client CA %s: no PEM certificate found", cfg.ClientCA)
		}
		conf.ClientCAs = pool
		conf.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return conf, nil
}
