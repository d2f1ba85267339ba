package site

// Feeds, the sitemap, robots.txt, and what pages say about themselves to
// feed readers, crawlers and link previews. What gets written:
//
//	/atom.xml /rss.xml /feed.json             the whole log, the newest feedLimit entries
//	/tags/<slug>/atom.xml, rss.xml, feed.json one tag
//	/projects/<slug>/…                        one project
//	/lessons/…                                the lessons, one item per lesson
//	/sitemap.xml (an index over sitemap-N.xml past 50,000 URLs), when base_url is set
//	/robots.txt, unless static/ has one
//
// Drafts are in none of them, even in the dev server.

import (
	"cmp"
	"crypto/sha256"
	"fmt"
	"html/template"
	"net/url"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/shiplog/shiplog/internal/content"
	"github.com/shiplog/shiplog/internal/diag"
	"github.com/shiplog/shiplog/internal/feed"
	"github.com/shiplog/shiplog/internal/render"
	"github.com/shiplog/shiplog/internal/sitemap"
)

// feedLimit is the number of newest entries in each feed. A reader that
// polls less often than feedLimit entries are published misses some; 20
// is weeks of a busy log. Every feed carries full content in three
// formats, so the limit is what keeps a log with many tags from
// publishing more feed than site (see docs/feeds.md for measurements).
const feedLimit = 20

// feedFormats are the formats every feed is written in, in the order
// pages offer them.
var feedFormats = []struct {
	file, format, mime string
	write              func([]byte, *feed.Feed, string) []byte
}{
	{"atom.xml", "Atom", "application/atom+xml", feed.AppendAtom},
	{"rss.xml", "RSS", "application/rss+xml", feed.AppendRSS},
	{"feed.json", "JSON Feed", "application/feed+json", feed.AppendJSON},
}

// feedJobs returns the jobs that write every feed, the sitemap and
// robots.txt. queued are the jobs queued so far: the sitemap lists their
// pages, and a file static/ already provides is not written again.
func (b *builder) feedJobs(queued []job) ([]job, error) {
	if b.only != nil {
		// A narrowed build (incremental.go): no id changed.
	} else if err := checkFeedIDs(b.log.Entries); err != nil {
		return nil, err
	}
	var jobs []job
	items := feedItems{}
	queue := func(group string, t int) {
		s := b.feedOf(group, t)
		for ff := range feedFormats {
			j := b.feedJob(s, ff, items)
			b.remake(j.out, func(b *builder) job { return b.feedJob(b.feedOf(group, t), ff, feedItems{}) })
			b.dependsOn(j.out, s.of, nil)
			jobs = append(jobs, j)
		}
	}
	queue("/", 0)
	for _, g := range []struct {
		prefix string
		terms  []*content.Term
	}{{"/tags/", b.log.Tags}, {"/projects/", b.log.Projects}} {
		for t := range g.terms {
			queue(g.prefix, t)
		}
	}
	queue("/lessons/", 0)

	taken := map[string]bool{}
	for _, j := range queued {
		taken[j.out] = true
	}
	if names := b.lastGroup("sitemap"); names != nil {
		for _, name := range names { // a narrowed build keeps the last build's (incremental.go)
			jobs = append(jobs, job{out: name, by: "the sitemap"})
		}
	} else if b.absolute() && !taken[sitemap.Name] {
		entries := slices.DeleteFunc(slices.Clone(b.log.Entries), func(e *content.Entry) bool { return e.Draft })
		for _, f := range sitemap.Write(b.sitemapURLs(queued, entries), b.cfg.AbsURL("/"), sitemap.Options{Location: b.cfg.Location, MaxURLs: b.opts.sitemapMaxURLs}) {
			jobs = append(jobs, job{out: f.Name, by: "the sitemap", run: func() ([]byte, error) { return f.Data, nil }})
			b.remember("sitemap", f.Name)
		}
	}
	if !taken["robots.txt"] {
		sm := ""
		if b.absolute() {
			sm = b.cfg.AbsURL("/" + sitemap.Name)
		}
		jobs = append(jobs, job{out: "robots.txt", by: "robots.txt", run: func() ([]byte, error) { return sitemap.Robots(sm), nil }})
		b.shapeOnly("robots.txt")
	}
	return jobs, nil
}

// feedSpec is one feed: where it is, its title and subtitle, and the
// entries it carries, as items (lessons false) or their lessons.
type feedSpec struct {
	path, title, subtitle string
	of                    []*content.Entry
	lessons               bool
}

