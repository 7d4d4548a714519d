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
	wardenUnit     = "mapr-warden"
	noIDYetWarning = "conf/clusterid does not exist yet: the cluster id is assigned when the CLDB first starts, so cluster_id is null"
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
	WardenCheck   string   `json:"warden_check"`
	OnlyIfID      string   `json:"only_if_cluster_id"`
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
	// maprcliDefault: maprcli_path was not given (messages name mapr_home).
	maprcliDefault bool
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
	if o.OnlyIfID != "" && o.State != "regenerated" {
		return nil, fmt.Errorf("only_if_cluster_id is used with state=regenerated only, not with state=%s", o.State)
	}
	if o.OnlyIfID != "" && mapr.ParseClusterIDFile(o.OnlyIfID) != o.OnlyIfID {
		return nil, fmt.Errorf("only_if_cluster_id: %q is not a cluster id (up to 20 digits, as in conf/clusterid)", o.OnlyIfID)
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
		return n.change(ctx, m, want)
	}
	return n.read(ctx, m)
}

// change runs present or regenerated: under the node's lock (not in check
// mode, which writes nothing), after finishing an interrupted regeneration.
func (n *node) change(ctx context.Context, m *ansible.Module, want desired) (ansible.Result, error) {
	if !m.CheckMode {
		release, err := n.lock()
		if err != nil {
			return nil, err
		}
		defer release()
	}
	rec, err := n.loadRecord()
	if err != nil {
		return nil, err
	}
	var recovered map[string]any
	if rec != nil && rec.State == regenRunning {
		if recovered, err = n.recover(m, rec); err != nil {
			return nil, err
		}
	}
	var res ansible.Result
	if n.o.State == "present" {
		res, err = n.present(ctx, m, want)
	} else {
		res, err = n.regenerate(ctx, m, want)
	}
	if recovered != nil {
		var failure *ansible.Failure
		switch {
		case res != nil:
			res["recovered"] = recovered
		case errors.As(err, &failure):
			failure.Fields["recovered"] = recovered
		}
	}
	return res, err
}

