package ticker_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/shiplog/shiplog/internal/hntest"
	"github.com/shiplog/shiplog/internal/ticker"
)

// TestRefresherOncePerTTL runs the dev server's refresh loop for a while:
// a fresh cache means no request at start, then one refresh per TTL, and
// the handler serves the newest strip.
func TestRefresherOncePerTTL(t *testing.T) {
	t.Parallel()
	const ttl = 400 * time.Millisecond
	srv := hntest.New(t)
	path := filepath.Join(t.TempDir(), "ticker.json")
	// A cache fetched just now: the loop waits a TTL before asking.
	fresh := ticker.Snapshot{Version: 1, Source: "hn", FetchedAt: time.Now().UTC(), Headlines: []ticker.Headline{
		{ID: 7, Rank: 1, Title: "Cached headline", URL: "https://example.com/", DiscussURL: "https://news.ycombinator.com/item?id=7"},
	}}
	if err := ticker.Save(path, fresh); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	updates := 0
	// The timeout only bounds a hang: a loaded machine can take seconds
	// to serve 31 local requests.
	r := &ticker.Refresher{Path: path, TTL: ttl, Options: opts(srv, 30*time.Second), OnUpdate: func(ticker.Snapshot) {
		mu.Lock()
		updates++
		mu.Unlock()
	}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- r.Run(ctx) }()

	time.Sleep(ttl / 2)
	if n := srv.Hits("/v0/topstories.json"); n != 0 {
		t.Errorf("%d refreshes with a fresh cache, want none before the TTL", n)
	}
	get := func(etag string) (*httptest.ResponseRecorder, ticker.Strip) {
		req := httptest.NewRequest("GET", "/"+ticker.LivePath, nil)
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		var st ticker.Strip
		if rec.Code == http.StatusOK {
			if err := json.Unmarshal(rec.Body.Bytes(), &st); err != nil {
				t.Fatalf("the live strip is not JSON: %v", err)
			}
		}
		return rec, st
	}
	rec, st := get("")
	if len(st.Items) != 1 || st.Items[0].Title != "Cached headline" {
		t.Errorf("live strip before a refresh = %+v, want the cached headline", st.Items)
	}
	if rec, _ := get(rec.Header().Get("ETag")); rec.Code != http.StatusNotModified {
		t.Errorf("GET with the same ETag = %d, want 304", rec.Code)
	}

	time.Sleep(ttl*2 + ttl/2) // ~3 TTLs since the cache was written
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v, want nil when ctx ends", err)
	}
	n := srv.Hits("/v0/topstories.json")
	if n < 1 || n > 3 {
		t.Errorf("%d refreshes in about 3 TTLs, want 1 to 3 (at most one per TTL)", n)
	}
	mu.Lock()
	// The last refresh may have been cut short by the cancel.
	if updates < n-1 || updates > n || updates == 0 {
		t.Errorf("OnUpdate called %d times for %d refreshes", updates, n)
	}
	mu.Unlock()
	// The loop's last refresh may have been cut short (its strip then
	// holds the headlines that arrived); one more, uncut, makes the
	// strip whole for the checks below.
	r.RefreshNow(context.Background())
	r.SetTerms([]ticker.Term{{Text: "PostgreSQL", URL: "/tags/postgresql/", Entries: 3}})
	_, st = get("")
	if len(st.Items) != 30 {
		t.Fatalf("live strip after a refresh has %d items, want 30", len(st.Items))
	}
	if m := st.Items[2].Marker; m == nil || m.URL != "/tags/postgresql/" {
		t.Errorf("live strip item %q has marker %+v, want one linking to /tags/postgresql/", st.Items[2].Title, m)
	}
	if rec, _ := get(rec.Header().Get("ETag")); rec.Code != http.StatusOK {
		t.Errorf("GET with an old ETag = %d, want 200", rec.Code)
	}
}

// TestRefresherFailureKeepsLastGood checks that a failing API neither
// empties the live strip nor makes the loop ask more than once per TTL.
func TestRefresherFailureKeepsLastGood(t *testing.T) {
	t.Parallel()
	srv := hntest.New(t)
	path := filepath.Join(t.TempDir(), "ticker.json")
	r := &ticker.Refresher{Path: path, TTL: time.Hour, Options: opts(srv, 2*time.Second)}
	if !r.RefreshNow(context.Background()) {
		t.Fatal("the first refresh failed")
	}
	srv.SetFault(hntest.Fault{Kind: hntest.Status500})
	if r.RefreshNow(context.Background()) {
		t.Error("a refresh against a failing API reported a change")
	}
	if n := len(r.Snapshot().Headlines); n != 30 {
		t.Errorf("after a failed refresh the strip has %d headlines, want the last good 30", n)
	}
	if next := time.Until(r.Next()); next < 59*time.Minute {
		t.Errorf("next refresh in %v after a failure, want a whole TTL", next)
	}
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest("POST", "/"+ticker.LivePath, nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST = %d, want 405", rec.Code)
	}
}