// feedOf returns the feed of group: "/" (the whole log), "/tags/" or
// "/projects/" (of the term numbered t), or "/lessons/".
func (b *builder) feedOf(group string, t int) feedSpec {
	published := func(e *content.Entry) bool { return !e.Draft }
	switch group {
	case "/":
		return feedSpec{path: "/", title: b.cfg.Title, subtitle: b.cfg.Tagline, of: newest(b.log.Entries, published)}
	case "/lessons/":
		title, _ := b.feedSubject("/lessons/", "Lessons")
		return feedSpec{path: "/lessons/", title: title, subtitle: "Every lesson this log taught, linked to its entry.", lessons: true,
			of: newest(b.log.Entries, func(e *content.Entry) bool { return !e.Draft && b.views[e].Lesson != "" })}
	}
	terms := b.log.Tags
	if group == "/projects/" {
		terms = b.log.Projects
	}
	term := terms[t]
	title, _ := b.feedSubject(group+term.Slug+"/", termHeading(group, term.Name))
	return feedSpec{path: group + term.Slug + "/", title: title, of: newest(term.Entries, published)}
}

// newest returns the first feedLimit entries of list that keep keeps.
func newest(list []*content.Entry, keep func(*content.Entry) bool) []*content.Entry {
	var of []*content.Entry
	for _, e := range list {
		if len(of) == feedLimit {
			break
		}
		if keep(e) {
			of = append(of, e)
		}
	}
	return of
}

// feedItems makes each entry's item once, when a feed first needs it,
// and shares it between every feed and format it appears in. Only
// entries a feed shows get one: a big log's feeds show a small part of
// it. It is filled while jobs are planned, and read while they run.
type feedItems map[feedItemKey]func() feed.Item

type feedItemKey struct {
	e       *content.Entry
	lessons bool
}

func (items feedItems) of(b *builder, e *content.Entry, lessons bool) func() feed.Item {
	k := feedItemKey{e, lessons}
	if items[k] == nil {
		v := b.views[e]
		memo, mk := "feed item", b.feedItem
		if lessons {
			memo, mk = "lesson item", b.lessonItem
		}
		items[k] = sync.OnceValue(func() feed.Item { return memoFor(b, memo, v, func() feed.Item { return mk(e) }) })
	}
	return items[k]
}

// feedJob is the job of the feed s in the format feedFormats[ff].
func (b *builder) feedJob(s feedSpec, ff int, items feedItems) job {
	f := feedFormats[ff]
	item := make([]func() feed.Item, len(s.of))
	for i, e := range s.of {
		item[i] = items.of(b, e, s.lessons)
	}
	return job{out: strings.TrimPrefix(s.path, "/") + f.file, by: "the " + f.format + " feed", pooled: true, run: func() ([]byte, error) {
		fd := b.newFeed(s.title, s.subtitle, s.path)
		for _, it := range item {
			fd.Items = append(fd.Items, it())
		}
		return f.write(getPageBuf().Bytes(), fd, b.cfg.AbsURL(s.path+f.file)), nil
	}, fp: b.pageFP(f.file, s.path+"\x00"+s.title+"\x00"+s.subtitle, s.of...)}
}

func withoutDrafts(entries []*content.Entry) []*content.Entry {
	return slices.DeleteFunc(slices.Clone(entries), func(e *content.Entry) bool { return e.Draft })
}

func termHeading(prefix, name string) string {
	if prefix == "/tags/" {
		return "#" + name
	}
	return name
}

// newFeed returns an empty feed about the page at sitePath.
func (b *builder) newFeed(title, subtitle, sitePath string) *feed.Feed {
	f := &feed.Feed{
		Title:    title,
		Subtitle: subtitle,
		// The feed's own id is the URL of the page it follows; readers know
		// a feed by its address anyway. Entry ids never depend on it.
		ID:       b.cfg.AbsURL(sitePath),
		Link:     b.cfg.AbsURL(sitePath),
		Language: b.cfg.Language,
		Author:   b.cfg.Author,
		Location: b.cfg.Location,
	}
	if u, err := url.Parse(b.cfg.HomeURL); err == nil && u.IsAbs() {
		f.AuthorURL = b.cfg.HomeURL
	}
	return f
}

// feedItem is an entry as feeds carry it: the hero, the body and the
// lesson, as on its page, with links made absolute.
func (b *builder) feedItem(e *content.Entry) feed.Item {
	v := b.full(e)
	var h strings.Builder
	if hero := v.Hero; hero != nil {
		fmt.Fprintf(&h, `<figure><img src="%s" alt="%s"`, template.HTMLEscapeString(hero.URL), template.HTMLEscapeString(hero.Alt))
		if hero.Width > 0 {
			fmt.Fprintf(&h, ` width="%d" height="%d"`, hero.Width, hero.Height)
		}
		h.WriteString(">")
		if hero.Caption != "" {
			fmt.Fprintf(&h, "<figcaption>%s</figcaption>", template.HTMLEscapeString(hero.Caption))
		}
		h.WriteString("</figure>\n")
	}
	h.WriteString(string(v.Body))
	if v.Lesson != "" {
		fmt.Fprintf(&h, "\n<p><strong>What this reinforced:</strong> %s</p>\n", v.Lesson)
	}
	it := feed.Item{
		ID:          feedID(e),
		Title:       e.Title,
		URL:         b.cfg.AbsURL(e.URL()),
		Published:   e.Date,
		Updated:     e.Updated,
		Summary:     cmp.Or(e.Summary, v.LessonText),
		ContentHTML: strings.TrimSpace(h.String()),
		Author:      b.cfg.Author,
		Tags:        e.Tags,
	}
	if v.Hero != nil {
		it.Image = b.absURL(v.Hero.URL)
	}
	return it.Prepare()
}

