package serve

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

// startLive serves testSite with live reload on, as Run does.
func startLive(t *testing.T) (*Handler, *httptest.Server, *syncBuffer) {
	t.Helper()
	h, srv, logs := startHandler(t, testSite(t))
	h.EnableLive()
	t.Cleanup(h.live.close)
	return h, srv, logs
}

// TestLiveScriptOnlyInPages checks that the live-reload script is added
// to HTML pages, once, just before </body>, and to nothing else; and not
// at all without EnableLive.
func TestLiveScriptOnlyInPages(t *testing.T) {
	_, srv, _ := startLive(t)
	addr := srv.Listener.Addr().String()
	tag := regexp.MustCompile(`<script src="/_shiplog/live.js" data-gen="\d+" data-etag="[0-9a-f]*" defer></script>\n</body>`)
	for _, p := range []string{"/", "/log/", "/log/first/", "/no/such/page/"} {
		_, body := rawGet(t, addr, get("GET", p, addr))
		if n := strings.Count(body, "/_shiplog/live.js"); n != 1 || !tag.MatchString(body) {
			t.Errorf("GET %s: the script appears %d times, want once before </body>:\n%s", p, n, body)
		}
	}
	_, body := rawGet(t, addr, get("GET", "/assets/style.css", addr))
	if body != "body{color:#111}" {
		t.Errorf("GET /assets/style.css = %q, want it as built", body)
	}
	resp, body := rawGet(t, addr, get("GET", scriptPath, addr))
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") || !strings.Contains(body, "EventSource") {
		t.Errorf("GET %s = %d %s %.40q, want the script", scriptPath, resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}

	// Without live reload, pages are served as built.
	_, plain, _ := startHandler(t, testSite(t))
	addr = plain.Listener.Addr().String()
	_, body = rawGet(t, addr, get("GET", "/", addr))
	if strings.Contains(body, "_shiplog") {
		t.Errorf("without live reload, GET / = %q, want no script", body)
	}
	if resp, _ := rawGet(t, addr, get("GET", eventsPath, addr)); resp.StatusCode != 404 {
		t.Errorf("without live reload, GET %s = %d, want 404", eventsPath, resp.StatusCode)
	}
}

// TestLiveOverlayStyleShared checks that live.js draws the same overlay
// as the server.
func TestLiveOverlayStyleShared(t *testing.T) {
	if !strings.Contains(string(liveJS), overlayStyle) {
		t.Error("live.js does not use the server's overlay style; keep them the same")
	}
	if !strings.Contains(string(liveJS), staleNote) {
		t.Error("live.js does not use the server's overlay heading; keep them the same")
	}
}

// TestEventStreamRejectsOtherSites checks the Origin and Fetch-Metadata
// checks on the event stream and the other /_shiplog/ paths: another
// site's page must not learn when the author saves, nor read drafts'
// headlines.
func TestEventStreamRejectsOtherSites(t *testing.T) {
	h, srv, logs := startLive(t)
	h.Handle("/_shiplog/ticker.json", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("{}")) }))
	addr := srv.Listener.Addr().String()
	port := addr[strings.LastIndexByte(addr, ':')+1:]
	with := func(path string, headers ...string) string {
		req := "GET " + path + " HTTP/1.1\r\nHost: " + addr + "\r\nConnection: close\r\n"
		for _, hd := range headers {
			req += hd + "\r\n"
		}
		return req + "\r\n"
	}
	for _, tc := range []struct {
		name, request string
		want          int
	}{
		{"foreign origin", with(eventsPath, "Origin: http://evil.example"), 403},
		{"foreign origin, same port", with(eventsPath, "Origin: http://evil.example:"+port), 403},
		{"localhost on another port", with(eventsPath, "Origin: http://localhost:1"), 403},
		{"https origin", with(eventsPath, "Origin: https://"+addr), 403},
		{"null origin", with(eventsPath, "Origin: null"), 403},
		{"cross-site fetch", with(eventsPath, "Sec-Fetch-Site: cross-site"), 403},
		{"ticker, foreign origin", with("/_shiplog/ticker.json", "Origin: http://evil.example"), 403},
		{"ticker, cross-site", with("/_shiplog/ticker.json", "Sec-Fetch-Site: cross-site"), 403},
		{"page, foreign origin", with("/", "Origin: http://evil.example"), 403},
		{"rebinding", "GET " + eventsPath + " HTTP/1.1\r\nHost: evil.example:" + port + "\r\nConnection: close\r\n\r\n", 403},
		{"same origin", with("/_shiplog/ticker.json", "Origin: http://"+addr), 200},
		{"same origin, upper case", with("/_shiplog/ticker.json", "Origin: HTTP://"+strings.ToUpper(addr)), 200},
		{"no origin", with("/_shiplog/ticker.json"), 200},
		{"same-origin fetch", with("/_shiplog/ticker.json", "Sec-Fetch-Site: same-origin"), 200},
		{"a link from another site to a page", with("/", "Sec-Fetch-Site: cross-site"), 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := strings.Count(logs.String(), "\n")
			resp, body := rawGet(t, addr, tc.request)
			if resp.StatusCode != tc.want {
				t.Errorf("status %d, want %d (%q)", resp.StatusCode, tc.want, body)
			}
			if got := strings.Count(logs.String(), "\n") - before; tc.want == 403 && got != 1 {
				t.Errorf("%d log lines, want 1", got)
			}
			if resp, body := rawGet(t, addr, get("GET", "/", addr)); resp.StatusCode != 200 || !strings.Contains(body, "Home page") {
				t.Fatalf("afterwards GET / = %d, want 200", resp.StatusCode)
			}
		})
	}
}

