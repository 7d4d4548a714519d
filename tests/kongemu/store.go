package kongemu

import (
	"encoding/json"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// store is the in-memory database: one table per DAO, rows keyed by id.
// Rows hold every schema field (unset ones as nil) and foreign keys as
// {"id": "<uuid>"}. The Server's RWMutex guards it; store itself is not
// safe for concurrent use.
type store struct {
	tables  map[string]map[string]map[string]any
	expires map[string]time.Time // dao + "/" + id → expiry of rows written with a ttl
	// indexes find rows by the values of some fields (an endpoint key, a
	// unique field, a foreign key, a cache key) without scanning the
	// table: a lookup per write would make bulk loads (kong_declarative's
	// and decK's benchmarks, 10,000 entities) quadratic. Built on first
	// use, kept up to date by put and remove, the only writers of rows.
	indexes map[string][]*index // by dao
	// indexMu guards indexes: an index is built on first use, which may be
	// a read that runs under the Server's read lock next to other reads.
	indexMu sync.Mutex
}

// index maps the values of fields (one field, or a cache key's tuple) to
// the ids of the rows that hold them.
type index struct {
	fields []string
	ids    map[string]map[string]struct{} // value key → ids
	keyOf  map[string]string              // id → value key
}

func newStore() *store {
	return &store{tables: map[string]map[string]map[string]any{}, expires: map[string]time.Time{}, indexes: map[string][]*index{}}
}

// valueKey renders a field value so that values jsonEqual finds equal get
// the same key (numbers by value, objects by their JSON); false for null,
// which no lookup matches.
func valueKey(v any) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "", false
	case string:
		return "s" + x, true
	case bool:
		return "b" + strconv.FormatBool(x), true
	}
	if n, ok := toFloat(v); ok {
		return "n" + strconv.FormatFloat(n, 'g', -1, 64), true
	}
	if m, ok := v.(map[string]any); ok && len(m) == 1 {
		if id, ok := m["id"].(string); ok {
			return "f" + strings.ToLower(id), true // a foreign key: ids compare as UUIDs
		}
	}
	b, _ := json.Marshal(v)
	return "j" + string(b), true
}

// tupleKey is the key of a row's values of fields; false when a single
// field is null.
func tupleKey(row map[string]any, fields []string) (string, bool) {
	if len(fields) == 1 {
		return valueKey(row[fields[0]])
	}
	parts := make([]string, len(fields))
	for i, f := range fields {
		k, ok := valueKey(row[f])
		if !ok {
			k = "z"
		}
		parts[i] = k
	}
	return strings.Join(parts, "\x00"), true
}

// indexOf returns the index of dao over fields, building it on first use.
func (s *store) indexOf(dao string, fields ...string) *index {
	s.indexMu.Lock()
	defer s.indexMu.Unlock()
	for _, ix := range s.indexes[dao] {
		if slices.Equal(ix.fields, fields) {
			return ix
		}
	}
	ix := &index{fields: fields, ids: map[string]map[string]struct{}{}, keyOf: map[string]string{}}
	for id, row := range s.tables[dao] {
		ix.add(id, row)
	}
	s.indexes[dao] = append(s.indexes[dao], ix)
	return ix
}

func (ix *index) add(id string, row map[string]any) {
	k, ok := tupleKey(row, ix.fields)
	if !ok {
		return
	}
	if ix.ids[k] == nil {
		ix.ids[k] = map[string]struct{}{}
	}
	ix.ids[k][id] = struct{}{}
	ix.keyOf[id] = k
}

func (ix *index) drop(id string) {
	if k, ok := ix.keyOf[id]; ok {
		delete(ix.ids[k], id)
		if len(ix.ids[k]) == 0 {
			delete(ix.ids, k)
		}
		delete(ix.keyOf, id)
	}
}

func (s *store) setExpiry(dao, id string, at time.Time) { s.expires[dao+"/"+id] = at }

func (s *store) expiry(dao, id string) (time.Time, bool) {
	t, ok := s.expires[dao+"/"+id]
	return t, ok
}

// alive hides rows whose ttl ran out (Kong filters them in its queries).
func (s *store) alive(dao string, row map[string]any) bool {
	if len(s.expires) == 0 {
		return true
	}
	t, ok := s.expires[dao+"/"+row["id"].(string)]
	return !ok || time.Now().Before(t)
}

func (s *store) table(dao string) map[string]map[string]any {
	t, ok := s.tables[dao]
	if !ok {
		t = map[string]map[string]any{}
		s.tables[dao] = t
	}
	return t
}

func (s *store) get(dao, id string) map[string]any {
	row := s.tables[dao][strings.ToLower(id)]
	if row == nil || !s.alive(dao, row) {
		return nil
	}
	return row
}

func (s *store) put(dao string, row map[string]any) {
	id := row["id"].(string)
	s.table(dao)[id] = row
	for _, ix := range s.indexes[dao] {
		ix.drop(id)
		ix.add(id, row)
	}
}

func (s *store) remove(dao, id string) {
	delete(s.tables[dao], id)
	delete(s.expires, dao+"/"+id)
	for _, ix := range s.indexes[dao] {
		ix.drop(id)
	}
}

// find returns the row whose field equals value (the one with the lowest
// id, should there be several).
func (s *store) find(dao, field string, value any) map[string]any {
	rows := s.where(dao, []string{field}, map[string]any{field: value})
	if len(rows) == 0 {
		return nil
	}
	return rows[0]
}

// where returns the rows whose fields hold the values row holds in them,
// ordered by id; none when a single field's value is null.
func (s *store) where(dao string, fields []string, row map[string]any) []map[string]any {
	k, ok := tupleKey(row, fields)
	if !ok {
		return nil
	}
	ids := s.indexOf(dao, fields...).ids[k]
	out := make([]map[string]any, 0, len(ids))
	for id := range ids {
		if r := s.tables[dao][id]; r != nil && s.alive(dao, r) {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i]["id"].(string) < out[j]["id"].(string) })
	return out
}

// children returns the rows of dao whose foreign field refers to id.
func (s *store) children(dao, field, id string) []map[string]any {
	return s.where(dao, []string{field}, map[string]any{field: map[string]any{"id": strings.ToLower(id)}})
}

// sorted returns the rows ordered by id, as Postgres pages them (ORDER BY id).
func (s *store) sorted(dao string, keep func(map[string]any) bool) []map[string]any {
	t := s.tables[dao]
	out := make([]map[string]any, 0, len(t))
	for _, row := range t {
		if (keep == nil || keep(row)) && s.alive(dao, row) {
			out = append(out, row)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i]["id"].(string) < out[j]["id"].(string) })
	return out
}

func foreignID(v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		return ""
	}
	id, _ := m["id"].(string)
	return strings.ToLower(id)
}
