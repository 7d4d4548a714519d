// Package kongkeyset is the platform.ops.kong_key_set module: one Kong key
// set (Kong 3.1+), found by name or id, made present or absent.
package kongkeyset

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
	if err := kong.CheckID(p.String("id"), "use name to select a key set by name"); err != nil {
		return nil, err
	}
	conn, err := kong.Connect(m)
	if err != nil {
		return nil, err
	}
	defer conn.Close()

	req := &kong.Request{
		Kind:      kong.KeySetKind,
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
	req.Desired = desired(p)
	req.ResultKey = "key_set"
	out, err := conn.Ensure(ctx, req)
	if err != nil {
		return nil, err
	}
	return out.Result(m.Diff), nil
}

// desired is the key set's fields the task sets.
func desired(p ansible.Params) kong.Object {
	d := kong.Object{}
	for _, f := range []string{"name", "tags"} {
		if p.Given(f) {
			d[f] = p[f]
		}
	}
	return d
}
