package all

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong/kongtest"
	kongcacertificate "platform.ops/modules-src/modules/kong_ca_certificate"
	kongcertificate "platform.ops/modules-src/modules/kong_certificate"
	kongconsumer "platform.ops/modules-src/modules/kong_consumer"
	kongconsumercredential "platform.ops/modules-src/modules/kong_consumer_credential"
	kongdeclarative "platform.ops/modules-src/modules/kong_declarative"
	konginfo "platform.ops/modules-src/modules/kong_info"
	kongkey "platform.ops/modules-src/modules/kong_key"
	kongkeyset "platform.ops/modules-src/modules/kong_key_set"
	kongplugin "platform.ops/modules-src/modules/kong_plugin"
	kongroute "platform.ops/modules-src/modules/kong_route"
	kongservice "platform.ops/modules-src/modules/kong_service"
	kongsni "platform.ops/modules-src/modules/kong_sni"
	kongtarget "platform.ops/modules-src/modules/kong_target"
	kongupstream "platform.ops/modules-src/modules/kong_upstream"
	kongvault "platform.ops/modules-src/modules/kong_vault"
	maprclusterid "platform.ops/modules-src/modules/mapr_clusterid"
	maprlicense "platform.ops/modules-src/modules/mapr_license"
	"platform.ops/tests/kongemu"
	"platform.ops/tests/maprfake"
)

// One fuzz target per module (make fuzz runs each for minutes, make test
// for seconds). The fuzzer's bytes choose an argument document from the
// module's own spec: which options are given, with values of the right
// type, of a wrong type, null, or short strings (the secrets of issue 10
// item 0). Whatever the arguments, the module must answer with one JSON
// object whose keys no masking rewrote, with boolean failed/changed, a msg
// when it failed, and no crash ("internal error").
//
// Options that would reach outside the test are pinned: admin_url is the
// emulator (or a port nobody listens on), MapR programs are the fakes of a
// throw-away MAPR_HOME, mapr_user is never set (it would run sudo), and
// every task gets a short task timeout.

func FuzzKongService(f *testing.F)            { fuzzModule(f, kongservice.Definition) }
func FuzzKongRoute(f *testing.F)              { fuzzModule(f, kongroute.Definition) }
func FuzzKongConsumer(f *testing.F)           { fuzzModule(f, kongconsumer.Definition) }
func FuzzKongConsumerCredential(f *testing.F) { fuzzModule(f, kongconsumercredential.Definition) }
func FuzzKongPlugin(f *testing.F)             { fuzzModule(f, kongplugin.Definition) }
func FuzzKongInfo(f *testing.F)               { fuzzModule(f, konginfo.Definition) }
func FuzzKongUpstream(f *testing.F)           { fuzzModule(f, kongupstream.Definition) }
func FuzzKongTarget(f *testing.F)             { fuzzModule(f, kongtarget.Definition) }
func FuzzKongCertificate(f *testing.F)        { fuzzModule(f, kongcertificate.Definition) }
func FuzzKongSni(f *testing.F)                { fuzzModule(f, kongsni.Definition) }
func FuzzKongCaCertificate(f *testing.F)      { fuzzModule(f, kongcacertificate.Definition) }
func FuzzKongVault(f *testing.F)              { fuzzModule(f, kongvault.Definition) }
func FuzzKongKeySet(f *testing.F)             { fuzzModule(f, kongkeyset.Definition) }
func FuzzKongKey(f *testing.F)                { fuzzModule(f, kongkey.Definition) }
func FuzzKongDeclarative(f *testing.F)        { fuzzModule(f, kongdeclarative.Definition) }
func FuzzMaprLicense(f *testing.F)            { fuzzModule(f, maprlicense.Definition) }
func FuzzMaprClusterid(f *testing.F)          { fuzzModule(f, maprclusterid.Definition) }

// TestFuzzTargets_CoverEveryModule: a new module needs its fuzz target.
func TestFuzzTargets_CoverEveryModule(t *testing.T) {
	src, err := os.ReadFile("fuzz_test.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, def := range Definitions() {
		name := "Fuzz"
		for _, part := range strings.Split(def.Name, "_") {
			name += strings.ToUpper(part[:1]) + part[1:]
		}
		if !strings.Contains(string(src), "func "+name+"(f *testing.F)") {
			t.Errorf("module %s has no fuzz target %s", def.Name, name)
		}
	}
}

// fuzzWorld is what the arguments may point at.
type fuzzWorld struct {
	adminURL, deadURL string
	tree              *maprfake.Tree
	license           string // a license file for the fake cluster
}