// recover puts back the files of a regeneration that never finished (its
// module was killed: the record still says running, and the lock is ours,
// so no run is active). In check mode it only says it would.
func (n *node) recover(m *ansible.Module, rec *regenRecord) (map[string]any, error) {
	what := fmt.Sprintf("the regeneration started at %s (process %d) was interrupted before configure.sh finished", rec.Started, rec.PID)
	if m.CheckMode {
		m.Warn(what + "; a real run first puts clusterid and mapr-clusters.conf back from its backups")
		return recordResult(rec), nil
	}
	notes, err := n.putBack(rec)
	if err != nil {
		_ = n.finishRecord(rec, regenIncomplete, err.Error())
		return nil, fmt.Errorf("%s, and its files cannot be put back: %v; restore them from %s by hand, then remove %s", what, err, n.conf("conf.old"), n.recordPath())
	}
	if err := n.finishRecord(rec, regenRestored, "interrupted; put back by the next run"); err != nil {
		return nil, err
	}
	done := "both were already as before"
	if len(notes) > 0 {
		done = strings.Join(notes, "; ")
	}
	m.Warn(fmt.Sprintf("%s: put clusterid and mapr-clusters.conf back from its backups (%s)", what, done))
	return recordResult(rec), nil
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
	maprcliDefault := o.MaprcliPath == ""
	if maprcliDefault {
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
		o:              o,
		conf:           func(name string) string { return filepath.Join(home, "conf", name) },
		maprcli:        cli,
		configure:      mapr.NewConfigure(o.ConfigurePath, timeout, executor, checkMode),
		systemctl:      mapr.NewSystemctl(o.SystemctlPath, timeout, executor, checkMode),
		timeout:        timeout,
		maprcliDefault: maprcliDefault,
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
	// idText is conf/clusterid as read ("" when absent), idErr why it
	// could not be read (not "absent").
	idText string
	idErr  error
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
	switch b, err := os.ReadFile(n.conf("clusterid")); {
	case err == nil:
		c.idText = string(b)
		c.clusterID = mapr.ParseClusterIDFile(c.idText)
	case !errors.Is(err, os.ErrNotExist):
		c.idErr = err
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

func (n *node) read(ctx context.Context, m *ansible.Module) (ansible.Result, error) {
	c := n.load()
	res := n.report(c)
	rec, err := n.loadRecord()
	if err != nil {
		m.Warn(err.Error())
	}
	if rec != nil {
		res["last_regeneration"] = recordResult(rec)
		if rec.State == regenRunning {
			m.Warn(fmt.Sprintf("a regeneration started at %s (process %d) has not finished: if no task runs on this node now, it was interrupted, "+
				"and the next state=present or state=regenerated task puts clusterid and mapr-clusters.conf back from its backups", rec.Started, rec.PID))
		}
	}
	if c.clusterID == "" && exists(n.o.MaprcliPath) {
		// Like the mapr-emea trial script: a running cluster knows its id
		// even when the file is missing.
		if id, err := n.maprcli.ShowID(ctx, ""); err == nil {
			if rec != nil && rec.State == regenCompleted && id == rec.PreviousID {
				// After a regeneration conf/clusterid is the source of
				// truth: the old id maprcli finds in the cluster's state
				// is what the regeneration replaced.
				m.Warn(fmt.Sprintf("maprcli still reports the previous cluster id %s, which the regeneration of %s replaced; "+
					"conf/clusterid, the source of truth, does not exist yet (the CLDB writes it when it first starts)", id, rec.Finished))
			} else {
				res["cluster_id"], res["source"] = id, "maprcli"
			}
		}
	}
	return res, nil
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
		res["diff"] = append([]any{n.confDiff(c.confText, predictedConf(c, want))}, n.predictedZKDiffs(want)...)
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
	zkBefore := n.zkFiles()
	if err := n.runConfigure(ctx, want, res); err != nil {
		return nil, n.failConfigure(err, res, restore)
	}
	out, after, err := n.afterConfigure(m, want, res)
	if err == nil && m.Diff {
		out["diff"] = append([]any{n.confDiff(c.confText, after.confText)}, n.actualZKDiffs(zkBefore)...)
	}
	return out, err
}

// afterConfigure re-reads the files, checks configure.sh did what it should
// and fills the result; it returns the files as it read them.
func (n *node) afterConfigure(m *ansible.Module, want desired, res ansible.Result) (ansible.Result, current, error) {
	after := n.load()
	for k, v := range n.report(after) {
		if k != "changed" {
			res[k] = v
		}
	}
	if after.conf == nil || after.conf.Current.Name != want.args.ClusterName || !mapr.SameNodes(after.conf.Current.CLDBs, want.args.CLDBs, mapr.DefaultCLDBPort) {
		return nil, after, &ansible.Failure{Msg: "configure.sh exited 0, but mapr-clusters.conf does not name the requested cluster and CLDB nodes on its first line", Fields: res}
	}
	if after.clusterID == "" {
		m.Warn(noIDYetWarning)
	}
	return res, after, nil
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
	argv := n.configure.Argv(want.args)
	res["command"] = argv
	res["regeneration"] = regenNotStarted
	refused := func(err error) (ansible.Result, error) {
		return nil, &ansible.Failure{Msg: err.Error(), Fields: res}
	}

	// 0. Run once: a rerun after the id changed is a no-op.
	if n.o.OnlyIfID != "" {
		if c.idErr != nil {
			return refused(fmt.Errorf("cannot tell whether this node still has cluster id %s: %v", n.o.OnlyIfID, errors.Unwrap(c.idErr)))
		}
		if c.clusterID != n.o.OnlyIfID {
			has := "has no conf/clusterid (a regenerated id is written when the CLDB first starts)"
			if c.clusterID != "" {
				has = "has cluster id " + c.clusterID
			}
			res["regeneration"] = regenSkipped
			res["msg"] = fmt.Sprintf("not regenerated: only_if_cluster_id is %s, and this node %s", n.o.OnlyIfID, has)
			return res, nil
		}
	}
	// 1. A CLDB that answers means a live cluster: never. So does a CLDB
	// nobody could ask.
	if err := n.checkCLDB(ctx); err != nil {
		return refused(err)
	}
	// 2. Warden: refuse now unless allowed to stop it (stopped after the
	// marker check, so a refusal never leaves warden stopped).
	active, err := n.wardenRunning(ctx)
	if err != nil {
		return refused(err)
	}
	if active && !n.o.StopWarden {
		return refused(errors.New("refusing to regenerate the cluster id: mapr-warden is active; stop it first or set stop_warden=true"))
	}
	// 3. Data markers, and the places that could not be looked at.
	markers, unreadable := n.markers()
	res["markers"] = ansible.NonNilStrings(markers)
	if err := n.markersRefusal(markers, unreadable); err != nil {
		return refused(err)
	}
	if len(unreadable) > 0 {
		m.Warn("force=true: proceeding although these markers could not be read: " + strings.Join(unreadable, ", "))
	}
	res["changed"] = true
	if dropped := droppedOptions(c, want); len(dropped) > 0 {
		m.Warn(fmt.Sprintf("configure.sh rewrites the cluster line from its arguments: %s will be dropped unless configure_args carry -K/-P/-H", strings.Join(dropped, " ")))
	}
	stamp := now().Format("2006-01-02.15-04-05")
	if m.CheckMode {
		res["warden_stopped"] = active
		backups := n.plannedBackups(stamp)
		res["backups"] = backups
		delete(res, "regeneration")
		if m.Diff {
			res["diff"] = n.regenDiff(c, predictedConf(current{}, want), "", n.predictedZKDiffs(want), backups, argv, true)
		}
		return res, nil
	}
	if active {
		if err := n.systemctl.Stop(ctx, wardenUnit); err != nil {
			res["changed"] = false
			return refused(fmt.Errorf("cannot stop mapr-warden: %v", err))
		}
		res["warden_stopped"] = true
		if err := n.waitWardenStopped(ctx); err != nil {
			return refused(fmt.Errorf("%v; no file was touched (mapr-warden was asked to stop)", err))
		}
	}
	if ctx.Err() != nil {
		res["changed"] = res["warden_stopped"]
		return refused(fmt.Errorf("%v before any file was touched; nothing was regenerated", context.Cause(ctx)))
	}
	zkBefore := n.zkFiles()
	rec, err := n.backupAndRemove(c, want, stamp)
	var backups []string
	if rec != nil {
		backups = backupList(rec)
		res["backups"] = backups
	}
	if err != nil {
		res["changed"] = res["warden_stopped"]
		return nil, n.undone(err, res, rec)
	}
	if err := n.runConfigure(ctx, want, res); err != nil {
		res["changed"] = res["warden_stopped"]
		return nil, n.undone(err, res, rec)
	}
	// configure.sh finished: the regeneration is complete, whatever stops
	// the task from here on.
	if err := n.finishRecord(rec, regenCompleted, ""); err != nil {
		m.Warn("the regeneration completed, but its record could not be updated: " + err.Error())
	}
	res["regeneration"] = regenCompleted
	out, after, err := n.afterConfigure(m, want, res)
	if err != nil {
		return nil, err
	}
	if m.Diff {
		out["diff"] = n.regenDiff(c, after.confText, after.idText, n.actualZKDiffs(zkBefore), backups, argv, false)
	}
	if id, prev := out["cluster_id"], out["previous_cluster_id"]; id != nil && id == prev {
		m.Warn("the cluster id did not change: the CLDB/ZooKeeper state of this cluster still holds it")
	}
	return out, nil
}

// undone puts the files back after a failed or interrupted regeneration
// and builds the failure, which says how the node ended: as before
// (restored) or, if a file could not be put back, incomplete.
func (n *node) undone(cause error, res ansible.Result, rec *regenRecord) error {
	restore := func() (string, error) {
		if rec == nil {
			return "", nil
		}
		notes, err := n.putBack(rec)
		state, note := regenRestored, strings.Join(notes, "; ")
		if err != nil {
			state, note = regenIncomplete, err.Error()
		}
		res["regeneration"] = state
		if serr := n.finishRecord(rec, state, note); serr != nil && err == nil {
			err = fmt.Errorf("the files are back, but %v", serr)
		}
		if state == regenRestored {
			return note, err
		}
		return "", fmt.Errorf("%v; restore it from %s by hand", err, n.conf("conf.old"))
	}
	var interrupted *ansible.Interrupted
	if errors.As(cause, &interrupted) {
		note, err := restore()
		msg := fmt.Sprintf("%s while the cluster id was being regenerated: configure.sh was stopped", interrupted.Reason)
		if err != nil {
			return &ansible.Failure{Msg: msg + " and the node could NOT be put back as before: " + err.Error(), Fields: res}
		}
		if note == "" {
			note = "both were still as before"
		}
		return &ansible.Failure{Msg: msg + " and the node put back as before (" + note + "); the backups stay in " + n.conf("conf.old"), Fields: res}
	}
	failure := n.failConfigure(cause, res, restore)
	res["changed"] = res["warden_stopped"]
	return failure
}

// plannedBackups are the backups a regeneration would make now.
func (n *node) plannedBackups(stamp string) []string {
	out := []string{}
	for _, name := range []string{"clusterid", "mapr-clusters.conf"} {
		if exists(n.conf(name)) {
			out = append(out, n.conf(filepath.Join("conf.old", name+"."+stamp)))
		}
	}
	return out
}

func backupList(rec *regenRecord) []string {
	out := []string{}
	for _, name := range []string{"clusterid", "mapr-clusters.conf"} {
		if f, ok := rec.Files[name]; ok && f.Backup != "" {
			out = append(out, f.Backup)
		}
	}
	return out
}

// regenDiff is the diff of a regeneration: clusterid removed (or, after a
// real run, what configure.sh left), mapr-clusters.conf, the ZooKeeper
// files, and a "prepared" text with the backups and configure.sh's argv.
func (n *node) regenDiff(before current, confAfter, idAfter string, zk []any, backups, argv []string, check bool) []any {
	idNote := "removed"
	if idAfter != "" {
		idNote = "written again by configure.sh"
	} else if !check {
		idNote = "removed; the CLDB writes a new one when it first starts"
	}
	diffs := []any{n.fileDiff("clusterid", before.idText, idAfter, idNote), n.confDiff(before.confText, confAfter)}
	diffs = append(diffs, zk...)
	verb, ran := "backed up", "ran"
	if check {
		verb, ran = "would back up", "would run"
	}
	var text strings.Builder
	for _, b := range backups {
		fmt.Fprintf(&text, "%s %s\n", verb, b)
	}
	fmt.Fprintf(&text, "%s %s\n", ran, mapr.Command{Argv: argv}.String())
	return append(diffs, map[string]any{"prepared": text.String()})
}

// backupAndRemove copies clusterid and mapr-clusters.conf to
// conf/conf.old/<name>.<stamp>, writes the regeneration record (state
// running) and only then removes the files. On an error the files are
// where they were (a partial removal is put back by the caller from the
// record it returns).
func (n *node) backupAndRemove(c current, want desired, stamp string) (*regenRecord, error) {
	dir := n.conf("conf.old")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create %s for the backups: %v", dir, err)
	}
	rec := &regenRecord{
		PID: os.Getpid(), Started: now().UTC().Format(time.RFC3339), State: regenRunning,
		PreviousID: c.clusterID, Files: map[string]savedFile{}, Command: n.configure.Argv(want.args),
	}
	for _, name := range []string{"clusterid", "mapr-clusters.conf"} {
		src := n.conf(name)
		fi, err := os.Stat(src)
		if errors.Is(err, os.ErrNotExist) {
			rec.Files[name] = savedFile{}
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("cannot read %s for the backup: %v", src, err)
		}
		b, err := os.ReadFile(src)
		if err != nil {
			return nil, fmt.Errorf("cannot read %s for the backup: %v", src, err)
		}
		dst, err := writeNew(filepath.Join(dir, name+"."+stamp), b, fi.Mode().Perm())
		if err != nil {
			return nil, fmt.Errorf("cannot back up %s: %v", src, err)
		}
		saved := savedFile{Backup: dst, Mode: fi.Mode().Perm()}
		saved.UID, saved.GID = owner(fi)
		rec.Files[name] = saved
	}
	if err := n.saveRecord(rec); err != nil {
		return nil, fmt.Errorf("%v; nothing was removed", err)
	}
	for _, name := range []string{"clusterid", "mapr-clusters.conf"} {
		if err := os.Remove(n.conf(name)); err != nil && !os.IsNotExist(err) {
			return rec, fmt.Errorf("cannot remove %s: %v", n.conf(name), err)
		}
	}
	return rec, nil
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
