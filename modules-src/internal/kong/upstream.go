package kong

// healthStatuses are a health check's HTTP statuses: an array in Kong's
// schema, but a list of statuses that count as healthy (or unhealthy)
// means the same in any order, so it compares as a set.
var healthStatuses = SetOf(nil)

// UpstreamKind is the Kong Upstream (GET /upstreams/{name or id}): a
// virtual host name that services point at, balanced over its targets.
// Kong fills a deep healthchecks tree with defaults; it compares record by
// record, only for the keys the task sets, and numbers compare as numbers
// (timeout 1 and 1.0 are the same, 1.5 stays 1.5).
var UpstreamKind = &Kind{
	Name:       "upstream",
	Collection: "upstreams",
	Module:     "platform.ops.kong_upstream",
	KeyField:   "name",
	Shape: RecordOf(map[string]*Shape{
		"tags":               SetOf(nil),
		"client_certificate": ForeignKey,
		"healthchecks": RecordOf(map[string]*Shape{
			"active": RecordOf(map[string]*Shape{
				"healthy":   RecordOf(map[string]*Shape{"http_statuses": healthStatuses}),
				"unhealthy": RecordOf(map[string]*Shape{"http_statuses": healthStatuses}),
				// header name to values, sent with each probe: replaced whole
				"headers": {Type: Map, Values: ArrayOf(nil)},
			}),
			"passive": RecordOf(map[string]*Shape{
				"healthy":   RecordOf(map[string]*Shape{"http_statuses": healthStatuses}),
				"unhealthy": RecordOf(map[string]*Shape{"http_statuses": healthStatuses}),
			}),
		}),
	}),
	// Kong 2.8.5's upstream schema lacks these (kong/db/schema/entities/
	// upstreams.lua at 2.8.5, 3.0.0 and 3.1.0).
	FieldsSince: map[string]string{
		"hash_on_query_arg":           "3.0",
		"hash_fallback_query_arg":     "3.0",
		"hash_on_uri_capture":         "3.0",
		"hash_fallback_uri_capture":   "3.0",
		"healthchecks.active.headers": "3.0",
		"use_srv_name":                "3.1",
	},
}
