package kong

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	gokong "github.com/kong/go-kong/kong"

	"platform.ops/modules-src/internal/ansible"
)

// ErrorFromKong turns an error of a Kong request into the task failure:
// msg says what was being done and gives Kong's message; for an HTTP error
// the result also carries "status" (the HTTP code) and "fields" (Kong's
// field errors flattened to dotted paths, e.g. "config.minute" or
// "paths.2"). doing reads like `creating service "example"`.
func ErrorFromKong(err error, doing string) error {
	if err == nil {
		return nil
	}
	var failure *ansible.Failure
	if errors.As(err, &failure) {
		return err
	}
	var apiErr *gokong.APIError
	if !errors.As(err, &apiErr) {
		return &ansible.Failure{Msg: fmt.Sprintf("%s: %v", doing, err), Err: err}
	}
	body := KongErrorBody(apiErr)
	msg := body.Message
	if msg == "" {
		msg = fmt.Sprintf("HTTP %d", apiErr.Code())
	}
	out := map[string]any{"status": apiErr.Code()}
	if len(body.Fields) > 0 {
		out["fields"] = body.Fields
	}
	if body.Name != "" {
		out["kong_error"] = body.Name
	}
	return &ansible.Failure{
		Msg:    fmt.Sprintf("%s failed: Kong answered HTTP %d: %s%s", doing, apiErr.Code(), msg, refusalOf(apiErr)),
		Fields: out,
	}
}

// authHint points a refused request at the options that decide it: Kong
// Enterprise's RBAC answers 401 without a valid token and 403 when the
// token's user may not use the endpoint (in that workspace).
func authHint(status int) string {
	switch status {
	case 401:
		return " (give the RBAC token with admin_token or KONG_ADMIN_TOKEN)"
	case 403:
		return " (the RBAC user of admin_token may not do this here: check its roles in this workspace)"
	}
	return ""
}

// ErrorBody is Kong's error envelope with its field errors flattened.
type ErrorBody struct {
	Code    int
	Name    string
	Message string
	Fields  map[string]string
}

// KongErrorBody parses the body kept in an APIError (see retryingDoer).
func KongErrorBody(apiErr *gokong.APIError) ErrorBody {
	var raw struct {
		Code    int            `json:"code"`
		Name    string         `json:"name"`
		Message string         `json:"message"`
		Fields  map[string]any `json:"fields"`
		Options map[string]any `json:"options"` // code 11 puts its details here
		Detail  string         `json:"detail"`  // Konnect's problem details
	}
	out := ErrorBody{Message: apiErr.Error()}
	if len(apiErr.Raw()) == 0 || json.Unmarshal(apiErr.Raw(), &raw) != nil {
		return out
	}
	out.Code, out.Name = raw.Code, raw.Name
	if raw.Message != "" {
		out.Message = raw.Message
	} else if raw.Detail != "" {
		out.Message = raw.Detail
	}
	fields := raw.Fields
	if fields == nil {
		fields = raw.Options
	}
	if len(fields) > 0 {
		out.Fields = FlattenFields(fields)
	}
	return out
}

// FlattenFields turns Kong's nested "fields" object into dotted paths, the
// way Kong itself words its message: nested records give "service.id",
// array elements are numbered from 1 ("paths.2") and elements that passed
// (null) are left out. The entity-level list "@entity" is joined with "; ".
func FlattenFields(fields map[string]any) map[string]string {
	out := map[string]string{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch t := v.(type) {
		case nil:
		case map[string]any:
			for k, sub := range t {
				walk(joinPath(prefix, k), sub)
			}
		case []any:
			if strings.HasSuffix(prefix, "@entity") {
				parts := make([]string, 0, len(t))
				for _, e := range t {
					if e != nil {
						parts = append(parts, fmt.Sprint(e))
					}
				}
				out[prefix] = strings.Join(parts, "; ")
				return
			}
			for i, e := range t {
				walk(joinPath(prefix, strconv.Itoa(i+1)), e)
			}
		default:
			out[prefix] = fmt.Sprint(t)
		}
	}
	for k, v := range fields {
		walk(k, v)
	}
	return out
}

func joinPath(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// IsNotFound reports whether err is Kong's 404.
func IsNotFound(err error) bool { return gokong.IsNotFoundErr(err) }

// IsConflict reports whether err is Kong's 409 (a UNIQUE violation).
func IsConflict(err error) bool {
	var apiErr *gokong.APIError
	return errors.As(err, &apiErr) && apiErr.Code() == 409
}

// IsTaken reports a create refused because another entity holds its key:
// a UNIQUE violation (409), or a primary key violation (Kong's 400 for an
// id that is taken).
func IsTaken(err error) bool {
	var apiErr *gokong.APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	return apiErr.Code() == 409 || (apiErr.Code() == 400 && KongErrorBody(apiErr).Name == "primary key violation")
}
