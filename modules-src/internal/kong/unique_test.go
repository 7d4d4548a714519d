package kong

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"platform.ops/modules-src/internal/ansible"
)

// TestCheckUnique: check mode asks who holds a unique value only when the
// write sets it, and fails like the real write's 409.
func TestCheckUnique(t *testing.T) {
	t.Parallel()
	const id = "6f0e1d2c-3b4a-4958-8776-655443322110"
	for _, version := range []string{"3.9.3", "2.8.5"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			c, env := emuConn(t, version)
			var warnings []string
			c.Warn = func(m string) { warnings = append(warnings, m) }
			env.Send(t, http.MethodPut, "/services/held", map[string]any{"host": "h.test"})
			env.Send(t, http.MethodPut, "/services/"+id, map[string]any{"name": "mine", "host": "m.test"})
			env.Send(t, http.MethodPut, "/consumers/holder", map[string]any{"custom_id": "held"})
			env.Requests()
			svc := func(sel Selector, desired Object) *Request {
				return &Request{Kind: ServiceKind, Select: sel, Desired: desired, CheckMode: true}
			}

			for _, tc := range []struct {
				name    string
				req     *Request
				reqs    []string
				failure map[string]string // fields of the 409, nil for success
			}{
				{"no change: the one GET", svc(Selector{Key: "mine"}, Object{"host": "m.test"}),
					[]string{"GET /services/mine"}, nil},
				{"no string set: no schema, no lookup", svc(Selector{ID: id}, Object{"port": 81}),
					[]string{"GET /services/" + id, "POST /schemas/services/validate"}, nil},
				// The schema is read once per connection.
				{"a string that is not unique: the schema, no lookup", svc(Selector{ID: id, Key: "mine"}, Object{"host": "n.test"}),
					[]string{"GET /services/" + id, "POST /schemas/services/validate", "GET /schemas/services"}, nil},
				// A create reads the schema anyway, for its prediction.
				{"create by name: the GET by name answered", svc(Selector{Key: "new"}, Object{"host": "n.test"}),
					[]string{"GET /services/new", "POST /schemas/services/validate"}, nil},
				{"rename to a free name", svc(Selector{ID: id, Key: "free"}, Object{"name": "free"}),
					[]string{"GET /services/" + id, "POST /schemas/services/validate", "GET /services/free"}, nil},
				{"rename to a held name", svc(Selector{ID: id, Key: "held"}, Object{"name": "held"}),
					[]string{"GET /services/" + id, "POST /schemas/services/validate", "GET /services/held"}, map[string]string{"name": "held"}},
				{"custom_id held by another consumer",
					&Request{Kind: ConsumerKind, Select: Selector{Key: "other"}, Desired: Object{"username": "other", "custom_id": "held"}, CheckMode: true},
					[]string{"GET /consumers/other", "POST /schemas/consumers/validate", "GET /schemas/consumers", "GET /consumers"}, // ?custom_id=held
					map[string]string{"custom_id": "held"}},
			} {
				warnings = nil
				_, err := c.Ensure(ctx, tc.req)
				assert.Equal(t, tc.reqs, env.Requests(), tc.name)
				assert.Empty(t, warnings, tc.name)
				if tc.failure == nil {
					assert.NoError(t, err, tc.name)
					continue
				}
				var f *ansible.Failure
				require.True(t, errors.As(err, &f), "%s: %v", tc.name, err)
				assert.Equal(t, 409, f.Fields["status"], tc.name)
				assert.Equal(t, tc.failure, f.Fields["fields"], tc.name)
				assert.Equal(t, "unique constraint violation", f.Fields["kong_error"], tc.name)
				assert.Contains(t, f.Msg, "(check mode) failed: Kong would answer HTTP 409: UNIQUE violation detected on '{", tc.name)
			}

			// A name shaped like a UUID cannot be looked up by name: a
			// warning, no guess.
			warnings = nil
			_, err := c.Ensure(ctx, svc(Selector{ID: id, Key: "0a0a0a0a-0000-4000-8000-00000000000a"}, Object{"name": "0a0a0a0a-0000-4000-8000-00000000000a"}))
			require.NoError(t, err)
			assert.Equal(t, []string{"GET /services/" + id, "POST /schemas/services/validate"}, env.Requests())
			require.Len(t, warnings, 1)
			assert.Contains(t, warnings[0], `updating service "0a0a0a0a-0000-4000-8000-00000000000a" (name) (check mode): cannot tell whether another entity already holds this name ("0a0a0a0a-0000-4000-8000-00000000000a" looks like a UUID`)
		})
	}
}

func TestUniqueFields(t *testing.T) {
	t.Parallel()
	schema := Schema{"fields": []any{
		map[string]any{"id": map[string]any{"type": "string", "unique": true}},
		map[string]any{"username": map[string]any{"type": "string", "unique": true}},
		map[string]any{"tags": map[string]any{"type": "set"}},
		map[string]any{"custom_id": map[string]any{"type": "string", "unique": true}},
	}}
	assert.Equal(t, []string{"username", "custom_id"}, UniqueFields(schema), "schema order, without id")
}
