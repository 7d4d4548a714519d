// Package kongcertificate is the platform.ops.kong_certificate module: one
// Kong certificate with its key (and alternative pair) and the SNIs it
// serves, found by id, by its SNIs or by its PEM, made present or absent,
// its keys never shown.
package kongcertificate

import (
	"context"
	"fmt"
	"strings"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong"
)

func run(ctx context.Context, m *ansible.Module) (ansible.Result, error) {
	p := m.Params
	if err := kong.CheckIdentifiers(p, "id", "snis"); err != nil {
		return nil, err
	}
	if err := kong.CheckID(p.String("id"), "use snis or cert to select a certificate without its id"); err != nil {
		return nil, err
	}
	conn, err := kong.Connect(m)
	if err != nil {
		return nil, err
	}
	defer conn.Close()

	lookup := kong.CertificateLookup{ID: p.String("id"), SNIs: p.Strings("snis"), Cert: p.String("cert")}
	kind := *kong.CertificateKind
	kind.Name = describe(lookup)
	req := &kong.Request{
		Kind:      &kind,
		Select:    kong.Selector{ID: lookup.ID},
		CheckMode: m.CheckMode,
		Find: func(ctx context.Context, _ *kong.Request) (kong.Object, error) {
			return conn.FindCertificate(ctx, lookup)
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
	for _, f := range []string{"cert", "key", "cert_alt", "key_alt", "snis", "tags"} {
		if p.Given(f) {
			req.Desired[f] = p[f]
		}
	}
	req.CreateNeeds = []string{"cert", "key"}
	req.ResultKey = "certificate"
	out, err := conn.Ensure(ctx, req)
	if err != nil {
		return nil, err
	}
	return out.Result(m.Diff), nil
}

// describe names the certificate in messages by what the task knows of it.
func describe(l kong.CertificateLookup) string {
	switch {
	case l.ID != "":
		return "certificate"
	case len(l.SNIs) == 1:
		return fmt.Sprintf("certificate for SNI %q", l.SNIs[0])
	case len(l.SNIs) > 1:
		return fmt.Sprintf("certificate for SNIs %s", strings.Join(l.SNIs, ", "))
	}
	return "certificate with this cert"
}
