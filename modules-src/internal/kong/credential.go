package kong

import (
	"context"
	"fmt"
	"sort"
)

// CredentialType is one kind of consumer credential: where Kong keeps it
// and which field tells two credentials of a consumer apart.
type CredentialType struct {
	// Name is the auth plugin's name, e.g. "key-auth".
	Name string
	// Kind is the entity as written through Kong's nested endpoints:
	// Collection is the segment under /consumers/{consumer}/ ("key-auth";
	// requests set Parent), DAO the schema (keyauth_credentials, for
	// /schemas/.../validate), and the shape.
	Kind *Kind
	// TopLevel is the collection of all consumers' credentials of this
	// type ("key-auths"), where one is read by id.
	TopLevel string
	// Identity is the field that identifies a credential: key for key-auth
	// and jwt, username for basic-auth and hmac-auth, group for acl.
	Identity string
	// IdentityIsSecret: the identity is a secret (a key-auth key; a jwt
	// key, which the module treats as one) and is never put in a URL or a
	// message, so check mode cannot ask Kong who holds it (Kind.Private).
	IdentityIsSecret bool
}

// credential describes a credential type and builds its Kind from the same
// facts, so the two cannot disagree: the entity written under its consumer
// (nested), read by id or by its identity at top, validated as dao; a
// secret identity is private (never put in a URL), and secrets are the
// fields masked in output.
func credential(name, kindName, nested, top, dao, identity string, identityIsSecret bool, secrets ...string) *CredentialType {
	fields := map[string]*Shape{
		"consumer": ForeignKey,
		"tags":     SetOf(nil),
	}
	for _, s := range secrets {
		fields[s] = &Shape{Type: Scalar, Secret: true}
	}
	k := &Kind{Name: kindName, Module: "platform.ops.kong_consumer_credential", Collection: nested, TopLevel: top, DAO: dao, KeyField: identity, Shape: RecordOf(fields)}
	if identityIsSecret {
		k.Private = []string{identity}
	}
	return &CredentialType{Name: name, Kind: k, TopLevel: top, Identity: identity, IdentityIsSecret: identityIsSecret}
}

// CredentialTypes are the consumer credentials the modules manage, by
// plugin name.
var CredentialTypes = map[string]*CredentialType{
	"key-auth":   credential("key-auth", "key-auth credential", "key-auth", "key-auths", "keyauth_credentials", "key", true, "key"),
	"basic-auth": credential("basic-auth", "basic-auth credential", "basic-auth", "basic-auths", "basicauth_credentials", "username", false, "password"),
	"jwt":        credential("jwt", "jwt credential", "jwt", "jwts", "jwt_secrets", "key", true, "secret"),
	"hmac-auth":  credential("hmac-auth", "hmac-auth credential", "hmac-auth", "hmac-auths", "hmacauth_credentials", "username", false, "secret"),
	"acl":        aclType(),
}

// aclType: an acl group is unique within its consumer only (Kong's
// cache_key {consumer, group}), not across consumers.
func aclType() *CredentialType {
	t := credential("acl", "acl group", "acls", "acls", "acls", "group", false)
	t.Kind.CacheKey = []string{"consumer", "group"}
	t.Kind.CacheKeyParents = []KeyParent{{"consumer", "consumers", ConsumerKind}}
	return t
}

// Parent is the path of the consumer a credential request writes under
// (Request.Parent).
func CredentialParent(consumerID string) []string { return []string{"consumers", consumerID} }

// CredentialTypeNames lists the supported types, sorted.
func CredentialTypeNames() []string {
	names := make([]string, 0, len(CredentialTypes))
	for n := range CredentialTypes {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// FindCredential reads the consumer's credential of this type whose
// identity field equals value (or, with id, the credential with that id).
// It lists the consumer's credentials rather than asking for
// /key-auths/{key}, so a key never travels in a URL (where access logs
// would keep it). A credential with that id that belongs to another
// consumer is an error: moving credentials between consumers is not
// something a task should do by accident.
func (c *Conn) FindCredential(ctx context.Context, t *CredentialType, consumerID, id, value string) (Object, error) {
	if id != "" {
		obj, err := c.Get(ctx, PathFor(t.TopLevel, id))
		if err != nil {
			return nil, ErrorFromKong(err, fmt.Sprintf("reading %s with id %s", t.Kind.Name, id))
		}
		if obj != nil {
			if owner, _ := asMap(obj["consumer"])["id"].(string); owner != consumerID {
				return nil, fmt.Errorf("%s with id %s belongs to another consumer (id %s): delete it there first", t.Kind.Name, id, owner)
			}
		}
		return obj, nil
	}
	all, err := c.List(ctx, PathFor("consumers", consumerID, t.Kind.Collection))
	if err != nil {
		return nil, ErrorFromKong(err, fmt.Sprintf("listing the %s credentials of consumer %s", t.Name, consumerID))
	}
	for _, cred := range all {
		if v, _ := cred[t.Identity].(string); v == value {
			return cred, nil
		}
	}
	return nil, nil
}
