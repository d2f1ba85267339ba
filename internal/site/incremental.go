package site

// The dev server's builds. A Builder builds one log again and again. It
// is told which files changed, and it:
//
//   - when only entries changed and none of them moved in the log (same
//     date, slug, kind, project, tags, draft, aliases, id, errors,
//     updated, images, and a lesson still or still not there), patches
//     the last build (patch.go): it reads and renders the edited entries
//     alone, puts them in their places in the last build's log, updates
//     the search index for them alone, and makes only the files that
//     show them, each the way the last whole build recorded; the rest of
//     the site, and of what was computed to make it (views, renders, the
//     related entries, the term lists), is the last build's. A body edit
//     thus costs what it affects, not what the log holds (figures in
//     docs/benchmarks.md);
//
// and otherwise builds the whole log again, but still
//
//   - reads again only the changed files (content.Cache, keyed by the
//     SHA-256 of each entry's bytes: a save without a change is no
//     change);
//   - renders again only the entries whose bytes changed, as long as
//     nothing an entry's links and images could resolve to changed (no
//     entry came, went or moved to another URL, no other file changed);
//   - when only entries changed and none of them moved (a patch that
//     declined: an entry's error messages or lesson changed, say), makes
//     only the files that show an edited entry: its page, the stream
//     pages and feeds that carry it in full and, when what a list shows
//     of it changed (its title, summary, lesson, date line), the pages
//     that list it. Every other file is the previous build's.
//
// Which files show which entry, and how to make each again, is recorded
// while planning a whole build: write and feedJobs say it with dependsOn,
// shapeOnly and remake. A file nobody said anything about is made again
// on every edit by a narrowed build, and makes a patch decline, so a new
// kind of page is never stale, only slower. TestIncrementalMatchesFullBuild
// edits a log in every way an author does and checks that each
// incremental build writes exactly the bytes of a full build of the same
// files, and which of the three builds it was.
//
// The site goes to a put func as files named by their SHA-256 (the dev
// server's store) rather than to a folder, and Output lists them all.

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"maps"
	"os"
	"path"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/shiplog/shiplog/internal/content"
	"github.com/shiplog/shiplog/internal/diag"
	"github.com/shiplog/shiplog/internal/errmem"
	"github.com/shiplog/shiplog/internal/render"
	"github.com/shiplog/shiplog/internal/search"
	"github.com/shiplog/shiplog/internal/theme"
)

// Output is a whole site, as a Builder made it.
type Output struct {
	// Files is every file of the site by its slash-separated path
	// ("log/x/index.html") and the SHA-256 of its content.
	Files map[string][32]byte
	// Focus is the URL path of the entry the changes were about, when
	// they were about exactly one published entry; else "".
	Focus string
	// Made is how many files this build made; the others are the
	// previous build's.
	Made int
	// Changed, when not nil, lists the files that differ from the
	// previous Output's (made anew, changed or gone), sorted: a build
	// that made only a few files says which. nil: compare Files.
	Changed []string
}

// Builder builds a log again and again, redoing only what the changed
// files affect. It is not for concurrent use: one build at a time.
type Builder struct {
	opts Options
	// Now, when set, gives Options.Now for each build, so entries dated
	// in the future appear when their time comes.
	Now func() time.Time

	content content.Cache

	// Changes not yet in a good build: a failed build's are told again.
	pending    map[string]bool
	pendingAll bool

	// The build in progress.
	changed   []string // nil: everything
	put       func([32]byte, []byte) error
	mu        sync.Mutex
	written   map[string][32]byte
	narrowed  bool
	forceFull bool

	// The last good build.
	last    *builder
	files   map[string][32]byte
	renders map[string]kept               // by entry path
	rev     map[string][]string           // entry path → files showing it in full
	revCard map[string][]string           // entry path → files showing it as a card
	always  []string                      // files made again on every edit
	related map[string][]string           // entry path → its related entries' paths
	groups  map[string][]string           // files made together, by name (the sitemap)
	makers  map[string]func(*builder) job // file → how to make it again (remake)
	report  *Report

	// What was read from each render (memoFor), by name, kept while the
	// render is used.
	memoMu sync.Mutex
	memo   map[*render.Entry]map[string]any
	cards  map[string]bool // Open Graph cards seen in the image cache

	tpl    *render.Templates // the theme, compiled
	tplSum [32]byte          // …from files with this SHA-256

	search *search.Index // kept and updated from build to build
}

