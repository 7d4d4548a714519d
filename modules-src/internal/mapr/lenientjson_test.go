package mapr

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// realLicenseList is the 2020 capture of mapr.md §1.3 (S2): tab indented, a
// raw newline plus indentation inside the license string, then cut to one
// entry and closed.
const realLicenseList = "{\n\t\"timestamp\":1601965521870,\n\t\"timeofday\":\"2020-10-06 11:55:21.870 GMT+0530 AM\",\n\t\"status\":\"OK\",\n\t\"total\":1,\n\t\"data\":[\n\t\t{\n\t\t\t\"id\":\"Dc2TEsJGHQx6LuhRbhIJKhhI/Vo=\",\n\t\t\t\"description\":\"MapR Base Edition\",\n\t\t\t\"goldposixnodes\":\"10\",\n\t\t\t\"isAdditionalFeature\":false,\n\t\t\t\"deletable\":false,\n\t\t\t\"grace\":true,\n\t\t\t\"license\":\"version: \\\"4.0\\\"\\ncustomerid: \\\"BaseLicenseUser\\\"\\nissuer: \\\"MapR Technologies,\n\t\t\t \t Inc.\\\"\\nlicType: Base\\nhash: \\\"Dc2TEsJGHQx6LuhRbhIJKhhI/Vo=\\\"\\n\"\n\t\t},\n\t]\n}\n"

func TestSanitize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"valid JSON is unchanged", `{"a":"b\n","c":[1,2]}`, `{"a":"b\n","c":[1,2]}`},
		{"raw newline in string becomes an escape and drops the indentation", "{\"a\":\"x,\n\t   y\"}", `{"a":"x,\ny"}`},
		{"CRLF in string becomes one escape", "{\"a\":\"x\r\ny\"}", `{"a":"x\ny"}`},
		{"raw tab in string is escaped", "{\"a\":\"x\ty\"}", `{"a":"x\ty"}`},
		{"other control characters become unicode escapes", "{\"a\":\"x\x01y\"}", `{"a":"x\u0001y"}`},
		{"invalid escape is doubled", `{"a":"C:\path"}`, `{"a":"C:\\path"}`},
		{"short unicode escape is doubled", `{"a":"\u12"}`, `{"a":"\\u12"}`},
		{"trailing comma before brace is dropped", "{\"a\":1,\n}", "{\"a\":1\n}"},
		{"trailing comma before bracket is dropped", "[1,2, \t]", "[1,2 \t]"},
		{"comma inside a string is kept", `{"a":",}"}`, `{"a":",}"}`},
		{"escaped quote keeps the string open", `{"a":"\",\n"}`, `{"a":"\",\n"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, string(Sanitize([]byte(tc.in))))
		})
	}
}

func TestParseResponse_RealLicenseListWithRawNewline(t *testing.T) {
	require.False(t, json.Valid([]byte(realLicenseList)), "the fixture must reproduce maprcli's invalid JSON")
	r, err := ParseResponse([]byte(realLicenseList))
	require.NoError(t, err)
	require.NoError(t, r.Err())
	list, err := ParseLicenseList(r)
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, InstalledLicense{
		ID: "Dc2TEsJGHQx6LuhRbhIJKhhI/Vo=", Description: "MapR Base Edition",
		Deletable: false, Grace: true, IsAdditionalFeature: false,
		Text: "version: \"4.0\"\ncustomerid: \"BaseLicenseUser\"\nissuer: \"MapR Technologies,\nInc.\"\nlicType: Base\nhash: \"Dc2TEsJGHQx6LuhRbhIJKhhI/Vo=\"\n",
	}, list[0])
	assert.Equal(t, "1", r.Total.String())
}

func TestParseLicenseList_DocTypoSpelling(t *testing.T) {
	r, err := ParseResponse([]byte(`{"status":"OK","total":1,"data":[{"id":"88aEvYonv5HqJgaFrGfsKis5puQ=","isAdditioanlFeature":true,"deletable":"false","grace":"true"}]}`))
	require.NoError(t, err)
	list, err := ParseLicenseList(r)
	require.NoError(t, err)
	assert.True(t, list[0].IsAdditionalFeature)
	assert.True(t, list[0].Grace)
	assert.False(t, list[0].Deletable)
}

func TestParseLicenseList_EntryWithoutIDFails(t *testing.T) {
	r, err := ParseResponse([]byte(`{"status":"OK","data":[{"description":"x"}]}`))
	require.NoError(t, err)
	_, err = ParseLicenseList(r)
	require.EqualError(t, err, "license list entry 0 has no id")
}

func TestParseResponse_IDsStayExact(t *testing.T) {
	r, err := ParseResponse([]byte(`{"status":"OK","data":[{"id":7133813101868836065}]}`))
	require.NoError(t, err)
	list, err := ParseLicenseList(r)
	require.NoError(t, err)
	assert.Equal(t, "7133813101868836065", list[0].ID, "a 19-digit id must not pass through float64")
}

func TestResponseErr(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"OK has no error", `{"status":"OK","total":0,"data":[]}`, ""},
		{"numeric id and desc", `{"status":"ERROR","errors":[{"id":10003,"desc":"license add: boom"}]}`, "(10003) license add: boom"},
		{"string id", `{"status":"ERROR","errors":[{"id":"22","desc":"x"},{"desc":"y"}]}`, "(22) x; y"},
		{"error without details", `{"status":"ERROR"}`, `maprcli status "ERROR" without error details`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, err := ParseResponse([]byte(tc.in))
			require.NoError(t, err)
			if tc.want == "" {
				assert.NoError(t, r.Err())
			} else {
				assert.EqualError(t, r.Err(), tc.want)
			}
		})
	}
}

func TestParseResponse_NotJSON(t *testing.T) {
	_, err := ParseResponse([]byte("ERROR (10003) -  license list: couldn't connect to the CLDB service"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not JSON even after repair")
	_, err = ParseResponse([]byte("  \n"))
	require.EqualError(t, err, "maprcli printed no JSON")
}

func FuzzLenientJSON(f *testing.F) {
	for _, seed := range []string{realLicenseList, `{"a":"\u00e9"}`, "[1,]", `"\`, "{\"a\":\"x\r", `\u`, `{"a":"\u12"}`, ""} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out := Sanitize(in)
		if json.Valid(in) && string(out) != string(in) {
			t.Fatalf("valid JSON changed:\n in=%q\nout=%q", in, out)
		}
		// Repairing twice must not change the result again.
		if again := Sanitize(out); json.Valid(out) && string(again) != string(out) {
			t.Fatalf("not idempotent: %q -> %q", out, again)
		}
		_, _ = ParseResponse(in)
		if strings.Count(string(out), "\n") > strings.Count(string(in), "\n") {
			t.Fatalf("Sanitize added raw newlines")
		}
	})
}
