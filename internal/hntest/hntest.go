// Package hntest runs a local Hacker News API on 127.0.0.1 for tests, the
// way net/http/httptest runs a server. It speaks the shapes of the real
// services:
//
//	GET /v0/topstories.json?orderBy="$key"&limitToFirst=N   the Firebase API: ids in rank order
//	GET /v0/item/{id}.json                                   one item, or null
//	GET /api/v1/search?tags=front_page&hitsPerPage=N         the Algolia API
//
// and can be told to misbehave with SetFault: slow to accept, to answer or
// to send the body; 500; 429 with Retry-After; an HTML page; truncated
// JSON; and hostile or odd data (null and dead items, entity-encoded and
// raw-HTML titles, bidi overrides, a 10 KB title, a javascript: url).
// Point shiplog at it with SHIPLOG_HN_API=srv.API().
package hntest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Item is a Hacker News item as the Firebase API sends it. Optional fields
// are pointers or omitted when empty, as in the real API.
type Item struct {
	ID          int64   `json:"id"`
	Deleted     bool    `json:"deleted,omitempty"`
	Type        string  `json:"type,omitempty"`
	By          string  `json:"by,omitempty"`
	Time        int64   `json:"time,omitempty"`
	Text        string  `json:"text,omitempty"`
	Dead        bool    `json:"dead,omitempty"`
	Kids        []int64 `json:"kids,omitempty"`
	URL         string  `json:"url,omitempty"`
	Score       int     `json:"score,omitempty"`
	Title       string  `json:"title,omitempty"`
	Descendants *int    `json:"descendants,omitempty"`
}

// Kind is a way for the server to misbehave.
type Kind int

// The fault matrix. Transport faults apply to every API request unless
// Fault.Only narrows them; data faults change what the items say.
const (
	None          Kind = iota
	SlowConnect        // connections are accepted only after Fault.Delay
	SlowHeaders        // the response starts after Fault.Delay
	SlowBody           // headers and a first byte at once, the rest after Fault.Delay
	Status500          // 500 Internal Server Error
	TooMany            // 429 with Retry-After: Fault.RetryAfter
	HTMLBody           // 200 with an HTML error page
	TruncatedJSON      // 200 with the first half of the JSON
	NullItems          // every other item is null
	DeadDeleted        // the first story is dead, the second deleted, the third a job
	EntityTitles       // titles carry HTML entities, as the real API sends them
	RawHTMLTitle       // a title holding <img src=x onerror=alert(1)>
	BidiTitle          // a title with bidi override characters
	HugeTitle          // a 10 KB title
	JavascriptURL      // stories whose url is javascript:, in several spellings
)

var kindNames = map[Kind]string{
	None: "none", SlowConnect: "slow-connect", SlowHeaders: "slow-headers", SlowBody: "slow-body",
	Status500: "500", TooMany: "429", HTMLBody: "html-body", TruncatedJSON: "truncated-json",
	NullItems: "null-items", DeadDeleted: "dead-deleted", EntityTitles: "entity-titles",
	RawHTMLTitle: "raw-html-title", BidiTitle: "bidi-title", HugeTitle: "huge-title",
	JavascriptURL: "javascript-url",
}

func (k Kind) String() string { return kindNames[k] }

// Transport reports whether k breaks responses rather than changing data.
func (k Kind) Transport() bool { return k >= SlowConnect && k <= TruncatedJSON }

// Fault is what the server does wrong.
type Fault struct {
	Kind       Kind
	Delay      time.Duration // for the slow kinds; 30s when 0
	RetryAfter string        // for TooMany; "1" when ""
	Times      int           // transport faults: only the first Times requests; 0 = all
	Only       string        // transport faults: only paths with this prefix ("/v0/", "/api/"); "" = all
}

// Server is a running fake Hacker News.
type Server struct {
	URL string // http://127.0.0.1:PORT, no trailing slash

	srv *http.Server
	ln  *slowListener

	mu      sync.Mutex
	stories []Item
	fault   Fault
	faulted int            // requests the current fault was applied to
	hits    map[string]int // requests per path
	queries []string       // raw query of every topstories request
	agents  []string       // User-Agent of every request
}