// NewBuilder returns a Builder for the log opts describes. Options.Out
// is not used: the site goes to Build's put func.
func NewBuilder(opts Options) *Builder {
	return &Builder{opts: opts, pending: map[string]bool{}, pendingAll: true, cards: map[string]bool{}}
}

// kept is an entry's render, and the SHA-256 of the bytes it came from.
type kept struct {
	r   rendered
	sum [32]byte
}

// shown is what one file shows of the log.
type shown struct {
	full, cards []*content.Entry
	shape       bool // made from the log's shape alone
}

// incState is what a builder carries for a Builder; zero for Build.
type incState struct {
	owner   *Builder
	reuse   func(*content.Entry) (rendered, bool)
	kept    map[string]kept
	deps    map[string]shown              // recorded while planning a whole build
	only    map[string]bool               // when set, write makes only these files
	known   map[string][32]byte           // …and checks that the others are the last build's
	gone    []string                      // the last build's files a narrowed build does not have
	related map[string][]string           // recorded by relatedOf
	groups  map[string][]string           // recorded by remember
	makers  map[string]func(*builder) job // recorded by remake

	shards      []string        // the search index's shards (search.go)
	tickerState string          // the ticker's cache, as loadTicker found it
	patched     bool            // made by a patch (patch.go)…
	replaced    []*render.Entry // …which replaced these renders…
	rekept      map[string]kept // …with these, by entry path

	// What the error memory was made of (errors.go), newest first, and
	// its files.
	memEntries []*errmem.Entry
	memFixes   []string
	memFiles   []string
}

// errReshaped stops a narrowed build whose plan turned out not to be the
// last build's: it is done again in full.
var errReshaped = errors.New("the site's shape changed")

// Build builds the site. changed lists the files (slash-separated,
// relative to Options.Src) that changed since the previous call; nil
// means unknown, and everything is read again. Every file the new site
// has that the previous Output did not have, by content, goes to put
// (from several goroutines at once). On failure the error and the
// report are as Build's, and the next call starts from the last good
// build again.
func (c *Builder) Build(ctx context.Context, changed []string, put func(sum [32]byte, data []byte) error) (*Output, *Report, error) {
	if changed == nil {
		c.pendingAll = true
	}
	for _, p := range changed {
		c.pending[p] = true
	}
	if c.pendingAll {
		c.changed = nil
	} else {
		c.changed = slices.Sorted(maps.Keys(c.pending))
	}
	c.put = put
	opts := c.opts
	if c.Now != nil {
		opts.Now = c.Now()
	}
	start := time.Now()
	c.forceFull = false
	c.written, c.narrowed = map[string][32]byte{}, false
	rep, b, err := c.patch(ctx, opts)
	if err != nil { // the whole build, which says what went wrong
		rep, b, err = c.build(ctx, opts)
		if errors.Is(err, errReshaped) {
			c.forceFull = true
			rep, b, err = c.build(ctx, opts)
		}
	}
	if err != nil {
		return nil, rep, err
	}
	files, pages := c.written, 0
	var differ []string
	if c.narrowed {
		files, pages, differ = maps.Clone(c.files), c.report.Pages, []string{}
		for _, name := range b.gone {
			if _, ok := files[name]; ok {
				if strings.HasSuffix(name, ".html") {
					pages--
				}
				differ = append(differ, name)
			}
			delete(files, name)
		}
		for name, sum := range c.written {
			old, ok := files[name]
			if !ok && strings.HasSuffix(name, ".html") {
				pages++
			}
			if !ok || old != sum {
				differ = append(differ, name)
			}
			files[name] = sum
		}
		slices.Sort(differ)
		differ = slices.Compact(differ)
	} else {
		pages = pageCount(files)
	}
	out := &Output{Files: files, Made: len(c.written), Focus: c.focus(b), Changed: differ}
	rep.Files, rep.Pages = len(files), pages
	c.commit(b, files, rep)
	rep.Elapsed = time.Since(start)
	clear(c.pending)
	c.pendingAll = false
	return out, rep, nil
}

