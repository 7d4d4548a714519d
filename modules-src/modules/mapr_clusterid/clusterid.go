package maprclusterid

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/mapr"
)

// now stamps backups; tests may pin it.
var now = time.Now

// maxQueryTimeout caps each maprcli query (showid, cldbmaster).
const maxQueryTimeout = 2 * time.Minute

// pollEvery is how often warden is polled after stop.
var pollEvery = 500 * time.Millisecond

const (
	wardenUnit      = "mapr-warden"
	noIDYetWarning  = "conf/clusterid does not exist yet: the cluster id is assigned when the CLDB first starts, so cluster_id is null"
	cldbRunningLine = "CLDB State change : RUNNING"
)

// managedFlags are configure.sh options the module sets itself.
var managedFlags = map[string]bool{"-N": true, "-C": true, "-Z": true, "-M": true, "-R": true, "-secure": true, "-S": true,
	"-unsecure": true, "-no-autostart": true, "-on-prompt-cont": true, "-c": true}

type options struct {
	State         string   `json:"state"`
	ClusterName   string   `json:"cluster_name"`
	CLDBNodes     []string `json:"cldb_nodes"`
	ZKNodes       []string `json:"zk_nodes"`
	Secure        *bool    `json:"secure"`
	ConfigureArgs []string `json:"configure_args"`
	MaprHome      string   `json:"mapr_home"`
	ConfigurePath string   `json:"configure_path"`
	MaprcliPath   string   `json:"maprcli_path"`
	SystemctlPath string   `json:"systemctl_path"`
	TicketFile    string   `json:"ticket_file"`
	Force         bool     `json:"force"`
	StopWarden    bool     `json:"stop_warden"`
	Timeout       int      `json:"timeout"`
}

// node is the module's view of one MapR node.
type node struct {
	o         options
	conf      func(name string) string
	maprcli   *mapr.Maprcli
	configure *mapr.Configure
	systemctl *mapr.Systemctl
	timeout   time.Duration
}

// desired is the validated target configuration.
type desired struct {
	args mapr.ConfigureArgs
}

func run(ctx context.Context, m *ansible.Module) (ansible.Result, error) {
	var o options
	if err := m.Decode(&o); err != nil {
		return nil, err
	}
	n, err := newNode(o, m.CheckMode)
	if err != nil {
		return nil, err
	}
	switch o.State {
	case "present", "regenerated":
		want, err := validateDesired(o)
		if err != nil {
			return nil, err
		}
		if !exists(n.o.ConfigurePath) {
			option := "configure_path"
			if o.ConfigurePath == "" {
				option = "mapr_home"
			}
			return nil, fmt.Errorf("%s: configure.sh not found at %s", option, n.o.ConfigurePath)
		}
		if o.State == "present" {
			return n.present(ctx, m, want)
		}
		return n.regenerate(ctx, m, want)
	}
	return n.read(ctx), nil
}

func newNode(o options, checkMode bool) (*node, error) {
	if o.Timeout <= 0 {
		return nil, fmt.Errorf("timeout must be a positive number of seconds, got %d", o.Timeout)
	}
	timeout := time.Duration(o.Timeout) * time.Second
	home := o.MaprHome
	if o.ConfigurePath == "" {
		o.ConfigurePath = filepath.Join(home, "server", "configure.sh")
	}
	if o.MaprcliPath == "" {
		o.MaprcliPath = filepath.Join(home, "bin", "maprcli")
	}
	ticket := o.TicketFile
	if ticket != "" && !exists(ticket) {
		return nil, fmt.Errorf("ticket_file: %s does not exist", ticket)
	}
	if def := filepath.Join(home, "conf", "mapruserticket"); ticket == "" && exists(def) {
		ticket = def
	}
	// maprcli only answers questions here; a CLDB that does not answer must
	// not hold a read for configure.sh's long timeout.
	cli, err := mapr.NewMaprcli(mapr.MaprcliConfig{Path: o.MaprcliPath, TicketFile: ticket, Timeout: min(timeout, maxQueryTimeout), Exec: executor, CheckMode: checkMode})
	if err != nil {
		return nil, err
	}
	return &node{
		o:         o,
		conf:      func(name string) string { return filepath.Join(home, "conf", name) },
		maprcli:   cli,
		configure: mapr.NewConfigure(o.ConfigurePath, timeout, executor, checkMode),
		systemctl: mapr.NewSystemctl(o.SystemctlPath, timeout, executor, checkMode),
		timeout:   timeout,
	}, nil
}

