package kong

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"platform.ops/modules-src/internal/ansible"
)

// pemField is a PEM certificate field: compared by its content (PEMCanon).
var pemField = &Shape{Type: Scalar, Canon: PEMCanon}

// secretPEM is a PEM private key field: compared by content, masked.
var secretPEM = &Shape{Type: Scalar, Canon: PEMCanon, Secret: true}

// CertificateKind is the Kong Certificate (GET /certificates/{id}): a
// certificate and key (and an alternative pair of the other key type)
// that Kong serves for the SNIs attached to it. The snis list is not a
// stored field: Kong's DAO turns it into SNI entities, replaces them all
// when a write names snis, and returns them sorted with the certificate
// (kong/db/dao/certificates.lua, 2.8 and 3.x; only 3.x's schema lists the
// field). Certificates have no endpoint key: GET /certificates/{name}
// reads the certificate that holds the SNI name (kong/api/routes/
// certificates.lua), which is also how other entities may name one.
var CertificateKind = &Kind{
	Name:       "certificate",
	Collection: "certificates",
	Module:     "platform.ops.kong_certificate",
	Shape: RecordOf(map[string]*Shape{
		"cert":     pemField,
		"cert_alt": pemField,
		"key":      secretPEM,
		"key_alt":  secretPEM,
		"snis":     {Type: Set, Sorted: true},
		"tags":     SetOf(nil),
	}),
	InsertFills: Object{"snis": []any{}},
	Transient:   []string{"snis"},
}

// CertificateLookup is what a task knows of a certificate: its id, the
// SNIs it should serve, its certificate PEM.
type CertificateLookup struct {
	ID   string
	SNIs []string
	Cert string
}

// FindCertificate reads the certificate a task is about (nil when none):
// by id; else the one that holds the task's SNIs (all of them that exist
// must belong to one certificate); else, when the task names no SNIs, the
// one with the same certificate (PEM compared by content). A task that
// names SNIs none of which exists is about a new certificate, even if
// another one holds the same PEM: a wildcard certificate may serve
// several sets of names. An SNI held by another certificate than the one
// found fails the task the way Kong's write would (HTTP 400, "... already
// associated with existing certificate ..."), in check mode too.
func (c *Conn) FindCertificate(ctx context.Context, l CertificateLookup) (Object, error) {
	holders := map[string][]string{} // certificate id -> SNIs it holds
	for _, name := range l.SNIs {
		sni, err := c.Get(ctx, PathFor("snis", name))
		if err != nil {
			return nil, ErrorFromKong(err, fmt.Sprintf("reading SNI %q", name))
		}
		if id, _ := asMap(sni["certificate"])["id"].(string); id != "" {
			holders[id] = append(holders[id], name)
		}
	}
	var found Object
	switch {
	case l.ID != "":
		obj, err := c.Get(ctx, PathFor("certificates", l.ID))
		if err != nil {
			return nil, ErrorFromKong(err, "reading certificate with id "+l.ID)
		}
		found = obj
	case len(holders) > 1:
		var parts []string
		for _, id := range slices.Sorted(maps.Keys(holders)) {
			parts = append(parts, fmt.Sprintf("%s held by certificate %s", strings.Join(holders[id], ", "), id))
		}
		return nil, fmt.Errorf("the snis of the task belong to different certificates (%s): give id to say which certificate to change, or list the SNIs of one certificate", strings.Join(parts, "; "))
	case len(holders) == 1:
		for id := range holders {
			obj, err := c.Get(ctx, PathFor("certificates", id))
			if err != nil {
				return nil, ErrorFromKong(err, "reading certificate with id "+id)
			}
			found = obj
		}
	case len(l.SNIs) == 0 && l.Cert != "":
		obj, err := c.certificateByPEM(ctx, l.Cert)
		if err != nil {
			return nil, err
		}
		found = obj
	}
	selfID, _ := found["id"].(string)
	for id, names := range holders {
		if id != selfID {
			sort.Strings(names)
			return nil, sniTaken(names[0], id)
		}
	}
	return found, nil
}

// certificateByPEM is the one certificate whose cert is the same PEM
// (nil when none; an error when several are: the task must say which).
func (c *Conn) certificateByPEM(ctx context.Context, cert string) (Object, error) {
	all, err := c.List(ctx, PathFor("certificates"))
	if err != nil {
		return nil, ErrorFromKong(err, "listing the certificates to find the one with this cert")
	}
	var same []Object
	for _, obj := range all {
		if Equal(obj["cert"], cert, pemField) {
			same = append(same, obj)
		}
	}
	switch len(same) {
	case 0:
		return nil, nil
	case 1:
		return same[0], nil
	}
	ids := make([]string, len(same))
	for i, obj := range same {
		ids[i], _ = obj["id"].(string)
	}
	sort.Strings(ids)
	return nil, fmt.Errorf("%d certificates hold this cert (ids %s): give id, or snis, to say which one the task is about", len(same), strings.Join(ids, ", "))
}

// sniTaken is Kong's refusal of a certificate write that names an SNI
// another certificate holds (kong/db/dao/snis.lua check_list_is_new: a
// schema violation on snis), said before the write is sent.
func sniTaken(name, holder string) error {
	msg := fmt.Sprintf("%s already associated with existing certificate '%s'", name, holder)
	return &ansible.Failure{
		Msg: fmt.Sprintf("SNI %s: Kong would refuse the write with HTTP 400 (schema violation); detach it there first (platform.ops.kong_certificate or platform.ops.kong_sni) or give the id of that certificate", msg),
		Fields: map[string]any{
			"status":     400,
			"fields":     map[string]string{"snis": msg},
			"kong_error": "schema violation",
		},
	}
}