func (c *Builder) build(ctx context.Context, opts Options) (*Report, *builder, error) {
	c.written, c.narrowed = map[string][32]byte{}, false
	return buildWith(ctx, opts, c)
}

// pageCount is the number of pages among files.
func pageCount(files map[string][32]byte) int {
	n := 0
	for name := range files {
		if strings.HasSuffix(name, ".html") {
			n++
		}
	}
	return n
}

// commit makes b the last good build, which rep reports.
func (c *Builder) commit(b *builder, files map[string][32]byte, rep *Report) {
	c.files = files
	c.report = rep
	if b.patched {
		// The last build's renders, but for the patch's: no other
		// build uses the old map now.
		maps.Copy(c.renders, b.rekept)
		b.kept = c.renders
		// Forget what was read from the renders it replaced.
		c.memoMu.Lock()
		for _, v := range b.replaced {
			delete(c.memo, v)
		}
		c.memoMu.Unlock()
		c.last = b
		return
	}
	c.renders = b.kept
	if !c.narrowed {
		c.rev, c.revCard, c.always = map[string][]string{}, map[string][]string{}, nil
		for name := range files {
			sh, ok := b.deps[name]
			if !ok {
				c.always = append(c.always, name)
				continue
			}
			for _, e := range sh.full {
				c.rev[e.Path] = append(c.rev[e.Path], name)
			}
			for _, e := range sh.cards {
				c.revCard[e.Path] = append(c.revCard[e.Path], name)
			}
		}
		slices.Sort(c.always)
		c.related, c.groups, c.makers = b.related, b.groups, b.makers
	}
	// Forget what was read from renders no longer in the site.
	live := make(map[*render.Entry]bool, len(b.views))
	for _, v := range b.views {
		live[v] = true
	}
	c.memoMu.Lock()
	maps.DeleteFunc(c.memo, func(v *render.Entry, _ map[string]any) bool { return !live[v] })
	c.memoMu.Unlock()
	b.deps, b.related, b.groups, b.makers = nil, nil, nil, nil
	c.last = b
}

// focus is the page of the one published entry whose bytes changed.
func (c *Builder) focus(b *builder) string {
	if c.changed == nil {
		return ""
	}
	var found *content.Entry
	for _, p := range c.changed {
		e := b.byPath[p]
		if e == nil || (c.last != nil && c.last.byPath[p] == e) {
			continue // not an entry, or saved without a change
		}
		if found != nil {
			return ""
		}
		found = e
	}
	if found == nil {
		return ""
	}
	return b.url(found.URL())
}

// compile compiles the theme's templates; a Builder keeps them while the
// theme's files stay the same.
func (c *Builder) compile(files *theme.Files) (*render.Templates, error) {
	if c == nil {
		return render.Compile(files)
	}
	h := sha256.New()
	for _, name := range theme.Names() {
		data := files.Get(name)
		fmt.Fprintf(h, "%s %d\n", name, len(data))
		h.Write(data)
	}
	var sum [32]byte
	h.Sum(sum[:0])
	if c.tpl != nil && sum == c.tplSum {
		return c.tpl, nil
	}
	tpl, err := render.Compile(files)
	if err == nil {
		c.tpl, c.tplSum = tpl, sum
	}
	return tpl, err
}

