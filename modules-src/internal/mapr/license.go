package mapr

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// License is what the collection needs from a MapR license file (mapr.md §1.8).
type License struct {
	// Hash is the `hash:` value; license list shows it as the entry's id.
	Hash string
	// ClusterID is the `clusterid:` the license is bound to; empty for the
	// built-in Base licenses.
	ClusterID   string
	LicType     string
	Description string
	// Expires is `expirationdate:` (Unix seconds), zero when absent.
	Expires    time.Time
	ExpiresStr string
	// Signed reports a `-----BEGIN SIGNED MESSAGE-----` header.
	Signed bool
	// SignatureLines are the lines of the signature block: registered as
	// secrets on top of the whole text.
	SignatureLines []string
}

var (
	reHash        = regexp.MustCompile(`(?m)^\s*hash:\s*"([^"\n]*)"`)
	reClusterID   = regexp.MustCompile(`(?m)^\s*clusterid:\s*"([^"\n]*)"`)
	reExpires     = regexp.MustCompile(`(?m)^\s*expirationdate:\s*(\S+)`)
	reExpiresStr  = regexp.MustCompile(`(?m)^\s*expdateStr:\s*"([^"\n]*)"`)
	reLicType     = regexp.MustCompile(`(?m)^\s*licType:\s*(\S+)`)
	reDescription = regexp.MustCompile(`(?m)^\s*description:\s*"([^"\n]*)"`)
	reLicenseID   = regexp.MustCompile(`^[A-Za-z0-9+/=_][A-Za-z0-9+/=_-]{0,199}$`)
	reDigits      = regexp.MustCompile(`^[0-9]{1,20}$`)
)

const (
	beginSigned    = "-----BEGIN SIGNED MESSAGE-----"
	beginSignature = "-----BEGIN SIGNATURE-----"
	endSignature   = "-----END SIGNATURE-----"
)

// ParseLicense reads a license file's text. It fails on text that is not a
// signed MapR license or whose fields are malformed; the error never quotes
// the text.
func ParseLicense(text string) (License, error) {
	var l License
	if !strings.Contains(text, beginSigned) {
		return l, fmt.Errorf("not a MapR license: no %q line", beginSigned)
	}
	l.Signed = true
	if m := reHash.FindStringSubmatch(text); m != nil {
		if !ValidLicenseID(m[1]) {
			return l, fmt.Errorf("malformed license: hash is not a base64 value")
		}
		l.Hash = m[1]
	}
	if m := reClusterID.FindStringSubmatch(text); m != nil {
		if !reDigits.MatchString(m[1]) {
			return l, fmt.Errorf("malformed license: clusterid is not a decimal number")
		}
		l.ClusterID = m[1]
	}
	if m := reExpires.FindStringSubmatch(text); m != nil {
		secs, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil || secs < 0 {
			return l, fmt.Errorf("malformed license: expirationdate is not Unix seconds")
		}
		l.Expires = time.Unix(secs, 0).UTC()
	}
	if m := reExpiresStr.FindStringSubmatch(text); m != nil {
		l.ExpiresStr = m[1]
	}
	if m := reLicType.FindStringSubmatch(text); m != nil {
		l.LicType = m[1]
	}
	if m := reDescription.FindStringSubmatch(text); m != nil {
		l.Description = m[1]
	}
	if i := strings.Index(text, beginSignature); i >= 0 {
		block := text[i+len(beginSignature):]
		if j := strings.Index(block, endSignature); j >= 0 {
			block = block[:j]
		}
		for _, line := range strings.Split(block, "\n") {
			if line = strings.TrimSpace(line); len(line) >= 8 {
				l.SignatureLines = append(l.SignatureLines, line)
			}
		}
	}
	return l, nil
}

