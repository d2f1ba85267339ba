package e2e

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/shiplog/shiplog/internal/browsertest"
	"github.com/shiplog/shiplog/internal/site"
)

// pagefindQueries are engineering queries: names with punctuation, their
// parts, a phrase, prefixes while typing, and plain words.
var pagefindQueries = []string{
	"ERR_CONNECTION_REFUSED", "connection refused", `"connection refused"`, "127.0.0.1:5432", "5432",
	"sharp-linux-x64.node", "canvas.node", "import.meta.env", "VITE_API_URL", "x509", "OOMKill", "oomkilled",
	"exec format error", "pgxpool", "deadline exceeded", "SQLSTATE", "node_modules", "nginx 404", "timeout", "retry",
}

// TestPagefindComparison compares shiplog's search with Pagefind's on
// the same built site, query by query: results, the best three, bytes
// loaded and time, in headless Chromium. It runs only when
// SHIPLOG_PAGEFIND names the pagefind binary (npm install pagefind); it
// uses the example, or the built site in SHIPLOG_SEARCH_SITE (with the
// comma-separated SHIPLOG_SEARCH_QUERIES instead of the example's). Pagefind
// indexes only the entry pages' <article>, as shiplog does. See
// docs/search.md for the figures and what they mean.
func TestPagefindComparison(t *testing.T) {
	bin := os.Getenv("SHIPLOG_PAGEFIND")
	if bin == "" {
		t.Skip("set SHIPLOG_PAGEFIND to the pagefind binary to compare")
	}
	dir := os.Getenv("SHIPLOG_SEARCH_SITE")
	if dir == "" {
		dir = filepath.Join(t.TempDir(), "public")
		if rep, err := site.Build(context.Background(), site.Options{Src: exampleDir, Out: dir, Now: time.Now()}); err != nil {
			t.Fatalf("build: %v\n%v", err, rep.Problems)
		}
	}
	start := time.Now()
	cmd := exec.Command(bin, "--site", dir, "--glob", "log/*/index.html", "--root-selector", "article.entry-page", "--output-subdir", "pagefind", "--quiet")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pagefind: %v\n%s", err, out)
	}
	t.Logf("pagefind indexed in %v", time.Since(start).Round(time.Millisecond))
	for _, sub := range []string{"search", "pagefind"} {
		n, raw, gz := dirSize(t, filepath.Join(dir, sub))
		t.Logf("%-8s %6d files  %11d bytes  %10d compressed", sub+"/", n, raw, gz)
	}

	base, reqs := serveLogged(t, dir)
	var ctx context.Context
	type result struct {
		Total int      `json:"total"`
		Top   []string `json:"top"`
		MS    float64  `json:"ms"`
		Files []string `json:"-"`
	}
	measure := func(js string) result {
		t.Helper()
		do(t, ctx, chromedp.Navigate("about:blank"))
		if _, err := chromedp.Call(ctx, network.ClearBrowserCache, cdp.Empty{}); err != nil {
			t.Fatal(err)
		}
		do(t, ctx, chromedp.Navigate(base+"/"), chromedp.WaitReady(chromedp.CSS("#search-q")))
		reqs.take()
		r := run[result](t, ctx, `(async () => {
		  const t0 = performance.now();
		  const r = await (`+js+`);
		  return {total: r.total, top: r.top, ms: performance.now() - t0};
		})()`)
		for _, p := range reqs.take() {
			if strings.HasPrefix(p, "/search/") || strings.HasPrefix(p, "/pagefind/") {
				r.Files = append(r.Files, p)
			}
		}
		return r
	}
	loaded := func(files []string) int64 {
		var n int64
		for _, f := range files {
			data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(f, "/"))))
			if err != nil {
				t.Fatal(err)
			}
			n += min(int64(len(data)), gzipSize(data))
		}
		return n
	}
	short := func(urls []string) string {
		for i, u := range urls {
			urls[i] = strings.TrimSuffix(strings.TrimPrefix(u, "/log/"), "/")
		}
		return strings.Join(urls, " ")
	}
	queries := pagefindQueries
	if q := os.Getenv("SHIPLOG_SEARCH_QUERIES"); q != "" {
		queries = strings.Split(q, ",")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n| query | shiplog: results, best 3 | KB | ms | Pagefind: results, best 3 | KB | ms |\n|---|---|--:|--:|---|--:|--:|\n")
	for i, q := range queries {
		if i%5 == 0 {
			ctx = browsertest.New(t) // a browser lives two minutes
		}
		ours := measure(`window.shiplogSearch.query(` + jsString(q) + `, 3, true).then(r => ({total: r.total, top: r.urls}))`)
		theirs := measure(`import('/pagefind/pagefind.js').then(async pf => {
		  await pf.init();
		  const r = await pf.search(` + jsString(q) + `);
		  const top = await Promise.all(r.results.slice(0, 3).map(x => x.data().then(d => d.url)));
		  return {total: r.results.length, top};
		})`)
		fmt.Fprintf(&b, "| `%s` | %d: %s | %.0f | %.0f | %d: %s | %.0f | %.0f |\n", q,
			ours.Total, short(ours.Top), float64(loaded(ours.Files))/1024, ours.MS,
			theirs.Total, short(theirs.Top), float64(loaded(theirs.Files))/1024, theirs.MS)
	}
	t.Log(b.String())
}

// dirSize counts the files under dir, their bytes, and their bytes as a
// host serves them: compressed with gzip unless that is no smaller
// (Pagefind's index files are compressed already).
func dirSize(t *testing.T, dir string) (n int, raw, gz int64) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		n++
		raw += int64(len(data))
		gz += min(int64(len(data)), gzipSize(data))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n, raw, gz
}
