// Package kongconsumercredential is the platform.ops.kong_consumer_credential
// module: one credential (key-auth, basic-auth, jwt, hmac-auth, acl) of a
// Kong consumer, found by the field that identifies it, made present or
// absent, with every secret masked.
package kongconsumercredential

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

// fieldsOf lists, per type, the options that are fields of that credential
// (besides tags), the identifying one first.
var fieldsOf = map[string][]string{
	"key-auth":   {"key", "ttl"},
	"basic-auth": {"username", "password", "update_password"},
	"jwt":        {"key", "secret", "algorithm", "rsa_public_key"},
	"hmac-auth":  {"username", "secret"},
	"acl":        {"group"},
}

// typeOptions are the options that belong to some types only.
var typeOptions = []string{"key", "ttl", "username", "password", "secret", "algorithm", "rsa_public_key", "group"}

func run(ctx context.Context, m *ansible.Module) (ansible.Result, error) {
	p := m.Params
	if err := kong.CheckIdentifiers(p, "consumer", "id"); err != nil {
		return nil, err
	}
	ctype := kong.CredentialTypes[p.String("type")]
	if err := checkOptions(p, ctype); err != nil {
		return nil, err
	}
	if err := checkExclusive(p); err != nil {
		return nil, err
	}
	id := p.String("id")
	if id != "" && !uuidRE.MatchString(id) {
		return nil, fmt.Errorf("id must be the UUID of the credential, such as 9f3c6b0e-1111-4222-8333-444455556666, got %q", id)
	}
	conn, err := kong.Connect(m)
	if err != nil {
		return nil, err
	}
	defer conn.Close()

	consumerRef := p.String("consumer")
	consumer, err := conn.Get(ctx, kong.PathFor("consumers", consumerRef))
	if err != nil {
		return nil, kong.ErrorFromKong(err, fmt.Sprintf("reading consumer %q", consumerRef))
	}
	kind := *ctype.Kind
	kind.Name = describe(ctype, p, consumerRef)
	if consumer == nil {
		return missingConsumer(m, &kind, consumerRef, desired(p, ctype, kong.Object{"username": consumerRef}))
	}
	consumerID, _ := consumer["id"].(string)
	identity := p.String(ctype.Identity)
	req := &kong.Request{
		Kind:      &kind,
		Select:    kong.Selector{ID: id},
		Parent:    kong.CredentialParent(consumerID),
		CheckMode: m.CheckMode,
		Find: func(ctx context.Context) (kong.Object, error) {
			return conn.FindCredential(ctx, ctype, consumerID, id, identity)
		},
		// Without an id the credential is looked up by its identity
		// within its consumer: an acl group's cache key {consumer, group}.
		KeyFound: id == "",
	}
	if p.String("state") == "absent" {
		out, err := conn.Remove(ctx, req)
		if err != nil {
			return nil, err
		}
		return out.Result(m.Diff), nil
	}

	current, err := req.Find(ctx)
	if err != nil {
		return nil, err
	}
	want := desired(p, ctype, kong.Object{"id": consumerID})
	if current != nil {
		// Create-only fields: Kong hashes passwords (cannot compare) and
		// counts ttl down (would always differ).
		delete(want, "ttl")
		if p.String("update_password") != "always" {
			delete(want, "password")
		}
	} else if ctype.Name == "basic-auth" && want["password"] == nil {
		return nil, fmt.Errorf("%s does not exist yet: password is needed to create it", kind.Name)
	}
	used := false
	req.Find = func(ctx context.Context) (kong.Object, error) {
		if !used { // reuse the read above; after a 409, read again
			used = true
			return current, nil
		}
		return conn.FindCredential(ctx, ctype, consumerID, id, identity)
	}
	req.Desired = want
	out, err := conn.Ensure(ctx, req)
	if err != nil {
		return nil, err
	}
	if current != nil && want["password"] != nil && !out.Changed {
		// Only a server that stores the password as given gets here.
		m.Warn("update_password=always: Kong holds this password as given (not hashed), so nothing was sent")
	}
	res := out.Result(m.Diff)
	res["credential"] = out.Entity
	if p.Bool("exclusive") {
		if err := removeOthers(ctx, m, conn, ctype, consumerID, out.Entity, res); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// desired is the credential's fields the user set, in Kong's shape.
func desired(p ansible.Params, ctype *kong.CredentialType, consumer kong.Object) kong.Object {
	want := kong.Object{"consumer": consumer}
	for _, f := range append(fieldsOf[ctype.Name], "tags") {
		if f != "update_password" && p.Given(f) {
			want[f] = p[f]
		}
	}
	return want
}

// checkOptions refuses options that are not fields of the chosen type,
// e.g. a password for a key-auth credential.
func checkOptions(p ansible.Params, ctype *kong.CredentialType) error {
	own := map[string]bool{}
	for _, f := range fieldsOf[ctype.Name] {
		own[f] = true
	}
	var wrong []string
	for _, f := range typeOptions {
		if p.Given(f) && !own[f] {
			wrong = append(wrong, f)
		}
	}
	if len(wrong) == 0 {
		return nil
	}
	var allowed []string
	for _, f := range fieldsOf[ctype.Name] {
		if f != "update_password" {
			allowed = append(allowed, f)
		}
	}
	verb := " are"
	if len(wrong) == 1 {
		verb = " is"
	}
	article := "a"
	if strings.HasPrefix(ctype.Name, "a") {
		article = "an"
	}
	return fmt.Errorf("%s not used by %s %s credential (its options are %s, tags and id)",
		strings.Join(wrong, ", ")+verb, article, ctype.Name, strings.Join(allowed, ", "))
}

// describe names the credential in messages without ever naming a secret.
func describe(ctype *kong.CredentialType, p ansible.Params, consumer string) string {
	name := ctype.Kind.Name
	if v := p.String(ctype.Identity); v != "" && !ctype.IdentityIsSecret && ctype.Name != "jwt" {
		name += fmt.Sprintf(" %q", v)
	}
	return fmt.Sprintf("%s of consumer %q", name, consumer)
}

// missingConsumer: nothing to delete; nothing to attach a credential to
// (except in check mode, where an earlier, unrun task may create it).
func missingConsumer(m *ansible.Module, kind *kong.Kind, consumer string, want kong.Object) (ansible.Result, error) {
	if m.Params.String("state") == "absent" {
		res := ansible.Result{"changed": false, "operation": string(kong.OpNone), "changes": ansible.FieldNames{}}
		if m.Diff {
			res["diff"] = map[string]any{"before": map[string]any{}, "after": map[string]any{}}
		}
		return res, nil
	}
	if !m.CheckMode {
		return nil, fmt.Errorf("consumer %q does not exist: create it first (platform.ops.kong_consumer), then its credentials", consumer)
	}
	m.Warn(fmt.Sprintf("consumer %q does not exist (check mode): assuming an earlier task creates it; otherwise this task fails in a real run (%s)", consumer, kind.Name))
	changes := make([]string, 0, len(want))
	for k := range want {
		changes = append(changes, k)
	}
	sort.Strings(changes)
	res := ansible.Result{"changed": true, "operation": string(kong.OpCreate), "changes": ansible.FieldNames(changes)}
	if m.Diff {
		res["diff"] = map[string]any{"before": map[string]any{}, "after": kong.MaskObject(want, kind.Shape)}
	}
	return res, nil
}
