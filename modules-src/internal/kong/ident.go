package kong

import (
	"fmt"
	"strings"

	"platform.ops/modules-src/internal/ansible"
)

// CheckIdentifiers refuses, before anything is sent, identifier options
// (names, ids, references to other entities) that cannot name an entity in
// an Admin API path: "" would make /services/{name} the collection
// /services/, whose list Kong answers, and "." or ".." would be folded into
// another path. Options not given are fine; a list option is checked
// element by element.
func CheckIdentifiers(p ansible.Params, options ...string) error {
	for _, name := range options {
		switch v := p[name].(type) {
		case string:
			if err := checkIdentifier(name, v); err != nil {
				return err
			}
		case []any:
			for _, e := range v {
				if s, ok := e.(string); ok {
					if err := checkIdentifier(name+" element", s); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

// CheckReferences refuses, before anything is sent, an empty (or "." /
// "..") option that names the entity another one is attached to: a
// plugin's service, route, consumer or consumer_group, a route's service.
// Read as "not given", an empty value (say, from an empty variable) would
// silently widen what the task does: owner is what is attached ("plugin")
// and notGiven what leaving the option out means, for the message.
// Options not given (null) are fine.
func CheckReferences(p ansible.Params, owner, notGiven string, options ...string) error {
	for _, name := range options {
		v, ok := p[name].(string)
		if !ok {
			continue
		}
		switch strings.TrimSpace(v) {
		case "":
			return fmt.Errorf("%s must not be empty: it names the %s the %s is attached to, and an empty value is refused rather than read as not given (%s); leave the option out if that is meant",
				name, strings.ReplaceAll(name, "_", " "), owner, notGiven)
		case ".", "..":
			return checkIdentifier(name, v)
		}
	}
	return nil
}

func checkIdentifier(what, v string) error {
	switch strings.TrimSpace(v) {
	case "":
		return fmt.Errorf("%s must not be empty: it names one Kong entity (an empty value would address the whole collection); leave the option out instead", what)
	case ".", "..":
		return fmt.Errorf("%s cannot be %q: Kong finds entities by name or id in the URL path, where %q is not a name", what, v, v)
	}
	return nil
}

// checkPath refuses a request path with an empty, "." or ".." segment,
// which would address another resource than the one meant (a collection
// instead of an entity): the last guard behind CheckIdentifiers, for a
// value no option check caught.
func checkPath(method, path string) error {
	p := path
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	for _, seg := range strings.Split(strings.TrimPrefix(p, "/"), "/") {
		if seg == "" || seg == "." || seg == ".." {
			return fmt.Errorf("refusing to send %s %s: an empty, \".\" or \"..\" identifier would address another resource than the one meant (a collection instead of an entity)", method, path)
		}
	}
	return nil
}

// CheckID refuses an id option that is not a UUID (Kong's ids are), before
// anything is sent; instead says what to use to select the entity by name,
// e.g. "use name to select a service by name".
func CheckID(id, instead string) error {
	if id == "" || uuidRE.MatchString(id) {
		return nil
	}
	return fmt.Errorf("id must be a UUID such as 9f3c6b0e-1111-4222-8333-444455556666, got %q (%s)", id, instead)
}

// IsUUID reports whether s is shaped like a Kong id (Kong reads such a path
// key as an id, never as a name).
func IsUUID(s string) bool { return uuidRE.MatchString(s) }
