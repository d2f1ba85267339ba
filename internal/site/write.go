package site

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"html/template"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/shiplog/shiplog/internal/buildcache"
	"github.com/shiplog/shiplog/internal/content"
	"github.com/shiplog/shiplog/internal/diag"
	"github.com/shiplog/shiplog/internal/render"
)

// job writes one output file.
type job struct {
	out string // output path, relative to the output root
	by  string // what asked for it, for collision messages
	run func() ([]byte, error)

	// src is the site file a problem with this job is reported at (with
	// line and col when known); "" for pages of the whole log.
	src       string
	line, col int
	// rank orders the claims on output paths: when two jobs want the
	// same path, the later one is reported, and it should be the one
	// the author chose (a static file over a page of the log).
	rank int
	// fp is the fingerprint of everything the output depends on
	// (fingerprint.go); a rebuild that finds the same fingerprint keeps
	// the file without running the job. Zero when unknown: the job runs
	// and its bytes are compared.
	fp buildcache.Key
	// early jobs are run before the others: they hold much that the
	// build can let go once they ran.
	early bool
	// pooled says run returns the bytes of a pooled page buffer: they are
	// handed back once stored (see pageBufs).
	pooled bool
}

const (
	rankPage = iota
	rankEntry
	rankAlias
	rankImage
	rankStatic
	ranks // how many there are
)

