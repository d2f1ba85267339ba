// Command searchbench measures shiplog's search and error memory on a
// built log: how big the index is, how much of it a query loads, how long
// a query takes in the browser, and how long `shiplog seen` takes.
//
//	go run ./bench/gencorpus -n 10000 -out /tmp/c10k
//	go run ./bench/searchbench -src /tmp/c10k                  # builds it first
//	go run ./bench/searchbench -src /tmp/c10k -out /tmp/o10k   # an existing build
//
// It prints Markdown tables for docs/benchmarks.md (and, with -json, the
// same figures as JSON):
//
//   - the index: the files and bytes of the manifest (search/index.json),
//     the shards (search/s/) and the entry files (search/d/), raw and
//     gzip-compressed one file at a time as a server would send them,
//     and per 1,000 entries;
//   - each query of a fixed list (or -queries): the index files it
//     fetched and their bytes, raw and as sent gzip-compressed by the
//     bench's server (as a CDN would compress them), and how long the
//     search page took from the query being submitted in its box to the
//     results in the page (DOM) and to the next frame after (shown):
//     cold, in a fresh page with the browser's cache off, so the manifest,
//     shards and entry files are all fetched; and warm, the same query
//     again in the same page, with everything already loaded;
//   - `shiplog seen` on the built site, as a process: wall and CPU time
//     and peak memory, after one untimed run (so the memory file is in
//     the page cache, as it is when you use it).
//
// The site is served by net/http on 127.0.0.1, which compresses JSON,
// HTML, CSS and JavaScript with gzip at the default level; search.js is
// driven through the real search page: the box's value is set and its
// form submitted. (Typing in the header's box adds its 60 ms pause after
// the last key, which is not counted here.) The load average is printed
// before and after, because a loaded machine inflates every time.
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/shiplog/shiplog/bench/internal/release"
)

// defaultQueries are typical of what one asks an engineering log, in
// words that occur in bench/gencorpus's log.
var defaultQueries = []string{
	"timeout",                  // a word in most entries
	"postgres",                 // a tag
	"EADDRINUSE",               // an error name
	"SQLITE_BUSY",              // a name with an underscore: whole, or by its parts
	"db-primary.internal:9000", // a host and port
	`"connection refused"`,     // a phrase
	`"nil pointer dereference"`,
	"OOMKi",             // a prefix, while typing
	"deadline exceeded", // two words
	"kafka brokers",
	"zzyzx", // nothing
}

// defaultSeen are error lines to ask `shiplog seen` about: three the log
// met (with other hosts and ports than it wrote), and one it did not.
var defaultSeen = []string{
	"dial tcp 10.9.8.7:5432: connect: connection refused",
	"panic: runtime error: invalid memory address or nil pointer dereference",
	"Error: listen EADDRINUSE: address already in use :::3000",
	"database is locked (SQLITE_BUSY)",
	"gpg: signing failed: Inappropriate ioctl for device",
}

// Report is everything measured, as -json writes it. Times are in
// milliseconds.
type Report struct {
	Site      string      `json:"site"`
	Entries   int         `json:"entries"`
	Sizes     []SizeRow   `json:"sizes"`
	ScriptRaw int64       `json:"script_raw"`
	ScriptGz  int64       `json:"script_gzip"`
	Queries   []QueryRow  `json:"queries,omitempty"`
	Seen      []SeenRow   `json:"seen,omitempty"`
	Load      [2][]string `json:"load"` // the load average before and after
}

// SizeRow is one part of the index.
type SizeRow struct {
	Part  string `json:"part"`
	Files int    `json:"files"`
	Raw   int64  `json:"raw"`
	Gzip  int64  `json:"gzip"`
}

