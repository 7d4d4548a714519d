package kongemu

import (
	"bytes"
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"math/big"
	"strings"
	"time"
)

// Certificate and key checks of Kong's certificates, ca_certificates and
// keys entities. Kong loads PEM (and JWK) material with lua-resty-openssl;
// these ports load it with Go's crypto packages. The decisions are the
// same; OpenSSL's error strings appended to some messages are not (see
// KONG-CHECKS.md).

// invalidCertificate is Kong 3.9.3's answer to a PEM block that does not
// hold a certificate (spec/02-integration/04-admin_api/15-off_spec.lua);
// OpenSSL words other failures, and other OpenSSL versions, differently.
const invalidCertificate = "invalid certificate: x509.new: error:688010A:asn1 encoding routines:asn1_item_embed_d2i:nested asn1 error:asn1/tasn_dec.c:349:"

func parseCert(p string) (*x509.Certificate, string) {
	block, _ := pem.Decode([]byte(p))
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, invalidCertificate
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, invalidCertificate
	}
	return cert, ""
}

// loadedKey is a key openssl_pkey.new loaded: its public half and whether
// it holds the private one.
type loadedKey struct {
	public  crypto.PublicKey
	private bool
}

// parsePEMKey loads a private or public key from PEM, like
// openssl_pkey.new(pem) does.
func parsePEMKey(p string) (*loadedKey, error) {
	block, _ := pem.Decode([]byte(p))
	if block == nil {
		return nil, errors.New("no PEM")
	}
	if k, err := parsePrivateDER(block.Bytes); err == nil {
		return &loadedKey{public: k.(interface{ Public() crypto.PublicKey }).Public(), private: true}, nil
	}
	if k, err := x509.ParsePKIXPublicKey(block.Bytes); err == nil {
		return &loadedKey{public: k}, nil
	}
	if k, err := x509.ParsePKCS1PublicKey(block.Bytes); err == nil {
		return &loadedKey{public: k}, nil
	}
	return nil, errors.New("not a key")
}

func parsePrivateDER(der []byte) (crypto.PrivateKey, error) {
	if k, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		return k, nil
	}
	if k, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return k, nil
	}
	return x509.ParseECPrivateKey(der)
}

func samePublicKey(a, b crypto.PublicKey) bool {
	da, err1 := x509.MarshalPKIXPublicKey(a)
	db, err2 := x509.MarshalPKIXPublicKey(b)
	return err1 == nil && err2 == nil && bytes.Equal(da, db)
}

// certificateMatchesKey is certificates.lua's check that the certificate's
// public key is the key's public key (cert:get_pubkey():to_PEM() ~=
// key:to_PEM("public")). The alt pair is only checked when both are set.
func certificateMatchesKey(certField, keyField, msg string) func(map[string]any) string {
	return func(row map[string]any) string {
		c, ok1 := row[certField].(string)
		k, ok2 := row[keyField].(string)
		if !ok1 || !ok2 {
			return ""
		}
		cert, _ := parseCert(c)
		key, _ := parsePEMKey(k)
		if cert == nil || key == nil || !samePublicKey(cert.PublicKey, key.public) {
			return msg
		}
		return ""
	}
}

func keyType(k crypto.PublicKey) string {
	switch k.(type) {
	case *rsa.PublicKey:
		return "rsa"
	case *ecdsa.PublicKey:
		return "ec"
	case ed25519.PublicKey:
		return "ed25519"
	}
	return "other"
}

// certificateTypesDiffer is certificates.lua's check that cert and
// cert_alt have keys of different types.
func certificateTypesDiffer(row map[string]any) string {
	c, ok1 := row["cert"].(string)
	a, ok2 := row["cert_alt"].(string)
	if !ok1 || !ok2 {
		return ""
	}
	cert, _ := parseCert(c)
	alt, _ := parseCert(a)
	if cert != nil && alt != nil && keyType(cert.PublicKey) == keyType(alt.PublicKey) {
		return "certificate and alternative certificate need to have different type (e.g. RSA and ECDSA), the provided certificates were both of the same type"
	}
	return ""
}

const certTag = "-----BEGIN CERTIFICATE-----"

// caCertificateCheck is ca_certificates.lua's entity check, in its order:
// one certificate only, not expired, a CA.
func caCertificateCheck(row map[string]any) string {
	c, _ := row["cert"].(string)
	if i := strings.Index(c, certTag); i >= 0 && i+len(certTag)+1 <= len(c) && strings.Contains(c[i+len(certTag)+1:], certTag) {
		return "please submit only one certificate at a time"
	}
	cert, _ := parseCert(c)
	if cert == nil {
		return ""
	}
	if time.Now().After(cert.NotAfter) {
		return "certificate expired, \"Not After\" time is in the past"
	}
	if !cert.IsCA {
		return "certificate does not appear to be a CA because it is missing the \"CA\" basic constraint"
	}
	return ""
}

