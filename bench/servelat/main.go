// Command servelat measures how long the dev server takes from saving an
// entry to the browser showing it.
//
//	go run ./bench/gencorpus -n 10000 -out /tmp/c10k
//	go run ./bench/servelat -src /tmp/c10k -runs 20
//
// It starts `shiplog serve` on the corpus (a real process, the real
// watcher), opens the page of one entry in headless Chromium, and then,
// -runs times, appends a paragraph with a new marker word to the entry's
// body and times:
//
//	event   the save → the server-sent event announcing the build that
//	        changed the entry's page
//	page    the save → an HTTP GET of the page returning the marker
//	browser the save → the open page having the marker in its DOM, put
//	        there by the live-reload script without anyone touching the
//	        page: by an update in place, or by a reload (then counted from
//	        its DOMContentLoaded, the parsed page)
//	frame   the save → the first frame the browser drew after that
//
// and the build time the server printed ("rebuilt in …") and the CPU
// time the server process used for the save (from /proc, so Linux). The
// browser's times are taken in the page (a MutationObserver and
// requestAnimationFrame, on the page's clock, which is the machine's
// wall clock), so polling the page from here adds nothing to them; each
// save says whether the page was updated in place or reloaded (a new
// document). Saves are -gap apart, so each is its own burst. At the end
// the entry is restored byte for byte. Without Chromium (-browser=false)
// only the first two are measured.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/shiplog/shiplog/bench/internal/release"
)

func main() {
	src := flag.String("src", "", "the log to serve (a corpus from bench/gencorpus); its entry is edited and restored")
	runs := flag.Int("runs", 20, "saves to time")
	gap := flag.Duration("gap", 400*time.Millisecond, "pause between saves")
	bin := flag.String("shiplog", "", "shiplog binary (default: build ./cmd/shiplog)")
	browser := flag.Bool("browser", true, "time the page in headless Chromium too")
	entry := flag.String("entry", "", "entry to edit, relative to -src (default: the newest by file name)")
	flag.Parse()
	if *src == "" {
		fatal(errors.New("-src is required"))
	}
	if err := run(*src, *entry, *bin, *runs, *gap, *browser); err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "servelat:", err)
	os.Exit(1)
}

type sample struct {
	event, page, browser, frame, build, cpu time.Duration
	reloaded                                bool
	events, builds                          int // events and builds seen for the save
}

// cpuTime is the user and system time the process pid has used, from
// /proc (Linux), or 0.
func cpuTime(pid int) time.Duration {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(data)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	var utime, stime int64
	fmt.Sscan(fields[11], &utime)
	fmt.Sscan(fields[12], &stime)
	return time.Duration(utime+stime) * time.Second / 100 // USER_HZ
}

