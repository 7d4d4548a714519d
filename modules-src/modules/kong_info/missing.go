package konginfo

import (
	"context"
	"errors"
	"fmt"

	"platform.ops/modules-src/internal/kong"
)

// A service or consumer named in the task that does not exist fails the
// task (a mistyped name would otherwise export nothing, and a redeploy loop
// would "succeed" having done nothing), unless missing=ignore, which warns.

// notFound is the answer to a named entity that does not exist: an error
// naming it (and the nearest name Kong has), or with missing=ignore a
// warning and nil.
func (e *exporter) notFound(ctx context.Context, kind, collection, nameField, ref string) error {
	msg := fmt.Sprintf("%s %q does not exist", kind, ref)
	if list, err := e.conn.List(ctx, "/"+collection); err == nil {
		var names []string
		for _, o := range list {
			if n, _ := o[nameField].(string); n != "" {
				names = append(names, n)
			}
		}
		if near := kong.ClosestName(ref, names); near != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", near)
		}
	}
	if e.m.Params.String("missing") == "ignore" {
		e.m.Warn(msg + ": not exported (missing=ignore)")
		return nil
	}
	return errors.New(msg + ": nothing exported; fix the name, or set missing=ignore to export what exists with a warning")
}
