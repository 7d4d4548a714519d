package kong

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"sync/atomic"
	"time"

	gokong "github.com/kong/go-kong/kong"
)

// retryPolicy decides which requests are sent again and how long to wait.
// Only idempotent methods are retried: a POST or PATCH that timed out may
// have been applied, and sending it again could create a duplicate or apply
// a change twice.
type retryPolicy struct {
	retries  int
	base     time.Duration // first wait; doubles each attempt
	max      time.Duration // cap of one wait, also for Retry-After
	sleep    func(ctx context.Context, d time.Duration) error
	attempts func(method, path string, attempt int) // test hook, may be nil
	// refused words, for a 401 or 403, which credentials of the task were
	// refused (refusalHint); nil leaves the generic hint of ErrorFromKong.
	refused func(status int) string
	// clientCert: the connection presents client_cert (for messages).
	clientCert bool
}

const (
	defaultBackoffBase = 200 * time.Millisecond
	defaultBackoffMax  = 10 * time.Second
	maxErrorBody       = 1 << 20
)

func isIdempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// writes reports a method that changes state: when its request reached
// Kong and no answer came, its outcome is unknown, idempotent or not.
func writes(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}

func retryableStatus(code int) bool {
	return code == http.StatusTooManyRequests || code >= 500
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// wait is the pause before attempt+1: the server's Retry-After when it gave
// one, else exponential backoff; never more than p.max.
func (p retryPolicy) wait(attempt int, retryAfter time.Duration) time.Duration {
	d := retryAfter
	if d <= 0 {
		d = p.base << attempt
	}
	if d > p.max || d <= 0 {
		d = p.max
	}
	return d
}

// retryingDoer is the go-kong Doer of every Conn. It sends the request,
// retries what may be retried, and turns every HTTP error into a
// *gokong.APIError that keeps Kong's raw body (for the "fields" of a schema
// violation) and, for a 429, the Retry-After in its details.
func retryingDoer(p retryPolicy) gokong.Doer {
	if p.base == 0 {
		p.base = defaultBackoffBase
	}
	if p.max == 0 {
		p.max = defaultBackoffMax
	}
	if p.sleep == nil {
		p.sleep = sleepCtx
	}
	return func(ctx context.Context, hc *http.Client, req *http.Request) (*http.Response, error) {
		if ctx == nil {
			ctx = req.Context()
		}
		idempotent := isIdempotent(req.Method)
		for attempt := 0; ; attempt++ {
			if p.attempts != nil {
				p.attempts(req.Method, req.URL.Path, attempt)
			}
			if attempt > 0 && req.GetBody != nil {
				body, err := req.GetBody()
				if err != nil {
					return nil, err
				}
				req.Body = body
			}
			// Whether the whole request reached the wire: a POST or PATCH
			// that did and got no answer may have been applied.
			var sent atomic.Bool
			trace := &httptrace.ClientTrace{WroteRequest: func(i httptrace.WroteRequestInfo) {
				if i.Err == nil {
					sent.Store(true)
				}
			}}
			resp, err := hc.Do(req.WithContext(httptrace.WithClientTrace(ctx, trace)))
			canRetry := idempotent && attempt < p.retries
			var retryAfter time.Duration
			switch {
			case err != nil:
				// A certificate that does not verify will not verify on
				// the next attempt either.
				if ctx.Err() != nil || !canRetry || isCertError(err) || refusedClientCert(err) != "" {
					return nil, &ConnError{Method: req.Method, URL: redactURL(req), Err: err, MaybeApplied: writes(req.Method) && sent.Load(), ClientCert: p.clientCert}
				}
			case resp.StatusCode >= 400:
				apiErr := readAPIError(resp)
				markRefusal(apiErr, p.refused)
				if !canRetry || !retryableStatus(resp.StatusCode) {
					return nil, apiErr
				}
				if d, ok := apiErr.Details().(gokong.ErrTooManyRequestsDetails); ok {
					retryAfter = d.RetryAfter
				}
			default:
				return resp, nil
			}
			if err := p.sleep(ctx, p.wait(attempt, retryAfter)); err != nil {
				return nil, err
			}
		}
	}
}

// readAPIError consumes an error response into a go-kong APIError that keeps
// the body, so ErrorFromKong can report Kong's "fields".
func readAPIError(resp *http.Response) *gokong.APIError {
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	// Kong's errors carry "message"; Konnect's control plane API answers
	// RFC 9457 problem details, with the explanation in "detail"
	// (Kong/docs.konghq.com api-specs/Konnect/v2/yaml/control-planes.yaml,
	// BaseError).
	var parsed struct {
		Message string `json:"message"`
		Detail  string `json:"detail"`
	}
	msg := http.StatusText(resp.StatusCode)
	if json.Unmarshal(body, &parsed) == nil {
		if parsed.Message != "" {
			msg = parsed.Message
		} else if parsed.Detail != "" {
			msg = parsed.Detail
		}
	}
	apiErr := gokong.NewAPIErrorWithRaw(resp.StatusCode, msg, body)
	if resp.StatusCode == http.StatusTooManyRequests {
		if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && secs >= 0 {
			apiErr.SetDetails(gokong.ErrTooManyRequestsDetails{RetryAfter: time.Duration(secs) * time.Second})
		} else if when, err := http.ParseTime(resp.Header.Get("Retry-After")); err == nil {
			apiErr.SetDetails(gokong.ErrTooManyRequestsDetails{RetryAfter: time.Until(when)})
		}
	}
	return apiErr
}

// ConnError is a request that got no HTTP response (refused, timed out, TLS
// failure, ...).
type ConnError struct {
	Method string
	URL    string
	Err    error
	// MaybeApplied: a request that writes (POST, PATCH, and PUT or DELETE
	// too, once their retries are spent) was sent whole before the
	// connection failed, so Kong may have applied it.
	MaybeApplied bool
	// ClientCert: the connection presented client_cert.
	ClientCert bool
}

func (e *ConnError) Error() string {
	cause := e.Err
	var ue *url.Error
	if errors.As(cause, &ue) {
		cause = ue.Err // url.Error repeats the method and the URL
	}
	reason := cause.Error()
	var ne net.Error
	if errors.As(e.Err, &ne) && ne.Timeout() {
		reason = "no answer within the timeout (option timeout)"
	}
	if e.MaybeApplied {
		return fmt.Sprintf("the Kong Admin API did not answer %s %s (%s) after the request was sent: its outcome is unknown, Kong may have applied it; run the task again to reconcile",
			e.Method, e.URL, reason)
	}
	if alert := refusedClientCert(e.Err); alert != "" {
		return fmt.Sprintf("cannot reach the Kong Admin API (%s %s): %s", e.Method, e.URL, clientCertHint(alert, e.ClientCert))
	}
	if isCertError(e.Err) {
		return fmt.Sprintf("cannot reach the Kong Admin API (%s %s): the server's TLS certificate does not verify: %s; "+
			"set ca_path to the CA that signs it, tls_server_name to a name it holds, or validate_certs: false for a throwaway test setup",
			e.Method, e.URL, reason)
	}
	return fmt.Sprintf("cannot reach the Kong Admin API (%s %s): %s", e.Method, e.URL, reason)
}

// isCertError reports a failure to verify the server's certificate.
func isCertError(err error) bool {
	var verr *tls.CertificateVerificationError
	var unknown x509.UnknownAuthorityError
	var host x509.HostnameError
	var invalid x509.CertificateInvalidError
	return errors.As(err, &verr) || errors.As(err, &unknown) || errors.As(err, &host) || errors.As(err, &invalid)
}

func (e *ConnError) Unwrap() error { return e.Err }

// redactURL drops credentials embedded in the URL; a header never reaches it.
func redactURL(req *http.Request) string {
	u := *req.URL
	u.User = nil
	return u.String()
}
