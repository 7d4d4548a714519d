package kongplugin

import (
	"context"
	"fmt"

	"platform.ops/modules-src/internal/kong"
)

// warnNotInstalled: state=absent of a plugin name the node does not know is
// "ok" (no such plugin can exist), but a misspelt name there is a plugin
// left in place: the warning names the closest installed plugin.
func (t *task) warnNotInstalled(ctx context.Context) {
	node := "the Kong node"
	if info, _ := t.conn.Info(ctx); info != nil {
		node = info.String()
	}
	msg := fmt.Sprintf("plugin %q is not installed on %s, so no such plugin exists and nothing was removed", t.name, node)
	if near := kong.ClosestName(t.name, t.conn.AvailablePlugins(ctx)); near != "" {
		msg += fmt.Sprintf("; did you mean %q?", near)
	}
	t.m.Warn(msg)
}
