package ticker_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/shiplog/shiplog/internal/hntest"
	"github.com/shiplog/shiplog/internal/ticker"
)

// opts points a fetch at srv with a short deadline.
func opts(srv *hntest.Server, timeout time.Duration) ticker.Options {
	return ticker.Options{API: srv.API(), Count: 30, Timeout: timeout, UserAgent: ticker.UserAgent("test")}
}

func TestFetchFrontPage(t *testing.T) {
	srv := hntest.New(t)
	now := time.Date(2026, 3, 14, 9, 30, 12, 0, time.UTC)
	o := opts(srv, 5*time.Second)
	o.Now = func() time.Time { return now }
	snap, warnings, err := ticker.Fetch(context.Background(), o)
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if len(warnings) > 0 {
		t.Errorf("Fetch warned about an ordinary front page: %q", warnings)
	}
	if got := len(snap.Headlines); got != 30 {
		t.Fatalf("Fetch returned %d headlines, want 30", got)
	}
	if snap.Source != ticker.SourceHN || snap.Label() != "Top stories" {
		t.Errorf("source %q label %q, want hn, Top stories", snap.Source, snap.Label())
	}
	if !snap.FetchedAt.Equal(now) || snap.AsOf() != "as of 09:30 UTC" {
		t.Errorf("FetchedAt %v AsOf %q, want %v and as of 09:30 UTC", snap.FetchedAt, snap.AsOf(), now)
	}
	for i, h := range snap.Headlines {
		if h.Rank != i+1 || h.ID != int64(1000+i) {
			t.Errorf("headline %d: rank %d id %d, want rank %d id %d (front-page order)", i, h.Rank, h.ID, i+1, 1000+i)
		}
		if want := "https://news.ycombinator.com/item?id=" + strconv.FormatInt(h.ID, 10); h.DiscussURL != want {
			t.Errorf("headline %d: DiscussURL %q, want %q", i, h.DiscussURL, want)
		}
	}
	// The sixth story has no url, like an Ask HN post: it links to its discussion.
	if h := snap.Headlines[5]; h.URL != h.DiscussURL {
		t.Errorf("a story without url links to %q, want its discussion %q", h.URL, h.DiscussURL)
	}
	if h := snap.Headlines[0]; h.Points != 500 || h.Comments != 10 || h.By != "user0" {
		t.Errorf("first headline %+v, want 500 points, 10 comments, by user0", h)
	}
	qs := srv.TopStoriesQueries()
	if len(qs) != 1 {
		t.Fatalf("topstories asked %d times, want once", len(qs))
	}
	q, _ := url.ParseQuery(qs[0])
	if q.Get("orderBy") != `"$key"` || q.Get("limitToFirst") != "45" {
		t.Errorf("topstories query %q, want orderBy=\"$key\" and limitToFirst=45 (only what is needed)", qs[0])
	}
	if n := srv.Hits("/v0/item/"); n > 45 {
		t.Errorf("%d item requests, want at most 45", n)
	}
	for _, ua := range srv.UserAgents() {
		if !strings.HasPrefix(ua, "shiplog/test (+https://github.com/shiplog/shiplog") {
			t.Errorf("User-Agent %q, want a polite one naming shiplog", ua)
			break
		}
	}
}

