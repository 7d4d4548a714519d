package kong

import (
	"encoding/json"
	"strings"
)

// PEMCanon is the Shape.Canon of a PEM field (a certificate, a private
// key): line endings made LF, each line trimmed, blank lines and the
// whitespace around the block dropped. A PEM pasted from Windows, or
// indented in a YAML block, is the same certificate Kong holds, and
// Kong stores the string as it was sent, so only the comparison may see
// past the difference.
func PEMCanon(v any) any {
	s, ok := v.(string)
	if !ok {
		return v
	}
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	var lines []string
	for _, line := range strings.Split(s, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			lines = append(lines, line)
		}
	}
	return strings.Join(lines, "\n")
}

// JSONCanon is the Shape.Canon of a string field holding JSON (a key's
// jwk): the JSON re-encoded with its object keys sorted and no
// insignificant whitespace, so a JWK written by another tool, with its
// keys in another order, compares equal. A string that is not JSON (a
// vault reference) compares as it is.
func JSONCanon(v any) any {
	s, ok := v.(string)
	if !ok {
		return v
	}
	var decoded any
	if err := json.Unmarshal([]byte(s), &decoded); err != nil {
		return s
	}
	b, err := json.Marshal(decoded)
	if err != nil {
		return s
	}
	return string(b)
}
