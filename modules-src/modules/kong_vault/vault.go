// Package kongvault is the platform.ops.kong_vault module: one Kong vault
// (Kong 3.0+), a configured secret store found by its prefix or id, made
// present (created or updated with only what differs) or absent.
package kongvault

import (
	"context"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong"
)

func run(ctx context.Context, m *ansible.Module) (ansible.Result, error) {
	p := m.Params
	if err := kong.CheckIdentifiers(p, "prefix", "id"); err != nil {
		return nil, err
	}
	if err := kong.CheckID(p.String("id"), "use prefix to select a vault by its prefix"); err != nil {
		return nil, err
	}
	conn, err := kong.Connect(m)
	if err != nil {
		return nil, err
	}
	defer conn.Close()

	sel := kong.Selector{ID: p.String("id"), Key: p.String("prefix")}
	kind := kong.VaultKind
	if name := p.String("name"); name != "" && p.String("state") != "absent" {
		// the vault's config compares, and is predicted, by its schema
		if kind, err = kong.VaultKindFor(ctx, conn, name, sel); err != nil {
			return nil, err
		}
	}
	req := &kong.Request{
		Kind:      kind,
		Select:    sel,
		Strict:    p.Bool("strict"),
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
	for _, f := range []string{"prefix", "name", "description", "config", "tags"} {
		if p.Given(f) {
			req.Desired[f] = p[f]
		}
	}
	req.CreateNeeds = []string{"name"}
	req.ResultKey = "vault"
	out, err := conn.Ensure(ctx, req)
	if err != nil {
		return nil, err
	}
	return out.Result(m.Diff), nil
}
