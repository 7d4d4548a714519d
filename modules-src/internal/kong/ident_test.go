package kong

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestCheckPath: the last guard refuses a request path that an empty or
// dot identifier turned into another resource.
func TestCheckPath(t *testing.T) {
	t.Parallel()
	for path, ok := range map[string]bool{
		"/services/svc":                 true,
		"/services?size=1000":           true,
		"/consumers/c/key-auth":         true,
		"/schemas/plugins/cors":         true,
		"/services/":                    false,
		"/services//routes":             false,
		"/services/.":                   false,
		"/services/../consumers":        false,
		PathFor("plugins", "") + "?x=1": false,
	} {
		err := checkPath("GET", path)
		if ok {
			assert.NoError(t, err, path)
		} else {
			assert.ErrorContains(t, err, "refusing to send GET "+path, path)
		}
	}
}
