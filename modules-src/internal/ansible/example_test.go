package ansible_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"platform.ops/modules-src/internal/ansible"
)

// greeter is a complete module: its interface (the spec, which is also the
// documentation) and its behaviour.
var greeter = &ansible.Definition{
	Name:             "greet",
	ShortDescription: "Greet someone",
	CheckMode:        ansible.Full,
	DiffMode:         ansible.None,
	Spec: ansible.Spec{Options: map[string]*ansible.Option{
		"name":  {Required: true, Description: []string{"Who to greet."}},
		"times": {Type: ansible.Int, Default: 1, Description: []string{"How often."}},
		"token": {NoLog: true, EnvFallback: []string{"GREET_TOKEN"}, Description: []string{"A secret."}},
	}},
	Run: func(ctx context.Context, m *ansible.Module) (ansible.Result, error) {
		if m.CheckMode {
			return ansible.Result{"changed": true}, nil
		}
		return ansible.Result{
			"changed":  true,
			"greeting": fmt.Sprintf("hello %s x%d (token %s)", m.Params.String("name"), m.Params.Int("times"), m.Params.String("token")),
		}, nil
	},
}

func printJSON(v map[string]any) {
	b, _ := json.MarshalIndent(v, "", "  ")
	fmt.Println(string(b))
}

// Execute returns exactly what the binary prints: values converted,
// defaults applied, secrets masked.
func ExampleExecute() {
	os.Setenv("GREET_TOKEN", "s3cr3t")
	defer os.Unsetenv("GREET_TOKEN")
	printJSON(ansible.Execute(context.Background(), greeter, map[string]any{
		"name": "world", "times": "2", "_ansible_module_name": "platform.ops.greet",
	}))
	// Output:
	// {
	//   "changed": true,
	//   "greeting": "hello world x2 (token ********)",
	//   "invocation": {
	//     "module_args": {
	//       "name": "world",
	//       "times": 2,
	//       "token": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
	//     }
	//   }
	// }
}

// Bad input never reaches Run: the task fails with AnsibleModule's message.
func ExampleExecute_invalid() {
	out := ansible.Execute(context.Background(), greeter, map[string]any{"times": "many", "_ansible_module_name": "greet"})
	fmt.Println(out["failed"], out["msg"])
	// Output:
	// true missing required arguments: name
}