// lessonItem is an entry's lesson as an item of the lessons feed. Its id
// is the entry's with "#lesson" added, so it is as stable and never the
// same as the entry's own.
func (b *builder) lessonItem(e *content.Entry) feed.Item {
	v := b.views[e]
	return feed.Item{
		ID:          feedID(e) + "#lesson",
		Title:       e.Title,
		URL:         b.cfg.AbsURL(e.URL()),
		Published:   e.Date,
		Updated:     e.Updated,
		Summary:     v.LessonText,
		ContentHTML: "<p>" + string(v.Lesson) + "</p>",
		Author:      b.cfg.Author,
		Tags:        e.Tags,
	}.Prepare()
}

// feedID is an entry's identity in feeds: its front-matter id (as
// feed.ID writes it), or for an entry without one, fallbackID.
func feedID(e *content.Entry) string {
	if e.ID != "" {
		return feed.ID(e.ID)
	}
	return fallbackID(e.Path)
}

// fallbackID is the feed id of an entry with no id: a urn:uuid derived
// from the entry's path in the log. It is exactly the id the missing-id
// warning proposes (content.suggestID), so adding the proposed line does
// not change the id readers have seen. It depends on neither base_url nor
// the title, but renaming or moving the file changes it, which is why a
// missing id is a warning.
func fallbackID(p string) string {
	sum := sha256.Sum256([]byte("shiplog-id:" + p))
	u := sum[:16]
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// checkFeedIDs fails when two entries would have the same feed id.
// Front-matter ids are already unique as written (package content checks
// that); this catches the rest: an id that is another entry's fallback,
// or two spellings that feed.ID maps to one urn:uuid.
func checkFeedIDs(entries []*content.Entry) error {
	var problems diag.List
	seen := map[string]*content.Entry{}
	for _, e := range entries {
		id := feedID(e)
		if prev, ok := seen[id]; ok {
			line, col := e.KeyPos("id")
			problems.Add(diag.Errorf(e.Path, line, col, "give one of them another id; `shiplog new` mints one",
				"feed id %s is also the feed id of %s", id, prev.Path))
			continue
		}
		seen[id] = e
	}
	if len(problems) > 0 {
		return &diag.ListError{List: problems}
	}
	return nil
}

// sitemapURLs lists the pages among jobs, leaving out the 404 page,
// alias redirects, static files and drafts. An entry's lastmod is when it
// was last updated; a tag's or project's page, its newest entry's; every
// other page lists entries that shift when any entry is added, so its
// lastmod is the newest entry's of the whole log.
func (b *builder) sitemapURLs(jobs []job, entries []*content.Entry) []sitemap.URL {
	lastmod := map[string]time.Time{}
	var newest time.Time
	for _, e := range entries {
		t := updatedOf(e)
		lastmod[e.URL()] = t
		if t.After(newest) {
			newest = t
		}
	}
	for _, g := range []struct {
		prefix string
		terms  []*content.Term
	}{{"/tags/", b.log.Tags}, {"/projects/", b.log.Projects}} {
		for _, t := range g.terms {
			var m time.Time
			for _, e := range withoutDrafts(t.Entries) {
				m = maxTime(m, updatedOf(e))
			}
			lastmod[g.prefix+t.Slug+"/"] = m
		}
	}
	skip := map[string]bool{"404.html": true}
	for _, e := range b.log.Entries {
		for _, a := range e.Aliases {
			skip[strings.TrimPrefix(a, "/")+aliasFile(a)] = true
		}
		if e.Draft {
			skip[strings.TrimPrefix(e.URL(), "/")+"index.html"] = true
		}
	}
	var urls []sitemap.URL
	for _, j := range jobs {
		if !strings.HasSuffix(j.out, ".html") || skip[j.out] || strings.HasPrefix(j.by, "static/") {
			continue
		}
		p := "/" + j.out
		if path.Base(p) == "index.html" {
			p = strings.TrimSuffix(p, "index.html")
		}
		t, ok := lastmod[p]
		if !ok {
			t = newest
		}
		urls = append(urls, sitemap.URL{Loc: b.cfg.AbsURL(p), LastMod: t})
	}
	return urls
}

func updatedOf(e *content.Entry) time.Time { return maxTime(e.Date, e.Updated) }

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// absolute reports whether base_url is set, so pages have absolute URLs.
func (b *builder) absolute() bool {
	u, err := url.Parse(b.cfg.BaseURL)
	return err == nil && u.IsAbs()
}

// absURL returns u, a URL on the site that already carries the site's
// root path (as b.url returns), as an absolute URL; without base_url, u.
func (b *builder) absURL(u string) string {
	base, err := url.Parse(b.cfg.BaseURL)
	ref, err2 := url.Parse(u)
	if err != nil || err2 != nil || !base.IsAbs() {
		return u
	}
	return base.ResolveReference(ref).String()
}

// feedSubject says whether the page at sitePath (a site path, without the
// root) has feeds of its own, and their title: a tag's page, a project's
// page (page 1), and the lessons page.
func (b *builder) feedSubject(sitePath, heading string) (string, bool) {
	switch {
	case sitePath == "/lessons/":
	case strings.Count(sitePath, "/") == 3 && (strings.HasPrefix(sitePath, "/tags/") || strings.HasPrefix(sitePath, "/projects/")):
	default:
		return "", false
	}
	return b.cfg.Title + " · " + heading, true
}

// feedLinks returns the links to the three formats of the feed at
// sitePath.
func (b *builder) feedLinks(sitePath, title string) []render.FeedLink {
	links := make([]render.FeedLink, len(feedFormats))
	for i, ff := range feedFormats {
		links[i] = render.FeedLink{Title: title + " (" + ff.format + ")", Format: ff.format, Type: ff.mime, URL: b.url(sitePath + ff.file)}
	}
	return links
}

// describe adds to a page what feed readers, crawlers and link previews
// read: the page's own feeds, Open Graph and Twitter tags, and for the
// home page schema.org JSON-LD. Entry pages get more from describeEntry.
func (b *builder) describe(pg *render.Page, sitePath string) {
	if title, ok := b.feedSubject(sitePath, pg.Title); ok {
		pg.Feeds = b.feedLinks(sitePath, title)
	}
	if !b.absolute() {
		return // previews and structured data need absolute URLs
	}
	pg.Social = &render.Social{
		Type:        "website",
		Title:       cmp.Or(pg.Title, b.cfg.Title),
		Description: pg.Description,
		URL:         pg.Canonical,
		SiteName:    b.cfg.Title,
	}
	if sitePath == "/" {
		pg.LD = &render.LinkedData{
			Context:     "https://schema.org",
			Type:        "Blog",
			Name:        b.cfg.Title,
			Description: pg.Description,
			URL:         pg.Canonical,
			Author:      b.person(),
			InLanguage:  b.cfg.Language,
		}
	}
}

// describeEntry makes an entry page's preview an article with its hero,
// dates and tags, and adds its JSON-LD: a TechArticle for what broke and
// what was built, a BlogPosting for decisions and notes.
func (b *builder) describeEntry(pg *render.Page, e *content.Entry, v *render.Entry) {
	if pg.Social == nil {
		return
	}
	s := pg.Social
	s.Type = "article"
	s.Published, s.Modified = e.Date, e.Updated
	s.Tags = e.Tags
	ld := &render.LinkedData{
		Context:       "https://schema.org",
		Type:          "BlogPosting",
		Headline:      e.Title,
		Description:   pg.Description,
		URL:           pg.Canonical,
		MainEntity:    pg.Canonical,
		DatePublished: e.Date.Format(time.RFC3339),
		DateModified:  updatedOf(e).Format(time.RFC3339),
		Author:        b.person(),
		Keywords:      e.Tags,
		InLanguage:    b.cfg.Language,
		IsPartOf:      &render.LinkedData{Type: "Blog", Name: b.cfg.Title, URL: b.cfg.AbsURL("/")},
	}
	if e.Kind == "broke" || e.Kind == "built" {
		ld.Type = "TechArticle"
	}
	if h := v.Hero; h != nil {
		img := *h
		img.URL = b.absURL(h.URL)
		ld.Image = []string{img.URL}
		// Link previews take raster images only.
		switch strings.ToLower(path.Ext(img.URL)) {
		case ".png", ".jpg", ".jpeg", ".gif", ".webp":
			s.Image = &img
		}
	}
	if card := b.cards[e]; card != nil {
		s.Image = card // the entry's Open Graph card, made by makeImages
	}
	pg.LD = ld
}

// person is the log's author for JSON-LD, or nil when not configured.
func (b *builder) person() *render.LinkedPerson {
	if b.cfg.Author == "" {
		return nil
	}
	p := &render.LinkedPerson{Type: "Person", Name: b.cfg.Author}
	if u, err := url.Parse(b.cfg.HomeURL); err == nil && u.IsAbs() {
		p.URL = b.cfg.HomeURL
	}
	return p
}
