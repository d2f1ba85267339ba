package site

// A log of 100,000 entries holds about 800 MB of Markdown and 2 GB of
// rendered HTML, more than a build should keep in memory (the budget is
// 1 GiB). So the loader keeps only the first keepSources bytes of bodies
// (content.Options.KeepBodies; renderEntry reads the rest again), and a
// CLI build keeps only the first keepRendered bytes of rendered bodies:
// the rest are in the cache of rendered entries anyway, and are read
// back, one page at a time, by whatever shows them. Smaller logs stay
// entirely in memory, as before.

import (
	"cmp"
	"fmt"
	"html/template"

	"github.com/shiplog/shiplog/internal/content"
	"github.com/shiplog/shiplog/internal/render"
)

const (
	keepSources  = 128 << 20
	keepRendered = 192 << 20
)

// budgets returns the bytes of sources and of rendered bodies a build
// keeps in memory (tests make them small).
func (o Options) budgets() (sources, rendered int64) {
	return cmp.Or(o.keepSources, keepSources), cmp.Or(o.keepRendered, keepRendered)
}

// bodyOf returns e's rendered body.
func (b *builder) bodyOf(e *content.Entry) template.HTML {
	k, ok := b.spilled[e]
	if !ok {
		return b.views[e].Body
	}
	data, ok := b.cache.Reread(k)
	if !ok {
		panic(fmt.Sprintf("%s: its rendered body is gone from the cache in %s; build again", e.Path, b.cache.Dir()))
	}
	res, _, err := decodeRendered(data)
	if err != nil {
		panic(fmt.Sprintf("%s: its rendered body in the cache in %s is damaged (%v); build again", e.Path, b.cache.Dir(), err))
	}
	return template.HTML(res.HTML)
}

// full returns e's view with its body: b.views[e] itself, or a copy
// with the body read back from the cache.
func (b *builder) full(e *content.Entry) *render.Entry {
	v := b.views[e]
	if _, ok := b.spilled[e]; !ok {
		return v
	}
	c := *v
	c.Body = b.bodyOf(e)
	return &c
}