// validateDesired checks every value that reaches configure.sh's argv.
func validateDesired(o options) (desired, error) {
	var d desired
	if err := mapr.ValidateClusterName(o.ClusterName); err != nil {
		return d, fmt.Errorf("cluster_name: %w", err)
	}
	cldbs, err := mapr.NormalizeNodes("cldb_nodes", o.CLDBNodes, mapr.DefaultCLDBPort)
	if err != nil {
		return d, err
	}
	zks, err := mapr.NormalizeNodes("zk_nodes", o.ZKNodes, mapr.DefaultZKPort)
	if err != nil {
		return d, err
	}
	for _, a := range o.ConfigureArgs {
		if managedFlags[a] {
			return d, fmt.Errorf("configure_args: %s is set by the module (use cluster_name, cldb_nodes, zk_nodes, secure or state)", a)
		}
		if a == "" || strings.ContainsAny(a, "\x00\n\r") {
			return d, fmt.Errorf("configure_args: %q is not a usable argument", a)
		}
	}
	d.args = mapr.ConfigureArgs{ClusterName: o.ClusterName, CLDBs: cldbs, ZKs: zks, Secure: o.Secure, Extra: o.ConfigureArgs}
	return d, nil
}

// current is what the node's files say.
type current struct {
	confText   string
	confExists bool
	conf       *mapr.ClustersConf
	confErr    error
	zks        []string
	clusterID  string
}

func (n *node) load() current {
	var c current
	if b, err := os.ReadFile(n.conf("mapr-clusters.conf")); err == nil {
		c.confText, c.confExists = string(b), true
		conf, err := mapr.ParseClustersConf(c.confText)
		if err == nil {
			c.conf = &conf
		}
		c.confErr = err
	}
	if b, err := os.ReadFile(n.conf("warden.conf")); err == nil {
		c.zks = mapr.ParseWardenZK(string(b))
	}
	if b, err := os.ReadFile(n.conf("clusterid")); err == nil {
		c.clusterID = mapr.ParseClusterIDFile(string(b))
	}
	return c
}

// report is the read result for the current files.
func (n *node) report(c current) ansible.Result {
	res := ansible.Result{"changed": false, "configured": c.confExists, "cluster_name": nil, "cluster_id": nil, "source": "none"}
	if c.clusterID != "" {
		res["cluster_id"], res["source"] = c.clusterID, "file"
	}
	if c.conf != nil {
		res["cluster_name"] = c.conf.Current.Name
		res["secure"] = c.conf.Current.Secure
		res["cldb_nodes"] = ansible.NonNilStrings(c.conf.Current.CLDBs)
	}
	if c.zks != nil {
		res["zk_nodes"] = c.zks
	}
	return res
}

func (n *node) read(ctx context.Context) ansible.Result {
	c := n.load()
	res := n.report(c)
	if c.clusterID == "" && exists(n.o.MaprcliPath) {
		// Like the mapr-emea trial script: a running cluster knows its id
		// even when the file is missing.
		if id, err := n.maprcli.ShowID(ctx, ""); err == nil {
			res["cluster_id"], res["source"] = id, "maprcli"
		}
	}
	return res
}

// matches reports whether the node already has the desired configuration.
func matches(c current, want desired) bool {
	if c.conf == nil || c.conf.Current.Name != want.args.ClusterName {
		return false
	}
	if !mapr.SameNodes(c.conf.Current.CLDBs, want.args.CLDBs, mapr.DefaultCLDBPort) {
		return false
	}
	if want.args.Secure != nil && *want.args.Secure != c.conf.Current.Secure {
		return false
	}
	return c.zks != nil && mapr.SameNodes(c.zks, want.args.ZKs, mapr.DefaultZKPort)
}

// lineOptions are the key=value words configure.sh writes from its own
// arguments (-K, -P, -H; mapr.md §2.2): it rebuilds the line every run, so
// options of the old line survive only when their flags are given again.
func lineOptions(extra []string) []string {
	var opts []string
	for i, a := range extra {
		switch {
		case a == "-K" || a == "-kerberosEnable":
			opts = append(opts, "kerberosEnable=true")
		case a == "-P" && i+1 < len(extra):
			opts = append(opts, "cldbPrincipal="+extra[i+1])
		case a == "-H" && i+1 < len(extra):
			opts = append(opts, "cldbHttpsPort="+extra[i+1])
		}
	}
	return opts
}

