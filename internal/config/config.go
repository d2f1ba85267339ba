// Package config reads shiplog.toml, the one optional-but-for-the-title
// settings file at the root of a log:
//
//	title = "Mara Okafor — engineering log"   # required
//	author = "Mara Okafor"
//	base_url = "https://log.example.dev/"       # absolute http(s) URL; "/" when absent
//	tagline = "Things I built. Things that broke."
//	intro = "Short notes from shipping production systems."
//	home_url = "https://example.dev/"           # the author's home page, linked from every page
//	language = "en"
//	timezone = "UTC"                            # IANA name; dates without a zone are read in it
//	page_size = 10                              # full entries per page of the log stream
//
//	[markdown]
//	unsafe = false                              # true lets raw HTML in entries through
//
//	[ticker]
//	enabled = true
//	api = "https://hacker-news.firebaseio.com/v0"
//	count = 30
//	ttl = "10m"
//
// Unknown keys are reported as warnings with a suggestion; values of the
// wrong type or form are errors naming the line.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
	_ "time/tzdata" // one static binary: time zones work without system tzdata

	toml "github.com/pelletier/go-toml/v2"

	"github.com/shiplog/shiplog/internal/diag"
	"github.com/shiplog/shiplog/internal/tomlpos"
)

// FileName is the settings file at the root of a site.
const FileName = "shiplog.toml"

// Config is a site's settings with defaults applied.
type Config struct {
	Title    string   `toml:"title"`
	Author   string   `toml:"author"`
	BaseURL  string   `toml:"base_url"`
	Tagline  string   `toml:"tagline"`
	Intro    string   `toml:"intro"`
	HomeURL  string   `toml:"home_url"`
	Language string   `toml:"language"`
	TimeZone string   `toml:"timezone"`
	PageSize int      `toml:"page_size"`
	Markdown Markdown `toml:"markdown"`
	Ticker   Ticker   `toml:"ticker"`

	// Location is TimeZone loaded.
	Location *time.Location `toml:"-"`
}

// Markdown holds the Markdown settings.
type Markdown struct {
	Unsafe bool `toml:"unsafe"`
}

// Ticker holds the Tech ticker settings.
type Ticker struct {
	Enabled *bool  `toml:"enabled"`
	API     string `toml:"api"`
	Count   int    `toml:"count"`
	TTL     string `toml:"ttl"`
}

// Default returns the settings used when a key is absent.
func Default() Config {
	return Config{
		BaseURL:  "/",
		Tagline:  "Things I built. Things that broke.",
		Language: "en",
		TimeZone: "UTC",
		PageSize: 10,
		Location: time.UTC,
		Ticker: Ticker{
			API:   "https://hacker-news.firebaseio.com/v0",
			Count: 30,
			TTL:   "10m",
		},
	}
}

// Load reads DIR/shiplog.toml. A missing file is an error with a hint to
// run shiplog init; every problem found is returned in the list.
func Load(dir string) (Config, diag.List) {
	src, err := os.ReadFile(filepath.Join(dir, FileName))
	if errors.Is(err, fs.ErrNotExist) {
		return Default(), diag.List{diag.Errorf(FileName, 0, 0,
			"run `shiplog init` to start a log, or pass the log's folder",
			"no %s in %s", FileName, dir)}
	}
	if err != nil {
		return Default(), diag.List{diag.Errorf(FileName, 0, 0, "", "%v", err)}
	}
	return Parse(src)
}

var knownKeys = map[string][]string{
	"":         {"title", "author", "base_url", "tagline", "intro", "home_url", "language", "timezone", "page_size", "markdown", "ticker"},
	"markdown": {"unsafe"},
	"ticker":   {"enabled", "api", "count", "ttl"},
}

