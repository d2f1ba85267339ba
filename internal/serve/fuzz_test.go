package serve

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"strings"
	"testing"
)

// FuzzRequestPath sends arbitrary paths straight to the handler (no
// client or server to normalise them) and checks that nothing outside
// the output folder, no dotfile, and no 5xx ever comes back.
func FuzzRequestPath(f *testing.F) {
	for _, seed := range []string{
		"/", "/log/", "/log", "/index.html", "/../../etc/passwd", "/..%2f..%2fetc/passwd",
		"/%2e%2e/%2e%2e/etc/passwd", "/%252e%252e/etc/passwd", `/..\..\windows`, "/.git/config",
		"/.shiplog-output", "/log/%00", "/leak.txt", "/leakdir/secret.txt", "/abs.txt", "//log",
		"/log/./../..", "/log/inside.html", "/%2E%2E%5C", "/log/%2e%2e%2f%2e%2e%2fleak.txt",
	} {
		f.Add(seed)
	}
	h, _, _ := startHandler(f, testSite(f))
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := url.ParseRequestURI(raw)
		if err != nil || u.Host != "" {
			return // the server would have refused it before the handler
		}
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.URL = u
		r.RequestURI = raw
		r.Host = "127.0.0.1"
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		body := w.Body.String()
		if strings.Contains(body, "TOP SECRET") {
			t.Fatalf("%q served the secret (status %d)", raw, w.Code)
		}
		if w.Code >= 500 {
			t.Fatalf("%q: status %d", raw, w.Code)
		}
		if name, ok := cleanPath(u.Path); ok {
			if name != "." && (strings.HasPrefix(name, "/") || path.Clean(name) != name || strings.HasPrefix(name, "..")) {
				t.Fatalf("cleanPath(%q) = %q, not a clean name inside the root", u.Path, name)
			}
			for _, seg := range strings.Split(name, "/") {
				if seg != "." && strings.HasPrefix(seg, ".") {
					t.Fatalf("cleanPath(%q) = %q, which names a dotfile", u.Path, name)
				}
			}
		}
		if loc := w.Header().Get("Location"); loc != "" && (!strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, `/\`)) {
			t.Fatalf("%q redirects off the site to %q", raw, loc)
		}
	})
}
