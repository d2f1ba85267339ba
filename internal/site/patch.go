package site

// A patch is the dev server's build of the most common save: a body edit
// that leaves the entry where it was in the log. A whole build, even a
// narrowed one, reads and sorts every entry, checks every render and
// plans every file of the site to keep the few the edit affects; a patch
// starts from the last build instead and does only what the edit needs:
//
//   - it reads the edited files alone (content.Cache.Reread) and puts
//     each entry in its old place in the last build's log (Log.Replace);
//   - it renders the edited entries, and makes their images and cards;
//   - it updates the search index for their documents alone
//     (search.Index.UpdateDocs), and keeps the error memory;
//   - it makes only the files the last whole build recorded as showing
//     an edited entry (rev, and revCard when what a list shows of it
//     changed), each with the function that whole build recorded for it
//     (remake), called on the patched build, plus the search manifest
//     and the shards whose content changed.
//
// Everything else is the last build's: its pages, its views and renders
// of the other entries, the related entries and tag lists it recorded.
// A patch declines, and the ordinary build runs, whenever one of those
// might not hold: an entry moved (sameShape), its images, lesson or error
// messages changed, a file it would make has no recorded maker, time
// brought an entry dated in the future into the log, the ticker's cache
// changed, or anything at all went wrong (the ordinary build says what).
// TestIncrementalMatchesFullBuild checks that a patch writes exactly the
// bytes of a full build, and that the edits that must not be patched are
// not.

import (
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"time"

	"github.com/shiplog/shiplog/internal/buildcache"
	"github.com/shiplog/shiplog/internal/content"
	"github.com/shiplog/shiplog/internal/diag"
	"github.com/shiplog/shiplog/internal/errmem"
	"github.com/shiplog/shiplog/internal/render"
	"github.com/shiplog/shiplog/internal/search"
	"github.com/shiplog/shiplog/internal/ticker"
)

// errDeclined says a patch cannot make this build.
var errDeclined = errors.New("not a patch")

// edit is one edited entry in a patch.
type edit struct {
	old, e *content.Entry
	parsed diag.List // the problems of reading it
	r      rendered
	was    *render.Entry // the last build's render of it
}

