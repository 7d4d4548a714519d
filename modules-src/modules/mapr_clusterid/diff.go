package maprclusterid

import (
	"os"
	"regexp"
	"strings"
)

// The diff is a list of per-file diffs (Ansible shows each in turn):
// mapr-clusters.conf always, clusterid when a regeneration removes it, and
// the files configure.sh rewrites for the ZooKeeper set (warden.conf, on
// CLDB nodes cldb.conf) when their content changes; a regeneration adds a
// "prepared" text with the backups and configure.sh's argument vector.

// zkKeys are the configuration keys holding the ZooKeeper set, per file
// (mapr.md §2.3); configure.sh rewrites them from -Z.
var zkKeys = []struct{ file, key string }{
	{"warden.conf", "zookeeper.servers"},
	{"cldb.conf", "cldb.zookeeper.servers"},
}

// fileDiff is one file's before/after; header notes (e.g. "removed") go
// after the path.
func (n *node) fileDiff(name, before, after, afterNote string) map[string]any {
	path := n.conf(name)
	afterHeader := path
	if afterNote != "" {
		afterHeader += " (" + afterNote + ")"
	}
	return map[string]any{"before": before, "after": after, "before_header": path, "after_header": afterHeader}
}

// readText is a file's content, "" when it does not exist.
func readText(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return string(b)
}

// setKey returns text with the line "key=value" replacing the key's line,
// or appended when there is none.
func setKey(text, key, value string) string {
	re := regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(key) + `\s*=.*$`)
	line := key + "=" + value
	if re.MatchString(text) {
		return re.ReplaceAllLiteralString(text, line)
	}
	if text != "" && !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	return text + line + "\n"
}

// zkFiles are the contents of the ZooKeeper files now.
func (n *node) zkFiles() map[string]string {
	out := map[string]string{}
	for _, z := range zkKeys {
		out[z.file] = readText(n.conf(z.file)) // "" when missing, as actualZKDiffs reads it
	}
	return out
}

// predictedZKDiffs are the diffs configure.sh's -Z will make to the
// ZooKeeper files that exist (a file it creates from its own template
// cannot be predicted; the real run's diff shows it).
func (n *node) predictedZKDiffs(want desired) []any {
	var out []any
	zks := strings.Join(want.args.ZKs, ",")
	for _, z := range zkKeys {
		before, err := os.ReadFile(n.conf(z.file))
		if err != nil {
			continue
		}
		after := setKey(string(before), z.key, zks)
		if after != string(before) {
			out = append(out, n.fileDiff(z.file, string(before), after, "predicted: "+z.key))
		}
	}
	return out
}

// actualZKDiffs are the changes a real run made to the ZooKeeper files.
func (n *node) actualZKDiffs(before map[string]string) []any {
	var out []any
	for _, z := range zkKeys {
		after := readText(n.conf(z.file))
		if after != before[z.file] {
			out = append(out, n.fileDiff(z.file, before[z.file], after, ""))
		}
	}
	return out
}
