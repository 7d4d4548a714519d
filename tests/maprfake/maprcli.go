package maprfake

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// License is one entry of the fake's licenses.json.
type License struct {
	ID                  string `json:"id"`
	Description         string `json:"description"`
	IsAdditionalFeature bool   `json:"isAdditionalFeature"`
	Deletable           bool   `json:"deletable"`
	Grace               bool   `json:"grace"`
	License             string `json:"license"`
}

// BaseLicense is the built-in "MapR Base Edition" entry of mapr.md §1.3,
// always present, not deletable.
var BaseLicense = License{
	ID:          "Dc2TEsJGHQx6LuhRbhIJKhhI/Vo=",
	Description: "MapR Base Edition",
	Deletable:   false,
	Grace:       true,
	License: "version: \"4.0\"\ncustomerid: \"BaseLicenseUser\"\nissuer: \"MapR Technologies, Inc.\"\nlicType: Base\n" +
		"description: \"MapR Base Edition\"\nenforcement: HARD\ncapabilities {\n  feature: MAXNODES\n  name: \"Max Nodes in Cluster\"\n" +
		"  permission: ALLOW\n  featureData {\n    maxNodes: \"unlimited\"\n  }\n}\nhash: \"Dc2TEsJGHQx6LuhRbhIJKhhI/Vo=\"\n",
}

// maprcliError is a failed maprcli command: id and text are placeholders
// (mapr.md §7.1), only their shape is real.
type maprcliError struct {
	id   int
	desc string
}

type maprcliCmd struct {
	group, verb string
	opts        map[string]string
	json        bool
	noheader    bool
}

func (p *Proc) maprcli() int {
	p.sleepIf("FAKE_MAPR_SLEEP")
	c, perr := parseMaprcli(p.Args)
	if perr != nil {
		return p.maprcliFail(c, *perr)
	}
	if e := p.maprcliGuards(c); e != nil {
		return p.maprcliFail(c, *e)
	}
	var err *maprcliError
	switch c.group + " " + c.verb {
	case "license list":
		err = p.licenseList(c)
	case "license add":
		err = p.licenseAdd(c)
	case "license showid":
		err = p.licenseShowID(c)
	case "license remove":
		err = p.licenseRemove(c)
	case "license apps":
		err = p.licenseApps(c)
	case "dashboard info":
		err = p.dashboardInfo(c)
	case "node cldbmaster":
		err = p.cldbMaster(c)
	default:
		err = &maprcliError{22, fmt.Sprintf("%s: Invalid command", strings.TrimSpace(c.group+" "+c.verb))}
	}
	if err != nil {
		return p.maprcliFail(c, *err)
	}
	return 0
}

func parseMaprcli(args []string) (maprcliCmd, *maprcliError) {
	c := maprcliCmd{opts: map[string]string{}}
	var words []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-json":
			c.json = true
		case a == "-noheader":
			c.noheader = true
		case strings.HasPrefix(a, "-"):
			if i+1 >= len(args) {
				return c, &maprcliError{22, fmt.Sprintf("%s: option %s needs a value", strings.Join(words, " "), a)}
			}
			c.opts[a[1:]] = args[i+1]
			i++
		default:
			words = append(words, a)
		}
	}
	if len(words) > 0 {
		c.group = words[0]
	}
	if len(words) > 1 {
		c.verb = words[1]
	}
	if len(words) != 2 {
		return c, &maprcliError{22, fmt.Sprintf("%s: Invalid command", strings.Join(words, " "))}
	}
	return c, nil
}

func (p *Proc) maprcliGuards(c maprcliCmd) *maprcliError {
	cmd := c.group + " " + c.verb
	if p.Env.on("FAKE_MAPR_NO_TICKET") {
		return &maprcliError{1, cmd + ": failure to login: Unable to obtain MapR credentials"}
	}
	if p.Env.on("FAKE_MAPR_REQUIRE_TICKET") {
		t := p.Env["MAPR_TICKETFILE_LOCATION"]
		if _, err := os.Stat(t); t == "" || err != nil {
			return &maprcliError{1, cmd + ": failure to login: Unable to obtain MapR credentials"}
		}
	}
	if p.Env.on("FAKE_MAPR_CLDB_DOWN") && cmd != "node cldbmaster" {
		return &maprcliError{2, cmd + ": couldn't connect to the CLDB service"}
	}
	if f := p.Env["FAKE_MAPR_FAIL"]; f != "" && (f == cmd || f == c.verb) {
		return &maprcliError{10003, cmd + ": injected failure"}
	}
	if want := c.opts["cluster"]; want != "" {
		if name, _ := p.currentCluster(); want != name {
			return &maprcliError{2, fmt.Sprintf("%s: cluster %s not found", cmd, want)}
		}
	}
	return nil
}

