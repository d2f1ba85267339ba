package site

import (
	"context"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/shiplog/shiplog/internal/hntest"
	"github.com/shiplog/shiplog/internal/ticker"
)

const tickerSite = `
-- shiplog.toml --
title = "Ticker test"
-- log/2026-03-01-pg.md --
---
id: urn:uuid:11111111-1111-4111-8111-111111111111
title: "Postgres refuses connections"
date: 2026-03-01
tags: [postgresql, docker]
errors:
  - "invalid ELF header"
---
Body.
-- log/2026-03-02-pg-again.md --
---
id: urn:uuid:22222222-2222-4222-8222-222222222222
title: "Postgres again"
date: 2026-03-02
tags: [postgresql]
---
Body.
`

var (
	sectionRe = regexp.MustCompile(`(?s)<section id="ticker".*?</section>`)
	hrefRe    = regexp.MustCompile(`href="([^"]*)"`)
	tagRe     = regexp.MustCompile(`<([a-zA-Z][a-zA-Z0-9]*)`)
)

// strip returns the ticker section of a built page.
func strip(t *testing.T, out, page string) string {
	t.Helper()
	s := sectionRe.FindString(read(t, out, page))
	if s == "" {
		t.Fatalf("%s has no ticker section", page)
	}
	return s
}

// checkStrip fails unless the strip holds only escaped text, http(s)
// links (or links into the site, for markers), nothing escaped twice, and
// a copy of the list hidden from assistive technology and the tab order.
func checkStrip(t *testing.T, s string) {
	t.Helper()
	for _, m := range hrefRe.FindAllStringSubmatch(s, -1) {
		u := html.UnescapeString(m[1])
		if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") && !(strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//")) {
			t.Errorf("the strip links to %q, want only http(s) links", u)
		}
	}
	if strings.Contains(s, "&amp;amp;") || strings.Contains(s, "&amp;lt;") {
		t.Errorf("the strip escapes text twice:\n%s", s)
	}
	allowed := map[string]bool{"section": true, "div": true, "span": true, "input": true, "label": true, "ul": true, "li": true, "a": true, "p": true}
	for _, m := range tagRe.FindAllStringSubmatch(s, -1) {
		if !allowed[strings.ToLower(m[1])] {
			t.Errorf("the strip holds a <%s> element: markup from a headline got through", m[1])
		}
	}
	if i := strings.Index(s, `<ul class="ticker-list ticker-copy" aria-hidden="true">`); i >= 0 {
		copyList := s[i:]
		copyList = copyList[:strings.Index(copyList, "</ul>")]
		if n, m := strings.Count(copyList, "<a "), strings.Count(copyList, `tabindex="-1"`); n != m {
			t.Errorf("the hidden copy has %d links but %d with tabindex=-1", n, m)
		}
	} else if strings.Contains(s, "ticker-list") {
		t.Errorf("the strip has no aria-hidden copy of its list")
	}
}

func refresh(t *testing.T, src string, srv *hntest.Server, timeout time.Duration) error {
	t.Helper()
	_, err := ticker.Refresh(context.Background(), filepath.Join(src, ticker.CacheFile), ticker.Options{API: srv.API(), Timeout: timeout})
	return err
}

func TestTickerWithoutCache(t *testing.T) {
	src := writeSite(t, tickerSite)
	out := filepath.Join(t.TempDir(), "out")
	rep := mustBuild(t, src, out)
	if rep.Warnings() != 0 {
		t.Errorf("a log without a ticker cache builds with warnings: %v", rep.Problems)
	}
	s := strip(t, out, "index.html")
	if !strings.Contains(s, "run `shiplog ticker refresh`") || strings.Contains(s, "<ul") {
		t.Errorf("the strip without a cache is not the note:\n%s", s)
	}
	if strings.Contains(read(t, out, "index.html"), "/assets/ticker.") {
		t.Errorf("a page with an empty strip loads the ticker's script")
	}
	if _, err := os.Stat(filepath.Join(src, filepath.FromSlash(ticker.CacheFile))); err == nil {
		t.Errorf("the build created %s: it must never write the ticker's cache", ticker.CacheFile)
	}
}

