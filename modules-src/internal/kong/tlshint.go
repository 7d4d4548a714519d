package kong

import (
	"errors"
	"net"
	"strings"
)

// A server that refuses the client's certificate says so only with a TLS
// alert, which Go reports as "remote error: tls: <alert>" (RFC 8446 §6.2:
// certificate_required, bad_certificate, unknown_ca, ...). The message
// then names the options that decide it.

// clientCertAlerts are the alerts about the client's certificate.
var clientCertAlerts = []string{"certificate required", "bad certificate", "unknown certificate authority",
	"certificate unknown", "unsupported certificate", "certificate expired", "certificate revoked"}

// refusedClientCert returns the alert when err is the server refusing the
// client's certificate (or its absence), "" otherwise.
func refusedClientCert(err error) string {
	var op *net.OpError
	if !errors.As(err, &op) || op.Op != "remote error" || op.Err == nil {
		return ""
	}
	alert := strings.TrimPrefix(op.Err.Error(), "tls: ")
	for _, a := range clientCertAlerts {
		if alert == a {
			return alert
		}
	}
	return ""
}

// clientCertHint explains a refused client certificate.
func clientCertHint(alert string, hasClientCert bool) string {
	if !hasClientCert {
		return "the Admin API requires a client certificate (mutual TLS; TLS alert: " + alert + "): set client_cert and client_key"
	}
	return "the Admin API did not accept client_cert (TLS alert: " + alert + "): it must be signed by a CA the Admin API trusts for clients, " +
		"be valid now, and match client_key"
}
