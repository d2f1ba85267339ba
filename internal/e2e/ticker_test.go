package e2e

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/shiplog/shiplog/internal/browsertest"
	"github.com/shiplog/shiplog/internal/hntest"
	"github.com/shiplog/shiplog/internal/serve"
	"github.com/shiplog/shiplog/internal/site"
	"github.com/shiplog/shiplog/internal/ticker"
)

// axePath finds axe-core's browser bundle, which scripts/test-deps.sh
// installs into .cache/npm; SHIPLOG_AXE overrides it.
func axePath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("SHIPLOG_AXE"); p != "" {
		return p
	}
	p := filepath.Join("..", "..", ".cache", "npm", "node_modules", "axe-core", "axe.min.js")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("no axe-core at %s: run scripts/test-deps.sh (or `make test`, which runs it), or set SHIPLOG_AXE", p)
	}
	return p
}

// tickerServer builds a copy of the example log with a ticker cache
// fetched from a local Hacker News, and serves it on 127.0.0.1 with the
// dev server's handler: the site, plus the live strip at
// /_shiplog/ticker.json.
func tickerServer(t *testing.T) (base string, hn *hntest.Server, r *ticker.Refresher) {
	t.Helper()
	src := filepath.Join(t.TempDir(), "log")
	if err := os.CopyFS(src, os.DirFS(exampleDir)); err != nil {
		t.Fatal(err)
	}
	os.RemoveAll(filepath.Join(src, "public"))
	os.RemoveAll(filepath.Join(src, ".shiplog"))
	hn = hntest.New(t)
	stories := hntest.Stories(30, time.Now())
	stories[2].Title = "Lambda &amp; the <img src=x onerror=alert(1)> bug"
	hn.SetStories(stories)
	r = &ticker.Refresher{Path: filepath.Join(src, ticker.CacheFile), TTL: time.Hour, Options: ticker.Options{API: hn.API()}}
	if !r.RefreshNow(context.Background()) {
		t.Fatal("refresh from the local Hacker News failed")
	}
	out := filepath.Join(t.TempDir(), "public")
	rep, err := site.Build(context.Background(), site.Options{Src: src, Out: out, Now: time.Now(), TickerLive: true})
	if err != nil {
		t.Fatalf("build: %v\n%v", err, rep.Problems)
	}
	gen, err := serve.OpenGeneration(out)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { gen.Close() })
	h := serve.NewHandler("127.0.0.1", nil)
	h.Swap(gen)
	h.Handle("/"+ticker.LivePath, r)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String(), hn, r
}

// motion is the state of the marquee.
type motion struct {
	Name     string  `json:"name"`
	State    string  `json:"state"`
	Duration string  `json:"duration"`
	X        float64 `json:"x"`
	CopyShow string  `json:"copyShow"`
	Toggle   string  `json:"toggle"`
	Overflow string  `json:"overflow"`
	Paused   bool    `json:"paused"`
}

const motionJS = `(() => {
  const t = document.querySelector('.ticker-track'), cs = getComputedStyle(t);
  return {
    name: cs.animationName, state: cs.animationPlayState, duration: cs.animationDuration,
    x: new DOMMatrixReadOnly(cs.transform === 'none' ? undefined : cs.transform).m41,
    copyShow: getComputedStyle(document.querySelector('.ticker-copy')).display,
    toggle: getComputedStyle(document.querySelector('.ticker-toggle')).display,
    overflow: getComputedStyle(document.querySelector('.ticker-viewport')).overflowX,
    paused: document.querySelector('#ticker-pause').checked,
  };
})()`

func readMotion(t *testing.T, ctx context.Context) motion {
	t.Helper()
	m, err := chromedp.Run(ctx, chromedp.Evaluate[motion](motionJS))
	if err != nil {
		t.Fatalf("read the marquee: %v", err)
	}
	return m
}