func (p *Proc) maprcliFail(c maprcliCmd, e maprcliError) int {
	if c.json {
		fmt.Fprintf(p.Stdout, "{\n\t\"timestamp\":%d,\n\t\"timeofday\":%q,\n\t\"status\":\"ERROR\",\n\t\"errors\":[\n\t\t{\n\t\t\t\"id\":%d,\n\t\t\t\"desc\":%s\n\t\t}\n\t]\n}\n",
			time.Now().UnixMilli(), timeOfDay(), e.id, jsonString(e.desc))
	} else {
		fmt.Fprintf(p.Stdout, "ERROR (%d) -  %s\n", e.id, e.desc)
	}
	if rc, err := strconv.Atoi(p.Env["FAKE_MAPR_RC"]); err == nil {
		return rc
	}
	return 1
}

func timeOfDay() string { return time.Now().UTC().Format("2006-01-02 15:04:05.000 GMT+0000") }

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func (p *Proc) licensesPath() string { return filepath.Join(p.State, "licenses.json") }

func (p *Proc) loadLicenses() []License {
	b, err := os.ReadFile(p.licensesPath())
	if err != nil {
		return []License{BaseLicense}
	}
	var l []License
	if json.Unmarshal(b, &l) != nil {
		return []License{BaseLicense}
	}
	return l
}

func (p *Proc) saveLicenses(l []License) error {
	b, _ := json.MarshalIndent(l, "", "  ")
	return os.WriteFile(p.licensesPath(), b, 0o644)
}

// okEnvelope prints the JSON envelope of mapr.md §1.1 with records given as
// already-rendered JSON objects.
func (p *Proc) okEnvelope(records []string) {
	fmt.Fprintf(p.Stdout, "{\n\t\"timestamp\":%d,\n\t\"timeofday\":%q,\n\t\"status\":\"OK\",\n\t\"total\":%d,\n\t\"data\":[\n",
		time.Now().UnixMilli(), timeOfDay(), len(records))
	for i, r := range records {
		sep := ","
		if i == len(records)-1 {
			sep = ""
		}
		fmt.Fprintf(p.Stdout, "\t\t%s%s\n", r, sep)
	}
	fmt.Fprint(p.Stdout, "\t]\n}\n")
}

func (p *Proc) licenseList(c maprcliCmd) *maprcliError {
	lics := p.loadLicenses()
	if !c.json {
		// Tabular layout is UNCONFIRMED; what is real is that the license
		// text appears line by line, so `grep hash:` works (S5).
		if !c.noheader {
			fmt.Fprintln(p.Stdout, "id\tdescription\tdeletable\tgrace\tlicense")
		}
		for _, l := range lics {
			fmt.Fprintf(p.Stdout, "%s\t%s\t%t\t%t\n%s", l.ID, l.Description, l.Deletable, l.Grace, l.License)
		}
		return nil
	}
	feature := "isAdditionalFeature"
	if p.Env.on("FAKE_MAPR_DOC_TYPO") {
		feature = "isAdditioanlFeature"
	}
	var recs []string
	for _, l := range lics {
		text := jsonString(l.License)
		if !p.Env.on("FAKE_MAPR_CLEAN_JSON") {
			// The real bug (mapr.md §0.1): a raw newline and indentation
			// inside the string after "MapR Technologies,".
			text = strings.ReplaceAll(text, "MapR Technologies, ", "MapR Technologies,\n\t\t\t \t ")
		}
		recs = append(recs, fmt.Sprintf("{\n\t\t\t\"id\":%s,\n\t\t\t\"description\":%s,\n\t\t\t\"%s\":%t,\n\t\t\t\"deletable\":%t,\n\t\t\t\"grace\":%t,\n\t\t\t\"license\":%s\n\t\t}",
			jsonString(l.ID), jsonString(l.Description), feature, l.IsAdditionalFeature, l.Deletable, l.Grace, text))
	}
	p.okEnvelope(recs)
	return nil
}

var (
	reHash      = regexp.MustCompile(`(?m)^\s*hash:\s*"([^"\n]*)"`)
	reClusterID = regexp.MustCompile(`(?m)^\s*clusterid:\s*"([^"\n]*)"`)
	reExpires   = regexp.MustCompile(`(?m)^\s*expirationdate:\s*(\d+)`)
	reDesc      = regexp.MustCompile(`(?m)^\s*description:\s*"([^"\n]*)"`)
)

