package maprfake

import (
	"bufio"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Options shape a fresh fake node.
type Options struct {
	// ClusterID is written to conf/clusterid (and kept as the "ZooKeeper"
	// id) when set.
	ClusterID string
	// ClustersConf is the content of conf/mapr-clusters.conf when set.
	ClustersConf string
	// WardenConf is the content of conf/warden.conf when set.
	WardenConf string
	// ClusterIDMode is "cldb" (default) or "configure"; see clusterIDMode.
	ClusterIDMode string
	WardenActive  bool
}

// Tree is a laid-out fake MAPR_HOME.
type Tree struct {
	Home  string
	State string
}

// Programs the fake binary is linked as, relative to MAPR_HOME.
var links = []string{"bin/maprcli", "bin/systemctl", "bin/service", "bin/sudo", "server/configure.sh"}

// Setup lays out a fake MAPR_HOME at home with symlinks to the fake binary.
func Setup(home, binary string, o Options) (*Tree, error) {
	t := &Tree{Home: home, State: filepath.Join(home, ".fake")}
	for _, d := range []string{"bin", "server", "conf", "logs", "roles", ".fake"} {
		if err := os.MkdirAll(filepath.Join(home, d), 0o755); err != nil {
			return nil, err
		}
	}
	binary, err := filepath.Abs(binary)
	if err != nil {
		return nil, err
	}
	for _, l := range links {
		p := filepath.Join(home, l)
		_ = os.Remove(p)
		if err := os.Symlink(binary, p); err != nil {
			return nil, err
		}
	}
	write := func(path, content string, mode os.FileMode) error {
		if content == "" {
			return nil
		}
		return os.WriteFile(path, []byte(content), mode)
	}
	if o.ClusterID != "" {
		if err := write(t.Conf("clusterid"), o.ClusterID+"\n", 0o600); err != nil {
			return nil, err
		}
		if err := write(filepath.Join(t.State, "zk_cluster_id"), o.ClusterID+"\n", 0o644); err != nil {
			return nil, err
		}
	}
	if err := write(t.Conf("mapr-clusters.conf"), o.ClustersConf, 0o644); err != nil {
		return nil, err
	}
	if err := write(t.Conf("warden.conf"), o.WardenConf, 0o644); err != nil {
		return nil, err
	}
	if err := write(filepath.Join(t.State, "clusterid_mode"), o.ClusterIDMode, 0o644); err != nil {
		return nil, err
	}
	if o.WardenActive {
		if err := write(filepath.Join(t.State, "mapr-warden.active"), "active\n", 0o644); err != nil {
			return nil, err
		}
	}
	b, _ := json.MarshalIndent([]License{BaseLicense}, "", "  ")
	if err := os.WriteFile(filepath.Join(t.State, "licenses.json"), b, 0o644); err != nil {
		return nil, err
	}
	return t, nil
}

// Conf returns the path of a file under conf/.
func (t *Tree) Conf(name string) string { return filepath.Join(t.Home, "conf", name) }

// Maprcli, Configure and Systemctl are the fake programs' paths.
func (t *Tree) Maprcli() string   { return filepath.Join(t.Home, "bin", "maprcli") }
func (t *Tree) Configure() string { return filepath.Join(t.Home, "server", "configure.sh") }
func (t *Tree) Systemctl() string { return filepath.Join(t.Home, "bin", "systemctl") }

// SetFault writes KEY=VALUE to the faults file read by every fake program;
// an empty value removes the key.
func (t *Tree) SetFault(key, value string) error {
	path := filepath.Join(t.State, "faults")
	old, _ := os.ReadFile(path)
	var keep []string
	for _, l := range strings.Split(string(old), "\n") {
		if k, _, ok := strings.Cut(l, "="); ok && k != key {
			keep = append(keep, l)
		}
	}
	if value != "" {
		keep = append(keep, key+"="+value)
	}
	return os.WriteFile(path, []byte(strings.Join(keep, "\n")+"\n"), 0o644)
}

// Calls reads calls.log.
func (t *Tree) Calls() ([]Call, error) {
	f, err := os.Open(filepath.Join(t.State, "calls.log"))
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Call
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var c Call
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, sc.Err()
}

// CallLines renders calls as "prog arg arg" strings for readable asserts.
func (t *Tree) CallLines() []string {
	calls, _ := t.Calls()
	out := []string{}
	for _, c := range calls {
		out = append(out, strings.TrimSpace(c.Prog+" "+strings.Join(c.Args, " ")))
	}
	return out
}

// ResetCalls empties calls.log.
func (t *Tree) ResetCalls() error {
	return os.WriteFile(filepath.Join(t.State, "calls.log"), nil, 0o644)
}

// Licenses returns the installed licenses.
func (t *Tree) Licenses() []License {
	return (&Proc{State: t.State}).loadLicenses()
}

// LicenseSpec describes a generated test license.
type LicenseSpec struct {
	ClusterID   string
	Description string
	Expires     time.Time
	NoHash      bool
	Unsigned    bool
	// Serial makes otherwise equal specs produce different hashes.
	Serial string
}

// LicenseText renders a license file shaped like the real trial license
// (mapr.md §1.8): signed body ending with hash: "<base64 sha1 of the body>",
// then a signature block. Returns the text and its hash.
func LicenseText(s LicenseSpec) (string, string) {
	if s.Description == "" {
		s.Description = "MapR Enterprise Trial Edition"
	}
	if s.Expires.IsZero() {
		s.Expires = time.Now().Add(30 * 24 * time.Hour)
	}
	issued := s.Expires.Add(-30 * 24 * time.Hour)
	var b strings.Builder
	if s.ClusterID != "" {
		fmt.Fprintf(&b, "clusterid: %q\n", s.ClusterID)
	}
	fmt.Fprintf(&b, "version: \"4.0\"\ncustomerid: \"ignore%s\"\nissuer: \"MapR Technologies, Inc.\"\nlicType: Demo\ndescription: %q\n", s.Serial, s.Description)
	fmt.Fprintf(&b, "enforcement: HARD\ngracePeriod: 0\nissuedate: %d\nexpirationdate: %d\n", issued.Unix(), s.Expires.Unix())
	fmt.Fprintf(&b, "issuedateStr: %q\nexpdateStr: %q\n", issued.UTC().Format(time.UnixDate), s.Expires.UTC().Format(time.UnixDate))
	b.WriteString("capabilities {\n  feature: MAXNODES\n  name: \"Max Nodes in Cluster\"\n  permission: ALLOW\n  featureData {\n    maxNodes: \"unlimited\"\n  }\n}\n")
	sum := sha1.Sum([]byte(b.String()))
	hash := base64.StdEncoding.EncodeToString(sum[:])
	if !s.NoHash {
		fmt.Fprintf(&b, "hash: %q\n", hash)
	} else {
		hash = ""
	}
	sig := sha1.Sum([]byte("signature" + b.String()))
	body := b.String()
	text := "-----BEGIN SIGNED MESSAGE-----\n" + body + "-----BEGIN SIGNATURE-----\n" +
		base64.StdEncoding.EncodeToString(append(sig[:], sig[:]...)) + "\n-----END SIGNATURE-----\n"
	if s.Unsigned {
		text = body
	}
	return text, hash
}

// Build compiles the fake into dir and returns the binary's path (for
// TestMain of packages that run the fakes).
func Build(dir string) (string, error) {
	out := filepath.Join(dir, "maprfake")
	cmd := exec.Command("go", "build", "-o", out, "platform.ops/tests/maprfake/cmd/maprfake")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building maprfake: %v\n%s", err, b)
	}
	return out, nil
}

