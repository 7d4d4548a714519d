package mapr

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseClustersConf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		content string
		want    ClustersConf
	}{
		{"sandbox line", "demo.mapr.com secure=false maprdemo:7222\n", ClustersConf{Current: ClusterLine{Name: "demo.mapr.com", CLDBs: []string{"maprdemo:7222"}}}},
		{"secure with kerberos options and two CLDBs",
			"my.cluster.com secure=true kerberosEnable=true cldbPrincipal=mapr/my.cluster.com cldb1:7222 cldb2:7222\n",
			ClustersConf{Current: ClusterLine{Name: "my.cluster.com", Secure: true, Options: []string{"kerberosEnable=true", "cldbPrincipal=mapr/my.cluster.com"}, CLDBs: []string{"cldb1:7222", "cldb2:7222"}}}},
		{"comments, blank lines and a remote cluster",
			"# managed\n\nlocal secure=false a:7222\nremote secure=true b:7222\n",
			ClustersConf{Current: ClusterLine{Name: "local", CLDBs: []string{"a:7222"}}, Others: []string{"remote secure=true b:7222"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseClustersConf(tc.content)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestParseClustersConf_Errors(t *testing.T) {
	_, err := ParseClustersConf("\n# nothing\n")
	require.EqualError(t, err, "mapr-clusters.conf has no cluster line")
	_, err = ParseClustersConf("secure=true a:7222\n")
	require.EqualError(t, err, `cluster line starts with "secure=true", expected a cluster name`)
}

func TestClusterLineString_MatchesConfigureSh(t *testing.T) {
	// 51 bytes with the newline: the size of the S2 capture's file.
	line := ClusterLine{Name: "8vm1.example.com", Secure: true, CLDBs: []string{"8vm1.example.com:7222"}}.String()
	assert.Equal(t, "8vm1.example.com secure=true 8vm1.example.com:7222", line)
	assert.Len(t, line+"\n", 51)
}

func TestNormalizeNodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      []string
		want    []string
		wantErr string
	}{
		{"adds default port and sorts", []string{"c2.example.com", "c1.example.com:7222"}, []string{"c1.example.com:7222", "c2.example.com:7222"}, ""},
		{"removes duplicates", []string{"a", "a:7222"}, []string{"a:7222"}, ""},
		{"IPv4 allowed", []string{"10.0.0.2", "10.0.0.1"}, []string{"10.0.0.1:7222", "10.0.0.2:7222"}, ""},
		{"empty list", nil, nil, "cldb_nodes must list at least one host"},
		{"leading dash could inject a flag", []string{"-secure"}, nil, `cldb_nodes: "-secure" is not a valid host name (letters, digits, '-' and '.' only; no leading '-')`},
		{"comma would split the list", []string{"a,b"}, nil, `cldb_nodes: "a,b" is not a valid host name (letters, digits, '-' and '.' only; no leading '-')`},
		{"space would add a word", []string{"a b"}, nil, `cldb_nodes: "a b" is not a valid host name (letters, digits, '-' and '.' only; no leading '-')`},
		{"bad port", []string{"a:70000"}, nil, `cldb_nodes: "a:70000" has an invalid port (expected host[:1-65535])`},
		{"port with sign", []string{"a:+7222"}, nil, `cldb_nodes: "a:+7222" has an invalid port (expected host[:1-65535])`},
		{"mixed ports", []string{"a:7222", "b:7223"}, nil, "cldb_nodes: all hosts must use the same port, got 7222 and 7223"},
		{"IPv6 refused", []string{"::1"}, nil, `cldb_nodes: "::1": IPv6 addresses cannot be written in configure.sh's host:port lists; use a host name`},
		{"bracketed IPv6 with port refused", []string{"[fe80::1]:7222"}, nil, `cldb_nodes: "[fe80::1]:7222": IPv6 addresses cannot be written in configure.sh's host:port lists; use a host name`},
		{"IPv6 with zone refused", []string{"fe80::1%eth0"}, nil, `cldb_nodes: "fe80::1%eth0": IPv6 addresses cannot be written in configure.sh's host:port lists; use a host name`},
		{"IPv4 with port", []string{"10.0.0.1:7222"}, []string{"10.0.0.1:7222"}, ""},
		{"two ports", []string{"a:1:2"}, nil, `cldb_nodes: "a:1:2" has an invalid port (expected host[:1-65535])`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := NormalizeNodes("cldb_nodes", tc.in, DefaultCLDBPort)
			if tc.wantErr != "" {
				require.EqualError(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestSameNodes(t *testing.T) {
	assert.True(t, SameNodes([]string{"b", "a:7222"}, []string{"a:7222", "b:7222"}, DefaultCLDBPort))
	assert.False(t, SameNodes([]string{"a"}, []string{"a", "b"}, DefaultCLDBPort))
	assert.False(t, SameNodes([]string{"a:1"}, []string{"a"}, DefaultCLDBPort))
	assert.False(t, SameNodes([]string{"-x"}, []string{"-x"}, DefaultCLDBPort), "invalid entries never compare equal")
}

func TestParseWardenZK(t *testing.T) {
	assert.Equal(t, []string{"z1:5181", "z2:5181"}, ParseWardenZK("cldb.port=7222\nzookeeper.servers=z1:5181, z2:5181\n"))
	assert.Nil(t, ParseWardenZK("cldb.port=7222\n"))
}

func TestValidateClusterName(t *testing.T) {
	for _, ok := range []string{"my.cluster.com", "demo", "a_b-c.d", "8vm1"} {
		assert.NoError(t, ValidateClusterName(ok), ok)
	}
	for _, bad := range []string{"", "-N", ".hidden", "a b", "a,b", "a=b", "x\n", strings.Repeat("a", 129)} {
		assert.Error(t, ValidateClusterName(bad), bad)
	}
}

func TestValidateUser(t *testing.T) {
	assert.NoError(t, ValidateUser("mapr"))
	assert.Error(t, ValidateUser("-u"))
	assert.Error(t, ValidateUser("a b"))
}

func FuzzParseClustersConf(f *testing.F) {
	f.Add("demo.mapr.com secure=false maprdemo:7222\n")
	f.Add("x secure=true kerberosEnable=true a:1 b:2\nremote secure=false c\n")
	f.Add("=\n")
	f.Fuzz(func(t *testing.T, content string) {
		conf, err := ParseClustersConf(content)
		if err != nil {
			return
		}
		if conf.Current.Name == "" || strings.ContainsAny(conf.Current.Name, " \t\n=") {
			t.Fatalf("bad name %q", conf.Current.Name)
		}
		// Rendering and parsing again is stable.
		again, err := ParseClusterLine(conf.Current.String())
		if err != nil {
			t.Fatalf("re-parse of %q: %v", conf.Current.String(), err)
		}
		if again.String() != conf.Current.String() {
			t.Fatalf("unstable: %q vs %q", again.String(), conf.Current.String())
		}
		_, _ = NormalizeNodes("cldb_nodes", conf.Current.CLDBs, DefaultCLDBPort)
		_ = ParseWardenZK(content)
		_ = ParseClusterIDFile(content)
	})
}

// Whatever NormalizeNodes accepts is safe as one configure.sh list word:
// no leading '-', no list or word separators, no control characters.
func FuzzNormalizeNodes(f *testing.F) {
	for _, seed := range []string{"cldb1", "cldb1:7222", "10.0.0.1:7222", "::1", "[::1]:7222", "-R", "a,b", "a b", "a:1:2", "fe80::1%eth0", "a.:7222"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, node string) {
		out, err := NormalizeNodes("cldb_nodes", []string{node}, DefaultCLDBPort)
		if err != nil {
			return
		}
		for _, hp := range out {
			if strings.HasPrefix(hp, "-") || strings.ContainsAny(hp, ", \t\n\r\x00;[]%=") || strings.Count(hp, ":") != 1 {
				t.Fatalf("%q accepted as %q", node, hp)
			}
		}
	})
}
