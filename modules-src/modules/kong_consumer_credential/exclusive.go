package kongconsumercredential

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong"
)

// exclusive=true makes the task's credential the consumer's only one of its
// type: rotating a key-auth key then disables the old key in the same task
// (by default the old key keeps working until it is removed).

// checkExclusive refuses exclusive where it means nothing.
func checkExclusive(p ansible.Params) error {
	if p.Bool("exclusive") && p.String("state") == "absent" {
		return errors.New("exclusive is used with state=present only (it removes the consumer's other credentials of the type)")
	}
	return nil
}

// removeOthers deletes every credential of the consumer of this type but
// keep (the one the task just ensured, so the consumer is never without
// one), or in check mode says which it would delete. The ids go to the
// result's "removed"; a removal is a change.
func removeOthers(ctx context.Context, m *ansible.Module, conn *kong.Conn, ctype *kong.CredentialType, consumerID string, keep kong.Object, res ansible.Result) error {
	keepID, _ := keep["id"].(string)
	collection := kong.PathFor("consumers", consumerID, ctype.Kind.Collection)
	all, err := conn.List(ctx, collection)
	if err != nil {
		return kong.ErrorFromKong(err, fmt.Sprintf("listing the %s credentials of consumer %s (exclusive=true)", ctype.Name, consumerID))
	}
	removed := []string{}
	for _, cred := range all {
		id, _ := cred["id"].(string)
		if id == "" || id == keepID {
			continue
		}
		if !m.CheckMode {
			// Nested DELETEs answer 404 for a credential deleted meanwhile.
			if _, err := conn.Send(ctx, http.MethodDelete, collection+kong.PathFor(id), nil); err != nil && !kong.IsNotFound(err) {
				res["removed"] = removed
				return &ansible.Failure{Msg: kong.ErrorFromKong(err, fmt.Sprintf("deleting the %s credential with id %s of consumer %s (exclusive=true)", ctype.Name, id, consumerID)).Error(), Fields: res}
			}
		}
		removed = append(removed, id)
	}
	res["removed"] = removed
	if len(removed) > 0 {
		res["changed"] = true
	}
	return nil
}
