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
//	error_langs = ["error", "console", "log", "stacktrace"] # fenced blocks that hold error output
//
//	[images]
//	quality = 80                                # lossy WebP and JPEG quality of variants
//	keep_metadata = false                       # true publishes originals with EXIF/XMP/GPS
//	cards = true                                # an Open Graph card for every entry
//
//	[ticker]
//	enabled = true
//	api = "https://hacker-news.firebaseio.com/v0"
//	count = 30
//	ttl = "10m"
//
// Every problem is reported in one run, at the line and column where it is
// written: unknown keys are warnings with a suggestion ("did you mean
// `title`?"); values of the wrong type or form are errors saying what to
// write instead. Dotted keys (ticker.ttl = "5m") and inline tables work as
// TOML says; a UTF-8 BOM and CRLF line endings are accepted.
package config

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // one static binary: time zones work without system tzdata
	"unicode/utf8"

	toml "github.com/pelletier/go-toml/v2"

	"github.com/shiplog/shiplog/internal/diag"
	"github.com/shiplog/shiplog/internal/tomlpos"
)

// FileName is the settings file at the root of a site.
const FileName = "shiplog.toml"

// Config is a site's settings with defaults applied. The toml tags name
// the keys; Parse reads them through the settings table, which a test
// keeps in step with the tags.
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
	Limits   Limits   `toml:"limits"`
	Images   Images   `toml:"images"`

	// Location is TimeZone loaded.
	Location *time.Location `toml:"-"`
}

// Markdown holds the Markdown settings.
type Markdown struct {
	Unsafe bool `toml:"unsafe"`
	// ErrorLangs are the languages of fenced blocks that hold error
	// output, remembered in the error memory; nil for the default.
	ErrorLangs []string `toml:"error_langs"`
}

// Ticker holds the Tech ticker settings.
type Ticker struct {
	Enabled *bool  `toml:"enabled"`
	API     string `toml:"api"`
	Count   int    `toml:"count"`
	TTL     string `toml:"ttl"`
}

// Images holds the image settings.
type Images struct {
	Quality      int   `toml:"quality"`       // lossy WebP and JPEG quality of variants, 1–100
	KeepMetadata bool  `toml:"keep_metadata"` // publish originals with their EXIF, XMP and GPS
	Cards        *bool `toml:"cards"`         // draw an Open Graph card for every entry (default true)
}

// CardsEnabled reports whether entries get Open Graph cards (default true).
func (c Config) CardsEnabled() bool { return c.Images.Cards == nil || *c.Images.Cards }

// Limits are the sizes past which input is refused with an error naming
// the limit (the contract's defaults).
type Limits struct {
	MarkdownMiB     int `toml:"markdown_mib"`
	FrontMatterKiB  int `toml:"front_matter_kib"`
	ImageMiB        int `toml:"image_mib"`
	ImageMegapixels int `toml:"image_megapixels"`
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
		Limits: Limits{MarkdownMiB: 2, FrontMatterKiB: 64, ImageMiB: 50, ImageMegapixels: 50},
		Images: Images{Quality: 80},
	}
}

// Load reads DIR/shiplog.toml. A missing file is an error with a hint to
// run shiplog init; every problem found is returned in the list.
func Load(dir string) (Config, diag.List) {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		why := "does not exist"
		if err == nil {
			why = "is a file, not a folder"
		}
		return Default(), diag.List{diag.Errorf("", 0, 0,
			"pass the folder that holds shiplog.toml, or run `shiplog init` to start a log", "%s %s", dir, why)}
	}
	src, err := os.ReadFile(filepath.Join(dir, FileName))
	if errors.Is(err, fs.ErrNotExist) {
		// No position: the file the problem is about does not exist.
		return Default(), diag.List{diag.Errorf("", 0, 0,
			"run `shiplog init` to start a log, or pass the log's folder",
			"no %s in %s", FileName, dir)}
	}
	if err != nil {
		return Default(), diag.List{diag.Errorf(FileName, 0, 0, "check that the file is readable", "%v", err)}
	}
	return Parse(src)
}