// write models every page and writes it, with the stylesheet, the static
// files and the entries' images, into st.
func (b *builder) write(ctx context.Context, st *stage) error {
	cssName, css := b.cssFile()
	favicon := ""
	statics, problems, err := b.staticFiles()
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		return &diag.ListError{List: problems}
	}
	for _, f := range statics {
		if f == "static/favicon.svg" {
			favicon = b.url("/favicon.svg")
		}
	}
	b.site = b.siteView(b.url("/"+cssName), favicon)
	jsName, js := b.tickerJSFile()
	if jsName != "" {
		b.site.TickerJS = b.url("/" + jsName)
	}
	if b.owner == nil { // the dev server keeps no manifest to compare them with
		b.gfp = b.globalFP()
	}

	// About as many jobs as files: the last build's count, for a
	// Builder, saves growing a slice of tens of thousands again.
	jobs := make([]job, 0, 64+len(b.assets)+3*len(b.log.Entries))
	if b.owner != nil && b.owner.files != nil {
		jobs = make([]job, 0, len(b.owner.files)+64)
	}
	add := func(j job) { jobs = append(jobs, j) }
	// planned adds j, and keeps remake, which makes j's file again from
	// a later build's log when the log kept its shape (patch.go).
	planned := func(j job, remake func(*builder) job) {
		b.remake(j.out, remake)
		jobs = append(jobs, j)
	}
	file := func(out, by string, run func() ([]byte, error)) {
		jobs = append(jobs, job{out: out, by: by, run: run})
	}

	file(cssName, "the theme", func() ([]byte, error) { return css, nil })
	b.shapeOnly(cssName)
	if jsName != "" {
		file(jsName, "the theme", func() ([]byte, error) { return js, nil })
		b.shapeOnly(jsName)
	}
	for _, f := range statics {
		jobs = append(jobs, job{out: strings.TrimPrefix(f, "static/"), by: f, src: f, rank: rankStatic,
			run: func() ([]byte, error) { return b.readPublished(f) }})
		b.shapeOnly(strings.TrimPrefix(f, "static/"))
	}
	copied := map[string]bool{}
	for _, a := range b.assets {
		if copied[a.dst] {
			continue
		}
		copied[a.dst] = true
		jobs = append(jobs, b.assetJob(a))
		b.shapeOnly(a.dst)
	}

	entries := b.log.Entries
	all := b.viewsOf(entries)

	// Home.
	planned(b.homePage(), (*builder).homePage)
	b.dependsOn("index.html", nil, entries[:min(8, len(entries))])

	// The log stream, all entries and per kind.
	for _, k := range append([]string{""}, content.Kinds...) {
		of := b.streamEntries(k)
		if k != "" && len(of) == 0 {
			continue
		}
		kinds := b.streamKinds(k)
		size := b.cfg.PageSize
		for n := 1; n <= max(1, (len(of)+size-1)/size); n++ {
			out := pageOut(streamURL(k, n))
			if !b.wants(out) {
				add(b.pageJob(streamURL(k, n), "log.html", nil)) // the last build's (incremental.go)
				continue
			}
			b.dependsOn(out, of[(n-1)*size:min(n*size, len(of))], nil)
			planned(b.streamPage(k, n, of, kinds), func(b *builder) job {
				return b.streamPage(k, n, b.streamEntries(k), b.streamKinds(k))
			})
		}
	}

	// Entry pages.
	for i, e := range entries {
		line, col := e.KeyPos("aliases")
		for _, a := range e.Aliases {
			jobs = append(jobs, job{out: strings.TrimPrefix(a, "/") + aliasFile(a), by: "the alias " + a + " of " + e.Path,
				src: e.Path, line: line, col: col, rank: rankAlias,
				run: func() ([]byte, error) { return redirectPage(b.cfg.AbsURL(e.URL())), nil }})
			b.shapeOnly(strings.TrimPrefix(a, "/") + aliasFile(a))
		}
		if out := pageOut(e.URL()); !b.wants(out) {
			jobs = append(jobs, job{out: out, by: e.Path, rank: rankEntry}) // the last build's (incremental.go)
			continue
		}
		j, related := b.entryPage(i)
		planned(j, func(b *builder) job { j, _ := b.entryPage(i); return j })
		b.dependsOn(j.out, entries[i:i+1], append(slices.Clip(entries[max(0, i-1):min(len(entries), i+2)]), related...))
	}

	// Tags and projects.
	for gi, g := range b.termGroups() {
		j := b.pageJob(g.prefix, "terms.html", b.termsPage(g))
		j.fp = b.pageFP("terms.html", g.prefix, entries...)
		add(j)
		b.shapeOnly(pageOut(g.prefix))
		for ti, t := range g.terms {
			if !b.wants(pageOut(g.prefix + t.Slug + "/")) {
				add(b.pageJob(g.prefix+t.Slug+"/", "term.html", nil)) // the last build's (incremental.go)
				continue
			}
			planned(b.termPage(g, t), func(b *builder) job {
				g := b.termGroups()[gi]
				return b.termPage(g, g.terms[ti])
			})
			b.dependsOn(pageOut(g.prefix+t.Slug+"/"), nil, t.Entries)
		}
	}

	// Archive, 404; lessons, errors and search (search.go).
	planned(b.archivePage(all), func(b *builder) job { return b.archivePage(b.viewsOf(b.log.Entries)) })
	b.dependsOn("archive/index.html", nil, entries)
	planned(b.notFoundPage(), (*builder).notFoundPage)
	b.dependsOn("404.html", nil, entries[:min(5, len(entries))])
	// They read every entry's text, and cost more than the rest of a
	// rebuild together: when no entry changed and their files are in
	// place, they are kept as a whole (output.go).
	group := b.pageFP("knowledge", "", entries...)
	b.sw.phase("index")
	known := st.keptGroup(group, "the search index, the error memory and the lessons")
	if known != nil {
		b.searchAssets()
	} else {
		var err error
		if known, err = b.knowledge(ctx, st, group); err != nil {
			return err
		}
		for i := range known {
			known[i].fp = group
		}
	}
	b.sw.phase("write")
	for i := range known {
		known[i].early = true // the search index goes once its files are written
	}
	jobs = append(jobs, known...)
	jobs = append(jobs, b.fragmentJobs()...)

	if aliases := redirectsFile(b, entries); aliases != nil {
		jobs = append(jobs, job{out: "_redirects", by: "the aliases' _redirects", rank: rankAlias,
			run: func() ([]byte, error) { return aliases, nil }})
		b.shapeOnly("_redirects")
	}

	feeds, err := b.feedJobs(jobs)
	if err != nil {
		return err
	}
	if jobs, err = b.narrowJobs(append(jobs, feeds...)); err != nil {
		return err
	}
	return b.run(ctx, st, jobs)
}

