package docgen

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
)

// generatedDirs are the folders whose files may be generated; Write and
// Stale look there for generated files that are no longer produced.
var generatedDirs = []string{"plugins/modules", "plugins/action", "plugins/doc_fragments"}

// Stale lists the paths under root that differ from files: missing,
// different, or generated earlier for a module that no longer exists.
func Stale(root string, files map[string][]byte) ([]string, error) {
	var stale []string
	for _, path := range sortedKeys(files) {
		got, err := os.ReadFile(filepath.Join(root, path))
		if err != nil && !os.IsNotExist(err) {
			return nil, err
		}
		if !bytes.Equal(got, files[path]) {
			stale = append(stale, path)
		}
	}
	orphans, err := orphans(root, files)
	return append(stale, orphans...), err
}

// Write writes files under root and deletes generated files that are no
// longer produced.
func Write(root string, files map[string][]byte) error {
	for _, path := range sortedKeys(files) {
		full := filepath.Join(root, path)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(full, files[path], 0o644); err != nil {
			return err
		}
	}
	old, err := orphans(root, files)
	if err != nil {
		return err
	}
	for _, path := range old {
		if err := os.Remove(filepath.Join(root, path)); err != nil {
			return err
		}
	}
	return nil
}

func orphans(root string, files map[string][]byte) ([]string, error) {
	var out []string
	for _, dir := range generatedDirs {
		entries, err := os.ReadDir(filepath.Join(root, dir))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			path := dir + "/" + e.Name()
			if _, ok := files[path]; ok || e.IsDir() || !strings.HasSuffix(e.Name(), ".py") {
				continue
			}
			content, err := os.ReadFile(filepath.Join(root, path))
			if err != nil {
				return nil, err
			}
			if bytes.Contains(content, []byte(Marker)) {
				out = append(out, path)
			}
		}
	}
	return out, nil
}
