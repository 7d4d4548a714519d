package kong

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCompare(t *testing.T) {
	t.Parallel()
	shape := RecordOf(map[string]*Shape{
		"tags":    SetOf(nil),
		"paths":   ArrayOf(nil),
		"headers": {Type: Map, Values: SetOf(nil)},
		"service": ForeignKey,
		"config": RecordOf(map[string]*Shape{
			"redis": RecordOf(nil),
		}),
	})
	tests := []struct {
		name        string
		desired     Object
		current     Object
		wantChanges []string
		wantPatch   Object
	}{
		{
			name:    "no change when only server defaults differ",
			desired: Object{"host": "example.test"},
			current: Object{"host": "example.test", "port": 80.0, "retries": 5.0, "path": nil, "tags": nil},
		},
		{
			name:    "no change when ints from ansible meet floats from JSON",
			desired: Object{"port": 8080, "connect_timeout": int64(1000)},
			current: Object{"port": 8080.0, "connect_timeout": 1000.0},
		},
		{
			name:    "no change when tags differ only in order and duplicates",
			desired: Object{"tags": []any{"b", "a", "a"}},
			current: Object{"tags": []any{"a", "b"}},
		},
		{
			name:    "no change for an empty list against null",
			desired: Object{"tags": []any{}},
			current: Object{"tags": nil},
		},
		{
			name:        "ordered arrays compare in order",
			desired:     Object{"paths": []any{"/b", "/a"}},
			current:     Object{"paths": []any{"/a", "/b"}},
			wantChanges: []string{"paths"},
			wantPatch:   Object{"paths": []any{"/b", "/a"}},
		},
		{
			name:        "one changed scalar gives one change and a one-key patch",
			desired:     Object{"host": "example.test", "port": 8080},
			current:     Object{"host": "example.test", "port": 80.0},
			wantChanges: []string{"port"},
			wantPatch:   Object{"port": 8080.0},
		},
		{
			name:        "nested records compare key by key and patch only the changed key",
			desired:     Object{"config": Object{"minute": 5, "redis": Object{"host": "r1"}}},
			current:     Object{"config": Object{"minute": 5.0, "hour": nil, "policy": "local", "redis": Object{"host": "r0", "port": 6379.0}}},
			wantChanges: []string{"config.redis.host"},
			wantPatch:   Object{"config": Object{"redis": Object{"host": "r1"}}},
		},
		{
			name:    "a foreign key compares by id",
			desired: Object{"service": Object{"id": "u-1"}},
			current: Object{"service": Object{"id": "u-1"}},
		},
		{
			name:        "maps are compared and sent whole",
			desired:     Object{"headers": Object{"x-a": []any{"1"}}},
			current:     Object{"headers": Object{"x-a": []any{"1"}, "x-b": []any{"2"}}},
			wantChanges: []string{"headers"},
			wantPatch:   Object{"headers": Object{"x-a": []any{"1"}}},
		},
		{
			name:    "map values that are sets ignore order",
			desired: Object{"headers": Object{"x-a": []any{"2", "1"}}},
			current: Object{"headers": Object{"x-a": []any{"1", "2"}}},
		},
		{
			name:        "an explicit null clears a value",
			desired:     Object{"path": nil},
			current:     Object{"path": "/api"},
			wantChanges: []string{"path"},
			wantPatch:   Object{"path": nil},
		},
		{
			name:        "a missing current field counts as null",
			desired:     Object{"tls_verify": false},
			current:     Object{},
			wantChanges: []string{"tls_verify"},
			wantPatch:   Object{"tls_verify": false},
		},
		{
			name:    "false is not null",
			desired: Object{"enabled": false},
			current: Object{"enabled": false},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			changes, patch := Compare(tc.desired, tc.current, shape)
			var fields []string
			for _, c := range changes {
				fields = append(fields, c.Field())
			}
			assert.Equal(t, tc.wantChanges, fields)
			if tc.wantPatch == nil {
				tc.wantPatch = Object{}
			}
			assert.Equal(t, tc.wantPatch, patch)
		})
	}
}