// validatePEMKeys is typedefs.pem's custom_validator (keys.pem).
func validatePEMKeys(v any) (bool, string) {
	m, _ := v.(map[string]any)
	pub, priv := m["public_key"], m["private_key"]
	if isVaultReference(pub) || isVaultReference(priv) {
		return true, ""
	}
	var pubKey, privKey *loadedKey
	if s, ok := pub.(string); ok {
		block, _ := pem.Decode([]byte(s))
		k, err := parsePEMKey(s)
		if err != nil || k.private || block == nil || !strings.Contains(block.Type, "PUBLIC") {
			return false, "could not load public key"
		}
		pubKey = k
	}
	if s, ok := priv.(string); ok {
		k, err := parsePEMKey(s)
		if err != nil || !k.private {
			return false, "could not load private keypkey.new:load_key: failed to read PEM"
		}
		privKey = k
	}
	if pubKey != nil && privKey != nil && !samePublicKey(pubKey.public, privKey.public) {
		return false, "public key does not match private key"
	}
	return true, ""
}

// keysCheck is keys.lua's custom_entity_check: the jwk must be JSON, its
// kid the key's kid, a key lua-resty-openssl loads, and valid against
// typedefs.jwk; a pem needs a public or a private key.
func keysCheck(row map[string]any) string {
	if s, ok := row["jwk"].(string); ok && !isVaultReference(s) {
		var j map[string]any
		if err := decodeJSON([]byte(s), &j); err != nil {
			return "could not json decode jwk string"
		}
		if !jsonEqual(j["kid"], row["kid"]) {
			return "kid in jwk.kid must be equal to keys.kid"
		}
		if !loadJWK(j) {
			return "could not load JWK, likely not a valid key"
		}
		fe := fieldErrors{}
		validateRecord(jwkRecord, j, fe)
		if len(fe) > 0 {
			return "Validation error: " + errorsToString(fe)
		}
	}
	if p, ok := row["pem"].(map[string]any); ok && p["private_key"] == nil && p["public_key"] == nil {
		return "need to supply a PEM formatted public and/or private key."
	}
	return ""
}

// errorsToString is Schema:errors_to_string without the prefix; Kong
// walks the table in hash order, this in sorted order.
func errorsToString(fe fieldErrors) string {
	var msgs []string
	if ents, ok := fe["@entity"].([]any); ok {
		for _, e := range ents {
			msgs = append(msgs, valueText(e))
		}
	}
	keys := sortedKeys(fe)
	for _, k := range keys {
		if k == "@entity" {
			continue
		}
		if sub, ok := fe[k].(fieldErrors); ok {
			msgs = append(msgs, k+": Validation error: "+errorsToString(sub))
			continue
		}
		msgs = append(msgs, k+": "+luaText(fe[k]))
	}
	return strings.Join(msgs, "; ")
}

// jwkRecord is typedefs.jwk (kong/db/schema/typedefs.lua:724): every
// member a string except key_ops and x5c, kid required, nothing else.
var jwkRecord = func() *Field {
	rec := &Field{Type: "record"}
	for _, n := range []string{"issuer", "kty", "use", "key_ops", "alg", "kid", "x5u", "x5c", "x5t", "x5t#S256",
		"k", "x", "y", "crv", "n", "e", "d", "p", "q", "dp", "dq", "qi", "oth", "r", "t"} {
		attrs := map[string]any{"type": "string"}
		if n == "key_ops" || n == "x5c" {
			attrs = map[string]any{"type": "array", "elements": map[string]any{"type": "string"}}
		}
		if n == "kid" {
			attrs["required"] = true
		}
		rec.Fields = append(rec.Fields, parseField(n, attrs))
	}
	return rec
}()

func b64url(v any) ([]byte, bool) {
	s, ok := v.(string)
	if !ok || s == "" {
		return nil, false
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	return b, err == nil
}

// loadJWK stands for openssl_pkey.new(jwk, { format = "JWK" }):
// lua-resty-openssl loads RSA, EC (P-256, P-384, P-521) and OKP keys.
func loadJWK(j map[string]any) bool {
	switch j["kty"] {
	case "RSA":
		n, ok1 := b64url(j["n"])
		e, ok2 := b64url(j["e"])
		if !ok1 || !ok2 || len(e) > 8 {
			return false
		}
		pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
		return pub.N.Sign() > 0 && pub.E > 1
	case "EC":
		curves := map[any]struct {
			curve ecdh.Curve
			size  int
		}{"P-256": {ecdh.P256(), 32}, "P-384": {ecdh.P384(), 48}, "P-521": {ecdh.P521(), 66}}
		c, known := curves[j["crv"]]
		x, ok1 := b64url(j["x"])
		y, ok2 := b64url(j["y"])
		if !known || !ok1 || !ok2 || len(x) > c.size || len(y) > c.size {
			return false
		}
		// The uncompressed point 04 || X || Y: crypto/ecdh refuses one that
		// is not on the curve.
		point := make([]byte, 1+2*c.size)
		point[0] = 4
		copy(point[1+c.size-len(x):1+c.size], x)
		copy(point[1+2*c.size-len(y):], y)
		_, err := c.curve.NewPublicKey(point)
		return err == nil
	case "OKP":
		x, ok := b64url(j["x"])
		if !ok {
			return false
		}
		sizes := map[any]int{"Ed25519": 32, "X25519": 32, "Ed448": 57, "X448": 56}
		want, known := sizes[j["crv"]]
		return known && len(x) == want
	}
	return false
}