// Titles of the default front page: plain, ordinary stories.
var defaultTitles = []string{
	"Show HN: A static-site generator for engineering logs",
	"Why our Lambda cold starts doubled after a Node upgrade",
	"PostgreSQL 18 released",
	"The invalid ELF header that ate my weekend",
	"Go 1.26 is released",
	"Ask HN: How do you keep a work log?",
	"A visual guide to TCP backlog queues",
	"Nginx, SPAs and the 404 on refresh",
	"What I learned running SQLite in production",
	"Kubernetes OOMKilled: reading the cgroup numbers",
	"Rust in the Linux kernel, two years on",
	"The case against microservices for small teams",
}

// Stories returns n ordinary stories with ids 1000, 1001, …, dated
// relative to now so the Algolia fallback keeps them. The sixth has no
// url, like an Ask HN post.
func Stories(n int, now time.Time) []Item {
	items := make([]Item, n)
	for i := range items {
		d := 10 + 3*i
		items[i] = Item{
			ID:          int64(1000 + i),
			Type:        "story",
			By:          "user" + strconv.Itoa(i),
			Time:        now.Add(-time.Duration(i+1) * 17 * time.Minute).Unix(),
			URL:         fmt.Sprintf("https://example.com/story/%d", 1000+i),
			Score:       500 - 7*i,
			Title:       defaultTitles[i%len(defaultTitles)],
			Descendants: &d,
		}
		if i%len(defaultTitles) == 5 {
			items[i].URL = ""
		}
		if i >= len(defaultTitles) {
			items[i].Title += fmt.Sprintf(" (part %d)", i/len(defaultTitles)+1)
		}
	}
	return items
}

// New starts a server on 127.0.0.1 with 40 ordinary stories; it stops
// when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("hntest: listen: %v", err)
	}
	s := &Server{
		URL:     "http://" + ln.Addr().String(),
		stories: Stories(40, time.Now()),
		hits:    map[string]int{},
	}
	s.ln = &slowListener{Listener: ln, s: s, closed: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v0/topstories.json", s.topStories)
	mux.HandleFunc("GET /v0/item/{file}", s.item)
	mux.HandleFunc("GET /api/v1/search", s.search)
	s.srv = &http.Server{Handler: s.faulty(mux), ReadHeaderTimeout: 10 * time.Second}
	go s.srv.Serve(s.ln)
	t.Cleanup(s.Close)
	return s
}

// API is the Firebase API base to configure: SHIPLOG_HN_API or [ticker] api.
func (s *Server) API() string { return s.URL + "/v0" }

// Close stops the server and ends every request in progress.
func (s *Server) Close() {
	s.ln.close()
	s.srv.Close()
}

// SetStories replaces the front page, in rank order.
func (s *Server) SetStories(items []Item) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stories = slices.Clone(items)
}

// SetFault makes the server misbehave from now on; Fault{} restores it.
func (s *Server) SetFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = f
	s.faulted = 0
}

// Hits returns the number of requests for paths starting with prefix.
func (s *Server) Hits(prefix string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for p, c := range s.hits {
		if strings.HasPrefix(p, prefix) {
			n += c
		}
	}
	return n
}

// TopStoriesQueries returns the raw query string of every topstories request.
func (s *Server) TopStoriesQueries() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.queries)
}

// UserAgents returns the User-Agent of every request, in order.
func (s *Server) UserAgents() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.agents)
}

// transportFault returns the fault to apply to a request for path, counting it.
func (s *Server) transportFault(path string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.fault
	if !f.Kind.Transport() || f.Kind == SlowConnect || !strings.HasPrefix(path, f.Only) {
		return f, false
	}
	if f.Times > 0 && s.faulted >= f.Times {
		return f, false
	}
	s.faulted++
	return f, true
}

func (f Fault) delay() time.Duration {
	if f.Delay > 0 {
		return f.Delay
	}
	return 30 * time.Second
}

