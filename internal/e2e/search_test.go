package e2e

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/shiplog/shiplog/internal/browsertest"
	"github.com/shiplog/shiplog/internal/serve"
	"github.com/shiplog/shiplog/internal/site"
)

// serveOut serves a built site folder on 127.0.0.1 with the dev
// server's handler and returns its base URL.
func serveOut(t *testing.T, out string) string {
	base, _ := serveLogged(t, out)
	return base
}

// requests records the paths a server was asked for, from every page
// and worker alike (the browser's own timeline misses workers').
type requests struct {
	mu    sync.Mutex
	paths []string
}

func (r *requests) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	p := r.paths
	r.paths = nil
	return p
}

// serveLogged is serveOut that also records the paths requested.
func serveLogged(t *testing.T, out string) (string, *requests) {
	t.Helper()
	gen, err := serve.OpenGeneration(out)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { gen.Close() })
	h := serve.NewHandler("127.0.0.1", slog.New(slog.NewTextHandler(io.Discard, nil)))
	h.Swap(gen)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	reqs := &requests{}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reqs.mu.Lock()
		reqs.paths = append(reqs.paths, r.URL.Path)
		reqs.mu.Unlock()
		h.ServeHTTP(w, r)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String(), reqs
}

// buildLog writes files into a new log, builds it and serves it.
func buildLog(t *testing.T, files map[string]string) string {
	t.Helper()
	src := t.TempDir()
	for name, data := range files {
		p := filepath.Join(src, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "public")
	if rep, err := site.Build(context.Background(), site.Options{Src: src, Out: out}); err != nil {
		t.Fatalf("build: %v\n%v", err, rep.Problems)
	}
	return serveOut(t, out)
}

func run[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

func do(t *testing.T, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

// waitFor polls a predicate for up to 10 seconds, through navigations
// (while a page is replaced, evaluating fails for a moment).
func waitFor(t *testing.T, ctx context.Context, what, js string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
		if err == nil && ok {
			return
		}
		last = err
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("waiting for %s (%s): timed out (%v)", what, js, last)
}

// TestSearchTokeniserInBrowser runs search.js's tokeniser over the cases
// internal/search is tested with: queries must split as the index does.
func TestSearchTokeniserInBrowser(t *testing.T) {
	base := serveExample(t)
	ctx := browsertest.New(t)
	do(t, ctx, chromedp.Navigate(base+"/"), chromedp.WaitReady(chromedp.CSS("body")))
	f, err := os.Open("../search/testdata/words.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		var c struct{ In, Want string }
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatal(err)
		}
		in, _ := json.Marshal(c.In)
		got := run[string](t, ctx, `window.shiplogSearch.words(`+string(in)+`).map(w => w.text + (w.parts.length ? "(" + w.parts.join(" ") + ")" : "")).join(" ")`)
		if got != c.Want {
			t.Errorf("search.js words(%q) = %s, want %s (as Go's)", c.In, got, c.Want)
		}
		n++
	}
	if n < 20 {
		t.Fatalf("only %d cases in words.jsonl", n)
	}
}

type popState struct {
	Open     bool     `json:"open"`
	Titles   []string `json:"titles"`
	Active   string   `json:"active"`
	Expanded string   `json:"expanded"`
	Marks    int      `json:"marks"`
	Value    string   `json:"value"`
	Focused  string   `json:"focused"`
}

const popJS = `(() => {
  const pop = document.getElementById('search-pop'), q = document.getElementById('search-q');
  return {
    open: !!pop && !pop.hidden,
    titles: pop ? Array.from(pop.querySelectorAll('.sr-title')).map(e => e.textContent) : [],
    active: q.getAttribute('aria-activedescendant') || '',
    expanded: q.getAttribute('aria-expanded') || '',
    marks: pop ? pop.querySelectorAll('mark').length : 0,
    value: q.value,
    focused: document.activeElement ? document.activeElement.id : '',
  };
})()`

// TestSearchBoxInBrowser types into the header's search box of the
// example log: "/" focuses it, results show while typing with their
// words marked, the arrow keys move through them, Enter opens one,
// Escape closes the list and then clears the box.
func TestSearchBoxInBrowser(t *testing.T) {
	base := serveExample(t)
	ctx := browsertest.New(t)
	var w watch
	w.listen(t, ctx)
	do(t, ctx, chromedp.Navigate(base+"/log/"), chromedp.WaitReady(chromedp.CSS("#search-q")))

	pressSlash(t, ctx)
	if s := run[popState](t, ctx, popJS); s.Focused != "search-q" || s.Value != "" {
		t.Fatalf(`after "/": focus on %q, value %q; want the search box, empty`, s.Focused, s.Value)
	}
	do(t, ctx, chromedp.KeyEvent("invalid ELF"))
	waitFor(t, ctx, "results", `document.querySelectorAll('#search-pop .sr-title').length > 0 && !document.getElementById('search-pop').hidden`)
	s := run[popState](t, ctx, popJS)
	if len(s.Titles) == 0 || !strings.Contains(s.Titles[0], "invalid ELF header") || s.Marks == 0 || s.Expanded != "true" {
		t.Fatalf("results for \"invalid ELF\": %+v; want the Lambda entry first, words marked, expanded", s)
	}

	// The open list, in light and dark, passes axe-core.
	axeJS, err := os.ReadFile(axePath(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, scheme := range []string{"light", "dark"} {
		do(t, ctx, media("prefers-color-scheme", scheme))
		reportAxe(t, "search box open, "+scheme, axeOn(t, ctx, string(axeJS), ".site-header"))
	}

	do(t, ctx, chromedp.KeyEvent(kb.ArrowDown))
	if s := run[popState](t, ctx, popJS); s.Active != "search-opt-0" {
		t.Errorf("ArrowDown: active %q, want search-opt-0", s.Active)
	}
	do(t, ctx, chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.ArrowUp))
	if s := run[popState](t, ctx, popJS); s.Active != "search-opt-0" || s.Focused != "search-q" {
		t.Errorf("ArrowDown, ArrowUp: active %q, focus %q; want search-opt-0, the box", s.Active, s.Focused)
	}
	do(t, ctx, chromedp.KeyEvent(kb.ArrowUp))
	if s := run[popState](t, ctx, popJS); s.Active == "search-opt-0" || s.Active == "" {
		t.Errorf("ArrowUp from the first: active %q, want the last option", s.Active)
	}
	do(t, ctx, chromedp.KeyEvent(kb.Escape))
	if s := run[popState](t, ctx, popJS); s.Open || s.Expanded != "false" || s.Value != "invalid ELF" {
		t.Errorf("Escape: %+v; want closed, value kept", s)
	}
	do(t, ctx, chromedp.KeyEvent(kb.Escape))
	if s := run[popState](t, ctx, popJS); s.Value != "" {
		t.Errorf("second Escape: value %q, want empty", s.Value)
	}

	// Enter on a chosen result opens it.
	do(t, ctx, chromedp.KeyEvent("sharp"))
	waitFor(t, ctx, "results for sharp", `document.querySelectorAll('#search-pop .sr').length > 1`)
	href := run[string](t, ctx, `document.querySelector('#search-pop .sr').getAttribute('href')`)
	do(t, ctx, chromedp.KeyEvent(kb.ArrowDown))
	pressEnter(t, ctx)
	waitFor(t, ctx, "navigation", `location.pathname === `+jsString(href))

	// Enter with nothing chosen opens the search page, which reads ?q=.
	do(t, ctx, chromedp.WaitReady(chromedp.CSS("#search-q")), chromedp.Focus(chromedp.CSS("#search-q")), chromedp.KeyEvent("connection refused"))
	pressEnter(t, ctx)
	waitFor(t, ctx, "the search page", `location.pathname === '/search/' && document.querySelectorAll('.search-results .sr').length > 0`)
	if v := run[string](t, ctx, `document.getElementById('search-page-q').value`); v != "connection refused" {
		t.Errorf("search page box = %q, want the query", v)
	}
	reportAxe(t, "search page", axeOn(t, ctx, string(axeJS), "main"))
	// On the search page, the arrows walk the results and Escape goes
	// back to the box.
	do(t, ctx, chromedp.Focus(chromedp.CSS("#search-page-q")), chromedp.KeyEvent(kb.ArrowDown))
	if f := run[string](t, ctx, `document.activeElement.className + ' ' + (document.activeElement === document.querySelector('.search-results .sr'))`); f != "sr true" {
		t.Errorf("ArrowDown on the search page: focus on %q, want the first result", f)
	}
	do(t, ctx, chromedp.KeyEvent(kb.Escape))
	if f := run[string](t, ctx, `document.activeElement.id`); f != "search-page-q" {
		t.Errorf("Escape on a result: focus on %q, want the box", f)
	}
	w.check(t)
}

// press presses a key as a keyboard does: one keyDown that carries its
// text, so that a page that prevents the keydown gets no character and
// no form submission (chromedp's KeyEvent sends the character as an
// event of its own, which the page cannot prevent).
func press(t *testing.T, ctx context.Context, key, code, text string, vk int64) {
	t.Helper()
	for _, p := range []input.DispatchKeyEventParams{
		{Type: input.DispatchKeyEventTypeKeyDown, Key: key, Code: code, Text: text, UnmodifiedText: text, WindowsVirtualKeyCode: vk, NativeVirtualKeyCode: vk},
		{Type: input.DispatchKeyEventTypeKeyUp, Key: key, Code: code, WindowsVirtualKeyCode: vk, NativeVirtualKeyCode: vk},
	} {
		if _, err := chromedp.Call(ctx, input.DispatchKeyEvent, p); err != nil {
			t.Fatal(err)
		}
	}
}

func pressSlash(t *testing.T, ctx context.Context) { press(t, ctx, "/", "Slash", "/", 191) }
func pressEnter(t *testing.T, ctx context.Context) { press(t, ctx, "Enter", "Enter", "\r", 13) }

// axeOn runs axe-core on the part of the page that sel selects (the
// rest of the page is other tests' business).
func axeOn(t *testing.T, ctx context.Context, axe, sel string) []axeViolation {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](axe)); err != nil {
		t.Fatalf("inject axe-core: %v", err)
	}
	return run[[]axeViolation](t, ctx, `axe.run(document.querySelector(`+jsString(sel)+`), {resultTypes: ['violations']}).then(r =>
  r.violations.map(v => ({id: v.id, impact: v.impact || '', help: v.help, nodes: v.nodes.map(n => n.target.join(' '))})))`)
}

type found struct {
	Total int      `json:"total"`
	URLs  []string `json:"urls"`
}

// TestSearchQueriesInBrowser runs queries of engineering text against
// the example's index through search.js.
func TestSearchQueriesInBrowser(t *testing.T) {
	base := serveExample(t)
	ctx := browsertest.New(t)
	var w watch
	w.listen(t, ctx)
	do(t, ctx, chromedp.Navigate(base+"/"), chromedp.WaitReady(chromedp.CSS("#search-q")))
	query := func(q string) found {
		t.Helper()
		return run[found](t, ctx, `window.shiplogSearch.query(`+jsString(q)+`, 20, true)`)
	}
	for _, c := range []struct {
		q     string
		first string // the best result, "" for none at all
	}{
		{"invalid ELF header", "/log/lambda-invalid-elf-header/"},
		{`"invalid ELF header"`, "/log/lambda-invalid-elf-header/"},
		{"canvas.node", "/log/lambda-invalid-elf-header/"},
		{"ERR_CONNECTION_REFUSED", "/log/vite-api-url-baked-at-build/"},
		{"net::ERR_CONNECTION_REFUSED", "/log/vite-api-url-baked-at-build/"},
		{"err connection refused", "/log/vite-api-url-baked-at-build/"},
		{"import.meta.env", "/log/vite-api-url-baked-at-build/"},
		{"VITE_API_URL", "/log/vite-api-url-baked-at-build/"},
		{"127.0.0.1:5432", "/log/compose-postgres-connection-refused/"},
		{"x509", "/log/x509-unknown-authority-scratch/"},
		{"OOMKill", "/log/csv-export-oomkilled/"}, // a prefix, while typing
		{"exec format error", "/log/exec-format-error-arm64-image/"},
		{`<blink>zzyzx</blink>`, ""},
		{`"exact phrase that is nowhere"`, ""},
		{`C++ & | \ ( [ { ^ $ * ? .`, ""},
		{"zzzzqqqq", ""},
	} {
		got := query(c.q)
		switch {
		case c.first == "" && len(got.URLs) != 0:
			t.Errorf("query %q found %v, want nothing", c.q, got.URLs)
		case c.first != "" && (len(got.URLs) == 0 || got.URLs[0] != c.first):
			t.Errorf("query %q found %v, want %s first", c.q, got.URLs, c.first)
		}
	}
	// A phrase is stricter than its words.
	if words, phrase := query("cannot scan NULL"), query(`"scan NULL into"`); len(phrase.URLs) == 0 || len(phrase.URLs) > len(words.URLs) {
		t.Errorf("phrase found %v, words %v", phrase.URLs, words.URLs)
	}
	// Markup in a query is words to look for, never markup.
	query(`<script>window.__q=1</script><img src=x onerror="window.__q=2">`)
	if x := run[any](t, ctx, `window.__q === undefined ? null : window.__q`); x != nil {
		t.Errorf("a query ran as markup: __q=%v", x)
	}
	if n := run[int](t, ctx, `document.querySelectorAll('script').length`); n > 4 {
		t.Errorf("%d scripts on the page after the queries", n)
	}
	w.check(t)
}

// TestSearchNoMarkupFromIndex builds a log whose entry is titled with
// markup and whose text holds a script, searches for it, and checks that
// the results show it as text and run nothing.
func TestSearchNoMarkupFromIndex(t *testing.T) {
	title := `<img src=x onerror="window.__xss=1">Boom</b>`
	base := buildLog(t, map[string]string{
		"shiplog.toml":       "title = \"XSS\"\n",
		"static/favicon.svg": `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16"></svg>`,
		"log/2026-03-01-x.md": "---\nid: x\ntitle: '" + title + "'\ndate: 2026-03-01\nkind: broke\nproject: '<i>p</i>'\n" +
			"errors: ['<svg onload=window.__xss=2>']\n---\n" +
			"The payload `<script>window.__xss=3</script>` and &lt;b&gt;bold&lt;/b&gt; in text.\n\n" +
			"```error\n<img src=y onerror=window.__xss=4> boom failed\n```\n",
	})
	ctx := browsertest.New(t)
	var w watch
	w.listen(t, ctx)
	do(t, ctx, chromedp.Navigate(base+"/search/?q=onerror%20boom"), chromedp.WaitReady(chromedp.CSS("#search-page-q")))
	waitFor(t, ctx, "a result", `document.querySelectorAll('.search-results .sr').length > 0`)
	type shown struct {
		Title   string `json:"title"`
		Snippet string `json:"snippet"`
		Meta    string `json:"meta"`
		XSS     any    `json:"xss"`
		Inner   int    `json:"inner"`
	}
	s := run[shown](t, ctx, `(() => {
	  const r = document.querySelector('.search-results .sr');
	  return {title: r.querySelector('.sr-title').textContent, snippet: r.querySelector('.sr-snip').textContent,
	    meta: r.querySelector('.sr-meta').textContent, xss: window.__xss === undefined ? null : window.__xss,
	    inner: r.querySelectorAll('img, svg, script, b, i').length};
	})()`)
	if s.Title != title {
		t.Errorf("title shown as %q, want the text %q", s.Title, title)
	}
	if s.XSS != nil || s.Inner != 0 {
		t.Errorf("markup from the index ran or rendered: __xss=%v, %d elements", s.XSS, s.Inner)
	}
	if !strings.Contains(s.Meta, "<i>p</i>") || !strings.Contains(s.Snippet, "onerror") {
		t.Errorf("meta %q, snippet %q; want the markup as text", s.Meta, s.Snippet)
	}
	for _, q := range []string{"svg onload", "window.__xss", "script"} {
		do(t, ctx, chromedp.Navigate(base+"/search/?q="+url.QueryEscape(q)), chromedp.WaitReady(chromedp.CSS("#search-page-q")))
		waitFor(t, ctx, "a result for "+q, `document.querySelectorAll('.search-results .sr').length > 0`)
		if x := run[any](t, ctx, `window.__xss === undefined ? null : window.__xss`); x != nil {
			t.Errorf("query %q ran markup from the index: __xss=%v", q, x)
		}
	}
	w.check(t)
}

// TestSearchLatency measures queries in Chromium: the first (which loads
// the manifest and its shards) and the following ones, and how many
// bytes each loaded. With SHIPLOG_SEARCH_SITE=DIR (a built site, such as
// a generated corpus) it measures that site instead of the example; see
// docs/benchmarks.md.
func TestSearchLatency(t *testing.T) {
	var base, dir string
	if dir = os.Getenv("SHIPLOG_SEARCH_SITE"); dir != "" {
		base = serveOut(t, dir)
	} else {
		dir = filepath.Join(t.TempDir(), "public")
		if rep, err := site.Build(context.Background(), site.Options{Src: exampleDir, Out: dir, Now: time.Now()}); err != nil {
			t.Fatalf("build: %v\n%v", err, rep.Problems)
		}
		base = serveOut(t, dir)
	}
	queries := []string{"connection refused", "ECONNREFUSED", "timeout", "invalid ELF header", "postgres deadline", "x509 certificate", "oomkilled memory", "nil pointer", `"connection refused"`, "cache"}
	if q := os.Getenv("SHIPLOG_SEARCH_QUERIES"); q != "" {
		queries = strings.Split(q, ",")
	}
	ctx := browsertest.New(t)
	var times []float64
	for i, q := range queries {
		// A fresh page for each query, so each loads what it needs from
		// a cold start (the browser cache is cleared too).
		do(t, ctx, chromedp.Navigate("about:blank"))
		if _, err := chromedp.Call(ctx, network.ClearBrowserCache, cdp.Empty{}); err != nil {
			t.Fatal(err)
		}
		do(t, ctx, chromedp.Navigate(base+"/"), chromedp.WaitReady(chromedp.CSS("#search-q")))
		type timing struct {
			Cold  float64  `json:"cold"`
			Warm  float64  `json:"warm"`
			Total int      `json:"total"`
			Files []string `json:"files"`
		}
		tm := run[timing](t, ctx, `(async () => {
		  const s = window.shiplogSearch, q = `+jsString(q)+`;
		  let t0 = performance.now();
		  const r = await s.query(q, 10);
		  const cold = performance.now() - t0;
		  t0 = performance.now();
		  await s.query(q, 10);
		  const warm = performance.now() - t0;
		  const files = performance.getEntriesByType('resource').map(e => new URL(e.name).pathname).filter(p => p.includes('/search/'));
		  return {cold, warm, total: r.total, files};
		})()`)
		var raw, gz int64
		for _, f := range tm.Files {
			data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(f, "/"))))
			if err != nil {
				t.Fatal(err)
			}
			raw += int64(len(data))
			gz += gzipSize(data)
		}
		times = append(times, tm.Cold)
		t.Logf("query %d %-22q %6d results  cold %7.1f ms  warm %6.1f ms  %3d files  %8d bytes  %7d gzipped", i+1, q, tm.Total, tm.Cold, tm.Warm, len(tm.Files), raw, gz)
		if os.Getenv("SHIPLOG_SEARCH_SITE") == "" && gz > 300<<10 {
			t.Errorf("query %q loaded %d bytes gzipped, want under 300 KB", q, gz)
		}
	}
	sort.Float64s(times)
	t.Logf("cold query latency: median %.1f ms, max %.1f ms over %d queries", times[len(times)/2], slices.Max(times), len(times))
}

