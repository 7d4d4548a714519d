package ansible

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"regexp"
	"strconv"
	"strings"
)

// The converters below are module_utils/common/validation.py's check_type_*
// functions of ansible-core 2.14. Their error texts are part of the user
// interface: they end up in "argument 'x' is of type ... and we were unable
// to convert to T: <error>".

// converter converts a value to one option type.
type converter func(v any) (any, error)

// converterFor returns the converter of a type; "" means str.
func converterFor(t Type) (converter, bool) {
	switch t {
	case "", Str:
		return convertStr, true
	case Bool:
		return convertBool, true
	case Int:
		return convertInt, true
	case Float:
		return convertFloat, true
	case List:
		return convertList, true
	case Dict:
		return convertDict, true
	case Path:
		return convertPath, true
	case Raw:
		return func(v any) (any, error) { return v, nil }, true
	case JSONArg:
		return convertJSONArg, true
	}
	return nil, false
}

// typeName is the name AnsibleModule prints for a type.
func typeName(t Type) string {
	if t == "" {
		return string(Str)
	}
	return string(t)
}

// convertStr converts silently, as check_type_str does by default.
func convertStr(v any) (any, error) { return pyStr(v), nil }

func convertList(v any) (any, error) {
	switch t := v.(type) {
	case []any:
		return t, nil
	case string:
		parts := strings.Split(t, ",")
		out := make([]any, len(parts))
		for i, p := range parts {
			out[i] = p
		}
		return out, nil
	case int, float64, bool: // bool is an int in Python
		return []any{pyStr(t)}, nil
	}
	return nil, fmt.Errorf("%s cannot be converted to a list", pyType(v))
}

func convertDict(v any) (any, error) {
	switch t := v.(type) {
	case map[string]any:
		return t, nil
	case string:
		if strings.HasPrefix(t, "{") {
			if d, err := decodeJSON([]byte(t)); err == nil {
				return d, nil
			}
			// Not JSON: Python falls back to ast.literal_eval.
			d, err := parsePyLiteral(t)
			if err != nil {
				return nil, errors.New("unable to evaluate string as dictionary")
			}
			return d, nil
		}
		if strings.Contains(t, "=") {
			return parseKeyValues(t)
		}
		return nil, errors.New("dictionary requested, could not parse JSON or key=value")
	}
	return nil, fmt.Errorf("%s cannot be converted to a dict", pyType(v))
}

// parseKeyValues parses "k1=v1 k2='v 2',k3=v3" as check_type_dict does:
// fields split on commas and spaces outside quotes, backslash escapes.
func parseKeyValues(s string) (any, error) {
	var fields []string
	var buf strings.Builder
	var quote rune
	escaped := false
	for _, c := range strings.TrimSpace(s) {
		switch {
		case escaped:
			buf.WriteRune(c)
			escaped = false
		case c == '\\':
			escaped = true
		case quote == 0 && (c == '\'' || c == '"'):
			quote = c
		case quote != 0 && c == quote:
			quote = 0
		case quote == 0 && (c == ',' || c == ' '):
			if buf.Len() > 0 {
				fields = append(fields, buf.String())
			}
			buf.Reset()
		default:
			buf.WriteRune(c)
		}
	}
	if buf.Len() > 0 {
		fields = append(fields, buf.String())
	}
	out := make(map[string]any, len(fields))
	for i, f := range fields {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return nil, fmt.Errorf("dictionary update sequence element #%d has length 1; 2 is required", i)
		}
		out[k] = v
	}
	return out, nil
}

var (
	booleansTrue  = []any{"y", "yes", "on", "1", "true", "t", 1}
	booleansFalse = []any{"n", "no", "off", "0", "false", "f", 0}
)

// validBooleans lists BOOLEANS as the bool error message does. Python
// prints a frozenset, whose order changes from run to run; ours is fixed.
var validBooleans = func() string {
	parts := make([]string, 0, len(booleansTrue)+len(booleansFalse))
	for _, b := range append(append([]any{}, booleansTrue...), booleansFalse...) {
		parts = append(parts, pyRepr(b))
	}
	return strings.Join(parts, ", ")
}()

func convertBool(v any) (any, error) {
	switch t := v.(type) {
	case bool:
		return t, nil
	case string, int, float64:
		probe := v
		if s, ok := t.(string); ok {
			probe = strings.ToLower(strings.TrimSpace(s))
		}
		if pyIn(probe, booleansTrue) {
			return true, nil
		}
		if pyIn(probe, booleansFalse) {
			return false, nil
		}
		// Two spaces after the period, as in ansible-core.
		//lint:ignore ST1005 AnsibleModule's wording, capital included (parity tests)
		return nil, fmt.Errorf("The value '%s' is not a valid boolean.  Valid booleans include: %s", pyStr(v), validBooleans)
	}
	return nil, fmt.Errorf("%s cannot be converted to a bool", pyType(v))
}

