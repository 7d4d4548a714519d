package kong

// KeySetKind is the Kong Key Set (GET /key-sets/{name or id}, Kong 3.1+):
// a named group of keys, e.g. the JWKS a plugin reads.
var KeySetKind = &Kind{
	Name:       "key set",
	Collection: "key-sets",
	DAO:        "key_sets",
	Module:     "platform.ops.kong_key_set",
	KeyField:   "name",
	Since:      "3.1",
	Shape: RecordOf(map[string]*Shape{
		"tags": SetOf(nil),
	}),
}

// KeyKind is the Kong Key (GET /keys/{name or id}, Kong 3.1+): a JWK or a
// PEM key pair, optionally in a key set. The jwk string holds the private
// parts (and is a secret: Kong's schema marks it encrypted), compared as
// JSON; the PEM keys compare by content, the private one masked. Kong
// keeps {kid, set} unique (the cache key of kong/db/schema/entities/
// keys.lua): one key per kid in a set, or outside any set.
var KeyKind = &Kind{
	Name:       "key",
	Collection: "keys",
	Module:     "platform.ops.kong_key",
	KeyField:   "name",
	Since:      "3.1",
	Shape: RecordOf(map[string]*Shape{
		"set":  ForeignKey,
		"tags": SetOf(nil),
		"jwk":  {Type: Scalar, Canon: JSONCanon, Secret: true},
		"pem": RecordOf(map[string]*Shape{
			"private_key": secretPEM,
			"public_key":  pemField,
		}),
	}),
	CacheKey:        []string{"kid", "set"},
	CacheKeyParents: []KeyParent{{"set", "key-sets", KeySetKind}},
}