func gzipSize(data []byte) int64 {
	var n countWriter
	z, _ := gzip.NewWriterLevel(&n, gzip.DefaultCompression)
	z.Write(data)
	z.Close()
	return int64(n)
}

type countWriter int64

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestMemoryPagesInBrowser opens /errors/ and /lessons/ of the example:
// their fix links lead to headings that exist, and axe-core finds nothing
// wrong with them.
func TestMemoryPagesInBrowser(t *testing.T) {
	base := serveExample(t)
	ctx := browsertest.New(t)
	var w watch
	w.listen(t, ctx)
	axeJS, err := os.ReadFile(axePath(t))
	if err != nil {
		t.Fatal(err)
	}
	do(t, ctx, chromedp.Navigate(base+"/errors/"), chromedp.WaitReady(chromedp.CSS("main")))
	fixes := run[[]string](t, ctx, `Array.from(document.querySelectorAll('.error-seen a[href*="#"]')).map(a => a.getAttribute('href'))`)
	if len(fixes) < 5 {
		t.Fatalf("/errors/ has %d links to fixes, want most entries'", len(fixes))
	}
	reportAxe(t, "/errors/", axeOn(t, ctx, string(axeJS), "main"))
	for _, href := range fixes[:3] {
		do(t, ctx, chromedp.Navigate(base+href), chromedp.WaitReady(chromedp.CSS("main")))
		id, _ := url.PathUnescape(href[strings.IndexByte(href, '#')+1:])
		if !run[bool](t, ctx, `!!document.getElementById(`+jsString(id)+`)`) {
			t.Errorf("%s: no element with id %q", href, id)
		}
	}
	do(t, ctx, chromedp.Navigate(base+"/lessons/"), chromedp.WaitReady(chromedp.CSS("main")))
	reportAxe(t, "/lessons/", axeOn(t, ctx, string(axeJS), "main"))
	w.check(t)
}

// TestSearchEmptyLog: a log without entries has an index without shards,
// and searching it finds nothing, quietly.
func TestSearchEmptyLog(t *testing.T) {
	base := buildLog(t, map[string]string{
		"shiplog.toml":       "title = \"Empty\"\n",
		"static/favicon.svg": `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16"></svg>`,
	})
	ctx := browsertest.New(t)
	var w watch
	w.listen(t, ctx)
	do(t, ctx, chromedp.Navigate(base+"/search/?q=anything"), chromedp.WaitReady(chromedp.CSS("#search-page-q")))
	waitFor(t, ctx, "the status", `document.querySelector('.search-status').textContent !== ''`)
	if s := run[string](t, ctx, `document.querySelector('.search-status').textContent`); s != "Nothing found for \u201canything\u201d." {
		t.Errorf("status = %q", s)
	}
	if got := run[found](t, ctx, `window.shiplogSearch.query("any", 5)`); got.Total != 0 {
		t.Errorf("query on an empty log = %+v", got)
	}
	w.check(t)
}