// tool is the fake invoked as "maprfake": helpers for shell-driven tests.
//
//	maprfake setup HOME [-cluster-id N] [-clusters-conf LINE] [-mode cldb|configure] [-warden-active]
//	maprfake license [-cluster-id N] [-expires-in 720h | -expired] [-description D] [-serial S] [-no-hash] [-unsigned]
func tool(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: maprfake setup HOME [flags] | maprfake license [flags]")
		return 2
	}
	switch args[0] {
	case "setup":
		fs := flag.NewFlagSet("setup", flag.ContinueOnError)
		fs.SetOutput(stderr)
		var o Options
		fs.StringVar(&o.ClusterID, "cluster-id", "", "write conf/clusterid")
		fs.StringVar(&o.ClustersConf, "clusters-conf", "", "first line of mapr-clusters.conf")
		fs.StringVar(&o.ClusterIDMode, "mode", "", "cluster id writer: cldb or configure")
		fs.BoolVar(&o.WardenActive, "warden-active", false, "mapr-warden is running")
		if len(args) < 2 {
			fmt.Fprintln(stderr, "maprfake setup: HOME is required")
			return 2
		}
		if err := fs.Parse(args[2:]); err != nil {
			return 2
		}
		if o.ClustersConf != "" {
			o.ClustersConf += "\n"
		}
		self, err := os.Executable()
		if err == nil {
			_, err = Setup(args[1], self, o)
		}
		if err != nil {
			fmt.Fprintln(stderr, "maprfake setup:", err)
			return 1
		}
		return 0
	case "license":
		fs := flag.NewFlagSet("license", flag.ContinueOnError)
		fs.SetOutput(stderr)
		var s LicenseSpec
		expiresIn := fs.Duration("expires-in", 30*24*time.Hour, "validity from now")
		expired := fs.Bool("expired", false, "expired yesterday")
		fs.StringVar(&s.ClusterID, "cluster-id", "", "clusterid the license is bound to")
		fs.StringVar(&s.Description, "description", "", "description")
		fs.StringVar(&s.Serial, "serial", "", "makes the hash unique")
		fs.BoolVar(&s.NoHash, "no-hash", false, "omit the hash line")
		fs.BoolVar(&s.Unsigned, "unsigned", false, "omit the signed-message armour")
		if err := fs.Parse(args[1:]); err != nil {
			return 2
		}
		s.Expires = time.Now().Add(*expiresIn)
		if *expired {
			s.Expires = time.Now().Add(-24 * time.Hour)
		}
		text, _ := LicenseText(s)
		fmt.Fprint(stdout, text)
		return 0
	}
	fmt.Fprintf(stderr, "maprfake: unknown helper %q\n", args[0])
	return 2
}
