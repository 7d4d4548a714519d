package kong

import (
	"context"
	"net/url"
)

// ConsumerKind is the Kong Consumer (GET /consumers/{username or id}). A
// consumer has two unique names, username (the endpoint key) and
// custom_id (an id from another system, found with
// GET /consumers?custom_id=...).
var ConsumerKind = &Kind{
	Name:       "consumer",
	Collection: "consumers",
	Module:     "platform.ops.kong_consumer",
	KeyField:   "username",
	Filters:    []string{"custom_id"},
	Shape: RecordOf(map[string]*Shape{
		"tags": SetOf(nil),
	}),
}

// ConsumerByCustomID reads the consumer with this custom_id (nil when none).
func (c *Conn) ConsumerByCustomID(ctx context.Context, customID string) (Object, error) {
	page, err := c.Send(ctx, "GET", PathFor("consumers")+"?"+url.Values{"custom_id": {customID}}.Encode(), nil)
	if err != nil {
		return nil, ErrorFromKong(err, "looking up the consumer with custom_id "+customID)
	}
	data, _ := page["data"].([]any)
	if len(data) == 0 {
		return nil, nil
	}
	obj, _ := data[0].(map[string]any)
	return obj, nil
}
