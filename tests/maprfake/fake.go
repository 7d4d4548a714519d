// Package maprfake is a stand-in for a MapR node's command-line tools, for
// tests: one multi-call program that behaves as maprcli, configure.sh,
// systemctl, service or sudo depending on the name it is invoked by
// (argv[0]'s base name), reading and writing a fake MAPR_HOME tree. Output
// formats follow shared research mapr.md §1-§2; texts marked UNCONFIRMED
// there are placeholders that modules must not match. Every invocation is
// appended to the state dir's calls.log so tests can prove what ran.
//
// Layout (see Setup):
//
//	$MAPR_HOME/bin/{maprcli,systemctl,service,sudo} -> the fake binary
//	$MAPR_HOME/server/configure.sh                 -> the fake binary
//	$MAPR_HOME/conf/ logs/ roles/
//	$MAPR_HOME/.fake/ (state: licenses.json, calls.log, faults, warden.active, zk_cluster_id)
package maprfake

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Env is the fake's view of its configuration: the process environment,
// overridden by KEY=VALUE lines of the state dir's "faults" file (so an
// integration test can inject a failure without touching the task's env).
type Env map[string]string

func (e Env) on(key string) bool { v := e[key]; return v != "" && v != "0" && v != "false" }

// Proc is one invocation of the fake.
type Proc struct {
	Name   string // base name it was invoked as
	Args   []string
	Home   string
	State  string
	Env    Env
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// Main runs the fake as argv[0] says and returns the exit status.
func Main(argv []string, stdin io.Reader, stdout, stderr io.Writer) int {
	name := filepath.Base(argv[0])
	if name == "maprfake" {
		return tool(argv[1:], stdout, stderr)
	}
	home := os.Getenv("FAKE_MAPR_HOME")
	if home == "" {
		home = homeFromArgv0(argv[0])
	}
	state := os.Getenv("FAKE_MAPR_STATE")
	if state == "" {
		state = filepath.Join(home, ".fake")
	}
	p := &Proc{Name: name, Args: argv[1:], Home: home, State: state, Stdin: stdin, Stdout: stdout, Stderr: stderr}
	p.Env = loadEnv(state)
	p.logCall()
	switch name {
	case "maprcli":
		return p.maprcli()
	case "configure.sh":
		return p.configure()
	case "systemctl":
		return p.systemctl(p.Args)
	case "service":
		return p.service()
	case "sudo":
		return p.sudo()
	}
	fmt.Fprintf(stderr, "maprfake: unknown program name %q\n", name)
	return 127
}

// homeFromArgv0 finds MAPR_HOME from the link the fake was started through:
// every link sits two levels below it (bin/maprcli, server/configure.sh).
// A bare name is looked up on PATH without resolving the symlink.
func homeFromArgv0(arg0 string) string {
	if !strings.Contains(arg0, "/") {
		for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
			cand := filepath.Join(dir, arg0)
			if fi, err := os.Stat(cand); err == nil && !fi.IsDir() {
				arg0 = cand
				break
			}
		}
	}
	abs, err := filepath.Abs(arg0)
	if err != nil {
		abs = arg0
	}
	return filepath.Dir(filepath.Dir(abs))
}

func loadEnv(state string) Env {
	env := Env{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	f, err := os.Open(filepath.Join(state, "faults"))
	if err != nil {
		return env
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			env[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return env
}

// Call is one line of calls.log.
type Call struct {
	Time   string   `json:"time"`
	Prog   string   `json:"prog"`
	Args   []string `json:"args"`
	Ticket string   `json:"ticket,omitempty"`
	UID    int      `json:"uid"`
	// SudoUser is set when the call came through the fake sudo.
	SudoUser string `json:"sudo_user,omitempty"`
	LCAll    string `json:"lc_all,omitempty"`
}

func (p *Proc) logCall() {
	if err := os.MkdirAll(p.State, 0o755); err != nil {
		return
	}
	c := Call{
		Time: time.Now().UTC().Format(time.RFC3339Nano), Prog: p.Name, Args: p.Args,
		Ticket: p.Env["MAPR_TICKETFILE_LOCATION"], UID: os.Getuid(),
		SudoUser: p.Env["FAKE_SUDO_USER"], LCAll: p.Env["LC_ALL"],
	}
	if c.Args == nil {
		c.Args = []string{}
	}
	b, _ := json.Marshal(c)
	f, err := os.OpenFile(filepath.Join(p.State, "calls.log"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	_, _ = f.Write(append(b, '\n'))
}

func (p *Proc) sleepIf(key string) {
	if d := p.Env[key]; d != "" {
		if dur, err := time.ParseDuration(d); err == nil {
			time.Sleep(dur)
		} else if secs, err := time.ParseDuration(d + "s"); err == nil {
			time.Sleep(secs)
		}
	}
}

func (p *Proc) conf(name string) string { return filepath.Join(p.Home, "conf", name) }

func readFile(path string) (string, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", false
	}
	return string(b), true
}

// clusterID is what the CLDB would report: conf/clusterid, else the id kept
// in "ZooKeeper" (state zk_cluster_id), else FAKE_CLUSTER_ID.
func (p *Proc) clusterID() string {
	if s, ok := readFile(p.conf("clusterid")); ok {
		if line := strings.TrimSpace(strings.SplitN(s, "\n", 2)[0]); line != "" {
			return line
		}
	}
	if s, ok := readFile(filepath.Join(p.State, "zk_cluster_id")); ok && strings.TrimSpace(s) != "" {
		return strings.TrimSpace(s)
	}
	return p.Env["FAKE_CLUSTER_ID"]
}

// currentCluster is line 1's name of mapr-clusters.conf, "" when none.
func (p *Proc) currentCluster() (name string, secure bool) {
	s, ok := readFile(p.conf("mapr-clusters.conf"))
	if !ok {
		return "", false
	}
	for _, line := range strings.Split(s, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		return f[0], strings.Contains(line, "secure=true")
	}
	return "", false
}