// moving reports whether the strip moves over a short while.
func moving(t *testing.T, ctx context.Context) bool {
	t.Helper()
	a := readMotion(t, ctx)
	if err := chromedp.Do(ctx, chromedp.Sleep(400*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	b := readMotion(t, ctx)
	return a.X != b.X
}

// away moves the mouse off the strip and focus out of it, so neither
// hover nor focus pauses it.
func away(t *testing.T, ctx context.Context) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.MouseEvent(chromedp.MouseMoved, 700, 850),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Evaluate[chromedp.Void](`document.activeElement && document.activeElement.blur()`)(ctx, tg)
			return err
		}),
	)
	if err != nil {
		t.Fatal(err)
	}
}

type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// runAxe injects axe-core and returns its violations on the page.
func runAxe(t *testing.T, ctx context.Context, axe string) []axeViolation {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](axe)); err != nil {
		t.Fatalf("inject axe-core: %v", err)
	}
	v, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](`axe.run(document, {resultTypes: ['violations']}).then(r =>
  r.violations.map(v => ({id: v.id, impact: v.impact || '', help: v.help, nodes: v.nodes.map(n => n.target.join(' '))})))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("run axe-core: %v", err)
	}
	return v
}

func reportAxe(t *testing.T, what string, vs []axeViolation) {
	t.Helper()
	for _, v := range vs {
		t.Errorf("axe-core (%s): %s [%s]: %s at %s", what, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, ", "))
	}
}

func media(features ...string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		p := emulation.SetEmulatedMediaParams{}
		for i := 0; i+1 < len(features); i += 2 {
			p.Features = append(p.Features, &emulation.MediaFeature{Name: features[i], Value: features[i+1]})
		}
		if len(features) == 0 {
			p.Features = []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: ""}, {Name: "prefers-color-scheme", Value: ""}}
		}
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, p)
		return err
	})
}

// TestTickerInBrowser opens a page of the example log with a ticker in
// headless Chromium and checks what the issue promises: the strip moves,
// stops on hover, focus and the Pause toggle (which persists), stands
// still with reduced motion, keeps its copy out of the accessibility tree
// and the tab order, passes axe-core in light and dark, works without
// JavaScript, takes new headlines without a reload, and never makes a
// request beyond 127.0.0.1.
func TestTickerInBrowser(t *testing.T) {
	base, hn, refresher := tickerServer(t)
	ctx := browsertest.New(t)
	axeJS, err := os.ReadFile(axePath(t))
	if err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	var requests []string
	err = chromedp.Listen(ctx, func(ev any) {
		if ev, ok := ev.(*network.EventRequestWillBeSent); ok {
			mu.Lock()
			requests = append(requests, ev.Request.URL)
			mu.Unlock()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/log/"), chromedp.WaitReady(chromedp.CSS("#ticker .ticker-track"))); err != nil {
		t.Fatal(err)
	}
	away(t, ctx)

	t.Run("animates", func(t *testing.T) {
		m := readMotion(t, ctx)
		if m.Name != "ticker-loop" || m.State != "running" {
			t.Errorf("the track's animation is %q %q, want ticker-loop running", m.Name, m.State)
		}
		if d, err := time.ParseDuration(strings.TrimSuffix(m.Duration, "s") + "s"); err != nil || d < time.Minute {
			t.Errorf("one loop takes %s, want at least a minute for 30 headlines", m.Duration)
		}
		if !moving(t, ctx) {
			t.Error("the strip does not move")
		}
	})

	t.Run("copy hidden", func(t *testing.T) {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]any](`(() => {
  const copy = document.querySelector('.ticker-copy');
  const links = Array.from(copy.querySelectorAll('a'));
  return {hidden: copy.getAttribute('aria-hidden'), links: links.length, focusable: links.filter(a => a.tabIndex !== -1).length,
    originals: document.querySelectorAll('.ticker-list:not(.ticker-copy) a').length};
})()`))
		if err != nil {
			t.Fatal(err)
		}
		if got["hidden"] != "true" || got["focusable"] != float64(0) || got["links"] != got["originals"] {
			t.Errorf("the copy: %v; want aria-hidden=true, as many links as the list, none focusable", got)
		}
		// In the accessibility tree each headline is one link, not two.
		title := "Show HN: A static-site generator for engineering logs"
		tree, err := chromedp.Call(ctx, accessibility.GetFullAXTree, accessibility.GetFullAXTreeParams{})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, node := range tree.Nodes {
			if node.Ignored || node.Role == nil || node.Name == nil {
				continue
			}
			var role, name string
			json.Unmarshal(node.Role.Value, &role)
			json.Unmarshal(node.Name.Value, &name)
			if role == "link" && name == title {
				n++
			}
		}
		if n != 1 {
			t.Errorf("the accessibility tree has %d links named %q, want 1", n, title)
		}
		// Tab through the strip: focus never lands in the copy.
		if err := chromedp.Do(ctx, chromedp.Focus(chromedp.CSS("#ticker-pause"))); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < int(got["originals"].(float64))+3; i++ {
			if err := chromedp.Do(ctx, chromedp.KeyEvent(kbTab)); err != nil {
				t.Fatal(err)
			}
			in, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!(document.activeElement && document.activeElement.closest('.ticker-copy'))`))
			if err != nil {
				t.Fatal(err)
			}
			if in {
				t.Fatalf("Tab %d put focus in the hidden copy", i+1)
			}
		}
		away(t, ctx)
	})

	t.Run("hover and focus pause", func(t *testing.T) {
		if err := chromedp.Do(ctx, chromedp.MouseEvent(chromedp.MouseMoved, 700, 18)); err != nil {
			t.Fatal(err)
		}
		if m := readMotion(t, ctx); m.State != "paused" || moving(t, ctx) {
			t.Errorf("hovering the strip leaves it %s, want paused", m.State)
		}
		away(t, ctx)
		if err := chromedp.Do(ctx, chromedp.Focus(chromedp.CSS(".ticker-list a"))); err != nil {
			t.Fatal(err)
		}
		if m := readMotion(t, ctx); m.State != "paused" {
			t.Errorf("a focused headline leaves the strip %s, want paused", m.State)
		}
		away(t, ctx)
		if m := readMotion(t, ctx); m.State != "running" {
			t.Errorf("with no hover or focus the strip is %s, want running", m.State)
		}
	})

	t.Run("pause button", func(t *testing.T) {
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("label.ticker-toggle"))); err != nil {
			t.Fatal(err)
		}
		away(t, ctx)
		m := readMotion(t, ctx)
		if !m.Paused || m.State != "paused" || moving(t, ctx) {
			t.Errorf("after Pause: checked=%v, %s; want the strip to stand still", m.Paused, m.State)
		}
		// The choice holds on the next page.
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/"), chromedp.WaitReady(chromedp.CSS("#ticker .ticker-track"))); err != nil {
			t.Fatal(err)
		}
		away(t, ctx)
		if m := readMotion(t, ctx); !m.Paused || m.State != "paused" {
			t.Errorf("on the next page: checked=%v, %s; want still paused", m.Paused, m.State)
		}
		// The keyboard plays it again.
		if err := chromedp.Do(ctx, chromedp.Focus(chromedp.CSS("#ticker-pause")), chromedp.KeyEvent(" ")); err != nil {
			t.Fatal(err)
		}
		away(t, ctx)
		if m := readMotion(t, ctx); m.Paused || m.State != "running" || !moving(t, ctx) {
			t.Errorf("after Space on the toggle: checked=%v, %s; want running", m.Paused, m.State)
		}
	})

	t.Run("axe", func(t *testing.T) {
		for _, scheme := range []string{"light", "dark"} {
			if err := chromedp.Do(ctx, media("prefers-color-scheme", scheme), chromedp.Reload(), chromedp.WaitReady(chromedp.CSS("#ticker"))); err != nil {
				t.Fatal(err)
			}
			reportAxe(t, scheme, runAxe(t, ctx, string(axeJS)))
		}
		if err := chromedp.Do(ctx, media()); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("reduced motion", func(t *testing.T) {
		if err := chromedp.Do(ctx, media("prefers-reduced-motion", "reduce"), chromedp.Reload(), chromedp.WaitReady(chromedp.CSS("#ticker"))); err != nil {
			t.Fatal(err)
		}
		away(t, ctx)
		m := readMotion(t, ctx)
		if m.Name != "none" || m.CopyShow != "none" || m.Toggle != "none" || m.Overflow != "auto" {
			t.Errorf("with reduced motion: animation %q, copy %q, toggle %q, overflow %q; want none, none, none, auto (a static list that scrolls)", m.Name, m.CopyShow, m.Toggle, m.Overflow)
		}
		if moving(t, ctx) {
			t.Error("with reduced motion the strip still moves")
		}
		reportAxe(t, "reduced motion", runAxe(t, ctx, string(axeJS)))
		if err := chromedp.Do(ctx, media()); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("without JavaScript", func(t *testing.T) {
		set := func(off bool) chromedp.Action[chromedp.Void] {
			return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: off})
				return err
			})
		}
		if err := chromedp.Do(ctx, set(true), chromedp.Reload(), chromedp.WaitReady(chromedp.CSS("#ticker"))); err != nil {
			t.Fatal(err)
		}
		defer chromedp.Do(ctx, set(false), chromedp.Reload())
		away(t, ctx)
		m := readMotion(t, ctx) // DevTools may still evaluate with page scripts off
		if m.State != "running" || !moving(t, ctx) {
			t.Errorf("without JavaScript the strip is %s, want it moving", m.State)
		}
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("label.ticker-toggle"))); err != nil {
			t.Fatal(err)
		}
		away(t, ctx)
		if m := readMotion(t, ctx); m.State != "paused" {
			t.Errorf("without JavaScript Pause leaves the strip %s, want paused", m.State)
		}
	})

	t.Run("live headlines", func(t *testing.T) {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/archive/"), chromedp.WaitReady(chromedp.CSS("#ticker .ticker-track"))); err != nil {
			t.Fatal(err)
		}
		away(t, ctx)
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](`window.__samePage = 42`)); err != nil {
			t.Fatal(err)
		}
		fresh := hntest.Stories(30, time.Now())
		fresh[0].Title = "Live: a headline that arrived after the build"
		fresh[1].URL = "javascript:alert(1)"
		hn.SetStories(fresh)
		if !refresher.RefreshNow(context.Background()) {
			t.Fatal("the second refresh failed")
		}
		// The page polls every 30 s and when the window gains focus.
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](`window.dispatchEvent(new Event('focus'))`)); err != nil {
			t.Fatal(err)
		}
		wait, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if _, err := chromedp.Run(wait, chromedp.Poll[bool](`document.querySelector('.ticker-list a').textContent === 'Live: a headline that arrived after the build'`)); err != nil {
			t.Fatalf("the new headline did not appear: %v", err)
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]any](`({
  same: window.__samePage,
  copy: document.querySelector('.ticker-copy a').textContent,
  copyTab: Array.from(document.querySelectorAll('.ticker-copy a')).every(a => a.tabIndex === -1),
  second: document.querySelectorAll('.ticker-list:not(.ticker-copy) > li')[1].querySelector('a').getAttribute('href'),
  bad: Array.from(document.querySelectorAll('#ticker a')).filter(a => !/^(https?:|\/)/.test(a.getAttribute('href'))).length,
  asof: document.querySelector('.ticker-asof').textContent,
  navs: performance.getEntriesByType('navigation').length,
})`))
		if err != nil {
			t.Fatal(err)
		}
		if got["same"] != float64(42) {
			t.Error("the page reloaded to show new headlines")
		}
		if got["copy"] != "Live: a headline that arrived after the build" || got["copyTab"] != true {
			t.Errorf("the copy after a live update: %v; want the new headline, out of the tab order", got)
		}
		if got["second"] != "https://news.ycombinator.com/item?id=1001" || got["bad"] != float64(0) {
			t.Errorf("after a live update a javascript: story links to %v (%v links not http(s))", got["second"], got["bad"])
		}
		if !strings.HasPrefix(got["asof"].(string), "Top stories · as of ") {
			t.Errorf("as-of after a live update: %q", got["asof"])
		}
	})

	mu.Lock()
	defer mu.Unlock()
	for _, r := range requests {
		if u, err := url.Parse(r); err != nil || (u.Scheme != "data" && u.Hostname() != "127.0.0.1") {
			t.Errorf("the page made a request beyond 127.0.0.1: %s", r)
		}
	}
}

const kbTab = "\t"