// pageJob is the job of the page at the site path p, made with the
// template tplName from data. data may be a func() any, called only when
// the page is made.
func (b *builder) pageJob(p, tplName string, data any) job {
	return b.sizedPageJob(p, tplName, data, 0)
}

// sizedPageJob is pageJob for a page expected to take about size bytes:
// a page of every entry (the archive of a big log is tens of megabytes)
// is written into a buffer made at its size, not grown to it by
// doubling, which held one and a half copies at once.
func (b *builder) sizedPageJob(p, tplName string, data any, size int) job {
	return job{out: pageOut(p), by: "the " + tplName + " page", pooled: true, run: func() ([]byte, error) {
		defer b.sw.timeTemplates()()
		d := data
		if f, ok := d.(func() any); ok {
			d = f()
		}
		var buf *bytes.Buffer
		if size > maxPooledPage {
			buf = bytes.NewBuffer(make([]byte, 0, size))
		} else {
			buf = getPageBuf()
		}
		if err := b.tpl.Execute(buf, tplName, d); err != nil {
			putPageBuf(buf)
			return nil, err
		}
		return buf.Bytes(), nil
	}}
}

// assetJob is the job of publishing a: an image, a variant or a card.
func (b *builder) assetJob(a asset) job {
	run := a.run
	if run == nil {
		run = func() ([]byte, error) { return b.readPublished(a.src) }
	}
	return job{out: a.dst, by: a.src + " (used by " + a.by + ")", src: a.by, rank: rankImage, run: run}
}

// homePage is the job of the home page.
func (b *builder) homePage() job {
	entries := b.log.Entries
	home := &render.HomePage{
		Page:     b.page("", b.cfg.Intro, "/", "home"),
		Latest:   b.viewsOf(entries[:min(8, len(entries))]),
		Projects: b.termLinks(b.log.Projects, "/projects/"),
		Counts:   b.kindLinks(entries, func(k string) string { return b.url("/log/kind/" + k + "/") }),
		Total:    len(entries),
	}
	home.About = b.about
	if home.Description == "" {
		home.Description = b.cfg.Tagline
	}
	j := b.pageJob("/", "home.html", home)
	j.fp = b.pageFP("home.html", "/", entries...)
	return j
}

// streamURL is the site path of page n of the log stream of kind ("" for
// every entry).
func streamURL(kind string, n int) string {
	base := "/log/"
	if kind != "" {
		base = "/log/kind/" + kind + "/"
	}
	if n == 1 {
		return base
	}
	return base + "page/" + strconv.Itoa(n) + "/"
}

// streamEntries are the entries of the log stream of kind ("" for all).
func (b *builder) streamEntries(kind string) []*content.Entry {
	if kind == "" {
		return b.log.Entries
	}
	var of []*content.Entry
	for _, e := range b.log.Entries {
		if e.Kind == kind {
			of = append(of, e)
		}
	}
	return of
}

// streamKinds are the links from the log stream of kind to every stream,
// its own marked current.
func (b *builder) streamKinds(kind string) []render.Link {
	kinds := append([]render.Link{{Label: "All", URL: b.url("/log/"), Count: len(b.log.Entries)}},
		b.kindLinks(b.log.Entries, func(k string) string { return b.url("/log/kind/" + k + "/") })...)
	for i := range kinds {
		if (kind == "" && i == 0) || (kind != "" && kinds[i].Label == kindLabels[kind]) {
			kinds[i].Rel = "current"
		}
	}
	return kinds
}

