package site

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/shiplog/shiplog/internal/diag"
	"github.com/shiplog/shiplog/internal/render"
	"github.com/shiplog/shiplog/internal/ticker"
)

// loadTicker fills the strip from the cache. The build never touches the
// network: with no cache the strip holds a note, and a corrupt cache is a
// warning (the strip is left empty until a refresh rewrites it).
func (b *builder) loadTicker() {
	if !b.cfg.TickerEnabled() {
		return
	}
	b.ticker = render.Ticker{Note: "No headlines yet: run `shiplog ticker refresh` to fetch the Hacker News front page."}
	if b.opts.TickerLive {
		b.ticker.Live = "/" + ticker.LivePath // on the dev server, at its root
	}
	cache := filepath.Join(b.opts.Src, filepath.FromSlash(ticker.CacheFile))
	if b.owner != nil {
		// Read before the strip is: a cache rewritten in between makes
		// the next patch (patch.go) decline, never keep a stale strip.
		b.tickerState = tickerState(cache)
	}
	snap, err := ticker.Cached(cache)
	if err != nil {
		var ce *ticker.CacheError
		if errors.As(err, &ce) {
			err = ce.Err
		}
		line, col := 0, 0
		if ce != nil {
			line, col = ce.Line, ce.Col
		}
		b.problems.Add(diag.Warnf(ticker.CacheFile, line, col, "run `shiplog ticker refresh` to fetch it again",
			"the ticker cache is corrupt (%v); the strip is left empty", err))
		return
	}
	if snap.Empty() {
		return
	}
	st := ticker.View(snap, b.tickerTerms())
	b.ticker.AsOf, b.ticker.Label, b.ticker.Seconds, b.ticker.FetchedAt = st.AsOf, st.Label, st.Seconds, st.FetchedAt
	for _, it := range st.Items {
		h := render.Headline{Title: it.Title, URL: it.URL, DiscussURL: it.DiscussURL, Points: it.Points, Comments: it.Comments}
		if m := it.Marker; m != nil {
			h.Marker = &render.Link{Label: m.Text, URL: m.URL}
		}
		b.ticker.Items = append(b.ticker.Items, h)
	}
}

// tickerState is what the ticker's cache file holds, or why it cannot be
// read, for telling whether it changed between two builds.
func tickerState(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return "\x00" + err.Error()
	}
	return string(data)
}

// tickerTerms are what the log is about, for the "in your log" markers:
// every tag, linking to its page, and every error message an entry
// solved, linking to the newest such entry.
func (b *builder) tickerTerms() []ticker.Term {
	var terms []ticker.Term
	for _, t := range b.log.Tags {
		terms = append(terms, ticker.Term{Text: t.Name, URL: b.url("/tags/" + t.Slug + "/"), Entries: len(t.Entries)})
	}
	seen := map[string]int{}
	for _, e := range b.log.Entries { // newest first
		for _, msg := range e.Errors {
			k := strings.ToLower(strings.TrimSpace(msg))
			if i, ok := seen[k]; ok {
				terms[i].Entries++
				continue
			}
			seen[k] = len(terms)
			terms = append(terms, ticker.Term{Text: msg, URL: b.url(e.URL()), Entries: 1, Error: true})
		}
	}
	return terms
}

// tickerJSFile is the ticker's script with a hash of its content in its
// name, like the stylesheet; "" when the strip has nothing for it to do.
func (b *builder) tickerJSFile() (name string, data []byte) {
	if len(b.ticker.Items) == 0 && b.ticker.Live == "" {
		return "", nil
	}
	data = b.files.Get("ticker.js")
	sum := sha256.Sum256(data)
	return fmt.Sprintf("assets/ticker.%x.js", sum[:5]), data
}
