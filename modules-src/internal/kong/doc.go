// Package kong is what every Kong module shares: the connection options
// (one doc fragment), a go-kong client built from them with retries and
// Kong's error bodies kept, version detection, and the reconcile engine that
// turns "what the user set" and "what Kong holds" into a plan, a diff and the
// requests that apply it. Entity specifics live in one file per entity
// (service.go, route.go, ...); everything else is generic.
//
// Files, in the order data flows through them:
//
//	fragment.go   the shared options (admin_url, admin_token, TLS, ...)
//	conn.go       Conn: go-kong client, TLS, headers; retry.go its Doer
//	konnect.go    Kong Konnect control planes: lookup, paths, schemas
//	              (konnectschema.go), what Konnect refuses
//	authhint.go   a 401/403 names the credentials the task sent
//	request.go    raw JSON Get/Send/List (go-kong structs cannot send null)
//	info.go       GET / once: version, enterprise, router flavor
//	schema.go     /schemas/... fetched once per Conn, parsed into one model
//	fielddef.go   that model: Kong's field tree (shapes, defaults, records)
//	kind.go       Kind: what the engine knows of one entity type
//	shape.go      how each field compares (record, set, array, map)
//	compare.go    Compare: desired vs current -> changes + PATCH body
//	plan.go       Plan: create | update | delete | none, no side effects
//	reconcile.go  Request -> Ensure / Remove: resolve refs, find, plan,
//	              check (validate + predict) or apply, outcome and diff
//	unique.go     check mode's answer to Kong's UNIQUE and cache keys
//	mask.go       secrets masked in diffs and returned entities
//	errors.go     Kong errors -> msg + status + flattened fields
//
// A module writes only what is specific to it, its desired fields, and
// hands the engine one Request:
//
//	conn, err := kong.Connect(m)                  // m is the *ansible.Module
//	defer conn.Close()
//	out, err := conn.Ensure(ctx, &kong.Request{
//		Kind:      kong.RouteKind,                   // or its own *kong.Kind
//		Select:    kong.Selector{Key: name, ID: id},
//		Refs:      []*kong.Ref{{Field: "service", Kind: kong.ServiceKind, Value: svc}},
//		Desired:   kong.Object{"paths": paths, ...}, // only the options the user set
//		Strict:    m.Params.Bool("strict"),
//		CheckMode: m.CheckMode,
//		ResultKey: "route",
//	})
//	return out.Result(m.Diff), nil                // changed, operation, changes, route, diff
//
// The engine resolves Refs (a missing one fails a real run; check mode
// assumes an earlier task creates it and says so), reads the entity (Find
// for entities without an endpoint key: plugins by name and scope,
// credentials within their consumer), plans, and in check mode validates
// the would-be entity with Kong, checks who holds its unique values and
// predicts what Kong would return; otherwise it writes. kong_declarative
// builds many Requests from a state file and runs the same Plan, Check and
// Apply on each (see package declarative).
package kong
