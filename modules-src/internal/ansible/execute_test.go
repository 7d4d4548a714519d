package ansible

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// echoDefinition is a test-only module: it returns its params and can be
// told to fail, panic, warn or leak its secret.
func echoDefinition() *Definition {
	return &Definition{
		Name:             "echo",
		ShortDescription: "Echo for tests",
		CheckMode:        Full,
		DiffMode:         None,
		Spec: Spec{Options: map[string]*Option{
			"name":  {Required: true, Description: []string{"Name."}},
			"mode":  {Choices: []any{"ok", "fail", "failure", "panic", "leak", "warn"}, Default: "ok", Description: []string{"What to do."}},
			"token": {NoLog: true, Description: []string{"A secret."}},
			"port":  {Type: Int, Default: 80, Description: []string{"Port."}},
			"nested": {Type: Dict, Description: []string{"Nested."}, Suboptions: &Spec{Options: map[string]*Option{
				"password": {NoLog: true, Description: []string{"Nested secret."}},
				"user":     {Description: []string{"User."}},
			}}},
		}},
		Run: func(ctx context.Context, m *Module) (Result, error) {
			switch m.Params.String("mode") {
			case "fail":
				return nil, fmt.Errorf("cannot reach http://x/?t=%s", m.Params.String("token"))
			case "failure":
				return Result{"partial": true}, fmt.Errorf("wrapped: %w", &Failure{Msg: "kong said no", Fields: map[string]any{"status": 400, "fields": map[string]any{"port": "bad"}}})
			case "panic":
				panic("boom " + m.Params.String("token"))
			case "leak":
				m.AddSecret("license-text")
				return Result{"changed": true, "entity": map[string]any{
					"token": m.Params.String("token"), "url": "http://u:" + m.Params.String("token") + "@h",
					"license": "the license-text here", m.Params.String("token"): "as key",
				}, "diff": map[string]any{"before": "t=" + m.Params.String("token"), "after": ""},
					"changes": FieldNames{"token", "url"}}, nil
			case "warn":
				m.Warn("careful with " + m.Params.String("token"))
				m.Deprecate("mode warn is deprecated", "2.0.0")
				return Result{}, nil
			}
			return Result{"changed": false, "params": map[string]any(m.Params), "check": m.CheckMode}, nil
		},
	}
}

