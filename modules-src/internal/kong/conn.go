package kong

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	gokong "github.com/kong/go-kong/kong"

	"platform.ops/modules-src/internal/ansible"
)

// Config is the connection options after validation (see Fragment).
type Config struct {
	AdminURL      string
	AdminToken    string
	Headers       map[string]string
	Username      string
	Password      string
	CAPath        string
	ClientCert    string
	ClientKey     string
	ValidateCerts bool
	ServerName    string
	Workspace     string
	Timeout       time.Duration
	Retries       int
	// Konnect, when set, is the Kong Konnect control plane to manage
	// instead of the Admin API at AdminURL (konnect.go).
	Konnect *KonnectConfig
}

// ConfigFromParams reads the connection options from a module's validated
// parameters and registers every secret among them (header values that look
// like credentials) with the module so they are masked in its output.
func ConfigFromParams(m *ansible.Module) (Config, error) {
	p := m.Params
	cfg := Config{
		AdminURL:      p.String("admin_url"),
		AdminToken:    p.String("admin_token"),
		Username:      p.String("url_username"),
		Password:      p.String("url_password"),
		CAPath:        p.String("ca_path"),
		ClientCert:    p.String("client_cert"),
		ClientKey:     p.String("client_key"),
		ValidateCerts: !p.Given("validate_certs") || p.Bool("validate_certs"),
		ServerName:    p.String("tls_server_name"),
		Workspace:     p.String("workspace"),
		Timeout:       time.Duration(p.Int("timeout")) * time.Second,
		Retries:       p.Int("admin_retries"),
	}
	if !p.Given("timeout") {
		cfg.Timeout = 30 * time.Second
	}
	if !p.Given("admin_retries") {
		cfg.Retries = 3
	}
	if cfg.Timeout <= 0 {
		return cfg, fmt.Errorf("timeout must be a positive number of seconds, got %d", p.Int("timeout"))
	}
	if cfg.Retries < 0 {
		return cfg, fmt.Errorf("admin_retries must be 0 or more, got %d", cfg.Retries)
	}
	if h := p.Dict("admin_headers"); len(h) > 0 {
		cfg.Headers = make(map[string]string, len(h))
		for _, k := range sortedKeys(h) {
			v := h[k]
			s, ok := v.(string)
			if !ok {
				s = fmt.Sprint(v)
			}
			if v == nil {
				return cfg, fmt.Errorf("admin_headers: header %q has no value (null): give it a string value or leave it out", k)
			}
			if !validHeaderName(k) {
				return cfg, fmt.Errorf("admin_headers: %q is not a valid HTTP header name (letters, digits and !#$%%&'*+-.^_`|~ only)", k)
			}
			if !validHeaderValue(s) {
				return cfg, fmt.Errorf("admin_headers: the value of header %q holds a line break or another control character, which HTTP does not allow", k)
			}
			cfg.Headers[k] = s
		}
	}
	if err := checkWorkspace(cfg.Workspace); err != nil {
		return cfg, err
	}
	if cfg.AdminToken != "" && !validHeaderValue(cfg.AdminToken) {
		return cfg, errors.New("admin_token holds a line break or another control character, which an HTTP header does not allow")
	}
	if err := konnectFromParams(p, &cfg); err != nil {
		return cfg, err
	}
	if cfg.AdminURL == "" && cfg.Konnect == nil {
		cfg.AdminURL = "http://localhost:8001"
	}
	return cfg, nil
}

// checkWorkspace refuses a workspace that is not a Kong workspace name
// (Kong's utf8_name: ASCII letters and digits, ".", "-", "_", "~" and
// non-ASCII UTF-8). go-kong puts the workspace into every request URL as it
// is, so "/", "?", "#" or a ".." segment (also percent-encoded) would send
// the requests elsewhere: "team-a/.." or ".." to the default workspace once
// Kong normalises the path. "" is no workspace.
func checkWorkspace(ws string) error {
	if ws == "" {
		return nil
	}
	valid := utf8.ValidString(ws) && ws != "." && ws != ".."
	for _, r := range ws {
		switch {
		case r >= utf8.RuneSelf, r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case strings.ContainsRune(".-_~", r):
		default:
			valid = false
		}
	}
	if !valid {
		return fmt.Errorf("workspace %q is not a Kong workspace name (letters, digits and \".\", \"-\", \"_\", \"~\" only, not \".\" or \"..\"): "+
			"requests go to <admin_url>/<workspace>/..., and this value would send them to another path", ws)
	}
	return nil
}

