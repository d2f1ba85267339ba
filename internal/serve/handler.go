// Package serve is the dev server: it serves the latest complete build of
// a site on 127.0.0.1, rebuilds when a source file changes, and rejects
// anything that is not a plain request for a file of the site.
package serve

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"os"
	"path"
	"strings"
	"sync/atomic"
)

// Generation is one complete build, served as a whole.
type Generation struct {
	Dir  string
	root *os.Root
}

// OpenGeneration opens a build's output folder for serving.
func OpenGeneration(dir string) (*Generation, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &Generation{Dir: dir, root: root}, nil
}

// Close releases the generation's folder handle.
func (g *Generation) Close() error { return g.root.Close() }

// Handler serves the current generation.
type Handler struct {
	current atomic.Pointer[Generation]
	hosts   map[string]bool // Host names accepted (DNS-rebinding defence)
	log     *slog.Logger
}

// NewHandler returns a handler that accepts requests addressed to the
// loopback names and to bindHost.
func NewHandler(bindHost string, log *slog.Logger) *Handler {
	h := &Handler{log: log, hosts: map[string]bool{"localhost": true, "127.0.0.1": true, "::1": true}}
	if bindHost != "" && bindHost != "0.0.0.0" && bindHost != "::" {
		h.hosts[strings.Trim(bindHost, "[]")] = true
	}
	return h
}

// AllowHost accepts requests addressed to host as well.
func (h *Handler) AllowHost(host string) { h.hosts[strings.Trim(host, "[]")] = true }

// Swap makes g the generation served from now on and returns the previous
// one, which the caller closes once in-flight requests are done.
func (h *Handler) Swap(g *Generation) *Generation { return h.current.Swap(g) }

func (h *Handler) reject(w http.ResponseWriter, r *http.Request, code int, why string) {
	h.log.Warn("rejected request", "method", r.Method, "path", r.URL.EscapedPath(), "host", r.Host, "status", code, "why", why)
	http.Error(w, http.StatusText(code)+": "+why, code)
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	host := r.Host
	if hh, _, err := net.SplitHostPort(host); err == nil {
		host = hh
	}
	if !h.hosts[strings.Trim(strings.ToLower(host), "[]")] {
		h.reject(w, r, http.StatusForbidden, "unexpected Host header")
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		h.reject(w, r, http.StatusMethodNotAllowed, "only GET and HEAD")
		return
	}
	name, ok := cleanPath(r.URL.Path)
	if !ok || strings.Contains(strings.ToLower(r.URL.RawPath), "%2f") || strings.Contains(strings.ToLower(r.URL.RawPath), "%5c") {
		h.reject(w, r, http.StatusBadRequest, "path not allowed")
		return
	}
	g := h.current.Load()
	if g == nil {
		http.Error(w, "the site is being built; reload in a moment", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	h.serveFile(w, r, g, name)
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

func (h *Handler) serveFile(w http.ResponseWriter, r *http.Request, g *Generation, name string) {
	f, err := g.root.Open(name)
	if err == nil {
		st, serr := f.Stat()
		if serr == nil && st.IsDir() {
			f.Close()
			if !strings.HasSuffix(r.URL.Path, "/") {
				http.Redirect(w, r, r.URL.Path+"/", http.StatusMovedPermanently)
				return
			}
			name = path.Join(name, "index.html")
			f, err = g.root.Open(name)
		} else if serr != nil {
			f.Close()
			err = serr
		}
	}
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			h.log.Warn("cannot serve", "path", name, "err", err)
		}
		h.notFound(w, g)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		h.notFound(w, g)
		return
	}
	if ct := mime.TypeByExtension(path.Ext(name)); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	http.ServeContent(w, r, name, st.ModTime(), f)
}

func (h *Handler) notFound(w http.ResponseWriter, g *Generation) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	if f, err := g.root.Open("404.html"); err == nil {
		defer f.Close()
		_, _ = io.Copy(w, f)
		return
	}
	fmt.Fprintln(w, "<!doctype html><title>Not found</title><p>Not found.</p>")
}
