package kong

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// kong28Plain is the character set of a plain (prefix) path in Kong 2.8:
// a path with any other character is a regular expression there
// (kong/router.lua, `if re_find(path, [[[^a-zA-Z0-9\.\-_~/%]]]...`).
var kong28RegexChar = regexp.MustCompile(`[^a-zA-Z0-9.\-_~/%]`)

// regexCharsOf lists the distinct characters of path that make Kong 2.8 read
// it as a regex, for messages.
func regexCharsOf(path string) string {
	seen := map[string]bool{}
	var out []string
	for _, c := range kong28RegexChar.FindAllString(path, -1) {
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// PathsDependOnVersion reports whether any path reads differently on Kong
// 2.8 and 3.x (a "~" regex, or characters 2.8 takes for a regex).
func PathsDependOnVersion(paths []string) bool {
	for _, p := range paths {
		if strings.HasPrefix(p, "~/") || kong28RegexChar.MatchString(p) {
			return true
		}
	}
	return false
}

// TranslatePaths turns the paths a user wrote (the Kong 3.x way: "~" marks a
// regex) into what the node at hand needs, plus the warnings where the
// meaning could differ between versions. Paths Kong rejects anyway (no
// leading "/") are passed on unchanged so Kong's own message reaches the
// user.
func TranslatePaths(paths []string, kong3 bool) ([]string, []string) {
	out := make([]string, len(paths))
	var warnings []string
	for i, p := range paths {
		out[i] = p
		isRegex := strings.HasPrefix(p, "~/")
		switch {
		case kong3 && !isRegex && kong28RegexChar.MatchString(p):
			warnings = append(warnings, fmt.Sprintf(
				"path %q contains %s, which Kong 2.8 would read as a regular expression; Kong 3.x matches it as a plain prefix. Write %q if you mean a regex",
				p, regexCharsOf(p), "~"+p))
		case !kong3 && isRegex:
			stripped := p[1:]
			out[i] = stripped
			if !kong28RegexChar.MatchString(stripped) {
				note := "it has no regex characters, so Kong 2.8 matches it as a plain prefix (regex_priority does not apply to it)"
				if strings.Contains(stripped, ".") {
					note = "it has no other regex characters, so Kong 2.8 matches it as a plain prefix where \".\" is a literal dot, not any character"
				}
				warnings = append(warnings, fmt.Sprintf("regex path %q is sent to Kong 2.8 as %q (2.8 has no \"~\" prefix): %s", p, stripped, note))
			}
		case !kong3 && !isRegex && kong28RegexChar.MatchString(p):
			warnings = append(warnings, fmt.Sprintf(
				"path %q contains %s, so Kong 2.8 reads it as a regular expression, not a plain prefix (Kong 3.x would match it literally unless written %q)",
				p, regexCharsOf(p), "~"+p))
		}
	}
	return out, warnings
}

// Kong2PathsToKong3 rewrites paths written for Kong 2.x (a state of
// _format_version 1.1, as decK 1.x writes it) into Kong 3.x syntax, the way
// `deck convert --from kong-gateway-2.x --to kong-gateway-3.x` does: a path
// Kong 2.8 reads as a regex (it has a character other than letters, digits
// and . - _ ~ / %) gets the "~" prefix 3.x needs to read it as one.
func Kong2PathsToKong3(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = p
		if !strings.HasPrefix(p, "~") && kong28RegexChar.MatchString(p) {
			out[i] = "~" + p
		}
	}
	return out
}