// validHeaderName reports whether s is an HTTP header name (an RFC 9110
// token): anything else makes the request fail before it is sent.
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case strings.ContainsRune("!#$%&'*+-.^_`|~", r):
		default:
			return false
		}
	}
	return true
}

// validHeaderValue reports whether s can be sent as an HTTP header value:
// no control characters but tab.
func validHeaderValue(s string) bool {
	for _, r := range s {
		if (r < 0x20 && r != '\t') || r == 0x7f {
			return false
		}
	}
	return true
}

var secretHeaderName = regexp.MustCompile(`(?i)token|auth|key|secret|password|cookie|session`)

// HeaderLooksSecret reports whether a header's value must be treated as a
// credential (Authorization, X-API-Key, Kong-Admin-Token, Cookie, ...).
func HeaderLooksSecret(name string) bool { return secretHeaderName.MatchString(name) }

// Conn is a connection to one Kong Admin API: a go-kong client plus what the
// engine learns about the node while a task runs (version, schemas). One Conn
// serves one task; its caches and warnings are safe for the goroutines of one
// task (kong_declarative's workers).
type Conn struct {
	// Kong is the go-kong client. Every request it sends goes through the
	// retrying Doer; an HTTP error comes back as a *gokong.APIError whose
	// Raw() holds Kong's error body (go-kong alone drops it).
	Kong      *gokong.Client
	cfg       Config
	http      *http.Client
	transport *http.Transport
	doer      gokong.Doer
	// konnect is the resolved Konnect control plane; nil for an Admin API.
	konnect *konnectTarget

	infoOnce sync.Once
	info     *Info
	infoErr  error

	schemas schemaCache

	// Warn reports what a task should tell its user without failing
	// (Ansible's warnings); Connect sets it to the module's Warn. Nil
	// drops the warning. Calls are serialised (warnMu).
	Warn   func(msg string)
	warnMu sync.Mutex
}

// Connect builds a Conn from a module's parameters. For a Konnect control
// plane it resolves the control plane (one request, bounded by the
// connection's timeout); an Admin API is not contacted.
func Connect(m *ansible.Module) (*Conn, error) {
	cfg, err := ConfigFromParams(m)
	if err != nil {
		return nil, err
	}
	c, err := NewConnContext(context.Background(), cfg)
	if err != nil {
		return nil, err
	}
	c.Warn = m.Warn
	return c, nil
}

// NewConn builds a Conn from a Config, like NewConnContext without a
// deadline of its own. It does not contact an Admin API.
func NewConn(cfg Config) (*Conn, error) { return NewConnContext(context.Background(), cfg) }

// NewConnContext builds a Conn from a Config. It does not contact an Admin
// API; for a Konnect control plane (cfg.Konnect) it resolves the control
// plane to its id.
func NewConnContext(ctx context.Context, cfg Config) (*Conn, error) {
	var base *url.URL
	if cfg.Konnect == nil {
		var err error
		base, err = url.Parse(cfg.AdminURL)
		if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
			return nil, fmt.Errorf("admin_url must be an http:// or https:// URL such as http://localhost:8001, got %q", cfg.AdminURL)
		}
	}
	tlsConf, err := tlsConfig(cfg)
	if err != nil {
		return nil, err
	}
	transport := &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		DialContext:         (&net.Dialer{Timeout: cfg.Timeout, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout: cfg.Timeout,
		TLSClientConfig:     tlsConf,
		MaxIdleConnsPerHost: 4,
	}
	httpClient := &http.Client{
		Timeout:   cfg.Timeout,
		Transport: &headerTransport{next: transport, headers: requestHeaders(cfg), username: cfg.Username, password: cfg.Password},
	}
	c := &Conn{cfg: cfg, http: httpClient, transport: transport,
		doer: retryingDoer(retryPolicy{retries: cfg.Retries, refused: refusalHint(cfg), clientCert: cfg.ClientCert != ""})}
	if cfg.Konnect != nil {
		if err := c.openKonnect(ctx); err != nil {
			httpClient.CloseIdleConnections()
			return nil, err
		}
		return c, nil
	}
	rootURL := strings.TrimRight(base.String(), "/")
	client, err := gokong.NewClient(&rootURL, httpClient)
	if err != nil {
		return nil, fmt.Errorf("admin_url %q: %w", cfg.AdminURL, err)
	}
	client.UserAgent = "platform.ops"
	if cfg.Workspace != "" {
		client.SetWorkspace(cfg.Workspace)
	}
	client.SetDoer(c.doer)
	c.Kong = client
	return c, nil
}

