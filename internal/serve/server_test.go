package serve

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeBuild stands in for the site build: its site is an index.html
// holding Src/page.txt and a style.css holding Src/style.txt; it fails
// when page.txt says BROKEN, panics when it says PANIC, and records how
// many builds ran, how many ran at once and what each was told changed.
type fakeBuild struct {
	src   string
	delay atomic.Int64 // nanoseconds each build takes

	builds, inflight, maxInflight atomic.Int32
	started                       chan struct{} // receives when a build starts, if anyone listens

	mu      sync.Mutex
	changes [][]string // what each build was told changed
	pages   []string   // what each build read in page.txt
}

func newFakeBuild(t *testing.T) *fakeBuild {
	src := t.TempDir()
	writeTree(t, src, map[string]string{"page.txt": "v1", "style.txt": "body{}"})
	return &fakeBuild{src: src, started: make(chan struct{})}
}

func (f *fakeBuild) build(ctx context.Context, changed []string, put func(Sum, []byte) error) (*Output, error) {
	n := f.inflight.Add(1)
	defer f.inflight.Add(-1)
	for {
		m := f.maxInflight.Load()
		if n <= m || f.maxInflight.CompareAndSwap(m, n) {
			break
		}
	}
	f.builds.Add(1)
	f.mu.Lock()
	f.changes = append(f.changes, changed)
	f.mu.Unlock()
	select {
	case f.started <- struct{}{}:
	default:
	}
	data, err := os.ReadFile(filepath.Join(f.src, "page.txt"))
	if err != nil {
		return nil, err
	}
	style, err := os.ReadFile(filepath.Join(f.src, "style.txt"))
	if err != nil {
		return nil, err
	}
	select {
	case <-time.After(time.Duration(f.delay.Load())):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	page := strings.TrimSpace(string(data))
	f.mu.Lock()
	f.pages = append(f.pages, page)
	f.mu.Unlock()
	switch page {
	case "BROKEN":
		return nil, errors.New("page.txt:1:1: error: the page is broken (write something else)")
	case "PANIC":
		var m map[string]int
		m["x"]++
	}
	out := &Output{Files: map[string]Sum{}}
	for name, body := range map[string][]byte{
		"index.html": []byte(`<!doctype html><link rel="stylesheet" href="/style.css"><body><p>` + page + "</p></body>"),
		"style.css":  style,
	} {
		sum := sha256.Sum256(body)
		if err := put(sum, body); err != nil {
			return nil, err
		}
		out.Files[name] = sum
	}
	return out, nil
}

// edit writes page.txt in the watched folder.
func (f *fakeBuild) edit(t *testing.T, text string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(f.src, "page.txt"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// running is a Run in progress.
type running struct {
	url  string
	out  *syncBuffer
	stop context.CancelFunc
	done chan error
}

// startRun starts Run with f's build on a free loopback port and waits
// until it serves.
func startRun(t *testing.T, f *fakeBuild) *running {
	t.Helper()
	return startRunWith(t, f.src, f.build)
}

// startRunWith starts Run on src with build.
func startRunWith(t *testing.T, src string, build func(context.Context, []string, func(Sum, []byte) error) (*Output, error), tweak ...func(*Options)) *running {
	t.Helper()
	t.Setenv("TMPDIR", t.TempDir()) // to see that Run cleans up after itself
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{out: &syncBuffer{}, stop: cancel, done: make(chan error, 1)}
	ready := make(chan string, 1)
	go func() {
		opts := Options{
			Src:   src,
			Port:  0,
			Build: build,
			Log:   slog.New(slog.NewTextHandler(io.Discard, nil)),
			Out:   r.out,
			Ready: func(url string) { ready <- url },
		}
		for _, f := range tweak {
			f(&opts)
		}
		r.done <- Run(ctx, opts)
	}()
	select {
	case r.url = <-ready:
	case err := <-r.done:
		t.Fatalf("Run returned before serving: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not start serving within 10s")
	}
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(10 * time.Second):
			t.Error("Run did not return within 10s of ctx ending")
		}
	})
	return r
}