// seed fills a cache with a good refresh from a healthy server and
// returns its bytes.
func seed(t *testing.T, path string) []byte {
	t.Helper()
	good := hntest.New(t)
	if _, err := ticker.Refresh(context.Background(), path, opts(good, 5*time.Second)); err != nil {
		t.Fatalf("seed the cache: %v", err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkClean fails unless every headline is plain, clean text with
// http(s) links.
func checkClean(t *testing.T, s ticker.Snapshot) {
	t.Helper()
	for _, h := range s.Headlines {
		for _, u := range []string{h.URL, h.DiscussURL} {
			p, err := url.Parse(u)
			if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
				t.Errorf("headline %d links to %q, want only http(s) links", h.ID, u)
			}
		}
		if n := utf8.RuneCountInString(h.Title); n > ticker.MaxTitle || n == 0 {
			t.Errorf("headline %d has a title of %d characters, want 1 to %d", h.ID, n, ticker.MaxTitle)
		}
		for _, r := range h.Title {
			if r < ' ' || (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069') {
				t.Errorf("headline %d title %q keeps control character %U", h.ID, h.Title, r)
			}
		}
		if strings.Contains(h.Title, "&amp;") || strings.Contains(h.Title, "&lt;") {
			t.Errorf("headline %d title %q still holds entities", h.ID, h.Title)
		}
	}
}

// TestFaultMatrix runs a refresh against every fault of the test server,
// with the last good snapshot in the cache. Every refresh ends within its
// deadline; a broken answer leaves the cache byte for byte as it was; odd
// or hostile data comes out as clean text with http(s) links.
func TestFaultMatrix(t *testing.T) {
	const deadline = 1500 * time.Millisecond
	const slack = 2 * time.Second // generous for a loaded CI machine; the slow faults stall for 30 s
	cases := []struct {
		fault hntest.Fault
		fails bool
		check func(t *testing.T, s ticker.Snapshot, warnings []string)
	}{
		{fault: hntest.Fault{Kind: hntest.SlowConnect}, fails: true},
		{fault: hntest.Fault{Kind: hntest.SlowHeaders}, fails: true},
		{fault: hntest.Fault{Kind: hntest.SlowBody}, fails: true},
		{fault: hntest.Fault{Kind: hntest.Status500}, fails: true},
		{fault: hntest.Fault{Kind: hntest.TooMany, RetryAfter: "1"}, fails: true},
		{fault: hntest.Fault{Kind: hntest.TooMany, RetryAfter: "3600"}, fails: true},
		{fault: hntest.Fault{Kind: hntest.HTMLBody}, fails: true},
		{fault: hntest.Fault{Kind: hntest.TruncatedJSON}, fails: true},
		{fault: hntest.Fault{Kind: hntest.NullItems}, check: func(t *testing.T, s ticker.Snapshot, _ []string) {
			for _, h := range s.Headlines {
				if (h.ID-1000)%2 == 1 {
					t.Errorf("null item %d shown", h.ID)
				}
			}
			if len(s.Headlines) != 20 {
				t.Errorf("%d headlines, want the 20 that are not null", len(s.Headlines))
			}
		}},
		{fault: hntest.Fault{Kind: hntest.DeadDeleted}, check: func(t *testing.T, s ticker.Snapshot, _ []string) {
			if s.Headlines[0].ID != 1003 {
				t.Errorf("first headline is %d, want 1003: the dead, deleted and job items are left out", s.Headlines[0].ID)
			}
		}},
		{fault: hntest.Fault{Kind: hntest.EntityTitles}, check: func(t *testing.T, s ticker.Snapshot, warnings []string) {
			if got, want := s.Headlines[0].Title, `<b>AT&T</b> outage: "it's DNS"`; got != want {
				t.Errorf("title %q, want %q (entities decoded once)", got, want)
			}
			if got, want := s.Headlines[1].Title, "Café & bar — 5 < 6"; got != want {
				t.Errorf("title %q, want %q", got, want)
			}
			if len(warnings) > 0 {
				t.Errorf("decoding entities warned: %q", warnings)
			}
		}},
		{fault: hntest.Fault{Kind: hntest.RawHTMLTitle}, check: func(t *testing.T, s ticker.Snapshot, _ []string) {
			if got, want := s.Headlines[0].Title, "<img src=x onerror=alert(1)> pwned"; got != want {
				t.Errorf("title %q, want the markup kept as text %q (the page escapes it)", got, want)
			}
		}},
		{fault: hntest.Fault{Kind: hntest.BidiTitle}, check: func(t *testing.T, s ticker.Snapshot, warnings []string) {
			if got, want := s.Headlines[0].Title, "Invoice for Alice fdp.exe and isolate done"; got != want {
				t.Errorf("title %q, want %q", got, want)
			}
			wantWarning(t, warnings, "item 1000 (rank 1): bidi control characters removed")
		}},
		{fault: hntest.Fault{Kind: hntest.HugeTitle}, check: func(t *testing.T, s ticker.Snapshot, warnings []string) {
			if n := utf8.RuneCountInString(s.Headlines[0].Title); n > ticker.MaxTitle || !strings.HasSuffix(s.Headlines[0].Title, "…") {
				t.Errorf("a 10 KB title became %d characters, want at most %d ending in …", n, ticker.MaxTitle)
			}
			wantWarning(t, warnings, "item 1000 (rank 1): shortened from 10243 to 300 characters")
		}},
		{fault: hntest.Fault{Kind: hntest.JavascriptURL}, check: func(t *testing.T, s ticker.Snapshot, warnings []string) {
			for _, h := range s.Headlines[:4] {
				if h.URL != h.DiscussURL {
					t.Errorf("headline %d links to %q, want its discussion", h.ID, h.URL)
				}
			}
			wantWarning(t, warnings, `item 1000 (rank 1): url "javascript:alert(document.domain)" is not an http(s) link; linking to the discussion instead`)
		}},
	}
	for _, tc := range cases {
		name := tc.fault.Kind.String()
		if tc.fault.RetryAfter != "" {
			name += "-retry-after-" + tc.fault.RetryAfter
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), ".shiplog", "ticker.json")
			before := seed(t, path)
			srv := hntest.New(t)
			srv.SetFault(tc.fault)
			start := time.Now()
			res, err := ticker.Refresh(context.Background(), path, opts(srv, deadline))
			elapsed := time.Since(start)
			if elapsed > deadline+slack {
				t.Errorf("Refresh took %v, want at most the deadline %v", elapsed, deadline)
			}
			after, _ := os.ReadFile(path)
			if tc.fails {
				if err == nil {
					t.Fatalf("Refresh succeeded against %s, want an error", name)
				}
				if !bytes.Equal(before, after) {
					t.Errorf("a failed refresh changed the cache")
				}
				if res.Updated || len(res.Snapshot.Headlines) != 30 {
					t.Errorf("a failed refresh returned Updated=%v with %d headlines, want the last good 30", res.Updated, len(res.Snapshot.Headlines))
				}
				return
			}
			if err != nil {
				t.Fatalf("Refresh: %v", err)
			}
			if !res.Updated || res.Snapshot.Source != ticker.SourceHN {
				t.Errorf("Updated=%v source %q, want a new snapshot from the API", res.Updated, res.Snapshot.Source)
			}
			checkClean(t, res.Snapshot)
			cached, err := ticker.Cached(path)
			if err != nil {
				t.Fatalf("the cache a refresh wrote does not read back: %v", err)
			}
			checkClean(t, cached)
			tc.check(t, res.Snapshot, res.Warnings)
		})
	}
}

