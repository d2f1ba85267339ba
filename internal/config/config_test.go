package config

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shiplog/shiplog/internal/diag"
)

func strs(l diag.List) []string {
	l.Sort()
	var out []string
	for _, p := range l {
		out = append(out, p.String())
	}
	return out
}

func TestParseDefaults(t *testing.T) {
	cfg, problems := Parse([]byte(`title = "Log"`))
	if len(problems) != 0 {
		t.Fatalf("Parse problems: %v", strs(problems))
	}
	want := Default()
	want.Title = "Log"
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("Parse(title only) =\n\t%+v\nwant\n\t%+v", cfg, want)
	}
	if !cfg.TickerEnabled() || cfg.TickerTTL() != 10*time.Minute {
		t.Errorf("defaults: TickerEnabled %v, TickerTTL %v; want true, 10m", cfg.TickerEnabled(), cfg.TickerTTL())
	}
	for _, tt := range []struct {
		got, want any
		what      string
	}{
		{cfg.BaseURL, "/", "BaseURL"},
		{cfg.Tagline, "Things I built. Things that broke.", "Tagline"},
		{cfg.Language, "en", "Language"},
		{cfg.TimeZone, "UTC", "TimeZone"},
		{cfg.Location, time.UTC, "Location"},
		{cfg.PageSize, 10, "PageSize"},
		{cfg.Markdown.Unsafe, false, "Markdown.Unsafe"},
		{cfg.Ticker.API, "https://hacker-news.firebaseio.com/v0", "Ticker.API"},
		{cfg.Ticker.Count, 30, "Ticker.Count"},
	} {
		if tt.got != tt.want {
			t.Errorf("default %s = %v, want %v", tt.what, tt.got, tt.want)
		}
	}
}

func TestParseEveryKey(t *testing.T) {
	src := `title = "Mara Okafor — engineering log"
author = "Mara Okafor"
base_url = "https://log.example.dev/blog"
tagline = "Shipping notes."
intro = "Short notes."
home_url = "https://example.dev/"
language = "pt-BR"
timezone = "Europe/Berlin"
page_size = 25

[markdown]
unsafe = true
error_langs = ["error", "traceback"]

[ticker]
enabled = false
api = "http://127.0.0.1:8080/v0"
count = 5
ttl = "1h30m"

[limits]
markdown_mib = 4
front_matter_kib = 128
image_mib = 20
image_megapixels = 100

[images]
quality = 70
keep_metadata = true
cards = false
`
	cfg, problems := Parse([]byte(src))
	if len(problems) != 0 {
		t.Fatalf("Parse problems: %v", strs(problems))
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	f := false
	want := Config{
		Title:    "Mara Okafor — engineering log",
		Author:   "Mara Okafor",
		BaseURL:  "https://log.example.dev/blog/", // a trailing slash is added
		Tagline:  "Shipping notes.",
		Intro:    "Short notes.",
		HomeURL:  "https://example.dev/",
		Language: "pt-BR",
		TimeZone: "Europe/Berlin",
		PageSize: 25,
		Markdown: Markdown{Unsafe: true, ErrorLangs: []string{"error", "traceback"}},
		Ticker:   Ticker{Enabled: &f, API: "http://127.0.0.1:8080/v0", Count: 5, TTL: "1h30m"},
		Limits:   Limits{MarkdownMiB: 4, FrontMatterKiB: 128, ImageMiB: 20, ImageMegapixels: 100},
		Images:   Images{Quality: 70, KeepMetadata: true, Cards: &f},
		Location: berlin,
	}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("Parse =\n\t%+v\nwant\n\t%+v", cfg, want)
	}
	if cfg.TickerEnabled() || cfg.TickerTTL() != 90*time.Minute {
		t.Errorf("TickerEnabled %v, TickerTTL %v; want false, 1h30m", cfg.TickerEnabled(), cfg.TickerTTL())
	}
	if got := cfg.AbsURL("/log/x/"); got != "https://log.example.dev/blog/log/x/" {
		t.Errorf("AbsURL(/log/x/) = %q", got)
	}
}

