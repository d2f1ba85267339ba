package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shiplog/shiplog/internal/hntest"
	"github.com/shiplog/shiplog/internal/ticker"
)

// tickerRun runs shiplog with args and returns its exit code and output.
func tickerRun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), &env{stdout: &stdout, stderr: &stderr}, args)
	return code, stdout.String(), stderr.String()
}

func tickerLog(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "log")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "shiplog.toml"), []byte("title = \"Ticker CLI\"\n[ticker]\ncount = 12\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestTickerCommands(t *testing.T) {
	srv := hntest.New(t)
	t.Setenv(ticker.EnvAPI, srv.API())
	dir := tickerLog(t)
	cache := filepath.Join(dir, ".shiplog", "ticker.json")

	code, _, stderr := tickerRun(t, "ticker", dir)
	if code != exitProblem || !strings.Contains(stderr, "no headlines cached") {
		t.Errorf("ticker before any refresh = %d, %q; want 1 and a hint to refresh", code, stderr)
	}

	code, stdout, stderr := tickerRun(t, "ticker", "refresh", dir)
	if code != exitOK || stderr != "" {
		t.Fatalf("ticker refresh = %d, stderr %q; want 0 and nothing", code, stderr)
	}
	if !regexp.MustCompile(`^fetched 12 headlines \(Top stories\) in \d+ms → .*/\.shiplog/ticker\.json\n$`).MatchString(stdout) {
		t.Errorf("ticker refresh printed %q", stdout)
	}
	if ua := srv.UserAgents(); len(ua) == 0 || !strings.HasPrefix(ua[0], "shiplog/"+version+" ") {
		t.Errorf("User-Agent %q, want shiplog/%s …", ua, version)
	}

	code, stdout, _ = tickerRun(t, "ticker", dir)
	if code != exitOK {
		t.Fatalf("ticker = %d", code)
	}
	for _, want := range []string{
		"Top stories, as of ",
		"  1. Show HN: A static-site generator for engineering logs\n     500 points, 10 comments, 17m old · https://example.com/story/1000\n",
		" 12. The case against microservices for small teams\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("ticker output lacks %q:\n%s", want, stdout)
		}
	}

	code, stdout, _ = tickerRun(t, "ticker", "--json", dir)
	var snap ticker.Snapshot
	if err := json.Unmarshal([]byte(stdout), &snap); code != exitOK || err != nil || len(snap.Headlines) != 12 {
		t.Errorf("ticker --json = %d, %v, %d headlines; want 0 and the snapshot", code, err, len(snap.Headlines))
	}

	// The API fails: exit 1, the last good headlines stay.
	before, _ := os.ReadFile(cache)
	srv.SetFault(hntest.Fault{Kind: hntest.Status500})
	code, _, stderr = tickerRun(t, "ticker", "refresh", dir, "--timeout", "1s")
	if code != exitProblem || !regexp.MustCompile(`^shiplog ticker refresh: .*500 Internal Server Error.*; kept the headlines as of \d\d:\d\d UTC\n$`).MatchString(stderr) {
		t.Errorf("ticker refresh against a failing API = %d, %q", code, stderr)
	}
	if after, _ := os.ReadFile(cache); !bytes.Equal(before, after) {
		t.Errorf("a failed refresh changed the cache")
	}
	srv.SetFault(hntest.Fault{})

	// A corrupt cache: a warning on the file; a refresh replaces it.
	os.WriteFile(cache, before[:len(before)/3], 0o644)
	code, _, stderr = tickerRun(t, "ticker", dir)
	if code != exitProblem || !strings.HasPrefix(stderr, ".shiplog/ticker.json:1:1: warning: the ticker cache is corrupt: it ends early") {
		t.Errorf("ticker with a cut cache = %d, %q", code, stderr)
	}
	code, _, stderr = tickerRun(t, "ticker", "refresh", dir)
	if code != exitOK || !strings.Contains(stderr, "warning: the ticker cache is corrupt") || !strings.Contains(stderr, "replaced by the next successful refresh") {
		t.Errorf("ticker refresh over a cut cache = %d, %q", code, stderr)
	}
	if _, err := ticker.Cached(cache); err != nil {
		t.Errorf("the refresh did not rewrite the cut cache: %v", err)
	}

	// A build shows what was fetched, without asking the server.
	hits := srv.Hits("/")
	code, _, stderr = tickerRun(t, "build", dir, "--quiet")
	if code != exitOK {
		t.Fatalf("build = %d: %s", code, stderr)
	}
	if srv.Hits("/") != hits {
		t.Errorf("the build made %d requests to the API, want none", srv.Hits("/")-hits)
	}
	page, _ := os.ReadFile(filepath.Join(dir, "public", "index.html"))
	if !strings.Contains(string(page), "Show HN: A static-site generator for engineering logs") {
		t.Errorf("the built page lacks the cached headlines")
	}
}

