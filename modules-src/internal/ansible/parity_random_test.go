package ansible

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

// randomSpec has every type, choices, elements, aliases, no_log, an env
// fallback, nested suboptions and every rule, so random params reach
// every step of the validator.
var randomSpec = Spec{
	Options: opts{
		"name":     {Aliases: []string{"svc_name"}},
		"state":    {Choices: []any{"present", "absent"}, Default: "present"},
		"force":    {Choices: []any{"yes", "no", "auto"}},
		"enabled":  {Type: Bool},
		"port":     {Type: Int, Choices: []any{80, 443, 8080}},
		"retries":  {Type: Int, Default: 3},
		"ratio":    {Type: Float},
		"tags":     {Type: List, Elements: Str},
		"ports":    {Type: List, Elements: Int},
		"methods":  {Type: List, Elements: Str, Choices: []any{"GET", "POST"}},
		"headers":  {Type: Dict},
		"cert":     {Type: Path},
		"body":     {Type: JSONArg},
		"extra":    {Type: Raw},
		"token":    {NoLog: true, EnvFallback: []string{"PO_RANDOM_TOKEN"}},
		"user":     {},
		"password": {NoLog: true},
		"upstream": {Type: Dict, Suboptions: &Spec{
			Options: opts{
				"host":  {Required: true, Aliases: []string{"h"}},
				"port":  {Type: Int, Default: 80},
				"tls":   {Type: Bool},
				"algo":  {Choices: []any{"round-robin", "least-connections"}},
				"hc":    {Type: Dict, Suboptions: sub(opts{"interval": {Type: Int}, "path": {}})},
				"token": {NoLog: true},
			},
			RequiredIf: []RequiredIf{{Key: "tls", Value: true, Requires: []string{"algo"}}},
		}},
		"targets": {Type: List, Elements: Dict, Suboptions: &Spec{
			Options:           opts{"target": {Required: true}, "weight": {Type: Int, Default: 100}, "tags": {Type: List}},
			MutuallyExclusive: [][]string{{"weight", "tags"}},
		}},
	},
	MutuallyExclusive: [][]string{{"tags", "ports"}},
	RequiredTogether:  [][]string{{"user", "password"}},
	RequiredOneOf:     [][]string{{"name", "upstream", "targets"}},
	RequiredIf:        []RequiredIf{{Key: "state", Value: "absent", Requires: []string{"name", "port"}, AnyOf: true}},
	RequiredBy:        map[string][]string{"cert": {"headers"}},
}

// randomScalars are the inputs most likely to expose conversion
// differences (no NaN or infinities: Python would print invalid JSON).
var randomScalars = []any{
	nil, true, false, 0, 1, 2, -7, 80, 443, 8080, 1.0, 1.5, -0.25, 1e20,
	"", " ", "yes", "no", "YES", "on", "off", "1", "0", "true", "False", "True", "maybe",
	"8080", " 42 ", "+5", "1_000", "42.0", "1e3", ".5", "0x10", "a,b,c", "GET,POST", "GET,PUT",
	`{"a": 1}`, "{'a': [1, None]}", "k=v", "k=v w", "a=1,b=2", "{bad", "~/x", "$PO_RANDOM_DIR/y", "present", "absent",
	"auto", "round-robin", "é ünïcode", "it's", `quo"te`,
}

// typedValues are plausible inputs per type, so that many random cases
// pass type checks and reach the rules, defaults and suboptions.
var typedValues = map[Type][]any{
	"":      {"x", "present", "absent", "yes", "GET", "round-robin", 5, true},
	Str:     {"x", "present", "absent", "yes", "GET", "round-robin", 5, true},
	Bool:    {"yes", "no", true, false, "1", 0, "on"},
	Int:     {80, "443", "8080", 3, true, " 42 "},
	Float:   {1.5, "2.5", 3, "1e3"},
	List:    {"a,b", []any{"GET"}, []any{"GET", "POST"}, 5, []any{"80", 443}},
	Dict:    {map[string]any{"k": "v"}, "k=v", `{"a": 1}`, map[string]any{}},
	Path:    {"~/x", "/tmp/$PO_RANDOM_DIR", "rel/path"},
	JSONArg: {map[string]any{"a": 1.0}, []any{1, "é"}, " x "},
	Raw:     {1, "x", []any{nil}},
}