// QueryRow is one query in the browser.
type QueryRow struct {
	Query   string `json:"query"`
	Status  string `json:"status"`  // what the search page said
	Results int    `json:"results"` // the number it said
	Shown   int    `json:"shown"`   // results in the page
	Files   int    `json:"files"`   // index files a cold query fetched
	Shards  int    `json:"shards"`
	Raw     int64  `json:"raw"`
	Gzip    int64  `json:"gzip"`
	// Of Gzip, the manifest and shards; the rest is entry files.
	IndexGzip int64     `json:"index_gzip"`
	WarmGet   int       `json:"warm_fetches"` // index files the warm query fetched (0)
	Cold      []float64 `json:"cold"`         // submitted → next frame after the results
	ColdDOM   []float64 `json:"cold_dom"`     // submitted → results in the page
	Warm      []float64 `json:"warm"`
	// search.js's own time from the query to its results fetched, before
	// drawing them (the list's data-ms): the rest is drawing.
	ColdFound []float64 `json:"cold_found"`
	WarmFound []float64 `json:"warm_found"`
}

// SeenRow is one `shiplog seen` line.
type SeenRow struct {
	Text  string    `json:"text"`
	Found int       `json:"found"` // entries reported with --limit 0
	Exit  int       `json:"exit"`
	Wall  []float64 `json:"wall"`
	CPU   []float64 `json:"cpu"`
	RSSKB int64     `json:"rss_kb"`
}

func main() {
	src := flag.String("src", "", "the log (a shiplog site, such as a corpus from bench/gencorpus)")
	out := flag.String("out", "", "its built site (default: build it into -work)")
	bin := flag.String("shiplog", "", "shiplog binary (default: build ./cmd/shiplog)")
	work := flag.String("work", "", "scratch folder (default: a temporary one, removed after)")
	runs := flag.Int("runs", 7, "runs of each query, cold and warm")
	seenRuns := flag.Int("seen-runs", 7, "timed runs of each `shiplog seen`")
	queries := flag.String("queries", "", `queries separated by "|" (default: a fixed list)`)
	seen := flag.String("seen", "", `error lines for shiplog seen, separated by "|" (default: a fixed list)`)
	withIndex := flag.Bool("index", true, "measure the search index; false times only `shiplog seen` (-out may then hold only errors/errors.tsv)")
	withBrowser := flag.Bool("browser", true, "measure queries in headless Chromium")
	jsonOut := flag.String("json", "", "also write the figures as JSON to this file")
	flag.Parse()
	if *src == "" {
		fatal(errors.New("-src is required"))
	}
	qs, ss := defaultQueries, defaultSeen
	if *queries != "" {
		qs = strings.Split(*queries, "|")
	}
	if *seen != "" {
		ss = strings.Split(*seen, "|")
	}
	if *work == "" {
		dir, err := os.MkdirTemp("", "searchbench-")
		if err != nil {
			fatal(err)
		}
		defer os.RemoveAll(dir)
		*work = dir
	}
	rep, err := run(*src, *out, *bin, *work, qs, ss, *runs, *seenRuns, *withIndex, *withBrowser && *withIndex)
	if err != nil {
		fatal(err)
	}
	if *jsonOut != "" {
		data, _ := json.MarshalIndent(rep, "", "  ")
		if err := os.WriteFile(*jsonOut, append(data, '\n'), 0o644); err != nil {
			fatal(err)
		}
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "searchbench:", err)
	os.Exit(1)
}

func run(src, out, bin, work string, queries, seen []string, runs, seenRuns int, withIndex, withBrowser bool) (*Report, error) {
	rep := &Report{Site: src}
	rep.Load[0] = loadAvg()
	fmt.Printf("Load average before: %s; %d cores; %s; %s\n", strings.Join(rep.Load[0], " "), runtime.NumCPU(), memTotal(), time.Now().UTC().Format("2006-01-02 15:04 MST"))
	if bin == "" {
		bin = filepath.Join(work, "shiplog")
		if err := release.Build(bin); err != nil {
			return nil, err
		}
	}
	if out == "" {
		out = filepath.Join(work, "public")
		t0 := time.Now()
		cmd := exec.Command(bin, "build", src, "--out", out, "--quiet")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("shiplog build %s: %w", src, err)
		}
		fmt.Printf("Built %s in %s\n", src, time.Since(t0).Round(time.Millisecond))
	}

	if withIndex {
		if err := sizes(rep, out); err != nil {
			return nil, err
		}
		printSizes(rep)
	}
	if withBrowser {
		if err := browse(rep, out, queries, runs); err != nil {
			return nil, err
		}
		printQueries(rep)
	}
	if err := timeSeen(rep, bin, src, out, seen, seenRuns); err != nil {
		return nil, err
	}
	printSeen(rep)
	rep.Load[1] = loadAvg()
	fmt.Printf("\nLoad average after: %s\n", strings.Join(rep.Load[1], " "))
	return rep, nil
}

