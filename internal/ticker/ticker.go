// Package ticker fetches the Hacker News front page for the Tech ticker
// strip and keeps it in a cache file, so that a build never touches the
// network.
//
// Sources, tried in order within one deadline:
//
//   - the official Firebase API (API): GET {api}/topstories.json with
//     orderBy="$key"&limitToFirst=N for the ids in front-page rank order,
//     then GET {api}/item/{id}.json for each, a few at a time. Titles there
//     are HTML: entities are decoded exactly once.
//   - Algolia's search (Algolia): GET {algolia}/api/v1/search?tags=front_page
//     &hitsPerPage=N. Its order is not the front page's rank, so a snapshot
//     from it is labelled "popular on the front page"; hits older than two
//     days are left out. Titles there are plain text.
//
// Every request carries a User-Agent naming shiplog, is retried at most
// twice (with backoff, honouring Retry-After) when the answer is 429, 5xx
// or a broken connection, reads at most MaxBody bytes and is decoded
// strictly: one JSON value of the expected shape and nothing after it.
// Titles lose control and bidi-override characters and are shortened past
// MaxTitle runes; links that are not http(s) are replaced by the story's
// discussion page. Each such change is reported as a warning.
//
// The cache (see Cached and Save) is a JSON Snapshot written atomically.
// Refresh fetches and replaces it only on success: on any failure the last
// good snapshot stays.
package ticker

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// Defaults.
const (
	DefaultAPI     = "https://hacker-news.firebaseio.com/v0"
	DefaultAlgolia = "https://hn.algolia.com"
	DefaultCount   = 30
	DefaultTimeout = 5 * time.Second
	DefaultMaxBody = 1 << 20
	MaxTitle       = 300 // runes
	// EnvAPI names the environment variable that overrides the API base.
	EnvAPI = "SHIPLOG_HN_API"
	// CacheFile is where a log keeps its snapshot, relative to its root.
	CacheFile = ".shiplog/ticker.json"
)

// Sources of a snapshot.
const (
	SourceHN      = "hn"
	SourceAlgolia = "algolia"
)

// Headline is one story of the strip. Every text field is plain text
// (never HTML) and every URL is an absolute http(s) URL.
type Headline struct {
	ID         int64     `json:"id"`
	Rank       int       `json:"rank"` // 1-based position in the snapshot
	Title      string    `json:"title"`
	URL        string    `json:"url"`         // the story; its discussion when it has no link
	DiscussURL string    `json:"discuss_url"` // the Hacker News comments page
	Points     int       `json:"points"`
	Comments   int       `json:"comments"`
	By         string    `json:"by,omitempty"`
	Time       time.Time `json:"time"` // when it was posted
}

// Snapshot is the front page at one moment: what the cache holds.
type Snapshot struct {
	Version   int        `json:"version"`
	Source    string     `json:"source"` // SourceHN or SourceAlgolia
	FetchedAt time.Time  `json:"fetched_at"`
	Headlines []Headline `json:"headlines"`
}

// snapshotVersion is the cache format's version.
const snapshotVersion = 1

// Empty reports whether there is nothing to show.
func (s Snapshot) Empty() bool { return len(s.Headlines) == 0 }

// Label says honestly what the headlines are.
func (s Snapshot) Label() string {
	if s.Source == SourceAlgolia {
		return "Popular on the front page"
	}
	return "Top stories"
}

// AsOf is "as of 14:05 UTC", from FetchedAt and never from the clock, so
// that a build is reproducible.
func (s Snapshot) AsOf() string {
	if s.FetchedAt.IsZero() {
		return ""
	}
	return "as of " + s.FetchedAt.UTC().Format("15:04") + " UTC"
}

// Options configures a fetch.
type Options struct {
	API         string        // Firebase API base; DefaultAPI when ""
	Algolia     string        // fallback base; see AlgoliaFor; "off" disables it
	Count       int           // headlines wanted; DefaultCount when 0
	Timeout     time.Duration // the whole refresh; DefaultTimeout when 0
	MaxBody     int64         // per response; DefaultMaxBody when 0
	Concurrency int           // item requests at once; 6 when 0
	Jobs        bool          // keep job ads (left out by default)
	UserAgent   string        // UserAgent("dev") when ""
	Client      *http.Client  // a client with no timeout of its own when nil
	Now         func() time.Time
}

// UserAgent is the polite User-Agent sent with every request.
func UserAgent(version string) string {
	return "shiplog/" + version + " (+https://github.com/shiplog/shiplog; Tech ticker)"
}

// APIFromEnv returns the API base to use: $SHIPLOG_HN_API when set, else
// configured.
func APIFromEnv(configured string) string {
	if v := strings.TrimSpace(os.Getenv(EnvAPI)); v != "" {
		return v
	}
	return configured
}

// AlgoliaFor returns the fallback base for an API base. The public API
// falls back to the public Algolia service; any other API base (a test
// server, a mirror for an air-gapped network) is asked for the Algolia
// path on its own host, so setting SHIPLOG_HN_API keeps every request
// away from the public services.
func AlgoliaFor(api string) string {
	api = strings.TrimSuffix(api, "/")
	if api == "" || api == DefaultAPI {
		return DefaultAlgolia
	}
	u, err := url.Parse(api)
	if err != nil || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

func (o Options) withDefaults() Options {
	if o.API == "" {
		o.API = DefaultAPI
	}
	o.API = strings.TrimSuffix(o.API, "/")
	switch o.Algolia {
	case "":
		o.Algolia = AlgoliaFor(o.API)
	case "off":
		o.Algolia = ""
	}
	o.Algolia = strings.TrimSuffix(o.Algolia, "/")
	if o.Count <= 0 {
		o.Count = DefaultCount
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 6
	}
	if o.UserAgent == "" {
		o.UserAgent = UserAgent("dev")
	}
	if o.Client == nil {
		// No Client.Timeout: the refresh's context carries the deadline,
		// covering connect, headers and body alike.
		o.Client = &http.Client{Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			MaxIdleConnsPerHost:   o.Concurrency,
			ForceAttemptHTTP2:     true,
			TLSHandshakeTimeout:   o.Timeout,
			ResponseHeaderTimeout: o.Timeout,
		}}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// discussURL is a story's page on Hacker News.
func discussURL(id int64) string {
	return fmt.Sprintf("https://news.ycombinator.com/item?id=%d", id)
}