func TestPlanPresent_UpdatePredictsMergedEntity(t *testing.T) {
	t.Parallel()
	current := Object{"id": "1", "host": "a.test", "port": 80.0, "config": Object{"minute": 1.0, "hour": 10.0}}
	plan := PlanPresent(Object{"port": 81, "config": Object{"minute": 2}}, current, nil)
	require.Equal(t, OpUpdate, plan.Op)
	assert.Equal(t, []string{"config.minute", "port"}, plan.ChangedFields())
	assert.Equal(t, Object{"port": 81.0, "config": Object{"minute": 2.0}}, plan.Body)
	assert.Equal(t, Object{"id": "1", "host": "a.test", "port": 81.0, "config": Object{"minute": 2.0, "hour": 10.0}}, plan.After)
	assert.Equal(t, 80.0, current["port"], "planning must not modify what Kong holds")
}

func TestPlanPresent_CreateSendsOnlyWhatTheUserSet(t *testing.T) {
	t.Parallel()
	plan := PlanPresent(Object{"name": "s", "host": "a.test"}, nil, nil)
	assert.Equal(t, OpCreate, plan.Op)
	assert.Equal(t, Object{"name": "s", "host": "a.test"}, plan.Body)
	assert.Equal(t, []string{"host", "name"}, plan.ChangedFields())
}

func TestPlanAbsent(t *testing.T) {
	t.Parallel()
	assert.Equal(t, OpNone, PlanAbsent(nil).Op)
	assert.Equal(t, OpDelete, PlanAbsent(Object{"id": "1"}).Op)
}

func TestProject_KeepsOnlyManagedFields(t *testing.T) {
	t.Parallel()
	entity := Object{"id": "1", "host": "a", "port": 80.0, "config": Object{"minute": 1.0, "hour": 2.0}}
	got := Project(entity, Object{"host": "x", "config": Object{"hour": 3}}, nil)
	assert.Equal(t, Object{"host": "a", "config": Object{"hour": 2.0}}, got)
}

func TestOverlay_UserValuesWinOverDefaultsRecursively(t *testing.T) {
	t.Parallel()
	got := overlay(Object{"port": 80.0, "config": Object{"a": 1.0, "b": 2.0}}, Object{"config": Object{"b": 3.0}})
	assert.Equal(t, Object{"port": 80.0, "config": Object{"a": 1.0, "b": 3.0}}, got)
}

func TestMask(t *testing.T) {
	t.Parallel()
	shape := RecordOf(map[string]*Shape{"config": RecordOf(map[string]*Shape{"vault": {Type: Scalar, Secret: true}})})
	in := Object{"name": "p", "config": Object{
		"vault": "s3cr3t", "redis_password": "pw", "key": "k", "key_names": []any{"apikey"},
		"hide_credentials": true, "client_secret": "cs", "minute": 5.0, "access_token": "t",
	}}
	got := MaskObject(in, shape)
	assert.Equal(t, Object{"name": "p", "config": Object{
		"vault": Masked, "redis_password": Masked, "key": Masked, "key_names": []any{"apikey"},
		"hide_credentials": true, "client_secret": Masked, "minute": 5.0, "access_token": Masked,
	}}, got)
	assert.Equal(t, "s3cr3t", in["config"].(Object)["vault"], "masking must copy")
}

// TestKeyLooksSecret: the one name rule of every secret decision (result
// masking, kong_plugin's config secrets, kong_info's export), credentials
// included.
func TestKeyLooksSecret(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{
		"password": true, "redis_password": true, "client_secret": true, "private_key": true,
		"key": true, "api_key": true, "access_token": true, "credentials": true, "X-Service-Credential": true,
		"key_names": false, "minute": false, "host": false, "keyring": false, "tokens_per_second": false,
	} {
		assert.Equal(t, want, KeyLooksSecret(name), name)
	}
}
