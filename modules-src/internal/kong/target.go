package kong

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// TargetKind is a target of an upstream, read and written only under it
// (/upstreams/{upstream}/targets/{host:port or id}: Kong serves no
// /targets/{id}). Requests set Parent to the upstream (a Ref with Parent).
//
// Kong 2.8 and 3.x agree on what the module does: PATCH (or PUT) of an
// existing target updates it, DELETE removes it, and both answer 404 for
// a target that does not exist, so a target is created with POST only
// (PostOnly). They differ where the module does not go: POST of a
// host:port the upstream already has updates it on 2.8 (with a
// Deprecation header) and is refused with 409 on 3.x (the cache key
// {upstream, target}); 3.x adds updated_at. A target is found by its
// host:port within its upstream, which is its cache key (KeyFound).
var TargetKind = &Kind{
	Name:       "target",
	Collection: "targets",
	Module:     "platform.ops.kong_target",
	KeyField:   "target",
	PostOnly:   true,
	Shape: RecordOf(map[string]*Shape{
		"upstream": ForeignKey,
		"tags":     SetOf(nil),
	}),
	CacheKey:        []string{"upstream", "target"},
	CacheKeyParents: []KeyParent{{"upstream", "upstreams", UpstreamKind}},
}

// TargetParent is the path of the upstream a target request writes under
// (Request.Parent).
func TargetParent(upstreamID string) []string { return []string{"upstreams", upstreamID} }

// TargetDefaultPort is the port Kong gives a target written without one
// (kong/db/dao/targets.lua DEFAULT_PORT, 2.8 and 3.x).
const TargetDefaultPort = 8000

var (
	ipv4RE = regexp.MustCompile(`^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?::(\d+))?$`)
	nameRE = regexp.MustCompile(`^[0-9A-Za-z._-]+$`)
	hexRE  = regexp.MustCompile(`^[0-9A-Fa-f]{1,4}$`)
	// hostname_type reads a target without colons that is all digits and
	// dots as IPv4
	digitsDotsRE = regexp.MustCompile(`^[0-9.]+$`)
)

// FormatTarget is the host:port Kong stores for a target as written:
// kong/db/dao/targets.lua format_target, i.e. kong/tools/ip.lua
// normalize_ip then format_host with the default port 8000. An IPv4
// address loses leading zeros ("010.0.0.1" is 10.0.0.1), an IPv6 address
// is written out in full in brackets, a host name is kept as written
// (Kong does not lower-case it). Kong reads a target by this form only
// (GET /upstreams/{u}/targets/a.test answers 404 for a.test:8000), so the
// task's target is formatted before anything is asked.
func FormatTarget(target string) (string, error) {
	host, port, kind, err := splitTarget(target)
	if err != nil {
		return "", fmt.Errorf("target %q is not a valid host name or IP address with an optional port (%s)", target, err)
	}
	if port < 0 {
		port = TargetDefaultPort
	}
	if kind == "ipv6" {
		host = "[" + host + "]"
	}
	return host + ":" + strconv.Itoa(port), nil
}

// splitTarget is kong/tools/ip.lua normalize_ip: the host normalised, its
// type (ipv4, ipv6, name) and the port (-1 when none).
func splitTarget(s string) (host string, port int, kind string, err error) {
	port = -1
	// hostname_type: more than one colon is IPv6; digits and dots IPv4.
	switch {
	case strings.Count(s, ":") > 1:
		return splitIPv6(s)
	case digitsDotsRE.MatchString(strings.ReplaceAll(s, ":", "")):
		m := ipv4RE.FindStringSubmatch(s)
		if m == nil {
			return "", 0, "", fmt.Errorf("invalid ipv4 address")
		}
		parts := make([]string, 4)
		for i := range 4 {
			n, _ := strconv.Atoi(m[i+1])
			if n > 255 {
				return "", 0, "", fmt.Errorf("invalid ipv4 address")
			}
			parts[i] = strconv.Itoa(n)
		}
		if m[5] != "" {
			if port, err = parsePort(m[5]); err != nil {
				return "", 0, "", err
			}
		}
		return strings.Join(parts, "."), port, "ipv4", nil
	}
	name := s
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		if port, err = parsePort(s[i+1:]); err != nil {
			return "", 0, "", err
		}
		name = s[:i]
	}
	if !nameRE.MatchString(name) {
		return "", 0, "", fmt.Errorf("invalid hostname")
	}
	labels := strings.Split(name, ".")
	for i, label := range labels {
		// check_hostname: no label ending in a dash, no empty label but a
		// final one (an FQDN may end in a dot)
		if strings.HasSuffix(label, "-") || (label == "" && i != len(labels)-1) {
			return "", 0, "", fmt.Errorf("invalid hostname")
		}
	}
	return name, port, "name", nil
}

func parsePort(p string) (int, error) {
	n, err := strconv.Atoi(p)
	if err != nil || p == "" {
		return 0, fmt.Errorf("invalid port")
	}
	if n > 65535 {
		return 0, fmt.Errorf("invalid port number")
	}
	return n, nil
}

// splitIPv6 is normalize_ipv6: "[addr]:port", "[addr]" or a bare address,
// expanded to eight lower-case groups of four digits.
func splitIPv6(s string) (string, int, string, error) {
	port := -1
	addr := s
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return "", 0, "", fmt.Errorf("invalid ipv6 address")
		}
		addr = s[1:end]
		if rest := s[end+1:]; rest != "" {
			if !strings.HasPrefix(rest, ":") {
				return "", 0, "", fmt.Errorf("invalid ipv6 address")
			}
			var err error
			if port, err = parsePort(rest[1:]); err != nil {
				return "", 0, "", err
			}
		}
	}
	if strings.HasPrefix(addr, ":") {
		addr = "0" + addr
	}
	if strings.HasSuffix(addr, ":") {
		addr += "0"
	}
	if strings.Contains(addr, "::") {
		n := strings.Count(addr, ":")
		addr = strings.Replace(addr, "::", ":"+strings.Repeat("0:", max(0, 8-n)), 1)
	}
	groups := strings.Split(addr, ":")
	if len(groups) != 8 {
		return "", 0, "", fmt.Errorf("invalid ipv6 address")
	}
	for i, g := range groups {
		if !hexRE.MatchString(g) {
			return "", 0, "", fmt.Errorf("invalid ipv6 address")
		}
		groups[i] = strings.ToLower(strings.Repeat("0", 4-len(g)) + g)
	}
	return strings.Join(groups, ":"), port, "ipv6", nil
}
