// Command maprfake is the MapR fake multi-call program (see package
// maprfake). Link it as maprcli, configure.sh, systemctl, service or sudo;
// invoked as maprfake it offers `setup` and `license` helpers.
package main

import (
	"os"

	"platform.ops/tests/maprfake"
)

func main() {
	os.Exit(maprfake.Main(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
