package site

import (
	"cmp"
	"net/url"
	"slices"
	"strings"

	"github.com/shiplog/shiplog/internal/content"
	"github.com/shiplog/shiplog/internal/render"
)

var kindLabels = map[string]string{"broke": "Broke", "built": "Built", "decision": "Decision", "note": "Note"}

func (b *builder) entryView(e *content.Entry) *render.Entry {
	v := &render.Entry{
		URL:       b.url(e.URL()),
		Slug:      e.Slug,
		Title:     e.Title,
		Kind:      e.Kind,
		KindLabel: kindLabels[e.Kind],
		KindURL:   b.termURL("/log/kind/", e.Kind), // kinds are slugs already
		Date:      e.Date,
		Updated:   e.Updated,
		Summary:   e.Summary,
		Draft:     e.Draft,
	}
	if e.Project != "" {
		v.Project = &render.Link{Label: e.Project, URL: b.termURL("/projects/", e.Project)}
	}
	if len(e.Tags) > 0 {
		v.Tags = make([]render.Link, len(e.Tags))
		for i, t := range e.Tags {
			v.Tags[i] = render.Link{Label: t, URL: b.termURL("/tags/", t)}
		}
	}
	// An entry's row is in its tags' and project's pages, the archive and
	// the related lists of its neighbours: eight or more times in all.
	// Rendered once here it cost a tenth of them; a template that fails
	// leaves Row empty, and the row rendered in place reports it with its
	// place. Above maxKeptRows entries the rows (about 40 MB at 100,000)
	// are not kept.
	if b.tpl != nil && len(b.log.Entries) <= maxKeptRows {
		if row, err := b.tpl.Partial("entry-row", v); err == nil {
			v.Row = row
		}
	}
	return v
}

// maxKeptRows is the largest log whose entries' rows are rendered once
// and kept (entryView).
const maxKeptRows = 30000

// termURL returns the URL of the page of the tag or project name under
// prefix. Every entry links its terms, and a log has few: each URL is
// made once and shared (at 100,000 entries the copies were 17 MB).
func (b *builder) termURL(prefix, name string) string {
	k := [2]string{prefix, name}
	b.termMu.RLock()
	u, ok := b.termURLs[k]
	b.termMu.RUnlock()
	if ok {
		return u
	}
	u = b.url(prefix + content.Slugify(name) + "/")
	b.termMu.Lock()
	if b.termURLs == nil {
		b.termURLs = map[[2]string]string{}
	}
	b.termURLs[k] = u
	b.termMu.Unlock()
	return u
}

// siteView is the part every page shares.
func (b *builder) siteView(cssURL, favicon string) *render.Site {
	s := &render.Site{
		Title:   b.cfg.Title,
		Author:  b.cfg.Author,
		Tagline: b.cfg.Tagline,
		Intro:   b.cfg.Intro,
		HomeURL: b.cfg.HomeURL,
		Lang:    b.cfg.Language,
		Root:    b.siteRoot(),
		CSS:     cssURL,
		Favicon: favicon,
		Serve:   b.opts.Serve,
		Feeds:   b.feedLinks("/", b.cfg.Title),
	}
	if u, err := url.Parse(b.cfg.HomeURL); err == nil && u.Host != "" {
		s.HomeHost = strings.TrimPrefix(u.Host, "www.") + strings.TrimSuffix(u.Path, "/")
	} else {
		s.HomeHost = "Home"
	}
	s.Ticker = b.ticker
	return s
}

func (b *builder) page(title, description, p, section string) render.Page {
	pg := render.Page{
		Site:        b.site,
		Title:       title,
		Description: description,
		Path:        b.url(p),
		Canonical:   b.cfg.AbsURL(p), // AbsURL adds base_url's path itself
		Section:     section,
	}
	b.describe(&pg, p)
	return pg
}

// viewsOf returns the views of entries, in order.
func (b *builder) viewsOf(entries []*content.Entry) []*render.Entry {
	out := make([]*render.Entry, len(entries))
	for i, e := range entries {
		out[i] = b.views[e]
	}
	return out
}

