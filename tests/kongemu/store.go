package kongemu

import (
	"sort"
	"strings"
	"time"
)

// store is the in-memory database: one table per DAO, rows keyed by id.
// Rows hold every schema field (unset ones as nil) and foreign keys as
// {"id": "<uuid>"}. The Server's RWMutex guards it; store itself is not
// safe for concurrent use.
type store struct {
	tables  map[string]map[string]map[string]any
	expires map[string]time.Time // dao + "/" + id → expiry of rows written with a ttl
}

func newStore() *store {
	return &store{tables: map[string]map[string]map[string]any{}, expires: map[string]time.Time{}}
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
	s.table(dao)[row["id"].(string)] = row
}

func (s *store) remove(dao, id string) {
	delete(s.tables[dao], id)
	delete(s.expires, dao+"/"+id)
}

// find returns the first row whose field equals value.
func (s *store) find(dao, field string, value any) map[string]any {
	for _, row := range s.tables[dao] {
		if v, ok := row[field]; ok && v != nil && jsonEqual(v, value) && s.alive(dao, row) {
			return row
		}
	}
	return nil
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
