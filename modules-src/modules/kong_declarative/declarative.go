// Package kongdeclarative is the platform.ops.kong_declarative module: a
// whole Kong configuration in decK's format, converged in one task by the
// planner of package declarative over the engine every Kong module shares.
package kongdeclarative

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"platform.ops/modules-src/internal/ansible"
	"platform.ops/modules-src/internal/kong"
	"platform.ops/modules-src/internal/kong/declarative"
)

func run(ctx context.Context, m *ansible.Module) (ansible.Result, error) {
	p := m.Params
	docs, err := load(m)
	if err != nil {
		return nil, err
	}
	st, err := declarative.Parse(docs)
	if err != nil {
		return nil, err
	}
	tags, err := selectTags(p.Strings("select_tags"), st.SelectTags)
	if err != nil {
		return nil, err
	}
	if p.Bool("prune") && len(tags) == 0 && !p.Bool("prune_all") {
		return nil, fmt.Errorf("prune: true without select_tags would delete everything in Kong that this state does not declare: " +
			"give select_tags (in the task or the state's _info.select_tags) to manage only the entities carrying them, " +
			"or set prune_all: true if this state really is the whole Kong configuration")
	}
	if p.Int("parallelism") < 1 {
		return nil, fmt.Errorf("parallelism must be 1 or more, got %d", p.Int("parallelism"))
	}
	if st.Workspace != "" {
		if ws := p.String("workspace"); ws != "" && ws != st.Workspace {
			return nil, fmt.Errorf("the state's _workspace is %q but the task's workspace is %q: give one, or the same in both", st.Workspace, ws)
		}
		p["workspace"] = st.Workspace
	}
	conn, err := kong.Connect(m)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	conn.SetParallelism(p.Int("parallelism"))

	rep, err := declarative.Run(ctx, conn, st, declarative.Options{
		SelectTags:  tags,
		Prune:       p.Bool("prune"),
		Strict:      p.Bool("strict"),
		Parallelism: p.Int("parallelism"),
		CheckMode:   m.CheckMode,
		Diff:        m.Diff,
		Warn:        m.Warn,
	})
	if rep == nil {
		return nil, err
	}
	// The schemas are read: mask what they say is secret, and no more.
	if p.Given("src") {
		m.SetOptionSecrets("src", rep.Secrets)
	} else {
		m.SetOptionSecrets("state", rep.Secrets)
	}
	res := ansible.Result{
		"changed": rep.Changed,
		"summary": rep.Summary,
		"changes": rep.Changes,
	}
	if m.Diff {
		res["diff"] = rep.Diff
	}
	switch {
	case err != nil && m.CheckMode:
		return res, fmt.Errorf("%w (check mode: nothing was written; the real run would fail here)", err)
	case err != nil:
		res["not_written"] = rep.NotWritten
		return res, fmt.Errorf("%w (written before the failure: %d; not written: %d; a rerun finishes the job)", err, len(rep.Changes), len(rep.NotWritten))
	}
	return res, nil
}

// load reads the state documents: the inline state, or the src files
// (YAML, which includes JSON), in the order given.
func load(m *ansible.Module) ([]declarative.Doc, error) {
	if !m.Params.Given("src") {
		return []declarative.Doc{{Name: "state", Content: m.Params.Dict("state")}}, nil
	}
	var docs []declarative.Doc
	var secrets []string
	for _, path := range m.Params.Strings("src") {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("src: cannot read %s: %v", path, err)
		}
		content, err := decode(b)
		if err != nil {
			return nil, fmt.Errorf("src: %s is not a YAML or JSON state: %v", path, err)
		}
		if content == nil {
			content = map[string]any{}
		}
		content, ok := kong.Normalize(any(content)).(map[string]any)
		if !ok {
			return nil, fmt.Errorf("src: %s does not hold an object", path)
		}
		secrets = append(secrets, declarative.SecretsBeforeSchema(content)...)
		docs = append(docs, declarative.Doc{Name: path, Content: content})
	}
	m.SetOptionSecrets("src", secrets)
	return docs, nil
}

// decode reads a state file: JSON directly (several times faster than a
// YAML parser on a large state), anything else as YAML.
func decode(b []byte) (map[string]any, error) {
	var content map[string]any
	if trimmed := bytes.TrimSpace(b); len(trimmed) > 0 && trimmed[0] == '{' {
		if err := json.Unmarshal(trimmed, &content); err == nil {
			return content, nil
		}
	}
	err := yaml.Unmarshal(b, &content)
	return content, err
}

// selectTags merges the task's select_tags with the state's.
func selectTags(task, state []string) ([]string, error) {
	switch {
	case len(task) == 0:
		return state, nil
	case len(state) == 0:
		return task, nil
	}
	a, b := slices.Sorted(slices.Values(task)), slices.Sorted(slices.Values(state))
	if !slices.Equal(slices.Compact(a), slices.Compact(b)) {
		return nil, fmt.Errorf("select_tags %s differ from the state's _info.select_tags %s: give them in one place, or the same in both",
			strings.Join(task, ", "), strings.Join(state, ", "))
	}
	return task, nil
}