// readEvent reads the next data line of an event stream.
func readEvent(t *testing.T, r *bufio.Reader) event {
	t.Helper()
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("event stream: %v", err)
		}
		if data, ok := strings.CutPrefix(strings.TrimSuffix(line, "\n"), "data: "); ok {
			var ev event
			if err := json.Unmarshal([]byte(data), &ev); err != nil {
				t.Fatalf("event %q: %v", data, err)
			}
			return ev
		}
	}
}

// TestEventStream checks what the stream says: where things are when a
// page connects, then each build and each failure; and that it ends when
// the server stops.
func TestEventStream(t *testing.T) {
	h, srv, _ := startLive(t)
	h.live.publish(event{Gen: 3})
	req, _ := http.NewRequest("GET", srv.URL+eventsPath, nil)
	req.Header.Set("Origin", srv.URL)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("Content-Type %q, want text/event-stream", ct)
	}
	r := bufio.NewReader(resp.Body)
	if ev := readEvent(t, r); ev.Gen != 3 || ev.Failure != "" || ev.Changed != nil {
		t.Errorf("hello = %+v, want generation 3 and nothing else", ev)
	}
	h.live.publish(event{Gen: 4, Changed: []string{"/log/x/", "/assets/style.css"}, Focus: "/log/x/"})
	if ev := readEvent(t, r); ev.Gen != 4 || len(ev.Changed) != 2 || ev.Focus != "/log/x/" {
		t.Errorf("build event = %+v", ev)
	}
	h.live.publish(event{Gen: 4, Failure: "log/x.md:3:7: error: date"})
	if ev := readEvent(t, r); ev.Failure == "" {
		t.Errorf("failure event = %+v, want the problems", ev)
	}
	many := make([]string, maxListed+1)
	for i := range many {
		many[i] = "/p/"
	}
	h.live.publish(event{Gen: 5, Changed: many})
	if ev := readEvent(t, r); !ev.All || ev.Changed != nil {
		t.Errorf("an event with %d changes = all %v, %d listed; want all and none listed", len(many), ev.All, len(ev.Changed))
	}
	// A page connecting now learns of the failure at once.
	h.live.publish(event{Gen: 5, Failure: "still broken"})
	readEvent(t, r)
	resp2, err := srv.Client().Get(srv.URL + eventsPath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp2.Body.Close()
	if ev := readEvent(t, bufio.NewReader(resp2.Body)); ev.Failure != "still broken" || ev.Gen != 5 {
		t.Errorf("hello during a failure = %+v", ev)
	}

	done := make(chan struct{})
	go func() {
		r.ReadString(0) // until the stream ends
		close(done)
	}()
	h.live.close()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the stream did not end when the hub closed")
	}
}

func TestChangedPaths(t *testing.T) {
	a, b, c := Sum{1}, Sum{2}, Sum{3}
	old := map[string]Sum{"index.html": a, "log/x/index.html": a, "assets/style.css": b, "gone.txt": c, "404.html": c}
	cur := map[string]Sum{"index.html": a, "log/x/index.html": b, "assets/style.css": c, "new.txt": a, "404.html": c}
	got := changedPaths(old, cur)
	want := []string{"/assets/style.css", "/gone.txt", "/log/x/", "/new.txt"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("changedPaths = %q, want %q", got, want)
	}
}

