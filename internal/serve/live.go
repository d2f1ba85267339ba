package serve

import (
	_ "embed"
	"encoding/json"
	"html"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Live reload. Every HTML page the dev server sends gets one script tag,
// added here and never by the theme, so a site from `shiplog build`
// cannot contain it. The script (live.js) listens to a server-sent
// event stream; after each build the server sends what changed:
//
//	data: {"gen":7,"changed":["/log/x/","/assets/style.css"],"focus":"/log/x/"}
//
// and after a failed one, the problems:
//
//	data: {"gen":6,"failure":"log/x.md:3:7: error: …"}
//
// A page that changed fetches its new version and swaps the new <main>
// and head metadata in, without a navigation, when everything else (the
// scripts, stylesheets, header, footer) is as it was served before;
// otherwise, or when a file it loads (an image, a script) changed, it
// reloads, keeping its scroll position. It swaps its stylesheets in place
// when only they changed; goes to focus, the entry just saved, when it is
// elsewhere; and shows or clears the failure overlay. A page that missed
// events (it connected late, or the server restarted) compares its ETag
// with a HEAD request. The script reads the generation and ETag of a page
// from the tag inject adds, in the pages it fetches too.

const (
	livePrefix = "/_shiplog/"
	eventsPath = livePrefix + "events"
	scriptPath = livePrefix + "live.js"
	// maxListed is how many changed paths an event lists; past it, the
	// event says "all" and every open page reloads.
	maxListed = 500
)

//go:embed live.js
var liveJS []byte

// event is what the event stream sends.
type event struct {
	Gen     int      `json:"gen"`
	Failure string   `json:"failure,omitempty"`
	Changed []string `json:"changed,omitempty"` // URL paths of the files that changed
	All     bool     `json:"all,omitempty"`     // too many changed to list
	Focus   string   `json:"focus,omitempty"`   // the page to go to
}

// hub sends events to every open page.
type hub struct {
	mu      sync.Mutex
	subs    map[chan []byte]bool
	gen     int    // the generation served
	failure string // the latest build's problems
	done    chan struct{}
	closed  bool
}

func newHub() *hub { return &hub{subs: map[chan []byte]bool{}, done: make(chan struct{})} }

// EnableLive makes h add the live-reload script to every HTML page and
// answer its event stream. Call it before serving.
func (h *Handler) EnableLive() { h.live = newHub() }

// publish tells every open page about ev, and remembers the generation
// and failure it names for pages that connect later.
func (l *hub) publish(ev event) {
	if len(ev.Changed) > maxListed {
		ev.Changed, ev.All = nil, true
	}
	data, err := json.Marshal(ev)
	if err != nil {
		return
	}
	msg := []byte("data: " + string(data) + "\n\n")
	l.mu.Lock()
	defer l.mu.Unlock()
	l.gen, l.failure = ev.Gen, ev.Failure
	for ch := range l.subs {
		select {
		case ch <- msg:
		default:
			// A page that does not keep up is dropped; it reconnects
			// and checks its ETag.
			delete(l.subs, ch)
			close(ch)
		}
	}
}

// close ends every event stream, so the server can shut down.
func (l *hub) close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.closed {
		l.closed = true
		close(l.done)
	}
}

// serve answers the script and the event stream; it reports whether r
// was for one of them.
func (l *hub) serve(w http.ResponseWriter, r *http.Request) bool {
	switch r.URL.Path {
	case scriptPath:
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		writeBody(w, r, http.StatusOK, liveJS)
		return true
	case eventsPath:
		l.stream(w, r)
		return true
	}
	return false
}

func (l *hub) stream(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if r.Method == http.MethodHead {
		w.WriteHeader(http.StatusOK)
		return
	}
	ch := make(chan []byte, 16)
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		http.Error(w, "the server is stopping", http.StatusServiceUnavailable)
		return
	}
	l.subs[ch] = true
	hello, _ := json.Marshal(event{Gen: l.gen, Failure: l.failure})
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		if l.subs[ch] {
			delete(l.subs, ch)
		}
		l.mu.Unlock()
	}()

	// retry: reconnect quickly when the server restarts.
	if _, err := w.Write([]byte("retry: 500\ndata: " + string(hello) + "\n\n")); err != nil {
		return
	}
	flusher.Flush()
	ping := time.NewTicker(20 * time.Second)
	defer ping.Stop()
	for {
		select {
		case msg, ok := <-ch:
			if !ok {
				return
			}
			if _, err := w.Write(msg); err != nil {
				return
			}
		case <-ping.C:
			if _, err := w.Write([]byte(": ping\n\n")); err != nil {
				return
			}
		case <-r.Context().Done():
			return
		case <-l.done:
			return
		}
		flusher.Flush()
	}
}

// inject adds the live-reload script to an HTML page of generation gen
// (0 when none). etag is the page's ETag ("" when it has none), which the
// script compares when it connects to a later generation than its own.
func (l *hub) inject(page []byte, gen int, etag string) []byte {
	tag := `<script src="` + scriptPath + `" data-gen="` + strconv.Itoa(gen) + `" data-etag="` +
		html.EscapeString(strings.Trim(etag, `"`)) + `" defer></script>` + "\n"
	return beforeBodyEnd(page, []byte(tag))
}

// changedPaths lists the URL paths of the files that differ between two
// generations' files, sorted: "log/x/index.html" is "/log/x/".
func changedPaths(old, cur map[string]Sum) []string {
	var names []string
	for name, sum := range cur {
		if o, ok := old[name]; !ok || o != sum {
			names = append(names, name)
		}
	}
	for name := range old {
		if _, ok := cur[name]; !ok {
			names = append(names, name)
		}
	}
	return urlPaths(names)
}

// urlPaths returns the URL paths of the files named, sorted.
func urlPaths(names []string) []string {
	var out []string
	for _, name := range names {
		p := "/" + name
		if path.Base(p) == "index.html" {
			p = strings.TrimSuffix(p, "index.html")
		}
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}