// faulty counts requests and applies transport faults before next runs.
func (s *Server) faulty(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path]++
		s.agents = append(s.agents, r.UserAgent())
		s.mu.Unlock()
		f, on := s.transportFault(r.URL.Path)
		if !on {
			next.ServeHTTP(w, r)
			return
		}
		switch f.Kind {
		case SlowHeaders:
			if !sleep(r.Context(), f.delay()) {
				return
			}
			next.ServeHTTP(w, r)
		case SlowBody:
			rec := &recorder{header: http.Header{}}
			next.ServeHTTP(rec, r)
			for k, v := range rec.header {
				w.Header()[k] = v
			}
			w.Header().Set("Content-Length", strconv.Itoa(rec.body.Len()))
			w.WriteHeader(rec.code())
			body := rec.body.Bytes()
			if len(body) > 0 {
				w.Write(body[:1])
				w.(http.Flusher).Flush()
				body = body[1:]
			}
			if sleep(r.Context(), f.delay()) {
				w.Write(body)
			}
		case Status500:
			http.Error(w, "internal error", http.StatusInternalServerError)
		case TooMany:
			ra := f.RetryAfter
			if ra == "" {
				ra = "1"
			}
			w.Header().Set("Retry-After", ra)
			http.Error(w, "rate limited", http.StatusTooManyRequests)
		case HTMLBody:
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, "<!doctype html><html><head><title>Service Unavailable</title></head><body><h1>Please try again later</h1></body></html>\n")
		case TruncatedJSON:
			rec := &recorder{header: http.Header{}}
			next.ServeHTTP(rec, r)
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			b := rec.body.Bytes()
			w.Write(b[:len(b)/2])
		}
	})
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// front returns the stories as the data fault in effect makes them.
func (s *Server) front() []*Item {
	s.mu.Lock()
	stories, kind := slices.Clone(s.stories), s.fault.Kind
	s.mu.Unlock()
	out := make([]*Item, len(stories))
	for i := range stories {
		it := stories[i]
		out[i] = &it
	}
	if len(out) < 4 {
		return out
	}
	switch kind {
	case NullItems:
		for i := 1; i < len(out); i += 2 {
			out[i] = nil
		}
	case DeadDeleted:
		out[0].Dead = true
		out[0].Title = "[flagged] " + out[0].Title
		*out[1] = Item{ID: out[1].ID, Deleted: true, Type: "story", Time: out[1].Time}
		out[2].Type = "job"
		out[2].Title = "Acme (YC S26) is hiring engineers"
		out[2].Descendants = nil
	case EntityTitles:
		out[0].Title = "&lt;b&gt;AT&amp;T&lt;/b&gt; outage: &quot;it&#x27;s DNS&quot;"
		out[1].Title = "Caf&eacute; &#38; bar &#8212; 5 &lt; 6"
	case RawHTMLTitle:
		out[0].Title = `<img src=x onerror=alert(1)> pwned`
		out[1].Title = `<script>alert("x")</script>`
	case BidiTitle:
		out[0].Title = "Invoice for Alice \u202Efdp.exe\u202C and \u2066isolate\u2069 done"
	case HugeTitle:
		out[0].Title = strings.Repeat("Very long title ", 640) + "end" // 10 KB
	case JavascriptURL:
		out[0].URL = "javascript:alert(document.domain)"
		out[1].URL = " JaVaScRiPt:alert(1)"
		out[2].URL = "java\tscript:alert(1)"
		out[3].URL = "data:text/html,<script>alert(1)</script>"
	}
	return out
}

// topStories answers like Firebase: limitToFirst needs orderBy="$key".
func (s *Server) topStories(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.queries = append(s.queries, r.URL.RawQuery)
	s.mu.Unlock()
	q := r.URL.Query()
	front := s.front()
	ids := make([]int64, len(front))
	for i, it := range front {
		ids[i] = s.idAt(i, it)
	}
	if lim := q.Get("limitToFirst"); lim != "" {
		if q.Get("orderBy") == "" {
			firebaseError(w, "orderBy must be defined when other query parameters are defined")
			return
		}
		if q.Get("orderBy") != `"$key"` {
			firebaseError(w, `Index not defined, add ".indexOn": "`+strings.Trim(q.Get("orderBy"), `"`)+`", for path "/v0/topstories", to the rules`)
			return
		}
		n, err := strconv.Atoi(lim)
		if err != nil || n < 1 {
			firebaseError(w, "limitToFirst must be a positive integer")
			return
		}
		ids = ids[:min(n, len(ids))]
	}
	writeJSON(w, ids)
}

