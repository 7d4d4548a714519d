// Package kongsni is the platform.ops.kong_sni module: one Kong SNI, a
// server name attached to a certificate, found by name or id, made present
// or absent.
package kongsni

import (
	"context"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong"
)

func run(ctx context.Context, m *ansible.Module) (ansible.Result, error) {
	p := m.Params
	if err := kong.CheckIdentifiers(p, "name", "id"); err != nil {
		return nil, err
	}
	if err := kong.CheckReferences(p, "SNI", "an existing SNI keeps its certificate", "certificate"); err != nil {
		return nil, err
	}
	if err := kong.CheckID(p.String("id"), "use name to select an SNI by name"); err != nil {
		return nil, err
	}
	conn, err := kong.Connect(m)
	if err != nil {
		return nil, err
	}
	defer conn.Close()

	req := &kong.Request{
		Kind:      kong.SNIKind,
		Select:    kong.Selector{ID: p.String("id"), Key: p.String("name")},
		CheckMode: m.CheckMode,
	}
	if p.String("state") == "absent" {
		out, err := conn.Remove(ctx, req)
		if err != nil {
			return nil, err
		}
		return out.Result(m.Diff), nil
	}
	req.Desired = kong.Object{}
	for _, f := range []string{"name", "tags"} {
		if p.Given(f) {
			req.Desired[f] = p[f]
		}
	}
	if ref := p.String("certificate"); ref != "" {
		req.Refs = []*kong.Ref{{Field: "certificate", Kind: kong.CertificateKind, Value: ref}}
	}
	req.CreateNeeds = []string{"certificate"}
	req.ResultKey = "sni"
	out, err := conn.Ensure(ctx, req)
	if err != nil {
		return nil, err
	}
	return out.Result(m.Diff), nil
}