// TestRunLive runs the server with a fake build and follows the event
// stream: a page edit names the page, a stylesheet edit names only the
// stylesheet, a failure carries its problems and a fix clears them.
func TestRunLive(t *testing.T) {
	f := newFakeBuild(t)
	r := startRun(t, f)
	resp, err := http.Get(r.url + "_shiplog/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	br := bufio.NewReader(resp.Body)
	if ev := readEvent(t, br); ev.Gen != 1 {
		t.Errorf("hello = %+v, want generation 1", ev)
	}
	f.edit(t, "v2")
	if ev := readEvent(t, br); ev.Gen != 2 || strings.Join(ev.Changed, " ") != "/" {
		t.Errorf("after a page edit: %+v, want generation 2 changing /", ev)
	}
	if err := os.WriteFile(f.src+"/style.txt", []byte("body{color:red}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if ev := readEvent(t, br); ev.Gen != 3 || strings.Join(ev.Changed, " ") != "/style.css" {
		t.Errorf("after a stylesheet edit: %+v, want generation 3 changing /style.css only", ev)
	}
	f.edit(t, "BROKEN")
	if ev := readEvent(t, br); ev.Gen != 3 || !strings.Contains(ev.Failure, "page.txt:1:1: error: the page is broken") {
		t.Errorf("after a bad edit: %+v, want the problem", ev)
	}
	f.edit(t, "v2")
	if ev := readEvent(t, br); ev.Gen != 4 || ev.Failure != "" || len(ev.Changed) != 0 {
		t.Errorf("after fixing it back: %+v, want generation 4, no failure, nothing changed", ev)
	}
	// Stopping ends the stream, so shutting down does not wait for pages.
	start := time.Now()
	r.stop()
	select {
	case <-r.done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not stop")
	}
	r.done <- nil
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("stopping with a page open took %v", d)
	}
}

func TestBeforeBodyEnd(t *testing.T) {
	for _, tc := range []struct{ page, want string }{
		{"<p>a</p></body></html>", "<p>a</p>X</body></html>"},
		{"<p>a</p></BODY></html>", "<p>a</p>X</BODY></html>"},
		{"</body><p>a</p></Body>", "</body><p>a</p>X</Body>"},
		{"<p>no end", "<p>no endX"},
		{"</bod", "</bodX"},
		{"", "X"},
	} {
		if got := string(beforeBodyEnd([]byte(tc.page), []byte("X"))); got != tc.want {
			t.Errorf("beforeBodyEnd(%q) = %q, want %q", tc.page, got, tc.want)
		}
	}
}

// TestRunRejectsHostileRequests sends the hostile requests of
// TestHandlerRejectsHostileRequests to a running server, whose site is
// in its store rather than a folder: each is refused with a 4xx and the
// server still answers / afterwards.
func TestRunRejectsHostileRequests(t *testing.T) {
	f := newFakeBuild(t)
	r := startRun(t, f)
	addr := strings.TrimSuffix(strings.TrimPrefix(r.url, "http://"), "/")
	for _, tc := range []struct {
		request string
		want    int
	}{
		{get("GET", "/../../etc/passwd", addr), 400},
		{get("GET", "/..%2f..%2fetc/passwd", addr), 400},
		{get("GET", "/%2e%2e/%2e%2e/etc/passwd", addr), 400},
		{get("GET", "/%252e%252e/etc/passwd", addr), 404},
		{get("GET", `/..\..\windows`, addr), 400},
		{get("GET", "/.git/config", addr), 400},
		{get("GET", "/page.txt", addr), 404}, // a source file, not a file of the site
		{get("GET", "/"+strings.Repeat("0", 64), addr), 404},
		{get("GET", "/files/", addr), 404},
		{get("GET", "/", "evil.example"), 403},
		{get("POST", "/", addr), 405},
		{"GET " + eventsPath + " HTTP/1.1\r\nHost: " + addr + "\r\nOrigin: http://evil.example\r\nConnection: close\r\n\r\n", 403},
	} {
		resp, body := rawGet(t, addr, tc.request)
		if resp.StatusCode != tc.want {
			t.Errorf("%q: status %d, want %d (%q)", tc.request, resp.StatusCode, tc.want, body)
		}
		if code, body := r.fetch(t, "/"); code != 200 || !strings.Contains(body, "<p>v1</p>") {
			t.Fatalf("after %q: GET / = %d %q", tc.request, code, body)
		}
	}
}

// TestRunFocus checks that the event after a build names the page the
// build says the change was about, unless NoNavigate.
func TestRunFocus(t *testing.T) {
	for _, stay := range []bool{false, true} {
		f := newFakeBuild(t)
		build := func(ctx context.Context, changed []string, put func(Sum, []byte) error) (*Output, error) {
			out, err := f.build(ctx, changed, put)
			if out != nil && changed != nil {
				out.Focus = "/log/x/"
			}
			return out, err
		}
		r := startRunWith(t, f.src, build, func(o *Options) { o.NoNavigate = stay })
		resp, err := http.Get(r.url + "_shiplog/events")
		if err != nil {
			t.Fatal(err)
		}
		br := bufio.NewReader(resp.Body)
		readEvent(t, br)
		f.edit(t, "v2")
		ev := readEvent(t, br)
		resp.Body.Close()
		if want := map[bool]string{false: "/log/x/", true: ""}[stay]; ev.Focus != want {
			t.Errorf("NoNavigate %v: focus %q, want %q", stay, ev.Focus, want)
		}
	}
}
