package konginfo

import (
	"context"
	"fmt"
	"strings"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong"
	"platform.ops/modules-src/internal/kong/declarative"
)

// exportDeck is format=deck: Kong as a decK state (declarative.Export),
// which kong_declarative and deck sync apply to another Kong.
func exportDeck(ctx context.Context, m *ansible.Module, conn *kong.Conn) (ansible.Result, error) {
	p := m.Params
	if p.Bool("drop_defaults") {
		return nil, fmt.Errorf("drop_defaults applies to format: modules; format: deck writes every field as deck dump does (kong_declarative's strict mode fills Kong's defaults back in anyway)")
	}
	state, omitted, warnings, err := declarative.Export(ctx, conn, declarative.ExportOptions{
		SelectTags:     p.Strings("select_tags"),
		Service:        p.String("service"),
		Consumers:      p.Strings("consumers"),
		IncludeSecrets: p.Bool("include_secrets"),
		Parallelism:    10,
	})
	if err != nil {
		return nil, err
	}
	for _, w := range warnings {
		m.Warn(w)
	}
	if len(omitted) > 0 {
		m.Warn(fmt.Sprintf("%d secret value(s) were left out of the export (%s); set include_secrets: true (with no_log: true) to export them",
			len(omitted), strings.Join(omitted, ", ")))
	}
	return ansible.Result{"changed": false, "state": state, "omitted_secrets": ansible.NonNilStrings(omitted)}, nil
}