// ---- The index on disk.

func sizes(rep *Report, out string) error {
	dir := filepath.Join(out, "search")
	data, err := os.ReadFile(filepath.Join(dir, "index.json"))
	if err != nil {
		return fmt.Errorf("no search index: %w", err)
	}
	var m struct {
		N int `json:"n"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("search/index.json: %w", err)
	}
	rep.Entries = m.N
	rep.Sizes = []SizeRow{{Part: "manifest (index.json)", Files: 1, Raw: int64(len(data)), Gzip: gzipSize(data)}}
	for _, part := range []struct{ name, dir string }{{"shards (s/)", "s"}, {"entry files (d/)", "d"}} {
		row, err := sumDir(part.name, filepath.Join(dir, part.dir))
		if err != nil {
			return err
		}
		rep.Sizes = append(rep.Sizes, row)
	}
	scripts, _ := filepath.Glob(filepath.Join(out, "assets", "search.*.js"))
	for _, p := range scripts {
		if data, err := os.ReadFile(p); err == nil {
			rep.ScriptRaw, rep.ScriptGz = int64(len(data)), gzipSize(data)
		}
	}
	return nil
}

// sumDir adds up the files under dir, compressing each on its own, on
// every core.
func sumDir(name, dir string) (SizeRow, error) {
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			paths = append(paths, p)
		}
		return err
	})
	if err != nil {
		return SizeRow{}, err
	}
	row := SizeRow{Part: name, Files: len(paths)}
	var mu sync.Mutex
	var wg sync.WaitGroup
	work := make(chan string)
	var firstErr error
	for range runtime.NumCPU() {
		wg.Go(func() {
			var raw, gz int64
			var errw error
			for p := range work {
				data, err := os.ReadFile(p)
				if err != nil {
					errw = err
					continue
				}
				raw += int64(len(data))
				gz += gzipSize(data)
			}
			mu.Lock()
			row.Raw += raw
			row.Gzip += gz
			if errw != nil && firstErr == nil {
				firstErr = errw
			}
			mu.Unlock()
		})
	}
	for _, p := range paths {
		work <- p
	}
	close(work)
	wg.Wait()
	return row, firstErr
}

func gzipBytes(data []byte) []byte {
	var b bytes.Buffer
	z, _ := gzip.NewWriterLevel(&b, gzip.DefaultCompression)
	z.Write(data)
	z.Close()
	return b.Bytes()
}

func gzipSize(data []byte) int64 { return int64(len(gzipBytes(data))) }

// ---- The server: the built folder, compressed like a CDN would.

type fetched struct {
	path      string
	raw, wire int64
}

type server struct {
	files http.Handler
	gz    sync.Map // path → gzipped body, as a CDN keeps it

	mu      sync.Mutex
	fetched []fetched // index files, since the last take
}

func (s *server) take() []fetched {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.fetched
	s.fetched = nil
	return f
}

func isIndexFile(p string) bool {
	return strings.HasPrefix(p, "/search/") && strings.HasSuffix(p, ".json")
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	s.files.ServeHTTP(rec, r)
	h := w.Header()
	for k, v := range rec.Header() {
		h[k] = v
	}
	body := rec.Body.Bytes()
	wire := body
	ct := h.Get("Content-Type")
	compressible := strings.Contains(ct, "json") || strings.Contains(ct, "html") || strings.Contains(ct, "css") || strings.Contains(ct, "javascript")
	if rec.Code == http.StatusOK && compressible && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		if z, ok := s.gz.Load(r.URL.Path); ok {
			wire = z.([]byte)
		} else {
			wire = gzipBytes(body)
			s.gz.Store(r.URL.Path, wire)
		}
		h.Set("Content-Encoding", "gzip")
		h.Add("Vary", "Accept-Encoding")
		h.Del("Accept-Ranges")
		h.Set("Content-Length", strconv.Itoa(len(wire)))
	}
	w.WriteHeader(rec.Code)
	w.Write(wire)
	if isIndexFile(r.URL.Path) {
		s.mu.Lock()
		s.fetched = append(s.fetched, fetched{r.URL.Path, int64(len(body)), int64(len(wire))})
		s.mu.Unlock()
	}
}

// ---- Queries in the browser.

// measureJS submits a query in the search page's box and resolves when
// the page has said how many results there are (after it has put them
// in), and again after the next frame.
const measureJS = `(async (want) => {
  const form = document.querySelector('form.search-page'), box = form.querySelector('input[name=q]'),
    status = document.querySelector('.search-status'), list = document.querySelector('.search-results');
  const said = '\u201c' + want.trim() + '\u201d';
  let t0 = 0;
  const dom = new Promise((resolve, reject) => {
    const mo = new MutationObserver(() => {
      if (status.textContent.includes(said) || status.textContent.startsWith('Search is unavailable')) { mo.disconnect(); resolve(performance.now()); }
    });
    mo.observe(status, {childList: true, characterData: true, subtree: true});
    setTimeout(() => { mo.disconnect(); reject(new Error('no results within 60 s: ' + status.textContent)); }, 60000);
  });
  box.value = want;
  t0 = performance.now();
  form.requestSubmit();
  const tdom = await dom;
  await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
  const tframe = performance.now();
  return {dom: tdom - t0, frame: tframe - t0, found: parseFloat(list.getAttribute('data-ms') || 'NaN'),
    status: status.textContent, shown: list.querySelectorAll('.sr').length};
})`

type measured struct {
	DOM    float64 `json:"dom"`
	Frame  float64 `json:"frame"`
	Found  float64 `json:"found"` // search.js's own time, before drawing the results
	Status string  `json:"status"`
	Shown  int     `json:"shown"`
}

func browse(rep *Report, out string, queries []string, runs int) error {
	srv := &server{files: http.FileServer(http.Dir(out))}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv}
	go hs.Serve(ln)
	defer hs.Close()
	base := "http://" + ln.Addr().String()

	ctx, cancel, err := newBrowser()
	if err != nil {
		return err
	}
	defer cancel()
	if v, err := chromedp.CallBrowser(ctx, browser.GetVersion, cdp.Empty{}); err == nil {
		fmt.Printf("\nBrowser: %s (headless), site served by net/http on 127.0.0.1 with gzip\n", v.Product)
	}
	// Cold means cold: nothing from the browser's cache.
	if _, err := chromedp.Call(ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}); err != nil {
		return err
	}
	for _, q := range queries {
		row := QueryRow{Query: q}
		for i := range runs {
			if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
				return err
			}
			srv.take()
			if err := chromedp.Do(ctx, chromedp.Navigate(base+"/search/"), chromedp.WaitReady(chromedp.CSS("#search-page-q"))); err != nil {
				return fmt.Errorf("open the search page: %w", err)
			}
			cold, err := measure(ctx, q)
			if err != nil {
				return fmt.Errorf("query %q: %w", q, err)
			}
			files := srv.take()
			warm, err := measure(ctx, q)
			if err != nil {
				return fmt.Errorf("query %q again: %w", q, err)
			}
			row.WarmGet = max(row.WarmGet, len(srv.take()))
			row.Cold = append(row.Cold, cold.Frame)
			row.ColdDOM = append(row.ColdDOM, cold.DOM)
			row.Warm = append(row.Warm, warm.Frame)
			row.ColdFound = append(row.ColdFound, cold.Found)
			row.WarmFound = append(row.WarmFound, warm.Found)
			var raw, gz, ixgz int64
			shards := 0
			for _, f := range files {
				raw += f.raw
				gz += f.wire
				if !strings.HasPrefix(f.path, "/search/d/") {
					ixgz += f.wire
				}
				if strings.HasPrefix(f.path, "/search/s/") {
					shards++
				}
			}
			if i == 0 || gz > row.Gzip {
				row.Files, row.Shards, row.Raw, row.Gzip, row.IndexGzip = len(files), shards, raw, gz, ixgz
			}
			row.Status, row.Shown = cold.Status, cold.Shown
			row.Results = resultCount(cold.Status)
		}
		rep.Queries = append(rep.Queries, row)
		fmt.Fprintf(os.Stderr, "query %-28q %6d results  %2d files  %7d B gzip  cold %6.1f ms  warm %5.1f ms\n", q, row.Results, row.Files, row.Gzip, median(row.Cold), median(row.Warm))
	}
	return nil
}

func measure(ctx context.Context, q string) (measured, error) {
	arg, _ := json.Marshal(q)
	return chromedp.Run(ctx, chromedp.Evaluate[measured](measureJS+"("+string(arg)+")", chromedp.EvalAwaitPromise))
}

// resultCount reads the number from the page's status ("12 results for
// …", "3 results so far for …", "Nothing found for …").
func resultCount(status string) int {
	n, _ := strconv.Atoi(strings.Fields(status + " x")[0])
	return n
}

func newBrowser() (context.Context, func(), error) {
	path := os.Getenv("SHIPLOG_CHROMIUM")
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "chrome"} {
		if path != "" {
			break
		}
		path, _ = exec.LookPath(name)
	}
	if path == "" {
		return nil, nil, errors.New("no Chromium found (set SHIPLOG_CHROMIUM, or -browser=false)")
	}
	dir, err := os.MkdirTemp("", "searchbench-chromium-")
	if err != nil {
		return nil, nil, err
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(dir),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.WindowSize(1440, 900))
	ctx, cancel := chromedp.NewContext(alloc)
	stop := func() { cancel(); cancelAlloc(); os.RemoveAll(dir) }
	if err := chromedp.Do(ctx); err != nil {
		stop()
		return nil, nil, fmt.Errorf("start Chromium (%s): %w", path, err)
	}
	return ctx, stop, nil
}

// ---- shiplog seen.

func timeSeen(rep *Report, bin, src, out string, texts []string, runs int) error {
	for _, text := range texts {
		row := SeenRow{Text: text}
		// How many entries it finds, all of them, as JSON; this run is
		// also the untimed one that warms the page cache.
		cmd := exec.Command(bin, "seen", text, "--site", src, "--out", out, "--json", "--limit", "0")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
			return fmt.Errorf("shiplog seen %q: %v\n%s", text, err, stderr.Bytes())
		}
		var found []json.RawMessage
		if len(bytes.TrimSpace(stdout.Bytes())) > 0 {
			if err := json.Unmarshal(stdout.Bytes(), &found); err != nil {
				return fmt.Errorf("shiplog seen --json %q: %v\n%s", text, err, stdout.Bytes())
			}
		}
		row.Found = len(found)
		for range runs {
			cmd := exec.Command(bin, "seen", text, "--site", src, "--out", out)
			cmd.Stderr = &stderr
			t0 := time.Now()
			err := cmd.Run()
			wall := time.Since(t0)
			row.Exit = 0
			if errors.As(err, &exit) {
				row.Exit = exit.ExitCode()
			} else if err != nil {
				return err
			}
			if row.Exit > 1 {
				return fmt.Errorf("shiplog seen %q: exit %d\n%s", text, row.Exit, stderr.Bytes())
			}
			ps := cmd.ProcessState
			row.Wall = append(row.Wall, ms(wall))
			row.CPU = append(row.CPU, ms(ps.UserTime()+ps.SystemTime()))
			if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
				row.RSSKB = max(row.RSSKB, ru.Maxrss)
			}
		}
		rep.Seen = append(rep.Seen, row)
	}
	return nil
}

// ---- Printing.

func printSizes(rep *Report) {
	fmt.Printf("\n%d entries.\n\n| part | files | bytes | gzip | per 1,000 entries (gzip) |\n|---|--:|--:|--:|--:|\n", rep.Entries)
	var all SizeRow
	for _, r := range rep.Sizes {
		fmt.Printf("| %s | %d | %s | %s | %s (%s) |\n", r.Part, r.Files, size(r.Raw), size(r.Gzip), perK(r.Raw, rep.Entries), perK(r.Gzip, rep.Entries))
		all.Files += r.Files
		all.Raw += r.Raw
		all.Gzip += r.Gzip
	}
	fmt.Printf("| all | %d | %s | %s | %s (%s) |\n", all.Files, size(all.Raw), size(all.Gzip), perK(all.Raw, rep.Entries), perK(all.Gzip, rep.Entries))
	if rep.ScriptRaw > 0 {
		fmt.Printf("\nsearch.js: %s (%s gzip), loaded with every page.\n", size(rep.ScriptRaw), size(rep.ScriptGz))
	}
}

func printQueries(rep *Report) {
	runs := 0
	if len(rep.Queries) > 0 {
		runs = len(rep.Queries[0].Cold)
	}
	fmt.Printf("\nQueries on the search page, %d runs each: cold in a fresh page with the cache off, warm the same query again.\n", runs)
	fmt.Printf("Loads: the index files a cold query fetched (manifest, shards, and the entry files of the 20 results\n")
	fmt.Printf("the page shows, or of the candidates a phrase checks), as sent (gzip) and raw.\n")
	fmt.Printf("Times: the query submitted → the next frame after the results are in the page; \"found\" is search.js's own\n")
	fmt.Printf("time to its results (manifest, shards, entry files fetched and ranked), before it draws them.\n\n")
	fmt.Printf("| query | results | files (shards) | loads gzip | of which manifest + shards | raw | cold median | cold p90 | warm median | warm p90 | of which found, cold / warm |\n|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, q := range rep.Queries {
		res := strconv.Itoa(q.Results)
		if strings.Contains(q.Status, "so far") {
			res += " so far"
		}
		fmt.Printf("| `%s` | %s | %d (%d) | %s | %s | %s | %.0f ms | %.0f ms | %.0f ms | %.0f ms | %.0f / %.0f ms |\n",
			q.Query, res, q.Files, q.Shards, size(q.Gzip), size(q.IndexGzip), size(q.Raw), median(q.Cold), p90(q.Cold), median(q.Warm), p90(q.Warm), median(q.ColdFound), median(q.WarmFound))
	}
	var gz []float64
	for _, q := range rep.Queries {
		gz = append(gz, float64(q.Gzip))
		if q.WarmGet > 0 {
			fmt.Printf("\nNote: the warm `%s` fetched %d index files.\n", q.Query, q.WarmGet)
		}
	}
	if len(gz) > 0 {
		fmt.Printf("\nPer query, gzip: median %s, largest %s.\n", size(int64(median(gz))), size(int64(slices.Max(gz))))
	}
}

func printSeen(rep *Report) {
	if len(rep.Seen) == 0 {
		return
	}
	fmt.Printf("\n`shiplog seen \"…\"` on the built site, %d timed runs each after one untimed:\n\n| error line | entries found | exit | wall median | wall p90 | CPU median | peak RSS |\n|---|--:|--:|--:|--:|--:|--:|\n", len(rep.Seen[0].Wall))
	for _, s := range rep.Seen {
		fmt.Printf("| `%s` | %d | %d | %.0f ms | %.0f ms | %.0f ms | %d MB |\n", s.Text, s.Found, s.Exit, median(s.Wall), p90(s.Wall), median(s.CPU), s.RSSKB/1024)
	}
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// p90 is the nearest-rank 90th percentile.
func p90(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	return s[int(math.Ceil(0.9*float64(len(s))))-1]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func size(n int64) string {
	switch {
	case n >= 10<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<20:
		return fmt.Sprintf("%.2f MB", float64(n)/(1<<20))
	case n >= 10<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func perK(n int64, entries int) string {
	if entries == 0 {
		return "—"
	}
	return size(n * 1000 / int64(entries))
}

func loadAvg() []string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return nil
	}
	f := strings.Fields(string(data))
	return f[:min(3, len(f))]
}

func memTotal() string {
	data, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return "memory unknown"
	}
	for l := range strings.Lines(string(data)) {
		if v, ok := strings.CutPrefix(l, "MemTotal:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return fmt.Sprintf("%.0f GiB memory", float64(kb)/(1<<20))
		}
	}
	return "memory unknown"
}
