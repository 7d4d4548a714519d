package kongroute

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/tests/kongemu"
)

// expressionsNode is a Kong 3.9 emulator that reports router_flavor
// "expressions" and, since the emulator's route schema has no expression
// field, answers route writes itself, keeping what the module sent.
type expressionsNode struct {
	emu  *kongemu.Server
	mu   sync.Mutex
	sent []map[string]any
	held map[string]any
}

func (n *expressionsNode) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/":
		rec := httptest.NewRecorder()
		n.emu.ServeHTTP(rec, r)
		var root map[string]any
		_ = json.Unmarshal(rec.Body.Bytes(), &root)
		root["configuration"].(map[string]any)["router_flavor"] = "expressions"
		_ = json.NewEncoder(w).Encode(root)
	case strings.HasPrefix(r.URL.Path, "/routes/"):
		n.mu.Lock()
		defer n.mu.Unlock()
		if r.Method == http.MethodGet {
			if n.held == nil {
				w.WriteHeader(http.StatusNotFound)
				_, _ = io.WriteString(w, `{"message":"Not found"}`)
				return
			}
			_ = json.NewEncoder(w).Encode(n.held)
			return
		}
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		n.sent = append(n.sent, body)
		if n.held == nil {
			n.held = map[string]any{"id": "4e3ad2e4-0bc4-4638-8e34-c84a417ba39b", "name": "r", "priority": 0.0}
		}
		for k, v := range body {
			n.held[k] = v
		}
		_ = json.NewEncoder(w).Encode(n.held)
	default:
		n.emu.ServeHTTP(w, r)
	}
}

func TestExpressionsRouter_SendsExpressionAndPriority(t *testing.T) {
	t.Parallel()
	emu, err := kongemu.New(kongemu.Options{})
	require.NoError(t, err)
	node := &expressionsNode{emu: emu}
	srv := httptest.NewServer(node)
	t.Cleanup(srv.Close)
	args := map[string]any{"admin_url": srv.URL, "name": "r", "expression": `http.path ^= "/api"`, "priority": 10}

	created := ansible.Execute(context.Background(), Definition, args)
	require.NotEqual(t, true, created["failed"], "%v", created["msg"])
	assert.Equal(t, "create", created["operation"])
	require.Len(t, node.sent, 1)
	assert.Equal(t, `http.path ^= "/api"`, node.sent[0]["expression"])
	assert.EqualValues(t, 10, node.sent[0]["priority"])

	again := ansible.Execute(context.Background(), Definition, args)
	require.NotEqual(t, true, again["failed"], "%v", again["msg"])
	assert.Equal(t, false, again["changed"])

	args["priority"] = 20
	updated := ansible.Execute(context.Background(), Definition, args)
	assert.Equal(t, []any{"priority"}, updated["changes"])
	require.Len(t, node.sent, 2)
	assert.Equal(t, map[string]any{"priority": 20.0}, node.sent[1], "only the changed field is sent")
}