// loadLog reads the log, through the cache for a Builder.
func (c *Builder) loadLog(root *os.Root, opts content.Options) (*content.Log, diag.List) {
	if c == nil {
		return content.Load(root, opts)
	}
	return c.content.Load(root, opts, c.changed)
}

// attach prepares b, a build of c's, to reuse the renders of the last
// build and to record what it keeps.
func (c *Builder) attach(b *builder) {
	if c == nil {
		return
	}
	b.owner = c
	b.kept = make(map[string]kept, len(b.log.Entries))
	b.deps = map[string]shown{}
	b.related = map[string][]string{}
	b.groups = map[string][]string{}
	b.makers = map[string]func(*builder) job{}
	prev := c.last
	if prev == nil || c.changed == nil || c.forceFull || !onlyEntries(c.changed) {
		return
	}
	same := sync.OnceValue(func() bool {
		// What a render asks of the site: its settings, and where the
		// entries and pages are.
		if b.mdSettings != prev.mdSettings || b.siteRoot() != prev.siteRoot() ||
			len(b.byPath) != len(prev.byPath) || !maps.Equal(b.pageURLs, prev.pageURLs) {
			return false
		}
		for p, e := range b.byPath {
			if o := prev.byPath[p]; o == nil || o.URL() != e.URL() {
				return false
			}
		}
		return true
	})
	b.reuse = func(e *content.Entry) (rendered, bool) {
		k, ok := c.renders[e.Path]
		if !ok {
			return rendered{}, false
		}
		if sum, ok := c.content.Sum(e.Path); !ok || sum != k.sum || !same() {
			return rendered{}, false
		}
		return k.r, true
	}
}

// onlyEntries reports whether every path names a Markdown file under
// log/, or the stylesheet: changes to anything else may change what
// renders resolve to.
func onlyEntries(paths []string) bool {
	for _, p := range paths {
		ext := strings.ToLower(path.Ext(p))
		if p != themeCSS && (!strings.HasPrefix(p, "log/") || (ext != ".md" && ext != ".markdown")) {
			return false
		}
	}
	return true
}

// themeCSS is the stylesheet a log overrides the theme's with, and
// serveCSS where the dev server publishes it: under one name whatever it
// holds, so an edit changes that file alone.
const (
	themeCSS = "layouts/style.css"
	serveCSS = "assets/style.css"
)

// reused returns the last build's render of e, when it is still right.
func (b *builder) reused(e *content.Entry) (rendered, bool) {
	if b.reuse == nil {
		return rendered{}, false
	}
	return b.reuse(e)
}

// keep records e's render for the next build.
func (b *builder) keep(e *content.Entry, r rendered) {
	if b.owner == nil {
		return
	}
	sum, _ := b.owner.content.Sum(e.Path)
	b.kept[e.Path] = kept{r: r, sum: sum}
}

// stage returns where b writes the site: a staging folder beside out for
// Build; for a Builder, its put func, and only the files the changes
// affect when that is known.
func (c *Builder) stage(b *builder, out string) (*stage, error) {
	if c == nil {
		return newStage(out)
	}
	c.narrow(b)
	return &stage{written: map[string]string{}, put: c.sink}, nil
}

func (c *Builder) sink(rel string, data []byte) error {
	sum := sha256.Sum256(data)
	if err := c.put(sum, data); err != nil {
		return err
	}
	c.mu.Lock()
	c.written[rel] = sum
	c.mu.Unlock()
	return nil
}