func convertInt(v any) (any, error) {
	switch t := v.(type) {
	case int:
		return t, nil
	case bool:
		// Python keeps a bool (bool is an int subclass); so do we, for
		// identical results. Params.Int reads it as 1 or 0.
		return t, nil
	case string:
		if i, ok := parsePyInt(t); ok {
			return i, nil
		}
	}
	return nil, fmt.Errorf("%s cannot be converted to an int", pyType(v))
}

func convertFloat(v any) (any, error) {
	switch t := v.(type) {
	case float64:
		return t, nil
	case int:
		return float64(t), nil
	case bool:
		if t {
			return 1.0, nil
		}
		return 0.0, nil
	case string:
		if f, ok := parsePyFloat(t); ok {
			return f, nil
		}
	}
	return nil, fmt.Errorf("%s cannot be converted to a float", pyType(v))
}

// digitsWithUnderscores is Python's integer literal body: underscores only
// between digits.
var digitsWithUnderscores = regexp.MustCompile(`^[0-9]+(_[0-9]+)*$`)

// parsePyInt is Python's int(str): surrounding whitespace, a sign, digits
// grouped by single underscores.
func parsePyInt(s string) (int, bool) {
	s = strings.TrimSpace(s)
	body := strings.TrimLeft(s, "+-")
	if len(s)-len(body) > 1 || !digitsWithUnderscores.MatchString(body) {
		return 0, false
	}
	i, err := strconv.Atoi(strings.ReplaceAll(s, "_", ""))
	return i, err == nil
}

var pyFloatLiteral = regexp.MustCompile(`^[+-]?(((\d+(_\d+)*)?\.\d+(_\d+)*|\d+(_\d+)*\.?)([eE][+-]?\d+(_\d+)*)?|inf|infinity|nan)$`)

// parsePyFloat is Python's float(str).
func parsePyFloat(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if !pyFloatLiteral.MatchString(strings.ToLower(s)) {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64)
	if err != nil {
		var ne *strconv.NumError
		// Out of range values are ±inf in Python too.
		if errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange) {
			return f, true
		}
		return 0, false
	}
	return f, true
}

func convertPath(v any) (any, error) {
	return expandUser(expandVars(pyStr(v))), nil
}

// envVarRef is posixpath.expandvars' pattern.
var envVarRef = regexp.MustCompile(`\$(\w+|\{[^}]*\})`)

// expandVars is os.path.expandvars: $NAME and ${NAME} are replaced when the
// variable is set and left as they are otherwise.
func expandVars(s string) string {
	if !strings.Contains(s, "$") {
		return s
	}
	return envVarRef.ReplaceAllStringFunc(s, func(ref string) string {
		name := strings.TrimSuffix(strings.TrimPrefix(ref[1:], "{"), "}")
		if val, ok := os.LookupEnv(name); ok {
			return val
		}
		return ref
	})
}

// expandUser is os.path.expanduser: "~" and "~/x" use $HOME, "~user/x" that
// user's home; anything unknown is left unchanged.
func expandUser(s string) string {
	if !strings.HasPrefix(s, "~") {
		return s
	}
	i := strings.IndexByte(s, '/')
	if i < 0 {
		i = len(s)
	}
	var home string
	if i == 1 {
		var ok bool
		if home, ok = os.LookupEnv("HOME"); !ok {
			u, err := user.Current()
			if err != nil {
				return s
			}
			home = u.HomeDir
		}
	} else {
		u, err := user.Lookup(s[1:i])
		if err != nil {
			return s
		}
		home = u.HomeDir
	}
	home = strings.TrimRight(home, "/")
	if out := home + s[i:]; out != "" {
		return out
	}
	return "/"
}

func convertJSONArg(v any) (any, error) {
	switch t := v.(type) {
	case string:
		return strings.TrimSpace(t), nil
	case []any, map[string]any:
		return pyJSONDumps(t), nil
	}
	return nil, fmt.Errorf("%s cannot be converted to a json string", pyType(v))
}

// ConvertValue converts a Go value to an option type (and list elements
// type) with AnsibleModule's rules, e.g. a documented default "80" of an
// int option to 80.
func ConvertValue(t, elements Type, v any) (any, error) {
	convert, ok := converterFor(t)
	if !ok {
		return nil, fmt.Errorf("unknown type %q", t)
	}
	out, err := convert(normalize(v))
	if err != nil || elements == "" {
		return out, err
	}
	list, isList := out.([]any)
	convertElem, ok := converterFor(elements)
	if !isList || !ok {
		return nil, fmt.Errorf("elements %q need a list type", elements)
	}
	converted := make([]any, len(list))
	for i, e := range list {
		if converted[i], err = convertElem(e); err != nil {
			return nil, err
		}
	}
	return converted, nil
}