// kind is the TOML type a setting takes.
type kind int

const (
	textKind kind = iota
	numberKind
	boolKind
	tableKind
	listKind // of text
)

func (k kind) String() string {
	return [...]string{"text", "a whole number", "true or false", "a table of keys", "a list of text"}[k]
}

// setting is one key of shiplog.toml: its type, an example for hints, and
// how it is stored in Config.
type setting struct {
	key     string
	kind    kind
	example string
	set     func(c *Config, v any)
}

// settings lists every key by table ("" for the top level), in the order
// the docs give them; suggestions for unknown keys come from it.
var settings = map[string][]setting{
	"": {
		{"title", textKind, `title = "My engineering log"`, func(c *Config, v any) { c.Title = v.(string) }},
		{"author", textKind, `author = "Mara Okafor"`, func(c *Config, v any) { c.Author = v.(string) }},
		{"base_url", textKind, `base_url = "https://log.example.dev/"`, func(c *Config, v any) { c.BaseURL = v.(string) }},
		{"tagline", textKind, `tagline = "Things I built. Things that broke."`, func(c *Config, v any) { c.Tagline = v.(string) }},
		{"intro", textKind, `intro = "Short notes from shipping production systems."`, func(c *Config, v any) { c.Intro = v.(string) }},
		{"home_url", textKind, `home_url = "https://example.dev/"`, func(c *Config, v any) { c.HomeURL = v.(string) }},
		{"language", textKind, `language = "en"`, func(c *Config, v any) { c.Language = v.(string) }},
		{"timezone", textKind, `timezone = "Europe/Berlin"`, func(c *Config, v any) { c.TimeZone = v.(string) }},
		{"page_size", numberKind, `page_size = 10`, func(c *Config, v any) { c.PageSize = clampInt(v.(int64)) }},
		{"markdown", tableKind, "[markdown] on a line of its own, then its keys", nil},
		{"ticker", tableKind, "[ticker] on a line of its own, then its keys", nil},
		{"limits", tableKind, "[limits] on a line of its own, then its keys", nil},
		{"images", tableKind, "[images] on a line of its own, then its keys", nil},
	},
	"images": {
		{"quality", numberKind, `quality = 80`, func(c *Config, v any) { c.Images.Quality = clampInt(v.(int64)) }},
		{"keep_metadata", boolKind, `keep_metadata = false`, func(c *Config, v any) { c.Images.KeepMetadata = v.(bool) }},
		{"cards", boolKind, `cards = true`, func(c *Config, v any) { b := v.(bool); c.Images.Cards = &b }},
	},
	"limits": {
		{"markdown_mib", numberKind, `markdown_mib = 2`, func(c *Config, v any) { c.Limits.MarkdownMiB = clampInt(v.(int64)) }},
		{"front_matter_kib", numberKind, `front_matter_kib = 64`, func(c *Config, v any) { c.Limits.FrontMatterKiB = clampInt(v.(int64)) }},
		{"image_mib", numberKind, `image_mib = 50`, func(c *Config, v any) { c.Limits.ImageMiB = clampInt(v.(int64)) }},
		{"image_megapixels", numberKind, `image_megapixels = 50`, func(c *Config, v any) { c.Limits.ImageMegapixels = clampInt(v.(int64)) }},
	},
	"markdown": {
		{"unsafe", boolKind, `unsafe = false`, func(c *Config, v any) { c.Markdown.Unsafe = v.(bool) }},
		{"error_langs", listKind, `error_langs = ["error", "console", "log", "stacktrace"]`, func(c *Config, v any) { c.Markdown.ErrorLangs = texts(v) }},
	},
	"ticker": {
		{"enabled", boolKind, `enabled = true`, func(c *Config, v any) { b := v.(bool); c.Ticker.Enabled = &b }},
		{"api", textKind, `api = "https://hacker-news.firebaseio.com/v0"`, func(c *Config, v any) { c.Ticker.API = v.(string) }},
		{"count", numberKind, `count = 30`, func(c *Config, v any) { c.Ticker.Count = clampInt(v.(int64)) }},
		{"ttl", textKind, `ttl = "10m"`, func(c *Config, v any) { c.Ticker.TTL = v.(string) }},
	},
}

