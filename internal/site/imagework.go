package site

import (
	"bytes"
	"cmp"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	xwebp "golang.org/x/image/webp"

	"github.com/shiplog/shiplog/internal/config"
	"github.com/shiplog/shiplog/internal/content"
	"github.com/shiplog/shiplog/internal/diag"
	"github.com/shiplog/shiplog/internal/imaging"
	"github.com/shiplog/shiplog/internal/markdown"
	"github.com/shiplog/shiplog/internal/render"
)

// CacheDir is where, inside a log's folder, made images are kept between
// builds. It is safe to delete.
const CacheDir = ".shiplog/cache/images"

// ImageReport counts a build's image work.
type ImageReport struct {
	Variants  int // files made from the log's images (variants and fallbacks) that the site uses
	Made      int // of those, made by this build; the rest came from the cache
	Corrupt   int // cache entries found damaged, and made again
	Cards     int // Open Graph cards the site uses
	CardsMade int // of those, drawn by this build
	Pruned    int // cache entries removed, unused for cacheMaxAge
}

// cacheMaxAge is how long a made image no page uses stays in the cache.
const cacheMaxAge = 30 * 24 * time.Hour

func newImages(root *os.Root, src string, cfg config.Config) *images {
	return &images{
		root: root,
		limits: imaging.Limits{
			MaxBytes:  int64(cfg.Limits.ImageMiB) << 20,
			MaxPixels: int64(cfg.Limits.ImageMegapixels) * 1_000_000,
		},
		settings:     imaging.Settings{Quality: cfg.Images.Quality},
		cache:        imaging.OpenCache(filepath.Join(src, filepath.FromSlash(CacheDir))),
		keepMetadata: cfg.Images.KeepMetadata,
	}
}

// useImages records where a rendered document (at path, in dir) shows
// its images, so that a problem found when they are made can name the
// place.
func (b *builder) useImages(dir, path string, refs []markdown.ImageRef) {
	for _, r := range refs {
		if f, _, err := b.images.resolve(dir, r.Dest); err == nil {
			f.use(imageRef{path, r.Line, r.Col})
		}
	}
}

// imageJob is the work for one source image: the files of its plan
// that the cache lacks.
type imageJob struct {
	f    *imageFile
	want []bool // over f.plan.All()
	n    int
}

// makeImages makes every variant the pages show that the cache does not
// hold, on all cores, then the entries' Open Graph cards. With a warm
// cache it decodes nothing. A picture that cannot be decoded is a
// problem at the first place that shows it; a card that cannot be drawn
// is left out with a warning.
func (b *builder) makeImages(ctx context.Context) error {
	b.cards = map[*content.Entry]*render.Image{}
	return b.makeImagesOf(ctx, b.log.Entries)
}

// makeImagesOf is makeImages for the images b has seen so far, and the
// cards of entries alone.
func (b *builder) makeImagesOf(ctx context.Context, entries []*content.Entry) error {
	b.sw.phase("images")
	im := b.images
	var files []*imageFile
	for _, f := range im.files {
		if f.err == nil && f.shown.Load() && !f.info.Passthrough() {
			files = append(files, f)
		}
	}
	slices.SortFunc(files, func(a, c *imageFile) int { return cmp.Compare(a.src, c.src) })

	var jobs []imageJob
	for _, f := range files {
		j := imageJob{f: f, want: make([]bool, len(f.keys))}
		for i := range f.keys {
			b.imageReport.Variants++
			switch ok, err := im.cache.Has(f.keys[i]); {
			case ok:
				continue
			case errors.Is(err, imaging.ErrCorrupt):
				b.imageReport.Corrupt++
			case err != nil:
				return fmt.Errorf("image cache: %w", err)
			}
			j.want[i] = true
			j.n++
		}
		if j.n > 0 {
			jobs = append(jobs, j)
			b.imageReport.Made += j.n
		}
	}
	cards := b.planCards(entries)
	var todo []*cardJob
	used := map[string]bool{}
	for _, f := range files {
		for _, k := range f.keys {
			used[k] = true
		}
	}
	for _, c := range cards {
		used[c.key] = true
		if !c.cached {
			todo = append(todo, c)
		}
	}
	// What no page has used for a month goes; a cache that cannot be
	// pruned only grows. The dev server prunes when it starts and when
	// more than entries changed, not on every save: reading the whole
	// cache's folder costs more than a save's rebuild, and what an edit
	// stops using is a month from going anyway.
	if b.reuse == nil {
		b.imageReport.Pruned, _ = im.cache.Prune(used, cacheMaxAge, time.Now())
	}
	total := len(jobs) + len(todo)
	if total == 0 {
		return nil
	}

	b.opts.Progress.start("making images", total)
	var mu sync.Mutex
	var problems diag.List
	var firstErr error
	parallel(ctx, len(jobs), func(i int) {
		defer b.opts.Progress.add(1)
		j := jobs[i]
		if err := b.makeVariants(j); err != nil {
			mu.Lock()
			defer mu.Unlock()
			var ce *cacheError
			if errors.As(err, &ce) {
				firstErr = cmp.Or(firstErr, err)
				return
			}
			r := j.f.ref
			problems.Add(diag.Errorf(r.path, r.line, r.col, "open the file in an image editor and save it again, or replace it",
				"%s cannot be decoded: %v", j.f.src, err))
		}
	})
	if err := cmp.Or(firstErr, ctx.Err()); err != nil {
		return err
	}
	if len(problems) > 0 {
		problems.Sort()
		b.problems.Add(problems...)
		return nil
	}
	var warnings diag.List
	parallel(ctx, len(todo), func(i int) {
		defer b.opts.Progress.add(1)
		c := todo[i]
		if err := b.drawCard(c); err != nil {
			mu.Lock()
			defer mu.Unlock()
			warnings.Add(diag.Warnf(c.e.Path, 0, 0, "the page is shared with its hero image or none instead", "Open Graph card left out: %v", err))
			c.failed = true
		}
	})
	for _, c := range cards {
		if c.failed {
			delete(b.cards, c.e)
		}
	}
	warnings.Sort()
	b.problems.Add(warnings...)
	return ctx.Err()
}

