package kong

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// ServiceKind is the Kong Service (GET /services/{name or id}).
var ServiceKind = &Kind{
	Name:       "service",
	Collection: "services",
	Module:     "platform.ops.kong_service",
	KeyField:   "name",
	Shape: RecordOf(map[string]*Shape{
		"tags":               SetOf(nil),
		"client_certificate": ForeignKey,
		// Kong stores ca_certificates as an array, but the order of a
		// trust store has no meaning; decK compares it as a set too.
		"ca_certificates": SetOf(nil),
	}),
}

// ServiceURL is a service's url shorthand expanded the way Kong expands it
// (kong/db/schema/entities/services.lua with socket.url): Kong never returns
// "url", so the module compares and sends the four fields instead.
type ServiceURL struct {
	Protocol string
	Host     string
	Port     int
	Path     *string // nil when the URL has no path: Kong then stores null
}

// ParseServiceURL expands a service url such as
// "https://api.example.com:8443/v1". The port defaults like Kong's: 443 for
// https, else 80 (even for grpcs, as Kong does); query and fragment are
// dropped.
func ParseServiceURL(raw string) (ServiceURL, error) {
	var out ServiceURL
	u, err := url.Parse(raw)
	if err != nil {
		return out, fmt.Errorf("url %q is not a valid URL: %v", raw, err)
	}
	if u.Scheme == "" || u.Host == "" {
		return out, fmt.Errorf("url %q must look like scheme://host[:port][/path], e.g. http://httpbin.org/anything", raw)
	}
	out.Protocol = strings.ToLower(u.Scheme)
	out.Host = u.Hostname()
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 65535 {
			return out, fmt.Errorf("url %q has port %q, expected a number between 0 and 65535", raw, p)
		}
		out.Port = n
	} else if out.Protocol == "https" {
		out.Port = 443
	} else {
		out.Port = 80
	}
	if u.RawPath != "" || u.Path != "" {
		p := u.EscapedPath()
		out.Path = &p
	}
	return out, nil
}

// ServiceRoutes lists the routes attached to a service (by id).
func (c *Conn) ServiceRoutes(ctx context.Context, serviceID string) ([]Object, error) {
	routes, err := c.List(ctx, PathFor("services", serviceID, "routes"))
	if err != nil {
		return nil, ErrorFromKong(err, "listing the routes of service "+serviceID)
	}
	return routes, nil
}
