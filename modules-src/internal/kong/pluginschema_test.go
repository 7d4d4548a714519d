package kong

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func rateLimitingSchema(t *testing.T) *PluginSchema {
	t.Helper()
	raw, err := os.ReadFile("testdata/rate-limiting-3.9.3.json")
	require.NoError(t, err)
	var s RawSchema
	require.NoError(t, json.Unmarshal(raw, &s))
	return ParsePluginSchema("rate-limiting", s)
}

func TestPluginSchema_PrepareConfig(t *testing.T) {
	t.Parallel()
	ps := rateLimitingSchema(t)
	tests := []struct {
		name string
		in   map[string]any
		want Object
		err  string
	}{
		{"plain keys pass", map[string]any{"minute": 5, "policy": "local"}, Object{"minute": 5.0, "policy": "local"}, ""},
		{"a shorthand becomes the field it stands for", map[string]any{"redis_host": "r.test", "redis_timeout": 10},
			Object{"redis": map[string]any{"host": "r.test", "timeout": 10.0}}, ""},
		{"shorthand and field with one value", map[string]any{"redis_host": "r.test", "redis": map[string]any{"host": "r.test"}},
			Object{"redis": Object{"host": "r.test"}}, ""},
		{"shorthand and field disagreeing", map[string]any{"redis_host": "a.test", "redis": map[string]any{"host": "b.test"}},
			nil, "config.redis_host is a deprecated name of config.redis.host and both are set to different values"},
		{"strings become numbers and booleans", map[string]any{"minute": "5", "hide_client_headers": "yes", "redis": map[string]any{"port": "6380"}},
			Object{"minute": 5.0, "hide_client_headers": true, "redis": Object{"port": 6380.0}}, ""},
		{"a number for a string field becomes a string", map[string]any{"header_name": 42}, Object{"header_name": "42"}, ""},
		{"not a number", map[string]any{"minute": "five"}, nil, `config.minute must be a number, got "five"`},
		{"not an integer", map[string]any{"redis": map[string]any{"port": "63.5"}}, nil, `config.redis.port must be an integer, got "63.5"`},
		{"NaN is not a number", map[string]any{"minute": "NaN"}, nil, `config.minute must be a number, got "NaN"`},
		{"inf is not a number", map[string]any{"minute": " inf"}, nil, `config.minute must be a number, got " inf"`},
		{"Infinity is not an integer", map[string]any{"redis": map[string]any{"port": "Infinity"}}, nil, `config.redis.port must be an integer, got "Infinity"`},
		{"not a boolean", map[string]any{"fault_tolerant": "maybe"}, nil, `config.fault_tolerant must be a boolean, got "maybe"`},
		{"a required record set to null is its defaults", map[string]any{"redis": nil},
			Object{"redis": Object{"host": nil, "port": 6379.0, "timeout": 2000.0, "username": nil, "password": nil,
				"database": 0.0, "ssl": false, "ssl_verify": false, "server_name": nil}}, ""},
		{"unknown keys are left for Kong to reject", map[string]any{"garbage": 1}, Object{"garbage": 1.0}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ps.PrepareConfig(tc.in)
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, Normalize(tc.want), Normalize(got))
		})
	}
}

func TestPluginSchema_ShapeDefaultsAndShorthands(t *testing.T) {
	t.Parallel()
	ps := rateLimitingSchema(t)
	shape := ps.PluginShape()
	cfg := shape.Field("config")
	assert.True(t, cfg.Field("redis").Field("password").Secret, "encrypted")
	assert.True(t, cfg.Field("redis").Field("username").Secret, "referenceable")
	assert.True(t, cfg.Field("redis_password").Secret, "a shorthand of a secret is secret")
	assert.False(t, cfg.Field("minute").Secret)
	assert.Equal(t, Set, shape.Field("protocols").Type)

	d := ps.Config.Defaults()
	assert.Equal(t, "local", d["policy"])
	assert.Equal(t, 6379.0, d["redis"].(Object)["port"], "required records are filled recursively")
	assert.Nil(t, d["minute"])
	assert.NotContains(t, d, "redis_host", "shorthands have no defaults")
	assert.Equal(t, []any{"grpc", "grpcs", "http", "https"}, ps.Protocols)

	held := Object{"id": "x", "config": map[string]any{"minute": 5.0, "redis_host": "r", "redis": map[string]any{"host": "r"}}}
	stripped := ps.StripShorthands(held)
	assert.Equal(t, map[string]any{"minute": 5.0, "redis": map[string]any{"host": "r"}}, stripped["config"])
	assert.Contains(t, held["config"], "redis_host", "the input is not modified")

	masked := MaskObject(Object{"config": map[string]any{"redis": map[string]any{"password": "p", "port": 1.0}, "redis_password": "p"}}, shape)
	assert.Equal(t, map[string]any{"redis": map[string]any{"password": Masked, "port": 1.0}, "redis_password": Masked}, masked["config"])
	assert.Equal(t, []string{"p", "u"}, ps.SecretStrings(Object{"redis": map[string]any{"password": "p", "username": "u", "host": "h"}}))
	// As the user wrote it: a shorthand of a secret, a number under a
	// secret field, a key the schema does not know (nothing tells what it
	// holds) are secret; known plain fields are not.
	assert.Equal(t, []string{"12345", "sh", "typo"}, ps.SecretStrings(Object{
		"minute": 5.0, "policy": "redis", "redis_password": "sh", "redis_host": "h",
		"redis": map[string]any{"password": 12345.0, "host": "h"}, "paswrod": "typo",
	}))
	// Before the schema is read: what is named like a secret, whatever its
	// length, and other strings from 8 characters on; no other number.
	assert.Equal(t, []string{"12345", "http://u:pw@log.test/", "sh"}, (*PluginSchema)(nil).SecretStrings(Object{
		"minute": 5.0, "policy": "local", "redis_password": "sh", "http_endpoint": "http://u:pw@log.test/",
		"redis": map[string]any{"password": 12345.0, "port": 6379.0},
	}))
}

func TestPluginScope(t *testing.T) {
	t.Parallel()
	p := Object{"service": map[string]any{"id": "S"}, "route": nil, "consumer": map[string]any{"id": "C"}}
	s := ScopeOf(p)
	assert.Equal(t, PluginScope{"service": "S", "consumer": "C"}, s)
	assert.True(t, s.Equal(PluginScope{"consumer": "c", "service": "s"}), "ids compare without case")
	assert.False(t, s.Equal(PluginScope{"service": "S"}), "a service plugin is not a service+consumer plugin")
	assert.Equal(t, "service S, consumer C", s.String())
	assert.Equal(t, "global", PluginScope{}.String())
}
