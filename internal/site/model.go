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
		KindURL:   b.url("/log/kind/" + e.Kind + "/"),
		Date:      e.Date,
		Updated:   e.Updated,
		Summary:   e.Summary,
		Draft:     e.Draft,
	}
	if e.Project != "" {
		v.Project = &render.Link{Label: e.Project, URL: b.url("/projects/" + content.Slugify(e.Project) + "/")}
	}
	for _, t := range e.Tags {
		v.Tags = append(v.Tags, render.Link{Label: t, URL: b.url("/tags/" + content.Slugify(t) + "/")})
	}
	return v
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
	counts := map[string]int{}
	for _, e := range entries {
		counts[e.Kind]++
	}
	var links []render.Link
	for _, k := range content.Kinds {
		if counts[k] > 0 {
			links = append(links, render.Link{Label: kindLabels[k], URL: base(k), Count: counts[k]})
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

// related picks up to n entries that share the most with e: a point for
// each shared tag, two for the project (it is both one of e's terms and
// a bonus), then the newest first. It looks only at the nearest entries
// in time within each of e's terms, so its cost does not grow with the
// square of the log.
func related(e *content.Entry, pos map[*content.Entry]map[*content.Term]int, terms []*content.Term, n int) []*content.Entry {
	const window = 40
	score := map[*content.Entry]int{}
	for _, t := range terms {
		i := pos[e][t]
		lo, hi := max(0, i-window), min(len(t.Entries), i+window+1)
		for _, o := range t.Entries[lo:hi] {
			if o != e {
				score[o]++
			}
		}
	}
	if e.Project != "" {
		for o := range score {
			if o.Project == e.Project {
				score[o]++
			}
		}
	}
	cands := make([]*content.Entry, 0, len(score))
	for o := range score {
		cands = append(cands, o)
	}
	slices.SortFunc(cands, func(a, c *content.Entry) int {
		return cmp.Or(cmp.Compare(score[c], score[a]), c.Date.Compare(a.Date), cmp.Compare(a.Path, c.Path))
	})
	return cands[:min(n, len(cands))]
}