// patch builds the site for c.changed from the last build, when every
// changed file is an entry that kept its place. Else it returns
// errDeclined, or any other error, and the Builder's last build is as it
// was (its caches of what was read, rendered and indexed hold what the
// patch found, as they would after any build).
func (c *Builder) patch(ctx context.Context, opts Options) (*Report, *builder, error) {
	prev := c.last
	if prev == nil || c.changed == nil || c.forceFull || c.makers == nil || c.report == nil {
		return nil, nil, errDeclined
	}
	for _, p := range c.changed {
		if prev.byPath[p] == nil { // not a published entry
			return nil, nil, errDeclined
		}
	}
	if opts.Out == "" {
		opts.Out = filepath.Join(opts.Src, "public")
	}
	start := time.Now()
	sw := newStopwatch(opts.Stats)
	sw.phase("load")
	if !opts.Now.IsZero() && ((prev.log.Future > 0 && !prev.log.NextFuture.After(opts.Now)) ||
		(len(prev.log.Entries) > 0 && prev.log.Entries[0].Date.After(opts.Now))) {
		return nil, nil, errDeclined // an entry came due, or the clock went back
	}
	cfg := prev.cfg
	state := ""
	if cfg.TickerEnabled() {
		state = tickerState(filepath.Join(opts.Src, filepath.FromSlash(ticker.CacheFile)))
	}
	if state != prev.tickerState {
		return nil, nil, errDeclined // every page shows the strip
	}
	root, err := os.OpenRoot(opts.Src)
	if err != nil {
		return nil, nil, err
	}
	defer root.Close()

	b := &builder{
		cfg:        cfg,
		opts:       opts,
		root:       root,
		log:        prev.log,
		tpl:        prev.tpl,
		files:      prev.files,
		md:         prev.md,
		images:     newImages(root, opts.Src, cfg),
		sw:         sw,
		mdSettings: prev.mdSettings,
		spilled:    map[*content.Entry]buildcache.Key{},
		byPath:     maps.Clone(prev.byPath),
		pageURLs:   prev.pageURLs,
		site:       prev.site,
		ticker:     prev.ticker,
		about:      prev.about,
		views:      maps.Clone(prev.views),
		cards:      maps.Clone(prev.cards),
	}
	if !opts.NoCache {
		b.cache = buildcache.SharedPack(filepath.Join(opts.Src, ".shiplog", "cache", "entries"))
		defer b.cache.Flush()
	}
	b.owner = c
	// A rebuild: images are not pruned, cards are looked up once.
	b.reuse = func(*content.Entry) (rendered, bool) { return rendered{}, false }
	// The new renders go in with the others when the patch commits.
	b.kept, b.rekept = prev.kept, map[string]kept{}
	b.only, b.known = map[string]bool{}, c.files
	b.memEntries, b.memFixes, b.memFiles = prev.memEntries, prev.memFixes, prev.memFiles
	b.shards, b.tickerState, b.patched = prev.shards, state, true
	hl := prev.md.Stats()

	// The log: each edited entry in its old place.
	copts := content.Options{
		Location:       cfg.Location,
		Drafts:         opts.Drafts,
		Now:            opts.Now,
		MaxFile:        int64(cfg.Limits.MarkdownMiB) << 20,
		MaxFrontMatter: cfg.Limits.FrontMatterKiB << 10,
	}
	var edits []edit
	for _, p := range c.changed {
		old := prev.byPath[p]
		e, parsed, ok := c.content.Reread(root, copts, p)
		if !ok {
			return nil, nil, errDeclined
		}
		if e == old {
			continue // saved without a change
		}
		if !sameShape(old, e) {
			return nil, nil, errDeclined
		}
		if b.log, ok = b.log.Replace(old, e); !ok {
			return nil, nil, errDeclined
		}
		b.byPath[p] = e
		edits = append(edits, edit{old: old, e: e, parsed: parsed, was: prev.views[old]})
	}

	// Their renders, images and cards.
	sw.phase("render")
	var entries []*content.Entry
	for i := range edits {
		x := &edits[i]
		r, err := b.renderEntrySafely(x.e)
		if err != nil {
			return nil, nil, err
		}
		if r.diags.HasErrors() || r.view == nil || x.was == nil || !sameAssets(c.renders[x.e.Path].r.assets, r.assets) ||
			(x.was.Lesson == "") != (r.view.Lesson == "") {
			return nil, nil, errDeclined
		}
		x.r = r
		delete(b.views, x.old)
		b.views[x.e] = r.view
		sum, _ := c.content.Sum(x.e.Path)
		b.rekept[x.e.Path] = kept{r: r, sum: sum}
		delete(b.cards, x.old)
		b.replaced = append(b.replaced, x.was)
		entries = append(entries, x.e)
	}
	if err := b.makeImagesOf(ctx, entries); err != nil {
		return nil, nil, err
	}
	if len(b.problems) > 0 { // a picture that cannot be decoded, a card left out
		return nil, nil, errDeclined
	}

	// The files that show them.
	sw.phase("write")
	only := b.only
	for _, name := range c.always {
		only[name] = true
	}
	var jobs []job
	for _, x := range edits {
		for _, name := range c.rev[x.e.Path] {
			only[name] = true
		}
		if !sameCard(x.was, x.r.view) {
			for _, name := range c.revCard[x.e.Path] {
				only[name] = true
			}
		}
		// A card is named by what it shows: a new name is a new file,
		// and the old one is gone.
		was, ok := memoed[cardPlan](c, "card", x.was)
		now, ok2 := memoed[cardPlan](c, "card", x.r.view)
		if ok != ok2 {
			return nil, nil, errDeclined
		}
		if ok && was.dst != now.dst {
			if _, taken := c.files[now.dst]; taken {
				return nil, nil, errDeclined
			}
			key := now.key
			jobs = append(jobs, b.assetJob(asset{src: x.e.Path, dst: now.dst, by: x.e.Path, run: func() ([]byte, error) {
				return b.images.cache.Get(key)
			}}))
			b.gone = append(b.gone, was.dst)
		}
	}
	known, err := b.patchKnowledge(ctx, edits)
	if err != nil {
		return nil, nil, err
	}
	jobs = append(jobs, known...)
	for _, name := range slices.Sorted(maps.Keys(only)) {
		remake := c.makers[name]
		if remake == nil {
			return nil, nil, errDeclined // nothing recorded how to make it
		}
		jobs = append(jobs, remake(b))
	}
	st := &stage{written: map[string]string{}, put: c.sink}
	if err := b.run(ctx, st, jobs); err != nil {
		return nil, nil, err
	}
	c.narrowed = true

	rep := &Report{
		Out:         opts.Out,
		Entries:     len(b.log.Entries),
		Drafts:      b.log.Drafts,
		Future:      b.log.Future,
		TickerTerms: c.report.TickerTerms, // tags and error messages, which a patch keeps
		Images:      c.report.Images,
	}
	rep.Images.Made, rep.Images.CardsMade, rep.Images.Corrupt, rep.Images.Pruned = b.imageReport.Made, b.imageReport.CardsMade, b.imageReport.Corrupt, 0
	// The last build's problems, but for those of the edited entries,
	// which come from reading and rendering them (and their cards, which
	// were drawn without one above).
	edited := map[string]bool{}
	for _, x := range edits {
		edited[x.e.Path] = true
	}
	for _, p := range c.report.Problems {
		if !edited[p.Path] {
			rep.Problems.Add(p)
		}
	}
	for _, x := range edits {
		rep.Problems.Add(x.parsed...)
		rep.Problems.Add(x.r.diags...)
	}
	if rep.Stats = sw.finish(b); rep.Stats != nil {
		// The renderer is the last build's, and counts from its start.
		rep.Stats.Highlight -= hl.Highlight
		rep.Stats.Blocks -= hl.Blocks
		rep.Stats.Reused -= hl.Reused
	}
	rep.Elapsed = time.Since(start)
	return rep, b, nil
}

