// Package kongkey is the platform.ops.kong_key module: one Kong key (Kong
// 3.1+), a JWK or a PEM key pair, optionally in a key set, found by name
// or id, made present or absent, its private parts never shown.
package kongkey

import (
	"context"
	"encoding/json"
	"fmt"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong"
)

func run(ctx context.Context, m *ansible.Module) (ansible.Result, error) {
	p := m.Params
	if err := kong.CheckIdentifiers(p, "name", "id"); err != nil {
		return nil, err
	}
	if err := kong.CheckReferences(p, "key", "the key stays in the set it is in, or in none", "set"); err != nil {
		return nil, err
	}
	if err := kong.CheckID(p.String("id"), "use name to select a key by name"); err != nil {
		return nil, err
	}
	want, err := desired(p)
	if err != nil {
		return nil, err
	}
	conn, err := kong.Connect(m)
	if err != nil {
		return nil, err
	}
	defer conn.Close()

	req := &kong.Request{
		Kind:      kong.KeyKind,
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
	req.Desired = want
	req.ResultKey = "key"
	req.CreateNeeds = []string{"kid"}
	req.CreateNeedsText = "kid (or a jwk with a kid) and jwk or pem"
	if ref := p.String("set"); ref != "" {
		req.Refs = []*kong.Ref{{Field: "set", Kind: kong.KeySetKind, Value: ref}}
	}
	out, err := conn.Ensure(ctx, req)
	if err != nil {
		return nil, err
	}
	return out.Result(m.Diff), nil
}

// desired is the key's fields the task sets, in Kong's shape: the jwk as
// the JSON string Kong stores (a dict is encoded, keys sorted), kid taken
// from the jwk when the task gives none (Kong requires the two to be
// equal), and of pem only the keys given.
func desired(p ansible.Params) (kong.Object, error) {
	d := kong.Object{}
	for _, f := range []string{"name", "kid", "tags"} {
		if p.Given(f) {
			d[f] = p[f]
		}
	}
	if p.Given("jwk") {
		jwk, kid, err := jwkString(p["jwk"])
		if err != nil {
			return nil, err
		}
		d["jwk"] = jwk
		if !p.Given("kid") && kid != "" {
			d["kid"] = kid
		}
	}
	if p.Given("pem") {
		pem := kong.Object{}
		for k, v := range p.Dict("pem") {
			if v != nil {
				pem[k] = v
			}
		}
		d["pem"] = pem
	}
	return d, nil
}

// jwkString is the jwk option as the string Kong stores, and the kid in
// it ("" when none).
func jwkString(v any) (string, string, error) {
	var obj map[string]any
	switch t := v.(type) {
	case string:
		if err := json.Unmarshal([]byte(t), &obj); err != nil {
			// not JSON: a vault reference, which Kong resolves itself
			return t, "", nil
		}
		kid, _ := obj["kid"].(string)
		return t, kid, nil
	case map[string]any:
		obj = t
	default:
		return "", "", fmt.Errorf("jwk must be a JSON Web Key, as a dict or a JSON string, got %T", v)
	}
	b, err := json.Marshal(obj)
	if err != nil {
		return "", "", fmt.Errorf("jwk cannot be encoded as JSON: %v", err)
	}
	kid, _ := obj["kid"].(string)
	return string(b), kid, nil
}
