// Package serve is the dev server: it serves the latest complete build of
// a site on 127.0.0.1, rebuilds when a source file changes, and rejects
// anything that is not a plain request for a file of the site.
//
// A request is answered from one generation (one complete build) from
// start to end, even when a rebuild swaps in a new generation meanwhile.
// When the latest build failed, the last good generation stays served and
// every HTML page carries an overlay naming the problems; before any build
// succeeded, every request gets a page listing them.
package serve

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"html"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"strings"
	"sync"
)

// Generation is one complete build, served as a whole: either a folder
// (OpenGeneration) or files in the dev server's store, by name.
type Generation struct {
	Dir     string // the folder; "" for a generation in the store
	n       int    // its number, counted by the server; 0 for a folder opened by hand
	root    *os.Root
	files   map[string]Sum // nil: the files are the folder's
	refs    sync.WaitGroup // requests being answered from this generation
	release func()         // gives the files back to the store; nil for a folder
	closed  sync.Once

	// In the store: whether a successor took over its hold on the files
	// they share, and the files it still holds, which it alone names
	// (store.successor). Guarded by the store's mutex.
	succeeded bool
	alone     []Sum
}

// OpenGeneration opens a build's output folder for serving.
func OpenGeneration(dir string) (*Generation, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &Generation{Dir: dir, root: root}, nil
}

// Close releases the generation's folder handle, or its files in the
// store.
func (g *Generation) Close() error {
	var err error
	g.closed.Do(func() {
		if g.release != nil {
			g.release()
			return
		}
		err = g.root.Close()
	})
	return err
}

// Wait blocks until no request is being answered from g any more. Call it
// only after g was swapped out: requests that start later use the new
// generation, so the count can only go down.
func (g *Generation) Wait() { g.refs.Wait() }

// open opens the file at name (clean, relative to the site's root). It
// reports a folder (a name with an index.html under it) as dir, with no
// file.
func (g *Generation) open(name string) (f *os.File, etag string, dir bool, err error) {
	if g.files == nil {
		f, err := g.root.Open(name)
		if err != nil {
			return nil, "", false, err
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, "", false, err
		}
		if st.IsDir() {
			f.Close()
			return nil, "", true, nil
		}
		return f, "", false, nil
	}
	sum, ok := g.files[name]
	if !ok {
		if _, ok := g.files[path.Join(name, "index.html")]; ok || name == "." {
			return nil, "", true, nil
		}
		return nil, "", false, fs.ErrNotExist
	}
	f, err = g.root.Open(blobName(sum))
	return f, `"` + blobName(sum)[:20] + `"`, false, err
}

// Handler serves the current generation.
type Handler struct {
	hosts map[string]bool // Host names accepted (DNS-rebinding defence)
	log   *slog.Logger
	extra map[string]http.Handler // exact paths answered by something else than the build
	live  *hub                    // live reload; nil when pages are served as built

	mu      sync.RWMutex
	current *Generation
	failure string // the problems of the latest build, "" when it succeeded
}

// NewHandler returns a handler that accepts requests addressed to the
// loopback names, to IP addresses and to bindHost.
func NewHandler(bindHost string, log *slog.Logger) *Handler {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	h := &Handler{log: log, hosts: map[string]bool{"localhost": true}}
	if bindHost != "" {
		h.hosts[strings.ToLower(strings.Trim(bindHost, "[]"))] = true
	}
	return h
}

// Handle answers requests for exactly path with x instead of a file of
// the build, after the Host, Origin and method checks. Call it before
// serving.
func (h *Handler) Handle(path string, x http.Handler) {
	if h.extra == nil {
		h.extra = map[string]http.Handler{}
	}
	h.extra[path] = x
}

// AllowHost accepts requests addressed to host as well. Call it before
// serving.
func (h *Handler) AllowHost(host string) { h.hosts[strings.ToLower(strings.Trim(host, "[]"))] = true }

// allowedHost reports whether a request's Host header names this server.
// A DNS-rebinding attack needs a name the attacker controls, so any IP
// literal is fine (the browser's origin is then the address itself), as
// are localhost and its subdomains (RFC 6761), and the names allowed.
func (h *Handler) allowedHost(hostport string) bool {
	host := hostport
	if hh, _, err := net.SplitHostPort(hostport); err == nil {
		host = hh
	}
	host = strings.ToLower(strings.Trim(host, "[]"))
	if host == "" {
		return false
	}
	if net.ParseIP(host) != nil {
		return true
	}
	host = strings.TrimSuffix(host, ".")
	return h.hosts[host] || strings.HasSuffix(host, ".localhost")
}

