package maprlicense

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/mapr"
)

// now is the clock used for the expiry check; tests may pin it.
var now = time.Now

// addHint is returned after a license was added (mapr.md §1.2).
const addHint = "NFS servers and standby CLDBs may not see a new license until they restart (e.g. maprcli node services -nfs restart, or restart mapr-warden on standby CLDB nodes)."

type options struct {
	Src            string `json:"src"`
	Content        string `json:"content"`
	LicenseID      string `json:"license_id"`
	State          string `json:"state"`
	Cluster        string `json:"cluster"`
	MaprHome       string `json:"mapr_home"`
	MaprcliPath    string `json:"maprcli_path"`
	MaprUser       string `json:"mapr_user"`
	TicketFile     string `json:"ticket_file"`
	CheckClusterID bool   `json:"check_cluster_id"`
	Timeout        int    `json:"timeout"`
}

// licenseInput is the license given by src or content.
type licenseInput struct {
	option string // "src" or "content", for messages
	text   string
	parsed mapr.License
}

func run(ctx context.Context, m *ansible.Module) (ansible.Result, error) {
	var o options
	if err := m.Decode(&o); err != nil {
		return nil, err
	}
	if o.Timeout <= 0 {
		return nil, fmt.Errorf("timeout must be a positive number of seconds, got %d", o.Timeout)
	}
	in, err := readLicense(m, o)
	if err != nil {
		return nil, err
	}
	if in == nil && (o.State != "absent" || o.LicenseID == "") {
		return nil, noLicenseGiven(o.State)
	}
	cli, err := newMaprcli(o, m.CheckMode)
	if err != nil {
		return nil, err
	}
	if o.State == "absent" {
		return remove(ctx, m, o, cli, in)
	}
	return add(ctx, m, o, cli, in)
}

// readLicense reads and parses src or content, registering the text as a
// secret before anything could echo it. Nil when only license_id is given.
func readLicense(m *ansible.Module, o options) (*licenseInput, error) {
	var in licenseInput
	switch {
	case o.Content != "":
		in.option, in.text = "content", o.Content
	case o.Src != "":
		in.option = "src"
		b, err := os.ReadFile(o.Src)
		if err != nil {
			return nil, fmt.Errorf("src: cannot read the license file %s: %v", o.Src, errors.Unwrap(err))
		}
		in.text = string(b)
	default:
		return nil, nil
	}
	for _, s := range mapr.LicenseSecrets(in.text) {
		m.AddSecret(s)
	}
	parsed, err := mapr.ParseLicense(in.text)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", in.option, err)
	}
	for _, line := range parsed.SignatureLines {
		m.AddSecret(line)
	}
	in.parsed = parsed
	return &in, nil
}

// noLicenseGiven is the error for src, content (and license_id) all null or
// empty: required_if accepts an option given as null, as AnsibleModule does,
// and a playbook's empty "content:" is null.
func noLicenseGiven(state string) error {
	if state == "absent" {
		return errors.New("state=absent needs src, content or license_id, but they are all null or empty (an empty \"content:\" in YAML is null)")
	}
	return errors.New("state=present needs the license in src (a file on the node) or content (its text), but both are null or empty (an empty \"content:\" in YAML is null)")
}

func newMaprcli(o options, checkMode bool) (*mapr.Maprcli, error) {
	path, option := o.MaprcliPath, "maprcli_path"
	if path == "" {
		path, option = filepath.Join(o.MaprHome, "bin", "maprcli"), "mapr_home"
	}
	if !fileExists(path) {
		return nil, fmt.Errorf("%s: maprcli not found at %s", option, path)
	}
	ticket := o.TicketFile
	if ticket != "" {
		if _, err := os.Stat(ticket); err != nil {
			return nil, fmt.Errorf("ticket_file: %s does not exist", ticket)
		}
	} else if def := filepath.Join(o.MaprHome, "conf", "mapruserticket"); fileExists(def) {
		ticket = def
	}
	return mapr.NewMaprcli(mapr.MaprcliConfig{
		Path: path, User: o.MaprUser, TicketFile: ticket, Cluster: o.Cluster,
		Timeout: time.Duration(o.Timeout) * time.Second, Exec: executor, CheckMode: checkMode,
	})
}

