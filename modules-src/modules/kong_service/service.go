// Package kongservice is the platform.ops.kong_service module: one Kong
// Service made present (created or updated with only what differs) or
// absent, with check mode validated by Kong and a diff of the managed fields.
package kongservice

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong"
)

var uuidRE = regexp.MustCompile(`^(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// Options that map one to one onto Service fields of the same name.
var plainFields = []string{
	"name", "protocol", "host", "port", "path", "retries",
	"connect_timeout", "read_timeout", "write_timeout",
	"tags", "enabled", "tls_verify", "tls_verify_depth", "ca_certificates",
}

// tlsFields are refused by Kong 2.8 unless the protocol is https.
var tlsFields = []string{"tls_verify", "tls_verify_depth", "ca_certificates", "client_certificate"}

func run(ctx context.Context, m *ansible.Module) (ansible.Result, error) {
	p := m.Params
	if err := kong.CheckIdentifiers(p, "name", "id"); err != nil {
		return nil, err
	}
	if id := p.String("id"); id != "" && !uuidRE.MatchString(id) {
		return nil, fmt.Errorf("id must be a UUID such as 9f3c6b0e-1111-4222-8333-444455556666, got %q (use name to select a service by name)", id)
	}
	conn, err := kong.Connect(m)
	if err != nil {
		return nil, err
	}
	defer conn.Close()

	req := &kong.Request{
		Kind:      kong.ServiceKind,
		Select:    kong.Selector{ID: p.String("id"), Key: p.String("name")},
		Strict:    p.Bool("strict"),
		CheckMode: m.CheckMode,
	}
	if p.String("state") == "absent" {
		return absent(ctx, m, conn, req)
	}
	return present(ctx, m, conn, req)
}

// desired builds the Service fields the user set, in Kong's JSON shape.
func desired(p ansible.Params) (kong.Object, error) {
	d := kong.Object{}
	for _, f := range plainFields {
		if p.Given(f) {
			d[f] = p[f]
		}
	}
	if p.Given("client_certificate") {
		d["client_certificate"] = kong.Object{"id": p.String("client_certificate")}
	}
	if p.Given("url") {
		u, err := kong.ParseServiceURL(p.String("url"))
		if err != nil {
			return nil, err
		}
		d["protocol"], d["host"], d["port"] = u.Protocol, u.Host, u.Port
		if u.Path != nil {
			d["path"] = *u.Path
		} else {
			d["path"] = nil // Kong clears the path of a URL without one
		}
	}
	return d, nil
}

func present(ctx context.Context, m *ansible.Module, conn *kong.Conn, req *kong.Request) (ansible.Result, error) {
	want, err := desired(m.Params)
	if err != nil {
		return nil, err
	}
	req.Desired = want

	// Read once here to give a clear message before Kong would answer
	// "host: required field missing"; the engine reuses this read.
	current, err := conn.Get(ctx, kong.PathFor("services", req.Select.Ref()))
	if err != nil {
		return nil, kong.ErrorFromKong(err, "reading "+kong.ServiceKind.Describe(req.Select))
	}
	if current == nil && want["host"] == nil {
		what := kong.ServiceKind.Describe(req.Select)
		if !m.CheckMode {
			return nil, fmt.Errorf("%s does not exist yet: host (or url) is needed to create it", what)
		}
		// In check mode an earlier task of the play may be the one that
		// creates it (and was not run): predict, don't fail.
		m.Warn(fmt.Sprintf("%s does not exist (check mode): assuming an earlier task creates it; without host or url this task fails in a real run", what))
		res := ansible.Result{"changed": true, "operation": string(kong.OpCreate), "changes": ansible.FieldNames(sortedKeys(want)), "service": want}
		if m.Diff {
			res["diff"] = map[string]any{"before": map[string]any{}, "after": want}
		}
		return res, nil
	}
	if err := checkTLSFieldsForVersion(ctx, conn, want, current); err != nil {
		return nil, err
	}
	req.Find = kong.ReuseFirstRead(current, func(ctx context.Context) (kong.Object, error) {
		return conn.Get(ctx, kong.PathFor("services", req.Select.Ref()))
	})

	out, err := conn.Ensure(ctx, req)
	if err != nil {
		return nil, err
	}
	res := out.Result(m.Diff)
	res["service"] = out.Entity
	return res, nil
}

// checkTLSFieldsForVersion explains up front what Kong 2.8 would reject
// with "value must be null": TLS fields on a tls (not https) service. It
// asks Kong's version only when that case arises.
func checkTLSFieldsForVersion(ctx context.Context, conn *kong.Conn, want, current kong.Object) error {
	protocol, _ := want["protocol"].(string)
	if protocol == "" && current != nil {
		protocol, _ = current["protocol"].(string)
	}
	if protocol != "tls" {
		return nil
	}
	var set []string
	for _, f := range tlsFields {
		if want[f] != nil {
			set = append(set, f)
		}
	}
	if len(set) == 0 {
		return nil
	}
	info, err := conn.Info(ctx)
	if err != nil {
		return err
	}
	if info.AtLeast(3, 0) {
		return nil
	}
	return fmt.Errorf("%s accepts %s only with protocol https, not tls (Kong 3.x also allows tls)", info, strings.Join(set, ", "))
}

func absent(ctx context.Context, m *ansible.Module, conn *kong.Conn, req *kong.Request) (ansible.Result, error) {
	what := kong.ServiceKind.Describe(req.Select)
	current, err := conn.Get(ctx, kong.PathFor("services", req.Select.Ref()))
	if err != nil {
		return nil, kong.ErrorFromKong(err, "reading "+what)
	}
	var deleted []string
	if current != nil {
		id, _ := current["id"].(string)
		routes, err := conn.ServiceRoutes(ctx, id)
		if err != nil {
			return nil, err
		}
		names := routeNames(routes)
		if len(routes) > 0 && !m.Params.Bool("cascade") {
			return nil, fmt.Errorf("%s still has %d route(s) (%s): delete them first, or set cascade: true to delete them with the service (Kong deletes their plugins too)",
				what, len(routes), strings.Join(names, ", "))
		}
		for i, r := range routes {
			if !m.CheckMode {
				if err := conn.DeleteByID(ctx, kong.RouteKind, r); err != nil {
					return nil, kong.ErrorFromKong(err, fmt.Sprintf("deleting route %s of %s", names[i], what))
				}
			}
			deleted = append(deleted, names[i])
		}
	}
	req.Find = kong.ReuseFirstRead(current, nil)
	out, err := conn.Remove(ctx, req)
	if err != nil {
		return nil, err
	}
	if len(deleted) > 0 {
		if before, ok := out.Diff["before"].(map[string]any); ok {
			before["routes"] = deleted
		}
	}
	res := out.Result(m.Diff)
	if len(deleted) > 0 {
		res["deleted_routes"] = deleted
	}
	return res, nil
}

func routeNames(routes []kong.Object) []string {
	names := make([]string, len(routes))
	for i, r := range routes {
		if n, _ := r["name"].(string); n != "" {
			names[i] = n
		} else {
			names[i], _ = r["id"].(string)
		}
	}
	return names
}

func sortedKeys(o kong.Object) []string {
	keys := make([]string, 0, len(o))
	for k := range o {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
