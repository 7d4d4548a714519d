package maprclusterid

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// A regeneration removes the node's identity (clusterid, mapr-clusters.conf)
// and waits for configure.sh. Whatever stops it half-way, the node must end
// as before or fully regenerated, never in between. Signals and the task's
// timeout are handled in process (configure.sh is stopped and the files put
// back); for what cannot be handled (SIGKILL, a crash, power loss) the
// module writes this record before it removes anything: the next run finds
// it still "running", and puts the files back from the backups it names.
// The record stays afterwards as the account of the last regeneration.

// Values of regenRecord.State and of the result's "regeneration".
const (
	regenRunning    = "running"     // record only: files removed, configure.sh not finished
	regenCompleted  = "completed"   // configure.sh finished: the node is regenerated
	regenRestored   = "restored"    // stopped half-way: both files are back as before
	regenIncomplete = "incomplete"  // stopped half-way and a file could not be put back
	regenNotStarted = "not_started" // refused or stopped before any file was touched
	regenSkipped    = "skipped"     // only_if_cluster_id did not match
)

// regenRecord is conf/conf.old/regeneration.json.
type regenRecord struct {
	PID        int    `json:"pid"`
	Started    string `json:"started"`
	Finished   string `json:"finished,omitempty"`
	State      string `json:"state"`
	PreviousID string `json:"previous_cluster_id,omitempty"`
	// Files are the removed files by name: their backup ("" when the file
	// did not exist) and owner, to put them back exactly.
	Files   map[string]savedFile `json:"files"`
	Command []string             `json:"command"`
	Note    string               `json:"note,omitempty"`
}

type savedFile struct {
	Backup string      `json:"backup"`
	Mode   os.FileMode `json:"mode,omitempty"`
	UID    int         `json:"uid"`
	GID    int         `json:"gid"`
}

// identityFiles are what a regeneration removes, in the order they are put
// back (mapr-clusters.conf first, as configure.sh needs it).
var identityFiles = []string{"mapr-clusters.conf", "clusterid"}

func (n *node) recordPath() string { return n.conf(filepath.Join("conf.old", "regeneration.json")) }

// loadRecord reads the record; nil when there is none. A record that cannot
// be read or parsed is an error: it may be all that tells where the
// backups of an interrupted run are.
func (n *node) loadRecord() (*regenRecord, error) {
	b, err := os.ReadFile(n.recordPath())
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %v", n.recordPath(), errors.Unwrap(err))
	}
	var rec regenRecord
	if err := json.Unmarshal(b, &rec); err != nil || rec.State == "" {
		return nil, fmt.Errorf("%s is not a regeneration record (%v); move it away once you have checked the node's clusterid and mapr-clusters.conf", n.recordPath(), err)
	}
	return &rec, nil
}

// saveRecord writes the record durably (a new file renamed over the old,
// synced), so that a crash leaves either the old or the new one.
func (n *node) saveRecord(rec *regenRecord) error {
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	path := n.recordPath()
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("cannot write %s: %v", tmp, errors.Unwrap(err))
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("cannot write %s: %v", tmp, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("cannot write %s: %v", tmp, err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("cannot write %s: %v", path, errors.Unwrap(err))
	}
	syncDir(filepath.Dir(path))
	return nil
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

// finishRecord sets the final state of the record.
func (n *node) finishRecord(rec *regenRecord, state, note string) error {
	rec.State, rec.Note = state, note
	rec.Finished = now().UTC().Format(time.RFC3339)
	return n.saveRecord(rec)
}

// lock takes conf/conf.old/regeneration.lock for the whole task, so that
// two runs on one node never change it at once. The kernel releases it when
// the process ends, however it ends.
func (n *node) lock() (release func(), err error) {
	dir := n.conf("conf.old")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create %s: %v", dir, errors.Unwrap(err))
	}
	path := filepath.Join(dir, "regeneration.lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("cannot open %s: %v", path, errors.Unwrap(err))
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("another mapr_clusterid task is changing this node now (it holds %s); run this one again when it is done", path)
		}
		return nil, fmt.Errorf("cannot lock %s: %v", path, err)
	}
	return func() { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
}

// putBack restores the files the record saved: a file that did not exist is
// removed again, the others get their content, mode and owner back. It
// returns what it did, and every file it could not put back as an error.
func (n *node) putBack(rec *regenRecord) (notes []string, err error) {
	var errs []error
	for _, name := range identityFiles {
		saved, listed := rec.Files[name]
		if !listed {
			continue
		}
		note, ferr := n.putBackFile(name, saved)
		if ferr != nil {
			errs = append(errs, fmt.Errorf("%s: %v (its backup: %s)", n.conf(name), ferr, orNone(saved.Backup)))
		} else if note != "" {
			notes = append(notes, note)
		}
	}
	return notes, errors.Join(errs...)
}

func (n *node) putBackFile(name string, saved savedFile) (string, error) {
	path := n.conf(name)
	if saved.Backup == "" {
		if err := os.Remove(path); err == nil {
			return "removed the " + name + " the failed run created", nil
		} else if !errors.Is(err, os.ErrNotExist) {
			return "", errors.Unwrap(err)
		}
		return "", nil
	}
	b, err := os.ReadFile(saved.Backup)
	if err != nil {
		return "", fmt.Errorf("cannot read the backup: %v", errors.Unwrap(err))
	}
	if cur, err := os.ReadFile(path); err == nil && string(cur) == string(b) {
		return "", nil
	}
	tmp := path + ".platform-ops-restore"
	if err := os.WriteFile(tmp, b, saved.Mode.Perm()); err != nil {
		return "", errors.Unwrap(err)
	}
	if os.Geteuid() == 0 {
		// Put back mapr:mapr, not root: the services read these files.
		if err := os.Chown(tmp, saved.UID, saved.GID); err != nil {
			os.Remove(tmp)
			return "", errors.Unwrap(err)
		}
	}
	if err := os.Chmod(tmp, saved.Mode.Perm()); err != nil {
		os.Remove(tmp)
		return "", errors.Unwrap(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return "", errors.Unwrap(err)
	}
	return "restored " + name, nil
}

func orNone(s string) string {
	if s == "" {
		return "none, the file did not exist"
	}
	return s
}

// recordResult is the record as the result's last_regeneration.
func recordResult(rec *regenRecord) map[string]any {
	backups := map[string]any{}
	for name, f := range rec.Files {
		if f.Backup != "" {
			backups[name] = f.Backup
		}
	}
	out := map[string]any{"state": rec.State, "started": rec.Started, "pid": rec.PID, "backups": backups, "command": rec.Command}
	if rec.Finished != "" {
		out["finished"] = rec.Finished
	}
	if rec.PreviousID != "" {
		out["previous_cluster_id"] = rec.PreviousID
	}
	if rec.Note != "" {
		out["note"] = rec.Note
	}
	return out
}

// owner is a file's uid and gid (-1 when the platform does not say).
func owner(fi os.FileInfo) (uid, gid int) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return int(st.Uid), int(st.Gid)
	}
	return -1, -1
}