// streamPage is the job of page n of the log stream of kind, whose
// entries are of, shown in full, page_size to a page.
func (b *builder) streamPage(kind string, n int, of []*content.Entry, kinds []render.Link) job {
	size := b.cfg.PageSize
	total := max(1, (len(of)+size-1)/size)
	base, heading := streamURL(kind, 1), "Log"
	if kind != "" {
		heading = kindLabels[kind]
	}
	title := heading
	if n > 1 {
		title = fmt.Sprintf("%s, page %d", heading, n)
	}
	sp := &render.StreamPage{
		Page:    b.page(title, b.cfg.Tagline, streamURL(kind, n), "log"),
		Heading: heading,
		Kind:    kind,
		Kinds:   kinds,
		Pager:   render.Pager{Number: n, Total: total},
	}
	if kind == "" && n == 1 {
		sp.Title = "Log"
	}
	if n > 1 {
		sp.Pager.Prev = b.url(streamURL(kind, n-1))
	}
	if n < total {
		sp.Pager.Next = b.url(streamURL(kind, n+1))
	}
	j := b.pageJob(streamURL(kind, n), "log.html", sp)
	// The entries' copies are made when the page is written and
	// dropped after, so a big log's stream is never all in memory.
	run, shown := j.run, of[(n-1)*size:min(n*size, len(of))]
	j.run = func() ([]byte, error) {
		views := make([]*render.Entry, len(shown))
		sp.Entries = make([]*render.Entry, len(shown))
		for i, e := range shown {
			views[i] = b.full(e)
			c := streamLesson(views[i])
			c.Body = streamMark(i)
			sp.Entries[i] = c
		}
		firstEager := func() {
			if len(sp.Entries) > 0 {
				first := sp.Entries[0]
				first.HeroEager = true
				first.FullHead, first.FullTail = "", "" // made with a lazy hero
			}
		}
		firstEager()
		defer func() { sp.Entries = nil }()
		page, err := run()
		if err != nil {
			return nil, err
		}
		if out, ok := spliceBodies(page, views); ok {
			putPageBytes(page)
			return out, nil
		}
		// A template of the log's own showed a body other than once, as
		// it was: execute the page again with the bodies in place.
		putPageBytes(page)
		for i, v := range views {
			sp.Entries[i] = streamView(v)
		}
		firstEager()
		return run()
	}
	j.fp = b.pageFP("log.html", fmt.Sprintf("%s\x00%s\x00%s\x00%d\x00%d\x00%v", base, heading, kind, n, total, kinds), shown...)
	return j
}

// entryPage is the job of the page of the log's entry i, and the entries
// it shows as related.
func (b *builder) entryPage(i int) (job, []*content.Entry) {
	entries := b.log.Entries
	e := entries[i]
	shown := []*content.Entry{e, nil, nil}
	if i+1 < len(entries) {
		shown[1] = entries[i+1]
	}
	if i > 0 {
		shown[2] = entries[i-1]
	}
	related := b.relatedOf(e, b.relatedTo)
	// The page's data is made when the page is: planned with it, the
	// pages of 100,000 entries held about 200 MB until written.
	j := b.pageJob(e.URL(), "entry.html", func() any { return b.entryPageData(i, related) })
	j.by, j.src, j.rank = e.Path, e.Path, rankEntry
	j.fp = b.pageFP("entry.html", e.URL(), append(shown, related...)...)
	return j, related
}

// entryPageData is what the page of the i-th entry shows, with the
// entries related to it.
func (b *builder) entryPageData(i int, related []*content.Entry) *render.EntryPage {
	entries := b.log.Entries
	e, v := entries[i], b.views[entries[i]]
	p := &render.EntryPage{
		Page:  b.page(e.Title, cmp.Or(e.Summary, v.LessonText), e.URL(), "log"),
		Entry: eager(v),
	}
	if _, ok := b.spilled[e]; ok { // its body is in the cache, not in the view
		p.Entry.Body = b.bodyOf(e)
	}
	if i+1 < len(entries) {
		p.Prev = &render.Link{Label: entries[i+1].Title, URL: b.views[entries[i+1]].URL}
	}
	if i > 0 {
		p.Next = &render.Link{Label: entries[i-1].Title, URL: b.views[entries[i-1]].URL}
	}
	p.Related = b.viewsOf(related)
	b.describeEntry(&p.Page, e, v)
	return p
}

