package ticker

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// LivePath is where the dev server serves the current strip, under the
// site's root, for open pages to poll.
const LivePath = "_shiplog/ticker.json"

// Refresher keeps a cache fresh while the dev server runs and serves the
// current strip as JSON (it is an http.Handler) so open pages can swap
// in new headlines without a reload.
//
// It refreshes at most once per TTL, counted from the cache's fetched_at
// and from its own last attempt, so neither restarting the server nor a
// failing API makes it ask more often.
type Refresher struct {
	Path     string        // the cache file
	Options  Options       // how to fetch
	TTL      time.Duration // 10 minutes when 0
	Log      *slog.Logger  // refresh failures and warnings; discarded when nil
	OnUpdate func(Snapshot)

	mu      sync.Mutex
	snap    Snapshot
	terms   []Term
	lastTry time.Time
	loaded  bool
}

// SetTerms sets what the log is about, for the markers on headlines.
func (r *Refresher) SetTerms(terms []Term) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.terms = terms
}

// Snapshot returns the snapshot served now.
func (r *Refresher) Snapshot() Snapshot {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.snap
}

func (r *Refresher) log() *slog.Logger {
	if r.Log == nil {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return r.Log
}

func (r *Refresher) ttl() time.Duration {
	if r.TTL <= 0 {
		return 10 * time.Minute
	}
	return r.TTL
}

func (r *Refresher) now() time.Time {
	if r.Options.Now != nil {
		return r.Options.Now()
	}
	return time.Now()
}

// load reads the cache once, so the handler has something to serve
// before the first refresh.
func (r *Refresher) load() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.loaded {
		return
	}
	r.loaded = true
	s, err := Cached(r.Path)
	if err != nil {
		r.log().Warn("ticker", "warning", err.Error())
	}
	r.snap = s
}

// Next is when the next refresh is due.
func (r *Refresher) Next() time.Time {
	r.load()
	r.mu.Lock()
	defer r.mu.Unlock()
	last := r.snap.FetchedAt
	if now := r.now(); last.After(now) {
		last = now // a clock that went back must not stop refreshes
	}
	if r.lastTry.After(last) {
		last = r.lastTry
	}
	return last.Add(r.ttl())
}

// Run refreshes whenever one is due, until ctx ends. It returns nil then.
func (r *Refresher) Run(ctx context.Context) error {
	r.load()
	for {
		if wait := r.Next().Sub(r.now()); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return nil
			case <-t.C:
			}
		}
		if ctx.Err() != nil {
			return nil
		}
		r.RefreshNow(ctx)
	}
}

// RefreshNow refreshes at once and reports whether the snapshot changed.
// On failure the last good snapshot stays and a warning is logged.
func (r *Refresher) RefreshNow(ctx context.Context) bool {
	r.load()
	r.mu.Lock()
	r.lastTry = r.now()
	r.mu.Unlock()
	res, err := Refresh(ctx, r.Path, r.Options)
	if res.CacheErr != nil {
		r.log().Warn("ticker", "warning", res.CacheErr.Error())
	}
	for _, w := range res.Warnings {
		r.log().Warn("ticker", "warning", w)
	}
	if err != nil {
		if ctx.Err() == nil {
			if res.Snapshot.Empty() {
				r.log().Warn("ticker refresh failed; the strip stays empty", "err", err, "next", r.ttl())
			} else {
				r.log().Warn("ticker refresh failed; keeping the last good headlines", "err", err, "as_of", res.Snapshot.AsOf(), "next", r.ttl())
			}
		}
		return false
	}
	r.mu.Lock()
	r.snap = res.Snapshot
	r.mu.Unlock()
	if r.OnUpdate != nil {
		r.OnUpdate(res.Snapshot)
	}
	return true
}

// ServeHTTP answers GET with the current strip as JSON (see Strip), and
// 304 when the page already has it.
func (r *Refresher) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "only GET and HEAD", http.StatusMethodNotAllowed)
		return
	}
	r.load()
	r.mu.Lock()
	st := View(r.snap, r.terms)
	r.mu.Unlock()
	body, err := json.Marshal(st)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	sum := sha256.Sum256(body)
	etag := fmt.Sprintf(`"%x"`, sum[:8])
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("ETag", etag)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if req.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if req.Method == http.MethodHead {
		return
	}
	w.Write(body)
}