// kindLinks counts entries per kind, in the order of content.Kinds,
// leaving out kinds with no entries.
func (b *builder) kindLinks(entries []*content.Entry, base func(kind string) string) []render.Link {
	counts := make([]int, len(content.Kinds)) // an array, not a map: the dev server counts 10,000 entries on a save
	for _, e := range entries {
		if i := slices.Index(content.Kinds, e.Kind); i >= 0 {
			counts[i]++
		}
	}
	var links []render.Link
	for i, k := range content.Kinds {
		if counts[i] > 0 {
			links = append(links, render.Link{Label: kindLabels[k], URL: base(k), Count: counts[i]})
		}
	}
	return links
}

// termLinks returns terms as links, most used first.
func (b *builder) termLinks(terms []*content.Term, prefix string) []render.Link {
	links := make([]render.Link, len(terms))
	for i, t := range terms {
		links[i] = render.Link{Label: t.Name, URL: b.url(prefix + t.Slug + "/"), Count: len(t.Entries)}
	}
	slices.SortStableFunc(links, func(a, b render.Link) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(strings.ToLower(a.Label), strings.ToLower(b.Label)))
	})
	return links
}

// relatedIndex finds related entries: for each entry, up to n entries
// that share the most with it: a point for each shared tag, two for the
// project (it is both one of its terms and a bonus), then the newest
// first. It looks only at the nearest entries in time within each of the
// entry's terms, so its cost does not grow with the square of the log,
// and it counts in arrays and keeps the best n in one pass, so a log of
// 100,000 entries costs a fraction of a second. Not safe for concurrent
// use.
type relatedIndex struct {
	entries []*content.Entry
	terms   [][]int32    // per term, its entries' numbers, newest first
	member  [][][2]int32 // per entry, its terms and its place in each
	score   []int32      // scratch, per entry
	seen    []int32      // scratch: the call that last scored each entry
	cands   []int32      // scratch: the entries a call scored
	call    int32
	ids     map[*content.Entry]int32
}

func newRelatedIndex(entries []*content.Entry, groups ...[]*content.Term) *relatedIndex {
	x := &relatedIndex{
		entries: entries,
		member:  make([][][2]int32, len(entries)),
		score:   make([]int32, len(entries)),
		seen:    make([]int32, len(entries)),
		ids:     make(map[*content.Entry]int32, len(entries)),
	}
	for i, e := range entries {
		x.ids[e] = int32(i)
	}
	for _, g := range groups {
		for _, t := range g {
			ti := int32(len(x.terms))
			ids := make([]int32, 0, len(t.Entries))
			for p, e := range t.Entries {
				id, ok := x.ids[e]
				if !ok {
					continue
				}
				ids = append(ids, id)
				x.member[id] = append(x.member[id], [2]int32{ti, int32(p)})
			}
			x.terms = append(x.terms, ids)
		}
	}
	return x
}

// related returns up to n entries related to e, best first.
func (x *relatedIndex) related(e *content.Entry, n int) []*content.Entry {
	const window = 40
	self, ok := x.ids[e]
	if !ok || n <= 0 {
		return nil
	}
	x.call++
	cands := x.cands[:0]
	defer func() { x.cands = cands }()
	for _, m := range x.member[self] {
		t, i := x.terms[m[0]], int(m[1])
		for _, o := range t[max(0, i-window):min(len(t), i+window+1)] {
			if o == self {
				continue
			}
			if x.seen[o] != x.call {
				x.seen[o], x.score[o] = x.call, 0
				cands = append(cands, o)
			}
			x.score[o]++
		}
	}
	if e.Project != "" {
		for _, o := range cands {
			if x.entries[o].Project == e.Project {
				x.score[o]++
			}
		}
	}
	better := func(a, c int32) bool {
		ea, ec := x.entries[a], x.entries[c]
		return cmp.Or(cmp.Compare(x.score[c], x.score[a]), ec.Date.Compare(ea.Date), cmp.Compare(ea.Path, ec.Path)) < 0
	}
	best := make([]int32, 0, n+1)
	for _, c := range cands {
		if len(best) == n && !better(c, best[n-1]) {
			continue
		}
		i := len(best)
		for i > 0 && better(c, best[i-1]) {
			i--
		}
		best = slices.Insert(best, i, c)
		if len(best) > n {
			best = best[:n]
		}
	}
	out := make([]*content.Entry, len(best))
	for i, c := range best {
		out[i] = x.entries[c]
	}
	return out
}
