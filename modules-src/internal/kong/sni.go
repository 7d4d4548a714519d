package kong

// SNIKind is the Kong SNI (GET /snis/{name or id}): a server name attached
// to a certificate, which Kong serves for TLS handshakes naming it. The
// certificate is a reference (by id, or by another SNI name of it, which
// GET /certificates/{name} resolves).
var SNIKind = &Kind{
	Name:       "SNI",
	Collection: "snis",
	Module:     "platform.ops.kong_sni",
	KeyField:   "name",
	Shape: RecordOf(map[string]*Shape{
		"certificate": ForeignKey,
		"tags":        SetOf(nil),
	}),
}
