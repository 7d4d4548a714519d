package mapr

import (
	"fmt"
	"sort"
	"strings"
)

// Default ports configure.sh appends when a node is given without one.
const (
	DefaultCLDBPort = 7222
	DefaultZKPort   = 5181
)

// ClusterLine is the first ("current") line of mapr-clusters.conf:
// `<name> secure=<bool>[ key=value…] host:port …` (mapr.md §2.2).
type ClusterLine struct {
	Name   string
	Secure bool
	// Options are the key=value words other than secure, in file order
	// (kerberosEnable, cldbPrincipal, cldbHttpsPort).
	Options []string
	CLDBs   []string
}

// ClustersConf is the parsed file: the current cluster and any other lines.
type ClustersConf struct {
	Current ClusterLine
	// Others are the raw lines of remote clusters after the first.
	Others []string
}

// ParseClustersConf reads mapr-clusters.conf. Blank lines and # comments are
// skipped; the first remaining line is the current cluster, as every consumer
// reads it (awk 'NR==1').
func ParseClustersConf(content string) (ClustersConf, error) {
	var conf ClustersConf
	found := false
	for _, raw := range strings.Split(content, "\n") {
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if found {
			conf.Others = append(conf.Others, line)
			continue
		}
		cur, err := ParseClusterLine(line)
		if err != nil {
			return conf, err
		}
		conf.Current, found = cur, true
	}
	if !found {
		return conf, fmt.Errorf("mapr-clusters.conf has no cluster line")
	}
	return conf, nil
}

// ParseClusterLine parses one cluster line.
func ParseClusterLine(line string) (ClusterLine, error) {
	fields := strings.Fields(line)
	var cl ClusterLine
	if len(fields) == 0 {
		return cl, fmt.Errorf("empty cluster line")
	}
	cl.Name = fields[0]
	if strings.Contains(cl.Name, "=") {
		return cl, fmt.Errorf("cluster line starts with %q, expected a cluster name", cl.Name)
	}
	for _, f := range fields[1:] {
		key, val, isKV := strings.Cut(f, "=")
		switch {
		case isKV && key == "secure":
			cl.Secure = strings.EqualFold(val, "true")
		case isKV:
			cl.Options = append(cl.Options, f)
		default:
			cl.CLDBs = append(cl.CLDBs, f)
		}
	}
	return cl, nil
}

// String renders the line the way configure.sh writes it: name, secure,
// other options, then the CLDBs as given (callers sort them).
func (cl ClusterLine) String() string {
	words := []string{cl.Name, fmt.Sprintf("secure=%t", cl.Secure)}
	words = append(words, cl.Options...)
	words = append(words, cl.CLDBs...)
	return strings.Join(words, " ")
}

// NormalizeNodes validates host[:port] entries, appends the default port,
// sorts and removes duplicates: the set configure.sh would write, so two
// lists compare equal regardless of order or an explicit default port.
// All entries must use the same port, as configure.sh requires.
func NormalizeNodes(option string, nodes []string, defaultPort int) ([]string, error) {
	if len(nodes) == 0 {
		return nil, fmt.Errorf("%s must list at least one host", option)
	}
	seen := map[string]bool{}
	var out []string
	port := ""
	for _, n := range nodes {
		host, p, err := SplitHostPort(n, defaultPort)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", option, err)
		}
		if port != "" && p != port {
			return nil, fmt.Errorf("%s: all hosts must use the same port, got %s and %s", option, port, p)
		}
		port = p
		hp := host + ":" + p
		if !seen[hp] {
			seen[hp] = true
			out = append(out, hp)
		}
	}
	sort.Strings(out)
	return out, nil
}

// SameNodes compares two node lists as sets after normalisation of both;
// an invalid entry on either side makes them differ.
func SameNodes(a, b []string, defaultPort int) bool {
	na, errA := NormalizeNodes("a", a, defaultPort)
	nb, errB := NormalizeNodes("b", b, defaultPort)
	if errA != nil || errB != nil || len(na) != len(nb) {
		return false
	}
	for i := range na {
		if na[i] != nb[i] {
			return false
		}
	}
	return true
}

// ParseWardenZK returns the zookeeper.servers list of warden.conf, nil when
// the key is absent.
func ParseWardenZK(content string) []string {
	for _, line := range strings.Split(content, "\n") {
		key, val, ok := strings.Cut(strings.TrimSpace(line), "=")
		if ok && strings.TrimSpace(key) == "zookeeper.servers" {
			var out []string
			for _, v := range strings.Split(val, ",") {
				if v = strings.TrimSpace(v); v != "" {
					out = append(out, v)
				}
			}
			return out
		}
	}
	return nil
}
