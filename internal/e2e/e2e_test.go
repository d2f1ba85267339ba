// Package e2e tests the bundled example log end to end: it is built,
// served on 127.0.0.1 and read in a real headless Chromium.
package e2e

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/shiplog/shiplog/internal/browsertest"
	"github.com/shiplog/shiplog/internal/content"
	"github.com/shiplog/shiplog/internal/site"
)

const exampleDir = "../../example"

// serveExample builds the example log into a temporary folder and serves
// it on 127.0.0.1. It returns the base URL.
func serveExample(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "public")
	rep, err := site.Build(context.Background(), site.Options{Src: exampleDir, Out: out, Now: time.Now()})
	if err != nil {
		t.Fatalf("build example: %v\n%v", err, rep.Problems)
	}
	if rep.Warnings() > 0 {
		t.Errorf("the example builds with warnings, want none:\n%v", rep.Problems)
	}
	return serveOut(t, out)
}

// watch records console errors, exceptions and every request the page
// makes.
type watch struct {
	mu       sync.Mutex
	errors   []string
	requests []string
}

func (w *watch) listen(t *testing.T, ctx context.Context) {
	t.Helper()
	err := chromedp.Listen(ctx, func(ev any) {
		w.mu.Lock()
		defer w.mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			w.requests = append(w.requests, ev.Request.URL)
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				w.errors = append(w.errors, "console.error called")
			}
		case *runtime.EventExceptionThrown:
			w.errors = append(w.errors, "exception: "+ev.ExceptionDetails.Text)
		case *cdplog.EventEntryAdded:
			if ev.Entry.Level == cdplog.EntryLevelError {
				w.errors = append(w.errors, "log: "+ev.Entry.Text+" "+ev.Entry.URL)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, enable := range []func() error{
		func() error { _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); return err },
		func() error { _, err := chromedp.Call(ctx, runtime.Enable, cdp.Empty{}); return err },
		func() error { _, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{}); return err },
	} {
		if err := enable(); err != nil {
			t.Fatal(err)
		}
	}
}

func (w *watch) check(t *testing.T) {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, e := range w.errors {
		t.Errorf("browser reported an error: %s", e)
	}
	if len(w.requests) == 0 {
		t.Error("saw no requests at all; the request watch is broken")
	}
	for _, r := range w.requests {
		if strings.HasPrefix(r, "data:") {
			continue
		}
		if u, err := url.Parse(r); err != nil || u.Hostname() != "127.0.0.1" {
			t.Errorf("request left 127.0.0.1: %s", r)
		}
	}
}

type article struct {
	Slug       string `json:"slug"`
	Title      string `json:"title"`
	Hero       bool   `json:"hero"`
	HeroLoaded bool   `json:"heroLoaded"`
	Caption    bool   `json:"caption"`
	Lesson     string `json:"lesson"`
}

const articlesJS = `Array.from(document.querySelectorAll('article.entry')).map(a => {
  const img = a.querySelector('figure.hero img');
  return {
    slug: a.id.replace(/^entry-/, ''),
    title: (a.querySelector('.entry-title') || {}).textContent || '',
    hero: !!img,
    heroLoaded: !!img && img.complete && img.naturalWidth > 0,
    caption: !!a.querySelector('figure.hero figcaption'),
    lesson: ((a.querySelector('.lesson .lesson-text') || {}).textContent || '').trim(),
  };
})`

// TestExampleLogInBrowser opens the log stream of the example and walks
// every page of it: every entry renders with its hero figure (loaded) and
// its lesson, nothing is logged as an error, and no request leaves
// 127.0.0.1.
func TestExampleLogInBrowser(t *testing.T) {
	base := serveExample(t)
	ctx := browsertest.New(t)
	var w watch
	w.listen(t, ctx)

	root, err := os.OpenRoot(exampleDir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	log, problems := content.Load(root, content.Options{Now: time.Now()})
	if problems.HasErrors() {
		t.Fatalf("load example: %v", problems)
	}
	want := map[string]bool{}
	for _, e := range log.Entries {
		want[e.Slug] = true
	}
	if len(want) < 10 {
		t.Fatalf("the example has %d entries, want at least 10", len(want))
	}

	seen := map[string]bool{}
	next := base + "/log/"
	for page := 1; next != ""; page++ {
		err := chromedp.Do(ctx,
			chromedp.Navigate(next),
			chromedp.WaitReady(chromedp.CSS("body")),
			voidEval(`Promise.all(Array.from(document.images).map(i => { i.loading = 'eager'; return i.complete ? 0 : new Promise(r => { i.onload = i.onerror = r; }); })).then(() => true)`),
		)
		if err != nil {
			t.Fatalf("page %d (%s): %v", page, next, err)
		}
		arts, err := chromedp.Run(ctx, chromedp.Evaluate[[]article](articlesJS))
		if err != nil {
			t.Fatalf("page %d: read articles: %v", page, err)
		}
		nextHref, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector('.pager a[rel=next]') || {}).href || ''`))
		if err != nil {
			t.Fatalf("page %d: read pager: %v", page, err)
		}
		if len(arts) == 0 {
			t.Fatalf("page %d (%s) shows no entries", page, next)
		}
		for _, a := range arts {
			if seen[a.Slug] {
				t.Errorf("entry %s appears twice in the stream", a.Slug)
			}
			seen[a.Slug] = true
			if !a.Hero || !a.HeroLoaded || !a.Caption {
				t.Errorf("entry %s: hero figure present=%v loaded=%v captioned=%v, want all true", a.Slug, a.Hero, a.HeroLoaded, a.Caption)
			}
			if len(a.Lesson) < 10 {
				t.Errorf("entry %s: lesson callout %q, want the entry's lesson", a.Slug, a.Lesson)
			}
		}
		if page == 1 {
			screenshot(t, ctx, "log-1440.png", 1440, 900)
			screenshot(t, ctx, "log-360.png", 360, 780)
		}
		next = nextHref
		if page > 50 {
			t.Fatal("more than 50 pages: the pager loops")
		}
	}
	for slug := range want {
		if !seen[slug] {
			t.Errorf("entry %s never appears in the log stream", slug)
		}
	}
	for slug := range seen {
		if !want[slug] {
			t.Errorf("the stream shows %s, which is not an entry", slug)
		}
	}
	w.check(t)
}

// voidEval evaluates a script that returns a promise and waits for it.
func voidEval(js string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Evaluate[bool](js, chromedp.EvalAwaitPromise)(ctx, t)
		return chromedp.Void{}, err
	}
}

// screenshot saves a full-page screenshot at the given viewport width to
// SHIPLOG_SCREENSHOTS (a folder) when set, else into the test's temp dir.
func screenshot(t *testing.T, ctx context.Context, name string, width, height int64) {
	t.Helper()
	dir := os.Getenv("SHIPLOG_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height)); err != nil {
		t.Fatalf("viewport %d: %v", width, err)
	}
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1440, 900)); err != nil {
		t.Fatal(err)
	}
	if len(buf) < 1000 {
		t.Fatalf("screenshot %s is only %d bytes", name, len(buf))
	}
	if err := os.WriteFile(filepath.Join(dir, name), buf, 0o644); err != nil {
		t.Fatal(err)
	}
}