func newFuzzWorld(f *testing.F, def *ansible.Definition) *fuzzWorld {
	w := &fuzzWorld{}
	if strings.HasPrefix(def.Name, "kong_") {
		env := kongtest.Start(f, kongemu.Options{Version: "3.9.3"})
		env.Send(f, "PUT", "/services/svc", map[string]any{"host": "upstream.test"})
		env.Send(f, "PUT", "/routes/r", map[string]any{"paths": []any{"/r"}, "service": map[string]any{"name": "svc"}})
		env.Send(f, "PUT", "/consumers/alice", map[string]any{})
		w.adminURL, w.deadURL = env.URL, deadAdminURL(f)
		return w
	}
	bin, err := maprfake.Build(f.TempDir())
	if err != nil {
		f.Fatal(err)
	}
	w.tree, err = maprfake.Setup(f.TempDir(), bin, maprfake.Options{ClusterID: "5119043355327235351",
		ClustersConf: "demo.mapr.com secure=false cldb1:7222\n", WardenConf: "zookeeper.servers=zk1:5181\n", ClusterIDMode: "configure"})
	if err != nil {
		f.Fatal(err)
	}
	text, _ := maprfake.LicenseText(maprfake.LicenseSpec{ClusterID: "5119043355327235351"})
	w.license = filepath.Join(f.TempDir(), "license.txt")
	if err := os.WriteFile(w.license, []byte(text), 0o600); err != nil {
		f.Fatal(err)
	}
	return w
}

// bytesSource hands out choices from the fuzzer's bytes (zeros when spent).
type bytesSource struct {
	data []byte
	pos  int
}

func (b *bytesSource) next() byte {
	if b.pos >= len(b.data) {
		return 0
	}
	b.pos++
	return b.data[b.pos-1]
}

func (b *bytesSource) pick(n int) int { return int(b.next()) % n }

// shortString is 0 to 3 characters from the letters of the result's own
// keys and values, so a no_log value collides with them.
func (b *bytesSource) shortString() string {
	const alphabet = "failedchngsmrokTF01 :\"{}-_./*"
	n := b.pick(4)
	out := make([]byte, n)
	for i := range out {
		out[i] = alphabet[b.pick(len(alphabet))]
	}
	return string(out)
}

// value is a value for an option: mostly of its type, sometimes not.
func (w *fuzzWorld) value(b *bytesSource, name string, opt *ansible.Option) any {
	switch b.pick(20) {
	case 0:
		return nil
	case 1, 2:
		return b.shortString()
	case 3:
		return []any{b.shortString(), int(b.next())}
	case 4:
		return map[string]any{b.shortString(): b.shortString()}
	case 5:
		return int(b.next()) - 64
	case 6:
		return b.pick(2) == 0
	}
	if len(opt.Choices) > 0 {
		return opt.Choices[b.pick(len(opt.Choices))]
	}
	switch opt.Type {
	case ansible.Bool:
		return []any{true, false, "yes", "no", "on"}[b.pick(5)]
	case ansible.Int:
		return []any{0, 1, 2, -1, "3", 1.5}[b.pick(6)]
	case ansible.Float:
		return []any{0.5, 1, "2.5"}[b.pick(3)]
	case ansible.List:
		if opt.Elements == ansible.Dict {
			return []any{map[string]any{b.shortString(): b.shortString()}}
		}
		return []any{w.word(b, name), w.word(b, name)}
	case ansible.Dict:
		if name == "config" {
			return map[string]any{[]string{"minute", "secret", "key_names", "http_endpoint", "origins", "redis"}[b.pick(6)]: w.word(b, name)}
		}
		if name == "admin_headers" {
			return map[string]any{[]string{"X-Api-Key", "X-Team", "Authorization"}[b.pick(3)]: b.shortString()}
		}
		return map[string]any{b.shortString(): w.word(b, name)}
	case ansible.Path:
		return w.path(b)
	}
	return w.word(b, name)
}

// word is a string that means something to the modules.
func (w *fuzzWorld) word(b *bytesSource, name string) string {
	words := []string{"svc", "r", "alice", "cors", "key-auth", "rate-limiting", "session", "http-log", "/r", "upstream.test",
		"http://h.test:8080/p", "9f3c6b0e-1111-4222-8333-444455556666", "cldb1", "zk1:5181", "demo.mapr.com", "-R", "..", "", "5119043355327235351"}
	if b.pick(3) == 0 {
		return b.shortString()
	}
	return words[b.pick(len(words))]
}

func (w *fuzzWorld) path(b *bytesSource) string {
	paths := []string{"/nonexistent/file", "", "relative/path"}
	if w.tree != nil {
		paths = append(paths, w.license, w.tree.Home, w.tree.Conf("clusterid"), w.tree.Maprcli())
	}
	return paths[b.pick(len(paths))]
}