func TestTickerDisabled(t *testing.T) {
	src := writeSite(t, strings.Replace(tickerSite, `title = "Ticker test"`, "title = \"Ticker test\"\n[ticker]\nenabled = false", 1))
	out := filepath.Join(t.TempDir(), "out")
	mustBuild(t, src, out)
	if strings.Contains(read(t, out, "index.html"), `id="ticker"`) {
		t.Errorf("a disabled ticker still draws a strip")
	}
}

// TestTickerPageFaultMatrix refreshes the cache against every fault of
// the test server, then builds: the page always shows a clean strip, with
// the last good headlines when the refresh failed.
func TestTickerPageFaultMatrix(t *testing.T) {
	kinds := []hntest.Kind{
		hntest.SlowConnect, hntest.SlowHeaders, hntest.SlowBody, hntest.Status500, hntest.TooMany,
		hntest.HTMLBody, hntest.TruncatedJSON, hntest.NullItems, hntest.DeadDeleted, hntest.EntityTitles,
		hntest.RawHTMLTitle, hntest.BidiTitle, hntest.HugeTitle, hntest.JavascriptURL,
	}
	const deadline = 1500 * time.Millisecond
	for _, k := range kinds {
		t.Run(k.String(), func(t *testing.T) {
			t.Parallel()
			src := writeSite(t, tickerSite)
			if err := refresh(t, src, hntest.New(t), 5*time.Second); err != nil {
				t.Fatalf("seed the cache: %v", err)
			}
			good, _ := os.ReadFile(filepath.Join(src, ticker.CacheFile))
			srv := hntest.New(t)
			srv.SetFault(hntest.Fault{Kind: k})
			start := time.Now()
			err := refresh(t, src, srv, deadline)
			if d := time.Since(start); d > deadline+2*time.Second {
				t.Errorf("refresh took %v, want at most %v", d, deadline)
			}
			now, _ := os.ReadFile(filepath.Join(src, ticker.CacheFile))
			if k.Transport() {
				if err == nil {
					t.Errorf("refresh against %s succeeded", k)
				}
				if string(now) != string(good) {
					t.Errorf("a failed refresh changed the cache")
				}
			} else if err != nil {
				t.Errorf("refresh against %s: %v", k, err)
			}

			out := filepath.Join(t.TempDir(), "out")
			rep := mustBuild(t, src, out)
			if rep.Warnings() != 0 {
				t.Errorf("build warnings: %v", rep.Problems)
			}
			s := strip(t, out, "index.html")
			checkStrip(t, s)
			if k.Transport() && !strings.Contains(s, "Show HN: A static-site generator for engineering logs") {
				t.Errorf("after a failed refresh the strip lost the last good headlines:\n%s", s)
			}
			switch k {
			case hntest.EntityTitles:
				if !strings.Contains(s, `>&lt;b&gt;AT&amp;T&lt;/b&gt; outage: &#34;it&#39;s DNS&#34;</a>`) {
					t.Errorf("the entity title is not escaped exactly once:\n%s", s)
				}
			case hntest.RawHTMLTitle:
				if !strings.Contains(s, `&lt;img src=x onerror=alert(1)&gt; pwned`) {
					t.Errorf("the raw <img> title is not shown as text:\n%s", s)
				}
			case hntest.JavascriptURL:
				if !strings.Contains(s, `<a href="https://news.ycombinator.com/item?id=1000">javascript`) && strings.Count(s, `href="https://news.ycombinator.com/item?id=1000"`) < 4 {
					t.Errorf("the javascript: story does not link to its discussion:\n%s", s)
				}
			}
		})
	}
}

