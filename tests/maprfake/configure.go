package maprfake

import (
	"bufio"
	"crypto/rand"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// configure.sh's messages below are verbatim from the 5.x script (mapr.md
// §2.4) except where marked invented.

const configureUsage = `configure.sh  -C cldb_list  -Z zookeeper_list  [args]
configure.sh  client_only_mode  [refresh_roles] [args]
configure.sh  refresh_roles  [client_only_mode] [args]
`

type configureArgs struct {
	name                          string
	nameGiven                     bool
	cldbs, zks                    []string
	refresh, client               bool
	user, group                   string
	secure, unsecure              bool
	genkeys, noAutostart          bool
	onPrompt                      string
	kerberos                      bool
	principal, httpsPort, logFile string
}

// Flags that take one value; the rest listed in valueless are bare.
var (
	configureValued = map[string]bool{"-N": true, "-u": true, "-g": true, "-L": true, "-on-prompt-cont": true,
		"-P": true, "-H": true, "-J": true, "-RM": true, "-HS": true, "-TL": true, "-OT": true, "-ES": true,
		"-ESDB": true, "-D": true, "-F": true, "-disk-opts": true, "-U": true, "-G": true, "-syschk": true,
		"-certdomain": true, "-hiveMetastoreHost": true, "-EC": true}
	configureBare = map[string]bool{"-R": true, "-c": true, "-v": true, "-f": true, "-noDB": true, "-M7": true,
		"-no-autostart": true, "-genkeys": true, "-nocerts": true, "-S": true, "-secure": true, "-unsecure": true,
		"-K": true, "-kerberosEnable": true, "--isvm": true, "--novm": true, "-dare": true, "-keycloak": true,
		"--noRecalcMem": true, "-a": true, "--create-user": true, "-no-auto-permission-update": true, "-QS": true,
		"-genESKeys": true}
	reNodeList = regexp.MustCompile(`^[A-Za-z0-9._-]+(:[0-9]+)?$`)
)

func (p *Proc) configure() int {
	out := p.Stdout
	fail := func(msg string) int { fmt.Fprintln(out, msg); p.configureLog(msg); return 1 }
	if len(p.Args) == 0 {
		fmt.Fprint(out, configureUsage)
		return 1
	}
	p.sleepIf("FAKE_CONFIGURE_SLEEP")
	if p.Env.on("FAKE_CONFIGURE_NOT_ROOT") {
		// CheckForRoot's text is UNCONFIRMED (mapr.md §2.4); invented.
		fmt.Fprintln(out, "ERROR: configure.sh must be run as root")
		return 1
	}
	a := configureArgs{onPrompt: "p"}
	args := p.Args
	for i := 0; i < len(args); i++ {
		f := args[i]
		switch {
		case f == "-C" || f == "-Z" || f == "-M":
			// A list may be comma separated or several words until the next flag.
			var list []string
			for i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
				i++
				list = append(list, strings.Split(args[i], ",")...)
			}
			if f == "-Z" {
				a.zks = append(a.zks, list...)
			} else {
				a.cldbs = append(a.cldbs, list...)
			}
		case configureValued[f]:
			if i+1 >= len(args) {
				fmt.Fprint(out, configureUsage)
				return fail("ERROR: Unrecognized option:  " + f)
			}
			i++
			v := args[i]
			switch f {
			case "-N":
				a.name, a.nameGiven = v, true
			case "-u":
				a.user = v
			case "-g":
				a.group = v
			case "-L":
				a.logFile = v
			case "-on-prompt-cont":
				a.onPrompt = v
			case "-P":
				a.principal = v
			case "-H":
				a.httpsPort = v
			}
		case configureBare[f]:
			switch f {
			case "-R":
				a.refresh = true
			case "-c":
				a.client = true
			case "-genkeys":
				a.genkeys = true
			case "-no-autostart":
				a.noAutostart = true
			case "-S", "-secure":
				a.secure = true
			case "-unsecure":
				a.unsecure = true
			case "-K", "-kerberosEnable":
				a.kerberos = true
			}
		case strings.HasPrefix(f, "-"):
			fmt.Fprint(out, configureUsage)
			return fail("ERROR: Unrecognized option:  " + f)
		default:
			fmt.Fprint(out, configureUsage)
			return fail("ERROR: Unrecognized parameter:  " + f)
		}
	}
	if a.nameGiven && strings.TrimSpace(a.name) == "" {
		return fail("ERROR: -N option error: cluster name cannot be blank.")
	}
	if strings.ContainsAny(a.name, " \t") {
		return fail("ERROR: -N option error: cluster name cannot contain spaces.")
	}
	if a.name == "" {
		a.name = "my.cluster.com"
	}
	if a.group != "" && a.user == "" {
		return fail("ERROR: -g option should be used along with -u.")
	}
	confPath := p.conf("mapr-clusters.conf")
	existing, haveConf := readFile(confPath)
	if a.refresh {
		if !haveConf || strings.TrimSpace(existing) == "" {
			return fail("ERROR: File " + confPath + " is invalid. Use -C parameter to provide list of cldb nodes. Exiting")
		}
		if len(a.zks) == 0 {
			w, _ := readFile(p.conf("warden.conf"))
			if !strings.Contains(w, "zookeeper.servers=") {
				return fail("ERROR: Zookeeper nodes list is not available. Please use -C and -Z parameters to configure the node. Exiting")
			}
		}
	} else {
		if len(a.cldbs) == 0 {
			return fail("ERROR: No cldb nodes list was provided. Exiting")
		}
		if len(a.zks) == 0 && !a.client {
			return fail("ERROR: No Zookeeper nodes list was provided. Exiting")
		}
	}
	cldbs, msg := normalizeList(a.cldbs, "7222", "CLDB")
	if msg != "" {
		return fail(msg)
	}
	zks, msg := normalizeList(a.zks, "5181", "ZK")
	if msg != "" {
		return fail(msg)
	}
	if cp, zp := portOf(cldbs), portOf(zks); cp != "" && cp == zp {
		return fail("ERROR: CLDB and Zookeeper ports can not be the same: " + cp)
	}
	for _, port := range []string{portOf(cldbs), portOf(zks)} {
		if port == "7221" || port == "5660" {
			return fail("ERROR: Can not use reserved ports:  7221 5660")
		}
	}
	keyFile, ticketFile := p.conf("cldb.key"), p.conf("maprserverticket")
	if a.genkeys {
		if _, err := os.Stat(keyFile); err == nil {
			return fail("ERROR: cldb key file '" + keyFile + "' is already available.")
		}
		if _, err := os.Stat(ticketFile); err == nil {
			return fail("ERROR: server ticket file '" + ticketFile + "' is already available.")
		}
	} else if a.secure {
		if _, err := os.Stat(keyFile); err != nil {
			return fail("ERROR: cldb key file '" + keyFile + "' is not available.")
		}
		if _, err := os.Stat(ticketFile); err != nil {
			return fail("ERROR: server ticket file '" + ticketFile + "' is not available.")
		}
	}
	if p.Env.on("FAKE_CONFIGURE_PROMPT") && a.onPrompt != "y" {
		// Stands for any warning prompt; real configure.sh waits for an answer.
		fmt.Fprint(out, "WARNING: the node does not meet the recommended configuration. Continue? (y/n) ")
		line, err := bufio.NewReader(p.Stdin).ReadString('\n')
		if err != nil || !strings.HasPrefix(strings.TrimSpace(line), "y") {
			return fail("ERROR: configuration aborted at prompt (invented text)")
		}
	}

	p.configureLog("Node install STARTED", "CMD: configure.sh "+strings.Join(p.Args, " "))
	oldDir := p.conf("conf.old")
	if _, err := os.Stat(oldDir); err != nil {
		fmt.Fprintln(out, "create "+oldDir)
		_ = os.MkdirAll(oldDir, 0o755)
	}
	if !a.refresh {
		secure := a.secure
		if !a.secure && !a.unsecure && haveConf {
			// Inherited from the existing line (mapr.md §2.1).
			secure = lineFor(existing, a.name) != "" && strings.Contains(lineFor(existing, a.name), "secure=true")
		}
		line := fmt.Sprintf("%s secure=%t", a.name, secure)
		if a.kerberos {
			line += " kerberosEnable=true"
		}
		if a.principal != "" {
			line += " cldbPrincipal=" + a.principal
		}
		if a.httpsPort != "" {
			line += " cldbHttpsPort=" + a.httpsPort
		}
		line += " " + strings.Join(cldbs, " ")
		var content string
		if haveConf {
			_ = os.WriteFile(filepath.Join(oldDir, "mapr-clusters.conf."+time.Now().Format("2006-01-02.15-04")), []byte(existing), 0o644)
			content = replaceOrAppend(existing, a.name, line)
		} else {
			content = line + "\n"
		}
		if err := os.WriteFile(confPath, []byte(content), 0o644); err != nil {
			return fail("ERROR: cannot write " + confPath + ": " + err.Error())
		}
		if firstName(content) != a.name {
			fmt.Fprintf(out, "As cluster provided as input: %s is not current cluster. Only %s will be updated\n", a.name, confPath)
			p.configureLog("Node install FINISHED")
			return 0
		}
		if p.Env.on("FAKE_CONFIGURE_FAIL") {
			return fail("ERROR: injected configure failure (invented text)")
		}
		// An existing warden.conf (and a CLDB node's cldb.conf) keeps its
		// other lines; a new one starts from the package's template.
		warden, ok := readFile(p.conf("warden.conf"))
		if !ok {
			warden = "service.command.jt.heapsize.percent=10\n"
		}
		warden = setKey(setKey(warden, "zookeeper.servers", strings.Join(zks, ",")), "cldb.port", portOf(cldbs))
		_ = os.WriteFile(p.conf("warden.conf"), []byte(warden), 0o644)
		if cldb, ok := readFile(p.conf("cldb.conf")); ok {
			_ = os.WriteFile(p.conf("cldb.conf"), []byte(setKey(cldb, "cldb.zookeeper.servers", strings.Join(zks, ","))), 0o644)
		}
		fmt.Fprintln(out, "CLDB node list: "+strings.Join(cldbs, ","))
		fmt.Fprintln(out, "Zookeeper node list: "+strings.Join(zks, ","))
	} else if p.Env.on("FAKE_CONFIGURE_FAIL") {
		return fail("ERROR: injected configure failure (invented text)")
	}
	if a.genkeys {
		_ = os.WriteFile(keyFile, []byte("fake-cldb-key\n"), 0o600)
		_ = os.WriteFile(ticketFile, []byte("fake-server-ticket\n"), 0o600)
	}
	if p.clusterIDMode() == "configure" && !a.refresh && !a.client {
		if _, err := os.Stat(p.conf("clusterid")); err != nil {
			_ = os.WriteFile(p.conf("clusterid"), []byte(newClusterID()+"\n"), 0o600)
		}
	}
	if a.noAutostart {
		fmt.Fprintln(out, `Run "service mapr-warden start" in order to start this node`)
	}
	p.configureLog("Node install FINISHED")
	return 0
}