func run(src, entry, bin string, runs int, gap time.Duration, withBrowser bool) error {
	work, err := os.MkdirTemp("", "servelat-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	if bin == "" {
		bin = filepath.Join(work, "shiplog")
		if err := release.Build(bin); err != nil {
			return err
		}
	}
	if entry == "" {
		entry, err = newestEntry(src)
		if err != nil {
			return err
		}
	}
	entryPath := filepath.Join(src, filepath.FromSlash(entry))
	original, err := os.ReadFile(entryPath)
	if err != nil {
		return err
	}
	defer os.WriteFile(entryPath, original, 0o644)

	// The server.
	srv := exec.Command(bin, "serve", src, "--port", "0")
	stdout, err := srv.StdoutPipe()
	if err != nil {
		return err
	}
	srv.Stderr = os.Stderr
	start := time.Now()
	if err := srv.Start(); err != nil {
		return err
	}
	defer func() {
		srv.Process.Signal(syscall.SIGINT)
		srv.Wait()
	}()
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var base string
	serving := regexp.MustCompile(`^serving (http://\S+)/ `)
	for base == "" {
		select {
		case l, ok := <-lines:
			if !ok {
				return errors.New("shiplog serve exited before serving")
			}
			if m := serving.FindStringSubmatch(l); m != nil {
				base = m[1]
			}
			if strings.HasPrefix(l, "built ") {
				fmt.Printf("first build: %s (%s wall)\n", l, time.Since(start).Round(time.Millisecond))
			}
		case <-time.After(10 * time.Minute):
			return errors.New("no first build within 10 minutes")
		}
	}
	builds := make(chan time.Duration, 100)
	rebuilt := regexp.MustCompile(`^rebuilt in (\S+)$`)
	go func() {
		for l := range lines {
			if m := rebuilt.FindStringSubmatch(l); m != nil {
				if d, err := time.ParseDuration(m[1]); err == nil {
					builds <- d
				}
			}
		}
	}()

	// The event stream.
	events := make(chan event, 100)
	resp, err := http.Get(base + "/_shiplog/events")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	go readEvents(resp.Body, events)
	<-events // hello

	// One save to learn the entry's page and warm up.
	n := 0
	save := func() (string, error) {
		n++
		marker := fmt.Sprintf("servelatmarker%d", n)
		// A paragraph at the top of the body, so the closing lesson
		// stays the closing paragraph.
		head, body, ok := strings.Cut(string(original[3:]), "\n---\n")
		if !ok {
			return "", fmt.Errorf("%s: no front matter", entry)
		}
		data := string(original[:3]) + head + "\n---\n\nA line for the timer: " + marker + ".\n" + body
		return marker, os.WriteFile(entryPath, []byte(data), 0o644)
	}
	if _, err := save(); err != nil {
		return err
	}
	ev, err := waitEvent(events)
	if err != nil {
		return err
	}
	<-builds
	if ev.Focus == "" {
		return fmt.Errorf("the event after saving %s names no entry page: %+v", entry, ev)
	}
	focus := ev.Focus
	pageURL := base + focus
	fmt.Printf("entry: %s → %s\n", entry, ev.Focus)

	var ctx context.Context
	if withBrowser {
		var cancel func()
		ctx, cancel = newBrowser()
		defer cancel()
		if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: pageWatch}); err != nil {
			return err
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(pageURL)); err != nil {
			return fmt.Errorf("open %s: %w", pageURL, err)
		}
		time.Sleep(time.Second) // the page connects to the event stream
	}

	var samples []sample
	for i := 0; i < runs; i++ {
		time.Sleep(gap)
		drainBuilds(builds)
		var doc float64
		if withBrowser {
			if doc, err = chromedp.Run(ctx, chromedp.Evaluate[float64](`performance.timeOrigin`)); err != nil {
				return err
			}
		}
		cpu0 := cpuTime(srv.Process.Pid)
		marker, err := save()
		t0 := time.Now()
		if err != nil {
			return err
		}
		var s sample
		for {
			ev, err := waitEvent(events)
			if err != nil {
				return err
			}
			s.events++
			// Only a build that changed the page can be the save's.
			if ev.All || slices.Contains(ev.Changed, focus) {
				break
			}
		}
		s.event = time.Since(t0)
		for {
			body, err := get(pageURL)
			if err != nil {
				return err
			}
			if strings.Contains(body, marker) {
				s.page = time.Since(t0)
				break
			}
			if time.Since(t0) > time.Minute {
				return fmt.Errorf("the page never showed %s", marker)
			}
		}
		if withBrowser {
			seen, err := waitBrowser(ctx, strings.TrimPrefix(marker, "servelatmarker"))
			if err != nil {
				return err
			}
			s.browser, s.frame = seen.Dom.Sub(t0), seen.Frame.Sub(t0)
			s.reloaded = seen.Doc != doc
		}
		// The build the server printed last is the save's: one that
		// came first found the entry unchanged (it saw the truncate of
		// the write, say).
		select {
		case s.build = <-builds:
			s.builds++
		case <-time.After(10 * time.Second):
		}
		for more := true; more; {
			select {
			case s.build = <-builds:
				s.builds++
			default:
				more = false
			}
		}
		s.cpu = cpuTime(srv.Process.Pid) - cpu0
		samples = append(samples, s)
		how := ""
		if withBrowser {
			how = map[bool]string{false: "in place", true: "reloaded"}[s.reloaded]
		}
		fmt.Printf("save %2d: event %6s  page %6s  browser %6s  frame %6s  build %6s  server CPU %6s  %s (%d events, %d builds)\n", i+1, ms(s.event), ms(s.page), ms(s.browser), ms(s.frame), ms(s.build), ms(s.cpu), how, s.events, s.builds)
	}
	report(samples, withBrowser)
	return nil
}

// pageWatch runs in every document the browser opens, before the page's
// own scripts: it notes when a marker first appears in the page's DOM
// once the page is parsed (so a reload counts from DOMContentLoaded), and
// when the first frame after that was drawn (a task queued from the
// frame's requestAnimationFrame runs after the frame's style, layout and
// paint). Times are the page's clock as milliseconds since 1970.
const pageWatch = `(() => {
  if (window.__servelat) return;
  const seen = window.__servelat = {};
  const now = () => performance.timeOrigin + performance.now();
  const scan = () => {
    if (document.readyState === "loading" || !document.body) return;
    const m = /servelatmarker(\d+)/.exec(document.body.textContent);
    if (!m || seen[m[1]]) return;
    const s = seen[m[1]] = {dom: now(), doc: performance.timeOrigin};
    requestAnimationFrame(() => setTimeout(() => { s.frame = now(); }));
  };
  new MutationObserver(scan).observe(document, {childList: true, subtree: true, characterData: true});
  document.addEventListener("DOMContentLoaded", scan);
  scan();
})()`