// narrow limits b to the files that show what changed, when only
// entries changed and the log kept its shape.
func (c *Builder) narrow(b *builder) {
	prev := c.last
	if prev == nil || c.changed == nil || c.forceFull || b.reuse == nil {
		return
	}
	if len(b.log.Entries) != len(prev.log.Entries) || b.log.Drafts != prev.log.Drafts || b.log.Future != prev.log.Future ||
		b.tickerState != prev.tickerState { // every page shows the ticker's strip
		return
	}
	only := map[string]bool{}
	for _, name := range c.always {
		only[name] = true
	}
	for _, p := range c.changed {
		if p == themeCSS && b.opts.Serve {
			only[serveCSS] = true
			continue
		}
		x1, x2 := prev.byPath[p], b.byPath[p]
		if x1 == nil || x2 == nil {
			return
		}
		if x1 == x2 {
			continue // saved without a change
		}
		k1, k2 := c.renders[p], b.kept[p]
		if !sameShape(x1, x2) || !sameAssets(k1.r.assets, k2.r.assets) ||
			k1.r.view == nil || k2.r.view == nil || (k1.r.view.Lesson == "") != (k2.r.view.Lesson == "") {
			return
		}
		for _, name := range c.rev[p] {
			only[name] = true
		}
		if !sameCard(k1.r.view, k2.r.view) {
			for _, name := range c.revCard[p] {
				only[name] = true
			}
		}
	}
	b.only, b.known = only, c.files
	c.narrowed = true
}

// sameAssets reports whether two renders publish the same files from the
// same sources.
func sameAssets(a, b []asset) bool {
	return slices.EqualFunc(a, b, func(x, y asset) bool { return x.src == y.src && x.dst == y.dst && x.by == y.by })
}

// sameShape reports whether an edit from a to b leaves the entry where
// it was in the log: its place in every list, its URL, its feed id.
func sameShape(a, b *content.Entry) bool {
	return a.Path == b.Path && a.ID == b.ID && a.Date.Equal(b.Date) && a.Updated.Equal(b.Updated) &&
		a.Kind == b.Kind && a.Project == b.Project && slices.Equal(a.Tags, b.Tags) &&
		slices.Equal(a.Errors, b.Errors) && a.Draft == b.Draft && a.Slug == b.Slug &&
		slices.Equal(a.Aliases, b.Aliases)
}

// sameCard reports whether two renders of an entry look the same in a
// list: everything but the body and its table of contents.
func sameCard(a, b *render.Entry) bool {
	x, y := *a, *b
	x.Body, y.Body = "", ""
	x.TOC, y.TOC = nil, nil
	return reflect.DeepEqual(x, y)
}

// wants reports whether b makes the file out: always, except in a
// narrowed build.
func (b *builder) wants(out string) bool {
	return b.only == nil || b.only[out]
}

// dependsOn records, while planning a whole build for a Builder, that
// the file out shows entries full in full and cards as list items.
func (b *builder) dependsOn(out string, full, cards []*content.Entry) {
	if b.deps != nil && b.only == nil {
		sh := b.deps[out]
		sh.full = append(sh.full, full...)
		sh.cards = append(sh.cards, cards...)
		b.deps[out] = sh
	}
}

// shapeOnly records that the file out is made from the log's shape
// alone (which entries, where) and not from what any entry says.
func (b *builder) shapeOnly(out string) {
	if b.deps != nil && b.only == nil {
		sh := b.deps[out]
		sh.shape = true
		b.deps[out] = sh
	}
}

// namedBySum records that the file out is named by a hash of its
// content: when the last build had a file of that name, it had these
// bytes, and a narrowed build does not make it again.
func (b *builder) namedBySum(out string) {
	if b.deps != nil && b.only == nil {
		b.deps[out] = b.deps[out]
	}
}

// memoFor returns f(), which reads only the render v (and the entry it
// renders): a Builder computes it once per render and keeps it for as
// long as the render is reused; Build computes it every time. name tells
// apart the things read from one render. Safe for concurrent use.
func memoFor[T any](b *builder, name string, v *render.Entry, f func() T) T {
	c := b.owner
	if c == nil || v == nil {
		return f()
	}
	if got, ok := memoed[T](c, name, v); ok {
		return got
	}
	val := f()
	c.memoMu.Lock()
	if c.memo == nil {
		c.memo = map[*render.Entry]map[string]any{}
	}
	if c.memo[v] == nil {
		c.memo[v] = map[string]any{}
	}
	c.memo[v][name] = val
	c.memoMu.Unlock()
	return val
}