func (p *Proc) licenseAdd(c maprcliCmd) *maprcliError {
	arg, ok := c.opts["license"]
	if !ok {
		return &maprcliError{22, "license add: missing required parameter -license"}
	}
	text := arg
	if strings.EqualFold(c.opts["is_file"], "true") {
		b, err := os.ReadFile(arg)
		if err != nil {
			return &maprcliError{2, fmt.Sprintf("license add: cannot read license file %s", arg)}
		}
		text = string(b)
	}
	const begin, sig = "-----BEGIN SIGNED MESSAGE-----", "-----BEGIN SIGNATURE-----"
	i := strings.Index(text, begin)
	if i < 0 {
		return &maprcliError{10003, "license add: Invalid license"}
	}
	body := text[i+len(begin):]
	if j := strings.Index(body, sig); j >= 0 {
		body = body[:j]
	}
	body = strings.TrimLeft(body, "\r\n")
	// A license without a hash: line is UNCONFIRMED to exist; the fake
	// accepts it under the sha1 of its body so text matching can be tested.
	var hash string
	if m := reHash.FindStringSubmatch(body); m != nil {
		hash = m[1]
	} else {
		sum := sha1.Sum([]byte(body))
		hash = base64.StdEncoding.EncodeToString(sum[:])
	}
	lics := p.loadLicenses()
	for _, l := range lics {
		if l.ID == hash {
			return &maprcliError{10003, "license add: License already exists"}
		}
	}
	if m := reClusterID.FindStringSubmatch(body); m != nil && m[1] != p.clusterID() {
		return &maprcliError{10003, "license add: License is not valid for this cluster"}
	}
	if m := reExpires.FindStringSubmatch(body); m != nil {
		if secs, _ := strconv.ParseInt(m[1], 10, 64); time.Unix(secs, 0).Before(time.Now()) {
			return &maprcliError{10003, "license add: License has expired"}
		}
	}
	if !p.Env.on("FAKE_MAPR_ADD_SILENT_NOOP") {
		desc := ""
		if m := reDesc.FindStringSubmatch(body); m != nil {
			desc = m[1]
		}
		lics = append(lics, License{ID: hash, Description: desc, Deletable: true, License: body})
		if err := p.saveLicenses(lics); err != nil {
			return &maprcliError{1, "license add: " + err.Error()}
		}
	}
	if c.json {
		p.okEnvelope(nil)
	}
	return nil
}

func (p *Proc) licenseShowID(c maprcliCmd) *maprcliError {
	id := p.clusterID()
	if id == "" {
		return &maprcliError{2, "license showid: cluster id is not available"}
	}
	showNodes := strings.EqualFold(c.opts["showNodes"], "true")
	switch {
	case c.json: // JSON form UNCONFIRMED (mapr.md §1.4): the envelope's likely shape
		p.okEnvelope([]string{fmt.Sprintf("{\n\t\t\t\"id\":%q\n\t\t}", id)})
	case showNodes:
		if !c.noheader {
			fmt.Fprintln(p.Stdout, "maxLicensedNodes  id                    currentLicensedNodes")
		}
		fmt.Fprintf(p.Stdout, "    -1            %s   1\n", id)
	default:
		if !c.noheader {
			fmt.Fprintln(p.Stdout, "id                   ")
		}
		fmt.Fprintln(p.Stdout, id)
	}
	return nil
}

func (p *Proc) licenseRemove(c maprcliCmd) *maprcliError {
	id, ok := c.opts["license_id"]
	if !ok {
		return &maprcliError{22, "license remove: missing required parameter -license_id"}
	}
	lics := p.loadLicenses()
	for i, l := range lics {
		if l.ID != id {
			continue
		}
		if !l.Deletable {
			return &maprcliError{10003, "license remove: License cannot be removed"}
		}
		if err := p.saveLicenses(append(lics[:i:i], lics[i+1:]...)); err != nil {
			return &maprcliError{1, "license remove: " + err.Error()}
		}
		return nil
	}
	return &maprcliError{2, fmt.Sprintf("license remove: License %s not found", id)}
}

func (p *Proc) licenseApps(c maprcliCmd) *maprcliError {
	if !c.noheader {
		fmt.Fprintln(p.Stdout, "capability             grace  featuredata")
	}
	for _, row := range []string{"NFS                    false  unlimited", "MAXNODES               false  unlimited", "POSIX_CLIENT_BASE      true"} {
		fmt.Fprintln(p.Stdout, row)
	}
	return nil
}

func (p *Proc) dashboardInfo(c maprcliCmd) *maprcliError {
	if !c.json {
		return &maprcliError{22, "dashboard info: The -json option is required"}
	}
	name, secure := p.currentCluster()
	p.okEnvelope([]string{fmt.Sprintf("{\n\t\t\t\"version\":\"7.9.0\",\n\t\t\t\"cluster\":{\n\t\t\t\t\"name\":%s,\n\t\t\t\t\"secure\":%t,\n\t\t\t\t\"ip\":\"127.0.0.1\",\n\t\t\t\t\"id\":%s,\n\t\t\t\t\"nodesUsed\":1,\n\t\t\t\t\"totalNodesAllowed\":-1\n\t\t\t}\n\t\t}",
		jsonString(name), secure, jsonString(p.clusterID()))})
	return nil
}

func (p *Proc) cldbMaster(c maprcliCmd) *maprcliError {
	if !p.Env.on("FAKE_CLDB_UP") {
		return &maprcliError{2, "node cldbmaster: couldn't connect to the CLDB service"}
	}
	host, _ := os.Hostname()
	if !c.noheader {
		fmt.Fprintln(p.Stdout, "cldbmaster")
	}
	fmt.Fprintf(p.Stdout, "ServerID: 1381100297754224768 HostName: %s\n", host)
	return nil
}
