package kong

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

// Object is one Kong entity (or any JSON object) as decoded from the Admin
// API: numbers are float64, unset fields are nil.
type Object = map[string]any

// PathFor builds an Admin API path from segments, escaping each one, e.g.
// PathFor("services", "my svc") is "/services/my%20svc".
func PathFor(segments ...string) string {
	var b strings.Builder
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	return b.String()
}

// Get reads one object. A 404 gives (nil, nil): for the engine "absent" is
// an answer, not an error.
func (c *Conn) Get(ctx context.Context, path string) (Object, error) {
	obj, err := c.Send(ctx, http.MethodGet, path, nil)
	if IsNotFound(err) {
		return nil, nil
	}
	return obj, err
}

// Send sends one request with an optional JSON body (nil values are sent
// as JSON null, which go-kong's typed structs cannot do) and decodes the
// answer, if any. Errors are as described on Conn.Kong.
func (c *Conn) Send(ctx context.Context, method, path string, body any) (Object, error) {
	if err := checkPath(method, path); err != nil {
		return nil, err
	}
	req, err := c.newRequest(method, path, body)
	if err != nil {
		return nil, err
	}
	var out Object
	var target any = &out
	if method == http.MethodDelete {
		target = nil
	}
	if _, err := c.Kong.Do(ctx, req, target); err != nil {
		return nil, err
	}
	return out, nil
}

// pageSize is the page size of List; Kong's maximum.
var pageSize = "1000"

// List reads every object of a collection path (e.g. "/services/x/routes"),
// following Kong's offset pagination.
func (c *Conn) List(ctx context.Context, path string) ([]Object, error) {
	return c.ListQuery(ctx, path, nil)
}

// ListQuery is List with query parameters sent on every page, e.g.
// {"tags": {"a,b"}} for Kong's server-side tag filter.
func (c *Conn) ListQuery(ctx context.Context, path string, query url.Values) ([]Object, error) {
	var all []Object
	offset := ""
	for {
		q := url.Values{"size": {pageSize}}
		for k, v := range query {
			q[k] = v
		}
		if offset != "" {
			q.Set("offset", offset)
		}
		page, err := c.Send(ctx, http.MethodGet, path+"?"+q.Encode(), nil)
		if err != nil {
			return nil, err
		}
		data, _ := page["data"].([]any)
		for _, d := range data {
			if o, ok := d.(map[string]any); ok {
				all = append(all, o)
			}
		}
		next, _ := page["offset"].(string)
		if next == "" || next == offset {
			return all, nil
		}
		offset = next
	}
}
