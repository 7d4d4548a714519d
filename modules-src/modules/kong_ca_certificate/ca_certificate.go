// Package kongcacertificate is the platform.ops.kong_ca_certificate module:
// one Kong CA certificate, found by id or by its SHA-256 digest, made
// present or absent.
package kongcacertificate

import (
	"context"
	"fmt"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong"
)

func run(ctx context.Context, m *ansible.Module) (ansible.Result, error) {
	p := m.Params
	if err := kong.CheckIdentifiers(p, "id", "cert_digest"); err != nil {
		return nil, err
	}
	if err := kong.CheckID(p.String("id"), "use cert or cert_digest to select a CA certificate without its id"); err != nil {
		return nil, err
	}
	digest, err := certDigest(p)
	if err != nil {
		return nil, err
	}
	conn, err := kong.Connect(m)
	if err != nil {
		return nil, err
	}
	defer conn.Close()

	id := p.String("id")
	kind := *kong.CACertificateKind
	if id == "" {
		kind.Name = fmt.Sprintf("CA certificate with cert_digest %s", digest)
	}
	req := &kong.Request{
		Kind:      &kind,
		Select:    kong.Selector{ID: id},
		CheckMode: m.CheckMode,
		Find: func(ctx context.Context, _ *kong.Request) (kong.Object, error) {
			return conn.FindCACertificate(ctx, id, digest)
		},
	}
	if p.String("state") == "absent" {
		out, err := conn.Remove(ctx, req)
		if err != nil {
			return nil, err
		}
		return out.Result(m.Diff), nil
	}
	req.Desired = kong.Object{}
	for _, f := range []string{"cert", "tags"} {
		if p.Given(f) {
			req.Desired[f] = p[f]
		}
	}
	if p.Given("cert") {
		// Kong computes it from cert on every write: set, it is what the
		// write will store, so check mode predicts it and finds who holds it
		req.Desired["cert_digest"] = digest
	}
	req.CreateNeeds = []string{"cert"}
	req.ResultKey = "ca_certificate"
	out, err := conn.Ensure(ctx, req)
	if err != nil {
		return nil, err
	}
	return out.Result(m.Diff), nil
}

// certDigest is the digest the task finds the CA certificate by: the one
// of cert, which cert_digest, when given too, must equal.
func certDigest(p ansible.Params) (string, error) {
	given := p.String("cert_digest")
	if !p.Given("cert") {
		return given, nil
	}
	digest, err := kong.CertDigest(p.String("cert"))
	if err != nil {
		return "", err
	}
	if given != "" && given != digest {
		return "", fmt.Errorf("cert_digest %s is not the digest of cert (%s): give one of the two, or the digest of that certificate", given, digest)
	}
	return digest, nil
}