func TestParseOtherSpellings(t *testing.T) {
	// Dotted keys and inline tables are the same settings.
	for _, src := range []string{
		"title = 'x'\nticker.count = 5\nmarkdown.unsafe = true\n",
		"title = 'x'\nticker = { count = 5 }\nmarkdown = { unsafe = true }\n",
		"\ufefftitle = 'x'\r\n[ticker]\r\ncount = 5\r\n[markdown]\r\nunsafe = true\r\n",
	} {
		cfg, problems := Parse([]byte(src))
		if len(problems) != 0 || cfg.Ticker.Count != 5 || !cfg.Markdown.Unsafe {
			t.Errorf("Parse(%q) = count %d, unsafe %v, problems %v; want 5, true, none", src, cfg.Ticker.Count, cfg.Markdown.Unsafe, strs(problems))
		}
	}
}

func TestParseProblems(t *testing.T) {
	const f = FileName
	tests := []struct {
		name, src string
		want      []string
	}{
		{"empty file", "", []string{
			f + `:1:1: error: title is required (add a line such as: title = "My engineering log")`}},
		{"empty title", "author = 'me'\ntitle = '  '\n", []string{
			f + `:2:9: error: title is required (add a line such as: title = "My engineering log")`}},

		// Unknown keys: warnings with a suggestion and a position.
		{"unknown key", "title = 'x'\ntitel = 'y'\n", []string{
			f + ":2:1: warning: unknown key `titel` (did you mean `title`?)"}},
		{"unknown keys everywhere", "title = 'x'\nbaseurl = '/'\n[tickr]\napi = 'x'\n[ticker]\n  cont = 3\n[markdown]\nunsafe = false\nsafe = true\nfoo = 1\n", []string{
			f + ":2:1: warning: unknown key `baseurl` (did you mean `base_url`?)",
			f + ":3:2: warning: unknown key `tickr` (did you mean `ticker`?)",
			f + ":6:3: warning: unknown key `ticker.cont` (did you mean `count`?)",
			f + ":9:1: warning: unknown key `markdown.safe` (did you mean `unsafe`?)",
			f + ":10:1: warning: unknown key `markdown.foo` (remove it; see docs/configuration.md for the keys)"}},
		{"unknown dotted key", "title = 'x'\nticker.ttls = '1m'\n", []string{
			f + ":2:1: warning: unknown key `ticker.ttls` (did you mean `ttl`?)"}},

		// Wrong types: every one reported, at the value.
		{"wrong types", "title = 'x'\npage_size = 'ten'\nlanguage = 1\n[markdown]\nunsafe = 'yes'\n[ticker]\nenabled = 1\ncount = 2.5\nttl = 10\n", []string{
			f + `:2:13: error: page_size: expected a whole number, got text "ten" (write it as page_size = 10)`,
			f + ":3:12: error: language: expected text, got the number 1 (write it as language = \"en\")",
			f + `:5:10: error: markdown.unsafe: expected true or false, got text "yes" (write it as unsafe = false)`,
			f + ":7:11: error: ticker.enabled: expected true or false, got the number 1 (write it as enabled = true)",
			f + ":8:9: error: ticker.count: expected a whole number, got the number 2.5 (write it as count = 30)",
			f + `:9:7: error: ticker.ttl: expected text, got the number 10 (write it as ttl = "10m")`}},
		{"a table where text goes", "title = { text = 'x' }\n", []string{
			f + `:1:9: error: title: expected text, got a table of keys (write it as title = "My engineering log")`}},
		{"text where a table goes", "title = 'x'\nmarkdown = 'unsafe'\n", []string{
			f + `:2:12: error: markdown: expected a table of keys, got text "unsafe" (write it as [markdown] on a line of its own, then its keys)`}},
		{"a list", "title = ['a', 'b']\n", []string{
			f + `:1:9: error: title: expected text, got a list (write it as title = "My engineering log")`}},
		{"a list of numbers", "title = 'x'\n[markdown]\nerror_langs = [1, 2]\n", []string{
			f + `:3:15: error: markdown.error_langs: expected a list of text, got a list (write it as error_langs = ["error", "console", "log", "stacktrace"])`}},
		{"text where a list goes", "title = 'x'\n[markdown]\nerror_langs = 'error'\n", []string{
			f + `:3:15: error: markdown.error_langs: expected a list of text, got text "error" (write it as error_langs = ["error", "console", "log", "stacktrace"])`}},
		{"a date", "title = 'x'\ntimezone = 2026-03-14\n", []string{
			f + `:2:12: error: timezone: expected text, got the date 2026-03-14 (write it as timezone = "Europe/Berlin")`}},

		// Syntax.
		{"syntax error", "title = 'x'\npage_size = \n", []string{
			f + ":2:13: error: not valid TOML: unexpected character U+000A at start of value (check the TOML syntax: text needs quotes; see docs/configuration.md)"}},
		{"syntax error after multibyte text", "title = \"ééé\" x\n", []string{
			f + ":1:15: error: not valid TOML: expected newline but got U+0078 'x' (check the TOML syntax: text needs quotes; see docs/configuration.md)"}},
		{"key given twice", "title = 'x'\ntitle = 'y'\n", []string{
			f + ":2:1: error: not valid TOML: key title is already defined (check the TOML syntax: text needs quotes; see docs/configuration.md)"}},
		{"number too large", "title = 'x'\npage_size = 99999999999999999999\n", []string{
			f + ":2:13: error: not valid TOML: decimal number is too large to fit in a 64-bit signed integer (check the TOML syntax: text needs quotes; see docs/configuration.md)"}},

		// Values of the wrong form.
		{"base_url not absolute", "title = 'x'\nbase_url = 'log.example.dev'\n", []string{
			f + `:2:12: error: base_url: "log.example.dev" is not an absolute http(s) URL (write an absolute URL such as "https://log.example.dev/")`}},
		{"base_url ftp", "title = 'x'\nbase_url = 'ftp://x.dev/'\n", []string{
			f + `:2:12: error: base_url: "ftp://x.dev/" is not an absolute http(s) URL (write an absolute URL such as "https://log.example.dev/")`}},
		{"base_url without host", "title = 'x'\nbase_url = 'https:///log/'\n", []string{
			f + `:2:12: error: base_url: "https:///log/" is not an absolute http(s) URL (write an absolute URL such as "https://log.example.dev/")`}},
		{"base_url with a query", "title = 'x'\nbase_url = 'https://x.dev/?a=1'\n", []string{
			f + `:2:12: error: base_url: "https://x.dev/?a=1" has a query or fragment (leave out the query (?) and fragment (#): "https://log.example.dev/")`}},
		{"base_url with a fragment", "title = 'x'\nbase_url = 'https://x.dev/#top'\n", []string{
			f + `:2:12: error: base_url: "https://x.dev/#top" has a query or fragment (leave out the query (?) and fragment (#): "https://log.example.dev/")`}},
		{"home_url javascript", "title = 'x'\nhome_url = 'javascript:alert(1)'\n", []string{
			f + `:2:12: error: home_url: "javascript:alert(1)" is not an http(s) URL (write an http(s) URL such as "https://example.dev/")`}},
		{"bad timezone", "title = 'x'\ntimezone = 'Mars/Olympus'\n", []string{
			f + `:2:12: error: timezone: unknown time zone "Mars/Olympus" (use an IANA name such as "UTC" or "Europe/Berlin")`}},
		{"Local timezone", "title = 'x'\ntimezone = 'Local'\n", []string{
			f + `:2:12: error: timezone: unknown time zone "Local" (use an IANA name such as "UTC" or "Europe/Berlin")`}},
		{"empty timezone", "title = 'x'\ntimezone = ''\n", []string{
			f + `:2:12: error: timezone: unknown time zone "" (use an IANA name such as "UTC" or "Europe/Berlin")`}},
		{"bad language", "title = 'x'\nlanguage = 'en\" onload=\"x'\n", []string{
			f + `:2:12: error: language: "en\" onload=\"x" is not a language tag (write a language tag such as "en" or "pt-BR")`}},
		{"page_size zero", "title = 'x'\npage_size = 0\n", []string{
			f + ":2:13: error: page_size: 0 is out of range (use a number from 1 to 1000)"}},
		{"page_size huge", "title = 'x'\npage_size = 9999999999\n", []string{
			f + ":2:13: error: page_size: 2147483647 is out of range (use a number from 1 to 1000)"}},
		{"ticker problems", "title = 'x'\n[ticker]\nttl = '10'\napi = 'https:///'\ncount = 0\n", []string{
			f + `:3:7: error: ticker.ttl: cannot parse "10" (write a duration such as "10m" or "1h")`,
			f + `:4:7: error: ticker.api: "https:///" is not an http(s) URL (write an http(s) URL such as "https://hacker-news.firebaseio.com/v0")`,
			f + ":5:9: error: ticker.count: 0 is out of range (use a number from 1 to 100)"}},
		{"negative ttl", "title = 'x'\nticker = { ttl = '-5m' }\n", []string{
			f + `:2:18: error: ticker.ttl: cannot parse "-5m" (write a duration such as "10m" or "1h")`}},
		{"ticker api not http", "title = 'x'\nticker.api = 'file:///etc/passwd'\n", []string{
			f + `:2:14: error: ticker.api: "file:///etc/passwd" is not an http(s) URL (write an http(s) URL such as "https://hacker-news.firebaseio.com/v0")`}},

		// Everything at once: one run reports it all.
		{"everything", "titel = 'x'\npage_size = 'x'\ntimezone = 'Nowhere'\n", []string{
			f + `:1:1: error: title is required (add a line such as: title = "My engineering log")`,
			f + ":1:1: warning: unknown key `titel` (did you mean `title`?)",
			f + `:2:13: error: page_size: expected a whole number, got text "x" (write it as page_size = 10)`,
			f + `:3:12: error: timezone: unknown time zone "Nowhere" (use an IANA name such as "UTC" or "Europe/Berlin")`}},
	}
	for _, tt := range tests {
		_, problems := Parse([]byte(tt.src))
		got := strs(problems)
		if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("%s: Parse(%q) problems:\n\t%s\nwant\n\t%s", tt.name, tt.src, strings.Join(got, "\n\t"), strings.Join(tt.want, "\n\t"))
		}
	}
}

