// Package browsertest starts a real headless Chromium for tests, the way
// net/http/httptest starts a real server. A missing browser fails the test
// (CI must never silently skip page tests); set SHIPLOG_SKIP_BROWSER=1 to
// skip them on a machine where you cannot install Chromium.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// ExecPath finds the Chromium binary.
func ExecPath() string {
	if p := os.Getenv("SHIPLOG_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// New returns a browser context that lives until the test ends. The
// browser makes no requests of its own (no background networking, no
// component updates), so every request seen comes from the page.
func New(t testing.TB) context.Context {
	t.Helper()
	if os.Getenv("SHIPLOG_SKIP_BROWSER") == "1" {
		t.Skip("SHIPLOG_SKIP_BROWSER=1")
	}
	path := ExecPath()
	if path == "" {
		t.Fatal("no Chromium found: run scripts/test-deps.sh (or `make test`, which runs it), or set SHIPLOG_CHROMIUM")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("font-render-hinting", "none"),
		chromedp.WindowSize(1440, 900),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium (%s): %v", path, err)
	}
	return ctx
}
