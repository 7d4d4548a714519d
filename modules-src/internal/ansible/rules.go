package ansible

import (
	"fmt"
	"sort"
	"strings"
)

// The cross-option checks of module_utils/common/validation.py. Each
// returns the first failing message ("" when satisfied), with the
// " found in a -> b" suffix inside suboptions.

// countTerms counts how many of the names are keys of params (a key with
// a null value counts, as in count_terms).
func countTerms(terms []string, params map[string]any) int {
	seen := map[string]bool{}
	for _, t := range terms {
		if _, ok := params[t]; ok {
			seen[t] = true
		}
	}
	return len(seen)
}

func checkMutuallyExclusive(groups [][]string, params map[string]any, ctx []string) string {
	var hits []string
	for _, group := range groups {
		if countTerms(group, params) > 1 {
			hits = append(hits, strings.Join(group, "|"))
		}
	}
	if len(hits) == 0 {
		return ""
	}
	return "parameters are mutually exclusive: " + strings.Join(hits, ", ") + foundIn(ctx)
}

func checkRequired(spec *Spec, params map[string]any, ctx []string) string {
	var missing []string
	for _, name := range optionNames(spec) {
		if _, given := params[name]; spec.Options[name].Required && !given {
			missing = append(missing, name)
		}
	}
	if len(missing) == 0 {
		return ""
	}
	return "missing required arguments: " + strings.Join(missing, ", ") + foundIn(ctx)
}

func checkRequiredTogether(spec *Spec, params map[string]any, ctx []string) string {
	for _, group := range spec.RequiredTogether {
		n := countTerms(group, params)
		if n > 0 && n < len(uniq(group)) {
			return "parameters are required together: " + strings.Join(group, ", ") + foundIn(ctx)
		}
	}
	return ""
}

func uniq(names []string) map[string]bool {
	m := map[string]bool{}
	for _, n := range names {
		m[n] = true
	}
	return m
}

func checkRequiredOneOf(spec *Spec, params map[string]any, ctx []string) string {
	for _, group := range spec.RequiredOneOf {
		if countTerms(group, params) == 0 {
			return "one of the following is required: " + strings.Join(group, ", ") + foundIn(ctx)
		}
	}
	return ""
}

func checkRequiredIf(spec *Spec, params map[string]any, ctx []string) string {
	for _, rule := range spec.RequiredIf {
		value, ok := params[rule.Key]
		want := normalize(rule.Value)
		if !ok || !pyEqual(value, want) {
			continue
		}
		var missing []string
		for _, name := range rule.Requires {
			if _, given := params[name]; !given {
				missing = append(missing, name)
			}
		}
		requires, maxMissing := "all", 0
		if rule.AnyOf {
			requires, maxMissing = "any", len(rule.Requires)
		}
		if len(missing) > 0 && len(missing) >= maxMissing {
			return fmt.Sprintf("%s is %s but %s of the following are missing: %s",
				rule.Key, pyStr(want), requires, strings.Join(missing, ", ")) + foundIn(ctx)
		}
	}
	return ""
}

func checkRequiredBy(spec *Spec, params map[string]any, ctx []string) string {
	keys := make([]string, 0, len(spec.RequiredBy))
	for k := range spec.RequiredBy {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		if params[key] == nil {
			continue
		}
		var missing []string
		for _, name := range spec.RequiredBy[key] {
			if params[name] == nil {
				missing = append(missing, name)
			}
		}
		if len(missing) > 0 {
			return fmt.Sprintf("missing parameter(s) required by '%s': %s", key, strings.Join(missing, ", ")) + foundIn(ctx)
		}
	}
	return ""
}