func add(ctx context.Context, m *ansible.Module, o options, cli *mapr.Maprcli, in *licenseInput) (ansible.Result, error) {
	lic := in.parsed
	res := ansible.Result{"changed": false}
	if lic.Hash != "" {
		res["license_id"] = lic.Hash
	}
	if !lic.Expires.IsZero() {
		res["expires"] = map[string]any{"epoch": lic.Expires.Unix(), "date": lic.Expires.Format(time.RFC3339), "text": lic.ExpiresStr}
	}
	if lic.Expired(now()) {
		return nil, &ansible.Failure{Msg: fmt.Sprintf("%s: the license expired on %s; refusing to add it", in.option, lic.Expires.Format(time.RFC3339)), Fields: res}
	}
	if o.CheckClusterID && lic.ClusterID != "" {
		id, err := cli.ShowID(ctx, o.Cluster)
		if err != nil {
			return nil, &ansible.Failure{Msg: "cannot read the cluster id to check the license against: " + err.Error(), Fields: res}
		}
		res["cluster_id"] = id
		if id != lic.ClusterID {
			return nil, &ansible.Failure{Msg: fmt.Sprintf("%s: the license is for cluster id %s, but this cluster's id is %s (maprcli license showid); refusing to add it", in.option, lic.ClusterID, id), Fields: res}
		}
	}
	before, err := cli.ListLicenses(ctx, o.Cluster)
	if err != nil {
		return nil, &ansible.Failure{Msg: err.Error(), Fields: res}
	}
	res["licenses"] = summaries(before)
	res["installed"] = installed(before, lic, in.text) != nil
	if res["installed"] == true {
		return res, nil
	}
	res["changed"] = true
	if m.Diff {
		res["diff"] = listDiff(before, append(append([]mapr.InstalledLicense{}, before...), mapr.InstalledLicense{ID: idOrNew(lic), Description: lic.Description}))
	}
	if m.CheckMode {
		return res, nil
	}
	if err := addLicense(ctx, o, cli, in); err != nil {
		res["changed"] = false
		return nil, &ansible.Failure{Msg: err.Error(), Fields: res}
	}
	after, err := cli.ListLicenses(ctx, o.Cluster)
	if err != nil {
		return nil, &ansible.Failure{Msg: "license added, but listing the licenses to verify it failed: " + err.Error(), Fields: res}
	}
	res["licenses"] = summaries(after)
	found := installed(after, lic, in.text)
	if found == nil {
		return nil, &ansible.Failure{Msg: "maprcli license add reported success, but the license is not in maprcli license list", Fields: res}
	}
	res["license_id"] = found.ID
	res["installed"] = true
	if m.Diff {
		res["diff"] = listDiff(before, after)
	}
	res["hints"] = []string{addHint}
	return res, nil
}

