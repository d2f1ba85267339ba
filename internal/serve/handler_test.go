package serve

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const secret = "TOP SECRET: outside the output folder"

// writeTree writes files (slash-separated name → content) under dir.
func writeTree(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// testSite writes a tiny output folder by hand, with a secret beside it
// and symlinks that point at the secret, and returns the folder.
func testSite(t testing.TB) string {
	t.Helper()
	base := t.TempDir()
	out := filepath.Join(base, "public")
	writeTree(t, base, map[string]string{
		"outside/secret.txt":          secret,
		"public/index.html":           "<!doctype html><title>Home</title><body><h1>Home page</h1></body>",
		"public/404.html":             "<!doctype html><title>Not found</title><body><h1>Site 404 page</h1></body>",
		"public/log/index.html":       "<!doctype html><body>The log</body>",
		"public/log/first/index.html": "<!doctype html><body>First entry</body>",
		"public/assets/style.css":     "body{color:#111}",
		"public/.shiplog-output":      "built by shiplog\n",
		"public/.git/config":          "[remote] url = " + secret,
	})
	for link, target := range map[string]string{
		"public/leak.txt":        "../outside/secret.txt",
		"public/leakdir":         "../outside",
		"public/abs.txt":         filepath.Join(base, "outside", "secret.txt"),
		"public/log/inside.html": "../index.html", // stays inside: fine to serve
	} {
		if err := os.Symlink(target, filepath.Join(base, filepath.FromSlash(link))); err != nil {
			t.Skipf("symlinks not available: %v", err)
		}
	}
	return out
}

// syncBuffer is a bytes.Buffer safe for concurrent writes (the log).
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

// startHandler serves dir with a Handler on a real loopback listener.
func startHandler(t testing.TB, dir string) (*Handler, *httptest.Server, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	h := NewHandler("127.0.0.1", slog.New(slog.NewTextHandler(logs, nil)))
	g, err := OpenGeneration(dir)
	if err != nil {
		t.Fatal(err)
	}
	h.Swap(g)
	srv := httptest.NewUnstartedServer(h)
	srv.Config.DisableGeneralOptionsHandler = true // as Run does
	srv.Start()
	t.Cleanup(func() {
		srv.Close()
		if g := h.Swap(nil); g != nil {
			g.Close()
		}
	})
	return h, srv, logs
}

// rawGet sends a request line exactly as written, which the Go client
// would have normalised, and returns the response with its body.
func rawGet(t *testing.T, addr, request string) (*http.Response, string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, request); err != nil {
		t.Fatal(err)
	}
	method, _, _ := strings.Cut(request, " ")
	resp, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: method})
	if err != nil {
		t.Fatalf("%q: read response: %v", request, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%q: read body: %v", request, err)
	}
	return resp, string(body)
}

func get(method, target, host string) string {
	return fmt.Sprintf("%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", method, target, host)
}

func TestHandlerRejectsHostileRequests(t *testing.T) {
	_, srv, logs := startHandler(t, testSite(t))
	addr := srv.Listener.Addr().String()
	port := addr[strings.LastIndexByte(addr, ':')+1:]
	for _, tc := range []struct {
		name    string
		request string
		want    int
		logged  bool // REJECT: one log line
	}{
		{"parent", get("GET", "/../../etc/passwd", addr), 400, true},
		{"encoded slash", get("GET", "/..%2f..%2fetc/passwd", addr), 400, true},
		{"encoded dots", get("GET", "/%2e%2e/%2e%2e/etc/passwd", addr), 400, true},
		{"encoded dots upper", get("GET", "/%2E%2E/%2E%2E/etc/passwd", addr), 400, true},
		{"double encoded", get("GET", "/%252e%252e/etc/passwd", addr), 404, false},
		{"backslashes", get("GET", `/..\..\windows`, addr), 400, true},
		{"encoded backslash", get("GET", "/..%5c..%5cwindows", addr), 400, true},
		{"dotfile folder", get("GET", "/.git/config", addr), 400, true},
		{"marker", get("GET", "/.shiplog-output", addr), 400, true},
		{"nul", get("GET", "/log/%00", addr), 400, true},
		{"nul in name", get("GET", "/index.html%00.css", addr), 400, true},
		{"symlink to a file outside", get("GET", "/leak.txt", addr), 404, true},
		{"symlink to a folder outside", get("GET", "/leakdir/secret.txt", addr), 404, true},
		{"absolute symlink", get("GET", "/abs.txt", addr), 404, true},
		{"dns rebinding", get("GET", "/", "evil.example"), 403, true},
		{"dns rebinding with port", get("GET", "/", "evil.example:"+port), 403, true},
		{"localhost lookalike", get("GET", "/", "localhost.evil.example"), 403, true},
		{"absolute form", "GET http://evil.example/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 403, true},
		{"http/1.0 without host", "GET / HTTP/1.0\r\n\r\n", 403, true},
		{"post", get("POST", "/", addr), 405, true},
		{"put", get("PUT", "/index.html", addr), 405, true},
		{"options star", get("OPTIONS", "*", addr), 405, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := strings.Count(logs.String(), "\n")
			resp, body := rawGet(t, addr, tc.request)
			if resp.StatusCode != tc.want {
				t.Errorf("%q: status %d, want %d (body %q)", tc.request, resp.StatusCode, tc.want, body)
			}
			if strings.Contains(body, "TOP SECRET") {
				t.Errorf("%q: served the secret", tc.request)
			}
			if tc.want == http.StatusMethodNotAllowed && resp.Header.Get("Allow") != "GET, HEAD" {
				t.Errorf("%q: Allow = %q, want %q", tc.request, resp.Header.Get("Allow"), "GET, HEAD")
			}
			if tc.want == http.StatusNotFound && !strings.Contains(body, "Site 404 page") {
				t.Errorf("%q: 404 body %q, want the site's 404.html", tc.request, body)
			}
			if got := strings.Count(logs.String(), "\n") - before; tc.logged && got != 1 {
				t.Errorf("%q: %d log lines, want 1; log:\n%s", tc.request, got, logs.String())
			}
			// The server keeps serving.
			resp, body = rawGet(t, addr, get("GET", "/", addr))
			if resp.StatusCode != 200 || !strings.Contains(body, "Home page") {
				t.Fatalf("after %q: GET / = %d %q, want 200 and the home page", tc.request, resp.StatusCode, body)
			}
		})
	}
}

