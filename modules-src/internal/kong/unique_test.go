package kong

import (
	"context"
	"errors"
	"maps"
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
	schema := ParseSchema("consumers", RawSchema{"fields": []any{
		map[string]any{"id": map[string]any{"type": "string", "unique": true}},
		map[string]any{"username": map[string]any{"type": "string", "unique": true}},
		map[string]any{"tags": map[string]any{"type": "set"}},
		map[string]any{"custom_id": map[string]any{"type": "string", "unique": true}},
	}})
	assert.Equal(t, []string{"username", "custom_id"}, schema.UniqueFields(), "schema order, without id")
}

// TestCheckCacheKey: check mode looks for another holder of a cache key
// (one plugin per name and scope, one acl group per consumer) only when
// the write could change it, lists the key's most specific parent's
// collection, and fails like the real write's 409.
func TestCheckCacheKey(t *testing.T) {
	t.Parallel()
	const (
		held = "1b0e1d2c-3b4a-4958-8776-655443322110"
		mine = "2b0e1d2c-3b4a-4958-8776-655443322110"
		acl  = "3b0e1d2c-3b4a-4958-8776-655443322110"
	)
	for _, version := range []string{"3.9.3", "2.8.5"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			c, env := emuConn(t, version)
			svc := env.Send(t, http.MethodPut, "/services/svc", map[string]any{"host": "h.test"})["id"].(string)
			rt := env.Send(t, http.MethodPut, "/routes/rt", map[string]any{"paths": []any{"/rt"}})["id"].(string)
			cons := env.Send(t, http.MethodPut, "/consumers/c", map[string]any{})["id"].(string)
			env.Send(t, http.MethodPut, "/plugins/"+held, map[string]any{"name": "cors", "service": map[string]any{"id": svc}})
			env.Send(t, http.MethodPut, "/plugins/"+mine, map[string]any{"name": "cors", "route": map[string]any{"id": rt}})
			env.Send(t, http.MethodPost, "/consumers/c/acls", map[string]any{"group": "g"})
			env.Requests()
			plugin := func(id string, found bool, scope Object) *Request {
				d := Object{"name": "cors", "route": nil, "service": nil, "consumer": nil}
				maps.Copy(d, scope)
				return &Request{Kind: PluginKind, Select: Selector{ID: id}, Desired: d, CheckMode: true, KeyFound: found}
			}
			onService := Object{"service": Object{"id": svc}}
			aclReq := func(desired Object) *Request {
				desired["consumer"] = Object{"id": cons}
				return &Request{Kind: CredentialTypes["acl"].Kind, Select: Selector{ID: acl}, Parent: CredentialParent(cons), Desired: desired, CheckMode: true}
			}
			for _, tc := range []struct {
				name    string
				req     *Request
				reqs    []string
				failure map[string]string // fields of the 409, nil for success
			}{
				{"no change: no lookup", plugin(mine, false, Object{"route": Object{"id": rt}}),
					[]string{"GET /plugins/" + mine}, nil},
				{"an update that keeps the key: no lookup", plugin(mine, false, Object{"route": Object{"id": rt}, "enabled": false}),
					[]string{"GET /plugins/" + mine, "POST /schemas/plugins/validate"}, nil},
				// The schema is read once per connection (here for the
				// UNIQUE fields, as a create sets the name).
				{"a create Find looked up by the key: no lookup", plugin(acl, true, nil),
					[]string{"GET /plugins/" + acl, "POST /schemas/plugins/validate", "GET /schemas/plugins"}, nil},
				{"a create by id into a held scope: the scope's plugins", plugin(acl, false, onService),
					[]string{"GET /plugins/" + acl, "POST /schemas/plugins/validate", "GET /services/" + svc + "/plugins"},
					map[string]string{"name": "cors", "service.id": svc}},
				{"a move into a held scope", plugin(mine, false, onService),
					[]string{"GET /plugins/" + mine, "POST /schemas/plugins/validate", "GET /services/" + svc + "/plugins"},
					map[string]string{"name": "cors", "service.id": svc}},
				{"a move to the most specific scope: its plugins", plugin(mine, false, Object{"route": Object{"id": rt}, "service": Object{"id": svc}}),
					[]string{"GET /plugins/" + mine, "POST /schemas/plugins/validate", "GET /routes/" + rt + "/plugins"}, nil},
				{"a move to global: all plugins", plugin(mine, false, nil),
					[]string{"GET /plugins/" + mine, "POST /schemas/plugins/validate", "GET /plugins"}, nil},
				{"an acl created by id with a group its consumer has", aclReq(Object{"group": "g"}),
					[]string{"GET /consumers/" + cons + "/acls/" + acl, "POST /schemas/acls/validate", "GET /schemas/acls", "GET /consumers/" + cons + "/acls"},
					map[string]string{"consumer.id": cons, "group": "g"}},
				{"an acl created by id with a free group", aclReq(Object{"group": "free"}),
					[]string{"GET /consumers/" + cons + "/acls/" + acl, "POST /schemas/acls/validate", "GET /consumers/" + cons + "/acls"}, nil},
			} {
				_, err := c.Ensure(ctx, tc.req)
				assert.Equal(t, tc.reqs, env.Requests(), tc.name)
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

			// The real writes fail with the same fields and message.
			_, err := c.Ensure(ctx, &Request{Kind: PluginKind, Select: Selector{ID: mine},
				Desired: Object{"name": "cors", "route": nil, "service": Object{"id": svc}, "consumer": nil}})
			var f *ansible.Failure
			require.True(t, errors.As(err, &f), "%v", err)
			assert.Equal(t, map[string]string{"name": "cors", "service.id": svc}, f.Fields["fields"])
			assert.Contains(t, f.Msg, `Kong answered HTTP 409: UNIQUE violation detected on '{consumer=null,name="cors",route=null,service={id="`+svc+`"}}'`)
			real := aclReq(Object{"group": "g"})
			real.CheckMode = false
			_, err = c.Ensure(ctx, real)
			require.True(t, errors.As(err, &f), "%v", err)
			assert.Equal(t, map[string]string{"consumer.id": cons, "group": "g"}, f.Fields["fields"])
			assert.Contains(t, f.Msg, `Kong answered HTTP 409: UNIQUE violation detected on '{consumer={id="`+cons+`"},group="g"}'`)
		})
	}
}

func TestLuaLiteral(t *testing.T) {
	t.Parallel()
	assert.Equal(t, `{consumer=null,name="cors",route=null,service={id="x"}}`,
		luaLiteral(Object{"name": "cors", "service": Object{"id": "x"}, "route": nil, "consumer": nil}))
	assert.Equal(t, `{name="a\"b"}`, luaLiteral(Object{"name": `a"b`}))
}