// memoed returns what memoFor kept under name for the render v, if it
// did.
func memoed[T any](c *Builder, name string, v *render.Entry) (T, bool) {
	c.memoMu.Lock()
	got, ok := c.memo[v][name]
	c.memoMu.Unlock()
	if !ok {
		var zero T
		return zero, false
	}
	return got.(T), true
}

// cardCached reports whether the image cache holds the card key. When
// only entries changed, a Builder asks the cache once per key: a card
// it saw there stays (the dev server does not prune the cache).
func (b *builder) cardCached(key string) (bool, error) {
	c := b.owner
	if c == nil || b.reuse == nil {
		ok, err := b.images.cache.Has(key)
		if ok && err == nil && c != nil {
			c.memoMu.Lock()
			c.cards[key] = true
			c.memoMu.Unlock()
		}
		return ok, err
	}
	c.memoMu.Lock()
	ok := c.cards[key]
	c.memoMu.Unlock()
	if ok {
		return true, nil
	}
	ok, err := b.images.cache.Has(key)
	if ok && err == nil {
		c.memoMu.Lock()
		c.cards[key] = true
		c.memoMu.Unlock()
	}
	return ok, err
}

// relatedOf returns the entries related to e, as f finds them. A
// narrowed build, where the log kept its shape, takes the last build's
// answer rather than look again.
func (b *builder) relatedOf(e *content.Entry, f func(*content.Entry) []*content.Entry) []*content.Entry {
	if b.owner != nil && b.only != nil {
		if paths, ok := b.owner.related[e.Path]; ok {
			out := make([]*content.Entry, 0, len(paths))
			for _, p := range paths {
				if o := b.byPath[p]; o != nil {
					out = append(out, o)
				}
			}
			if len(out) == len(paths) {
				return out
			}
		}
	}
	r := f(e)
	if b.related != nil && b.only == nil {
		paths := make([]string, len(r))
		for i, o := range r {
			paths[i] = o.Path
		}
		b.related[e.Path] = paths
	}
	return r
}

// remake records, while planning a whole build for a Builder, how to
// make the file out again from a later build of the log in the same
// shape (patch.go).
func (b *builder) remake(out string, f func(*builder) job) {
	if b.makers != nil && b.only == nil {
		b.makers[out] = f
	}
}

// lastGroup returns the files of the group name (files made together,
// whose names depend on each other) as the last build made them, when
// b is a narrowed build and they are its to keep; else nil.
func (b *builder) lastGroup(name string) []string {
	if b.owner == nil || b.only == nil {
		return nil
	}
	return b.owner.groups[name]
}

// remember records that out belongs to the group name, made from the
// log's shape alone.
func (b *builder) remember(name, out string) {
	b.shapeOnly(out)
	if b.groups != nil && b.only == nil {
		b.groups[name] = append(b.groups[name], out)
	}
}

// narrowJobs keeps the jobs b wants, and those that make a file the
// last build did not have (a name that holds a hash of its content, like
// an Open Graph card's, changes with it). The last build's files that
// nothing plans any more are gone.
func (b *builder) narrowJobs(jobs []job) ([]job, error) {
	if b.only == nil {
		return jobs, nil
	}
	planned := make(map[string]bool, len(jobs))
	var out []job
	for _, j := range jobs {
		if planned[j.out] {
			return nil, errReshaped // two jobs, one file: a whole build says so
		}
		planned[j.out] = true
		if _, ok := b.known[j.out]; !ok || b.only[j.out] {
			out = append(out, j)
		}
	}
	for name := range b.known {
		if !planned[name] {
			b.gone = append(b.gone, name)
		}
	}
	return out, nil
}

// pageOut is the file a page at the site path p is written to.
func pageOut(p string) string {
	if strings.HasSuffix(p, ".html") {
		return strings.TrimPrefix(p, "/")
	}
	return strings.TrimPrefix(p, "/") + "index.html"
}
