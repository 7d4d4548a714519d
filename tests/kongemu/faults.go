package kongemu

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault makes matching requests misbehave, for reliability tests of
// clients: added latency, an error status, a 429 with Retry-After, or a
// TCP connection reset. Faults are checked in the order they were added;
// the first match with remaining count applies.
type Fault struct {
	Method     string `json:"method,omitempty"`      // HTTP method; "" or "*" matches any
	Path       string `json:"path,omitempty"`        // regexp matched against the URL path; "" matches any
	Count      int    `json:"count,omitempty"`       // how many requests to affect; 0 = unlimited
	LatencyMS  int    `json:"latency_ms,omitempty"`  // delay before answering (then the request proceeds unless another effect is set)
	Status     int    `json:"status,omitempty"`      // answer with this status instead of serving the request
	Body       string `json:"body,omitempty"`        // body for Status (default {"message":"emulated fault"})
	RetryAfter int    `json:"retry_after,omitempty"` // answer 429 with this Retry-After (seconds)
	Reset      bool   `json:"reset,omitempty"`       // reset the TCP connection without answering
	Remaining  *int   `json:"remaining,omitempty"`   // reported by GET /_emulator/faults

	re *regexp.Regexp
}

// ParseFault reads the --fault flag form: "METHOD PATH-REGEXP key=value ...",
// with keys count, latency (Go duration), status, body, retry_after, reset.
// Example: "GET ^/services/ status=503 count=2".
func ParseFault(spec string) (*Fault, error) {
	fields := strings.Fields(spec)
	if len(fields) < 3 {
		return nil, fmt.Errorf("fault %q: expected \"METHOD PATH-REGEXP key=value ...\"", spec)
	}
	f := &Fault{Method: fields[0], Path: fields[1]}
	for _, kv := range fields[2:] {
		k, v, found := strings.Cut(kv, "=")
		if !found {
			return nil, fmt.Errorf("fault %q: %q is not key=value", spec, kv)
		}
		var err error
		switch k {
		case "count":
			f.Count, err = strconv.Atoi(v)
		case "status":
			f.Status, err = strconv.Atoi(v)
		case "retry_after":
			f.RetryAfter, err = strconv.Atoi(v)
		case "latency":
			var d time.Duration
			d, err = time.ParseDuration(v)
			f.LatencyMS = int(d / time.Millisecond)
		case "reset":
			f.Reset, err = strconv.ParseBool(v)
		case "body":
			f.Body = v
		default:
			err = fmt.Errorf("unknown key (expected count, latency, status, body, retry_after or reset)")
		}
		if err != nil {
			return nil, fmt.Errorf("fault %q: %s: %v", spec, k, err)
		}
	}
	return f, nil
}

type faultSet struct {
	mu     sync.Mutex
	faults []*Fault
}

func (fs *faultSet) add(f *Fault) error {
	if f.Path != "" {
		re, err := regexp.Compile(f.Path)
		if err != nil {
			return fmt.Errorf("fault path %q: %v", f.Path, err)
		}
		f.re = re
	}
	if f.Status == 0 && f.RetryAfter == 0 && !f.Reset && f.LatencyMS == 0 {
		return fmt.Errorf("fault %s %s does nothing: set status, retry_after, reset or latency_ms", f.Method, f.Path)
	}
	if f.Count > 0 {
		n := f.Count
		f.Remaining = &n
	}
	fs.mu.Lock()
	fs.faults = append(fs.faults, f)
	fs.mu.Unlock()
	return nil
}

func (fs *faultSet) clear() {
	fs.mu.Lock()
	fs.faults = nil
	fs.mu.Unlock()
}

func (fs *faultSet) list() []*Fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return append([]*Fault{}, fs.faults...)
}

// take returns the first fault matching r and consumes one of its uses.
func (fs *faultSet) take(r *http.Request) *Fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i, f := range fs.faults {
		if f.Method != "" && f.Method != "*" && !strings.EqualFold(f.Method, r.Method) {
			continue
		}
		if f.re != nil && !f.re.MatchString(r.URL.Path) {
			continue
		}
		if f.Remaining != nil {
			*f.Remaining--
			if *f.Remaining <= 0 {
				fs.faults = append(fs.faults[:i:i], fs.faults[i+1:]...)
			}
		}
		return f
	}
	return nil
}

// apply performs a matching fault. It reports whether the request was
// answered (or the connection dropped) by the fault.
func (fs *faultSet) apply(w http.ResponseWriter, r *http.Request) bool {
	f := fs.take(r)
	if f == nil {
		return false
	}
	if f.LatencyMS > 0 {
		time.Sleep(time.Duration(f.LatencyMS) * time.Millisecond)
	}
	switch {
	case f.Reset:
		resetConnection(w)
		return true
	case f.RetryAfter > 0:
		w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
		writeRawJSON(w, http.StatusTooManyRequests, `{"message":"API rate limit exceeded"}`)
		return true
	case f.Status > 0:
		body := f.Body
		if body == "" {
			body = `{"message":"emulated fault"}`
		}
		writeRawJSON(w, f.Status, body)
		return true
	}
	return false
}

func writeRawJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// resetConnection closes the client connection with SO_LINGER 0, so the
// client sees "connection reset by peer". Without a real connection (the
// in-process client) it aborts the handler, which the transport reports.
func resetConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		if u, isWrapper := w.(interface{ Unwrap() http.ResponseWriter }); isWrapper {
			hj, ok = u.Unwrap().(http.Hijacker)
		}
	}
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	raw := conn
	if nc, ok := conn.(interface{ NetConn() net.Conn }); ok {
		raw = nc.NetConn()
	}
	if tcp, ok := raw.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = raw.Close()
}

// serveControl answers the emulator's own endpoints, which Kong does not
// have: POST /_emulator/reset, GET|POST|DELETE /_emulator/faults.
func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimSuffix(r.URL.Path, "/")
	switch {
	case path == "/_emulator/reset" && r.Method == http.MethodPost:
		s.Reset()
		s.write(w, r, ok(http.StatusNoContent, nil))
	case path == "/_emulator/faults" && r.Method == http.MethodGet:
		s.write(w, r, ok(http.StatusOK, map[string]any{"data": s.faults.list()}))
	case path == "/_emulator/faults" && r.Method == http.MethodDelete:
		s.faults.clear()
		s.write(w, r, ok(http.StatusNoContent, nil))
	case path == "/_emulator/faults" && r.Method == http.MethodPost:
		var f Fault
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			s.write(w, r, fail(plainError(http.StatusBadRequest, "invalid fault: "+err.Error())))
			return
		}
		f.Remaining = nil
		if err := s.faults.add(&f); err != nil {
			s.write(w, r, fail(plainError(http.StatusBadRequest, err.Error())))
			return
		}
		s.write(w, r, ok(http.StatusCreated, &f))
	default:
		s.write(w, r, notFound())
	}
}
