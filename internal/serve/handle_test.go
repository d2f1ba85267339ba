package serve

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

// TestHandleExtra checks that a path given to Handle is answered by its
// handler, after the same Host and method checks as files, and that
// every other path still comes from the build.
func TestHandleExtra(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte("<!doctype html><title>site</title>"), 0o644); err != nil {
		t.Fatal(err)
	}
	g, err := OpenGeneration(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	h := NewHandler("127.0.0.1", nil)
	h.Swap(g)
	h.Handle("/_shiplog/ticker.json", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"live":true}`))
	}))
	for _, tc := range []struct {
		method, target, host string
		code                 int
		body                 string
	}{
		{"GET", "/_shiplog/ticker.json", "127.0.0.1:8080", 200, `{"live":true}`},
		{"HEAD", "/_shiplog/ticker.json", "localhost:8080", 200, `{"live":true}`},
		{"GET", "/_shiplog/ticker.json", "evil.example:8080", 403, ""},
		{"POST", "/_shiplog/ticker.json", "127.0.0.1:8080", 405, ""},
		{"GET", "/_shiplog%2Fticker.json", "127.0.0.1:8080", 400, ""},
		{"GET", "/_shiplog/ticker.json/", "127.0.0.1:8080", 404, ""},
		{"GET", "/", "127.0.0.1:8080", 200, "<!doctype html><title>site</title>"},
	} {
		req := httptest.NewRequest(tc.method, tc.target, nil)
		req.Host = tc.host
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tc.code || (tc.body != "" && rec.Body.String() != tc.body) {
			t.Errorf("%s %s (Host %s) = %d %q, want %d %q", tc.method, tc.target, tc.host, rec.Code, rec.Body.String(), tc.code, tc.body)
		}
	}
}
