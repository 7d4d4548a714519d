package kongemu

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
)

// A read under the Server's read lock may build an index (the first lookup
// by those fields), next to other reads: kong_declarative reads Kong with
// parallel GETs. make race found such reads racing on the store's indexes.
func TestStore_ConcurrentReadsBuildIndexes(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, "3.9.3")
	do(t, s, "POST", "/services", map[string]any{"name": "svc", "host": "a.test"}, 201)
	do(t, s, "POST", "/services", map[string]any{"name": "other", "host": "b.test"}, 201)

	var wg sync.WaitGroup
	found := make([]int, 16)
	for i := range found {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.mu.RLock()
			defer s.mu.RUnlock()
			// Fields no write has looked up by: each read may build the index.
			found[i] = len(s.db.where("services", []string{"host", "port"}, map[string]any{"host": "a.test", "port": 80}))
		}()
	}
	wg.Wait()
	for i, n := range found {
		assert.Equal(t, 1, n, "read %d", i)
	}
}
