package kong

// RouteKind is the Kong Route (GET /routes/{name or id}). Sets compare
// without order; hosts and paths are arrays in Kong's schema but their order
// does not change routing, so they compare as sets too; headers is a map of
// header name to values, replaced whole.
var RouteKind = &Kind{
	Name:       "route",
	Collection: "routes",
	Module:     "platform.ops.kong_route",
	KeyField:   "name",
	Shape: RecordOf(map[string]*Shape{
		"service":      ForeignKey,
		"protocols":    SetOf(nil),
		"methods":      SetOf(nil),
		"hosts":        SetOf(nil),
		"paths":        SetOf(nil),
		"snis":         SetOf(nil),
		"sources":      SetOf(nil),
		"destinations": SetOf(nil),
		"tags":         SetOf(nil),
		"headers":      {Type: Map, Values: SetOf(nil)},
	}),
}
