package kongservice

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong/kongtest"
)

func TestDefinition_IsConsistent(t *testing.T) {
	t.Parallel()
	kongtest.CheckDefinition(t, Definition, "service")
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	// None of these reach Kong: admin_url points at a port nothing listens on.
	tests := kongtest.BadInputs{
		{"name or id is required", map[string]any{"host": "a.test"},
			"one of the following is required: name, id"},
		{"url excludes host", map[string]any{"name": "s", "url": "http://a.test", "host": "b.test"},
			"parameters are mutually exclusive: url|host"},
		{"port must be an int", map[string]any{"name": "s", "port": "eighty"},
			"argument 'port' is of type <class 'str'> and we were unable to convert to int: "},
		{"state has choices", map[string]any{"name": "s", "state": "gone"},
			"value of state must be one of: present, absent, got: gone"},
		{"protocol has choices", map[string]any{"name": "s", "protocol": "ftp"},
			"value of protocol must be one of: grpc, grpcs, http, https, tcp, tls, tls_passthrough, udp, got: ftp"},
		{"unknown option", map[string]any{"name": "s", "hots": "a.test"},
			"Unsupported parameters for (kong_service) module: hots."},
		{"id must be a uuid", map[string]any{"id": "my-service"},
			`id must be a UUID such as 9f3c6b0e-1111-4222-8333-444455556666, got "my-service" (use name to select a service by name)`},
		{"url needs a scheme and host", map[string]any{"name": "s", "url": "httpbin.org/anything"},
			`url "httpbin.org/anything" must look like scheme://host[:port][/path], e.g. http://httpbin.org/anything`},
		{"admin_url must be a URL", map[string]any{"name": "s", "admin_url": "localhost:8001"},
			`admin_url must be an http:// or https:// URL such as http://localhost:8001, got "localhost:8001"`},
	}
	kongtest.RefuseBadInput(t, Definition, tests)
}

func TestUnreachableAdminAPI_SaysSo(t *testing.T) {
	t.Parallel()
	out := ansible.Execute(context.Background(), Definition, map[string]any{
		"name": "s", "host": "a.test", "admin_url": "http://127.0.0.1:1", "admin_retries": 0,
	})
	assert.Equal(t, true, out["failed"])
	assert.Contains(t, out["msg"], `reading service "s": cannot reach the Kong Admin API (GET http://127.0.0.1:1/services/s): dial tcp 127.0.0.1:1: connect: connection refused`)
}