// relatedTo returns the entries related to e, from an index of the log
// made on first use.
func (b *builder) relatedTo(e *content.Entry) []*content.Entry {
	if b.rel == nil {
		b.rel = newRelatedIndex(b.log.Entries, b.log.Tags, b.log.Projects)
	}
	return b.rel.related(e, 3)
}

// termGroup is the tags or the projects, and where their pages are.
type termGroup struct {
	terms         []*content.Term
	prefix, what  string
	heading, sect string
}

func (b *builder) termGroups() [2]termGroup {
	return [2]termGroup{
		{b.log.Tags, "/tags/", "tag", "Tags", "tags"},
		{b.log.Projects, "/projects/", "project", "Projects", "projects"},
	}
}

// termsPage is the page listing every term of g.
func (b *builder) termsPage(g termGroup) *render.TermsPage {
	return &render.TermsPage{
		Page:    b.page(g.heading, "", g.prefix, g.sect),
		Heading: g.heading,
		What:    g.what,
		Terms:   b.termLinks(g.terms, g.prefix),
	}
}

// termPage is the job of the page of g's term t.
func (b *builder) termPage(g termGroup, t *content.Term) job {
	heading := t.Name
	if g.what == "tag" {
		heading = "#" + t.Name
	}
	tp := &render.TermPage{
		Page:    b.page(heading, fmt.Sprintf("Entries %s %s", map[string]string{"tag": "tagged", "project": "in the project"}[g.what], t.Name), g.prefix+t.Slug+"/", g.sect),
		Heading: heading,
		What:    g.what,
		Entries: b.viewsOf(t.Entries),
		Kinds:   b.kindLinks(t.Entries, func(k string) string { return "" }),
	}
	if n := len(t.Entries); n > 0 {
		tp.First, tp.Last = t.Entries[n-1].Date, t.Entries[0].Date
	}
	j := b.pageJob(g.prefix+t.Slug+"/", "term.html", tp)
	j.fp = b.pageFP("term.html", g.prefix+"\x00"+t.Slug+"\x00"+t.Name, t.Entries...)
	return j
}

// archivePage is the job of the archive; all are the views of every
// entry, newest first.
func (b *builder) archivePage(all []*render.Entry) job {
	page := b.page("Archive", "Every entry by year and month.", "/archive/", "archive")
	// A row is about 350 bytes.
	j := b.sizedPageJob("/archive/", "archive.html", func() any {
		return &render.ArchivePage{Page: page, Years: archive(all)}
	}, 8<<10+384*len(all))
	j.fp = b.pageFP("archive.html", "/archive/", b.log.Entries...)
	return j
}

// notFoundPage is the job of the 404 page.
func (b *builder) notFoundPage() job {
	latest := b.viewsOf(b.log.Entries[:min(5, len(b.log.Entries))])
	j := b.pageJob("/404.html", "404.html", &render.NotFoundPage{Page: b.page("Page not found", "", "/404.html", ""), Latest: latest})
	j.fp = b.pageFP("404.html", "/404.html", b.log.Entries...)
	return j
}

// streamView returns v with the ids inside its body and lesson namespaced
// by its slug, so many entries can share a page without clashing ids. The
// body is rendered once; only ids and in-page links are rewritten.
func streamView(v *render.Entry) *render.Entry {
	c := *v
	c.Body = template.HTML(prefixIDs(string(v.Body), v.Slug+"--"))
	c.Lesson = template.HTML(prefixIDs(string(v.Lesson), v.Slug+"--"))
	return &c
}

// streamMarkPrefix starts the mark that stands for an entry's body in a
// stream page as it is executed: streamMark(i) is the page's i-th entry.
// spliceBodies then writes each body in its mark's place, its ids
// namespaced as streamView does, straight into the page: not copied
// once with its ids rewritten and again by the template (20 MB of a cold
// 1k build's 234 MB of garbage), and the template's buffer grows to the
// size of the page around the bodies only. The templates escape a NUL, so
// only a body shown as it is can hold a mark.
const streamMarkPrefix = "\x00shiplog:stream:"

