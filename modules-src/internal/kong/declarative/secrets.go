package declarative

import (
	"sort"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong"
)

// SecretsBeforeSchema is the state option's Option.Secrets, and what a run
// masks of state files until it knows better: every string under a key
// that looks secret (a credential's key, password or secret, a
// certificate's key) and, in plugin configs, what kong_plugin masks before
// it has the plugin's schema (strings of 8 characters or more, and values
// of secret-looking keys).
func SecretsBeforeSchema(v any) []string {
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch t := kong.Normalize(v).(type) {
		case map[string]any:
			for k, e := range t {
				switch {
				case isEntityList(k):
					walk(e) // "keyauth_credentials" is a list of entities, not a secret
				case k == "config":
					out = append(out, kong.ConfigSecretsBeforeSchema(e)...)
				case kong.KeyLooksSecret(k) || k == "jwk":
					out = append(out, ansible.AllLeaves(e)...)
				default:
					walk(e)
				}
			}
		case []any:
			for _, e := range t {
				walk(e)
			}
		}
	}
	walk(v)
	sort.Strings(out)
	return out
}

// isEntityList reports whether a state's key holds a list of entities.
func isEntityList(key string) bool {
	for _, t := range All {
		if t.Key == key {
			return true
		}
	}
	return false
}

// secrets are the values of the state that are secret by the rules that
// mask Kong entities in results (kong.Mask: the fields a Kind's shape or a
// plugin's schema marks secret, and secret-looking names): once the
// schemas are read, a run masks these and no more.
func (r *run) secrets() []string {
	var out []string
	for _, s := range r.steps {
		if s.e == nil {
			continue
		}
		out = append(out, maskedLeaves(s.plan.Desired, kong.Mask(s.plan.Desired, s.req.Kind.Shape))...)
		out = append(out, maskedLeaves(s.e.Fields, kong.Mask(s.e.Fields, s.req.Kind.Shape))...)
	}
	sort.Strings(out)
	return out
}

// maskedLeaves lists the strings of v that masked (its Mask) replaced.
func maskedLeaves(v, masked any) []string {
	switch t := v.(type) {
	case string:
		if masked == kong.Masked && t != kong.Masked && t != "" {
			return []string{t}
		}
	case map[string]any:
		m, _ := masked.(map[string]any)
		var out []string
		for k, e := range t {
			out = append(out, maskedLeaves(e, m[k])...)
		}
		return out
	case []any:
		l, _ := masked.([]any)
		var out []string
		for i, e := range t {
			if i < len(l) {
				out = append(out, maskedLeaves(e, l[i])...)
			}
		}
		return out
	}
	return nil
}
