package ansible

import (
	"errors"
	"strconv"
	"strings"
	"unicode"
)

// parsePyLiteral parses a Python dict literal such as "{'a': 1, 'b': [True]}",
// the subset of ast.literal_eval that check_type_dict needs when a dict
// arrives as its Python repr (e.g. a templated "{{ d | string }}").
func parsePyLiteral(s string) (map[string]any, error) {
	p := &pyLiteralParser{src: []rune(s)}
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos != len(p.src) {
		return nil, errors.New("trailing data")
	}
	d, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("not a dict")
	}
	return d, nil
}

type pyLiteralParser struct {
	src []rune
	pos int
}

var errPyLiteral = errors.New("malformed literal")

func (p *pyLiteralParser) skipSpace() {
	for p.pos < len(p.src) && unicode.IsSpace(p.src[p.pos]) {
		p.pos++
	}
}

func (p *pyLiteralParser) peek() rune {
	p.skipSpace()
	if p.pos >= len(p.src) {
		return 0
	}
	return p.src[p.pos]
}

func (p *pyLiteralParser) value() (any, error) {
	switch c := p.peek(); {
	case c == '{':
		return p.dict()
	case c == '[':
		return p.sequence('[', ']')
	case c == '(':
		return p.sequence('(', ')')
	case c == '\'' || c == '"':
		return p.str()
	case c == '-' || c == '+' || c == '.' || unicode.IsDigit(c):
		return p.number()
	case unicode.IsLetter(c):
		start := p.pos
		for p.pos < len(p.src) && (unicode.IsLetter(p.src[p.pos]) || unicode.IsDigit(p.src[p.pos]) || p.src[p.pos] == '_') {
			p.pos++
		}
		switch string(p.src[start:p.pos]) {
		case "True":
			return true, nil
		case "False":
			return false, nil
		case "None":
			return nil, nil
		}
	}
	return nil, errPyLiteral
}

func (p *pyLiteralParser) dict() (any, error) {
	p.pos++ // '{'
	out := map[string]any{}
	for {
		if p.peek() == '}' {
			p.pos++
			return out, nil
		}
		k, err := p.value()
		if err != nil {
			return nil, err
		}
		key, ok := k.(string)
		if !ok {
			key = pyStr(k)
		}
		if p.peek() != ':' {
			return nil, errPyLiteral
		}
		p.pos++
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		out[key] = v
		switch p.peek() {
		case ',':
			p.pos++
		case '}':
		default:
			return nil, errPyLiteral
		}
	}
}

func (p *pyLiteralParser) sequence(open, closing rune) (any, error) {
	p.pos++ // open
	out := []any{}
	for {
		if p.peek() == closing {
			p.pos++
			return out, nil
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		switch p.peek() {
		case ',':
			p.pos++
		case closing:
		default:
			return nil, errPyLiteral
		}
	}
}

func (p *pyLiteralParser) str() (any, error) {
	q := p.src[p.pos]
	p.pos++
	var b strings.Builder
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		p.pos++
		switch {
		case c == q:
			return b.String(), nil
		case c == '\\' && p.pos < len(p.src):
			e := p.src[p.pos]
			p.pos++
			switch e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case 'x', 'u', 'U':
				n := map[rune]int{'x': 2, 'u': 4, 'U': 8}[e]
				if p.pos+n > len(p.src) {
					return nil, errPyLiteral
				}
				r, err := strconv.ParseUint(string(p.src[p.pos:p.pos+n]), 16, 32)
				if err != nil {
					return nil, errPyLiteral
				}
				p.pos += n
				b.WriteRune(rune(r))
			default:
				b.WriteRune(e)
			}
		default:
			b.WriteRune(c)
		}
	}
	return nil, errPyLiteral
}

func (p *pyLiteralParser) number() (any, error) {
	start := p.pos
	for p.pos < len(p.src) && strings.ContainsRune("+-.0123456789_eE", p.src[p.pos]) {
		p.pos++
	}
	lit := string(p.src[start:p.pos])
	if i, ok := parsePyInt(lit); ok {
		return i, nil
	}
	if f, ok := parsePyFloat(lit); ok {
		return f, nil
	}
	return nil, errPyLiteral
}
