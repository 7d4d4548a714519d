package ansible

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// specCase is one argument-spec scenario. The same table is the unit test
// of each rule (exact messages below) and the input of the parity test,
// which runs it through ansible-core's ArgumentSpecValidator too.
type specCase struct {
	name   string
	spec   Spec
	params map[string]any
	env    map[string]string
	err    string         // exact first error, "" when valid
	want   map[string]any // validated params; nil skips the check
	noLog  []string       // no_log values; nil skips the check
}

// opts keeps the table short.
type opts = map[string]*Option

func sub(options opts) *Spec { return &Spec{Options: options} }

var (
	str = &Option{}
	req = &Option{Required: true}
	boo = &Option{Type: Bool}
	in  = &Option{Type: Int}
	flt = &Option{Type: Float}
	lst = &Option{Type: List}
	dct = &Option{Type: Dict}
	raw = &Option{Type: Raw}
	pth = &Option{Type: Path}
	jsa = &Option{Type: JSONArg}
)

var specCases = []specCase{
	// Unknown options.
	{name: "unknown options are listed sorted, with supported names and aliases",
		spec:   Spec{Options: opts{"name": {Aliases: []string{"svc_name"}}, "port": in}},
		params: map[string]any{"foo": 1, "bar": 2, "name": "x"},
		err:    "Unsupported parameters for (parity) module: bar, foo. Supported parameters include: name, port (svc_name)."},
	{name: "unknown suboption is dotted and lists the suboptions",
		spec:   Spec{Options: opts{"upstream": {Type: Dict, Suboptions: sub(opts{"host": str})}}},
		params: map[string]any{"upstream": map[string]any{"host": "h", "foo": 1}},
		err:    "Unsupported parameters for (parity) module: upstream.foo. Supported parameters include: host."},
	{name: "unknown option in a list of dicts",
		spec:   Spec{Options: opts{"targets": {Type: List, Elements: Dict, Suboptions: sub(opts{"target": str})}}},
		params: map[string]any{"targets": []any{map[string]any{"target": "a"}, map[string]any{"target": "b", "weight": 1}}},
		err:    "Unsupported parameters for (parity) module: targets.weight. Supported parameters include: target."},
	{name: "an unknown option is reported after every other error",
		spec:   Spec{Options: opts{"req": req}},
		params: map[string]any{"foo": 1},
		err:    "missing required arguments: req"},

	// Required.
	{name: "missing required options are sorted",
		spec:   Spec{Options: opts{"b": req, "a": req, "c": str}},
		params: map[string]any{},
		err:    "missing required arguments: a, b"},
	{name: "an explicit null satisfies required",
		spec:   Spec{Options: opts{"a": req}},
		params: map[string]any{"a": nil},
		want:   map[string]any{"a": nil}},
	{name: "required option given by its alias",
		spec:   Spec{Options: opts{"name": {Required: true, Aliases: []string{"n"}}}},
		params: map[string]any{"n": "x"},
		want:   map[string]any{"name": "x", "n": "x"}},
	{name: "missing required suboption names its parent",
		spec:   Spec{Options: opts{"up": {Type: Dict, Suboptions: sub(opts{"host": req})}}},
		params: map[string]any{"up": map[string]any{}},
		err:    "missing required arguments: host found in up"},
	{name: "missing required two levels down",
		spec: Spec{Options: opts{"up": {Type: Dict, Suboptions: sub(opts{
			"hc": {Type: Dict, Suboptions: sub(opts{"host": req})}})}}},
		params: map[string]any{"up": map[string]any{"hc": map[string]any{}}},
		err:    "missing required arguments: host found in up -> hc"},

	// Choices.
	{name: "value outside scalar choices",
		spec:   Spec{Options: opts{"state": {Choices: []any{"present", "absent"}}}},
		params: map[string]any{"state": "foo"},
		err:    "value of state must be one of: present, absent, got: foo"},
	{name: "list values outside choices",
		spec:   Spec{Options: opts{"protocols": {Type: List, Elements: Str, Choices: []any{"http", "https"}}}},
		params: map[string]any{"protocols": []any{"http", "ftp", "gopher"}},
		err:    "value of protocols must be one or more of: http, https. Got no match for: ftp, gopher"},
	{name: "list choices accept a comma-separated string",
		spec:   Spec{Options: opts{"protocols": {Type: List, Elements: Str, Choices: []any{"http", "https"}}}},
		params: map[string]any{"protocols": "http,https"},
		want:   map[string]any{"protocols": []any{"http", "https"}}},
	{name: "a YAML boolean maps back to the one boolean word among the choices",
		spec:   Spec{Options: opts{"force": {Choices: []any{"yes", "no", "auto"}}}},
		params: map[string]any{"force": false},
		want:   map[string]any{"force": "no"}},
	{name: "int choices match a converted string",
		spec:   Spec{Options: opts{"port": {Type: Int, Choices: []any{80, 443}}}},
		params: map[string]any{"port": "443"},
		want:   map[string]any{"port": 443}},
	{name: "int choices miss",
		spec:   Spec{Options: opts{"port": {Type: Int, Choices: []any{80, 443}}}},
		params: map[string]any{"port": "8080"},
		err:    "value of port must be one of: 80, 443, got: 8080"},
	{name: "choices of a suboption name the parent",
		spec:   Spec{Options: opts{"up": {Type: Dict, Suboptions: sub(opts{"algo": {Choices: []any{"round-robin", "least-connections"}}})}}},
		params: map[string]any{"up": map[string]any{"algo": "x"}},
		err:    "value of algo must be one of: round-robin, least-connections, got: x found in up"},
	{name: "an explicit null is checked against choices",
		spec:   Spec{Options: opts{"state": {Choices: []any{"present", "absent"}}}},
		params: map[string]any{"state": nil},
		err:    "value of state must be one of: present, absent, got: None"},
	{name: "an omitted option with choices is valid and null",
		spec:   Spec{Options: opts{"state": {Choices: []any{"present", "absent"}}}},
		params: map[string]any{},
		want:   map[string]any{"state": nil}},

	// bool.
	{name: "bool from yes/no/on/1/true words and numbers",
		spec:   Spec{Options: opts{"a": boo, "b": boo, "c": boo, "d": boo, "e": boo, "f": boo, "g": boo, "h": boo}},
		params: map[string]any{"a": "yes", "b": "NO", "c": "on", "d": "1", "e": " True ", "f": 0, "g": 1.0, "h": "f"},
		want:   map[string]any{"a": true, "b": false, "c": true, "d": true, "e": true, "f": false, "g": true, "h": false}},
	{name: "bool from an unknown word",
		spec:   Spec{Options: opts{"flag": boo}},
		params: map[string]any{"flag": "maybe"},
		err:    "argument 'flag' is of type <class 'str'> and we were unable to convert to bool: The value 'maybe' is not a valid boolean.  Valid booleans include: 'y', 'yes', 'on', '1', 'true', 't', 1, 'n', 'no', 'off', '0', 'false', 'f', 0"},
	{name: "bool from the number 2",
		spec:   Spec{Options: opts{"flag": boo}},
		params: map[string]any{"flag": 2},
		err:    "argument 'flag' is of type <class 'int'> and we were unable to convert to bool: The value '2' is not a valid boolean.  Valid booleans include: 'y', 'yes', 'on', '1', 'true', 't', 1, 'n', 'no', 'off', '0', 'false', 'f', 0"},
	{name: "bool from a list",
		spec:   Spec{Options: opts{"flag": boo}},
		params: map[string]any{"flag": []any{}},
		err:    "argument 'flag' is of type <class 'list'> and we were unable to convert to bool: <class 'list'> cannot be converted to a bool"},

	// int.
	{name: "int from strings with spaces, signs and underscores",
		spec:   Spec{Options: opts{"a": in, "b": in, "c": in, "d": in}},
		params: map[string]any{"a": "8080", "b": " 42 ", "c": "-7", "d": "1_000"},
		want:   map[string]any{"a": 8080, "b": 42, "c": -7, "d": 1000}},
	{name: "int from a decimal string",
		spec:   Spec{Options: opts{"port": in}},
		params: map[string]any{"port": "42.0"},
		err:    "argument 'port' is of type <class 'str'> and we were unable to convert to int: <class 'str'> cannot be converted to an int"},
	{name: "int from a float",
		spec:   Spec{Options: opts{"port": in}},
		params: map[string]any{"port": 8080.0},
		err:    "argument 'port' is of type <class 'float'> and we were unable to convert to int: <class 'float'> cannot be converted to an int"},
	{name: "int from a dict",
		spec:   Spec{Options: opts{"port": in}},
		params: map[string]any{"port": map[string]any{"a": 1}},
		err:    "argument 'port' is of type <class 'dict'> and we were unable to convert to int: <class 'dict'> cannot be converted to an int"},

	// float.
	{name: "float from strings and ints",
		spec:   Spec{Options: opts{"a": flt, "b": flt, "c": flt, "d": flt, "e": flt}},
		params: map[string]any{"a": "1.5", "b": 2, "c": "1e3", "d": " 3 ", "e": "-.5"},
		want:   map[string]any{"a": 1.5, "b": 2.0, "c": 1000.0, "d": 3.0, "e": -0.5}},
	{name: "float from a word",
		spec:   Spec{Options: opts{"ratio": flt}},
		params: map[string]any{"ratio": "abc"},
		err:    "argument 'ratio' is of type <class 'str'> and we were unable to convert to float: <class 'str'> cannot be converted to a float"},
	{name: "float from a hex string",
		spec:   Spec{Options: opts{"ratio": flt}},
		params: map[string]any{"ratio": "0x10"},
		err:    "argument 'ratio' is of type <class 'str'> and we were unable to convert to float: <class 'str'> cannot be converted to a float"},

	// list.
	{name: "list from a comma string, a number and an empty string",
		spec:   Spec{Options: opts{"a": lst, "b": lst, "c": lst, "d": lst}},
		params: map[string]any{"a": "x,y,z", "b": 5, "c": 1.5, "d": ""},
		want:   map[string]any{"a": []any{"x", "y", "z"}, "b": []any{"5"}, "c": []any{"1.5"}, "d": []any{""}}},
	{name: "list from a dict",
		spec:   Spec{Options: opts{"tags": lst}},
		params: map[string]any{"tags": map[string]any{"a": 1}},
		err:    "argument 'tags' is of type <class 'dict'> and we were unable to convert to list: <class 'dict'> cannot be converted to a list"},

	// dict.
	{name: "dict from JSON, key=value and a Python repr",
		spec:   Spec{Options: opts{"a": dct, "b": dct, "c": dct}},
		params: map[string]any{"a": `{"x": 1, "y": [true, null]}`, "b": `k=1 s="two words",t='x y'`, "c": "{'p': 1.5, 'q': None, 'r': ['s', True]}"},
		want: map[string]any{
			"a": map[string]any{"x": 1, "y": []any{true, nil}},
			"b": map[string]any{"k": "1", "s": "two words", "t": "x y"},
			"c": map[string]any{"p": 1.5, "q": nil, "r": []any{"s", true}},
		}},
	{name: "dict from a plain word",
		spec:   Spec{Options: opts{"headers": dct}},
		params: map[string]any{"headers": "nonsense"},
		err:    "argument 'headers' is of type <class 'str'> and we were unable to convert to dict: dictionary requested, could not parse JSON or key=value"},
	{name: "dict from key=value with a bare word",
		spec:   Spec{Options: opts{"headers": dct}},
		params: map[string]any{"headers": "a=1 b"},
		err:    "argument 'headers' is of type <class 'str'> and we were unable to convert to dict: dictionary update sequence element #1 has length 1; 2 is required"},
	{name: "dict from broken JSON",
		spec:   Spec{Options: opts{"headers": dct}},
		params: map[string]any{"headers": "{bad"},
		err:    "argument 'headers' is of type <class 'str'> and we were unable to convert to dict: unable to evaluate string as dictionary"},
	{name: "dict from a list",
		spec:   Spec{Options: opts{"headers": dct}},
		params: map[string]any{"headers": []any{1}},
		err:    "argument 'headers' is of type <class 'list'> and we were unable to convert to dict: <class 'list'> cannot be converted to a dict"},

	// str, path, raw, jsonarg.
	{name: "str converts numbers, bools and containers with Python's str()",
		spec:   Spec{Options: opts{"a": str, "b": str, "c": str, "d": str, "e": str, "f": str}},
		params: map[string]any{"a": 8080, "b": true, "c": 1.0, "d": []any{1, "a", nil}, "e": map[string]any{"k": "it's"}, "f": 1e20},
		want:   map[string]any{"a": "8080", "b": "True", "c": "1.0", "d": "[1, 'a', None]", "e": `{'k': "it's"}`, "f": "1e+20"}},
	{name: "path expands ~, $VAR and ${VAR}, leaves unknown ones",
		spec:   Spec{Options: opts{"a": pth, "b": pth, "c": pth, "d": pth, "e": pth, "f": pth}},
		params: map[string]any{"a": "~/x", "b": "$PO_TEST_DIR/sub", "c": "${PO_TEST_DIR}/s", "d": "$PO_TEST_UNSET/a", "e": "~nosuchuser_po/a", "f": "~root/a"},
		env:    map[string]string{"HOME": "/home/tester/", "PO_TEST_DIR": "/data"},
		want:   map[string]any{"a": "/home/tester/x", "b": "/data/sub", "c": "/data/s", "d": "$PO_TEST_UNSET/a", "e": "~nosuchuser_po/a", "f": "/root/a"}},
	{name: "raw keeps any value",
		spec:   Spec{Options: opts{"a": raw, "b": raw, "c": raw}},
		params: map[string]any{"a": []any{1, "x"}, "b": 5, "c": map[string]any{"k": false}},
		want:   map[string]any{"a": []any{1, "x"}, "b": 5, "c": map[string]any{"k": false}}},
	{name: "jsonarg dumps containers like json.dumps and strips strings",
		spec:   Spec{Options: opts{"a": jsa, "b": jsa, "c": jsa}},
		params: map[string]any{"a": map[string]any{"b": 1.0}, "b": []any{1, "é", nil}, "c": "  {\"a\":1} "},
		want:   map[string]any{"a": `{"b": 1.0}`, "b": `[1, "\u00e9", null]`, "c": `{"a":1}`}},
	{name: "jsonarg from a number",
		spec:   Spec{Options: opts{"body": jsa}},
		params: map[string]any{"body": 5},
		err:    "argument 'body' is of type <class 'int'> and we were unable to convert to jsonarg: <class 'int'> cannot be converted to a json string"},

	// Defaults.
	{name: "defaults fill omitted options and are converted",
		spec:   Spec{Options: opts{"state": {Default: "present"}, "port": {Type: Int, Default: "80"}, "tags": {Type: List, Default: []any{"a"}}, "name": str}},
		params: map[string]any{},
		want:   map[string]any{"state": "present", "port": 80, "tags": []any{"a"}, "name": nil}},
	{name: "an explicit null is not replaced by the default",
		spec:   Spec{Options: opts{"state": {Default: "present"}}},
		params: map[string]any{"state": nil},
		want:   map[string]any{"state": nil}},

	// Aliases.
	{name: "an alias value is copied and the alias key kept",
		spec:   Spec{Options: opts{"name": {Aliases: []string{"svc"}}}},
		params: map[string]any{"svc": "x"},
		want:   map[string]any{"name": "x", "svc": "x"}},
	{name: "the alias wins over the option when both are given",
		spec:   Spec{Options: opts{"name": {Aliases: []string{"svc"}}}},
		params: map[string]any{"svc": "x", "name": "y"},
		want:   map[string]any{"name": "x", "svc": "x"}},

	// Elements.
	{name: "elements are converted",
		spec:   Spec{Options: opts{"ports": {Type: List, Elements: Int}, "names": {Type: List, Elements: Str}, "split": {Type: List, Elements: Int}}},
		params: map[string]any{"ports": []any{"80", 443}, "names": []any{1, true}, "split": "80,443"},
		want:   map[string]any{"ports": []any{80, 443}, "names": []any{"1", "True"}, "split": []any{80, 443}}},
	{name: "an element that cannot be converted is reported and dropped",
		spec:   Spec{Options: opts{"ports": {Type: List, Elements: Int}}},
		params: map[string]any{"ports": []any{"80", "x"}},
		err:    "Elements value for option 'ports' is of type <class 'str'> and we were unable to convert to int: <class 'str'> cannot be converted to an int",
		want:   map[string]any{"ports": []any{80}}},
	{name: "element error in a suboption names the parent",
		spec:   Spec{Options: opts{"up": {Type: Dict, Suboptions: sub(opts{"ports": {Type: List, Elements: Int}})}}},
		params: map[string]any{"up": map[string]any{"ports": []any{"x"}}},
		err:    "Elements value for option 'ports' found in 'up' is of type <class 'str'> and we were unable to convert to int: <class 'str'> cannot be converted to an int"},

	// Suboptions.
	{name: "suboptions get defaults and conversion",
		spec:   Spec{Options: opts{"up": {Type: Dict, Suboptions: sub(opts{"host": req, "port": {Type: Int, Default: 80}, "tls": boo})}}},
		params: map[string]any{"up": map[string]any{"host": "h", "tls": "yes"}},
		want:   map[string]any{"up": map[string]any{"host": "h", "port": 80, "tls": true}}},
	{name: "a dict with suboptions given as key=value",
		spec:   Spec{Options: opts{"up": {Type: Dict, Suboptions: sub(opts{"host": req, "port": in})}}},
		params: map[string]any{"up": "host=h port=82"},
		want:   map[string]any{"up": map[string]any{"host": "h", "port": 82}}},
	{name: "each dict of a list gets its defaults",
		spec:   Spec{Options: opts{"targets": {Type: List, Elements: Dict, Suboptions: sub(opts{"target": req, "weight": {Type: Int, Default: 100}})}}},
		params: map[string]any{"targets": []any{map[string]any{"target": "a"}, map[string]any{"target": "b", "weight": "5"}}},
		want:   map[string]any{"targets": []any{map[string]any{"target": "a", "weight": 100}, map[string]any{"target": "b", "weight": 5}}}},
	{name: "a non-dict in a list of dicts fails while listing no_log values",
		spec:   Spec{Options: opts{"targets": {Type: List, Elements: Dict, Suboptions: sub(opts{"target": req})}}},
		params: map[string]any{"targets": []any{map[string]any{"target": "a"}, 5}},
		err:    "Value '5' in the sub parameter field 'targets' must by a list, not 'int'"},
	{name: "a dict with suboptions given as a plain word",
		spec:   Spec{Options: opts{"up": {Type: Dict, Suboptions: sub(opts{"host": str})}}},
		params: map[string]any{"up": "nonsense"},
		err:    "dictionary requested, could not parse JSON or key=value"},
	{name: "type error three levels down",
		spec: Spec{Options: opts{"up": {Type: Dict, Suboptions: sub(opts{"hc": {Type: Dict, Suboptions: sub(opts{
			"active": {Type: Dict, Suboptions: sub(opts{"timeout": in})}})}})}}},
		params: map[string]any{"up": map[string]any{"hc": map[string]any{"active": map[string]any{"timeout": "x"}}}},
		err:    "argument 'timeout' is of type <class 'str'> found in 'up -> hc -> active'. and we were unable to convert to int: <class 'str'> cannot be converted to an int"},
	{name: "a null dict is not validated against its suboptions",
		spec:   Spec{Options: opts{"up": {Type: Dict, Suboptions: sub(opts{"host": req})}}},
		params: map[string]any{"up": nil},
		want:   map[string]any{"up": nil}},
	{name: "apply_defaults validates an omitted dict as {}",
		spec:   Spec{Options: opts{"up": {Type: Dict, ApplyDefaults: true, Suboptions: sub(opts{"port": {Type: Int, Default: 80}, "host": str})}}},
		params: map[string]any{},
		want:   map[string]any{"up": map[string]any{"port": 80, "host": nil}}},
	{name: "suboption aliases",
		spec:   Spec{Options: opts{"up": {Type: Dict, Suboptions: sub(opts{"host": {Aliases: []string{"h"}}})}}},
		params: map[string]any{"up": map[string]any{"h": "x"}},
		want:   map[string]any{"up": map[string]any{"host": "x", "h": "x"}}},
	{name: "suboption mutually exclusive",
		spec:   Spec{Options: opts{"up": {Type: Dict, Suboptions: &Spec{Options: opts{"a": str, "b": str}, MutuallyExclusive: [][]string{{"a", "b"}}}}}},
		params: map[string]any{"up": map[string]any{"a": "1", "b": "2"}},
		err:    "parameters are mutually exclusive: a|b found in up"},
	{name: "suboption required_if in a list",
		spec: Spec{Options: opts{"items": {Type: List, Elements: Dict, Suboptions: &Spec{
			Options:    opts{"state": {Default: "present"}, "url": str},
			RequiredIf: []RequiredIf{{Key: "state", Value: "present", Requires: []string{"url"}}}}}}},
		params: map[string]any{"items": []any{map[string]any{"url": "u"}, map[string]any{}}},
		err:    "state is present but all of the following are missing: url found in items"},

	// mutually_exclusive.
	{name: "mutually exclusive groups are all listed",
		spec:   Spec{Options: opts{"url": str, "host": str, "a": str, "b": str}, MutuallyExclusive: [][]string{{"url", "host"}, {"a", "b"}}},
		params: map[string]any{"url": "u", "host": "h", "a": "1", "b": "2"},
		err:    "parameters are mutually exclusive: url|host, a|b"},
	{name: "an explicit null counts as given for mutually exclusive",
		spec:   Spec{Options: opts{"url": str, "host": str}, MutuallyExclusive: [][]string{{"url", "host"}}},
		params: map[string]any{"url": nil, "host": "h"},
		err:    "parameters are mutually exclusive: url|host"},
	{name: "a default does not make options mutually exclusive",
		spec:   Spec{Options: opts{"a": {Default: "1"}, "b": str}, MutuallyExclusive: [][]string{{"a", "b"}}},
		params: map[string]any{"b": "2"},
		want:   map[string]any{"a": "1", "b": "2"}},

	// required_if.
	{name: "required_if all, none given",
		spec:   Spec{Options: opts{"state": str, "url": str, "host": str}, RequiredIf: []RequiredIf{{Key: "state", Value: "present", Requires: []string{"url", "host"}}}},
		params: map[string]any{"state": "present"},
		err:    "state is present but all of the following are missing: url, host"},
	{name: "required_if all, one given",
		spec:   Spec{Options: opts{"state": str, "url": str, "host": str}, RequiredIf: []RequiredIf{{Key: "state", Value: "present", Requires: []string{"url", "host"}}}},
		params: map[string]any{"state": "present", "url": "u"},
		err:    "state is present but all of the following are missing: host"},
	{name: "required_if any, none given",
		spec:   Spec{Options: opts{"state": str, "url": str, "host": str}, RequiredIf: []RequiredIf{{Key: "state", Value: "present", Requires: []string{"url", "host"}, AnyOf: true}}},
		params: map[string]any{"state": "present"},
		err:    "state is present but any of the following are missing: url, host"},
	{name: "required_if any, one given",
		spec:   Spec{Options: opts{"state": str, "url": str, "host": str}, RequiredIf: []RequiredIf{{Key: "state", Value: "present", Requires: []string{"url", "host"}, AnyOf: true}}},
		params: map[string]any{"state": "present", "host": "h"},
		want:   map[string]any{"state": "present", "url": nil, "host": "h"}},
	{name: "required_if not triggered by another value",
		spec:   Spec{Options: opts{"state": str, "url": str}, RequiredIf: []RequiredIf{{Key: "state", Value: "present", Requires: []string{"url"}}}},
		params: map[string]any{"state": "absent"},
		want:   map[string]any{"state": "absent", "url": nil}},
	{name: "required_if triggered by a default",
		spec:   Spec{Options: opts{"state": {Default: "present"}, "url": str}, RequiredIf: []RequiredIf{{Key: "state", Value: "present", Requires: []string{"url"}}}},
		params: map[string]any{},
		err:    "state is present but all of the following are missing: url"},
	{name: "required_if on a converted bool",
		spec:   Spec{Options: opts{"enabled": boo, "x": str}, RequiredIf: []RequiredIf{{Key: "enabled", Value: true, Requires: []string{"x"}}}},
		params: map[string]any{"enabled": "yes"},
		err:    "enabled is True but all of the following are missing: x"},

	// required_one_of, required_together, required_by.
	{name: "required_one_of none given",
		spec:   Spec{Options: opts{"name": str, "id": str}, RequiredOneOf: [][]string{{"name", "id"}}},
		params: map[string]any{},
		err:    "one of the following is required: name, id"},
	{name: "required_one_of satisfied by an explicit null",
		spec:   Spec{Options: opts{"name": str, "id": str}, RequiredOneOf: [][]string{{"name", "id"}}},
		params: map[string]any{"name": nil},
		want:   map[string]any{"name": nil, "id": nil}},
	{name: "required_together with one given",
		spec:   Spec{Options: opts{"user": str, "password": {NoLog: true}}, RequiredTogether: [][]string{{"user", "password"}}},
		params: map[string]any{"user": "u"},
		err:    "parameters are required together: user, password"},
	{name: "required_together with none given",
		spec:   Spec{Options: opts{"user": str, "password": {NoLog: true}}, RequiredTogether: [][]string{{"user", "password"}}},
		params: map[string]any{},
		want:   map[string]any{"user": nil, "password": nil}},
	{name: "required_by with the requirement missing",
		spec:   Spec{Options: opts{"client_cert": pth, "client_key": pth}, RequiredBy: map[string][]string{"client_cert": {"client_key"}}},
		params: map[string]any{"client_cert": "/c"},
		err:    "missing parameter(s) required by 'client_cert': client_key"},
	{name: "required_by skips a null key",
		spec:   Spec{Options: opts{"client_cert": pth, "client_key": pth}, RequiredBy: map[string][]string{"client_cert": {"client_key"}}},
		params: map[string]any{"client_cert": nil},
		want:   map[string]any{"client_cert": nil, "client_key": nil}},
	{name: "required_by treats a null requirement as missing",
		spec:   Spec{Options: opts{"client_cert": pth, "client_key": pth}, RequiredBy: map[string][]string{"client_cert": {"client_key"}}},
		params: map[string]any{"client_cert": "/c", "client_key": nil},
		err:    "missing parameter(s) required by 'client_cert': client_key"},
	{name: "the first failing rule wins: together before one_of before if before by",
		spec: Spec{Options: opts{"a": str, "b": str, "c": str, "d": str},
			RequiredTogether: [][]string{{"a", "b"}}, RequiredOneOf: [][]string{{"c", "d"}}},
		params: map[string]any{"a": "1"},
		err:    "parameters are required together: a, b"},
	{name: "mutually exclusive is reported before missing required",
		spec:   Spec{Options: opts{"a": str, "b": str, "c": req}, MutuallyExclusive: [][]string{{"a", "b"}}},
		params: map[string]any{"a": "1", "b": "2"},
		err:    "parameters are mutually exclusive: a|b"},
	{name: "missing required is reported before a type error",
		spec:   Spec{Options: opts{"port": in, "name": req}},
		params: map[string]any{"port": "x"},
		err:    "missing required arguments: name"},

	// Env fallback.
	{name: "env fallback uses the first variable set",
		spec:   Spec{Options: opts{"url": {EnvFallback: []string{"PO_URL_A", "PO_URL_B"}}}},
		params: map[string]any{},
		env:    map[string]string{"PO_URL_B": "http://b"},
		want:   map[string]any{"url": "http://b"}},
	{name: "a given value beats the env fallback",
		spec:   Spec{Options: opts{"url": {EnvFallback: []string{"PO_URL_A"}}}},
		params: map[string]any{"url": "http://given"},
		env:    map[string]string{"PO_URL_A": "http://env"},
		want:   map[string]any{"url": "http://given"}},
	{name: "an env fallback value is converted and satisfies required",
		spec:   Spec{Options: opts{"port": {Type: Int, Required: true, EnvFallback: []string{"PO_PORT"}}}},
		params: map[string]any{},
		env:    map[string]string{"PO_PORT": "8001"},
		want:   map[string]any{"port": 8001}},
	{name: "an env fallback in a suboption",
		spec:   Spec{Options: opts{"conn": {Type: Dict, Suboptions: sub(opts{"token": {NoLog: true, EnvFallback: []string{"PO_TOKEN"}}})}}},
		params: map[string]any{"conn": map[string]any{}},
		env:    map[string]string{"PO_TOKEN": "envtok"},
		want:   map[string]any{"conn": map[string]any{"token": "envtok"}},
		noLog:  []string{"envtok"}},

	// no_log.
	{name: "no_log values include every scalar of a no_log container",
		spec:   Spec{Options: opts{"token": {NoLog: true}, "creds": {Type: Dict, NoLog: true}, "other": str}},
		params: map[string]any{"token": "t0k", "creds": map[string]any{"a": "x", "b": 5, "c": true}, "other": "visible"},
		noLog:  []string{"5", "t0k", "x"}},
	{name: "no_log values of suboptions, given by alias",
		spec:   Spec{Options: opts{"up": {Type: Dict, Suboptions: sub(opts{"password": {NoLog: true, Aliases: []string{"pw"}}})}}},
		params: map[string]any{"up": map[string]any{"pw": "hunter2"}},
		noLog:  []string{"hunter2"}},
	{name: "a no_log env fallback and a no_log default are secret",
		spec:   Spec{Options: opts{"token": {NoLog: true, EnvFallback: []string{"PO_TOKEN"}}, "key": {NoLog: true, Default: "dflt"}}},
		params: map[string]any{},
		env:    map[string]string{"PO_TOKEN": "fromenv"},
		noLog:  []string{"dflt", "fromenv"}},

	// Spec mistakes.
	{name: "required with a default is an internal error",
		spec:   Spec{Options: opts{"a": {Required: true, Default: "x"}}},
		params: map[string]any{"a": "y"},
		err:    "internal error: required and default are mutually exclusive for a"},
}

