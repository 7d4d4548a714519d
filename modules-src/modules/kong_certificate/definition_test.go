package kongcertificate

import (
	"testing"

	"platform.ops/modules-src/internal/kong/kongtest"
)

func TestDefinition_IsConsistent(t *testing.T) {
	t.Parallel()
	kongtest.CheckDefinition(t, Definition, "certificate")
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	tests := kongtest.BadInputs{
		{"something to find it by", map[string]any{"tags": []any{"a"}}, "one of the following is required: id, snis, cert"},
		{"alt pair together", map[string]any{"cert": "c", "key": "not-a-real-key", "cert_alt": "c2"}, "parameters are required together: cert_alt, key_alt"},
		{"id must be a uuid", map[string]any{"id": "www.example.com"}, `(use snis or cert to select a certificate without its id)`},
		{"no empty sni", map[string]any{"snis": []any{"a.test", ""}}, "snis element must not be empty"},
	}
	kongtest.RefuseBadInput(t, Definition, tests)
}