// sameOrigin reports whether a request may come from the page that sent
// it. Browsers send Origin with cross-origin fetches and EventSource
// connections (and with every POST), so a request from another site's
// page names that site; it must name this server exactly. Requests
// without Origin are top-level navigations, sub-resources and same-origin
// reads, which the Host check covers.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	return strings.EqualFold(o, "http://"+r.Host)
}

// Swap makes g the generation served from now on and returns the previous
// one. Requests already being answered from the previous one finish with
// it; the caller calls its Wait, then Close.
func (h *Handler) Swap(g *Generation) *Generation {
	h.mu.Lock()
	defer h.mu.Unlock()
	old := h.current
	h.current = g
	return old
}

// SetFailure records the problems of the latest build ("" once a build
// succeeds again), shown in an overlay on every HTML page.
func (h *Handler) SetFailure(problems string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.failure = problems
}

// acquire returns the current generation, held until release is called.
func (h *Handler) acquire() (*Generation, string) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if h.current != nil {
		h.current.refs.Add(1)
	}
	return h.current, h.failure
}

func (h *Handler) reject(w http.ResponseWriter, r *http.Request, code int, why string) {
	h.log.Warn("rejected request", "method", r.Method, "path", r.RequestURI, "host", r.Host, "status", code, "why", why)
	http.Error(w, http.StatusText(code)+": "+why, code)
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !h.allowedHost(r.Host) {
		h.reject(w, r, http.StatusForbidden, "unexpected Host header")
		return
	}
	if !sameOrigin(r) {
		h.reject(w, r, http.StatusForbidden, "request from another site's page")
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		h.reject(w, r, http.StatusMethodNotAllowed, "only GET and HEAD")
		return
	}
	if r.URL.RawPath == "" && strings.HasPrefix(r.URL.Path, livePrefix) {
		// The dev server's own endpoints are for its pages only: a
		// browser marks a request from another site's page as such.
		if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
			h.reject(w, r, http.StatusForbidden, "request from another site's page")
			return
		}
		if x, ok := h.extra[r.URL.Path]; ok {
			x.ServeHTTP(w, r)
			return
		}
		if h.live != nil && h.live.serve(w, r) {
			return
		}
	}
	raw := strings.ToLower(r.URL.EscapedPath())
	name, ok := cleanPath(r.URL.Path)
	if !ok || strings.Contains(raw, "%2f") || strings.Contains(raw, "%5c") {
		h.reject(w, r, http.StatusBadRequest, "path not allowed")
		return
	}
	g, failure := h.acquire()
	if g == nil {
		h.serveFailure(w, r, failure)
		return
	}
	defer g.refs.Done()
	w.Header().Set("X-Content-Type-Options", "nosniff")
	// Ask the browser to check every time, with the ETag, so a reload
	// after a rebuild fetches only what changed.
	w.Header().Set("Cache-Control", "no-cache")
	h.serveFile(w, r, g, name, failure)
}

// cleanPath turns a decoded URL path into a name inside the output root.
// It refuses dotfiles, parent references, backslashes and NUL in any
// segment, so traversal fails whatever encoding produced it.
func cleanPath(p string) (string, bool) {
	if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, "\x00\\") {
		return "", false
	}
	for _, seg := range strings.Split(p, "/") {
		if strings.HasPrefix(seg, ".") {
			return "", false
		}
	}
	name := strings.TrimPrefix(path.Clean(p), "/")
	if name == "" {
		name = "."
	}
	return name, true
}

func (h *Handler) serveFile(w http.ResponseWriter, r *http.Request, g *Generation, name, failure string) {
	f, etag, dir, err := g.open(name)
	if err == nil && dir {
		if !strings.HasSuffix(r.URL.Path, "/") {
			// Redirect to the cleaned name, never to r.URL.Path:
			// "//evil.example" would be a link to another host.
			target := (&url.URL{Path: "/" + strings.TrimPrefix(name+"/", "./")}).EscapedPath()
			if r.URL.RawQuery != "" {
				target += "?" + r.URL.RawQuery
			}
			w.Header().Set("Location", target)
			w.WriteHeader(http.StatusMovedPermanently)
			return
		}
		name = path.Join(name, "index.html")
		f, etag, dir, err = g.open(name)
		if err == nil && dir {
			err = fs.ErrNotExist
		}
	}
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			// A symlink leaving the output folder, a permission problem.
			h.log.Warn("rejected request", "method", r.Method, "path", r.RequestURI, "status", http.StatusNotFound, "why", err.Error())
		}
		h.notFound(w, r, g, failure)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		h.notFound(w, r, g, failure)
		return
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	if isHTML(name) && (failure != "" || h.live != nil) {
		body := make([]byte, st.Size())
		_, err := io.ReadFull(f, body)
		if err != nil {
			http.Error(w, "cannot read "+name, http.StatusInternalServerError)
			return
		}
		if etag == "" {
			sum := sha256.Sum256(body)
			etag = `"` + blobName(sum)[:20] + `"`
		}
		if failure != "" {
			body = withOverlay(body, staleNote, failure)
			etag = "" // the overlay goes when the build is fixed, whatever the page
		}
		if h.live != nil {
			body = h.live.inject(body, g.n, etag)
		}
		if etag != "" {
			w.Header().Set("ETag", etag)
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		http.ServeContent(w, r, name, st.ModTime(), bytes.NewReader(body))
		return
	}
	if etag != "" {
		w.Header().Set("ETag", etag)
	}
	http.ServeContent(w, r, name, st.ModTime(), f)
}