func TestTickerMarkersAndAsOf(t *testing.T) {
	src := writeSite(t, tickerSite)
	srv := hntest.New(t)
	stories := hntest.Stories(5, time.Now())
	stories[3].Title = "Why Lambda says invalid ELF header"
	srv.SetStories(stories)
	if err := refresh(t, src, srv, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	// A fixed fetched_at: the strip says when, from the cache, not the clock.
	path := filepath.Join(src, ticker.CacheFile)
	snap, err := ticker.Cached(path)
	if err != nil {
		t.Fatal(err)
	}
	snap.FetchedAt = time.Date(2026, 3, 14, 9, 5, 0, 0, time.UTC)
	if err := ticker.Save(path, snap); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	mustBuild(t, src, out)
	s := strip(t, out, "log/pg/index.html")
	checkStrip(t, s)
	for _, want := range []string{
		`<a class="ticker-mark" href="/tags/postgresql/">in your log: 2 entries</a>`,
		`<a class="ticker-mark" href="/log/pg/">in your log: 1 entry</a>`,
		`Top stories · as of 09:05 UTC`,
		`style="--ticker-seconds: `,
		`<span class="visually-hidden"> on “PostgreSQL 18 released”</span>`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the strip lacks %s:\n%s", want, s)
		}
	}
	page := read(t, out, "index.html")
	js := regexp.MustCompile(`<script src="(/assets/ticker\.[0-9a-f]{10}\.js)" defer></script>`).FindStringSubmatch(page)
	if js == nil {
		t.Fatalf("the page does not load the ticker script")
	}
	if !exists(out, js[1]) {
		t.Errorf("%s is not in the output", js[1])
	}

	// The same input builds the same bytes, whatever the time zone.
	out2 := filepath.Join(t.TempDir(), "out")
	t.Setenv("TZ", "Pacific/Chatham")
	mustBuild(t, src, out2)
	sameTree(t, "two builds of the same log and cache", tree(t, out), tree(t, out2))
}

func TestTickerCorruptCache(t *testing.T) {
	src := writeSite(t, tickerSite+"-- .shiplog/ticker.json --\n{\"version\": 1,\n  \"source\": oops\n}\n")
	before, _ := os.ReadFile(filepath.Join(src, ticker.CacheFile))
	out := filepath.Join(t.TempDir(), "out")
	rep := mustBuild(t, src, out)
	want := ".shiplog/ticker.json:2:13: warning: the ticker cache is corrupt (invalid character 'o' looking for beginning of value); the strip is left empty (run `shiplog ticker refresh` to fetch it again)"
	if len(rep.Problems) != 1 || rep.Problems[0].String() != want {
		t.Errorf("problems %v, want\n\t%s", rep.Problems, want)
	}
	if s := strip(t, out, "index.html"); !strings.Contains(s, "ticker-note") {
		t.Errorf("with a corrupt cache the strip is not the note:\n%s", s)
	}
	after, _ := os.ReadFile(filepath.Join(src, ticker.CacheFile))
	if string(before) != string(after) {
		t.Errorf("the build changed the cache")
	}
	if _, err := build(t, src, filepath.Join(t.TempDir(), "strict"), func(o *Options) { o.Strict = true }); err == nil {
		t.Errorf("--strict passed with a corrupt ticker cache")
	}
}

func TestTickerLiveAttribute(t *testing.T) {
	src := writeSite(t, tickerSite)
	out := filepath.Join(t.TempDir(), "out")
	mustBuild(t, src, out, func(o *Options) { o.Serve, o.TickerLive = true, true })
	s := strip(t, out, "index.html")
	if !strings.Contains(s, `data-live="/_shiplog/ticker.json"`) {
		t.Errorf("a live strip does not say where to poll:\n%s", s)
	}
	if !strings.Contains(read(t, out, "index.html"), `<script src="/assets/ticker.`) {
		t.Errorf("a live strip without headlines does not load its script")
	}
	checkStrip(t, s)
}