// droppedOptions lists options of the current line configure.sh will not
// write again.
func droppedOptions(c current, want desired) []string {
	if c.conf == nil {
		return nil
	}
	keep := map[string]bool{}
	for _, o := range lineOptions(want.args.Extra) {
		k, _, _ := strings.Cut(o, "=")
		keep[k] = true
	}
	var dropped []string
	for _, o := range c.conf.Current.Options {
		if k, _, _ := strings.Cut(o, "="); !keep[k] {
			dropped = append(dropped, o)
		}
	}
	return dropped
}

// predictedConf is mapr-clusters.conf as configure.sh will write it.
func predictedConf(c current, want desired) string {
	line := mapr.ClusterLine{Name: want.args.ClusterName, CLDBs: want.args.CLDBs, Options: lineOptions(want.args.Extra)}
	others := []string{}
	if c.conf != nil && c.conf.Current.Name == want.args.ClusterName {
		line.Secure = c.conf.Current.Secure
	}
	if c.conf != nil {
		others = c.conf.Others
	}
	if want.args.Secure != nil {
		line.Secure = *want.args.Secure
	}
	return strings.Join(append([]string{line.String()}, others...), "\n") + "\n"
}

func (n *node) present(ctx context.Context, m *ansible.Module, want desired) (ansible.Result, error) {
	c := n.load()
	if c.confErr != nil {
		return nil, fmt.Errorf("%s: %v; fix or remove it first", n.conf("mapr-clusters.conf"), c.confErr)
	}
	if c.conf != nil && c.conf.Current.Name != want.args.ClusterName {
		return nil, &ansible.Failure{Msg: fmt.Sprintf("this node is configured for cluster %q; configure.sh does not rename the current cluster (it would only append a line for %q). Use state=regenerated to reconfigure the node",
			c.conf.Current.Name, want.args.ClusterName), Fields: n.report(c)}
	}
	if matches(c, want) {
		return n.report(c), nil
	}
	res := ansible.Result{"changed": true, "command": n.configure.Argv(want.args)}
	if dropped := droppedOptions(c, want); len(dropped) > 0 {
		m.Warn(fmt.Sprintf("configure.sh rewrites the cluster line from its arguments: %s will be dropped unless configure_args carry -K/-P/-H", strings.Join(dropped, " ")))
	}
	if m.Diff {
		res["diff"] = n.confDiff(c.confText, predictedConf(c, want))
	}
	if m.CheckMode {
		for k, v := range n.report(c) {
			if _, set := res[k]; !set {
				res[k] = v
			}
		}
		return res, nil
	}
	restore := n.snapshot("mapr-clusters.conf")
	if err := n.runConfigure(ctx, want, res); err != nil {
		return nil, n.failConfigure(err, res, restore)
	}
	return n.afterConfigure(m, c, want, res)
}

// afterConfigure re-reads the files, checks configure.sh did what it should
// and fills the result.
func (n *node) afterConfigure(m *ansible.Module, before current, want desired, res ansible.Result) (ansible.Result, error) {
	after := n.load()
	for k, v := range n.report(after) {
		if k != "changed" {
			res[k] = v
		}
	}
	if m.Diff {
		res["diff"] = n.confDiff(before.confText, after.confText)
	}
	if after.conf == nil || after.conf.Current.Name != want.args.ClusterName || !mapr.SameNodes(after.conf.Current.CLDBs, want.args.CLDBs, mapr.DefaultCLDBPort) {
		return nil, &ansible.Failure{Msg: "configure.sh exited 0, but mapr-clusters.conf does not name the requested cluster and CLDB nodes on its first line", Fields: res}
	}
	if after.clusterID == "" {
		m.Warn(noIDYetWarning)
	}
	return res, nil
}

func (n *node) runConfigure(ctx context.Context, want desired, res ansible.Result) error {
	out, err := n.configure.Run(ctx, want.args)
	if err != nil {
		res["configure_errors"] = errorLines(out.Stdout)
		return err
	}
	return nil
}

// failConfigure restores the files and builds the failure.
func (n *node) failConfigure(err error, res ansible.Result, restores ...func() (string, error)) error {
	var notes []string
	for _, r := range restores {
		note, rerr := r()
		if rerr != nil {
			notes = append(notes, "RESTORE FAILED: "+rerr.Error())
		} else if note != "" {
			notes = append(notes, note)
		}
	}
	res["changed"] = false
	res["configure_log"] = tail(filepath.Join(n.o.MaprHome, "logs", "configure.log"), 10)
	msg := err.Error()
	if len(notes) > 0 {
		msg += "; " + strings.Join(notes, "; ")
	}
	msg += "; see configure_log (" + filepath.Join(n.o.MaprHome, "logs", "configure.log") + ")"
	return &ansible.Failure{Msg: msg, Fields: res}
}

