package kong

import (
	"encoding/json"
	"fmt"
)

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

// jwkPrivateMembers are the members of a JSON Web Key that are secret
// (RFC 7518 section 6: d of an EC or OKP key; d, p, q, dp, dq, qi and oth
// of an RSA key; k of a symmetric key). The rest (kty, kid, crv, x, y, n,
// e, alg, use, ...) is the public key and its labels.
var jwkPrivateMembers = []string{"d", "p", "q", "dp", "dq", "qi", "oth", "k"}

// JWKSecrets is the Option.Secrets of a jwk given as a dict or a JSON
// string: the values of its private members, and a JSON string whole
// (it holds them). Masking the whole dict instead, as no_log would, would
// also mask its kid, and with it every kid in the output.
func JWKSecrets(v any) []string {
	var out []string
	m, isMap := v.(map[string]any)
	switch t := v.(type) {
	case nil:
		return nil
	case string:
		out = append(out, t)
		if json.Unmarshal([]byte(t), &m) != nil || m == nil {
			return out // not JSON: a vault reference
		}
	default:
		if !isMap {
			return []string{fmt.Sprint(v)}
		}
	}
	for _, f := range jwkPrivateMembers {
		if val, ok := m[f]; ok && val != nil {
			if s, ok := val.(string); ok {
				out = append(out, s)
			} else {
				b, _ := json.Marshal(val)
				out = append(out, string(b))
			}
		}
	}
	return out
}
