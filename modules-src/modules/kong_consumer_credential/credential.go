// Package kongconsumercredential is the platform.ops.kong_consumer_credential
// module: one credential (key-auth, basic-auth, jwt, hmac-auth, acl) of a
// Kong consumer, found by the field that identifies it, made present or
// absent, with every secret masked.
package kongconsumercredential

import (
	"context"
	"fmt"
	"regexp"
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
	kind := *ctype.Kind
	kind.Name = describe(ctype, p, consumerRef)
	identity := p.String(ctype.Identity)
	req := &kong.Request{
		Kind:      &kind,
		Select:    kong.Selector{ID: id},
		Refs:      []*kong.Ref{{Field: "consumer", Parent: true, Owns: "credentials", Kind: kong.ConsumerKind, Value: consumerRef}},
		CheckMode: m.CheckMode,
		Find: func(ctx context.Context, r *kong.Request) (kong.Object, error) {
			return conn.FindCredential(ctx, ctype, r.Parent[1], id, identity)
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
	req.Desired = desired(p, ctype)
	req.ResultKey = "credential"
	// Kong hashes passwords (cannot compare) and counts ttl down (would
	// always differ): they are sent to create, and a password again only
	// with update_password=always.
	req.CreateOnly = []string{"ttl"}
	if p.String("update_password") != "always" {
		req.CreateOnly = append(req.CreateOnly, "password")
	}
	if ctype.Name == "basic-auth" {
		req.CreateNeeds = []string{"password"}
	}
	out, err := conn.Ensure(ctx, req)
	if err != nil {
		return nil, err
	}
	if out.Plan.Current != nil && req.Desired["password"] != nil && !out.Changed {
		// Only a server that stores the password as given gets here.
		m.Warn("update_password=always: Kong holds this password as given (not hashed), so nothing was sent")
	}
	res := out.Result(m.Diff)
	switch {
	case !p.Bool("exclusive"):
	case len(req.Missing()) > 0:
		// check mode, the consumer still to be created by an earlier
		// task: it has no other credentials to remove (and no id)
		res["removed"] = []string{}
	default:
		if err := removeOthers(ctx, m, conn, ctype, req.Parent[1], out.Entity, res); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// desired is the credential's fields the user set, in Kong's shape.
func desired(p ansible.Params, ctype *kong.CredentialType) kong.Object {
	want := kong.Object{}
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
