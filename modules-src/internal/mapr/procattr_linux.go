package mapr

import "syscall"

// dieWithParent asks Linux to SIGKILL the child when the module dies.
func dieWithParent(attr *syscall.SysProcAttr) { attr.Pdeathsig = syscall.SIGKILL }