func wantWarning(t *testing.T, warnings []string, want string) {
	t.Helper()
	for _, w := range warnings {
		if w == want {
			return
		}
	}
	t.Errorf("warnings %q lack %q", warnings, want)
}

// TestDefaultDeadline checks the contract's default: a stuck API and a
// stuck fallback still end the refresh within 5 seconds.
func TestDefaultDeadline(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the 5 s deadline")
	}
	t.Parallel()
	srv := hntest.New(t)
	srv.SetFault(hntest.Fault{Kind: hntest.SlowHeaders})
	start := time.Now()
	_, _, err := ticker.Fetch(context.Background(), ticker.Options{API: srv.API()})
	if elapsed := time.Since(start); elapsed > ticker.DefaultTimeout+2*time.Second {
		t.Errorf("Fetch took %v, want at most %v", elapsed, ticker.DefaultTimeout)
	}
	if err == nil || !strings.Contains(err.Error(), "before the refresh deadline") {
		t.Errorf("Fetch error %v, want one naming the deadline", err)
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	t.Parallel()
	srv := hntest.New(t)
	srv.SetFault(hntest.Fault{Kind: hntest.TooMany, RetryAfter: "1", Times: 1})
	start := time.Now()
	snap, _, err := ticker.Fetch(context.Background(), opts(srv, 5*time.Second))
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if elapsed := time.Since(start); elapsed < time.Second {
		t.Errorf("Fetch took %v after a 429 with Retry-After: 1, want at least 1s", elapsed)
	}
	if n := srv.Hits("/v0/topstories.json"); n != 2 {
		t.Errorf("topstories asked %d times, want 2 (one retry)", n)
	}
	if snap.Source != ticker.SourceHN {
		t.Errorf("source %q, want hn", snap.Source)
	}
}

