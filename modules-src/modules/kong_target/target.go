// Package kongtarget is the platform.ops.kong_target module: one target
// (host:port) of a Kong upstream, found by its address within the upstream
// or by id, made present (created or updated with only what differs) or
// absent.
package kongtarget

import (
	"context"
	"fmt"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong"
)

func run(ctx context.Context, m *ansible.Module) (ansible.Result, error) {
	p := m.Params
	if err := kong.CheckIdentifiers(p, "upstream", "target", "id"); err != nil {
		return nil, err
	}
	if err := kong.CheckID(p.String("id"), "use target to select a target by its address"); err != nil {
		return nil, err
	}
	target := ""
	if p.Given("target") {
		var err error
		if target, err = kong.FormatTarget(p.String("target")); err != nil {
			return nil, err
		}
	}
	conn, err := kong.Connect(m)
	if err != nil {
		return nil, err
	}
	defer conn.Close()

	upstream := p.String("upstream")
	kind := *kong.TargetKind
	kind.Name = fmt.Sprintf("upstream %q target", upstream)
	req := &kong.Request{
		Kind:      &kind,
		Select:    kong.Selector{ID: p.String("id"), Key: target},
		Refs:      []*kong.Ref{{Field: "upstream", Parent: true, Owns: "targets", Kind: kong.UpstreamKind, Value: upstream}},
		CheckMode: m.CheckMode,
		// Without an id the target is looked up by host:port within its
		// upstream: its cache key {upstream, target}.
		KeyFound: p.String("id") == "",
	}
	if p.String("state") == "absent" {
		out, err := conn.Remove(ctx, req)
		if err != nil {
			return nil, err
		}
		return out.Result(m.Diff), nil
	}
	req.Desired = kong.Object{}
	if target != "" {
		req.Desired["target"] = target
	}
	for _, f := range []string{"weight", "tags"} {
		if p.Given(f) {
			req.Desired[f] = p[f]
		}
	}
	req.CreateNeeds = []string{"target"}
	req.ResultKey = "target"
	out, err := conn.Ensure(ctx, req)
	if err != nil {
		return nil, err
	}
	return out.Result(m.Diff), nil
}