func TestHandlerServesTheSite(t *testing.T) {
	_, srv, _ := startHandler(t, testSite(t))
	addr := srv.Listener.Addr().String()
	port := addr[strings.LastIndexByte(addr, ':')+1:]
	for _, tc := range []struct {
		request     string
		want        int
		body        string // a part of the body
		location    string
		contentType string
	}{
		{get("GET", "/", addr), 200, "Home page", "", "text/html; charset=utf-8"},
		{get("GET", "/index.html", addr), 200, "Home page", "", "text/html; charset=utf-8"},
		{get("GET", "/log/", addr), 200, "The log", "", ""},
		{get("GET", "/log/first/", addr), 200, "First entry", "", ""},
		{get("GET", "/assets/style.css", addr), 200, "color:#111", "", "text/css; charset=utf-8"},
		{get("GET", "/log/inside.html", addr), 200, "Home page", "", ""}, // a symlink that stays inside
		// A folder without its slash redirects to the folder, query kept.
		{get("GET", "/log", addr), 301, "", "/log/", ""},
		{get("GET", "/log/first?x=1", addr), 301, "", "/log/first/?x=1", ""},
		// Never to another host: //evil.example/ is a protocol-relative URL.
		{get("GET", "//log", addr), 301, "", "/log/", ""},
		{get("GET", "/log//first", addr), 301, "", "/log/first/", ""},
		// Unknown paths get the site's 404 page.
		{get("GET", "/no/such/page/", addr), 404, "Site 404 page", "", "text/html; charset=utf-8"},
		{get("GET", "/nope.css", addr), 404, "Site 404 page", "", ""},
		{get("GET", "/assets/", addr), 404, "Site 404 page", "", ""}, // a folder with no index.html
		// Host names that are this machine.
		{get("GET", "/", "localhost:"+port), 200, "Home page", "", ""},
		{get("GET", "/", "LOCALHOST"), 200, "Home page", "", ""},
		{get("GET", "/", "[::1]:"+port), 200, "Home page", "", ""},
		{get("GET", "/", "shop.localhost:"+port), 200, "Home page", "", ""},
		{get("GET", "/", "192.168.1.20:"+port), 200, "Home page", "", ""}, // an IP cannot be rebound
	} {
		resp, body := rawGet(t, addr, tc.request)
		if resp.StatusCode != tc.want {
			t.Errorf("%q: status %d, want %d (body %q)", tc.request, resp.StatusCode, tc.want, body)
			continue
		}
		if !strings.Contains(body, tc.body) {
			t.Errorf("%q: body %q, want it to contain %q", tc.request, body, tc.body)
		}
		if got := resp.Header.Get("Location"); got != tc.location {
			t.Errorf("%q: Location %q, want %q", tc.request, got, tc.location)
		}
		if got := resp.Header.Get("Content-Type"); tc.contentType != "" && got != tc.contentType {
			t.Errorf("%q: Content-Type %q, want %q", tc.request, got, tc.contentType)
		}
		if tc.want == 200 && resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%q: no X-Content-Type-Options: nosniff", tc.request)
		}
	}

	// HEAD answers like GET, without a body.
	resp, body := rawGet(t, addr, get("HEAD", "/", addr))
	if resp.StatusCode != 200 || body != "" {
		t.Errorf("HEAD / = %d with %d bytes, want 200 and no body", resp.StatusCode, len(body))
	}
}

