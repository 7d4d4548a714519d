package ansible

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Main is the entry point of the multi-call binary. It reads the args JSON
// from the file named by argv[1] (ansible-core's binary module path), or
// from stdin when argv[1] is absent or "-" (the action plugin's in-place
// and cached strategies), picks the module named by the last dot-part of
// _ansible_module_name (else the program's base name), runs it with
// Execute and prints exactly one JSON object. The exit code is 1 when the
// result is failed.
func Main(defs ...*Definition) {
	ctx, stop := signalContext()
	code := run(ctx, os.Args, os.Stdin, os.Stdout, defs, os.LookupEnv)
	stop()
	os.Exit(code)
}

// run is Main without the process: testable with any argv, stdin and env.
func run(ctx context.Context, argv []string, stdin io.Reader, stdout io.Writer, defs []*Definition, lookupEnv func(string) (string, bool)) int {
	result := dispatch(ctx, argv, stdin, defs, lookupEnv)
	return printResult(stdout, result)
}

func dispatch(ctx context.Context, argv []string, stdin io.Reader, defs []*Definition, lookupEnv func(string) (string, bool)) (out map[string]any) {
	defer func() {
		if r := recover(); r != nil {
			// Secrets are unknown here (the panic happened before
			// validation), so the panic value itself is not printed.
			out = map[string]any{"failed": true, "changed": false, "msg": "internal error: the module runtime crashed before running the module"}
		}
	}()
	args, err := readArgs(argv, stdin)
	if err != nil {
		return map[string]any{"failed": true, "changed": false, "msg": err.Error()}
	}
	name, _ := args["_ansible_module_name"].(string)
	if name == "" && len(argv) > 0 {
		// Ansible's classic binary-module path names the remote copy
		// AnsiballZ_<module>.
		name = strings.TrimPrefix(filepath.Base(argv[0]), "AnsiballZ_")
	}
	def := findDefinition(defs, moduleShortName(name))
	if def == nil && len(defs) == 1 && args["_ansible_module_name"] == nil {
		def = defs[0]
	}
	if def == nil {
		names := make([]string, len(defs))
		for i, d := range defs {
			names[i] = d.Name
		}
		sort.Strings(names)
		return map[string]any{"failed": true, "changed": false, "msg": fmt.Sprintf(
			"unknown module %q: this binary provides %s", name, strings.Join(names, ", "))}
	}
	return execute(ctx, def, args, lookupEnv)
}

func findDefinition(defs []*Definition, name string) *Definition {
	for _, d := range defs {
		if d.Name == name {
			return d
		}
	}
	return nil
}

// readArgs reads and decodes the flat args object. The
// {"ANSIBLE_MODULE_ARGS": {...}} wrapper of new-style modules is accepted
// too, so a module can be run by hand like a Python one.
func readArgs(argv []string, stdin io.Reader) (map[string]any, error) {
	var data []byte
	var err error
	source := "stdin"
	if len(argv) > 1 && argv[1] != "-" {
		source = argv[1]
		data, err = os.ReadFile(argv[1])
	} else {
		data, err = io.ReadAll(stdin)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read the module arguments from %s: %v", source, err)
	}
	v, err := decodeJSON(data)
	if err != nil {
		return nil, fmt.Errorf("the module arguments from %s are not valid JSON: %v", source, err)
	}
	args, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("the module arguments from %s must be a JSON object, got %s", source, pyType(v))
	}
	if inner, ok := args["ANSIBLE_MODULE_ARGS"].(map[string]any); ok && len(args) == 1 {
		args = inner
	}
	return args, nil
}

// printResult writes the one JSON object and returns the exit code.
func printResult(w io.Writer, result map[string]any) int {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(result); err != nil {
		buf.Reset()
		result = map[string]any{"failed": true, "changed": false, "msg": "internal error: the result cannot be encoded as JSON: " + err.Error()}
		_ = enc.Encode(result)
	}
	_, _ = w.Write(buf.Bytes())
	if failed, _ := result["failed"].(bool); failed {
		return 1
	}
	return 0
}
