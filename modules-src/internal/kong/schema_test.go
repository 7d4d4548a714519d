package kong

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func loadSchema(t *testing.T, file string) *Schema {
	t.Helper()
	b, err := os.ReadFile("testdata/" + file)
	require.NoError(t, err)
	var s RawSchema
	require.NoError(t, json.Unmarshal(b, &s))
	return ParseSchema(file, s)
}

func TestSchema_Defaults_Service(t *testing.T) {
	t.Parallel()
	got := loadSchema(t, "services-3.9.3.json").Defaults()
	assert.Equal(t, Object{
		"name": nil, "retries": 5.0, "protocol": "http", "port": 80.0, "path": nil,
		"connect_timeout": 60000.0, "write_timeout": 60000.0, "read_timeout": 60000.0,
		"tags": nil, "client_certificate": nil, "tls_verify": nil, "tls_verify_depth": nil,
		"ca_certificates": nil, "enabled": true,
	}, got, "host is required without a default, and id/timestamps are Kong's")
}

func TestSchema_Shape_PluginConfig(t *testing.T) {
	t.Parallel()
	shape := loadSchema(t, "rate-limiting-3.9.3.json").Shape()
	require.NotNil(t, shape.Field("config"))
	assert.Equal(t, Record, shape.Field("config").Type)
	assert.Equal(t, Set, shape.Field("protocols").Type)
	assert.Equal(t, Record, shape.Field("config").Field("redis").Type)
	assert.True(t, shape.Field("config").Field("redis").Field("password").Secret, "referenceable redis password is secret")

	defaults := loadSchema(t, "rate-limiting-3.9.3.json").Defaults()
	config := defaults["config"].(map[string]any)
	assert.Equal(t, "local", config["policy"])
	assert.Contains(t, config, "minute")
	assert.Nil(t, config["minute"])
}

func TestStrictDesired_ResetsWhatTheUserLeftOut(t *testing.T) {
	t.Parallel()
	full := loadSchema(t, "services-3.9.3.json").Defaults()
	delete(full, "name")
	desired := overlay(Normalize(full), Normalize(Object{"host": "a.test", "port": 8080}))
	current := Object{"id": "1", "name": "s", "host": "a.test", "port": 8080.0, "protocol": "http", "retries": 9.0,
		"connect_timeout": 60000.0, "write_timeout": 60000.0, "read_timeout": 60000.0, "enabled": true, "tags": []any{"x"}}
	plan := PlanPresent(desired, current, ServiceKind.Shape)
	assert.Equal(t, []string{"retries", "tags"}, plan.ChangedFields())
	assert.Equal(t, Object{"retries": 5.0, "tags": nil}, plan.Body)
}

// Kong fills a record's default further with its fields' defaults
// (kong/db/schema/init.lua adjust_field_for_context: handle_missing_field,
// then process_auto_fields on the default), so a defaulted upstream holds
// healthchecks.threshold and active.https_sni, which the healthchecks
// default tree does not name.
func TestSchema_Defaults_RecordDefaultFilledWithItsFields(t *testing.T) {
	t.Parallel()
	for _, file := range []string{"upstreams-3.9.3.json", "upstreams-2.8.5.json"} {
		hc := loadSchema(t, file).Defaults()["healthchecks"].(map[string]any)
		assert.Equal(t, 0.0, hc["threshold"], file)
		active := hc["active"].(map[string]any)
		assert.Contains(t, active, "https_sni", file)
		assert.Nil(t, active["https_sni"], file)
		assert.Equal(t, 1.0, active["timeout"], file)
		assert.Equal(t, []any{200.0, 302.0}, active["healthy"].(map[string]any)["http_statuses"], file)
	}
	active := loadSchema(t, "upstreams-3.9.3.json").Defaults()["healthchecks"].(map[string]any)["active"].(map[string]any)
	assert.Contains(t, active, "headers", "3.x has active.headers, null by default")
	assert.Nil(t, active["headers"])
}

// A record the task sets partly reads back with its other fields filled
// (process_auto_fields on select): check mode predicts that for a create
// and for an update that sets a record Kong held as null.
func TestSchema_Fill_PartialRecord(t *testing.T) {
	t.Parallel()
	keys := loadSchema(t, "keys-3.9.3.json")
	got := keys.Root.Fill(Object{"name": "k", "pem": map[string]any{"public_key": "P"}, "jwk": nil})
	assert.Equal(t, Object{"name": "k", "pem": map[string]any{"public_key": "P", "private_key": nil}, "jwk": nil}, got)

	assert.True(t, setsRecordOverNull(Object{"pem": map[string]any{"public_key": "P"}}, Object{"pem": nil}))
	assert.False(t, setsRecordOverNull(Object{"pem": map[string]any{"public_key": "P"}}, Object{"pem": map[string]any{"private_key": nil}}))
	assert.False(t, setsRecordOverNull(Object{"tags": []any{"a"}}, Object{"tags": nil}))
}