func TestAtMostTwoRetries(t *testing.T) {
	t.Parallel()
	srv := hntest.New(t)
	srv.SetFault(hntest.Fault{Kind: hntest.Status500})
	o := opts(srv, 5*time.Second)
	o.Algolia = "off"
	_, _, err := ticker.Fetch(context.Background(), o)
	if err == nil || !strings.Contains(err.Error(), "500 Internal Server Error") {
		t.Errorf("Fetch error %v, want the 500", err)
	}
	if n := srv.Hits("/v0/topstories.json"); n != 3 {
		t.Errorf("topstories asked %d times, want 3 (two retries)", n)
	}
}

func TestNoRetryOnBadJSON(t *testing.T) {
	t.Parallel()
	srv := hntest.New(t)
	srv.SetFault(hntest.Fault{Kind: hntest.HTMLBody})
	o := opts(srv, 5*time.Second)
	o.Algolia = "off"
	_, _, err := ticker.Fetch(context.Background(), o)
	if err == nil || !strings.Contains(err.Error(), "an HTML page, not JSON") {
		t.Errorf("Fetch error %v, want one saying the answer is HTML", err)
	}
	if n := srv.Hits("/v0/topstories.json"); n != 1 {
		t.Errorf("topstories asked %d times, want once: a wrong body is not retried", n)
	}
}

func TestFallbackToAlgolia(t *testing.T) {
	t.Parallel()
	srv := hntest.New(t)
	srv.SetFault(hntest.Fault{Kind: hntest.Status500, Only: "/v0/"})
	snap, warnings, err := ticker.Fetch(context.Background(), opts(srv, 5*time.Second))
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if snap.Source != ticker.SourceAlgolia || snap.Label() != "Popular on the front page" {
		t.Errorf("source %q label %q, want algolia, Popular on the front page", snap.Source, snap.Label())
	}
	if len(snap.Headlines) != 30 {
		t.Errorf("%d headlines, want 30", len(snap.Headlines))
	}
	for i := 1; i < len(snap.Headlines); i++ {
		if snap.Headlines[i].Points > snap.Headlines[i-1].Points {
			t.Errorf("fallback headlines not by points: %d after %d", snap.Headlines[i].Points, snap.Headlines[i-1].Points)
			break
		}
	}
	checkClean(t, snap)
	if len(warnings) == 0 || !strings.Contains(warnings[0], "used Algolia's front page instead") {
		t.Errorf("warnings %q, want one saying the fallback was used", warnings)
	}
	if n := srv.Hits("/api/v1/search"); n != 1 {
		t.Errorf("Algolia asked %d times, want once", n)
	}
}

func TestAlgoliaLeavesOutOldHits(t *testing.T) {
	t.Parallel()
	srv := hntest.New(t)
	now := time.Now()
	stories := hntest.Stories(10, now)
	for i := range stories[:4] {
		stories[i].Time = now.Add(-72 * time.Hour).Unix()
	}
	srv.SetStories(stories)
	srv.SetFault(hntest.Fault{Kind: hntest.Status500, Only: "/v0/"})
	snap, _, err := ticker.Fetch(context.Background(), opts(srv, 5*time.Second))
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if len(snap.Headlines) != 6 {
		t.Errorf("%d headlines, want the 6 from the last two days", len(snap.Headlines))
	}
	for _, h := range snap.Headlines {
		if h.ID < 1004 {
			t.Errorf("a 3-day-old hit %d was kept", h.ID)
		}
	}
}

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	srv := hntest.New(t)
	o := opts(srv, 5*time.Second)
	o.MaxBody = 64
	o.Algolia = "off"
	_, _, err := ticker.Fetch(context.Background(), o)
	if err == nil || !strings.Contains(err.Error(), "over 64 bytes, the limit") {
		t.Errorf("Fetch error %v, want one naming the body limit", err)
	}
}

func TestThinRefreshKeepsLastGood(t *testing.T) {
	t.Parallel()
	srv := hntest.New(t)
	srv.SetFault(hntest.Fault{Kind: hntest.Status500, Only: "/v0/item/"})
	o := opts(srv, 5*time.Second)
	o.Algolia = "off"
	_, _, err := ticker.Fetch(context.Background(), o)
	if err == nil || !strings.Contains(err.Error(), "items could not be fetched") {
		t.Errorf("Fetch error %v, want one saying the items failed", err)
	}
}

