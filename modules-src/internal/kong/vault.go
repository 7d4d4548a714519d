package kong

import "context"

// VaultKind is the Kong Vault (GET /vaults/{prefix or id}, Kong 3.0+): a
// configured secret store that {vault://<prefix>/...} references read.
// name is the vault implementation (env in Kong OSS), config its settings
// (the record of that vault's schema, GET /schemas/vaults/{name}),
// compared key by key. Kong 2.8 had a beta of it at /vaults-beta, which
// this engine does not manage.
var VaultKind = &Kind{
	Name:       "vault",
	Collection: "vaults",
	Module:     "platform.ops.kong_vault",
	KeyField:   "prefix",
	Since:      "3.0",
	Shape: RecordOf(map[string]*Shape{
		"tags": SetOf(nil),
	}),
}

// VaultKindFor is the Kind of a vault of one implementation: its config
// compared and masked by that vault's schema, and its whole entity (the
// vaults schema with the implementation's config record) for strict
// defaults and check-mode predictions.
func VaultKindFor(ctx context.Context, c *Conn, name string, sel Selector) (*Kind, error) {
	if err := c.Supports(ctx, VaultKind, sel); err != nil {
		return nil, err
	}
	sub, err := c.Schema(ctx, "vaults/"+name)
	if err != nil {
		return nil, err
	}
	k := *VaultKind
	k.Shape = RecordOf(map[string]*Shape{
		"tags":   SetOf(nil),
		"config": sub.Field("config").Shape(),
	})
	k.Schema = "vaults/" + name
	k.LoadSchema = func(ctx context.Context, c *Conn) (*Schema, error) {
		base, err := c.Schema(ctx, "vaults")
		if err != nil {
			return nil, err
		}
		return WithSubschema(base, sub), nil
	}
	return &k, nil
}