// snapshot remembers a conf file so a failed configure.sh can be undone
// (the installer's "remove clusters.conf so a re-run can succeed", and
// putting back what was there before).
func (n *node) snapshot(name string) func() (string, error) {
	path := n.conf(name)
	b, err := os.ReadFile(path)
	existed := err == nil
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	return func() (string, error) {
		if !existed {
			if err := os.Remove(path); err == nil {
				return "removed the " + name + " the failed run created", nil
			} else if !os.IsNotExist(err) {
				return "", err
			}
			return "", nil
		}
		cur, err := os.ReadFile(path)
		if err == nil && string(cur) == string(b) {
			return "", nil
		}
		if err := os.WriteFile(path, b, mode); err != nil {
			return "", err
		}
		return "restored " + name, nil
	}
}

func (n *node) confDiff(before, after string) map[string]any {
	path := n.conf("mapr-clusters.conf")
	return map[string]any{"before": before, "after": after, "before_header": path, "after_header": path}
}

func (n *node) regenerate(ctx context.Context, m *ansible.Module, want desired) (ansible.Result, error) {
	c := n.load()
	if want.args.Secure == nil && c.conf != nil && c.conf.Current.Secure {
		// The conf is removed before configure.sh runs, so it would inherit
		// nothing and write secure=false: keep a secure node secure, as
		// secure's documentation promises for an unset value.
		secure := true
		want.args.Secure = &secure
	}
	res := n.report(c)
	res["previous_cluster_id"] = res["cluster_id"]
	res["warden_stopped"] = false
	res["markers"] = []string{}
	res["command"] = n.configure.Argv(want.args)

	// 1. A CLDB that answers means a live cluster: never.
	if exists(n.o.MaprcliPath) {
		up, err := n.maprcli.CLDBAnswers(ctx)
		if err != nil {
			return nil, &ansible.Failure{Msg: "cannot tell whether the CLDB is running: " + err.Error(), Fields: res}
		}
		if up {
			return nil, &ansible.Failure{Msg: "refusing to regenerate the cluster id: the CLDB answers (maprcli node cldbmaster succeeded), so this cluster is live", Fields: res}
		}
	} else {
		m.Warn(fmt.Sprintf("%s does not exist, so whether a CLDB answers was not checked", n.o.MaprcliPath))
	}
	// 2. Warden: refuse now unless allowed to stop it (stopped after the
	// marker check, so a refusal never leaves warden stopped).
	active, err := n.systemctl.IsActive(ctx, wardenUnit)
	if err != nil {
		return nil, &ansible.Failure{Msg: "cannot tell whether mapr-warden is running: " + err.Error(), Fields: res}
	}
	if active && !n.o.StopWarden {
		return nil, &ansible.Failure{Msg: "refusing to regenerate the cluster id: mapr-warden is active; stop it first or set stop_warden=true", Fields: res}
	}
	// 3. Data markers.
	markers := n.markers()
	res["markers"] = markers
	if len(markers) > 0 && !n.o.Force {
		return nil, &ansible.Failure{Msg: "refusing to regenerate the cluster id: this node has been part of a running cluster (" + strings.Join(markers, ", ") + "); set force=true to proceed anyway", Fields: res}
	}
	res["changed"] = true
	if dropped := droppedOptions(c, want); len(dropped) > 0 {
		m.Warn(fmt.Sprintf("configure.sh rewrites the cluster line from its arguments: %s will be dropped unless configure_args carry -K/-P/-H", strings.Join(dropped, " ")))
	}
	if m.Diff {
		res["diff"] = n.confDiff(c.confText, predictedConf(current{}, want))
	}
	if m.CheckMode {
		res["warden_stopped"] = active
		return res, nil
	}
	if active {
		if err := n.systemctl.Stop(ctx, wardenUnit); err != nil {
			res["changed"] = false
			return nil, &ansible.Failure{Msg: "cannot stop mapr-warden: " + err.Error(), Fields: res}
		}
		res["warden_stopped"] = true
		if err := n.systemctl.WaitInactive(ctx, wardenUnit, n.timeout, pollEvery); err != nil {
			return nil, &ansible.Failure{Msg: err.Error(), Fields: res}
		}
	}
	backups, restoreConf, restoreID, err := n.backupAndRemove()
	res["backups"] = backups
	if err != nil {
		res["changed"] = res["warden_stopped"]
		return nil, &ansible.Failure{Msg: err.Error(), Fields: res}
	}
	if err := n.runConfigure(ctx, want, res); err != nil {
		ferr := n.failConfigure(err, res, restoreConf, restoreID)
		res["changed"] = res["warden_stopped"]
		return nil, ferr
	}
	out, err := n.afterConfigure(m, current{}, want, res)
	if err != nil {
		return nil, err
	}
	if m.Diff {
		out["diff"] = n.confDiff(c.confText, n.load().confText)
	}
	if id, prev := out["cluster_id"], out["previous_cluster_id"]; id != nil && id == prev {
		m.Warn("the cluster id did not change: the CLDB/ZooKeeper state of this cluster still holds it")
	}
	return out, nil
}