func TestParseBOM(t *testing.T) {
	// A BOM is not part of the first key, and columns on line 1 do not
	// count it.
	cfg, problems := Parse([]byte("\ufefftitle = 'x'\n"))
	if len(problems) != 0 || cfg.Title != "x" {
		t.Errorf("Parse(BOM + title) = %q, %v", cfg.Title, strs(problems))
	}
	_, problems = Parse([]byte("\ufefftitle = 'x'\r\ntimezone = 'Nowhere'\r\n"))
	want := `shiplog.toml:2:12: error: timezone: unknown time zone "Nowhere" (use an IANA name such as "UTC" or "Europe/Berlin")`
	if got := strings.Join(strs(problems), "\n"); got != want {
		t.Errorf("Parse(BOM + CRLF) problems:\n\t%s\nwant\n\t%s", got, want)
	}
}

func TestParseHomeURL(t *testing.T) {
	for _, tt := range []struct {
		url string
		ok  bool
	}{
		{"https://example.dev/", true},
		{"http://example.dev", true},
		{"/about/", true},
		{"https://", false},
		{"mailto:me@example.dev", false},
		{"example.dev", false},
	} {
		_, problems := Parse([]byte("title = 'x'\nhome_url = '" + tt.url + "'\n"))
		if got := len(problems) == 0; got != tt.ok {
			t.Errorf("home_url = %q: accepted %v, want %v (%v)", tt.url, got, tt.ok, strs(problems))
		}
	}
}

