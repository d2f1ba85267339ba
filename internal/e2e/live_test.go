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
// liveSite, and returns its folder and URL.
func serveLive(t *testing.T) (string, string) {
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
	go func() {
		done <- serve.Run(ctx, serve.Options{
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
		})
	}()
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
// where the reader was; that a bad edit brings up the overlay naming the
// file and line, and that fixing it clears the overlay; that a
// stylesheet edit is swapped in without a reload; and that a page
// elsewhere goes to the entry being edited.
func TestLiveReloadInBrowser(t *testing.T) {
	src, base := serveLive(t)
	ctx := browsertest.New(t)
	edit := func(name, old, new string) {
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

	// An edit: the page reloads by itself and stays where it was.
	evalJS[chromedp.Void](t, ctx, `window.__before = 1`)
	edit(first, "The end of the first entry.", "The end of the first entry, edited live.")
	waitJS(t, ctx, "the edit appears", `document.body.innerText.includes("edited live")`)
	if before := evalJS[bool](t, ctx, `window.__before === 1`); before {
		t.Error("the page shows the edit without having reloaded; want a reload")
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