func streamMark(i int) template.HTML {
	return template.HTML(streamMarkPrefix + strconv.Itoa(i) + "\x00")
}

// spliceBodies returns page, a stream page executed with streamMark(i)
// as the body of views[i], with each mark replaced by that body, ids
// namespaced, in a pooled buffer. It reports false, and returns nil,
// unless every mark is in the page exactly once and nothing else looks
// like one.
func spliceBodies(page []byte, views []*render.Entry) ([]byte, bool) {
	type mark struct{ at, end, i int }
	marks := make([]mark, 0, len(views))
	seen := make([]bool, len(views))
	size := len(page)
	for from := 0; ; {
		k := bytes.Index(page[from:], []byte(streamMarkPrefix))
		if k < 0 {
			break
		}
		at := from + k
		digits := page[at+len(streamMarkPrefix):]
		end := bytes.IndexByte(digits, 0)
		if end < 1 || end > 6 {
			return nil, false
		}
		i, err := strconv.Atoi(string(digits[:end]))
		if err != nil || i < 0 || i >= len(views) || seen[i] {
			return nil, false
		}
		seen[i] = true
		from = at + len(streamMarkPrefix) + end + 1
		marks = append(marks, mark{at, from, i})
		size += len(views[i].Body) + 32*len(views[i].Slug)
	}
	if len(marks) != len(views) {
		return nil, false
	}
	buf := getPageBuf()
	buf.Grow(size)
	out := buf.Bytes()
	done := 0
	for _, m := range marks {
		out = append(out, page[done:m.at]...)
		v := views[m.i]
		out = appendPrefixIDs(out, string(v.Body), v.Slug+"--")
		done = m.end
	}
	return append(out, page[done:]...), true
}

// bodyMark stands for the body when "entry-full" is rendered to keep
// what is around it (keepFull). A title or summary cannot hold it: the
// templates escape a NUL.
const bodyMark = "\x00shiplog:body\x00"

// keepFull renders "entry-full" with v as the log's stream shows it, its
// body left out, and keeps what comes before and after the body in
// v.FullHead and v.FullTail: each entry is in two streams (all entries,
// and its kind's), and a stream page was a third of the templates' time.
// A template that fails, or that shows the body other than once, leaves
// them empty, and the stream renders "entry-full" in place. Above
// maxKeptRows entries (about 1.2 KB each) they are not kept.
func (b *builder) keepFull(v *render.Entry) {
	if b.tpl == nil || len(b.log.Entries) > maxKeptRows {
		return
	}
	c := *streamLesson(v)
	c.Body = bodyMark
	html, err := b.tpl.Partial("entry-full", &c)
	if err != nil {
		return
	}
	head, tail, ok := strings.Cut(string(html), bodyMark)
	if !ok || strings.Contains(tail, bodyMark) {
		return
	}
	v.FullHead, v.FullTail = template.HTML(head), template.HTML(tail)
}

// streamLesson is v with its lesson's ids namespaced as streamView does,
// and its body as it is.
func streamLesson(v *render.Entry) *render.Entry {
	c := *v
	c.Lesson = template.HTML(prefixIDs(string(v.Lesson), v.Slug+"--"))
	return &c
}

// prefixIDs returns html with prefix after every ` id="` and
// ` href="#`: the ids of an entry shown on a page with others, and the
// links to them.
func prefixIDs(html, prefix string) string {
	if !strings.Contains(html, ` id="`) && !strings.Contains(html, ` href="#`) {
		return html
	}
	return string(appendPrefixIDs(make([]byte, 0, len(html)+32*len(prefix)), html, prefix))
}

