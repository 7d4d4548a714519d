// Command platform-ops is the collection's one multi-call module binary: the
// action plugin runs it with the task's args and it dispatches on
// _ansible_module_name.
package main

import (
	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/modules/all"
)

func main() { ansible.Main(all.Definitions()...) }