// Parse decodes the bytes of a shiplog.toml.
func Parse(src []byte) (Config, diag.List) {
	cfg := Default()
	var problems diag.List
	src = []byte(strings.TrimPrefix(string(src), "\ufeff"))

	dec := toml.NewDecoder(strings.NewReader(string(src)))
	dec.DisallowUnknownFields()
	err := dec.Decode(&cfg)
	var strict *toml.StrictMissingError
	if errors.As(err, &strict) {
		for _, e := range strict.Errors {
			line, col := e.Position()
			key := e.Key()
			table, name := "", key[len(key)-1]
			if len(key) > 1 {
				table = strings.Join(key[:len(key)-1], ".")
			}
			hint := "remove it"
			if s := diag.Suggest(name, knownKeys[table]); s != "" {
				hint = fmt.Sprintf("did you mean `%s`?", s)
			}
			problems.Add(diag.Warnf(FileName, line, col, hint, "unknown key `%s`", strings.Join(key, ".")))
		}
		cfg = Default()
		err = toml.NewDecoder(strings.NewReader(string(src))).Decode(&cfg)
	}
	if err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			line, col := de.Position()
			problems.Add(diag.Errorf(FileName, line, col, "see docs/configuration.md", "%s", de.Error()))
		} else {
			problems.Add(diag.Errorf(FileName, 1, 1, "see docs/configuration.md", "%v", err))
		}
		return cfg, problems
	}
	problems.Add(cfg.validate(src)...)
	return cfg, problems
}

func (c *Config) validate(src []byte) diag.List {
	var problems diag.List
	at := func(table, key string) (int, int) { return tomlpos.Find(src, table, key) }
	bad := func(table, key, hint, format string, args ...any) {
		line, col := at(table, key)
		problems.Add(diag.Errorf(FileName, line, col, hint, format, args...))
	}
	if strings.TrimSpace(c.Title) == "" {
		problems.Add(diag.Errorf(FileName, 1, 1, `add a line such as: title = "My engineering log"`, "title is required"))
	}
	if c.BaseURL == "" {
		c.BaseURL = "/"
	}
	if c.BaseURL != "/" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("", "base_url", `write an absolute URL such as "https://log.example.dev/"`, "base_url: %q is not an absolute http(s) URL", c.BaseURL)
		} else if !strings.HasSuffix(c.BaseURL, "/") {
			c.BaseURL += "/"
		}
	}
	if c.HomeURL != "" {
		u, err := url.Parse(c.HomeURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https" && !strings.HasPrefix(c.HomeURL, "/")) {
			bad("", "home_url", `write an http(s) URL such as "https://example.dev/"`, "home_url: %q is not an http(s) URL", c.HomeURL)
		}
	}
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil || c.TimeZone == "" || c.TimeZone == "Local" {
		bad("", "timezone", `use an IANA name such as "UTC" or "Europe/Berlin"`, "timezone: unknown time zone %q", c.TimeZone)
		loc = time.UTC
	}
	c.Location = loc
	if c.PageSize < 1 || c.PageSize > 1000 {
		bad("", "page_size", "use a number from 1 to 1000", "page_size: %d is out of range", c.PageSize)
	}
	if c.Ticker.Count < 1 || c.Ticker.Count > 100 {
		bad("ticker", "count", "use a number from 1 to 100", "ticker.count: %d is out of range", c.Ticker.Count)
	}
	if d, err := time.ParseDuration(c.Ticker.TTL); err != nil || d <= 0 {
		bad("ticker", "ttl", `write a duration such as "10m" or "1h"`, "ticker.ttl: cannot parse %q", c.Ticker.TTL)
	}
	if u, err := url.Parse(c.Ticker.API); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		bad("ticker", "api", `write an http(s) URL such as "https://hacker-news.firebaseio.com/v0"`, "ticker.api: %q is not an http(s) URL", c.Ticker.API)
	}
	return problems
}

// TickerEnabled reports whether the ticker strip is shown (default true).
func (c Config) TickerEnabled() bool { return c.Ticker.Enabled == nil || *c.Ticker.Enabled }

// TickerTTL returns the ticker refresh interval.
func (c Config) TickerTTL() time.Duration {
	d, err := time.ParseDuration(c.Ticker.TTL)
	if err != nil || d <= 0 {
		return 10 * time.Minute
	}
	return d
}

// AbsURL joins a site path ("/log/x/") to the base URL. With no base URL
// configured the path is returned as it is.
func (c Config) AbsURL(path string) string {
	if c.BaseURL == "/" || c.BaseURL == "" {
		return path
	}
	return strings.TrimSuffix(c.BaseURL, "/") + path
}
