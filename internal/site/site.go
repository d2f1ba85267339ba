// Package site builds an engineering log into a static site. Build reads
// top to bottom: load → render Markdown → model the pages → write them into
// a staging folder → swap it in.
package site

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shiplog/shiplog/internal/buildcache"
	"github.com/shiplog/shiplog/internal/config"
	"github.com/shiplog/shiplog/internal/content"
	"github.com/shiplog/shiplog/internal/diag"
	"github.com/shiplog/shiplog/internal/markdown"
	"github.com/shiplog/shiplog/internal/render"
	"github.com/shiplog/shiplog/internal/theme"
	"github.com/shiplog/shiplog/internal/ticker"
)

// Options says what to build and how.
type Options struct {
	Src    string    // the log's folder
	Out    string    // the output folder; Src/public when ""
	Drafts bool      // include drafts (the dev server does)
	Now    time.Time // entries dated after Now are left out; zero keeps all
	Serve  bool      // building for the dev server
	Strict bool      // warnings fail the build
	// TickerLive makes pages poll ticker.LivePath for new headlines: set
	// it when the dev server serves a ticker.Refresher there.
	TickerLive bool
	// NoCache renders every entry afresh, neither reading nor writing
	// the cache of rendered entries in Src/.shiplog/cache/.
	NoCache bool
	// Stats measures time and memory per phase into Report.Stats.
	Stats bool
	// Progress, when not nil, is kept up to date while the build runs.
	Progress *Progress

	sitemapMaxURLs int // URLs per sitemap file; 0 is the protocol's 50,000 (tests make it small)

	keepSources, keepRendered int64 // bytes of bodies kept in memory; 0 is the default (bodies.go)

	// The stamp of the inputs (stamp.go): noStamp neither checks nor
	// keeps one; stampRace is how fresh a file may be and still be
	// trusted, 0 for the default and < 0 for any age (tests, whose
	// files are all fresh).
	noStamp   bool
	stampRace time.Duration
}

// Report sums up a build.
type Report struct {
	Entries  int
	Pages    int
	Files    int
	Drafts   int // drafts left out
	Future   int // entries dated in the future, left out
	Problems diag.List
	Elapsed  time.Duration
	Out      string
	// TickerTerms are the tags and error messages of the log, for the dev
	// server's live strip to mark headlines the way the build does.
	TickerTerms []ticker.Term
	Stats       *Stats      // with Options.Stats
	Images      ImageReport // what the image work did
	// UpToDate says the output already held this build: no input had
	// changed since the build that made it (stamp.go), whose counts and
	// warnings the report repeats.
	UpToDate bool
}

// Warnings returns the number of warnings.
func (r *Report) Warnings() int {
	_, w := r.Problems.Count()
	return w
}

