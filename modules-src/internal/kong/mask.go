package kong

import (
	"regexp"
	"sync"
)

// Masked replaces secret values in diffs and returned entities.
const Masked = "********"

var secretKey = regexp.MustCompile(`(?i)(password|passwd|secret|private|credential)|(^|_)(key|token|apikey|api_key)$`)

// KeyLooksSecret reports whether a field name suggests a credential
// (password, client_secret, private_key, key, access_token, credentials,
// ...). It is the one name rule for every secret decision: masking task
// results (Mask), kong_plugin's secret config values (FieldDef.Shape,
// SecretStrings) and what kong_info leaves out of an export.
func KeyLooksSecret(name string) bool {
	if v, ok := secretNames.Load(name); ok {
		return v.(bool)
	}
	secret := secretKey.MatchString(name)
	secretNames.Store(name, secret)
	return secret
}

// secretNames caches KeyLooksSecret: field names are few and masking a
// bulk state asks about each of them thousands of times.
var secretNames sync.Map

// entryLooksSecret is KeyLooksSecret for a field, and for an entry of a
// map-typed field also HeaderLooksSecret: a map's keys are names the user
// chose, most often HTTP headers (http-log's config.headers is a plain map
// on Kong 2.8, where nothing marks its values referenceable), so an
// Authorization or Cookie entry is a credential too.
func entryLooksSecret(name string, inMap bool) bool {
	return KeyLooksSecret(name) || (inMap && HeaderLooksSecret(name))
}

// Mask returns a copy of v with every secret string replaced by Masked: the
// fields the shape marks Secret and the fields whose name looks secret (of a
// URL only its credentials: see urlsecret.go).
// Numbers and booleans are never secret, so "hide_credentials: true" stays
// readable.
func Mask(v any, shape *Shape) any {
	return mask(v, shape, false)
}

// MaskObject is Mask for an object.
func MaskObject(o Object, shape *Shape) Object {
	if o == nil {
		return nil
	}
	m, _ := Mask(o, shape).(map[string]any)
	return m
}

func mask(v any, shape *Shape, secret bool) any {
	if shape != nil && shape.Secret {
		secret = true
	}
	switch t := v.(type) {
	case string:
		if secret {
			return maskSecretString(t)
		}
		return t
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			var sub *Shape
			inMap := shape != nil && shape.Type == Map
			if inMap {
				sub = shape.Values
			} else {
				sub = shape.Field(k)
			}
			out[k] = mask(e, sub, secret || entryLooksSecret(k, inMap))
		}
		return out
	case []any:
		var elem *Shape
		if shape != nil {
			elem = shape.Elements
		}
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = mask(e, elem, secret)
		}
		return out
	default:
		return v
	}
}