// addLicense runs license add on src, or on a private temporary copy of
// content (a license string as an argument would be visible in ps).
func addLicense(ctx context.Context, o options, cli *mapr.Maprcli, in *licenseInput) error {
	if in.option == "src" {
		abs, err := filepath.Abs(o.Src)
		if err != nil {
			return fmt.Errorf("src: %v", err)
		}
		return cli.AddLicenseFile(ctx, o.Cluster, abs)
	}
	dir, err := os.MkdirTemp("", "platform-ops-mapr-license-")
	if err != nil {
		return fmt.Errorf("cannot create a temporary directory for the license: %v", err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "license.txt")
	if err := os.WriteFile(path, []byte(in.text), 0o600); err != nil {
		return fmt.Errorf("cannot write the license to a temporary file: %v", err)
	}
	if err := giveTo(o.MaprUser, dir, path); err != nil {
		return err
	}
	return cli.AddLicenseFile(ctx, o.Cluster, path)
}

// giveTo lets mapr_user read the temporary license when maprcli runs as that
// user through sudo (only possible, and only needed, when running as root).
func giveTo(name string, paths ...string) error {
	if name == "" || os.Geteuid() != 0 {
		return nil
	}
	u, err := user.Lookup(name)
	if err != nil {
		return fmt.Errorf("mapr_user: %v", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	for _, p := range paths {
		if err := os.Chown(p, uid, gid); err != nil {
			return fmt.Errorf("cannot hand the temporary license file to %s: %v", name, err)
		}
	}
	return nil
}

func remove(ctx context.Context, m *ansible.Module, o options, cli *mapr.Maprcli, in *licenseInput) (ansible.Result, error) {
	id := o.LicenseID
	if in != nil {
		if in.parsed.Hash == "" {
			return nil, fmt.Errorf("%s: the license has no hash: line, so its id is unknown; give license_id instead", in.option)
		}
		id = in.parsed.Hash
	}
	if !mapr.ValidLicenseID(id) {
		return nil, fmt.Errorf("license_id: %q is not a license id (a base64 value as maprcli license list shows)", id)
	}
	res := ansible.Result{"changed": false, "license_id": id}
	before, err := cli.ListLicenses(ctx, o.Cluster)
	if err != nil {
		return nil, &ansible.Failure{Msg: err.Error(), Fields: res}
	}
	res["licenses"] = summaries(before)
	var target *mapr.InstalledLicense
	var rest []mapr.InstalledLicense
	for i := range before {
		if before[i].ID == id {
			target = &before[i]
		} else {
			rest = append(rest, before[i])
		}
	}
	res["installed"] = target != nil
	if target == nil {
		return res, nil
	}
	if !target.Deletable {
		return nil, &ansible.Failure{Msg: fmt.Sprintf("license %s (%s) is built in (deletable: false) and cannot be removed", id, target.Description), Fields: res}
	}
	res["changed"] = true
	if m.Diff {
		res["diff"] = listDiff(before, rest)
	}
	if m.CheckMode {
		return res, nil
	}
	if err := cli.RemoveLicense(ctx, o.Cluster, id); err != nil {
		res["changed"] = false
		return nil, &ansible.Failure{Msg: err.Error(), Fields: res}
	}
	after, err := cli.ListLicenses(ctx, o.Cluster)
	if err != nil {
		return nil, &ansible.Failure{Msg: "license removed, but listing the licenses to verify it failed: " + err.Error(), Fields: res}
	}
	res["licenses"] = summaries(after)
	for _, l := range after {
		if l.ID == id {
			return nil, &ansible.Failure{Msg: "maprcli license remove reported success, but the license is still listed", Fields: res}
		}
	}
	res["installed"] = false
	return res, nil
}

// installed finds the license among the listed ones: by hash, or by its
// normalised text when the file has no hash.
func installed(list []mapr.InstalledLicense, lic mapr.License, text string) *mapr.InstalledLicense {
	var norm string
	if lic.Hash == "" {
		norm = mapr.NormalizeLicenseText(signedBody(text))
	}
	for i := range list {
		if lic.Hash != "" && list[i].ID == lic.Hash {
			return &list[i]
		}
		if lic.Hash == "" && list[i].Text != "" && mapr.NormalizeLicenseText(list[i].Text) == norm {
			return &list[i]
		}
	}
	return nil
}

// signedBody is the text between the signed-message header and the
// signature: what license list shows as the license text.
func signedBody(text string) string {
	const begin, sig = "-----BEGIN SIGNED MESSAGE-----", "-----BEGIN SIGNATURE-----"
	if i := strings.Index(text, begin); i >= 0 {
		text = text[i+len(begin):]
	}
	if j := strings.Index(text, sig); j >= 0 {
		text = text[:j]
	}
	return text
}

func idOrNew(l mapr.License) string {
	if l.Hash != "" {
		return l.Hash
	}
	return "(new license)"
}

func summaries(list []mapr.InstalledLicense) []map[string]any {
	out := make([]map[string]any, 0, len(list))
	for _, l := range list {
		out = append(out, map[string]any{
			"id": l.ID, "description": l.Description, "deletable": l.Deletable,
			"grace": l.Grace, "isAdditionalFeature": l.IsAdditionalFeature,
		})
	}
	return out
}

// listDiff shows the installed licenses as "id  description" lines.
func listDiff(before, after []mapr.InstalledLicense) map[string]any {
	render := func(list []mapr.InstalledLicense) string {
		var b strings.Builder
		for _, l := range list {
			fmt.Fprintf(&b, "%s  %s\n", l.ID, l.Description)
		}
		return b.String()
	}
	return map[string]any{
		"before": render(before), "after": render(after),
		"before_header": "maprcli license list", "after_header": "maprcli license list",
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