// LicenseSecrets lists what must be masked wherever a license's text could
// be echoed: the whole text, the signed body (what license list shows) and
// every line of 8 or more characters, so a maprcli error quoting a few lines
// of the license (its texts are UNCONFIRMED, mapr.md §7.1) shows none of
// them. The armor lines are not secret and are left out.
func LicenseSecrets(text string) []string {
	out := []string{text, strings.TrimSpace(text)}
	body := text
	if i := strings.Index(body, beginSigned); i >= 0 {
		body = body[i+len(beginSigned):]
	}
	if j := strings.Index(body, beginSignature); j >= 0 {
		body = body[:j]
	}
	out = append(out, strings.TrimSpace(body))
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if len(line) >= 8 && line != beginSigned && line != beginSignature && line != endSignature {
			out = append(out, line)
		}
	}
	return out
}

// ValidLicenseID reports whether s can be a listed license id (base64) and
// is therefore safe as a -license_id argument (never starts with '-').
func ValidLicenseID(s string) bool { return reLicenseID.MatchString(s) }

// Expired reports whether the license has an expiry that is before now.
func (l License) Expired(now time.Time) bool {
	return !l.Expires.IsZero() && l.Expires.Before(now)
}

// NormalizeLicenseText collapses whitespace so a file and a listed license
// text compare equal even after maprcli re-indented it; used only when the
// file has no hash.
func NormalizeLicenseText(s string) string {
	s = strings.ReplaceAll(s, `\n`, "\n")
	return strings.Join(strings.Fields(s), " ")
}

// InstalledLicense is one entry of `license list -json`, without its text
// in anything that is returned to the user.
type InstalledLicense struct {
	ID                  string `json:"id"`
	Description         string `json:"description"`
	Deletable           bool   `json:"deletable"`
	Grace               bool   `json:"grace"`
	IsAdditionalFeature bool   `json:"isAdditionalFeature"`
	// Text is the license text; kept for comparison, never returned.
	Text string `json:"-"`
}

// ParseLicenseList turns a `license list -json` response into entries. Both
// spellings of isAdditionalFeature are accepted (the 2015 doc sample has
// "isAdditioanlFeature"); booleans printed as strings are accepted too.
func ParseLicenseList(r *Response) ([]InstalledLicense, error) {
	out := make([]InstalledLicense, 0, len(r.Data))
	for i, rec := range r.Data {
		id := text(rec["id"])
		if id == "" {
			return nil, fmt.Errorf("license list entry %d has no id", i)
		}
		feature := rec["isAdditionalFeature"]
		if feature == nil {
			feature = rec["isAdditioanlFeature"]
		}
		out = append(out, InstalledLicense{
			ID:                  id,
			Description:         text(rec["description"]),
			Deletable:           truthy(rec["deletable"]),
			Grace:               truthy(rec["grace"]),
			IsAdditionalFeature: truthy(feature),
			Text:                text(rec["license"]),
		})
	}
	return out, nil
}

func text(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	case json.Number:
		return t.String()
	default:
		return fmt.Sprint(t)
	}
}

func truthy(v any) bool {
	switch t := v.(type) {
	case bool:
		return t
	case string:
		b, _ := strconv.ParseBool(strings.TrimSpace(t))
		return b
	case json.Number:
		return t.String() != "0"
	}
	return false
}

// ParseClusterIDFile returns the cluster id from conf/clusterid: the first
// line, trimmed, if it is 1-20 decimal digits; "" otherwise (mapr.md §5.2).
func ParseClusterIDFile(content string) string {
	line, _, _ := strings.Cut(content, "\n")
	line = strings.TrimSpace(line)
	if !reDigits.MatchString(line) {
		return ""
	}
	return line
}

// ParseShowID reads `maprcli license showid [-noheader]` tabular output: the
// last non-empty line, trimmed (what scripts do with `tail -1 | tr -d ' '`).
func ParseShowID(out string) (string, error) {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	last := strings.TrimSpace(lines[len(lines)-1])
	if !reDigits.MatchString(last) {
		return "", fmt.Errorf("license showid printed no cluster id")
	}
	return last, nil
}
