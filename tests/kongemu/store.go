package kongemu

import (
	"sort"
	"strings"
)

// store is the in-memory database: one table per DAO, rows keyed by id.
// Rows hold every schema field (unset ones as nil) and foreign keys as
// {"id": "<uuid>"}. The Server's RWMutex guards it; store itself is not
// safe for concurrent use.
type store struct {
	tables map[string]map[string]map[string]any
}

func newStore() *store {
	return &store{tables: map[string]map[string]map[string]any{}}
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
	return s.tables[dao][strings.ToLower(id)]
}

func (s *store) put(dao string, row map[string]any) {
	s.table(dao)[row["id"].(string)] = row
}

func (s *store) remove(dao, id string) {
	delete(s.tables[dao], id)
}

// find returns the first row whose field equals value.
func (s *store) find(dao, field string, value any) map[string]any {
	for _, row := range s.tables[dao] {
		if v, ok := row[field]; ok && v != nil && jsonEqual(v, value) {
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
		if keep == nil || keep(row) {
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