func TestCorruptCache(t *testing.T) {
	good := func() []byte {
		path := filepath.Join(t.TempDir(), "ticker.json")
		return seed(t, path)
	}()
	hostile := strings.Replace(string(good), `"url": "https://example.com/story/1000"`, `"url": "javascript:alert(1)"`, 1)
	unclean := strings.Replace(string(good), `"title": "Show HN: A static-site generator for engineering logs"`, `"title": "Show HN: \u202egnp.exe"`, 1)
	for _, tc := range []struct {
		name, data string
		line, col  int
	}{
		{"truncated", string(good[:len(good)/2]), 0, 0},
		{"empty", "", 0, 0},
		{"garbage", "{\n  \"version\": 1,\n  oops\n}", 3, 3},
		{"html", "<html>", 1, 1},
		{"unknown field", `{"version":1,"source":"hn","fetched_at":"2026-03-14T09:30:00Z","headlines":[],"extra":1}`, 0, 0},
		{"other version", `{"version":9,"source":"hn","fetched_at":"2026-03-14T09:30:00Z","headlines":[]}`, 0, 0},
		{"javascript url", hostile, 0, 0},
		{"unclean title", unclean, 0, 0},
		{"two values", string(good) + string(good), 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, ".shiplog", "ticker.json")
			os.MkdirAll(filepath.Dir(path), 0o755)
			if err := os.WriteFile(path, []byte(tc.data), 0o644); err != nil {
				t.Fatal(err)
			}
			snap, err := ticker.Cached(path)
			var ce *ticker.CacheError
			if !errors.As(err, &ce) {
				t.Fatalf("Cached(%s) error %v, want a *CacheError", tc.name, err)
			}
			if !snap.Empty() {
				t.Errorf("Cached(%s) returned %d headlines, want none", tc.name, len(snap.Headlines))
			}
			if ce.Line != tc.line || ce.Col != tc.col {
				t.Errorf("Cached(%s) at %d:%d, want %d:%d", tc.name, ce.Line, ce.Col, tc.line, tc.col)
			}
			// A refresh warns and rewrites it.
			srv := hntest.New(t)
			res, err := ticker.Refresh(context.Background(), path, opts(srv, 5*time.Second))
			if err != nil {
				t.Fatalf("Refresh: %v", err)
			}
			if res.CacheErr == nil || !strings.Contains(res.CacheErr.Error(), "is corrupt") {
				t.Errorf("Refresh CacheErr = %v, want the corrupt cache reported", res.CacheErr)
			}
			if _, err := ticker.Cached(path); err != nil {
				t.Errorf("after a refresh the cache still does not read: %v", err)
			}
		})
	}
}

func TestCachedMissing(t *testing.T) {
	snap, err := ticker.Cached(filepath.Join(t.TempDir(), "nope", "ticker.json"))
	if err != nil || !snap.Empty() {
		t.Errorf("Cached(missing) = %d headlines, %v; want none and no error", len(snap.Headlines), err)
	}
}

// TestSaveAtomic saves two snapshots in turn while another goroutine
// reads: the reader only ever sees one or the other, whole, and no
// temporary file is left behind.
func TestSaveAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ticker.json")
	a := ticker.Snapshot{Version: 1, Source: "hn", FetchedAt: time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)}
	b := a
	for i := range 100 {
		b.Headlines = append(b.Headlines, ticker.Headline{ID: int64(i + 1), Rank: i + 1, Title: strings.Repeat("x", 200), URL: "https://example.com/", DiscussURL: "https://news.ycombinator.com/item?id=1"})
	}
	if err := ticker.Save(path, a); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		for ctx.Err() == nil {
			s, err := ticker.Cached(path)
			if err != nil {
				done <- err
				return
			}
			if n := len(s.Headlines); n != 0 && n != 100 {
				done <- fmt.Errorf("read a snapshot with %d headlines", n)
				return
			}
		}
		done <- nil
	}()
	for i := range 60 {
		s := a
		if i%2 == 0 {
			s = b
		}
		if err := ticker.Save(path, s); err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("a reader saw a partial cache: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("files left in the cache folder: %q, want only ticker.json", names)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o644 {
		t.Errorf("cache mode %v (%v), want 0644", st.Mode(), err)
	}
}