// idAt is the id at rank i, also for stories turned into null.
func (s *Server) idAt(i int, it *Item) int64 {
	if it != nil {
		return it.ID
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stories[i].ID
}

func (s *Server) item(w http.ResponseWriter, r *http.Request) {
	file := r.PathValue("file")
	idText, ok := strings.CutSuffix(file, ".json")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil {
		http.NotFound(w, r)
		return
	}
	for i, it := range s.front() {
		if s.idAt(i, it) == id {
			writeJSON(w, it) // nil encodes as null, as Firebase answers
			return
		}
	}
	writeJSON(w, nil)
}

// search answers like Algolia's /api/v1/search?tags=front_page.
func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	n := 20
	if v := q.Get("hitsPerPage"); v != "" {
		if k, err := strconv.Atoi(v); err == nil && k > 0 {
			n = min(k, 1000)
		}
	}
	type hit struct {
		CreatedAt   string   `json:"created_at"`
		Title       string   `json:"title"`
		URL         *string  `json:"url"`
		Author      string   `json:"author"`
		Points      int      `json:"points"`
		NumComments int      `json:"num_comments"`
		CreatedAtI  int64    `json:"created_at_i"`
		ObjectID    string   `json:"objectID"`
		StoryID     int64    `json:"story_id"`
		Tags        []string `json:"_tags"`
	}
	hits := []hit{}
	for _, it := range s.front() {
		if it == nil || it.Deleted || it.Dead || (q.Get("tags") == "front_page" && it.Type != "story") {
			continue
		}
		h := hit{
			CreatedAt:  time.Unix(it.Time, 0).UTC().Format("2006-01-02T15:04:05Z"),
			Title:      it.Title,
			Author:     it.By,
			Points:     it.Score,
			CreatedAtI: it.Time,
			ObjectID:   strconv.FormatInt(it.ID, 10),
			StoryID:    it.ID,
			Tags:       []string{"story", "author_" + it.By, "story_" + strconv.FormatInt(it.ID, 10), "front_page"},
		}
		if it.URL != "" {
			u := it.URL
			h.URL = &u
		}
		if it.Descendants != nil {
			h.NumComments = *it.Descendants
		}
		hits = append(hits, h)
	}
	// Algolia sorts front_page hits by its own relevance, not by rank:
	// newest first is close enough to show that the order differs.
	slices.SortStableFunc(hits, func(a, b hit) int { return int(b.CreatedAtI - a.CreatedAtI) })
	hits = hits[:min(n, len(hits))]
	writeJSON(w, map[string]any{
		"hits": hits, "nbHits": len(hits), "page": 0, "nbPages": 1, "hitsPerPage": n,
		"exhaustiveNbHits": true, "query": q.Get("query"), "params": r.URL.RawQuery, "processingTimeMS": 1,
	})
}

func firebaseError(w http.ResponseWriter, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusBadRequest)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

func writeJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(b)
}

// recorder buffers a response so a fault can mangle it.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) WriteHeader(code int)        { r.status = code }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
func (r *recorder) code() int {
	if r.status == 0 {
		return http.StatusOK
	}
	return r.status
}

// slowListener delays Accept while the fault is SlowConnect. The kernel
// completes the TCP handshake from its backlog meanwhile, so the client
// sees a connection that says nothing: exactly what a stuck proxy or an
// overloaded server looks like.
type slowListener struct {
	net.Listener
	s      *Server
	once   sync.Once
	closed chan struct{}
}

func (l *slowListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		l.s.mu.Lock()
		f := l.s.fault
		l.s.mu.Unlock()
		if f.Kind == SlowConnect {
			t := time.NewTimer(f.delay())
			select {
			case <-t.C:
			case <-l.closed:
				t.Stop()
				c.Close()
				return nil, net.ErrClosed
			}
		}
		return c, nil
	}
}

func (l *slowListener) close() {
	l.once.Do(func() { close(l.closed) })
	l.Listener.Close()
}