// patchKnowledge updates the search index for the edited entries and
// returns the jobs of its manifest and of its shards with new names;
// the shards no longer in it are gone. The error memory and /errors/ are
// kept, when the edits changed none of their messages, fixes and cards;
// else the patch declines.
func (b *builder) patchKnowledge(ctx context.Context, edits []edit) ([]job, error) {
	c, prev := b.owner, b.owner.last
	entries := b.log.Entries
	n := len(entries)
	if len(prev.memEntries) != n || len(prev.memFixes) != n || c.search == nil {
		return nil, errDeclined
	}
	b.memEntries, b.memFixes = slices.Clone(prev.memEntries), slices.Clone(prev.memFixes)
	var docs []int
	for _, x := range edits {
		i := b.log.Index(x.e)
		if i < 0 {
			return nil, errDeclined
		}
		v, scan := x.r.view, b.scan(x.e)
		m := memoFor(b, "memory", v, func() *errmem.Entry { return memoryEntry(x.e, v.LessonText, scan.Errors) })
		// The memory and /errors/ show an entry with error messages: its
		// messages, fix, card, and what errors.tsv says of it.
		o := prev.memEntries[i]
		if (len(m.Messages) > 0 || len(o.Messages) > 0) &&
			(scan.Fix != prev.memFixes[i] || !reflect.DeepEqual(*m, *o) || !sameCard(x.was, v)) {
			return nil, errDeclined
		}
		b.memEntries[i], b.memFixes[i] = m, scan.Fix
		docs = append(docs, n-1-i)
	}
	for _, name := range prev.memFiles {
		if _, ok := b.known[name]; !ok {
			return nil, errDeclined
		}
		delete(b.only, name)
	}

	doc := func(k int) search.Doc {
		e := entries[n-1-k]
		return b.searchDoc(e, b.scan(e).Text)
	}
	if err := c.search.UpdateDocs(ctx, n, docs, doc, b.searchOptions()); err != nil {
		return nil, err
	}
	var jobs []job
	shards := map[string]bool{}
	b.shards = nil
	for _, f := range c.search.Files() {
		name := searchDir + f.Name
		if f.Name == "index.json" {
			delete(b.only, name)
		} else {
			shards[name] = true
			b.shards = append(b.shards, name)
			if _, ok := b.known[name]; ok {
				continue // named by its content: the last build's
			}
		}
		jobs = append(jobs, job{out: name, by: "the search index", run: func() ([]byte, error) { return f.Bytes(), nil }})
	}
	for _, name := range prev.shards {
		if !shards[name] {
			b.gone = append(b.gone, name)
		}
	}
	return jobs, nil
}
