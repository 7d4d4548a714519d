// Command kong-emulator serves an in-memory emulation of the Kong Admin API
// (see tests/kongemu/README.md).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"platform.ops/tests/kongemu"
)

type faultFlags []string

func (f *faultFlags) String() string     { return strings.Join(*f, "; ") }
func (f *faultFlags) Set(v string) error { *f = append(*f, v); return nil }

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "kong-emulator:", err)
		os.Exit(1)
	}
}

func run(args []string, logw io.Writer) error {
	fl := flag.NewFlagSet("kong-emulator", flag.ContinueOnError)
	fl.SetOutput(logw)
	listen := fl.String("listen", "127.0.0.1:8001", "address to listen on (port 0 picks a free port)")
	version := fl.String("kong-version", kongemu.DefaultVersion, "Kong version to emulate: "+strings.Join(kongemu.SupportedVersions(), " or "))
	token := fl.String("admin-token", "", "require header Kong-Admin-Token with this value (RBAC)")
	cert := fl.String("tls-cert", "", "PEM certificate: serve HTTPS")
	key := fl.String("tls-key", "", "PEM private key for --tls-cert")
	ca := fl.String("client-ca", "", "PEM CA bundle: require client certificates signed by it (mTLS)")
	flavor := fl.String("router-flavor", "", "configuration.router_flavor reported by GET / (3.x default traditional_compatible; 2.8 reports none unless set)")
	enterprise := fl.Bool("enterprise", false, "emulate Kong Enterprise: an Enterprise version in GET /, /workspaces and /{workspace}/... endpoints")
	vaults := fl.String("vaults", "", "kong.conf vaults: bundled (the env vault) or off; default bundled on 3.x, off on 2.8 as in Kong")
	quiet := fl.Bool("quiet", false, "do not log one line per request")
	konnect := fl.Bool("konnect", false, "emulate Kong Konnect: /v2/control-planes and each control plane's /v2/control-planes/{id}/core-entities/... (Bearer token: --konnect-token)")
	konnectToken := fl.String("konnect-token", "", "with --konnect: the access token every request must send as Authorization: Bearer (required)")
	var planes faultFlags
	fl.Var(&planes, "konnect-control-plane", `with --konnect: a control plane to create at start, by name (repeatable; default "default")`)
	var faults faultFlags
	fl.Var(&faults, "fault", `inject a fault, repeatable: "METHOD PATH-REGEXP key=value ..." with keys count, latency, status, body, retry_after, reset (e.g. "GET ^/services status=503 count=2")`)
	if err := fl.Parse(args); err != nil {
		return err
	}
	opts := kongemu.Options{Version: *version, AdminToken: *token, RouterFlavor: *flavor, Enterprise: *enterprise, Vaults: *vaults}
	if !*quiet {
		opts.Log = logw
	}
	for _, spec := range faults {
		f, err := kongemu.ParseFault(spec)
		if err != nil {
			return err
		}
		opts.Faults = append(opts.Faults, f)
	}
	var handler http.Handler
	banner := ""
	if *konnect {
		if *token != "" || *enterprise || *flavor != "" {
			return errors.New("--konnect cannot be combined with --admin-token, --enterprise or --router-flavor (Konnect takes --konnect-token; its control planes have workspaces)")
		}
		k, err := kongemu.NewKonnect(kongemu.KonnectOptions{Version: *version, Token: *konnectToken,
			ControlPlanes: planes, Log: opts.Log, Faults: opts.Faults})
		if err != nil {
			return err
		}
		handler = k
		names := planes
		if len(names) == 0 {
			names = []string{"default"}
		}
		var list []string
		for _, n := range names {
			list = append(list, fmt.Sprintf("%s=%s", n, k.ControlPlaneID(n)))
		}
		banner = fmt.Sprintf("Kong Konnect (control planes %s, Kong %s entities) API", strings.Join(list, ", "), *version)
	} else {
		if *konnectToken != "" || len(planes) > 0 {
			return errors.New("--konnect-token and --konnect-control-plane need --konnect")
		}
		srv, err := kongemu.New(opts)
		if err != nil {
			return err
		}
		handler = srv
		banner = fmt.Sprintf("Kong %s Admin API", srv.ReportedVersion())
	}
	ln, err := kongemu.Listen(kongemu.ListenConfig{Addr: *listen, TLSCert: *cert, TLSKey: *key, ClientCA: *ca})
	if err != nil {
		return err
	}
	scheme := "http"
	if *cert != "" {
		scheme = "https"
	}
	// The address line is machine-readable: scripts that pass port 0 read it.
	fmt.Fprintf(logw, "kong-emulator: %s listening on %s://%s\n", banner, scheme, ln.Addr())
	httpSrv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = httpSrv.Shutdown(shutdown)
	}()
	if err := httpSrv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