// appendPrefixIDs appends html to dst with prefix after every ` id="` and
// ` href="#`.
func appendPrefixIDs(dst []byte, html, prefix string) []byte {
	const id, href = ` id="`, ` href="#`
	// The next place of each pattern, found again only once it is
	// passed: searching for both after every rewrite read the rest of
	// the body again for each id, 0.5 s of a cold 10k build.
	next := func(pat string, from int) int {
		if k := strings.Index(html[from:], pat); k >= 0 {
			return from + k
		}
		return -1
	}
	i, j := next(id, 0), next(href, 0)
	done := 0
	for i >= 0 || j >= 0 {
		pat, at := id, i
		if i < 0 || j >= 0 && j < i {
			pat, at = href, j
		}
		end := at + len(pat)
		dst = append(dst, html[done:end]...)
		dst = append(dst, prefix...)
		done = end
		if i >= 0 && i < end {
			i = next(id, end)
		}
		if j >= 0 && j < end {
			j = next(href, end)
		}
	}
	return append(dst, html[done:]...)
}

// Pages are executed into pooled buffers: a buffer grown from nothing
// for each page made about a third of a build's garbage. A page job's
// output is its buffer's bytes (job.pooled): the worker that stores them
// hands the buffer back, so a page is not copied to be written.
var pageBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func getPageBuf() *bytes.Buffer {
	buf := pageBufs.Get().(*bytes.Buffer)
	buf.Reset()
	return buf
}

// maxPooledPage is the largest buffer kept for the next page: an odd
// huge page does not pin its buffer.
const maxPooledPage = 4 << 20

func putPageBuf(buf *bytes.Buffer) {
	if buf.Cap() <= maxPooledPage {
		pageBufs.Put(buf)
	}
}

// putPageBytes hands back the buffer whose bytes a page job returned.
func putPageBytes(data []byte) {
	if cap(data) <= maxPooledPage {
		pageBufs.Put(bytes.NewBuffer(data[:0]))
	}
}

// lessonView returns v with a lesson fit for a page that lists many
// lessons: no ids (a footnote mark carries one), and in-page links
// pointing into the entry's own page, where their targets are.
func lessonView(v *render.Entry) *render.Entry {
	c := *v
	lesson := idAttrRe.ReplaceAllString(string(v.Lesson), "")
	c.Lesson = template.HTML(strings.ReplaceAll(lesson, ` href="#`, ` href="`+v.URL+`#`))
	return &c
}

var idAttrRe = regexp.MustCompile(` id="[^"]*"`)

// eager returns a copy of v whose hero loads at once: it is the first
// thing on its page.
func eager(v *render.Entry) *render.Entry {
	c := *v
	c.HeroEager = true
	return &c
}

func archive(all []*render.Entry) []render.ArchiveYear {
	var years []render.ArchiveYear
	for _, v := range all {
		y, m := v.Date.Year(), v.Date.Month()
		if len(years) == 0 || years[len(years)-1].Year != y {
			years = append(years, render.ArchiveYear{Year: y})
		}
		yr := &years[len(years)-1]
		yr.Entries++
		if len(yr.Months) == 0 || yr.Months[len(yr.Months)-1].Name != m.String() {
			yr.Months = append(yr.Months, render.ArchiveMonth{Name: m.String()})
		}
		mo := &yr.Months[len(yr.Months)-1]
		mo.Entries = append(mo.Entries, v)
	}
	return years
}

func aliasFile(a string) string {
	if strings.HasSuffix(a, "/") {
		return "index.html"
	}
	if strings.HasSuffix(a, ".html") {
		return ""
	}
	return "/index.html"
}

