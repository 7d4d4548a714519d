package kong

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"fmt"
)

// CACertificateKind is the Kong CA Certificate (GET /ca_certificates/{id}),
// a trusted CA for verifying upstream or client certificates. It has no
// endpoint key; Kong computes cert_digest, the SHA-256 of the certificate,
// on every write and keeps it unique (kong/db/schema/entities/
// ca_certificates.lua, 2.8 and 3.x), and it is how a task finds its CA
// certificate without an id: by listing (Listed), since Kong has no
// lookup by digest.
var CACertificateKind = &Kind{
	Name:       "CA certificate",
	Collection: "ca_certificates",
	Module:     "platform.ops.kong_ca_certificate",
	Shape: RecordOf(map[string]*Shape{
		"cert": pemField,
		"tags": SetOf(nil),
	}),
	Listed:   []string{"cert_digest"},
	Computed: []string{"cert_digest"},
}

// CertDigest is the cert_digest Kong computes for a PEM certificate:
// openssl_x509.new(cert):digest("sha256"), the SHA-256 of its DER form,
// in lower-case hex.
func CertDigest(cert string) (string, error) {
	block, _ := pem.Decode([]byte(cert))
	if block == nil || block.Type != "CERTIFICATE" {
		return "", fmt.Errorf("cert is not a PEM certificate (expected a -----BEGIN CERTIFICATE----- block)")
	}
	sum := sha256.Sum256(block.Bytes)
	return hex.EncodeToString(sum[:]), nil
}

// FindCACertificate reads the CA certificate with this id, or else with
// this cert_digest (nil when none).
func (c *Conn) FindCACertificate(ctx context.Context, id, digest string) (Object, error) {
	if id != "" {
		obj, err := c.Get(ctx, PathFor("ca_certificates", id))
		return obj, ErrorFromKong(err, "reading CA certificate with id "+id)
	}
	all, err := c.List(ctx, PathFor("ca_certificates"))
	if err != nil {
		return nil, ErrorFromKong(err, "listing the CA certificates to find the one with cert_digest "+digest)
	}
	for _, obj := range all {
		if obj["cert_digest"] == digest {
			return obj, nil
		}
	}
	return nil, nil
}
