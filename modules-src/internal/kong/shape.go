package kong

// FieldType says how the engine compares the values of one field.
type FieldType int

const (
	// Scalar values (strings, numbers, booleans) compare by value; numbers
	// compare numerically whatever their Go type.
	Scalar FieldType = iota
	// Record is a nested object with known fields (plugin config, a foreign
	// key such as {"id": ...}): compared key by key, only for the keys the
	// user set, and PATCHed with only the keys that differ (Kong merges
	// records).
	Record
	// Set is an array whose order carries no meaning (tags, methods, ...):
	// compared sorted and de-duplicated, as Kong stores sets.
	Set
	// Array is an ordered array (hosts, paths): compared element by element.
	Array
	// Map is an object with free keys (route headers): compared whole, and
	// sent whole, because Kong replaces maps on PATCH.
	Map
)

// Shape is the comparison schema of a value. A nil *Shape means "unknown":
// objects then compare like records and arrays like ordered arrays, which
// never reports a change for a key the user did not set.
type Shape struct {
	Type     FieldType
	Fields   map[string]*Shape // Record
	Elements *Shape            // Set, Array
	Values   *Shape            // Map
	// Secret marks a value that is masked in diffs and returned entities.
	Secret bool
	// Canon, when set, rewrites a value before it is compared, so that
	// values Kong treats as the same compare equal: a PEM with other line
	// endings or surrounding whitespace (PEMCanon), a JWK whose JSON has
	// its keys in another order (JSONCanon). Only the comparison uses it:
	// what is sent, predicted and shown is the value as given.
	Canon func(any) any
	// Sorted: Kong stores this set sorted (a certificate's snis, sorted by
	// its DAO), so the task's values are sorted too before they are sent,
	// predicted or shown (see dedupeSets).
	Sorted bool
}

// Field returns the shape of a record's field (nil when unknown).
func (s *Shape) Field(name string) *Shape {
	if s == nil || s.Fields == nil {
		return nil
	}
	return s.Fields[name]
}

// RecordOf is shorthand for a record shape.
func RecordOf(fields map[string]*Shape) *Shape { return &Shape{Type: Record, Fields: fields} }

// SetOf is shorthand for a set of scalars (or of elem).
func SetOf(elem *Shape) *Shape { return &Shape{Type: Set, Elements: elem} }

// ArrayOf is shorthand for an ordered array.
func ArrayOf(elem *Shape) *Shape { return &Shape{Type: Array, Elements: elem} }

// ForeignKey is the shape of a reference such as a route's "service":
// Kong returns {"id": "..."} and the engine compares the id.
var ForeignKey = RecordOf(map[string]*Shape{"id": nil})

func asMap(v any) map[string]any { m, _ := v.(map[string]any); return m }