// clampInt keeps an out-of-range number out of range on 32-bit systems
// too, so validation reports it rather than a wrapped value.
func clampInt(n int64) int {
	return int(min(max(n, math.MinInt32), math.MaxInt32))
}

// Parse decodes the bytes of a shiplog.toml. Every problem is reported in
// one go: unknown keys (warnings), values of the wrong type, and values of
// the wrong form, each at the line and column where it is written.
func Parse(src []byte) (Config, diag.List) {
	cfg := Default()
	src = bytes.TrimPrefix(src, []byte("\ufeff"))

	var raw map[string]any
	if err := toml.Unmarshal(src, &raw); err != nil {
		line, col := 1, 1
		var de *toml.DecodeError
		if errors.As(err, &de) {
			line, col = de.Position()
			col = runeCol(src, line, col)
		}
		return cfg, diag.List{diag.Errorf(FileName, line, col,
			"check the TOML syntax: text needs quotes; see docs/configuration.md",
			"not valid TOML: %s", strings.TrimPrefix(err.Error(), "toml: "))}
	}
	doc := tomlpos.Parse(src)
	var problems diag.List
	decode(&cfg, doc, raw, "", &problems)
	problems.Add(cfg.validate(doc, problems)...)
	return cfg, problems
}

// decode stores the keys of one table of raw into cfg, checking each
// against settings.
func decode(cfg *Config, doc *tomlpos.Doc, raw map[string]any, table string, problems *diag.List) {
	var path []string
	if table != "" {
		path = []string{table}
	}
	pos := func(k string) tomlpos.Pos {
		p, _ := doc.Lookup(append(slices.Clone(path), k)...)
		return p
	}
	keys := slices.Collect(maps.Keys(raw))
	slices.SortFunc(keys, func(a, b string) int {
		pa, pb := pos(a), pos(b)
		return cmp.Or(cmp.Compare(pa.KeyLine, pb.KeyLine), cmp.Compare(pa.KeyCol, pb.KeyCol), cmp.Compare(a, b))
	})
	known := settings[table]
	names := make([]string, len(known))
	for i, s := range known {
		names[i] = s.key
	}
	for _, k := range keys {
		v, p := raw[k], pos(k)
		full := k
		if table != "" {
			full = table + "." + k
		}
		i := slices.Index(names, k)
		if i < 0 {
			hint := "remove it; see docs/configuration.md for the keys"
			if s := diag.Suggest(k, names); s != "" {
				hint = fmt.Sprintf("did you mean `%s`?", s)
			}
			problems.Add(diag.Warnf(FileName, p.KeyLine, p.KeyCol, hint, "unknown key `%s`", full))
			continue
		}
		s := known[i]
		if got := kindOf(v); got != s.kind {
			problems.Add(diag.Errorf(FileName, p.ValueLine, p.ValueCol, "write it as "+s.example,
				"%s: expected %s, got %s", full, s.kind, describe(v)))
			continue
		}
		if s.kind == tableKind {
			decode(cfg, doc, v.(map[string]any), k, problems)
			continue
		}
		s.set(cfg, v)
	}
}

// kindOf says which kind of setting v could be; -1 for none.
func kindOf(v any) kind {
	switch v.(type) {
	case string:
		return textKind
	case int64:
		return numberKind
	case bool:
		return boolKind
	case map[string]any:
		return tableKind
	case []any:
		for _, x := range v.([]any) {
			if _, ok := x.(string); !ok {
				return -1
			}
		}
		return listKind
	}
	return -1
}