func TestAbsURL(t *testing.T) {
	for _, tt := range []struct{ base, path, want string }{
		{"/", "/log/x/", "/log/x/"},
		{"", "/log/x/", "/log/x/"},
		{"https://log.example.dev/", "/log/x/", "https://log.example.dev/log/x/"},
		{"https://example.dev/log/", "/", "https://example.dev/log/"},
	} {
		c := Config{BaseURL: tt.base}
		if got := c.AbsURL(tt.path); got != tt.want {
			t.Errorf("Config{BaseURL: %q}.AbsURL(%q) = %q, want %q", tt.base, tt.path, got, tt.want)
		}
	}
}

func TestTickerTTLFallback(t *testing.T) {
	for _, ttl := range []string{"", "x", "-1m", "0s"} {
		if got := (Config{Ticker: Ticker{TTL: ttl}}).TickerTTL(); got != 10*time.Minute {
			t.Errorf("TickerTTL with ttl %q = %v, want 10m", ttl, got)
		}
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	cfg, problems := Load(dir)
	want := []string{"error: no shiplog.toml in " + dir + " (run `shiplog init` to start a log, or pass the log's folder)"}
	if got := strs(problems); !slices.Equal(got, want) {
		t.Errorf("Load(empty dir) problems:\n\t%s\nwant\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
	if cfg.Location != time.UTC {
		t.Errorf("Load(empty dir) Location = %v, want UTC", cfg.Location)
	}

	if err := os.WriteFile(filepath.Join(dir, FileName), []byte("title = 'Mine'\ntimezone = 'Asia/Tokyo'\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, problems = Load(dir)
	if len(problems) != 0 || cfg.Title != "Mine" || cfg.Location.String() != "Asia/Tokyo" {
		t.Errorf("Load = %q in %v, problems %v", cfg.Title, cfg.Location, strs(problems))
	}
}

// TestSettingsMatchConfig keeps the table of settings and the Config
// struct's toml tags in step: a key added to one must be added to the
// other.
func TestSettingsMatchConfig(t *testing.T) {
	tags := func(t reflect.Type) []string {
		var out []string
		for f := range t.Fields() {
			if tag := f.Tag.Get("toml"); tag != "" && tag != "-" {
				out = append(out, tag)
			}
		}
		return out
	}
	names := func(table string) []string {
		var out []string
		for _, s := range settings[table] {
			out = append(out, s.key)
		}
		return out
	}
	for table, typ := range map[string]reflect.Type{
		"":         reflect.TypeFor[Config](),
		"markdown": reflect.TypeFor[Markdown](),
		"ticker":   reflect.TypeFor[Ticker](),
	} {
		if got, want := names(table), tags(typ); !slices.Equal(got, want) {
			t.Errorf("settings[%q] = %q, want the %v fields' tags %q", table, got, typ, want)
		}
	}
}

// FuzzParse: any bytes give a Config with a time zone and problems that
// name a place in the file, and errors that say how to fix them.
func FuzzParse(f *testing.F) {
	f.Add([]byte("title = 'x'\n[ticker]\ncount = 5\n"))
	f.Add([]byte("title = { a = 1 }\nticker = [1]\nmarkdown.unsafe = 'x'\n"))
	f.Add([]byte("\ufefftitle = 'x'\r\npage_size = 1e3\r\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		cfg, problems := Parse(src)
		if cfg.Location == nil {
			t.Errorf("Parse(%q): no Location", src)
		}
		lines := 1 + strings.Count(string(src), "\n")
		for _, p := range problems {
			if p.Path != FileName || p.Line > lines || p.Msg == "" || (p.Severity == diag.Error && p.Hint == "") {
				t.Errorf("Parse(%q): problem %s", src, p)
			}
		}
	})
}
