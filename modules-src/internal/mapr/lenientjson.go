package mapr

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Sanitize repairs the ways `maprcli … -json` is known to break JSON so that
// encoding/json can read it (research mapr.md §0.1, §8):
//   - raw control characters inside string literals (license list prints a
//     raw newline plus indentation inside the license text) become escapes;
//     the indentation after an injected newline is dropped;
//   - backslashes that do not start a valid escape are doubled (HPE's own
//     workaround note for license list);
//   - a trailing comma before } or ] is dropped (seen in doc samples).
//
// Valid JSON comes back byte for byte unchanged.
func Sanitize(in []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(in) + 16)
	inString := false
	for i := 0; i < len(in); i++ {
		c := in[i]
		if inString {
			switch {
			case c == '"':
				inString = false
				out.WriteByte(c)
			case c == '\\':
				if i+1 < len(in) && validEscape(in[i+1:]) {
					out.WriteByte(c)
					out.WriteByte(in[i+1])
					i++
				} else {
					out.WriteString(`\\`)
				}
			case c == '\n' || c == '\r':
				out.WriteString(`\n`)
				if c == '\r' && i+1 < len(in) && in[i+1] == '\n' {
					i++
				}
				// Drop the indentation maprcli printed after the raw newline.
				for i+1 < len(in) && (in[i+1] == ' ' || in[i+1] == '\t') {
					i++
				}
			case c == '\t':
				out.WriteString(`\t`)
			case c < 0x20:
				fmt.Fprintf(&out, `\u%04x`, c)
			default:
				out.WriteByte(c)
			}
			continue
		}
		switch c {
		case '"':
			inString = true
			out.WriteByte(c)
		case ',':
			j := i + 1
			for j < len(in) && isSpace(in[j]) {
				j++
			}
			if j < len(in) && (in[j] == '}' || in[j] == ']') {
				continue // trailing comma
			}
			out.WriteByte(c)
		default:
			out.WriteByte(c)
		}
	}
	return out.Bytes()
}

func validEscape(rest []byte) bool {
	switch rest[0] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return true
	case 'u':
		if len(rest) < 5 {
			return false
		}
		for _, h := range rest[1:5] {
			if !strings.ContainsRune("0123456789abcdefABCDEF", rune(h)) {
				return false
			}
		}
		return true
	}
	return false
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// Response is maprcli's JSON envelope (mapr.md §1.1). Data records keep
// numbers as json.Number so 19-digit ids never pass through float64.
type Response struct {
	Status string           `json:"status"`
	Total  json.Number      `json:"total"`
	Data   []map[string]any `json:"data"`
	Errors []ResponseError  `json:"errors"`
}

// ResponseError is one entry of "errors"; the id may be printed as a number
// or a string, so it is kept as text.
type ResponseError struct {
	ID   string
	Desc string
}

// UnmarshalJSON accepts {"id": 10003, "desc": "..."} with id of any type.
func (e *ResponseError) UnmarshalJSON(b []byte) error {
	var raw struct {
		ID   any    `json:"id"`
		Desc string `json:"desc"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return err
	}
	if raw.ID != nil {
		e.ID = fmt.Sprint(raw.ID)
	}
	e.Desc = raw.Desc
	return nil
}

// ParseResponse sanitizes and decodes a maprcli JSON envelope. It does not
// judge the status; see Response.Err.
func ParseResponse(out []byte) (*Response, error) {
	clean := Sanitize(bytes.TrimSpace(out))
	if len(clean) == 0 {
		return nil, fmt.Errorf("maprcli printed no JSON")
	}
	dec := json.NewDecoder(bytes.NewReader(clean))
	dec.UseNumber()
	var r Response
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("maprcli printed output that is not JSON even after repair: %v", err)
	}
	return &r, nil
}

// Err returns nil for status OK and otherwise an error listing every
// "errors[].desc" (the texts themselves are not relied upon, only shown).
func (r *Response) Err() error {
	if strings.EqualFold(r.Status, "OK") {
		return nil
	}
	var descs []string
	for _, e := range r.Errors {
		if e.ID != "" {
			descs = append(descs, fmt.Sprintf("(%s) %s", e.ID, e.Desc))
		} else {
			descs = append(descs, e.Desc)
		}
	}
	if len(descs) == 0 {
		return fmt.Errorf("maprcli status %q without error details", r.Status)
	}
	return fmt.Errorf("%s", strings.Join(descs, "; "))
}
