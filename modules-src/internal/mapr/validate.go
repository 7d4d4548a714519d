package mapr

import (
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
)

// Values reaching an argv are validated so none can be read as a flag (a
// leading '-') or smuggle separators (',', ' ', '=') into a list argument.

var (
	reHostLabel   = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)
	reClusterName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`)
	reUser        = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]{0,31}$`)
)

// ValidateHost accepts a DNS host name (RFC 1123 labels) or an IPv4 address.
func ValidateHost(h string) error {
	if ip := net.ParseIP(h); ip != nil {
		if ip.To4() == nil {
			return fmt.Errorf("%q: IPv6 addresses cannot be written in configure.sh's host:port lists", h)
		}
		return nil
	}
	if h == "" || len(h) > 253 {
		return fmt.Errorf("%q is not a valid host name", h)
	}
	for _, label := range strings.Split(strings.TrimSuffix(h, "."), ".") {
		if !reHostLabel.MatchString(label) {
			return fmt.Errorf("%q is not a valid host name (letters, digits, '-' and '.' only; no leading '-')", h)
		}
	}
	return nil
}

// SplitHostPort validates host[:port] and returns the host and the port
// (defaultPort when none is given).
func SplitHostPort(s string, defaultPort int) (string, string, error) {
	if strings.HasPrefix(s, "[") || strings.Count(s, ":") > 1 && net.ParseIP(strings.Split(s, "%")[0]) != nil {
		return "", "", fmt.Errorf("%q: IPv6 addresses cannot be written in configure.sh's host:port lists; use a host name", s)
	}
	host, port, hasPort := strings.Cut(s, ":")
	if err := ValidateHost(host); err != nil {
		return "", "", err
	}
	if !hasPort {
		return host, strconv.Itoa(defaultPort), nil
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 || strconv.Itoa(n) != port {
		return "", "", fmt.Errorf("%q has an invalid port (expected host[:1-65535])", s)
	}
	return host, port, nil
}

// ValidateClusterName accepts what configure.sh -N takes and nothing that
// could be read as a flag: letters, digits, '.', '_' and '-', not starting
// with '-' or '.'.
func ValidateClusterName(name string) error {
	if !reClusterName.MatchString(name) {
		return fmt.Errorf("%q is not a valid cluster name (letters, digits, '.', '_' and '-', starting with a letter or digit, at most 128 characters)", name)
	}
	return nil
}

// ValidateUser accepts a POSIX user name (for sudo -u).
func ValidateUser(name string) error {
	if !reUser.MatchString(name) {
		return fmt.Errorf("%q is not a valid user name", name)
	}
	return nil
}
