package kong

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCredential_NestedWritesAndFind drives every credential type through
// the engine with Request.Parent: writes go to /consumers/{id}/<type>,
// check mode validates against the credential's DAO schema, and the
// credential is found by its identity within its consumer only.
func TestCredential_NestedWritesAndFind(t *testing.T) {
	t.Parallel()
	identities := map[string]string{"key-auth": "k-1", "basic-auth": "u-1", "jwt": "iss-1", "hmac-auth": "h-1", "acl": "g-1"}
	for _, version := range []string{"3.9.3", "2.8.5"} {
		for _, name := range CredentialTypeNames() {
			t.Run(version+"/"+name, func(t *testing.T) {
				t.Parallel()
				ctx := context.Background()
				c, env := emuConn(t, version)
				alice := env.Send(t, http.MethodPut, "/consumers/alice", map[string]any{})["id"].(string)
				bob := env.Send(t, http.MethodPut, "/consumers/bob", map[string]any{})["id"].(string)
				ct := CredentialTypes[name]
				value := identities[name]
				desired := Object{"consumer": Object{"id": alice}, ct.Identity: value}
				if name == "basic-auth" {
					desired["password"] = "pw"
				}
				req := func(consumer string, check bool) *Request {
					// Find looks the credential up by its identity within
					// its consumer, an acl's cache key: KeyFound.
					return &Request{Kind: ct.Kind, Parent: CredentialParent(consumer), Desired: desired, CheckMode: check,
						Find: func(ctx context.Context, _ *Request) (Object, error) {
							return c.FindCredential(ctx, ct, consumer, "", value)
						},
						KeyFound: true}
				}
				env.Requests()

				check, err := c.Ensure(ctx, req(alice, true))
				require.NoError(t, err)
				assert.Equal(t, OpCreate, check.Op)
				want := []string{"GET /consumers/" + alice + "/" + ct.Kind.Collection, "POST /schemas/" + ct.Kind.DAO + "/validate",
					"GET /schemas/" + ct.Kind.DAO}
				if name == "basic-auth" || name == "hmac-auth" {
					// A unique user name: who holds it, by its endpoint key.
					// Keys (key-auth, jwt) never go in a URL; acl groups are
					// unique per consumer only.
					want = append(want, "GET /"+ct.TopLevel+"/"+value)
				}
				assert.Equal(t, want, env.Requests(), "check mode validates, reads the schema (unique fields, and the created credential's defaults), asks who holds a unique user name, and writes nothing")

				out, err := c.Ensure(ctx, req(alice, false))
				require.NoError(t, err)
				assert.Equal(t, OpCreate, out.Op)
				reqs := env.Requests()
				assert.Equal(t, "POST /consumers/"+alice+"/"+ct.Kind.Collection, reqs[len(reqs)-1])

				found, err := c.FindCredential(ctx, ct, alice, "", value)
				require.NoError(t, err)
				require.NotNil(t, found)
				id := found["id"].(string)
				other, err := c.FindCredential(ctx, ct, bob, "", value)
				require.NoError(t, err)
				assert.Nil(t, other, "another consumer's credential is not found")
				_, err = c.FindCredential(ctx, ct, bob, id, "")
				assert.ErrorContains(t, err, "belongs to another consumer")

				gone, err := c.Remove(ctx, req(alice, false))
				require.NoError(t, err)
				assert.Equal(t, OpDelete, gone.Op)
				reqs = env.Requests()
				assert.Equal(t, "DELETE /consumers/"+alice+"/"+ct.Kind.Collection+"/"+id, reqs[len(reqs)-1])
			})
		}
	}
}