// args builds the argument document the bytes describe, with the pinned
// options set.
func (w *fuzzWorld) args(def *ansible.Definition, data []byte) map[string]any {
	b := &bytesSource{data: data}
	spec, err := def.FullSpec()
	if err != nil {
		panic(err)
	}
	names := make([]string, 0, len(spec.Options))
	for n := range spec.Options {
		names = append(names, n)
	}
	sort.Strings(names)
	args := map[string]any{"_ansible_module_name": def.Name, "_platform_ops_task_timeout": 5}
	for _, n := range names {
		// Required options mostly given, others now and then: most
		// documents get past validation into the module.
		if give := b.pick(8); (spec.Options[n].Required && give != 0) || give < 2 {
			args[n] = w.value(b, n, spec.Options[n])
		}
	}
	if b.pick(8) == 0 {
		args[b.shortString()+"_unknown"] = b.shortString()
	}
	args["_ansible_check_mode"] = []any{true, false, "yes", 1}[b.pick(4)]
	args["_ansible_diff"] = b.pick(2) == 0
	args["_ansible_verbosity"] = []any{0, 3, true, "x"}[b.pick(4)]

	// Pinned: nothing outside the test is ever reached or run.
	if w.tree == nil {
		args["admin_url"] = []string{w.adminURL, w.adminURL, w.deadURL, strings.Replace(w.adminURL, "//", "//u:"+b.shortString()+"@", 1)}[b.pick(4)]
		args["timeout"], args["admin_retries"] = 2, 0
		for _, p := range []string{"ca_path", "client_cert", "client_key"} {
			if _, ok := args[p]; ok {
				args[p] = "/nonexistent/" + p
			}
		}
		return args
	}
	args["mapr_home"] = w.tree.Home
	delete(args, "mapr_user")
	for _, p := range []string{"maprcli_path", "configure_path"} {
		if v, ok := args[p]; ok && v != nil {
			args[p] = []string{w.tree.Maprcli(), w.tree.Configure(), "/nonexistent/tool"}[b.pick(3)]
		}
	}
	args["systemctl_path"] = w.tree.Systemctl()
	if _, ok := args["timeout"]; ok {
		args["timeout"] = 2
	}
	if _, ok := args["src"]; ok && b.pick(2) == 0 {
		args["src"] = w.license
	}
	return args
}

func fuzzModule(f *testing.F, def *ansible.Definition) {
	w := newFuzzWorld(f, def)
	for _, seed := range [][]byte{nil, {1, 2, 3}, []byte("state present"), []byte{0xff, 0x00, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80, 0x90}} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		args := w.args(def, data)
		out := ansible.Execute(context.Background(), def, args)
		checkResult(t, def.Name, args, out)
		if w.tree != nil {
			// Each run starts from the same node: a regeneration or a
			// license add of one input does not hide another's bug.
			_ = os.WriteFile(w.tree.Conf("clusterid"), []byte("5119043355327235351\n"), 0o600)
			_ = os.WriteFile(w.tree.Conf("mapr-clusters.conf"), []byte("demo.mapr.com secure=false cldb1:7222\n"), 0o644)
			_ = os.Remove(filepath.Join(w.tree.Home, "conf", "conf.old", "regeneration.json"))
		}
	})
}

// checkResult is the contract of every module's output.
func checkResult(t *testing.T, module string, args, out map[string]any) {
	t.Helper()
	show := func() string { b, _ := json.Marshal(args); return fmt.Sprintf("%s args %s -> %v", module, b, out) }
	raw, err := json.Marshal(out)
	if err != nil {
		t.Fatalf("not JSON: %v: %s", err, show())
	}
	var back any
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatalf("not one JSON value: %v: %s", err, show())
	}
	if _, ok := back.(map[string]any); !ok {
		t.Fatalf("not a JSON object: %s", show())
	}
	if _, ok := out["changed"].(bool); !ok {
		t.Fatalf("changed is not a boolean: %s", show())
	}
	if f, present := out["failed"]; present {
		failed, ok := f.(bool)
		if !ok {
			t.Fatalf("failed is not a boolean: %s", show())
		}
		if msg, ok := out["msg"].(string); failed && (!ok || msg == "") {
			t.Fatalf("a failure without msg: %s", show())
		}
	}
	if msg, _ := out["msg"].(string); strings.Contains(msg, "internal error") {
		t.Fatalf("crashed: %s", show())
	}
	paths := map[string]bool{}
	keyPaths(out, "", paths)
	for p := range paths {
		if strings.Contains(p, "********") {
			t.Fatalf("a key was masked (%s): %s", p, show())
		}
	}
}
