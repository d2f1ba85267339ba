package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/shiplog/shiplog/internal/browsertest"
	"github.com/shiplog/shiplog/internal/serve"
	"github.com/shiplog/shiplog/internal/site"
)

// liveSite is a small log for the live-reload test: long enough to
// scroll.
var liveSite = map[string]string{
	"shiplog.toml": "title = \"Live\"\ntimezone = \"UTC\"\n[ticker]\nenabled = false\n",
	"log/2026-03-01-first.md": "---\nid: urn:uuid:0b7f3c1e-8a56-4b8e-9f53-6c1d2e3f4a51\ntitle: First\ndate: 2026-03-01\nkind: note\n---\n\n" +
		strings.Repeat("A paragraph long enough to make the page scroll, line after line after line.\n\n", 80) +
		"The end of the first entry.\n",
	"log/2026-03-02-second.md": "---\nid: urn:uuid:0b7f3c1e-8a56-4b8e-9f53-6c1d2e3f4a52\ntitle: Second\ndate: 2026-03-02\nkind: broke\n---\n\nThe second entry.\n",
}

// serveLive runs the dev server, as `shiplog serve` does, on a copy of
// liveSite, and returns its folder and URL. Each opt may change the
// server's options.
func serveLive(t *testing.T, opts ...func(*serve.Options)) (string, string) {
	t.Helper()
	src := t.TempDir()
	for name, data := range liveSite {
		p := filepath.Join(src, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b := site.NewBuilder(site.Options{Src: src, Drafts: true, Serve: true, NoCache: true})
	b.Now = time.Now
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	o := serve.Options{
		Src: src,
		Build: func(ctx context.Context, changed []string, put func(serve.Sum, []byte) error) (*serve.Output, error) {
			out, rep, err := b.Build(ctx, changed, put)
			if err != nil {
				var text strings.Builder
				rep.Problems.Print(&text)
				return nil, errors.New(text.String())
			}
			return &serve.Output{Files: out.Files, Focus: out.Focus, Changed: out.Changed}, nil
		},
		Ready: func(url string) { ready <- url },
	}
	for _, opt := range opts {
		opt(&o)
	}
	go func() { done <- serve.Run(ctx, o) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	select {
	case url := <-ready:
		return src, strings.TrimSuffix(url, "/")
	case err := <-done:
		t.Fatalf("serve: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not start")
	}
	return "", ""
}

// waitJS evaluates js until it is true, through reloads and navigations.
func waitJS(t *testing.T, ctx context.Context, what, js string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still not true after 15s: %s (%v)", what, js, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// editFile replaces the first old in the file name under src with new.
func editFile(t *testing.T, src, name, old, new string) {
	t.Helper()
	p := filepath.Join(src, filepath.FromSlash(name))
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s lacks %q", name, old)
	}
	if err := os.WriteFile(p, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

func evalJS[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

// TestLiveReloadInBrowser edits an entry while its page is open in
// headless Chromium and checks that the page shows the edit by itself,
// in place, where the reader was; that a bad edit brings up the overlay naming the
// file and line, and that fixing it clears the overlay; that a
// stylesheet edit is swapped in without a reload; and that a page
// elsewhere goes to the entry being edited.
func TestLiveReloadInBrowser(t *testing.T) {
	src, base := serveLive(t)
	ctx := browsertest.New(t)
	edit := func(name, old, new string) {
		t.Helper()
		editFile(t, src, name, old, new)
	}
	first := "log/2026-03-01-first.md"

	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/log/first/"), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the page connects to the event stream", `window.__shiplogLive === "connected"`)
	evalJS[chromedp.Void](t, ctx, `window.scrollTo(0, 1500)`)
	y := evalJS[float64](t, ctx, `window.scrollY`)
	if y < 1000 {
		t.Fatalf("the page scrolled to %v, want a long page", y)
	}

	// An edit: the page shows it by itself, in place, and stays where
	// it was.
	evalJS[chromedp.Void](t, ctx, `window.__before = 1`)
	edit(first, "The end of the first entry.", "The end of the first entry, edited live.")
	waitJS(t, ctx, "the edit appears", `document.body.innerText.includes("edited live")`)
	if before := evalJS[bool](t, ctx, `window.__before === 1`); !before {
		t.Error("the page reloaded to show the edit; want it updated in place")
	}
	waitJS(t, ctx, "the scroll position is kept", fmt.Sprintf(`Math.abs(window.scrollY - %v) < 50`, y))

	// A bad edit: the overlay names the file, line and column; the page
	// underneath stays.
	edit(first, "date: 2026-03-01", "date: 01/03/2026")
	waitJS(t, ctx, "the overlay appears", `!!document.getElementById("shiplog-build-error")`)
	overlay := evalJS[string](t, ctx, `document.getElementById("shiplog-build-error").innerText`)
	if !strings.Contains(overlay, first+":4:7: error: date") {
		t.Errorf("the overlay says %q, want %s:4:7 and the problem", overlay, first)
	}
	if !evalJS[bool](t, ctx, `document.body.innerText.includes("edited live")`) {
		t.Error("under the overlay, the last good page is gone")
	}
	edit(first, "date: 01/03/2026", "date: 2026-03-01")
	waitJS(t, ctx, "the overlay clears", `!document.getElementById("shiplog-build-error")`)

	// A stylesheet edit: swapped in place, no reload.
	if err := os.MkdirAll(filepath.Join(src, "layouts"), 0o755); err != nil {
		t.Fatal(err)
	}
	css, err := os.ReadFile(filepath.Join("..", "theme", "files", "style.css"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "layouts", "style.css"), append(css, "\nbody { outline: 7px solid rgb(1, 2, 3); }\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	evalJS[chromedp.Void](t, ctx, `window.__samePage = 1`)
	waitJS(t, ctx, "the new style applies", `getComputedStyle(document.body).outlineWidth === "7px"`)
	if !evalJS[bool](t, ctx, `window.__samePage === 1`) {
		t.Error("a stylesheet edit reloaded the page; want it swapped in place")
	}

	// A page elsewhere goes to the entry being edited.
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/archive/"), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the archive connects", `window.__shiplogLive === "connected"`)
	edit("log/2026-03-02-second.md", "The second entry.", "The second entry, where the author is writing.")
	waitJS(t, ctx, "the page goes to the entry", `location.pathname === "/log/second/" && document.body.innerText.includes("where the author is writing")`)
}

// TestLiveUpdateInPlace checks what an in-place update changes and what
// it keeps: an edit to an entry's title and body shows in its open page
// without a navigation (the page's JavaScript state and its document
// survive), the <title> follows, and the reader's scroll position and
// focus stay; the header's search box is the same element, its script
// ran once and still answers "/".
func TestLiveUpdateInPlace(t *testing.T) {
	src, base := serveLive(t)
	ctx := browsertest.New(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/log/first/"), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the page connects to the event stream", `window.__shiplogLive === "connected"`)
	if !evalJS[bool](t, ctx, `!!document.querySelector("header form.search input")`) {
		t.Fatal("the page has no search box in its header; this test needs one")
	}
	evalJS[chromedp.Void](t, ctx, `(() => {
  window.__marker = 1;
  window.__origin = performance.timeOrigin;
  window.__box = document.querySelector("header form.search input");
  window.__box.focus();
  window.scrollTo(0, 1500);
})()`)
	y := evalJS[float64](t, ctx, `window.scrollY`)
	if y < 1000 {
		t.Fatalf("the page scrolled to %v, want a long page", y)
	}

	first := "log/2026-03-01-first.md"
	editFile(t, src, first, "title: First\n", "title: First, retitled\n")
	editFile(t, src, first, "The end of the first entry.", "The end of the first entry, swapped in place.")
	waitJS(t, ctx, "the edit appears", `document.body.innerText.includes("swapped in place") && document.title.includes("First, retitled")`)

	got := evalJS[map[string]any](t, ctx, `({
  marker: window.__marker === 1,
  sameDocument: performance.timeOrigin === window.__origin,
  path: location.pathname,
  h1: document.querySelector("main h1").textContent,
  titles: document.querySelectorAll("title").length,
  sameBox: document.querySelector("header form.search input") === window.__box,
  focused: document.activeElement === window.__box,
  pops: document.querySelectorAll("header form.search .search-pop").length,
  lives: document.querySelectorAll('script[src="/_shiplog/live.js"]').length,
  y: window.scrollY,
})`)
	if got["marker"] != true || got["sameDocument"] != true {
		t.Errorf("the page was reloaded or navigated (%v); want the edit swapped in place", got)
	}
	if got["path"] != "/log/first/" || !strings.Contains(got["h1"].(string), "First, retitled") || got["titles"] != float64(1) {
		t.Errorf("after the edit: %v; want /log/first/ with the new heading and one <title>", got)
	}
	if got["sameBox"] != true || got["focused"] != true || got["pops"] != float64(1) || got["lives"] != float64(1) {
		t.Errorf("outside <main>: %v; want the same search box, still focused, its script run once, one live-reload script", got)
	}
	if d := got["y"].(float64) - y; d < -50 || d > 50 {
		t.Errorf("the page scrolled from %v to %v; want it kept", y, got["y"])
	}
	// search.js still runs the box it bound before the update.
	evalJS[chromedp.Void](t, ctx, `window.__box.blur(); document.dispatchEvent(new KeyboardEvent("keydown", {key: "/", bubbles: true}))`)
	if !evalJS[bool](t, ctx, `document.activeElement === document.querySelector("header form.search input")`) {
		t.Error(`after the update "/" does not focus the search box`)
	}
}

// TestLiveReloadWhenUnsafe checks that changes an in-place update cannot
// make safely still reload the page: the site's title, which is in the
// header outside <main>; and a change to the search page, whose <main>
// holds the form search.js runs.
func TestLiveReloadWhenUnsafe(t *testing.T) {
	src, base := serveLive(t, func(o *serve.Options) { o.NoNavigate = true })
	ctx := browsertest.New(t)
	open := func(path string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(base+path), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
			t.Fatal(err)
		}
		waitJS(t, ctx, "the page connects to the event stream", `window.__shiplogLive === "connected"`)
		evalJS[chromedp.Void](t, ctx, `window.__marker = 1`)
	}

	open("/log/first/")
	editFile(t, src, "shiplog.toml", `title = "Live"`, `title = "Live, renamed"`)
	waitJS(t, ctx, "the new site title appears", `document.querySelector(".brand").textContent === "Live, renamed"`)
	if evalJS[bool](t, ctx, `window.__marker === 1`) {
		t.Error("the header changed and the page was updated in place; want a reload")
	}

	open("/search/")
	if err := os.WriteFile(filepath.Join(src, "log", "2026-03-03-third.md"), []byte("---\nid: urn:uuid:0b7f3c1e-8a56-4b8e-9f53-6c1d2e3f4a53\ntitle: Third\ndate: 2026-03-03\nkind: note\n---\n\nThe third entry.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the search page counts the new entry", `document.querySelector("main .intro").textContent.startsWith("3 entries")`)
	if evalJS[bool](t, ctx, `window.__marker === 1`) {
		t.Error("the search page was updated in place under search.js; want a reload")
	}
}

// TestLiveUpdateLatestWins checks that of two in-place updates in quick
// succession the later one is what the page ends showing: the browser
// holds back the page's request for the first edit (through the
// DevTools protocol) until the second edit is shown, and the page must
// have abandoned it by then.
func TestLiveUpdateLatestWins(t *testing.T) {
	src, base := serveLive(t)
	ctx := browsertest.New(t)
	page := base + "/log/second/"
	if err := chromedp.Do(ctx, chromedp.Navigate(page), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the page connects to the event stream", `window.__shiplogLive === "connected"`)
	// Once idle, the page reads its own HTML from the browser's cache (to
	// compare with the next version); wait for that, so that the only
	// requests for the page from now on are the updates'.
	waitJS(t, ctx, "the page reads itself from the cache", `performance.getEntriesByType("resource").some(e => e.initiatorType === "fetch" && e.name === location.href)`)

	paused := make(chan *fetch.EventRequestPaused, 8)
	canceled := make(chan network.RequestID, 8)
	if err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *fetch.EventRequestPaused:
			paused <- ev
		case *network.EventLoadingFailed:
			if ev.Canceled {
				canceled <- ev.RequestID
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	pattern := &fetch.RequestPattern{URLPattern: page, ResourceType: network.ResourceTypeFetch, RequestStage: fetch.RequestStageResponse}
	if _, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{pattern}}); err != nil {
		t.Fatal(err)
	}
	next := func(what string) *fetch.EventRequestPaused {
		t.Helper()
		select {
		case ev := <-paused:
			return ev
		case <-time.After(15 * time.Second):
			t.Fatalf("%s: the page asked for nothing within 15s", what)
			return nil
		}
	}
	evalJS[chromedp.Void](t, ctx, `window.__marker = 1`)

	second := "log/2026-03-02-second.md"
	editFile(t, src, second, "The second entry.", "The second entry, edit one.")
	held := next("after the first edit")
	editFile(t, src, second, "edit one", "edit two")
	latest := next("after the second edit")
	if _, err := chromedp.Call(ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: latest.RequestID}); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the second edit appears", `document.body.innerText.includes("edit two")`)
	select {
	case id := <-canceled:
		if id != held.NetworkID {
			t.Errorf("the page canceled request %s, want %s (its request for the first edit)", id, held.NetworkID)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the page did not abandon its request for the first edit")
	}
	// Too late now: the page must not show it.
	chromedp.Call(ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: held.RequestID})
	got := evalJS[map[string]any](t, ctx, `({marker: window.__marker === 1, two: document.body.innerText.includes("edit two"), one: document.body.innerText.includes("edit one")})`)
	if got["marker"] != true || got["two"] != true || got["one"] != false {
		t.Errorf("after two quick edits: %v; want the second edit shown in place", got)
	}
}