// cacheError is a failure of the cache itself (a full disk, a folder
// that cannot be written), not of an image.
type cacheError struct{ err error }

func (e *cacheError) Error() string { return "image cache: " + e.err.Error() }
func (e *cacheError) Unwrap() error { return e.err }

func (b *builder) makeVariants(j imageJob) error {
	data, err := readAll(b.root.FS(), j.f.src)
	if err != nil {
		return err
	}
	made, err := imaging.Make(data, j.f.info, j.f.plan.All(), j.want)
	if err != nil {
		return err
	}
	for i, m := range made {
		if !j.want[i] {
			continue
		}
		if err := b.images.cache.Put(j.f.keys[i], m); err != nil {
			return &cacheError{err}
		}
	}
	return nil
}

// cardJob is one entry's Open Graph card.
type cardJob struct {
	e      *content.Entry
	card   imaging.Card
	key    string
	hero   *imageFile // nil for none
	cached bool
	failed bool
}

// planCards decides the cards of entries, publishes each beside its
// entry's page and says which the cache lacks. Cards need absolute URLs,
// so a log without base_url gets none.
func (b *builder) planCards(entries []*content.Entry) []*cardJob {
	if !b.absolute() || !b.cfg.CardsEnabled() {
		return nil
	}
	jobs := make([]*cardJob, 0, len(entries))
	for _, e := range entries {
		// A Builder plans a card once per render: what it shows and
		// where it goes change only with the entry, or with the
		// settings and images, which render the entry again.
		p := memoFor(b, "card", b.views[e], func() cardPlan { return b.planCard(e) })
		c := &cardJob{e: e, card: p.card, key: p.key}
		ok, err := b.cardCached(c.key)
		c.cached = ok && err == nil
		if !c.cached {
			b.imageReport.CardsMade++
			if p.card.HeroID != "" {
				c.hero, _, _ = b.images.resolve(e.Dir(), e.Hero.Src)
			}
		}
		b.imageReport.Cards++
		key := c.key
		b.assets = append(b.assets, asset{src: e.Path, dst: p.dst, by: e.Path, run: func() ([]byte, error) {
			return b.images.cache.Get(key)
		}})
		b.cards[e] = p.image
		jobs = append(jobs, c)
	}
	return jobs
}

// cardPlan is what an entry's card shows, its key in the cache, the
// file it is published as and the image pages point to.
type cardPlan struct {
	card  imaging.Card
	key   string
	dst   string
	image *render.Image
}

func (b *builder) planCard(e *content.Entry) cardPlan {
	v := b.views[e]
	p := cardPlan{card: imaging.Card{
		Site:      b.cfg.Title,
		Title:     e.Title,
		Kind:      e.Kind,
		KindLabel: kindLabels[e.Kind],
		Date:      e.Date.Format("2 January 2006"),
		Project:   e.Project,
		Lesson:    v.LessonText,
	}}
	if h := e.Hero; h != nil {
		if f, _, err := b.images.resolve(e.Dir(), h.Src); err == nil && !f.info.Passthrough() && len(f.plan.Variants) > 0 {
			p.card.HeroID = hex.EncodeToString(f.sum[:])
		}
	}
	p.key = p.card.Key()
	name := "og." + p.key[:8] + ".png"
	p.dst = "log/" + e.Slug + "/" + name
	p.image = &render.Image{URL: b.absURL(b.url(e.URL() + name)), Alt: e.Title, Width: imaging.CardWidth, Height: imaging.CardHeight}
	return p
}

// drawCard draws c into the cache. The slice of the hero comes from its
// medium variant, already made, never from the original.
func (b *builder) drawCard(c *cardJob) error {
	card := c.card
	if f := c.hero; f != nil {
		i := 0
		for k, s := range f.plan.Variants {
			if s.Width <= 960 {
				i = k
			}
		}
		data, err := b.images.cache.Get(f.keys[i])
		if err != nil {
			return fmt.Errorf("hero variant: %w", err)
		}
		m, err := xwebp.Decode(bytes.NewReader(data))
		if err != nil {
			return fmt.Errorf("hero variant: %w", err)
		}
		card.Hero = m
	}
	png, err := card.Render()
	if err != nil {
		return err
	}
	return b.images.cache.Put(c.key, png)
}