func typedValue(r *rand.Rand, opt *Option) any {
	if opt.Choices != nil && r.Intn(2) == 0 {
		if opt.Type == List {
			return []any{opt.Choices[r.Intn(len(opt.Choices))]}
		}
		return opt.Choices[r.Intn(len(opt.Choices))]
	}
	pool := typedValues[opt.Type]
	return pool[r.Intn(len(pool))]
}

func randomValue(r *rand.Rand, depth int) any {
	switch n := r.Intn(10); {
	case n < 6 || depth > 1:
		return randomScalars[r.Intn(len(randomScalars))]
	case n < 8:
		list := make([]any, r.Intn(3))
		for i := range list {
			list[i] = randomValue(r, depth+1)
		}
		return list
	default:
		return randomParams(r, &randomSpec.Options["upstream"].Suboptions.Options, depth+1)
	}
}

func randomParams(r *rand.Rand, options *opts, depth int) map[string]any {
	names := sortedKeys(*options)
	params := map[string]any{}
	for _, name := range names {
		if r.Intn(3) != 0 {
			continue
		}
		opt := (*options)[name]
		switch {
		case opt.Suboptions != nil && r.Intn(3) != 0 && depth < 3:
			if opt.Type == List {
				items := make([]any, 1+r.Intn(2))
				for i := range items {
					items[i] = randomParams(r, &opt.Suboptions.Options, depth+1)
				}
				params[name] = items
			} else {
				params[name] = randomParams(r, &opt.Suboptions.Options, depth+1)
			}
		case r.Intn(3) != 0:
			params[name] = typedValue(r, opt)
		default:
			params[name] = randomValue(r, depth)
		}
		if len(opt.Aliases) > 0 && r.Intn(4) == 0 {
			params[opt.Aliases[0]] = randomValue(r, depth)
		}
	}
	// Unknown keys only at the top: with unknown keys at several levels,
	// ansible-core lists the supported names of a random one of them.
	if depth == 0 && r.Intn(8) == 0 {
		params["bogus"] = 1
	}
	return params
}

// TestParityRandomized compares the Go validator with ansible-core on
// random parameters for randomSpec (fixed seed, so failures reproduce).
func TestParityRandomized(t *testing.T) {
	requireAnsible(t)
	r := rand.New(rand.NewSource(20261126))
	cases := make([]specCase, 1000)
	for i := range cases {
		cases[i] = specCase{name: fmt.Sprintf("random-%03d", i), spec: randomSpec, params: randomParams(r, &randomSpec.Options, 0),
			env: map[string]string{"HOME": "/home/random", "PO_RANDOM_DIR": "/data"}}
		if r.Intn(3) == 0 {
			cases[i].env["PO_RANDOM_TOKEN"] = "envtoken"
		}
	}
	results := runPythonValidator(t, cases)
	crashed, errs := 0, map[string]int{}
	for i, tc := range cases {
		if results[i]["crash"] != nil {
			crashed++
			continue
		}
		msg := results[i]["error"].(string)
		if msg == "" {
			msg = "(valid)"
		}
		errs[strings.SplitN(msg, " ", 3)[0]]++
		t.Run(tc.name, func(t *testing.T) {
			t.Logf("params: %s", pyJSONDumps(tc.params))
			assertSameAsPython(t, tc, results[i])
		})
	}
	t.Logf("%d random cases compared with ansible-core (%d crashed ansible-core and were skipped); first words of the first errors: %v", len(cases)-crashed, crashed, errs)
}