func TestHandlerBeforeFirstBuild(t *testing.T) {
	h := NewHandler("127.0.0.1", nil)
	srv := httptest.NewServer(h)
	defer srv.Close()
	addr := srv.Listener.Addr().String()

	resp, body := rawGet(t, addr, get("GET", "/", addr))
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "being built") {
		t.Errorf("GET / while building = %d %q, want 503 saying it is being built", resp.StatusCode, body)
	}

	h.SetFailure(`log/a.md:3:7: error: date: cannot parse "14/03/2026" <b>`)
	resp, body = rawGet(t, addr, get("GET", "/log/", addr))
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("GET /log/ after a failed first build = %d, want 503", resp.StatusCode)
	}
	for _, want := range []string{"shiplog-build-error", "did not build", "log/a.md:3:7: error: date: cannot parse &#34;14/03/2026&#34; &lt;b&gt;"} {
		if !strings.Contains(body, want) {
			t.Errorf("error page lacks %q:\n%s", want, body)
		}
	}
}

func TestHandlerOverlayKeepsLastGoodSite(t *testing.T) {
	h, srv, _ := startHandler(t, testSite(t))
	addr := srv.Listener.Addr().String()
	h.SetFailure("log/a.md:2:1: error: <script>alert(1)</script>")

	resp, body := rawGet(t, addr, get("GET", "/", addr))
	if resp.StatusCode != 200 || !strings.Contains(body, "Home page") {
		t.Fatalf("GET / = %d %q, want the last good home page", resp.StatusCode, body)
	}
	i, j := strings.Index(body, `id="shiplog-build-error"`), strings.Index(body, "</body>")
	if i < 0 || j < i {
		t.Errorf("the overlay is not just before </body>:\n%s", body)
	}
	if strings.Contains(body, "<script>") || !strings.Contains(body, "log/a.md:2:1: error: &lt;script&gt;") {
		t.Errorf("the overlay does not show the problem escaped:\n%s", body)
	}
	_, body = rawGet(t, addr, get("GET", "/missing", addr))
	if !strings.Contains(body, "Site 404 page") || !strings.Contains(body, "shiplog-build-error") {
		t.Errorf("404 page during a failure lacks the page or the overlay:\n%s", body)
	}
	// Only pages carry it.
	_, body = rawGet(t, addr, get("GET", "/assets/style.css", addr))
	if body != "body{color:#111}" {
		t.Errorf("style.css during a failure = %q, want it untouched", body)
	}

	h.SetFailure("")
	_, body = rawGet(t, addr, get("GET", "/", addr))
	if strings.Contains(body, "shiplog-build-error") {
		t.Errorf("the overlay stays after a good build:\n%s", body)
	}
}

// TestHandlerSwapUnderLoad hammers the server from several goroutines
// while generations are swapped in and retired as fast as possible. Every
// response must be a complete 200 from exactly one generation.
func TestHandlerSwapUnderLoad(t *testing.T) {
	base := t.TempDir()
	pages := map[string]string{}
	for _, name := range []string{"a", "b"} {
		// Big enough that responses span many writes.
		page := "<!doctype html><body>" + strings.Repeat("generation "+name+" ", 40_000) + "</body>"
		pages[name] = page
		writeTree(t, filepath.Join(base, name), map[string]string{"index.html": page, "404.html": "404"})
	}
	h := NewHandler("127.0.0.1", nil)
	open := func(name string) *Generation {
		g, err := OpenGeneration(filepath.Join(base, name))
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	h.Swap(open("a"))
	srv := httptest.NewServer(h)
	defer srv.Close()

	const (
		workers     = 6
		maxRequests = 300 // per worker
		maxDuration = 3 * time.Second
	)
	deadline := time.Now().Add(maxDuration)
	stop := make(chan struct{})
	var swaps atomic.Int64
	var retiring sync.WaitGroup
	swapperDone := make(chan struct{})
	go func() {
		defer close(swapperDone)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			old := h.Swap(open([]string{"a", "b"}[i%2]))
			swaps.Add(1)
			retiring.Add(1)
			go func() {
				defer retiring.Done()
				old.Wait()
				old.Close() // any request still using it would now fail
			}()
			time.Sleep(200 * time.Microsecond)
		}
	}()

	var wg sync.WaitGroup
	var total atomic.Int64
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
			defer client.CloseIdleConnections()
			for i := 0; i < maxRequests && time.Now().Before(deadline); i++ {
				resp, err := client.Get(srv.URL + "/")
				if err != nil {
					errs <- err
					return
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil {
					errs <- err
					return
				}
				if resp.StatusCode != 200 || (string(body) != pages["a"] && string(body) != pages["b"]) {
					errs <- fmt.Errorf("request %d: status %d, %d bytes, not one whole generation (%.60q…)", i, resp.StatusCode, len(body), body)
					return
				}
				total.Add(1)
			}
		}()
	}
	wg.Wait()
	close(stop)
	<-swapperDone
	retiring.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if g := h.Swap(nil); g != nil {
		g.Close()
	}
	t.Logf("%d responses during %d swaps", total.Load(), swaps.Load())
	if swaps.Load() < 10 || total.Load() < workers {
		t.Errorf("too little happened to test anything: %d responses, %d swaps", total.Load(), swaps.Load())
	}
}