func redirectPage(to string) []byte {
	t := template.HTMLEscapeString(to)
	return []byte(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Moved</title>
<link rel="canonical" href="` + t + `">
<meta name="robots" content="noindex">
<meta http-equiv="refresh" content="0; url=` + t + `">
</head>
<body><p>This entry moved to <a href="` + t + `">` + t + `</a>.</p></body>
</html>
`)
}

// redirectsFile lists aliases for static hosts that read _redirects.
func redirectsFile(b *builder, entries []*content.Entry) []byte {
	var buf bytes.Buffer
	for _, e := range entries {
		for _, a := range e.Aliases {
			fmt.Fprintf(&buf, "%s %s 301\n", b.url(a), b.url(e.URL()))
		}
	}
	if buf.Len() == 0 {
		return nil
	}
	return buf.Bytes()
}

// run executes the jobs on all cores and writes their output. Every
// problem is reported at the site file it comes from: two jobs wanting
// one output path, a file that cannot be read, an overridden template
// that fails.
func (b *builder) run(ctx context.Context, st *stage, jobs []job) error {
	return b.runAs(ctx, st, "writing pages", jobs)
}

// runAs is run, reporting its progress as phase.
func (b *builder) runAs(ctx context.Context, st *stage, phase string, jobs []job) error {
	var problems diag.List
	// Claimed rank by rank, in the jobs' order within a rank: a pass per
	// rank rather than a sorted copy of the jobs (34 MB at 100,000
	// entries, made when the build's heap is at its largest).
	for rank := range ranks {
		for _, j := range jobs {
			if j.rank != rank {
				continue
			}
			if prev, ok := st.claim(j.out, j.by); !ok {
				problems.Add(diag.Errorf(j.src, j.line, j.col, "rename one of them",
					"%s is written by both %s and %s", j.out, prev, j.by))
			}
		}
	}
	if len(problems) > 0 {
		return &diag.ListError{List: problems}
	}
	ch := make(chan job)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	fail := func(j job, err error) {
		mu.Lock()
		defer mu.Unlock()
		var te *render.TemplateError
		switch {
		case errors.As(err, &te) && b.files.Overridden(te.File):
			p := diag.Errorf("layouts/"+te.File, te.Line, te.Col, "fix the template, or remove it to use the default", "%v", te.Err)
			if !slices.Contains(problems, p) { // one broken template fails many pages
				problems.Add(p)
			}
		case j.src != "" && !errors.As(err, &te):
			problems.Add(diag.Errorf(j.src, j.line, j.col, "", "cannot write %s: %v", j.out, err))
		case firstErr == nil:
			firstErr = fmt.Errorf("write %s: %w", j.out, err)
		}
	}
	b.opts.Progress.start(phase, len(jobs))
	// Twice as many workers as cores: a job ends in system calls that
	// wait (creating a file or a folder waits for the folder's lock,
	// which every entry page's folder shares), and a core whose only
	// worker waits is idle. Alternated cold 10k builds, wall time:
	// docs/benchmarks.md, 2026-11-26 (session 7).
	for range 2 * runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for j := range ch {
				done := func() {}
				if j.rank == rankImage || j.rank == rankStatic {
					done = b.sw.timeFiles()
				}
				if st.reuse(j) {
					done()
					b.opts.Progress.add(1)
					continue
				}
				data, err := runJob(j)
				done()
				if err == nil {
					err = st.store(j, st.own(j, data))
				}
				if j.pooled && data != nil {
					putPageBytes(data)
				}
				b.opts.Progress.add(1)
				if err != nil {
					fail(j, err)
				}
			}
		})
	}
	// The early jobs go first: what they hold (the search index, every
	// entry's lesson) can then go before the record of the output grows.
	for _, early := range []bool{true, false} {
		for i := range jobs {
			if ctx.Err() != nil {
				break
			}
			if jobs[i].early != early {
				continue
			}
			ch <- jobs[i]
			// What the job's closure holds (a page's data, a search
			// shard's postings) can go once the job has run: a big log's
			// jobs would otherwise keep all of it to the end of the build.
			jobs[i].run = nil
		}
	}
	close(ch)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	if len(problems) > 0 {
		return &diag.ListError{List: problems}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	b.nFiles += len(jobs) // a one-off build runs the search index's files first (knowledge)
	for _, j := range jobs {
		if strings.HasSuffix(j.out, ".html") {
			b.nPages++
		}
	}
	return nil
}

// readPublished reads a site file to publish, without the metadata of
// an image (see scrubImage).
func (b *builder) readPublished(p string) ([]byte, error) {
	data, err := readAll(b.root.FS(), p)
	if err != nil || b.images.keepMetadata {
		return data, err
	}
	return scrubImage(p, data)
}

// runJob runs j, turning a panic into an error so that one bad page fails
// the build with a message instead of crashing it.
func runJob(j job) (data []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: %v (please report this)", r)
		}
	}()
	return j.run()
}
