package kong

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Info is what the engine needs to know about the Kong node, read once per
// task from GET / (GET /<workspace>/kong with a workspace).
type Info struct {
	Version      string // as Kong reports it, e.g. "3.9.3" or "3.4.3.12-enterprise-edition"
	Major, Minor int
	Patch        int
	Enterprise   bool
	// RouterFlavor is "traditional", "traditional_compatible" or
	// "expressions". Kong 2.x has one router, reported as "traditional".
	RouterFlavor string
	Database     string
	// Konnect names the Kong Konnect control plane ("" for a Kong node);
	// Version is then the one decK assumes (see konnectInfo).
	Konnect string
}

// AtLeast reports whether the node runs major.minor or newer.
func (i *Info) AtLeast(major, minor int) bool {
	return i.Major > major || (i.Major == major && i.Minor >= minor)
}

// String renders the node for messages, e.g. "Kong 2.8.5".
func (i *Info) String() string {
	if i.Konnect != "" {
		return i.Konnect
	}
	s := "Kong " + i.Version
	if i.Enterprise && !strings.Contains(i.Version, "enterprise") {
		s += " (Enterprise)"
	}
	return s
}

var versionRE = regexp.MustCompile(`^(\d+)\.(\d+)(?:\.(\d+))?`)

// ParseInfo reads the body of GET /.
func ParseInfo(root map[string]any) (*Info, error) { return parseInfo(root, "/") }

// parseInfo reads the body of GET path (/ or /<workspace>/kong).
func parseInfo(root map[string]any, path string) (*Info, error) {
	v, _ := root["version"].(string)
	m := versionRE.FindStringSubmatch(v)
	if m == nil {
		return nil, fmt.Errorf("GET %s did not return a Kong version (got %q): is admin_url the Kong Admin API?", path, v)
	}
	info := &Info{Version: v, RouterFlavor: "traditional"}
	info.Major, _ = strconv.Atoi(m[1])
	info.Minor, _ = strconv.Atoi(m[2])
	info.Patch, _ = strconv.Atoi(m[3])
	edition, _ := root["edition"].(string)
	info.Enterprise = edition == "enterprise" || strings.Contains(v, "enterprise")
	if conf, ok := root["configuration"].(map[string]any); ok {
		if f, ok := conf["router_flavor"].(string); ok && f != "" {
			info.RouterFlavor = f
		}
		info.Database, _ = conf["database"].(string)
	}
	return info, nil
}

// rootPath is the request go-kong's Root sends: GET /, or GET
// /<workspace>/kong with a workspace.
func (c *Conn) rootPath() string {
	if c.cfg.Workspace != "" {
		return "/" + c.cfg.Workspace + "/kong"
	}
	return "/"
}

// Info returns the node's version and flavour, asking Kong the first time.
func (c *Conn) Info(ctx context.Context) (*Info, error) {
	c.infoOnce.Do(func() {
		if c.konnect != nil {
			c.info = c.konnect.info()
			return
		}
		root, err := c.Kong.Root(ctx)
		if err != nil {
			c.infoErr = ErrorFromKong(err, "reading the Kong version (GET "+c.rootPath()+")")
			return
		}
		c.info, c.infoErr = parseInfo(root, c.rootPath())
	})
	return c.info, c.infoErr
}