// markers lists the signs that the node was part of a running cluster
// (mapr.md §3.2, signals 3-6).
func (n *node) markers() []string {
	var found []string
	for _, f := range []string{"mapruserticket", "disktab"} {
		if exists(n.conf(f)) {
			found = append(found, n.conf(f))
		}
	}
	zk := filepath.Join(n.o.MaprHome, "zkdata", "version-2")
	if entries, err := os.ReadDir(zk); err == nil && len(entries) > 0 {
		found = append(found, zk)
	}
	cldbLog := filepath.Join(n.o.MaprHome, "logs", "cldb.log")
	if b, err := os.ReadFile(cldbLog); err == nil && strings.Contains(string(b), cldbRunningLine) {
		found = append(found, cldbLog+" (CLDB reached RUNNING)")
	}
	return ansible.NonNilStrings(found)
}

// backupAndRemove copies clusterid and mapr-clusters.conf to
// conf/conf.old/<name>.<timestamp> and removes them; it returns the
// backups and functions that put the originals back.
func (n *node) backupAndRemove() ([]string, func() (string, error), func() (string, error), error) {
	dir := n.conf("conf.old")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, nil, nil, fmt.Errorf("cannot create %s for the backups: %v", dir, err)
	}
	stamp := now().Format("2006-01-02.15-04-05")
	restoreConf := n.snapshot("mapr-clusters.conf")
	restoreID := n.snapshot("clusterid")
	backups := []string{}
	for _, name := range []string{"clusterid", "mapr-clusters.conf"} {
		src := n.conf(name)
		b, err := os.ReadFile(src)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return backups, nil, nil, fmt.Errorf("cannot read %s for the backup: %v", src, err)
		}
		fi, _ := os.Stat(src)
		dst, err := writeNew(filepath.Join(dir, name+"."+stamp), b, fi.Mode().Perm())
		if err != nil {
			return backups, nil, nil, fmt.Errorf("cannot back up %s: %v", src, err)
		}
		backups = append(backups, dst)
	}
	for _, name := range []string{"clusterid", "mapr-clusters.conf"} {
		if err := os.Remove(n.conf(name)); err != nil && !os.IsNotExist(err) {
			_, _ = restoreID()
			_, _ = restoreConf()
			return backups, nil, nil, fmt.Errorf("cannot remove %s: %v", n.conf(name), err)
		}
	}
	return backups, restoreConf, restoreID, nil
}

// writeNew writes a file that must not exist yet, adding .1, .2, … to the
// name when an earlier backup from the same second is there: a backup is
// never overwritten.
func writeNew(path string, data []byte, mode os.FileMode) (string, error) {
	for i := 0; ; i++ {
		p := path
		if i > 0 {
			p = fmt.Sprintf("%s.%d", path, i)
		}
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
		if errors.Is(err, os.ErrExist) && i < 1000 {
			continue
		}
		if err != nil {
			return "", err
		}
		if _, err := f.Write(data); err != nil {
			f.Close()
			return "", err
		}
		return p, f.Close()
	}
}

func errorLines(stdout string) []string {
	out := []string{}
	for _, l := range strings.Split(stdout, "\n") {
		if l = strings.TrimSpace(l); strings.HasPrefix(l, "ERROR") || strings.HasPrefix(l, "WARN") {
			out = append(out, l)
		}
	}
	return out
}

func tail(path string, n int) []string {
	b, err := os.ReadFile(path)
	if err != nil {
		return []string{}
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return lines[max(0, len(lines)-n):]
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
