package docgen

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// yamlValue keeps floats floats in YAML: yaml.v3 writes 1.0 as "1", which
// reads back as an int and would document the wrong type.
func yamlValue(v any) any {
	switch t := v.(type) {
	case float64:
		text := strconv.FormatFloat(t, 'g', -1, 64)
		if !strings.ContainsAny(text, ".eEnN") {
			text += ".0"
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: text}
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = yamlValue(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = yamlValue(e)
		}
		return out
	}
	return v
}

// checkedYAMLText returns text ready to embed in a Python raw string
// literal, after making sure it parses and cannot end that literal early.
func checkedYAMLText(what, text string) (string, error) {
	if strings.TrimSpace(text) == "" {
		return "# " + what + " not documented\n", nil
	}
	var v any
	if err := yaml.Unmarshal([]byte(text), &v); err != nil {
		return "", fmt.Errorf("%s is not valid YAML: %w", what, err)
	}
	if strings.Contains(text, "'''") {
		return "", fmt.Errorf("%s must not contain '''", what)
	}
	return "\n" + strings.Trim(text, "\n") + "\n", nil
}

// writePyString writes a Python assignment of text to name, as a raw
// string literal in triple single quotes.
func writePyString(b *bytes.Buffer, name, text string) {
	if !strings.HasPrefix(text, "\n") {
		text = "\n" + text
	}
	fmt.Fprintf(b, "\n%s = r'''%s'''\n", name, text)
}

// wrapWidth keeps generated lines well under the 160 columns the pep8
// sanity test allows; yaml.v3 itself never wraps.
const wrapWidth = 120

func marshalYAML(v any) (string, error) {
	var node yaml.Node
	if err := node.Encode(v); err != nil {
		return "", err
	}
	foldLongStrings(&node)
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&node); err != nil {
		return "", err
	}
	if err := enc.Close(); err != nil {
		return "", err
	}
	text := wrapFoldedScalars(b.String())
	if strings.Contains(text, "'''") {
		return "", errors.New("documentation text must not contain '''")
	}
	return text, nil
}

// foldLongStrings marks long one-line strings for the folded block style
// (>-), whose lines wrapFoldedScalars can then break at spaces without
// changing the value.
func foldLongStrings(n *yaml.Node) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!str" && len(n.Value) > wrapWidth &&
		!strings.ContainsAny(n.Value, "\n\t\r") && strings.TrimSpace(n.Value) == n.Value {
		n.Style = yaml.FoldedStyle
	}
	for _, c := range n.Content {
		foldLongStrings(c)
	}
}

// wrapFoldedScalars breaks the one content line of each ">-" block at
// single spaces. Folding turns each break back into that one space.
func wrapFoldedScalars(text string) string {
	lines := strings.Split(text, "\n")
	var out []string
	for i := 0; i < len(lines); i++ {
		out = append(out, lines[i])
		if !strings.HasSuffix(lines[i], ">-") || i+1 >= len(lines) || len(lines[i+1]) <= wrapWidth {
			continue
		}
		i++
		content := lines[i]
		indent := content[:len(content)-len(strings.TrimLeft(content, " "))]
		out = append(out, wrapAtSingleSpaces(content[len(indent):], indent)...)
	}
	return strings.Join(out, "\n")
}

func wrapAtSingleSpaces(s, indent string) []string {
	var lines []string
	for len(indent)+len(s) > wrapWidth {
		cut := -1
		for j := wrapWidth - len(indent); j > 0; j-- {
			if s[j] == ' ' && s[j-1] != ' ' && j+1 < len(s) && s[j+1] != ' ' {
				cut = j
				break
			}
		}
		if cut < 0 {
			break // one long word: leave the line as it is
		}
		lines = append(lines, indent+s[:cut])
		s = s[cut+1:]
	}
	return append(lines, indent+s)
}
