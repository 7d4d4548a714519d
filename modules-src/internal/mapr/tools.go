package mapr

import (
	"context"
	"errors"
	"fmt"
	"os/user"
	"path/filepath"
	"strings"
	"time"
)

// CommandError is a command that ran and failed. Its message carries only
// the error lines the tool printed (maprcli's "ERROR (…) - …" or JSON
// errors[].desc, configure.sh's "ERROR: …"), never its whole stdout, which
// for license commands can hold license text.
type CommandError struct {
	Cmd    Command
	Output Output
	Detail string
}

func (e *CommandError) Error() string {
	// Name the tool and its sub-command words, not the values.
	msg := fmt.Sprintf("%s failed (rc=%d)", strings.Join(toolWords(e.Cmd.Argv), " "), e.Output.RC)
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	return msg
}

// toolWords is the program base name plus the leading sub-command words,
// skipping a sudo prefix: "maprcli license add".
func toolWords(argv []string) []string {
	i := 0
	if len(argv) > 0 && argv[0] == "sudo" {
		for i = 1; i < len(argv) && strings.HasPrefix(argv[i], "-"); i++ {
			if argv[i] == "-u" {
				i++
			}
		}
	}
	if i >= len(argv) {
		return argv
	}
	prog := argv[i]
	if j := strings.LastIndex(prog, "/"); j >= 0 {
		prog = prog[j+1:]
	}
	words := []string{prog}
	for _, a := range argv[i+1:] {
		if strings.HasPrefix(a, "-") || len(words) == 3 {
			break
		}
		words = append(words, a)
	}
	return words
}

