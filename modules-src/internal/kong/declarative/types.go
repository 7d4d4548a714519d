package declarative

import "platform.ops/modules-src/internal/kong"

// Type is one entity type of a declarative state: where it sits in the
// state file (Key, and Nested lists under its parents), how Kong lists it,
// how an entity of it is identified, what it refers to, and its level in
// the dependency order.
type Type struct {
	Key  string // its list in the state and in the summary: "services"
	Name string // singular, for messages: "service"
	// Kind is what the engine knows of the entity; nil for plugins, whose
	// Kind depends on the plugin's schema (kong.PluginKindFor).
	Kind *kong.Kind
	// Credential is set for consumer credentials.
	Credential *kong.CredentialType
	// List is the collection listed in bulk (GET /{List}?size=1000); empty
	// for an entity listed per parent (targets, under their upstream).
	List string
	// Level orders the types: creates and updates go level by level from
	// 0 up, deletes from the top level down (see order.go).
	Level int
	// Names are the fields that name an entity, in the order a reference
	// or a match tries them (besides id): "name" for services, "username"
	// then "custom_id" for consumers. Empty for entities identified by
	// their parent and their content (credentials, targets, plugins).
	Names []string
	// Refs are the fields that refer to other entities, as a state names
	// them (by name or id).
	Refs []*RefField
	// Nested are the lists of child entities a state entry of this type
	// may hold ("routes" under a service).
	Nested []*Nested
	// Sugar are keys a state entry may hold that are not fields of Kong's
	// schema: decK's url of a service.
	Sugar []string
}

// RefField is a field of an entity that refers to another entity.
type RefField struct {
	Field string // "service"
	To    *Type
	// Parent: the entity lives under the referred one in Kong's API
	// (credentials under /consumers/{id}/...): Request.Parent.
	Parent bool
	// Many: the field holds a list of ids (a service's ca_certificates);
	// only ids are accepted there, as in Kong.
	Many bool
}

// Nested is a list of children in a state entry: Key under the parent,
// Field the child's ref set to the parent.
type Nested struct {
	Key   string
	Type  *Type
	Field string
}

// The types of a state, declared in init so they can refer to each other.
var (
	Services, Routes, Consumers, Plugins *Type
	KeyAuths, BasicAuths, JWTs, HMACs    *Type
	ACLs                                 *Type
	Upstreams, Targets                   *Type
	Certificates, CACertificates         *Type
	Vaults, KeySets, Keys                *Type
	// All lists every type in dependency order (Level, then state order).
	All []*Type
	// byKey finds a top-level type by its state key.
	byKey map[string]*Type
)

func credentialType(key, plugin string, level int) *Type {
	ct := kong.CredentialTypes[plugin]
	return &Type{Key: key, Name: ct.Kind.Name, Kind: ct.Kind, Credential: ct, List: ct.TopLevel, Level: level}
}

func init() {
	Services = &Type{Key: "services", Name: "service", Kind: kong.ServiceKind, List: "services", Level: 1,
		Names: []string{"name"}, Sugar: []string{"url"}}
	Routes = &Type{Key: "routes", Name: "route", Kind: kong.RouteKind, List: "routes", Level: 2,
		Names: []string{"name"}}
	Consumers = &Type{Key: "consumers", Name: "consumer", Kind: kong.ConsumerKind, List: "consumers", Level: 0,
		Names: []string{"username", "custom_id"}}
	Plugins = &Type{Key: "plugins", Name: "plugin", List: "plugins", Level: 3}
	KeyAuths = credentialType("keyauth_credentials", "key-auth", 1)
	BasicAuths = credentialType("basicauth_credentials", "basic-auth", 1)
	JWTs = credentialType("jwt_secrets", "jwt", 1)
	HMACs = credentialType("hmacauth_credentials", "hmac-auth", 1)
	ACLs = credentialType("acls", "acl", 1)

	Upstreams = &Type{Key: "upstreams", Name: "upstream", Kind: kong.UpstreamKind, List: "upstreams", Level: 1,
		Names: []string{"name"}}
	// Kong lists targets under their upstream only (no GET /targets).
	Targets = &Type{Key: "targets", Name: "target", Kind: kong.TargetKind, Level: 2}
	// A certificate is named by its id or its content (as decK does); its
	// SNIs are written, as in decK, as a list of {name: ...} (Sugar).
	Certificates = &Type{Key: "certificates", Name: "certificate", Kind: kong.CertificateKind, List: "certificates", Level: 0,
		Sugar: []string{"snis"}}
	CACertificates = &Type{Key: "ca_certificates", Name: "CA certificate", Kind: kong.CACertificateKind, List: "ca_certificates", Level: 0}
	Vaults = &Type{Key: "vaults", Name: "vault", Kind: kong.VaultKind, List: "vaults", Level: 0, Names: []string{"prefix"}}
	KeySets = &Type{Key: "key_sets", Name: "key set", Kind: kong.KeySetKind, List: "key-sets", Level: 0, Names: []string{"name"}}
	Keys = &Type{Key: "keys", Name: "key", Kind: kong.KeyKind, List: "keys", Level: 1, Names: []string{"name"}}

	Services.Refs = []*RefField{{Field: "client_certificate", To: Certificates}, {Field: "ca_certificates", To: CACertificates, Many: true}}
	Upstreams.Refs = []*RefField{{Field: "client_certificate", To: Certificates}}
	Targets.Refs = []*RefField{{Field: "upstream", To: Upstreams, Parent: true}}
	Upstreams.Nested = []*Nested{{Key: "targets", Type: Targets, Field: "upstream"}}
	Keys.Refs = []*RefField{{Field: "set", To: KeySets}}
	Routes.Refs = []*RefField{{Field: "service", To: Services}}
	Plugins.Refs = []*RefField{
		{Field: "service", To: Services}, {Field: "route", To: Routes}, {Field: "consumer", To: Consumers},
	}
	Services.Nested = []*Nested{{Key: "routes", Type: Routes, Field: "service"}, {Key: "plugins", Type: Plugins, Field: "service"}}
	Routes.Nested = []*Nested{{Key: "plugins", Type: Plugins, Field: "route"}}
	Consumers.Nested = []*Nested{{Key: "plugins", Type: Plugins, Field: "consumer"}}
	for _, t := range []*Type{KeyAuths, BasicAuths, JWTs, HMACs, ACLs} {
		t.Refs = []*RefField{{Field: "consumer", To: Consumers, Parent: true}}
		Consumers.Nested = append(Consumers.Nested, &Nested{Key: t.Key, Type: t, Field: "consumer"})
	}
	All = []*Type{Certificates, CACertificates, Vaults, KeySets, Consumers, Services, Upstreams, Keys,
		KeyAuths, BasicAuths, JWTs, HMACs, ACLs, Routes, Targets, Plugins}
	byKey = map[string]*Type{}
	for _, t := range []*Type{Services, Routes, Consumers, Plugins, Upstreams, Certificates, CACertificates, Vaults, KeySets, Keys} {
		byKey[t.Key] = t
	}
}

// topLevelKeys are the entity lists a state may hold at its top.
func topLevelKeys() []string {
	var out []string
	for _, t := range All {
		if byKey[t.Key] == t {
			out = append(out, t.Key)
		}
	}
	return out
}

// levels is the highest Level of All, plus one.
func levels() int {
	n := 0
	for _, t := range All {
		n = max(n, t.Level+1)
	}
	return n
}
