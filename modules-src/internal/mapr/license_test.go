package mapr

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// trialLicense follows the real trial license of mapr.md §1.8 (S6), with the
// inferred hash line and signature block.
const trialLicense = `-----BEGIN SIGNED MESSAGE-----
clusterid: "5427061983691452296"
version: "4.0"
customerid: "ignore"
issuer: "MapR Technologies"
licType: Demo
description: "MapR Enterprise Trial Edition"
enforcement: HARD
gracePeriod: 0
issuedate: 1550010076
expirationdate: 1552602076
issuedateStr: "Tue Feb 12 22:21:16 UTC 2019"
expdateStr: "Thu Mar 14 22:21:16 UTC 2019"
capabilities {
  feature: MAXNODES
  name: "Max Nodes in Cluster"
  permission: ALLOW
  featureData {
    maxNodes: "unlimited"
  }
}
hash: "Dc2TEsJGHQx6LuhRbhIJKhhI/Vo="
-----BEGIN SIGNATURE-----
c2lnbmF0dXJlLWJ5dGVzLWdvLWhlcmU=
-----END SIGNATURE-----
`

func TestParseLicense_TrialLicense(t *testing.T) {
	l, err := ParseLicense(trialLicense)
	require.NoError(t, err)
	assert.Equal(t, License{
		Hash:           "Dc2TEsJGHQx6LuhRbhIJKhhI/Vo=",
		ClusterID:      "5427061983691452296",
		LicType:        "Demo",
		Description:    "MapR Enterprise Trial Edition",
		Expires:        time.Unix(1552602076, 0).UTC(),
		ExpiresStr:     "Thu Mar 14 22:21:16 UTC 2019",
		Signed:         true,
		SignatureLines: []string{"c2lnbmF0dXJlLWJ5dGVzLWdvLWhlcmU="},
	}, l)
	assert.True(t, l.Expired(time.Unix(1552602077, 0)))
	assert.False(t, l.Expired(time.Unix(1552602075, 0)))
}

func TestParseLicense_Errors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, text, wantErr string
	}{
		{"unsigned text", "clusterid: \"1\"\nhash: \"abc=\"\n", `not a MapR license: no "-----BEGIN SIGNED MESSAGE-----" line`},
		{"hash that could be a flag", "-----BEGIN SIGNED MESSAGE-----\nhash: \"-rf\"\n", "malformed license: hash is not a base64 value"},
		{"clusterid not digits", "-----BEGIN SIGNED MESSAGE-----\nclusterid: \"12a\"\n", "malformed license: clusterid is not a decimal number"},
		{"expirationdate not a number", "-----BEGIN SIGNED MESSAGE-----\nexpirationdate: soon\n", "malformed license: expirationdate is not Unix seconds"},
		{"negative expirationdate", "-----BEGIN SIGNED MESSAGE-----\nexpirationdate: -5\n", "malformed license: expirationdate is not Unix seconds"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseLicense(tc.text)
			require.EqualError(t, err, tc.wantErr)
		})
	}
}

func TestParseLicense_OptionalFieldsMayBeAbsent(t *testing.T) {
	l, err := ParseLicense("-----BEGIN SIGNED MESSAGE-----\nlicType: Base\n")
	require.NoError(t, err)
	assert.Empty(t, l.Hash)
	assert.Empty(t, l.ClusterID)
	assert.True(t, l.Expires.IsZero())
	assert.False(t, l.Expired(time.Now()), "no expiry means never expired")
}

func TestLicenseSecrets(t *testing.T) {
	secrets := LicenseSecrets(trialLicense)
	assert.Contains(t, secrets, trialLicense)
	assert.Contains(t, secrets, `customerid: "ignore"`)
	assert.Contains(t, secrets, `name: "Max Nodes in Cluster"`, "indented lines are trimmed")
	assert.Contains(t, secrets, "c2lnbmF0dXJlLWJ5dGVzLWdvLWhlcmU=")
	for _, s := range secrets {
		assert.NotContains(t, []string{"", "}", beginSigned, beginSignature, endSignature}, s, "armor and short lines are not secrets")
	}
	body := secrets[2]
	assert.True(t, strings.HasPrefix(body, `clusterid: "5427061983691452296"`), body)
	assert.True(t, strings.HasSuffix(body, `hash: "Dc2TEsJGHQx6LuhRbhIJKhhI/Vo="`), body)
}

func TestNormalizeLicenseText(t *testing.T) {
	assert.Equal(t,
		NormalizeLicenseText("a: \"x\"\n  b {\n c\n}\n"),
		NormalizeLicenseText(`a: "x"\nb {\nc\n}`))
}

func TestParseClusterIDFile(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"5119043355327235351\n":     "5119043355327235351",
		"  5119043355327235351  \n": "5119043355327235351",
		"5119043355327235351\njunk": "5119043355327235351",
		"":                          "",
		"not-a-number\n":            "",
		"123456789012345678901\n":   "",
		"-5\n":                      "",
	}
	for in, want := range tests {
		assert.Equal(t, want, ParseClusterIDFile(in), "input %q", in)
	}
}

func TestParseShowID(t *testing.T) {
	id, err := ParseShowID("id                   \n5119043355327235351\n")
	require.NoError(t, err)
	assert.Equal(t, "5119043355327235351", id)
	id, err = ParseShowID("5119043355327235351 \n")
	require.NoError(t, err)
	assert.Equal(t, "5119043355327235351", id)
	_, err = ParseShowID("ERROR (2) -  boom")
	require.EqualError(t, err, "license showid printed no cluster id")
}

func FuzzParseLicense(f *testing.F) {
	f.Add(trialLicense)
	f.Add("-----BEGIN SIGNED MESSAGE-----\nhash: \"\"\n-----BEGIN SIGNATURE-----")
	f.Add("-----BEGIN SIGNED MESSAGE-----\nexpirationdate: 99999999999999999999\n")
	f.Fuzz(func(t *testing.T, text string) {
		l, err := ParseLicense(text)
		if err != nil {
			return
		}
		if l.Hash != "" && !ValidLicenseID(l.Hash) {
			t.Fatalf("accepted a hash that is unsafe in argv: %q", l.Hash)
		}
		if len(l.ClusterID) > 0 && l.ClusterID[0] == '-' {
			t.Fatalf("cluster id starts with '-': %q", l.ClusterID)
		}
		_ = l.Expired(time.Now())
		_ = NormalizeLicenseText(text)
	})
}