func TestExecute(t *testing.T) {
	t.Setenv("PLATFORM_OPS_TEST_UNUSED", "")
	cases := []struct {
		name  string
		args  map[string]any
		check func(t *testing.T, out map[string]any)
	}{
		{
			name: "valid args run the module with converted values and defaults",
			args: map[string]any{"name": "svc", "port": "8080", "_ansible_module_name": "platform.ops.echo", "_ansible_future_key": 1},
			check: func(t *testing.T, out map[string]any) {
				assert.Nil(t, out["failed"])
				assert.Equal(t, false, out["changed"])
				params := out["params"].(map[string]any)
				assert.Equal(t, 8080, params["port"])
				assert.Equal(t, "ok", params["mode"])
				assert.Nil(t, params["token"])
				assert.Equal(t, map[string]any{"module_args": map[string]any{
					"name": "svc", "port": 8080, "mode": "ok", "token": nil, "nested": nil,
				}}, out["invocation"])
			},
		},
		{
			name: "unsupported parameter is framed with the module name as given",
			args: map[string]any{"name": "svc", "bogus": 1, "_ansible_module_name": "platform.ops.echo"},
			check: func(t *testing.T, out map[string]any) {
				assert.Equal(t, true, out["failed"])
				assert.Equal(t, "Unsupported parameters for (platform.ops.echo) module: bogus. Supported parameters include: mode, name, nested, port, token.", out["msg"])
			},
		},
		{
			name: "validation fails even in check mode",
			args: map[string]any{"_ansible_check_mode": true},
			check: func(t *testing.T, out map[string]any) {
				assert.Equal(t, true, out["failed"])
				assert.Equal(t, "missing required arguments: name", out["msg"])
			},
		},
		{
			name: "check mode reaches a module that supports it",
			args: map[string]any{"name": "svc", "_ansible_check_mode": "yes"},
			check: func(t *testing.T, out map[string]any) {
				assert.Equal(t, true, out["check"])
			},
		},
		{
			name: "run error becomes failed with msg, secrets masked",
			args: map[string]any{"name": "svc", "mode": "fail", "token": "s3cr3t"},
			check: func(t *testing.T, out map[string]any) {
				assert.Equal(t, true, out["failed"])
				assert.Equal(t, "cannot reach http://x/?t=********", out["msg"])
				assert.Equal(t, noLogArgValue, out["invocation"].(map[string]any)["module_args"].(map[string]any)["token"])
			},
		},
		{
			name: "Failure fields are added, wrapped or not",
			args: map[string]any{"name": "svc", "mode": "failure"},
			check: func(t *testing.T, out map[string]any) {
				assert.Equal(t, true, out["failed"])
				assert.Equal(t, "wrapped: kong said no", out["msg"])
				assert.Equal(t, 400, out["status"])
				assert.Equal(t, map[string]any{"port": "bad"}, out["fields"])
				assert.Equal(t, true, out["partial"])
			},
		},
		{
			name: "panic is recovered and masked",
			args: map[string]any{"name": "svc", "mode": "panic", "token": "s3cr3t"},
			check: func(t *testing.T, out map[string]any) {
				assert.Equal(t, true, out["failed"])
				assert.Equal(t, "internal error: boom ********", out["msg"])
			},
		},
		{
			name: "secrets are masked in entities, diff and AddSecret values; keys are kept, as remove_values keeps them",
			args: map[string]any{"name": "svc", "mode": "leak", "token": "s3cr3t"},
			check: func(t *testing.T, out map[string]any) {
				assert.Equal(t, map[string]any{
					"token": "********", "url": "http://u:********@h", "license": "the ******** here", "s3cr3t": "as key",
				}, out["entity"])
				assert.Equal(t, map[string]any{"before": "t=********", "after": ""}, out["diff"])
				assert.Equal(t, true, out["changed"])
			},
		},
		{
			name: "FieldNames are names, like keys never masked (a token t must not garble token)",
			args: map[string]any{"name": "svc", "mode": "leak", "token": "t"},
			check: func(t *testing.T, out map[string]any) {
				assert.Equal(t, []any{"token", "url"}, out["changes"])
				assert.Equal(t, "h****************p://u:********@h", out["entity"].(map[string]any)["url"])
			},
		},
		{
			name: "warnings and deprecations are returned, masked",
			args: map[string]any{"name": "svc", "mode": "warn", "token": "s3cr3t"},
			check: func(t *testing.T, out map[string]any) {
				assert.Equal(t, []any{"careful with ********"}, out["warnings"])
				assert.Equal(t, []any{map[string]any{"msg": "mode warn is deprecated", "version": "2.0.0", "collection_name": "platform.ops"}}, out["deprecations"])
			},
		},
		{
			name: "nested no_log values are hidden in invocation and masked elsewhere",
			args: map[string]any{"name": "svc", "nested": map[string]any{"user": "bob", "password": "hunter22"}, "mode": "fail"},
			check: func(t *testing.T, out map[string]any) {
				args := out["invocation"].(map[string]any)["module_args"].(map[string]any)
				assert.Equal(t, map[string]any{"user": "bob", "password": noLogArgValue}, args["nested"])
			},
		},
		{
			name: "no warnings key when there is nothing to warn about",
			args: map[string]any{"name": "svc", "_ansible_verbosity": 3},
			check: func(t *testing.T, out map[string]any) {
				assert.Nil(t, out["warnings"])
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out := Execute(context.Background(), echoDefinition(), tc.args)
			tc.check(t, out)
		})
	}
}

func TestExecute_CheckModeNotSupported_Skips(t *testing.T) {
	def := echoDefinition()
	def.CheckMode = None
	out := Execute(context.Background(), def, map[string]any{"name": "svc", "_ansible_check_mode": true, "_ansible_module_name": "echo"})
	assert.Equal(t, true, out["skipped"])
	assert.Equal(t, "remote module (echo) does not support check mode", out["msg"])
}

// TestExecute_VerbosityGivenAsBool: a hand-made args file with
// _ansible_verbosity: true crashed the runtime ("interface conversion:
// interface {} is bool, not int"); true counts as 1, as in Python.
func TestExecute_VerbosityGivenAsBool(t *testing.T) {
	def := echoDefinition()
	var seen []int
	def.Run = func(ctx context.Context, m *Module) (Result, error) {
		seen = append(seen, m.Verbosity)
		return Result{}, nil
	}
	for _, v := range []any{true, false, "2", 3.5, "x", nil} {
		out := Execute(context.Background(), def, map[string]any{"name": "svc", "_ansible_verbosity": v})
		assert.NotContains(t, out, "failed", "verbosity %v: %v", v, out)
	}
	assert.Equal(t, []int{1, 0, 2, 0, 0, 0}, seen)
}

func TestExecute_DoesNotMutateCallerArgs(t *testing.T) {
	args := map[string]any{"name": "svc", "port": "8080", "_ansible_check_mode": false}
	Execute(context.Background(), echoDefinition(), args)
	require.Equal(t, map[string]any{"name": "svc", "port": "8080", "_ansible_check_mode": false}, args)
}

