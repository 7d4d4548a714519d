package kong

import (
	"fmt"
	"strings"
)

// Module arguments pasted from the Admin API's JSON (curl /services/x)
// carry fields Kong sets itself. They are refused like any unknown option
// (accepting them would hide typos of the same kind), with a message that
// says what they are and where arguments in the modules' shape come from.

// readOnlyFields are fields of Admin API objects that only Kong writes.
var readOnlyFields = map[string]bool{"created_at": true, "updated_at": true, "ws_id": true}

// explainUnsupported is the Kong fragment's ExplainUnsupported.
func explainUnsupported(names []string) string {
	var ro []string
	for _, n := range names {
		if readOnlyFields[n] {
			ro = append(ro, n)
		}
	}
	if len(ro) == 0 {
		return ""
	}
	return fmt.Sprintf("(%s: read-only, Kong sets %s itself, as in the Admin API's JSON; leave %s out. "+
		"platform.ops.kong_info exports entities as arguments of these modules, ready to apply.)",
		strings.Join(ro, ", "), map[bool]string{true: "it", false: "them"}[len(ro) == 1], map[bool]string{true: "it", false: "them"}[len(ro) == 1])
}