// seen is what pageWatch noted for one marker.
type seen struct {
	Dom, Frame time.Time
	Doc        float64 // the document's performance.timeOrigin: a reload makes a new one
}

// waitBrowser waits for the open page to have shown marker n, through a
// reload if there is one, and returns what pageWatch noted.
func waitBrowser(ctx context.Context, n string) (seen, error) {
	js := `new Promise(done => {
  const look = () => {
    const s = window.__servelat && window.__servelat[` + quote(n) + `];
    if (s && s.frame) done(s); else setTimeout(look, 10);
  };
  look();
})`
	deadline := time.Now().Add(time.Minute)
	for {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[struct{ Dom, Frame, Doc float64 }](js, chromedp.EvalAwaitPromise))
		if err == nil {
			at := func(ms float64) time.Time { return time.UnixMicro(int64(ms * 1000)) }
			return seen{Dom: at(got.Dom), Frame: at(got.Frame), Doc: got.Doc}, nil
		}
		// A reload destroyed the context the promise ran in: ask the
		// new page.
		if time.Now().After(deadline) {
			return seen{}, fmt.Errorf("the browser never showed marker %s: %v", n, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func report(samples []sample, withBrowser bool) {
	col := func(f func(sample) time.Duration) (med, p90, lo, hi time.Duration) {
		var ds []time.Duration
		for _, s := range samples {
			ds = append(ds, f(s))
		}
		slices.Sort(ds)
		return ds[len(ds)/2], ds[min(len(ds)-1, len(ds)*9/10)], ds[0], ds[len(ds)-1]
	}
	fmt.Printf("\n| measure | median | p90 | min | max |\n|---|---:|---:|---:|---:|\n")
	for _, c := range []struct {
		name string
		f    func(sample) time.Duration
	}{
		{"rebuild (server)", func(s sample) time.Duration { return s.build }},
		{"server CPU per save", func(s sample) time.Duration { return s.cpu }},
		{"save → event", func(s sample) time.Duration { return s.event }},
		{"save → page over HTTP", func(s sample) time.Duration { return s.page }},
		{"save → browser shows it", func(s sample) time.Duration { return s.browser }},
		{"save → next frame drawn", func(s sample) time.Duration { return s.frame }},
	} {
		if strings.HasPrefix(c.name, "save → browser") || strings.HasPrefix(c.name, "save → next frame") {
			if !withBrowser {
				continue
			}
		}
		med, p90, lo, hi := col(c.f)
		fmt.Printf("| %s | %s | %s | %s | %s |\n", c.name, ms(med), ms(p90), ms(lo), ms(hi))
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond)) }

func quote(s string) string { b, _ := json.Marshal(s); return string(b) }

func drainBuilds(c chan time.Duration) {
	for {
		select {
		case <-c:
		default:
			return
		}
	}
}

func get(u string) (string, error) {
	resp, err := http.Get(u)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

type event struct {
	Gen     int      `json:"gen"`
	Failure string   `json:"failure"`
	Focus   string   `json:"focus"`
	Changed []string `json:"changed"`
	All     bool     `json:"all"`
}

func readEvents(r io.Reader, out chan<- event) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			var ev event
			if json.Unmarshal([]byte(data), &ev) == nil {
				out <- ev
			}
		}
	}
	close(out)
}

func waitEvent(events <-chan event) (event, error) {
	select {
	case ev, ok := <-events:
		if !ok {
			return ev, errors.New("the event stream ended")
		}
		if ev.Failure != "" {
			return ev, fmt.Errorf("the build failed: %s", ev.Failure)
		}
		return ev, nil
	case <-time.After(5 * time.Minute):
		return event{}, errors.New("no event within 5 minutes of a save")
	}
}

// newestEntry is the last Markdown file under log/ by path.
func newestEntry(src string) (string, error) {
	var last string
	err := filepath.WalkDir(filepath.Join(src, "log"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			rel, _ := filepath.Rel(src, p)
			if rel = filepath.ToSlash(rel); rel > last {
				last = rel
			}
		}
		return err
	})
	if last == "" && err == nil {
		err = errors.New("no entry under log/")
	}
	return last, err
}

func newBrowser() (context.Context, func()) {
	path := os.Getenv("SHIPLOG_CHROMIUM")
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path != "" {
			break
		}
		path, _ = exec.LookPath(name)
	}
	dir, _ := os.MkdirTemp("", "servelat-chromium-")
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(dir),
		chromedp.Flag("disable-background-networking", true), chromedp.WindowSize(1440, 900))
	ctx, cancel := chromedp.NewContext(alloc)
	return ctx, func() { cancel(); cancelAlloc(); os.RemoveAll(dir) }
}