// clusterIDMode selects who writes conf/clusterid (UNCONFIRMED, mapr.md
// §2.6): "cldb" (default; warden start writes it, as the evidence suggests)
// or "configure".
func (p *Proc) clusterIDMode() string {
	if m := p.Env["FAKE_CLUSTERID_MODE"]; m != "" {
		return m
	}
	if s, ok := readFile(filepath.Join(p.State, "clusterid_mode")); ok && strings.TrimSpace(s) != "" {
		return strings.TrimSpace(s)
	}
	return "cldb"
}

func (p *Proc) configureLog(lines ...string) {
	path := filepath.Join(p.Home, "logs", "configure.log")
	_ = os.MkdirAll(filepath.Dir(path), 0o755)
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return
	}
	defer f.Close()
	for _, l := range lines {
		fmt.Fprintf(f, "%s %s\n", time.Now().Format("2006-01-02 15:04:05"), l)
	}
}

func normalizeList(list []string, defPort, kind string) ([]string, string) {
	var out []string
	port := ""
	for _, h := range list {
		if h == "" {
			continue
		}
		if !reNodeList.MatchString(h) {
			return nil, fmt.Sprintf("ERROR: %s should be in format: host[:port],host[:port]", listName(kind))
		}
		if !strings.Contains(h, ":") {
			h += ":" + defPort
		}
		hp := h[strings.LastIndex(h, ":")+1:]
		if port != "" && hp != port {
			if kind == "CLDB" {
				return nil, "ERROR: CLDB Ports should be the same for all CLDBs"
			}
			return nil, "ERROR: ZK client Ports should be the same for all Zookeepers"
		}
		port = hp
		out = append(out, h)
	}
	sort.Strings(out)
	return out, ""
}