func TestTickerRefreshHostileData(t *testing.T) {
	srv := hntest.New(t)
	srv.SetFault(hntest.Fault{Kind: hntest.BidiTitle})
	t.Setenv(ticker.EnvAPI, srv.API())
	dir := tickerLog(t)
	code, _, stderr := tickerRun(t, "ticker", "refresh", dir)
	if code != exitOK || stderr != "warning: item 1000 (rank 1): bidi control characters removed\n" {
		t.Errorf("ticker refresh of a bidi title = %d, stderr %q; want 0 and one warning naming the item", code, stderr)
	}
}

func TestTickerRefreshBadEnv(t *testing.T) {
	t.Setenv(ticker.EnvAPI, "ftp://example.com/v0")
	code, _, stderr := tickerRun(t, "ticker", "refresh", tickerLog(t))
	if code != exitProblem || stderr != "shiplog ticker refresh: SHIPLOG_HN_API=\"ftp://example.com/v0\" is not an http(s) URL\n" {
		t.Errorf("ticker refresh with ftp: = %d, %q", code, stderr)
	}
}

func TestTickerUsage(t *testing.T) {
	for _, args := range [][]string{
		{"ticker", "a", "b"},
		{"ticker", "refresh", "a", "b"},
		{"ticker", "--nope"},
		{"ticker", "refresh", "--timeout", "0s"},
	} {
		if code, _, _ := tickerRun(t, args...); code != exitUsage {
			t.Errorf("shiplog %q = %d, want %d", args, code, exitUsage)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for a command writing while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServeTickerLive runs `shiplog serve` against a local Hacker News:
// it refreshes in the background, at most once per TTL, serves the strip
// at /_shiplog/ticker.json for open pages to poll, and stops cleanly.
func TestServeTickerLive(t *testing.T) {
	hn := hntest.New(t)
	t.Setenv(ticker.EnvAPI, hn.API())
	dir := tickerLog(t)
	os.WriteFile(filepath.Join(dir, "shiplog.toml"), []byte("title = \"Ticker CLI\"\n[ticker]\ncount = 12\nttl = \"1s\"\n"), 0o644)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan int)
	go func() {
		done <- run(ctx, &env{stdout: &stdout, stderr: &stderr}, []string{"serve", dir, "--port", "0"})
	}()

	addr := regexp.MustCompile(`serving (http://127\.0\.0\.1:\d+/)`)
	var base string
	for deadline := time.Now().Add(10 * time.Second); base == ""; {
		if m := addr.FindStringSubmatch(stdout.String()); m != nil {
			base = m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("serve did not start: %s %s", stdout.String(), stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	strip := func() ticker.Strip {
		resp, err := http.Get(base + ticker.LivePath)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var st ticker.Strip
		if err := json.NewDecoder(resp.Body).Decode(&st); err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d, %v", ticker.LivePath, resp.StatusCode, err)
		}
		return st
	}
	waitFor := func(title string) ticker.Strip {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			st := strip()
			if len(st.Items) > 0 && st.Items[0].Title == title {
				return st
			}
			if time.Now().After(deadline) {
				t.Fatalf("the live strip never showed %q: %+v", title, st)
			}
		}
	}
	st := waitFor("Show HN: A static-site generator for engineering logs")
	if len(st.Items) != 12 {
		t.Errorf("the live strip has %d items, want 12", len(st.Items))
	}
	resp, err := http.Get(base)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Contains(page, []byte(`data-live="/_shiplog/ticker.json"`)) {
		t.Errorf("served pages do not poll the live strip")
	}

	stories := hntest.Stories(12, time.Now())
	stories[0].Title = "Fresh from the background refresh"
	hn.SetStories(stories)
	waitFor("Fresh from the background refresh")
	time.Sleep(1500 * time.Millisecond)
	if n := hn.Hits("/v0/topstories.json"); n > 4 {
		t.Errorf("%d refreshes in about 3 s with a 1 s TTL, want at most 4", n)
	}

	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("serve exited %d: %s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
	if _, err := ticker.Cached(filepath.Join(dir, ticker.CacheFile)); err != nil {
		t.Errorf("the cache serve refreshed does not read: %v", err)
	}
}
