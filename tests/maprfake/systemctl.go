package maprfake

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// notBooted is what systemctl prints, with exit status 1, where systemd is
// not PID 1 (containers, chroots): systemd's own message.
const notBooted = "System has not been booted with systemd as init system (PID 1). Can't operate.\nFailed to connect to bus: Host is down\n"

// systemctl models mapr-warden and mapr-zookeeper (mapr.md §6.3); state is
// the file <state>/<unit>.active. A running warden also has
// <home>/pid/warden.pid (MapR's pid file, mapr.md §3.1); stop removes it.
func (p *Proc) systemctl(args []string) int {
	p.sleepIf("FAKE_SYSTEMCTL_SLEEP")
	if p.Env.on("FAKE_SYSTEMD_NOT_BOOTED") {
		fmt.Fprint(p.Stderr, notBooted)
		return 1
	}
	quiet := false
	var words []string
	for _, a := range args {
		switch a {
		case "-q", "--quiet":
			quiet = true
		case "--no-pager", "--no-block":
		default:
			words = append(words, a)
		}
	}
	if len(words) != 2 {
		fmt.Fprintln(p.Stderr, "systemctl (fake): expected VERB UNIT")
		return 1
	}
	verb, unit := words[0], strings.TrimSuffix(words[1], ".service")
	if unit != "mapr-warden" && unit != "mapr-zookeeper" {
		if verb == "is-active" {
			if !quiet {
				fmt.Fprintln(p.Stdout, "inactive")
			}
			return 3
		}
		fmt.Fprintf(p.Stderr, "Failed to %s %s.service: Unit %s.service not found.\n", verb, unit, unit)
		return 5
	}
	state := filepath.Join(p.State, unit+".active")
	switch verb {
	case "is-active":
		word := map[bool]string{true: "active", false: "inactive"}[exists(state)]
		if w := p.Env["FAKE_WARDEN_STATE"]; w != "" && unit == "mapr-warden" {
			// activating, deactivating, failed, ...: systemd's other words
			word = w
		}
		if !quiet {
			fmt.Fprintln(p.Stdout, word)
		}
		if word == "active" || word == "reloading" {
			return 0
		}
		return 3
	case "stop":
		if unit == "mapr-warden" && p.Env.on("FAKE_WARDEN_STOP_FAIL") {
			fmt.Fprintf(p.Stderr, "Job for %s.service failed because the control process exited with error code.\n", unit)
			return 1
		}
		_ = os.Remove(state)
		if unit == "mapr-warden" {
			_ = os.Remove(filepath.Join(p.Home, "pid", "warden.pid"))
		}
		return 0
	case "start", "restart":
		if unit == "mapr-warden" {
			p.wardenStarted()
		}
		_ = os.WriteFile(state, []byte("active\n"), 0o644)
		return 0
	}
	fmt.Fprintf(p.Stderr, "Unknown command verb %s.\n", verb)
	return 1
}

// wardenStarted models the CLDB's first start in the "cldb" cluster-id
// model: it writes conf/clusterid (keeping the id ZooKeeper already holds),
// the user ticket and a cldb.log that says RUNNING.
func (p *Proc) wardenStarted() {
	if p.clusterIDMode() != "cldb" {
		return
	}
	zk := filepath.Join(p.State, "zk_cluster_id")
	id, ok := readFile(zk)
	id = strings.TrimSpace(id)
	if !ok || id == "" {
		id = newClusterID()
		_ = os.WriteFile(zk, []byte(id+"\n"), 0o644)
	}
	_ = os.WriteFile(p.conf("clusterid"), []byte(id+"\n"), 0o600)
	_ = os.WriteFile(p.conf("mapruserticket"), []byte("fake-user-ticket\n"), 0o600)
	_ = os.MkdirAll(filepath.Join(p.Home, "logs"), 0o755)
	f, err := os.OpenFile(filepath.Join(p.Home, "logs", "cldb.log"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err == nil {
		fmt.Fprintln(f, "2026-01-01 00:00:00,000 INFO CLDB [main]: CLDB State change : RUNNING")
		f.Close()
	}
}

// service mapr-warden stop → systemctl, with EL7's redirect notice.
func (p *Proc) service() int {
	if len(p.Args) != 2 {
		fmt.Fprintln(p.Stderr, "Usage: service < option > | --status-all | [ service_name [ command | --full-restart ] ]")
		return 1
	}
	fmt.Fprintf(p.Stdout, "Redirecting to /bin/systemctl %s %s.service\n", p.Args[1], p.Args[0])
	return p.systemctl([]string{p.Args[1], p.Args[0]})
}

// sudo accepts `sudo [-E] [-n] -u USER PROG ARGS…`, records USER for the
// call log of PROG and execs PROG (resolved next to the fake first).
func (p *Proc) sudo() int {
	args := p.Args
	user := "root"
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "-u":
			if len(args) < 2 {
				fmt.Fprintln(p.Stderr, "sudo: option requires an argument -- 'u'")
				return 1
			}
			user, args = args[1], args[2:]
			continue
		case "-E", "-n", "-H":
		default:
			fmt.Fprintf(p.Stderr, "sudo: unknown option %s\n", args[0])
			return 1
		}
		args = args[1:]
	}
	if len(args) == 0 {
		fmt.Fprintln(p.Stderr, "usage: sudo -u user command")
		return 1
	}
	env := append(os.Environ(), "FAKE_SUDO_USER="+user)
	if err := syscall.Exec(args[0], args, env); err != nil {
		fmt.Fprintf(p.Stderr, "sudo: %s: command not found\n", args[0])
		return 1
	}
	return 0
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