func TestExecute_DuplicateFragmentOption_IsInternalError(t *testing.T) {
	def := echoDefinition()
	def.Fragments = []*Fragment{{Name: "dup", Spec: Spec{Options: map[string]*Option{"name": {}}}}}
	out := Execute(context.Background(), def, map[string]any{"name": "x"})
	assert.Equal(t, "internal error: option name is defined by both module echo and fragment dup", out["msg"])
}

func TestExecute_FragmentOptionsAreValidated(t *testing.T) {
	def := echoDefinition()
	def.Fragments = []*Fragment{{Name: "conn", Spec: Spec{Options: map[string]*Option{
		"url":    {EnvFallback: []string{"ECHO_TEST_URL"}, Description: []string{"URL."}},
		"token2": {NoLog: true, EnvFallback: []string{"ECHO_TEST_TOKEN"}, Description: []string{"Token."}},
	}}}}
	t.Setenv("ECHO_TEST_URL", "http://from-env")
	t.Setenv("ECHO_TEST_TOKEN", "envsecret")
	def.Run = func(ctx context.Context, m *Module) (Result, error) {
		return nil, errors.New(m.Params.String("url") + " " + m.Params.String("token2"))
	}
	out := Execute(context.Background(), def, map[string]any{"name": "x"})
	assert.Equal(t, "http://from-env ********", out["msg"])
}

// TestOptionSecrets: values an Option.Secrets derives are masked from
// validation on, on every path (a validation error, a failure before the
// module narrows them, a panic), and a module's SetOptionSecrets replaces
// them with what it learnt.
func TestOptionSecrets(t *testing.T) {
	def := &Definition{
		Name: "secrets", ShortDescription: "Secrets for tests", CheckMode: Full,
		Spec: Spec{Options: map[string]*Option{
			"config": {Type: Dict, Secrets: AllLeaves, Description: []string{"Leaves secret until narrowed."}},
			"mode":   {Choices: []any{"fail", "narrow", "panic"}, Default: "fail", Description: []string{"What to do."}},
		}},
		Run: func(ctx context.Context, m *Module) (Result, error) {
			cfg := m.Params.Dict("config")
			switch m.Params.String("mode") {
			case "narrow":
				m.SetOptionSecrets("config", []string{cfg["secret"].(string)})
				return Result{"config": cfg}, nil
			case "panic":
				panic(fmt.Sprint("boom ", cfg["secret"]))
			}
			return nil, fmt.Errorf("failed with %v and %v", cfg["secret"], cfg["plain"])
		},
	}
	config := func() map[string]any {
		return map[string]any{"secret": "S3CR3T-1", "plain": "visible", "n": 7, "on": true}
	}
	hidden := map[string]any{"secret": noLogArgValue, "plain": noLogArgValue, "n": noLogArgValue, "on": true}

	t.Run("a validation error masks every leaf", func(t *testing.T) {
		out := Execute(context.Background(), def, map[string]any{"config": config(), "bogus": 1})
		assert.Equal(t, true, out["failed"])
		assert.Equal(t, hidden, out["invocation"].(map[string]any)["module_args"].(map[string]any)["config"])
	})
	t.Run("a failure before narrowing masks every leaf", func(t *testing.T) {
		out := Execute(context.Background(), def, map[string]any{"config": config()})
		assert.Equal(t, "failed with ******** and ********", out["msg"])
		assert.Equal(t, hidden, out["invocation"].(map[string]any)["module_args"].(map[string]any)["config"])
	})
	t.Run("a panic masks every leaf", func(t *testing.T) {
		out := Execute(context.Background(), def, map[string]any{"config": config(), "mode": "panic"})
		assert.Equal(t, "internal error: boom ********", out["msg"])
	})
	t.Run("narrowing reveals what is not secret", func(t *testing.T) {
		out := Execute(context.Background(), def, map[string]any{"config": config(), "mode": "narrow"})
		assert.Nil(t, out["failed"])
		want := map[string]any{"secret": "********", "plain": "visible", "n": 7, "on": true}
		assert.Equal(t, want, out["config"])
		want["secret"] = noLogArgValue
		assert.Equal(t, want, out["invocation"].(map[string]any)["module_args"].(map[string]any)["config"])
	})
	t.Run("a value validation cannot convert is still masked", func(t *testing.T) {
		out := Execute(context.Background(), def, map[string]any{"config": []any{"S3CR3T-2"}})
		assert.Equal(t, true, out["failed"])
		assert.NotContains(t, fmt.Sprint(out), "S3CR3T-2")
	})
}
