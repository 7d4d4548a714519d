//go:build !linux

package mapr

import "syscall"

// dieWithParent has no equivalent outside Linux: a tool outlives a module
// killed outright, and the journal of mapr_clusterid covers that case.
func dieWithParent(*syscall.SysProcAttr) {}