// errorDetail extracts what a failed command said about the failure.
func errorDetail(out Output) string {
	if r, err := ParseResponse([]byte(out.Stdout)); err == nil && r.Status != "" {
		if e := r.Err(); e != nil {
			return limit(e.Error())
		}
	}
	var lines []string
	for _, l := range strings.Split(out.Stdout, "\n") {
		if l = strings.TrimSpace(l); strings.HasPrefix(l, "ERROR") {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		if s := strings.TrimSpace(out.Stderr); s != "" {
			all := strings.Split(s, "\n")
			lines = all[max(0, len(all)-3):]
		}
	}
	return limit(strings.Join(lines, "; "))
}

func limit(s string) string {
	if len(s) > 600 {
		return s[:600] + "…"
	}
	return s
}

// SudoPrefix returns the argv prefix that runs a command as user, or nil
// when user is empty or already the current user (HPE's installer runs
// maprcli as `sudo -E -n -u <admin>`; -E keeps MAPR_TICKETFILE_LOCATION).
func SudoPrefix(name string) ([]string, error) {
	if name == "" {
		return nil, nil
	}
	if err := ValidateUser(name); err != nil {
		return nil, err
	}
	if cur, err := user.Current(); err == nil && cur.Username == name {
		return nil, nil
	}
	return []string{"sudo", "-E", "-n", "-u", name}, nil
}

// absPath makes a program path absolute: behind a sudo prefix a relative
// path starting with '-' would be read as one of sudo's options, and a bare
// name would be looked up on PATH instead of the file the module checked.
func absPath(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return "./" + p
}

// Maprcli runs the maprcli commands the modules need.
type Maprcli struct{ tool *Tool }

// MaprcliConfig configures NewMaprcli.
type MaprcliConfig struct {
	Path       string
	User       string // run through sudo as this user when set
	TicketFile string // exported as MAPR_TICKETFILE_LOCATION when set
	Cluster    string // -cluster for license commands when set
	Timeout    time.Duration
	Exec       Executor
	CheckMode  bool // refuse add/remove (see Tool.CheckMode)
}

// NewMaprcli validates the configuration and declares maprcli's argv formats.
func NewMaprcli(cfg MaprcliConfig) (*Maprcli, error) {
	prefix, err := SudoPrefix(cfg.User)
	if err != nil {
		return nil, fmt.Errorf("mapr_user: %w", err)
	}
	if cfg.Cluster != "" {
		if err := ValidateClusterName(cfg.Cluster); err != nil {
			return nil, fmt.Errorf("cluster: %w", err)
		}
	}
	t := &Tool{
		Path: absPath(cfg.Path), Prefix: prefix, Timeout: cfg.Timeout, Exec: cfg.Exec, CheckMode: cfg.CheckMode,
		Formats: []NamedFormat{
			{"json", Flag("-json")},
			{"noheader", Flag("-noheader")},
			{"cluster", OptVal("-cluster")},
			{"is_file", BoolVal("-is_file")},
			{"license", OptVal("-license")},
			{"license_id", OptVal("-license_id")},
		},
	}
	if cfg.TicketFile != "" {
		t.Env = []string{"MAPR_TICKETFILE_LOCATION=" + cfg.TicketFile}
	}
	return &Maprcli{tool: t}, nil
}

func (c *Maprcli) run(ctx context.Context, sub []string, values map[string]any) (Output, error) {
	return checkRC(c.tool.Run(ctx, sub, values))
}

func (c *Maprcli) runMutating(ctx context.Context, sub []string, values map[string]any) (Output, error) {
	return checkRC(c.tool.RunMutating(ctx, sub, values))
}

// checkRC turns a non-zero exit status into a *CommandError.
func checkRC(cmd Command, out Output, err error) (Output, error) {
	if err != nil {
		return out, err
	}
	if out.RC != 0 {
		return out, &CommandError{Cmd: cmd, Output: out, Detail: errorDetail(out)}
	}
	return out, nil
}

// ShowID runs `license showid -noheader` and returns the cluster id.
func (c *Maprcli) ShowID(ctx context.Context, cluster string) (string, error) {
	out, err := c.run(ctx, []string{"license", "showid"}, map[string]any{"noheader": true, "cluster": cluster})
	if err != nil {
		return "", err
	}
	return ParseShowID(out.Stdout)
}

// ListLicenses runs `license list -json` and parses it leniently.
func (c *Maprcli) ListLicenses(ctx context.Context, cluster string) ([]InstalledLicense, error) {
	out, err := c.run(ctx, []string{"license", "list"}, map[string]any{"json": true, "cluster": cluster})
	if err != nil {
		return nil, err
	}
	r, err := ParseResponse([]byte(out.Stdout))
	if err != nil {
		return nil, fmt.Errorf("maprcli license list: %w", err)
	}
	if err := r.Err(); err != nil {
		return nil, fmt.Errorf("maprcli license list: %w", err)
	}
	return ParseLicenseList(r)
}

// AddLicenseFile runs `license add -is_file true -license <path>`. The path
// must be readable by the user maprcli runs as.
func (c *Maprcli) AddLicenseFile(ctx context.Context, cluster, path string) error {
	if strings.HasPrefix(path, "-") {
		return fmt.Errorf("license path %q must not start with '-'", path)
	}
	_, err := c.runMutating(ctx, []string{"license", "add"}, map[string]any{"cluster": cluster, "is_file": true, "license": path})
	return err
}

// RemoveLicense runs `license remove -license_id <id>` with the id as
// `license list` shows it (whether remove takes that id is UNCONFIRMED,
// mapr.md §1.5; callers verify with a new list).
func (c *Maprcli) RemoveLicense(ctx context.Context, cluster, id string) error {
	if !ValidLicenseID(id) {
		return fmt.Errorf("license id %q is not a base64 value", id)
	}
	_, err := c.runMutating(ctx, []string{"license", "remove"}, map[string]any{"cluster": cluster, "license_id": id})
	return err
}

// CLDBAnswers runs `node cldbmaster -noheader` and answers only what maprcli
// proves: rc 0 means a CLDB master answers now (true). false needs positive
// evidence that none does: a failure whose message says maprcli could not
// connect (connectWords). Every other outcome is an error, "cannot tell":
// an authentication failure (a secure cluster asked without a ticket may be
// up), any other failure (rc 1 with an unknown message), a command that
// cannot run or times out.
func (c *Maprcli) CLDBAnswers(ctx context.Context) (bool, error) {
	cmd, out, err := c.tool.Run(ctx, []string{"node", "cldbmaster"}, map[string]any{"noheader": true})
	if err != nil {
		return false, err
	}
	if out.RC == 0 {
		return true, nil
	}
	failure := &CommandError{Cmd: cmd, Output: out, Detail: errorDetail(out)}
	switch {
	case AuthFailure(out):
		return false, fmt.Errorf("%w: %w", ErrCannotAuthenticate, failure)
	case ConnectFailure(out):
		return false, nil
	}
	return false, fmt.Errorf("%w, which does not say that no CLDB could be reached", failure)
}

// ErrCannotAuthenticate is CLDBAnswers' error when maprcli could not log in.
var ErrCannotAuthenticate = errors.New("maprcli cannot authenticate (give ticket_file)")

// connectWords are what a client says when nothing accepts its connection
// ("couldn't connect to the CLDB service", java.net.ConnectException's
// "Connection refused"). Like authWords they are generic, because maprcli's
// exact texts are UNCONFIRMED (mapr.md §6.1): they are looked for only to
// accept a failure as proof that no CLDB answers.
var connectWords = []string{"couldn't connect", "could not connect", "cannot connect", "can't connect", "unable to connect",
	"failed to connect", "connection refused", "no route to host"}

// ConnectFailure reports whether a failed maprcli run says it could not
// connect (and not that it could not authenticate).
func ConnectFailure(out Output) bool {
	return mentions(out, connectWords) && !AuthFailure(out)
}

// authWords are what a failed login or a refused permission says in
// maprcli's (and MapR's Java clients') messages, e.g. "failure to login:
// Unable to obtain MapR credentials" (mapr.md §4 pitfall 4). The exact texts
// are UNCONFIRMED, so only these generic words are looked for, and only to
// decide that a failure proves nothing about the CLDB.
var authWords = []string{"login", "credential", "ticket", "authenticat", "unauthori", "not authorized",
	"permission denied", "access denied", "kerberos"}

// AuthFailure reports whether a failed maprcli run says it could not
// authenticate or was not allowed.
func AuthFailure(out Output) bool {
	return mentions(out, authWords)
}

// mentions reports whether a run's stdout or stderr holds one of words
// (lower case), in any case.
func mentions(out Output, words []string) bool {
	text := strings.ToLower(out.Stdout + "\n" + out.Stderr)
	for _, w := range words {
		if strings.Contains(text, w) {
			return true
		}
	}
	return false
}

// ConfigureArgs are the values passed to configure.sh.
type ConfigureArgs struct {
	ClusterName string
	CLDBs, ZKs  []string // normalised host:port lists
	Secure      *bool    // nil: keep what the node has
	Extra       []string // validated extra words
}

// Configure runs configure.sh, always non-interactive (-no-autostart
// -on-prompt-cont y: a prompt would otherwise hang the task).
type Configure struct{ tool *Tool }

// NewConfigure declares configure.sh's argv formats.
func NewConfigure(path string, timeout time.Duration, exe Executor, checkMode bool) *Configure {
	return &Configure{tool: &Tool{
		Path: absPath(path), Timeout: timeout, Exec: exe, CheckMode: checkMode,
		Formats: []NamedFormat{
			{"cluster_name", OptVal("-N")},
			{"cldb_nodes", CSV("-C")},
			{"zk_nodes", CSV("-Z")},
			{"secure", Choice("-secure", "-unsecure")},
			{"no_autostart", Flag("-no-autostart")},
			{"on_prompt_cont", OptVal("-on-prompt-cont")},
			{"extra", Words()},
		},
	}}
}

// Argv is the command Run would execute (for check mode and messages).
func (c *Configure) Argv(a ConfigureArgs) []string {
	return c.tool.Argv(nil, c.values(a))
}

func (c *Configure) values(a ConfigureArgs) map[string]any {
	return map[string]any{
		"cluster_name": a.ClusterName, "cldb_nodes": a.CLDBs, "zk_nodes": a.ZKs, "secure": a.Secure,
		"no_autostart": true, "on_prompt_cont": "y", "extra": a.Extra,
	}
}

// Run executes configure.sh and returns its output; rc≠0 is a *CommandError.
func (c *Configure) Run(ctx context.Context, a ConfigureArgs) (Output, error) {
	return checkRC(c.tool.RunMutating(ctx, nil, c.values(a)))
}

// Systemctl queries and stops units.
type Systemctl struct{ tool *Tool }

// NewSystemctl declares systemctl's argv.
func NewSystemctl(path string, timeout time.Duration, exe Executor, checkMode bool) *Systemctl {
	return &Systemctl{tool: &Tool{Path: path, Timeout: timeout, Exec: exe, CheckMode: checkMode}}
}

// UnitState is the state word `systemctl is-active` printed.
type UnitState string

// Stopped reports whether the state proves the unit is not running:
// inactive, failed, or unknown (older systemd's word for a unit it has not
// loaded). activating, deactivating, reloading and active do not.
func (u UnitState) Stopped() bool {
	return u == "inactive" || u == "failed" || u == "unknown"
}

// unitStates are the words is-active prints for a non-active unit with its
// exit status 3 (systemctl(1); LSB "program is not running").
var unitStates = map[string]bool{"inactive": true, "failed": true, "unknown": true, "activating": true,
	"deactivating": true, "reloading": true, "maintenance": true, "refreshing": true}

// ActiveState runs `systemctl is-active unit` (without --quiet, to read the
// state word). rc 0 is active. A non-active state needs positive evidence:
// exit status 3 and one of systemd's state words on stdout. Anything else is
// an error ("cannot tell"): another exit status (rc 1 "System has not been
// booted with systemd as init system", no D-Bus), unexpected output, a
// timeout.
func (s *Systemctl) ActiveState(ctx context.Context, unit string) (UnitState, error) {
	cmd, out, err := s.tool.Run(ctx, []string{"is-active", unit}, nil)
	if err != nil {
		return "", err
	}
	word := strings.TrimSpace(strings.SplitN(strings.TrimSpace(out.Stdout), "\n", 2)[0])
	switch {
	case out.RC == 0:
		if word == "" {
			word = "active"
		}
		return UnitState(word), nil
	case out.RC == 3 && unitStates[word]:
		return UnitState(word), nil
	}
	detail := strings.TrimSpace(out.Stderr)
	if detail == "" {
		detail = strings.TrimSpace(out.Stdout)
	}
	lines := strings.Split(detail, "\n")
	detail = strings.Join(lines[:min(2, len(lines))], " ")
	return "", fmt.Errorf("%s exited %d (%s), which says neither active nor inactive", strings.Join(toolWords(cmd.Argv), " "), out.RC, limit(detail))
}

// Stop runs `systemctl stop unit`.
func (s *Systemctl) Stop(ctx context.Context, unit string) error {
	_, err := checkRC(s.tool.RunMutating(ctx, []string{"stop", unit}, nil))
	return err
}

// WaitStopped polls stopped until it reports the unit stopped, an error, or
// the deadline.
func WaitStopped(ctx context.Context, what string, stopped func(context.Context) (bool, error), within, every time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		done, err := stopped(ctx)
		if err != nil {
			return err
		}
		if done {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s is still running %s after systemctl stop", what, within)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s to stop: %w", what, context.Cause(ctx))
		case <-time.After(every):
		}
	}
}