// Config returns the options the Conn was built from.
func (c *Conn) Config() Config { return c.cfg }

func requestHeaders(cfg Config) http.Header {
	h := http.Header{}
	for k, v := range cfg.Headers {
		h.Set(k, v)
	}
	if cfg.AdminToken != "" {
		h.Set("Kong-Admin-Token", cfg.AdminToken)
	}
	if cfg.Konnect != nil {
		h.Set("Authorization", "Bearer "+cfg.Konnect.Token)
	}
	return h
}

func tlsConfig(cfg Config) (*tls.Config, error) {
	conf := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		ServerName:         cfg.ServerName,
		InsecureSkipVerify: !cfg.ValidateCerts, //nolint:gosec // the user asked for it with validate_certs: false
	}
	if cfg.CAPath != "" {
		pool, err := loadCAs(cfg.CAPath)
		if err != nil {
			return nil, err
		}
		conf.RootCAs = pool
	}
	if cfg.ClientCert != "" {
		key := cfg.ClientKey
		if key == "" {
			key = cfg.ClientCert // a combined PEM holds both
		}
		pair, err := tls.LoadX509KeyPair(cfg.ClientCert, key)
		if err != nil {
			return nil, fmt.Errorf("client_cert/client_key: cannot load the key pair: %w", err)
		}
		conf.Certificates = []tls.Certificate{pair}
	} else if cfg.ClientKey != "" {
		return nil, errors.New("client_key is set but client_cert is not: both are needed for mutual TLS")
	}
	return conf, nil
}

func loadCAs(path string) (*x509.CertPool, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("ca_path: %w", err)
	}
	files := []string{path}
	if st.IsDir() {
		entries, err := os.ReadDir(path)
		if err != nil {
			return nil, fmt.Errorf("ca_path: %w", err)
		}
		files = files[:0]
		for _, e := range entries {
			if !e.IsDir() {
				files = append(files, filepath.Join(path, e.Name()))
			}
		}
	}
	pool := x509.NewCertPool()
	found := false
	for _, f := range files {
		pem, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("ca_path: %w", err)
		}
		if pool.AppendCertsFromPEM(pem) {
			found = true
		}
	}
	if !found {
		return nil, fmt.Errorf("ca_path: no PEM certificate found in %s", path)
	}
	return pool, nil
}

// headerTransport adds the credentials and extra headers to every request,
// including the ones go-kong sends with DoRAW (which bypasses the Doer).
type headerTransport struct {
	next     http.RoundTripper
	headers  http.Header
	username string
	password string
}

func (t *headerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if len(t.headers) == 0 && t.username == "" {
		return t.next.RoundTrip(req)
	}
	req = req.Clone(req.Context()) // a RoundTripper must not modify its request
	for k, vs := range t.headers {
		req.Header[k] = vs
	}
	if t.username != "" {
		req.SetBasicAuth(t.username, t.password)
	}
	return t.next.RoundTrip(req)
}

// Close releases the idle connections of the Conn's HTTP client.
func (c *Conn) Close() { c.http.CloseIdleConnections() }

// SetParallelism keeps up to n connections to Kong open for reuse, for a
// caller that sends n requests at a time (kong_declarative); call it before
// the first request.
func (c *Conn) SetParallelism(n int) {
	if c.transport != nil && n > c.transport.MaxIdleConnsPerHost {
		c.transport.MaxIdleConnsPerHost = n
	}
}
