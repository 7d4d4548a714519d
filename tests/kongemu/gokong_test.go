package kongemu

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/kong/go-kong/kong"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGoKongClient drives the emulator with go-kong, the client the Kong
// modules use, once over a real listener and once in-process (no listener).
func TestGoKongClient(t *testing.T) {
	t.Parallel()
	modes := map[string]func(t *testing.T, s *Server) *kong.Client{
		"listener": func(t *testing.T, s *Server) *kong.Client {
			ts := httptest.NewServer(s)
			t.Cleanup(ts.Close)
			c, err := kong.NewClient(&ts.URL, ts.Client())
			require.NoError(t, err)
			return c
		},
		"in-process": func(t *testing.T, s *Server) *kong.Client {
			c, err := kong.NewClient(kong.String("http://kong.invalid"), s.Client())
			require.NoError(t, err)
			return c
		},
	}
	for name, connect := range modes {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := newTestServer(t, "3.9.3")
			c := connect(t, s)

			info, err := c.Root(ctx)
			require.NoError(t, err)
			assert.Equal(t, "3.9.3", info["version"])

			svc, err := c.Services.Create(ctx, &kong.Service{Name: kong.String("svc"), URL: kong.String("https://example.test:8443/api"), Tags: kong.StringSlice("ansible")})
			require.NoError(t, err)
			assert.Equal(t, "https", *svc.Protocol)
			assert.Equal(t, 8443, *svc.Port)

			_, err = c.Services.Create(ctx, &kong.Service{Name: kong.String("svc"), Host: kong.String("other.test")})
			var apiErr *kong.APIError
			require.True(t, errors.As(err, &apiErr), "%v", err)
			assert.Equal(t, http.StatusConflict, apiErr.Code())

			route, err := c.Routes.CreateInService(ctx, svc.ID, &kong.Route{Name: kong.String("r"), Paths: kong.StringSlice("/api")})
			require.NoError(t, err)
			assert.Equal(t, *svc.ID, *route.Service.ID)

			plugin, err := c.Plugins.CreateForService(ctx, svc.Name, &kong.Plugin{Name: kong.String("rate-limiting"), Config: kong.Configuration{"minute": 5}})
			require.NoError(t, err)
			assert.EqualValues(t, 5, plugin.Config["minute"])
			assert.Equal(t, "local", plugin.Config["policy"], "config defaults are filled")

			consumer, err := c.Consumers.Create(ctx, &kong.Consumer{Username: kong.String("alice")})
			require.NoError(t, err)
			cred, err := c.KeyAuths.Create(ctx, consumer.ID, &kong.KeyAuth{Key: kong.String("alice-key")})
			require.NoError(t, err)
			assert.Equal(t, "alice-key", *cred.Key)

			services, err := c.Services.ListAll(ctx)
			require.NoError(t, err)
			assert.Len(t, services, 1)

			err = c.Services.Delete(ctx, svc.Name)
			require.True(t, errors.As(err, &apiErr))
			assert.Equal(t, http.StatusBadRequest, apiErr.Code(), "a service with routes cannot be deleted")
			require.NoError(t, c.Routes.Delete(ctx, route.ID))
			require.NoError(t, c.Services.Delete(ctx, svc.Name))
			_, err = c.Plugins.Get(ctx, plugin.ID)
			assert.True(t, kong.IsNotFoundErr(err), "plugins cascade with their service")
		})
	}
}