// Summary is the one line printed after a build.
func (r *Report) Summary() string {
	verb := "built"
	if r.UpToDate {
		verb = "up to date:"
	}
	s := fmt.Sprintf("%s %d %s, %d pages, %d %s in %s → %s", verb,
		r.Entries, plural(r.Entries, "entry", "entries"), r.Pages,
		r.Warnings(), plural(r.Warnings(), "warning", "warnings"),
		r.Elapsed.Round(time.Millisecond), r.Out)
	var skipped []string
	if r.Drafts > 0 {
		skipped = append(skipped, fmt.Sprintf("%d %s", r.Drafts, plural(r.Drafts, "draft", "drafts")))
	}
	if r.Future > 0 {
		skipped = append(skipped, fmt.Sprintf("%d dated in the future", r.Future))
	}
	if len(skipped) > 0 {
		s += " (left out: " + strings.Join(skipped, ", ") + ")"
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Build builds the site. On success the output folder holds the new site;
// on failure it is untouched and the returned error (a *diag.ListError for
// problems in the input) says why. The report is returned in both cases so
// warnings can be printed.
func Build(ctx context.Context, opts Options) (*Report, error) {
	rep, _, err := buildWith(ctx, opts, nil)
	return rep, err
}

// buildWith is Build, or with inc a build for the dev server's Builder
// (incremental.go): entries are read through its cache, renders it kept
// are reused, and the site goes to its store instead of a folder.
func buildWith(ctx context.Context, opts Options, inc *Builder) (*Report, *builder, error) {
	start := time.Now()
	sw := newStopwatch(opts.Stats)
	sw.phase("inputs")
	if opts.Out == "" {
		opts.Out = filepath.Join(opts.Src, "public")
	}
	rep := &Report{Out: opts.Out}
	fail := func(err error) (*Report, *builder, error) {
		rep.Elapsed = time.Since(start)
		return rep, nil, err
	}

	cfg, problems := config.Load(opts.Src)
	if err := problems.Err(); err != nil {
		rep.Problems.Add(problems...)
		return fail(err)
	}
	if err := checkOut(opts.Src, opts.Out); inc == nil && err != nil {
		rep.Problems.Add(problems...)
		return fail(err)
	}
	var stamp buildcache.Key // of the inputs, for the next build (stamp.go)
	if inc == nil && !opts.NoCache && !opts.noStamp {
		stamp = takeStamp(opts, cfg.Location)
		if upToDate(outputManifests(opts.Src), opts.Out, stamp, opts.Now, rep) {
			rep.Stats = sw.finish(nil)
			if rep.Stats != nil {
				rep.Stats.UpToDate = true
				rep.Stats.Unchanged, rep.Stats.Skipped = rep.Files, rep.Files
			}
			rep.UpToDate = true
			rep.Elapsed = time.Since(start)
			return rep, nil, nil
		}
	}
	sw.phase("load")
	rep.Problems.Add(problems...)
	root, err := os.OpenRoot(opts.Src)
	if err != nil {
		return fail(err)
	}
	defer root.Close()

	files, unknown, err := theme.Load(root, "layouts")
	if err != nil {
		return fail(err)
	}
	for _, name := range unknown {
		rep.Problems.Add(diag.Warnf("layouts/"+name, 0, 0, "theme files are: "+strings.Join(theme.Names(), ", "), "the theme has no file named %s; it is ignored", name))
	}
	// The templates are compiled while the log loads (a core would
	// otherwise wait); a broken template is reported alone, as if the
	// log had not been read.
	var (
		tpl        *render.Templates
		compileErr error
		compiled   = make(chan struct{})
	)
	go func() {
		defer close(compiled)
		tpl, compileErr = inc.compile(files)
	}()
	sourceBudget, renderedBudget := opts.budgets()
	log, problems := inc.loadLog(root, content.Options{
		Location:       cfg.Location,
		Drafts:         opts.Drafts,
		Now:            opts.Now,
		MaxFile:        int64(cfg.Limits.MarkdownMiB) << 20,
		MaxFrontMatter: cfg.Limits.FrontMatterKiB << 10,
		KeepBodies:     sourceBudget,
		Found: func(n int) {
			if inc == nil && hugePages {
				hugeHeapFor(n)
			}
		},
	})
	<-compiled
	if err := compileErr; err != nil {
		var te *render.TemplateError
		if errors.As(err, &te) {
			rep.Problems.Add(diag.Errorf("layouts/"+te.File, te.Line, 1, "fix the template, or remove it to use the default", "%v", te.Err))
			return fail(rep.Problems.Err())
		}
		return fail(err)
	}
	rep.Problems.Add(problems...)
	if err := rep.Problems.Err(); err != nil {
		return fail(err)
	}
	rep.Drafts, rep.Future = log.Drafts, log.Future
	sw.phase("render")

	mdOpts := markdown.Options{Unsafe: cfg.Markdown.Unsafe, ReservedIDs: files.IDs(), ErrorLangs: cfg.Markdown.ErrorLangs}
	b := &builder{
		cfg:    cfg,
		opts:   opts,
		root:   root,
		log:    log,
		tpl:    tpl,
		files:  files,
		md:     markdown.New(mdOpts),
		images: newImages(root, opts.Src, cfg),
		sw:     sw,
	}
	b.mdSettings = markdownSettings(mdOpts, b.siteRoot())
	if !opts.NoCache {
		dir := filepath.Join(opts.Src, ".shiplog", "cache", "entries")
		b.spillAt = renderedBudget(len(log.Entries))
		if inc != nil {
			b.spillAt = 0 // the dev server keeps its renders for the next build
			b.cache = buildcache.SharedPack(dir)
			defer b.cache.Flush()
		} else {
			b.cache = buildcache.OpenPack(dir)
			defer b.cache.Close() // also when the build fails: what it rendered is kept
			if len(log.Entries) <= maxFactsEntries {
				b.facts = buildcache.OpenPack(filepath.Join(opts.Src, ".shiplog", "cache", "facts"))
				defer b.facts.Close()
			}
		}
	}
	inc.attach(b)
	b.byPath = make(map[string]*content.Entry, len(log.Entries))
	b.pageURLs = map[string]bool{"/": true, "/log/": true, "/tags/": true, "/projects/": true, "/archive/": true, "/lessons/": true, "/404.html": true}
	for _, e := range log.Entries {
		b.byPath[e.Path] = e
		b.pageURLs[e.URL()] = true
		b.pageURLs["/log/kind/"+e.Kind+"/"] = true
	}
	for _, t := range log.Tags {
		b.pageURLs["/tags/"+t.Slug+"/"] = true
	}
	for _, t := range log.Projects {
		b.pageURLs["/projects/"+t.Slug+"/"] = true
	}
	b.loadTicker()
	if err := b.renderEntries(ctx); err != nil {
		return fail(err)
	}
	if inc == nil {
		// A one-off build renders each entry once: its Markdown is not
		// needed past here (the dev server keeps it for the next build).
		for _, e := range log.Entries {
			e.Release()
		}
	}
	if err := b.renderHome(); err != nil {
		return fail(err)
	}
	if err := b.makeImages(ctx); err != nil {
		return fail(err)
	}
	rep.Images = b.imageReport
	rep.Problems.Add(b.problems...)
	if err := rep.Problems.Err(); err != nil {
		return fail(err)
	}
	if err := ctx.Err(); err != nil {
		return fail(err)
	}

	sw.phase("plan")
	st, err := inc.stage(b, opts.Out)
	if err != nil {
		return fail(err)
	}
	if b.cache != nil && inc == nil { // the dev server keeps its own generations
		st.remember(outputManifests(opts.Src))
	}
	swapped := false
	defer func() {
		if !swapped { // any way out but the swap, a panic included
			st.discard()
		}
	}()
	if err := b.write(ctx, st); err != nil {
		var list *diag.ListError
		if errors.As(err, &list) {
			rep.Problems.Add(list.List...)
			return fail(rep.Problems.Err())
		}
		return fail(err)
	}
	if opts.Strict && rep.Warnings() > 0 {
		return fail(&StrictError{Warnings: rep.Warnings()})
	}
	sw.phase("swap")
	leftover, err := st.swap()
	if err != nil {
		return fail(err)
	}
	swapped = true
	rep.Entries = len(log.Entries)
	rep.Pages, rep.Files = b.nPages, b.nFiles
	var from, until int64 // when a build shows these entries: from the newest one's date until the next one is due
	if !opts.Now.IsZero() {
		if len(log.Entries) > 0 {
			from = log.Entries[0].Date.UnixNano()
		}
		if !log.NextFuture.IsZero() {
			until = log.NextFuture.UnixNano()
		}
	}
	st.saveManifest(stamp, from, until, encodeReport(rep))
	b.written, b.unchanged, b.removed, b.skipped = b.nFiles-st.unchanged, st.unchanged, st.removed, st.skipped
	if inc == nil { // the dev server reuses renders without asking the cache
		b.cache.Prune() // a cache that cannot be pruned only grows
		b.facts.Prune()
	}
	if leftover != nil {
		// The new site is in place; only the old one could not be removed.
		rep.Problems.Add(diag.Warnf("", 0, 0, "remove it by hand", "%v", leftover))
	}
	rep.TickerTerms = b.tickerTerms()
	rep.Stats = sw.finish(b)
	rep.Elapsed = time.Since(start)
	return rep, b, nil
}

// StrictError fails a --strict build that has warnings.
type StrictError struct{ Warnings int }

func (e *StrictError) Error() string {
	return fmt.Sprintf("%d %s with --strict", e.Warnings, plural(e.Warnings, "warning", "warnings"))
}

// builder holds one build's state.
// maxFactsEntries is the largest log whose one-off builds keep each
// entry's search terms and error messages in the facts cache. Its index
// is held while the build runs, and its writes add to a big build's: a
// cold build of 100,000 entries (400 MB of facts) peaked at 1,035 MiB
// with it against 983 MiB without, past the 1 GiB budget, so a log that
// big recomputes them (docs/benchmarks.md).
const maxFactsEntries = 30000

type builder struct {
	cfg      config.Config
	rootOnce sync.Once
	rootPath string // siteRoot's answer, made once
	termMu   sync.RWMutex
	termURLs map[[2]string]string // termURL's answers
	opts     Options
	root     *os.Root
	log      *content.Log
	tpl      *render.Templates
	files    *theme.Files
	md       *markdown.Renderer
	images   *images

	incState                    // for the dev server's Builder (incremental.go); zero for Build
	cache      *buildcache.Pack // rendered Markdown; nil with Options.NoCache
	facts      *buildcache.Pack // what one-off builds derive from each entry's text (search terms, error messages); nil with Options.NoCache
	mdSettings string           // what besides a document a render depends on
	sw         *stopwatch       // nil unless Options.Stats

	written, unchanged, removed, skipped int // output files

	efp map[*content.Entry]buildcache.Key // entry fingerprints (fingerprint.go)

	// A big log's rendered bodies are not all kept in memory (bodies.go).
	spillAt int64                             // bytes of rendered bodies to keep; 0 keeps all
	held    atomic.Int64                      // bytes of rendered bodies kept so far
	spilled map[*content.Entry]buildcache.Key // bodies left in the cache, by key
	gfp     buildcache.Key                    // the global fingerprint

	rel      *relatedIndex             // made on first use (relatedTo)
	byPath   map[string]*content.Entry // published entries by source path
	pageURLs map[string]bool           // the site's pages ("/log/x/"), for relative links
	site     *render.Site
	ticker   render.Ticker

	// imageReport counts the image work; cards are the entries' Open
	// Graph cards, made by makeImages.
	imageReport ImageReport
	cards       map[*content.Entry]*render.Image

	about    template.HTML // home.md, rendered
	views    map[*content.Entry]*render.Entry
	assets   []asset // images to copy
	problems diag.List
	nPages   int
	nFiles   int
	mu       sync.Mutex
}

// asset is a file copied from the site into the output.
type asset struct {
	src, dst string // relative to the site root and to the output root
	by       string // the entry that uses it
	// run makes the file's bytes; nil publishes src without its
	// metadata (see scrubImage).
	run func() ([]byte, error)
}

// rendered is an entry after Markdown.
type rendered struct {
	view   *render.Entry
	assets []asset
	diags  diag.List
	key    buildcache.Key // where the rendered Markdown is in the cache
	id     buildcache.Key // of the rendered Markdown; zero without a cache
	spill  bool           // the body is not kept in memory: read it from the cache
	fp     buildcache.Key // of what pages show of the entry; zero without a cache
}

// renderEntries renders every entry's Markdown in parallel on all cores.
func (b *builder) renderEntries(ctx context.Context) error {
	entries := b.log.Entries
	out := make([]rendered, len(entries))
	jobs := make(chan int)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	b.opts.Progress.start("rendering entries", len(entries))
	for range min(runtime.GOMAXPROCS(0), max(1, len(entries))) {
		wg.Go(func() {
			for i := range jobs {
				r, ok := b.reused(entries[i])
				var err error
				if !ok {
					r, err = b.renderEntrySafely(entries[i])
					if err == nil && r.id != (buildcache.Key{}) {
						if b.owner == nil { // the dev server keeps no manifest to compare pages with (write)
							r.fp = entryFP(entries[i], r.view, r.id)
						}
						if b.spillAt > 0 && b.held.Add(int64(len(r.view.Body))) > b.spillAt {
							r.spill, r.view.Body = true, ""
						}
					}
				}
				b.opts.Progress.add(1)
				if err != nil {
					select {
					case errs <- err:
					default:
					}
					continue
				}
				out[i] = r
			}
		})
	}
	for i := range entries {
		if ctx.Err() != nil {
			break
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
	}
	b.views = make(map[*content.Entry]*render.Entry, len(entries))
	b.efp = make(map[*content.Entry]buildcache.Key, len(entries))
	b.spilled = map[*content.Entry]buildcache.Key{}
	for i, e := range entries {
		b.views[e] = out[i].view
		b.efp[e] = out[i].fp
		if out[i].spill {
			b.spilled[e] = out[i].key
		}
		b.assets = append(b.assets, out[i].assets...)
		b.problems.Add(out[i].diags...)
		b.keep(e, out[i])
	}
	return nil
}

// renderEntrySafely renders e, turning a panic into an error naming e.
func (b *builder) renderEntrySafely(e *content.Entry) (r rendered, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("render %s: internal error: %v (please report this)", e.Path, p)
		}
	}()
	return b.renderEntry(e)
}

// renderHome renders home.md, whose images are resolved from the site
// root and published at the same path in the output (or from static/).
func (b *builder) renderHome() error {
	if b.log.Home == nil {
		return nil
	}
	place := func(f *imageFile) (placed, bool) {
		if rel, ok := strings.CutPrefix(f.src, "static/"); ok {
			return placed{dst: rel, url: b.url("/" + pathEscape(rel))}, true
		}
		return placed{dst: f.src, url: b.url("/" + pathEscape(f.src))}, false
	}
	publish := func(f *imageFile) string {
		pl, static := place(f)
		if !static {
			b.assets = append(b.assets, asset{src: f.src, dst: pl.dst, by: "home.md"})
		}
		return pl.url
	}
	res, err := b.md.Render(markdown.Doc{
		Path:   "home.md",
		Line:   1,
		Source: b.log.Home,
		Image: func(dest string) (markdown.ImageInfo, error) {
			f, keep, err := b.images.resolve(".", dest)
			if err != nil {
				return markdown.ImageInfo{}, err
			}
			pl, static := place(f)
			pic, made, orig := b.picture(f, pl, "home.md")
			b.assets = append(b.assets, made...)
			if orig && !static {
				b.assets = append(b.assets, b.original(f, pl.dst, "home.md", keep))
			}
			return pic.markdown(), nil
		},
		Link: b.linkResolver(".", "/", publish),
	})
	if err != nil {
		return err
	}
	b.useImages(".", "home.md", res.Images)
	b.problems.Add(res.Problems...)
	b.about = template.HTML(res.HTML)
	return nil
}

// linkResolver resolves the relative links of a document in dir, shown
// at pageURL, to absolute URLs, so that they work on every page that
// shows the document. A link names either a file of the site, relative
// to the document's file (an entry's .md file or its folder: the entry's
// page; an image: its published copy; a file in static/: its URL), or,
// failing that, a page of the site relative to the document's page
// ("../other-slug/").
func (b *builder) linkResolver(dir, pageURL string, publish func(*imageFile) string) func(string) (string, error) {
	return func(dest string) (string, error) {
		p, rest := dest, ""
		if i := strings.IndexAny(p, "?#"); i >= 0 {
			p, rest = p[:i], p[i:]
		}
		if u, err := url.PathUnescape(p); err == nil {
			p = u
		}
		target := path.Join(dir, p)
		for _, t := range []string{target, target + "/index.md", target + "/index.markdown"} {
			if e, ok := b.byPath[t]; ok {
				return b.url(e.URL()) + rest, nil
			}
		}
		info, err := fs.Stat(b.root.FS(), target)
		if target == ".." || strings.HasPrefix(target, "../") {
			err = fs.ErrNotExist // never look outside the site; try it as a page
		}
		switch ext := strings.ToLower(path.Ext(target)); {
		case err == nil && (ext == ".md" || ext == ".markdown"):
			return "", fmt.Errorf("%s is not published (is it a draft, or dated in the future?)", target)
		case err == nil && imageExts[ext]:
			f, _, err := b.images.resolve(dir, p)
			if err != nil {
				return "", err
			}
			return publish(f) + rest, nil
		case err == nil && strings.HasPrefix(target, "static/") && !info.IsDir():
			return b.url("/"+pathEscape(strings.TrimPrefix(target, "static/"))) + rest, nil
		case err == nil && !info.IsDir():
			return "", fmt.Errorf("%s is not published (links may name an entry's .md file, an image or a file in static/)", target)
		}
		page := path.Join(pageURL, p)
		if strings.HasSuffix(p, "/") || p == "" || p == "." || p == ".." {
			page = strings.TrimSuffix(page, "/") + "/"
		}
		if b.pageURLs[page] {
			return b.url(page) + rest, nil
		}
		return "", fmt.Errorf("neither a file of the site (%s) nor a page (%s)", target, page)
	}
}

// pathEscape escapes each segment of a slash-separated path.
func pathEscape(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

func (b *builder) renderEntry(e *content.Entry) (rendered, error) {
	var r rendered
	src, err := e.Source(b.root.FS())
	if err != nil {
		return r, err
	}
	names := map[string]string{} // output name → source, to keep names apart
	place := func(f *imageFile) (placed, bool) {
		name := path.Base(f.src)
		if prev, ok := names[name]; ok && prev != f.src {
			sum := sha256.Sum256([]byte(f.src))
			name = fmt.Sprintf("%x-%s", sum[:4], name)
		}
		names[name] = f.src
		if rel, ok := strings.CutPrefix(f.src, "static/"); ok {
			return placed{dst: rel, url: b.url("/" + rel)}, true
		}
		return placed{dst: "log/" + e.Slug + "/" + name, url: b.url(e.URL() + url.PathEscape(name))}, false
	}
	publish := func(f *imageFile) string {
		pl, static := place(f)
		if !static {
			r.assets = append(r.assets, asset{src: f.src, dst: pl.dst, by: e.Path})
		}
		return pl.url
	}
	show := func(f *imageFile, keep bool) picture {
		pl, static := place(f)
		pic, made, orig := b.picture(f, pl, e.Path)
		r.assets = append(r.assets, made...)
		if orig && !static {
			r.assets = append(r.assets, b.original(f, pl.dst, e.Path, keep))
		}
		return pic
	}
	res, key, id, err := b.renderMarkdown(markdown.Doc{
		Path:   e.Path,
		Line:   e.BodyLine,
		Source: src,
		Image: func(dest string) (markdown.ImageInfo, error) {
			f, keep, err := b.images.resolve(e.Dir(), dest)
			if err != nil {
				return markdown.ImageInfo{}, err
			}
			return show(f, keep).markdown(), nil
		},
		Link: b.linkResolver(e.Dir(), e.URL(), publish),
	})
	if err != nil {
		return r, err
	}
	b.useImages(e.Dir(), e.Path, res.Images)
	r.diags, r.key, r.id = res.Problems, key, id
	v := b.entryView(e)
	v.Body = template.HTML(res.HTML)
	if e.Lesson != "" {
		v.Lesson = template.HTML(template.HTMLEscapeString(e.Lesson))
		v.LessonText = e.Lesson
	} else if len(res.LessonHTML) > 0 {
		v.Lesson = template.HTML(res.LessonHTML)
		v.LessonText = res.LessonText
	}
	v.Minutes = max(1, (res.Words+229)/230)
	if res.Words >= 600 && len(res.Headings) >= 4 {
		for _, h := range res.Headings {
			if h.Level <= 3 {
				v.TOC = append(v.TOC, render.Heading{Level: h.Level, ID: h.ID, Text: h.Text})
			}
		}
	}
	if h := e.Hero; h != nil {
		f, keep, err := b.images.resolve(e.Dir(), h.Src)
		if err != nil {
			r.diags.Add(diag.Errorf(e.Path, h.Line, h.Col, "check the file name; images live beside the entry and names are case-sensitive", "hero: %v", err))
		} else {
			f.use(imageRef{e.Path, h.Line, h.Col})
			v.Hero = show(f, keep).hero(h.Alt, h.Caption)
			if h.Alt == "" {
				r.diags.Add(diag.Warnf(e.Path, h.Line, h.Col, "add alt: describing what the image shows", "hero has no alt text"))
			}
		}
	}
	b.keepFull(v)
	r.view = v
	return r, nil
}

// url prefixes a site path with the site's root path.
func (b *builder) url(p string) string {
	root := b.siteRoot()
	if root == "/" && strings.HasPrefix(p, "/") {
		return p // most sites: nothing to add, nothing to allocate
	}
	return root + strings.TrimPrefix(p, "/")
}

// siteRoot is the path the site is served under, "/" or "/blog/": the
// path of base_url, worked out once per build (pages ask for it for
// every link).
func (b *builder) siteRoot() string {
	b.rootOnce.Do(func() {
		b.rootPath = "/"
		if u, err := url.Parse(b.cfg.BaseURL); err == nil && u.Path != "" {
			b.rootPath = strings.TrimSuffix(u.Path, "/") + "/"
		}
	})
	return b.rootPath
}

// cssBytes is the stylesheet; its URL carries a hash of its content so
// CDNs can cache it forever.
func (b *builder) cssFile() (name string, data []byte) {
	data = b.files.Get("style.css")
	if b.opts.Serve {
		// The dev server swaps a changed stylesheet into open pages, which
		// needs it to keep its name (see incremental.go).
		return serveCSS, data
	}
	sum := sha256.Sum256(data)
	return fmt.Sprintf("assets/style.%x.css", sum[:5]), data
}

// staticFiles lists the files under static/, skipping dotfiles. A link
// to a file inside the site is followed; a link out of the site, or to a
// folder (which could loop), is a problem.
func (b *builder) staticFiles() ([]string, diag.List, error) {
	var files []string
	var problems diag.List
	fsys := b.root.FS()
	err := fs.WalkDir(fsys, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == "static" && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll
			}
			return fmt.Errorf("%s: %w", p, err)
		}
		if p != "static" && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			info, err := fs.Stat(fsys, p)
			switch {
			case err != nil:
				problems.Add(diag.Errorf(p, 0, 0, "links in static/ must point to a file inside the site by a relative path; copy the file in instead",
					"cannot follow the link: %v", unwrapPath(err)))
			case info.IsDir():
				problems.Add(diag.Errorf(p, 0, 0, "copy the folder into static/ instead",
					"is a link to a folder; shiplog does not follow linked folders"))
			default:
				files = append(files, p)
			}
			return nil
		}
		if !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	return files, problems, err
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func readAll(fsys fs.FS, p string) ([]byte, error) { return fs.ReadFile(fsys, p) }