func listName(kind string) string {
	if kind == "CLDB" {
		return "CLDB list"
	}
	return "ZK nodes list"
}

func portOf(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return list[0][strings.LastIndex(list[0], ":")+1:]
}

func lineFor(content, name string) string {
	for _, l := range strings.Split(content, "\n") {
		if f := strings.Fields(l); len(f) > 0 && f[0] == name {
			return l
		}
	}
	return ""
}

func replaceOrAppend(content, name, line string) string {
	lines := strings.Split(strings.TrimRight(content, "\n"), "\n")
	for i, l := range lines {
		if f := strings.Fields(l); len(f) > 0 && f[0] == name {
			lines[i] = line
			return strings.Join(lines, "\n") + "\n"
		}
	}
	return strings.Join(append(lines, line), "\n") + "\n"
}

func firstName(content string) string {
	for _, l := range strings.Split(content, "\n") {
		if f := strings.Fields(l); len(f) > 0 && !strings.HasPrefix(f[0], "#") {
			return f[0]
		}
	}
	return ""
}

// newClusterID is a random positive 19-digit int64, consistent with every
// public cluster id (the real algorithm is UNCONFIRMED).
func newClusterID() string {
	lo := new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)
	span := new(big.Int).Sub(big.NewInt(1<<62), lo)
	span.Add(span, big.NewInt(1<<62-1))
	n, err := rand.Int(rand.Reader, span)
	if err != nil {
		return "5119043355327235351"
	}
	return n.Add(n, lo).String()
}

// setKey replaces the line "key=..." of a properties file, or appends it.
func setKey(text, key, value string) string {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if text == "" {
		lines = nil
	}
	for i, l := range lines {
		if k, _, ok := strings.Cut(l, "="); ok && strings.TrimSpace(k) == key {
			lines[i] = key + "=" + value
			return strings.Join(lines, "\n") + "\n"
		}
	}
	return strings.Join(append(lines, key+"="+value), "\n") + "\n"
}
