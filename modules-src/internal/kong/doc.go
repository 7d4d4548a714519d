// Package kong is what every Kong module shares: the connection options
// (one doc fragment), a go-kong client built from them with retries and
// Kong's error bodies kept, version detection, and the reconcile engine that
// turns "what the user set" and "what Kong holds" into a plan, a diff and the
// requests that apply it. Entity specifics live in one file per entity
// (service.go, route.go, ...); everything else is generic.
//
// Files, in the order data flows through them:
//
//	fragment.go  the shared options (admin_url, admin_token, TLS, ...)
//	conn.go      Conn: go-kong client, TLS, headers; retry.go its Doer
//	konnect.go   Kong Konnect control planes: lookup, paths, schemas
//	             (konnectschema.go), what Konnect refuses
//	authhint.go  a 401/403 names the credentials the task sent
//	request.go   raw JSON Get/Send/List (go-kong structs cannot send null)
//	info.go      GET / once: version, enterprise, router flavor
//	schema.go    /schemas/... cached per Conn; defaults for strict mode
//	shape.go     how each field compares (record, set, array, map)
//	compare.go   Compare: desired vs current -> changes + PATCH body
//	plan.go      Plan: create | update | delete | none, no side effects
//	reconcile.go Ensure / Remove: find, plan, validate (check) or apply
//	mask.go      secrets masked in diffs and returned entities
//	errors.go    Kong errors -> msg + status + flattened fields
//
// A module for a new entity writes only what is specific to it:
//
//	conn, err := kong.Connect(m)                  // m is the *ansible.Module
//	defer conn.Close()
//	out, err := conn.Ensure(ctx, &kong.Request{
//		Kind:      kong.RouteKind,                   // or its own *kong.Kind
//		Select:    kong.Selector{Key: name, ID: id},
//		Desired:   kong.Object{"paths": paths, ...}, // only the options the user set
//		Strict:    m.Params.Bool("strict"),
//		CheckMode: m.CheckMode,
//		// Find: for entities without an endpoint key (plugins by name and
//		// scope), return the current entity or nil.
//	})
//	// out.Changed, out.Entity (masked), out.Diff, out.Changes
//
// Entities whose comparison needs a schema from Kong (plugin config) build
// their Kind at run time: Shape from ShapeFromSchema(conn.Schema(ctx,
// "plugins/<name>")) and Schema "plugins/<name>" for strict defaults.
package kong
