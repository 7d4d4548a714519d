package mapr

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// PidFileRunning tells from a pid file (MapR's <mapr_home>/pid/warden.pid,
// mapr.md §3.1) whether the process it names runs. It answers false only
// with positive evidence: the file does not exist, or the process it names
// does not (kill(pid, 0) fails with ESRCH). A file it cannot read, one that
// does not hold a pid, or a process it may not signal but that exists is
// running or an error, never "stopped". A reused pid reads as running: a
// refusal, never a wrong go-ahead.
func PidFileRunning(path string) (bool, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("cannot read %s: %v", path, errors.Unwrap(err))
	}
	text := strings.TrimSpace(string(b))
	pid, err := strconv.Atoi(text)
	if err != nil || pid <= 0 {
		return false, fmt.Errorf("%s does not hold a process id (%q)", path, limit(text))
	}
	switch err := syscall.Kill(pid, 0); {
	case err == nil, errors.Is(err, syscall.EPERM):
		return true, nil
	case errors.Is(err, syscall.ESRCH):
		return false, nil
	default:
		return false, fmt.Errorf("cannot tell whether process %d of %s runs: %v", pid, path, err)
	}
}
