// Command gendocs writes the files generated from the module Definitions
// (plugins/modules/*.py doc stubs, plugins/doc_fragments/*.py,
// plugins/action/*.py, meta/runtime.yml) into the collection root, and
// deletes generated files of modules that no longer exist. `make docs` runs
// it; with -check it only lists stale files and exits 1 when there are any.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"platform.ops/modules-src/internal/docgen"
	"platform.ops/modules-src/modules/all"
)

func main() {
	root := flag.String("root", "", "collection root (default: the directory holding go.mod, found upwards)")
	check := flag.Bool("check", false, "only list stale generated files; exit 1 when any")
	flag.Parse()
	if err := run(*root, *check); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}

func run(root string, check bool) error {
	if root == "" {
		var err error
		if root, err = findRoot(); err != nil {
			return err
		}
	}
	files, err := docgen.Files(all.Definitions())
	if err != nil {
		return err
	}
	if check {
		stale, err := docgen.Stale(root, files)
		if err != nil {
			return err
		}
		for _, path := range stale {
			fmt.Println(path)
		}
		if len(stale) > 0 {
			return fmt.Errorf("%d generated files are stale: run make docs", len(stale))
		}
		return nil
	}
	if err := docgen.Write(root, files); err != nil {
		return err
	}
	fmt.Printf("gendocs: %d files up to date under %s\n", len(files), root)
	return nil
}

// findRoot walks up from the working directory to the one holding go.mod.
func findRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod found above the working directory; pass -root")
		}
		dir = parent
	}
}
