package declarative

import (
	"context"
	"net/url"
	"strings"
	"sync"

	"platform.ops/modules-src/internal/kong"
)

// kongMaxTags is how many tags Kong filters a list by (?tags=a,b,...);
// more make it answer 400.
const kongMaxTags = 5

// readAll lists every type's collection once, all types at once: one paged
// GET /{collection}?size=1000 each, filtered by the select tags on the
// server (the first five; Kong refuses more) and by all of them here. A type
// Kong lists only under its parent (targets, under their upstream) is
// listed once per parent read, after the parents.
func readAll(ctx context.Context, c *kong.Conn, types []*Type, tags []string) (map[*Type][]kong.Object, error) {
	out := make(map[*Type][]kong.Object, len(types))
	var mu sync.Mutex
	keep := func(t *Type, list []kong.Object) {
		mu.Lock()
		out[t] = append(out[t], list...)
		mu.Unlock()
	}
	var jobs, nested []func() error
	for _, t := range types {
		if t.List != "" {
			jobs = append(jobs, func() error {
				var q url.Values
				if len(tags) > 0 {
					q = url.Values{"tags": {strings.Join(tags[:min(len(tags), kongMaxTags)], ",")}}
				}
				list, err := c.ListQuery(ctx, kong.PathFor(t.List), q)
				if err != nil {
					return kong.ErrorFromKong(err, "listing "+t.Key+" (GET /"+t.List+")")
				}
				keep(t, withTags(list, tags))
				return nil
			})
			continue
		}
		parent := parentOf(t)
		nested = append(nested, func() error {
			var perParent []func() error
			for _, p := range out[parent] {
				path := kong.PathFor(parent.List, lowerID(p), t.Kind.Collection)
				perParent = append(perParent, func() error {
					list, err := c.List(ctx, path)
					if err != nil {
						return kong.ErrorFromKong(err, "listing "+t.Key+" (GET "+path+")")
					}
					keep(t, filterTags(list, tags))
					return nil
				})
			}
			return runAll(10, perParent)
		})
	}
	if err := runAll(len(jobs), jobs); err != nil {
		return out, err
	}
	return out, runAll(1, nested)
}

// filterTags keeps the entities carrying every tag (of a list Kong did not
// filter).
func filterTags(list []kong.Object, tags []string) []kong.Object {
	if len(tags) == 0 {
		return list
	}
	out := list[:0]
	for _, o := range list {
		if hasTags(o, tags) {
			out = append(out, o)
		}
	}
	return out
}

// withTags keeps the entities carrying every tag (the server filtered by
// five at most).
func withTags(list []kong.Object, tags []string) []kong.Object {
	if len(tags) <= kongMaxTags {
		return list
	}
	return filterTags(list, tags)
}

func hasTags(o kong.Object, tags []string) bool {
	have := map[string]bool{}
	list, _ := o["tags"].([]any)
	for _, t := range list {
		if s, ok := t.(string); ok {
			have[s] = true
		}
	}
	for _, t := range tags {
		if !have[t] {
			return false
		}
	}
	return true
}

// runAll runs jobs, at most n at a time, and returns the first error.
func runAll(n int, jobs []func() error) error {
	if n < 1 {
		n = 1
	}
	sem := make(chan struct{}, n)
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for _, job := range jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := job(); err != nil {
				once.Do(func() { first = err })
			}
		}()
	}
	wg.Wait()
	return first
}
