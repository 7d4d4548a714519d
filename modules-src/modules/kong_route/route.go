// Package kongroute is the platform.ops.kong_route module: one Kong Route
// made present (created or updated with only what differs) or absent, with
// regex paths translated between Kong 3.x and 2.8, check mode validated by
// Kong and a diff of the managed fields.
package kongroute

import (
	"context"
	"fmt"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong"
)

// Options that map one to one onto Route fields of the same name.
var plainFields = []string{
	"name", "protocols", "methods", "hosts", "snis", "strip_path", "preserve_host",
	"path_handling", "regex_priority", "https_redirect_status_code",
	"request_buffering", "response_buffering", "tags", "expression", "priority",
}

func run(ctx context.Context, m *ansible.Module) (ansible.Result, error) {
	p := m.Params
	if err := kong.CheckIdentifiers(p, "name", "id"); err != nil {
		return nil, err
	}
	if err := kong.CheckReferences(p, "route", "without it a new route has no service, and strict detaches an existing one from its service",
		"service"); err != nil {
		return nil, err
	}
	if err := kong.CheckID(p.String("id"), "use name to select a route by name"); err != nil {
		return nil, err
	}
	conn, err := kong.Connect(m)
	if err != nil {
		return nil, err
	}
	defer conn.Close()

	req := &kong.Request{
		Kind:      kong.RouteKind,
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
	return present(ctx, m, conn, req)
}

// desired builds the Route fields the user set, in Kong's JSON shape
// (without the service, which needs a lookup).
func desired(ctx context.Context, m *ansible.Module, conn *kong.Conn) (kong.Object, error) {
	p := m.Params
	d := kong.Object{}
	for _, f := range plainFields {
		if p.Given(f) {
			d[f] = p[f]
		}
	}
	if p.Given("headers") {
		headers, err := headerValues(p.Dict("headers"))
		if err != nil {
			return nil, err
		}
		d["headers"] = headers
	}
	for _, f := range []string{"sources", "destinations"} {
		if p.Given(f) {
			d[f] = endpoints(p.List(f))
		}
	}
	// The version matters only for regex-looking paths and the expressions
	// router: a plain prefix such as /api means the same on every Kong, so
	// the common task skips GET /.
	needsNode := kong.PathsDependOnVersion(p.Strings("paths")) || p.Given("expression") || p.Given("priority")
	if !needsNode {
		if p.Given("paths") {
			d["paths"] = p["paths"]
		}
		return d, nil
	}
	info, err := conn.Info(ctx)
	if err != nil {
		return nil, err
	}
	if (p.Given("expression") || p.Given("priority")) && info.RouterFlavor != "expressions" {
		return nil, fmt.Errorf("expression and priority need Kong's expressions router (router_flavor = expressions, Kong 3.x), but this node runs %s with router_flavor %s: use paths, hosts, methods, headers and snis instead",
			info, info.RouterFlavor)
	}
	if p.Given("paths") {
		paths, warnings := kong.TranslatePaths(p.Strings("paths"), info.AtLeast(3, 0))
		for _, w := range warnings {
			m.Warn(w)
		}
		list := make([]any, len(paths))
		for i, s := range paths {
			list[i] = s
		}
		d["paths"] = list
	}
	return d, nil
}

// headerValues gives each header Kong's form, a list of values: a single
// string becomes a one-element list.
func headerValues(in map[string]any) (map[string]any, error) {
	out := make(map[string]any, len(in))
	for name, v := range in {
		switch t := v.(type) {
		case string:
			out[name] = []any{t}
		case []any:
			vals := make([]any, len(t))
			for i, e := range t {
				s, ok := e.(string)
				if !ok {
					return nil, fmt.Errorf("headers.%s: expected a string or a list of strings, got %v (%T) in the list", name, e, e)
				}
				vals[i] = s
			}
			out[name] = vals
		case nil:
			out[name] = nil
		default:
			return nil, fmt.Errorf("headers.%s: expected a string or a list of strings, got %v (%T)", name, v, v)
		}
	}
	return out, nil
}

// endpoints gives each {ip, port} pair both keys, null for the half not
// given: Kong fills it with null, so the body, the check-mode prediction
// and the diff show what Kong will hold.
func endpoints(list []any) []any {
	out := make([]any, 0, len(list))
	for _, e := range list {
		pair, _ := e.(map[string]any)
		out = append(out, map[string]any{"ip": pair["ip"], "port": pair["port"]})
	}
	return out
}

func present(ctx context.Context, m *ansible.Module, conn *kong.Conn, req *kong.Request) (ansible.Result, error) {
	want, err := desired(ctx, m, conn)
	if err != nil {
		return nil, err
	}
	req.Desired = want
	req.ResultKey = "route"
	if ref := m.Params.String("service"); ref != "" {
		req.Refs = []*kong.Ref{{Field: "service", Kind: kong.ServiceKind, Value: ref}}
	}
	out, err := conn.Ensure(ctx, req)
	if err != nil {
		return nil, err
	}
	return out.Result(m.Diff), nil
}