func (h *Handler) notFound(w http.ResponseWriter, r *http.Request, g *Generation, failure string) {
	body := []byte("<!doctype html><title>Not found</title><p>Not found.</p>\n")
	if f, _, dir, err := g.open("404.html"); err == nil && !dir {
		b, rerr := io.ReadAll(f)
		f.Close()
		if rerr == nil {
			body = b
		}
	}
	if failure != "" {
		body = withOverlay(body, staleNote, failure)
	}
	if h.live != nil {
		body = h.live.inject(body, g.n, "")
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	writeBody(w, r, http.StatusNotFound, body)
}

// serveFailure answers when no build has succeeded yet.
func (h *Handler) serveFailure(w http.ResponseWriter, r *http.Request, failure string) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Retry-After", "1")
	if failure == "" && h.live == nil {
		http.Error(w, "the site is being built; reload in a moment", http.StatusServiceUnavailable)
		return
	}
	var body []byte
	if failure == "" {
		body = []byte("<!doctype html><title>Building</title><body><p>The site is being built; this page reloads when it is ready.</p></body>")
	} else {
		body = withOverlay([]byte("<!doctype html><title>Build failed</title><body></body>"), "The site did not build. Fix these and save:", failure)
	}
	if h.live != nil {
		body = h.live.inject(body, 0, "")
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	writeBody(w, r, http.StatusServiceUnavailable, body)
}

func writeBody(w http.ResponseWriter, r *http.Request, code int, body []byte) {
	w.WriteHeader(code)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

const staleNote = "The last build failed; this is the last good site. Fix these and save:"

func isHTML(name string) bool {
	ext := strings.ToLower(path.Ext(name))
	return ext == ".html" || ext == ".htm"
}

// overlayStyle is the look of the box naming a failed build's problems,
// shared with live.js, which draws the same box without a reload.
const overlayStyle = "position:fixed;inset:0 0 auto 0;z-index:2147483647;max-height:70vh;overflow:auto;margin:0;padding:1rem 1.25rem;background:#2b0d0d;color:#ffd7d7;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;border-bottom:3px solid #e5484d"

// withOverlay puts a box naming the build's problems at the top of an
// HTML page, just before </body> so it stays out of the page's own
// layout. The problems are escaped: they quote the author's input.
func withOverlay(page []byte, heading, problems string) []byte {
	var b bytes.Buffer
	b.WriteString(`<div id="shiplog-build-error" role="alert" style="` + overlayStyle + `">`)
	b.WriteString(`<strong style="display:block;margin-bottom:.5rem;color:#fff">`)
	b.WriteString(html.EscapeString(heading))
	b.WriteString(`</strong>`)
	b.WriteString(`<pre style="margin:0;white-space:pre-wrap">`)
	b.WriteString(html.EscapeString(strings.TrimSpace(problems)))
	b.WriteString("</pre></div>\n")
	return beforeBodyEnd(page, b.Bytes())
}

// lastBodyEnd returns the index of the last "</body>" in page, in any
// case, or -1. It looks from the end, where it is, without copying.
func lastBodyEnd(page []byte) int {
	for end := len(page); ; {
		i := bytes.LastIndex(page[:end], []byte("</"))
		if i < 0 {
			return -1
		}
		if len(page)-i >= 7 && bytes.EqualFold(page[i:i+7], []byte("</body>")) {
			return i
		}
		end = i
	}
}

// beforeBodyEnd inserts extra just before the page's last </body>, or at
// its end when it has none.
func beforeBodyEnd(page, extra []byte) []byte {
	i := lastBodyEnd(page)
	if i < 0 {
		return append(page[:len(page):len(page)], extra...)
	}
	out := make([]byte, 0, len(page)+len(extra))
	out = append(out, page[:i]...)
	out = append(out, extra...)
	return append(out, page[i:]...)
}
