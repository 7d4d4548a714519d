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
