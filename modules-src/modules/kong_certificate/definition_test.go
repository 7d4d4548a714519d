package kongcertificate

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"platform.ops/modules-src/internal/ansible"
)

func TestDefinition_IsConsistent(t *testing.T) {
	t.Parallel()
	require.NoError(t, Definition.Check())
	var examples []map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(Definition.Examples), &examples), "EXAMPLES must be YAML")
	for _, ex := range examples {
		assert.Contains(t, ex, "platform.ops.kong_certificate", "every example uses the module")
	}
	var returns map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(Definition.Returns), &returns), "RETURN must be YAML")
	assert.Contains(t, returns, "certificate")
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args map[string]any
		msg  string
	}{
		{"something to find it by", map[string]any{"tags": []any{"a"}}, "one of the following is required: id, snis, cert"},
		{"alt pair together", map[string]any{"cert": "c", "key": "not-a-real-key", "cert_alt": "c2"}, "parameters are required together: cert_alt, key_alt"},
		{"id must be a uuid", map[string]any{"id": "www.example.com"}, `(use snis or cert to select a certificate without its id)`},
		{"no empty sni", map[string]any{"snis": []any{"a.test", ""}}, "snis element must not be empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := map[string]any{"admin_url": "http://127.0.0.1:1", "admin_retries": 0}
			for k, v := range tc.args {
				args[k] = v
			}
			out := ansible.Execute(context.Background(), Definition, args)
			assert.Equal(t, true, out["failed"], out)
			assert.Contains(t, out["msg"], tc.msg)
			assert.Equal(t, false, out["changed"])
		})
	}
}