// validateCase runs one case through the Go validator with the case's
// environment applied to the process (path expansion reads it directly).
func validateCase(t *testing.T, tc specCase) (*validation, map[string]any) {
	t.Helper()
	for k, v := range tc.env {
		t.Setenv(k, v)
	}
	v := newValidation(os.LookupEnv)
	params := normalize(tc.params).(map[string]any)
	v.validate(&tc.spec, params)
	return v, params
}

func TestValidate(t *testing.T) {
	for _, tc := range specCases {
		t.Run(tc.name, func(t *testing.T) {
			v, params := validateCase(t, tc)
			require.Equal(t, tc.err, v.firstError("parity"))
			if tc.want != nil {
				assert.Equal(t, tc.want, params)
			}
			if tc.noLog != nil {
				assert.ElementsMatch(t, tc.noLog, sortedKeys(v.noLog))
			}
		})
	}
}

func TestValidate_AliasAndOptionBoth_Warns(t *testing.T) {
	spec := &Spec{Options: opts{"name": {Aliases: []string{"svc"}}, "up": {Type: List, Elements: Dict, Suboptions: sub(opts{"host": {Aliases: []string{"h"}}})}}}
	v := newValidation(os.LookupEnv)
	v.validate(spec, map[string]any{"name": "a", "svc": "b", "up": []any{map[string]any{"host": "x", "h": "y"}}})
	assert.Equal(t, []string{
		"Both option up[0].host and its alias up[0].h are set.",
		"Both option name and its alias svc are set.",
	}, v.warnings)
}