// fetch GETs path and returns the status and body.
func (r *running) fetch(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(strings.TrimSuffix(r.url, "/") + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// waitFor polls / until ok accepts the response.
func (r *running) waitFor(t *testing.T, what string, ok func(code int, body string) bool) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		code, body := r.fetch(t, "/")
		if ok(code, body) {
			return body
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: still %d %q\noutput:\n%s", what, code, body, r.out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func shows(text string) func(int, string) bool {
	return func(code int, body string) bool {
		return code == 200 && strings.Contains(body, "<p>"+text+"</p>") && !strings.Contains(body, "shiplog-build-error")
	}
}

func TestRunServesRebuildsAndStops(t *testing.T) {
	f := newFakeBuild(t)
	r := startRun(t, f)
	if !strings.HasPrefix(r.url, "http://127.0.0.1:") {
		t.Errorf("serving on %s, want 127.0.0.1", r.url)
	}
	if code, body := r.fetch(t, "/"); !shows("v1")(code, body) {
		t.Fatalf("GET / = %d %q, want v1", code, body)
	}

	// A change under Src is picked up.
	f.edit(t, "v2")
	r.waitFor(t, "v2", shows("v2"))

	// A burst of saves is debounced into far fewer builds; the last wins.
	before := f.builds.Load()
	const saves = 10
	for i := range saves {
		f.edit(t, "v3-"+strconv.Itoa(i))
	}
	r.waitFor(t, "the last save of the burst", shows("v3-9"))
	if n := f.builds.Load() - before; n >= saves/2 {
		t.Errorf("%d saves in a burst caused %d builds, want them debounced", saves, n)
	}

	// Saves during a slow build cause one more build after it, never two
	// builds at once.
	f.delay.Store(int64(400 * time.Millisecond))
	f.edit(t, "v4")
	select {
	case <-f.started:
	case <-time.After(10 * time.Second):
		t.Fatal("no build started after a save")
	}
	f.edit(t, "v5")
	time.Sleep(Debounce + 50*time.Millisecond) // the second save's debounce ends mid-build
	f.edit(t, "v6")
	r.waitFor(t, "v6", shows("v6"))
	f.delay.Store(0)
	if m := f.maxInflight.Load(); m != 1 {
		t.Errorf("%d builds ran at once, want 1", m)
	}

	// A failed build keeps the last good site, with the problem on top.
	f.edit(t, "BROKEN")
	body := r.waitFor(t, "the overlay", func(code int, body string) bool {
		return strings.Contains(body, "shiplog-build-error")
	})
	if !strings.Contains(body, "<p>v6</p>") || !strings.Contains(body, "page.txt:1:1: error: the page is broken") {
		t.Errorf("after a failed build, GET / = %q, want v6 with the problem", body)
	}
	// A panicking build is a failed build too, and the server lives on.
	f.edit(t, "PANIC")
	body = r.waitFor(t, "the internal error", func(code int, body string) bool {
		return strings.Contains(body, "internal error")
	})
	if !strings.Contains(body, "<p>v6</p>") || !strings.Contains(body, "please report this") {
		t.Errorf("after a panicking build, GET / = %q, want v6 and a report request", body)
	}
	f.edit(t, "v7")
	r.waitFor(t, "v7 without the overlay", shows("v7"))

	// Stopping: Run returns nil, stops listening, removes every generation.
	r.stop()
	select {
	case err := <-r.done:
		if err != nil {
			t.Errorf("Run = %v, want nil after ctx ends", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return within 10s of ctx ending")
	}
	r.done <- nil // for the cleanup
	if _, err := http.Get(r.url); err == nil {
		t.Errorf("%s still answers after Run returned", r.url)
	}
	entries, _ := os.ReadDir(os.Getenv("TMPDIR"))
	for _, e := range entries {
		t.Errorf("Run left %s behind in its temporary folder", e.Name())
	}
	// The first build reads everything; the others are told what changed.
	f.mu.Lock()
	changes := f.changes
	f.mu.Unlock()
	if changes[0] != nil {
		t.Errorf("the first build was told %q changed, want nil (everything)", changes[0])
	}
	for i, c := range changes[1:] {
		if !slices.Equal(c, []string{"page.txt"}) {
			t.Errorf("build %d was told %q changed, want [page.txt]", i+2, c)
		}
	}
	out := r.out.String()
	for _, want := range []string{"serving " + r.url, "rebuilt in ", "the last good site is still served", "stopped\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestRunFirstBuildFails(t *testing.T) {
	f := newFakeBuild(t)
	f.edit(t, "BROKEN")
	r := startRun(t, f)
	code, body := r.fetch(t, "/")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "page.txt:1:1: error: the page is broken") {
		t.Errorf("GET / after a failed first build = %d %q, want 503 naming the problem", code, body)
	}
	if !strings.Contains(r.out.String(), "the site did not build") {
		t.Errorf("output does not say the site did not build:\n%s", r.out.String())
	}
	f.edit(t, "fixed")
	r.waitFor(t, "the fixed site", shows("fixed"))
}

func TestRunStopsDuringBuild(t *testing.T) {
	f := newFakeBuild(t)
	r := startRun(t, f)
	f.delay.Store(int64(time.Minute)) // only ctx ends it
	f.edit(t, "v2")
	select {
	case <-f.started:
	case <-time.After(10 * time.Second):
		t.Fatal("no build started after a save")
	}
	start := time.Now()
	r.stop()
	select {
	case err := <-r.done:
		if err != nil {
			t.Errorf("Run = %v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return within 10s of ctx ending during a build")
	}
	r.done <- nil
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Run took %v to stop during a build", d)
	}
	if f.inflight.Load() != 0 {
		t.Error("Run returned while a build was still running")
	}
	if strings.Contains(r.out.String(), "last good site") {
		t.Errorf("a build cut short by stopping was reported as failed:\n%s", r.out.String())
	}
	entries, _ := os.ReadDir(os.Getenv("TMPDIR"))
	for _, e := range entries {
		t.Errorf("left behind in TMPDIR: %s", e.Name())
	}
}

func TestRunPortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	f := newFakeBuild(t)
	err = Run(context.Background(), Options{Src: f.src, Port: port, Build: f.build})
	want := fmt.Sprintf("port %d is in use; try --port 0 to pick a free one", port)
	if err == nil || err.Error() != want {
		t.Errorf("Run on a taken port = %v, want %q", err, want)
	}
	if n := f.builds.Load(); n != 0 {
		t.Errorf("Run built %d times before finding the port taken, want 0", n)
	}
}

func TestRunMissingSource(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	err := Run(context.Background(), Options{Src: missing, Build: func(context.Context, []string, func(Sum, []byte) error) (*Output, error) { return &Output{}, nil }})
	if err == nil || !strings.Contains(err.Error(), "no such folder") {
		t.Errorf("Run on a missing folder = %v, want it to say so", err)
	}
}

func TestIgnored(t *testing.T) {
	src := filepath.FromSlash("/home/me/log")
	for _, tc := range []struct {
		name string
		want bool
	}{
		{"log/2026-03-14-a.md", false},
		{"shiplog.toml", false},
		{"static/img.png", false},
		{"public/index.html", true},
		{".git/index", true},
		{"log/.2026-03-14-a.md.swp", true},
		{"log/2026-03-14-a.md~", true},
		{"log/4913", true},
		{"log/#a.md#", true},
		{"log/a.md___jb_tmp___", true},
	} {
		if got := ignored(src, filepath.Join(src, filepath.FromSlash(tc.name))); got != tc.want {
			t.Errorf("ignored(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
}
