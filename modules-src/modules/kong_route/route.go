// Package kongroute is the platform.ops.kong_route module: one Kong Route
// made present (created or updated with only what differs) or absent, with
// regex paths translated between Kong 3.x and 2.8, check mode validated by
// Kong and a diff of the managed fields.
package kongroute

import (
	"context"
	"fmt"
	"regexp"
	"sort"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong"
)

var uuidRE = regexp.MustCompile(`^(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

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
	if id := p.String("id"); id != "" && !uuidRE.MatchString(id) {
		return nil, fmt.Errorf("id must be a UUID such as 9f3c6b0e-1111-4222-8333-444455556666, got %q (use name to select a route by name)", id)
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
		return result(m, out, nil), nil
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
	needsNode := pathsDependOnVersion(p.Strings("paths")) || p.Given("expression") || p.Given("priority")
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
		paths, warnings := translatePaths(p.Strings("paths"), info.AtLeast(3, 0))
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
	if ref := m.Params.String("service"); ref != "" {
		svc, err := conn.Get(ctx, kong.PathFor("services", ref))
		if err != nil {
			return nil, kong.ErrorFromKong(err, fmt.Sprintf("reading service %q of %s", ref, kong.RouteKind.Describe(req.Select)))
		}
		if svc == nil {
			return missingService(ctx, m, conn, req, want, ref)
		}
		want["service"] = kong.Object{"id": svc["id"]}
	}
	req.Desired = want
	out, err := conn.Ensure(ctx, req)
	if err != nil {
		return nil, err
	}
	return result(m, out, out.Entity), nil
}

// missingService fails, or in check mode (where an earlier, unrun task of
// the play may create the service) predicts the change with a warning.
func missingService(ctx context.Context, m *ansible.Module, conn *kong.Conn, req *kong.Request, want kong.Object, ref string) (ansible.Result, error) {
	what := kong.RouteKind.Describe(req.Select)
	if !m.CheckMode {
		return nil, fmt.Errorf("service %q of %s does not exist: create it first (platform.ops.kong_service) or fix the name", ref, what)
	}
	m.Warn(fmt.Sprintf("service %q of %s does not exist (check mode): assuming an earlier task creates it; otherwise this task fails in a real run", ref, what))
	current, err := conn.Get(ctx, kong.PathFor("routes", req.Select.Ref()))
	if err != nil {
		return nil, kong.ErrorFromKong(err, "reading "+what)
	}
	want["service"] = kong.Object{"name": ref}
	plan := kong.PlanPresent(want, current, kong.RouteKind.Shape)
	changes := plan.ChangedFields()
	sort.Strings(changes)
	res := ansible.Result{
		"changed":   true,
		"operation": string(plan.Op),
		"changes":   ansible.FieldNames(changes),
		"route":     plan.After,
	}
	if m.Diff {
		before := kong.Object{}
		if current != nil {
			before = kong.Project(current, want, kong.RouteKind.Shape)
		}
		res["diff"] = map[string]any{"before": before, "after": kong.Project(plan.After, want, kong.RouteKind.Shape)}
	}
	return res, nil
}

func result(m *ansible.Module, out *kong.Outcome, entity kong.Object) ansible.Result {
	res := out.Result(m.Diff)
	if m.Params.String("state") != "absent" {
		res["route"] = entity
	}
	return res
}
