// Package kongupstream is the platform.ops.kong_upstream module: one Kong
// upstream (a load-balanced virtual host) with its health checks, and
// optionally its targets, found by name or id, made present (created or
// updated with only what differs) or absent.
package kongupstream

import (
	"context"
	"fmt"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong"
)

// Options that map one to one onto Upstream fields of the same name.
var plainFields = []string{
	"name", "algorithm", "hash_on", "hash_fallback", "hash_on_header", "hash_fallback_header",
	"hash_on_cookie", "hash_on_cookie_path", "hash_on_query_arg", "hash_fallback_query_arg",
	"hash_on_uri_capture", "hash_fallback_uri_capture", "slots", "host_header", "use_srv_name", "tags",
}

func run(ctx context.Context, m *ansible.Module) (ansible.Result, error) {
	p := m.Params
	if err := kong.CheckIdentifiers(p, "name", "id"); err != nil {
		return nil, err
	}
	if err := kong.CheckReferences(p, "upstream", "the upstream keeps its client certificate, or has none", "client_certificate"); err != nil {
		return nil, err
	}
	if err := kong.CheckID(p.String("id"), "use name to select an upstream by name"); err != nil {
		return nil, err
	}
	want, err := desired(p)
	if err != nil {
		return nil, err
	}
	members, err := targets(p)
	if err != nil {
		return nil, err
	}
	conn, err := kong.Connect(m)
	if err != nil {
		return nil, err
	}
	defer conn.Close()

	req := &kong.Request{
		Kind:      kong.UpstreamKind,
		Select:    kong.Selector{ID: p.String("id"), Key: p.String("name")},
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
	req.Desired = want
	req.Members = members
	req.ResultKey = "upstream"
	if ref := p.String("client_certificate"); ref != "" {
		req.Refs = []*kong.Ref{{Field: "client_certificate", Kind: kong.CertificateKind, Value: ref}}
	}
	out, err := conn.Ensure(ctx, req)
	if err != nil {
		return nil, err
	}
	return out.Result(m.Diff), nil
}

// desired builds the Upstream fields the task sets, in Kong's JSON shape
// (without the client certificate, a reference the engine resolves).
func desired(p ansible.Params) (kong.Object, error) {
	d := kong.Object{}
	for _, f := range plainFields {
		if p.Given(f) {
			d[f] = p[f]
		}
	}
	if p.Given("healthchecks") {
		hc, err := healthchecks(p.Dict("healthchecks"))
		if err != nil {
			return nil, err
		}
		d["healthchecks"] = hc
	}
	return d, nil
}

// healthchecks is the healthchecks option without the suboptions the task
// leaves out (Ansible gives them as null), with each probe header's value
// as Kong's list of values.
func healthchecks(in map[string]any) (kong.Object, error) {
	out := dropUnset(in)
	active, _ := out["active"].(map[string]any)
	headers, ok := active["headers"].(map[string]any)
	if !ok {
		return out, nil
	}
	values := make(map[string]any, len(headers))
	for name, v := range headers {
		switch t := v.(type) {
		case string:
			values[name] = []any{t}
		case []any:
			for _, e := range t {
				if _, isString := e.(string); !isString {
					return nil, fmt.Errorf("healthchecks.active.headers.%s: expected a string or a list of strings, got %v (%T) in the list", name, e, e)
				}
			}
			values[name] = t
		default:
			return nil, fmt.Errorf("healthchecks.active.headers.%s: expected a string or a list of strings, got %v (%T)", name, v, v)
		}
	}
	active["headers"] = values
	return out, nil
}

// dropUnset copies a suboptions dict without its null values, recursively
// (a dict left empty goes too).
func dropUnset(in map[string]any) kong.Object {
	out := kong.Object{}
	for k, v := range in {
		switch t := v.(type) {
		case nil:
		case map[string]any:
			if k == "headers" {
				out[k] = t // free keys: kept as given
				continue
			}
			if sub := dropUnset(t); len(sub) > 0 {
				out[k] = sub
			}
		default:
			out[k] = v
		}
	}
	return out
}

// targets are the targets option as the engine's Members of the upstream
// (nil when the task does not list targets): each address written as Kong
// stores it, so that two spellings of one address are caught here.
func targets(p ansible.Params) (*kong.Members, error) {
	if !p.Given("targets") {
		return nil, nil
	}
	m := &kong.Members{Field: "targets", Kind: kong.TargetKind, Owner: "upstream", Exclusive: p.Bool("exclusive_targets")}
	seen := map[string]int{}
	for i, item := range p.List("targets") {
		t, _ := item.(map[string]any)
		addr, err := kong.FormatTarget(fmt.Sprint(t["target"]))
		if err != nil {
			return nil, fmt.Errorf("targets[%d]: %v", i, err)
		}
		if j, dup := seen[addr]; dup {
			return nil, fmt.Errorf("targets[%d] is %s, the same target as targets[%d]: list each target once", i, addr, j)
		}
		seen[addr] = i
		d := kong.Object{"target": addr}
		for _, f := range []string{"weight", "tags"} {
			if t[f] != nil {
				d[f] = t[f]
			}
		}
		m.Desired = append(m.Desired, d)
	}
	return m, nil
}
