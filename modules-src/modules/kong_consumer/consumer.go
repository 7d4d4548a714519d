// Package kongconsumer is the platform.ops.kong_consumer module: one Kong
// Consumer, found by id, username or custom_id, made present (created or
// updated with only what differs) or absent.
package kongconsumer

import (
	"context"
	"fmt"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong"
)

func run(ctx context.Context, m *ansible.Module) (ansible.Result, error) {
	p := m.Params
	if err := kong.CheckIdentifiers(p, "username", "custom_id", "id"); err != nil {
		return nil, err
	}
	id, username, customID := p.String("id"), p.String("username"), p.String("custom_id")
	if err := kong.CheckID(id, "use username or custom_id to select a consumer by name"); err != nil {
		return nil, err
	}
	conn, err := kong.Connect(m)
	if err != nil {
		return nil, err
	}
	defer conn.Close()

	req := &kong.Request{
		Kind:      kindFor(username, customID),
		Select:    kong.Selector{ID: id, Key: username},
		Strict:    p.Bool("strict"),
		CheckMode: m.CheckMode,
		Find:      finder(conn, id, username, customID),
	}
	if p.String("state") == "absent" {
		out, err := conn.Remove(ctx, req)
		if err != nil {
			return nil, err
		}
		return out.Result(m.Diff), nil
	}
	want := kong.Object{}
	for _, f := range []string{"username", "custom_id", "tags"} {
		if p.Given(f) {
			want[f] = p[f]
		}
	}
	req.Desired = want
	req.ResultKey = "consumer"
	out, err := conn.Ensure(ctx, req)
	if err != nil {
		return nil, err
	}
	return out.Result(m.Diff), nil
}

// kindFor names the consumer in messages by what the task knows of it.
func kindFor(username, customID string) *kong.Kind {
	if username != "" || customID == "" {
		return kong.ConsumerKind
	}
	k := *kong.ConsumerKind
	k.Name = fmt.Sprintf("consumer with custom_id %q", customID)
	return &k
}

// finder looks the consumer up by id, else by username, else by custom_id
// (so a consumer known by its custom_id can be given a username).
func finder(conn *kong.Conn, id, username, customID string) func(context.Context, *kong.Request) (kong.Object, error) {
	return func(ctx context.Context, _ *kong.Request) (kong.Object, error) {
		if id != "" {
			obj, err := conn.Get(ctx, kong.PathFor("consumers", id))
			return obj, kong.ErrorFromKong(err, "reading consumer with id "+id)
		}
		if username != "" {
			obj, err := conn.Get(ctx, kong.PathFor("consumers", username))
			if err != nil || obj != nil {
				return obj, kong.ErrorFromKong(err, fmt.Sprintf("reading consumer %q", username))
			}
		}
		if customID != "" {
			return conn.ConsumerByCustomID(ctx, customID)
		}
		return nil, nil
	}
}
