package maprclusterid

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"platform.ops/modules-src/internal/mapr"
)

// Every guard of state=regenerated lets the regeneration go on only with
// positive evidence of the safe case; whatever it cannot prove ("cannot
// tell") is a refusal that names what was tried and how to proceed.

// refusal is a guard's "no": a live cluster, or no proof that it is not.
type refusal struct{ msg string }

func (r *refusal) Error() string { return r.msg }

func refuse(format string, args ...any) error { return &refusal{msg: fmt.Sprintf(format, args...)} }

// checkCLDB refuses unless maprcli proves that no CLDB answers.
func (n *node) checkCLDB(ctx context.Context) error {
	if _, err := os.Stat(n.o.MaprcliPath); err != nil {
		option := "maprcli_path"
		if n.maprcliDefault {
			option = "mapr_home"
		}
		return refuse("cannot tell whether the CLDB is running: maprcli is needed to ask it, and %s (%s) cannot be used: %v. "+
			"maprcli comes with mapr-core; point maprcli_path at it", n.o.MaprcliPath, option, errors.Unwrap(err))
	}
	up, err := n.maprcli.CLDBAnswers(ctx)
	if errors.Is(err, mapr.ErrCannotAuthenticate) {
		return refuse("cannot tell whether the CLDB is running: %v", err)
	}
	if err != nil {
		return refuse("cannot tell whether the CLDB is running: %v. The regeneration goes on only when maprcli node cldbmaster says it cannot connect to any CLDB", err)
	}
	if up {
		return refuse("refusing to regenerate the cluster id: the CLDB answers (maprcli node cldbmaster succeeded), so this cluster is live")
	}
	return nil
}

// wardenPidFile is MapR's pid file of a running warden (mapr.md §3.1).
func (n *node) wardenPidFile() string { return filepath.Join(n.o.MaprHome, "pid", "warden.pid") }

// wardenRunning tells whether mapr-warden runs, by systemctl or by its pid
// file (warden_check); an error means it cannot tell.
func (n *node) wardenRunning(ctx context.Context) (bool, error) {
	if n.o.WardenCheck == "process" {
		running, err := mapr.PidFileRunning(n.wardenPidFile())
		if err != nil {
			return false, fmt.Errorf("cannot tell whether mapr-warden is running: %v", err)
		}
		return running, nil
	}
	state, err := n.systemctl.ActiveState(ctx, wardenUnit)
	if err != nil {
		return false, fmt.Errorf("cannot tell whether mapr-warden is running: %v. "+
			"If systemd does not manage this host, set warden_check=process to look for the warden's pid file (%s) instead", err, n.wardenPidFile())
	}
	return !state.Stopped(), nil
}

// waitWardenStopped waits until the warden check proves warden stopped.
func (n *node) waitWardenStopped(ctx context.Context) error {
	return mapr.WaitStopped(ctx, wardenUnit, func(ctx context.Context) (bool, error) {
		running, err := n.wardenRunning(ctx)
		return !running, err
	}, n.timeout, pollEvery)
}

// cldbRunning matches the line cldb.log gets when the CLDB came up, with
// the spacing variants of real logs ("CLDB State change : RUNNING",
// "CLDB State change: RUNNING", "CLDB state change :RUNNING"), and the line
// of a CLDB that became a slave (mapr.md §3.2 signal 6).
var cldbRunning = regexp.MustCompile(`(?i)CLDB\s*State\s*change\s*:\s*RUNNING|Becoming\s*Slave\s*Thread`)

// markers lists the signs that the node was part of a running cluster
// (mapr.md §3.2, signals 3-6), and the places it could not look at: a
// marker it cannot read is no proof that the node is clean.
func (n *node) markers() (found, unreadable []string) {
	check := func(path string, present func() (bool, error)) {
		ok, err := present()
		switch {
		case err != nil:
			unreadable = append(unreadable, fmt.Sprintf("%s (%v)", path, err))
		case ok:
			found = append(found, path)
		}
	}
	for _, f := range []string{"mapruserticket", "disktab"} {
		path := n.conf(f)
		check(path, func() (bool, error) { return pathExists(path) })
	}
	zk := filepath.Join(n.o.MaprHome, "zkdata", "version-2")
	check(zk, func() (bool, error) {
		entries, err := os.ReadDir(zk)
		if errors.Is(err, os.ErrNotExist) {
			return false, nil
		}
		if err != nil {
			return false, errors.Unwrap(err)
		}
		return len(entries) > 0, nil
	})
	cldbLog := filepath.Join(n.o.MaprHome, "logs", "cldb.log")
	ran, err := logHas(cldbLog, cldbRunning)
	switch {
	case err != nil:
		unreadable = append(unreadable, fmt.Sprintf("%s (%v)", cldbLog, err))
	case ran:
		found = append(found, cldbLog+" (CLDB reached RUNNING)")
	}
	return found, unreadable
}

// pathExists is os.Stat's answer with "cannot tell" kept apart.
func pathExists(path string) (bool, error) {
	_, err := os.Stat(path)
	if err == nil {
		return true, nil
	}
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	return false, errors.Unwrap(err)
}

// logHas scans a log line by line (cldb.log can be large) for re; a missing
// log has nothing.
func logHas(path string, re *regexp.Regexp) (bool, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, errors.Unwrap(err)
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 64*1024)
	for {
		line, err := r.ReadString('\n')
		if re.MatchString(line) {
			return true, nil
		}
		if errors.Is(err, io.EOF) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
	}
}

// markersRefusal is the refusal for markers found or unreadable, nil when
// the node is proven clean or force accepts it.
func (n *node) markersRefusal(found, unreadable []string) error {
	if n.o.Force || (len(found) == 0 && len(unreadable) == 0) {
		return nil
	}
	if len(found) > 0 {
		return refuse("refusing to regenerate the cluster id: this node has been part of a running cluster (%s); set force=true to proceed anyway", strings.Join(found, ", "))
	}
	return refuse("cannot tell whether this node has been part of a running cluster: cannot read %s; fix the permissions (the task usually needs become) or set force=true to proceed anyway", strings.Join(unreadable, ", "))
}