// texts returns a list of text as strings.
func texts(v any) []string {
	out := []string{}
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

// describe names a TOML value for a message: `text "ten"`, `the number 10.5`.
func describe(v any) string {
	switch t := v.(type) {
	case string:
		return fmt.Sprintf("text %q", t)
	case int64, float64:
		return fmt.Sprintf("the number %v", t)
	case bool:
		return fmt.Sprintf("%v", t)
	case map[string]any:
		return "a table of keys"
	case []any:
		return "a list"
	case toml.LocalDate, toml.LocalDateTime, toml.LocalTime, time.Time:
		return fmt.Sprintf("the date %v", t)
	}
	return fmt.Sprintf("%v", v)
}

// runeCol turns go-toml's column, which counts bytes, into one that counts
// runes like every other column shiplog reports.
func runeCol(src []byte, line, col int) int {
	lines := bytes.SplitN(src, []byte("\n"), line+1)
	if line < 1 || line > len(lines) {
		return col
	}
	l := lines[line-1]
	return 1 + utf8.RuneCount(l[:min(max(col-1, 0), len(l))])
}

var languageTag = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$`)

// validate checks the form of each value, now that each has its type. A
// key already reported (of the wrong type) is not reported again.
func (c *Config) validate(doc *tomlpos.Doc, reported diag.List) diag.List {
	var problems diag.List
	bad := func(table, key, hint, format string, args ...any) {
		path := []string{key}
		if table != "" {
			path = []string{table, key}
		}
		p, _ := doc.Lookup(path...)
		if slices.ContainsFunc(reported, func(r diag.Problem) bool {
			return r.Severity == diag.Error && r.Line == p.ValueLine && r.Col == p.ValueCol
		}) {
			return
		}
		problems.Add(diag.Errorf(FileName, p.ValueLine, p.ValueCol, hint, format, args...))
	}
	if strings.TrimSpace(c.Title) == "" {
		bad("", "title", `add a line such as: title = "My engineering log"`, "title is required")
	}
	if c.BaseURL == "" {
		c.BaseURL = "/"
	}
	if c.BaseURL != "/" {
		u, err := url.Parse(c.BaseURL)
		switch {
		case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil:
			bad("", "base_url", `write an absolute URL such as "https://log.example.dev/"`, "base_url: %q is not an absolute http(s) URL", c.BaseURL)
		case u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(c.BaseURL, "?#"):
			bad("", "base_url", `leave out the query (?) and fragment (#): "https://log.example.dev/"`, "base_url: %q has a query or fragment", c.BaseURL)
		case !strings.HasSuffix(c.BaseURL, "/"):
			c.BaseURL += "/"
		}
	}
	if c.HomeURL != "" {
		u, err := url.Parse(c.HomeURL)
		if err != nil || ((u.Scheme != "http" && u.Scheme != "https" || u.Host == "") && !strings.HasPrefix(c.HomeURL, "/")) {
			bad("", "home_url", `write an http(s) URL such as "https://example.dev/"`, "home_url: %q is not an http(s) URL", c.HomeURL)
		}
	}
	if !languageTag.MatchString(c.Language) {
		bad("", "language", `write a language tag such as "en" or "pt-BR"`, "language: %q is not a language tag", c.Language)
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
	for _, l := range []struct {
		key      string
		val, max int
	}{
		{"markdown_mib", c.Limits.MarkdownMiB, 1024},
		{"front_matter_kib", c.Limits.FrontMatterKiB, 1 << 20},
		{"image_mib", c.Limits.ImageMiB, 4096},
		{"image_megapixels", c.Limits.ImageMegapixels, 1000},
	} {
		if l.val < 1 || l.val > l.max {
			bad("limits", l.key, fmt.Sprintf("use a number from 1 to %d", l.max), "limits.%s: %d is out of range", l.key, l.val)
		}
	}
	if c.Images.Quality < 1 || c.Images.Quality > 100 {
		bad("images", "quality", "use a number from 1 to 100", "images.quality: %d is out of range", c.Images.Quality)
	}
	if c.Ticker.Count < 1 || c.Ticker.Count > 100 {
		bad("ticker", "count", "use a number from 1 to 100", "ticker.count: %d is out of range", c.Ticker.Count)
	}
	if d, err := time.ParseDuration(c.Ticker.TTL); err != nil || d <= 0 {
		bad("ticker", "ttl", `write a duration such as "10m" or "1h"`, "ticker.ttl: cannot parse %q", c.Ticker.TTL)
	}
	if u, err := url.Parse(c.Ticker.API); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
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
