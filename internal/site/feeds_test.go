package site

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/shiplog/shiplog/internal/feed"
	"github.com/shiplog/shiplog/internal/feedtest"
)

// feedSite has what feeds must get right: a time zone, an updated entry,
// a hero and an image in the body, in-page links, a lesson, tags and a
// project, an entry without id, a draft and a future entry.
const feedSite = `
-- shiplog.toml --
title = "Mara's log"
author = "Mara Okafor"
base_url = "http://log.example.dev/notes/"
home_url = "https://example.dev/"
timezone = "Europe/Berlin"
-- log/2026-03-14-lambda-elf.md --
---
id: urn:uuid:6f1c9a52-3d3e-4c1b-9a57-1f2b0d7f5e11
title: Lambda dies with invalid ELF header
date: 2026-03-14T09:30:00Z
updated: 2026-03-18
kind: broke
project: Thumbnailer
tags: [aws, lambda]
summary: "sharp's binary was built for macOS & shipped to <Linux>."
hero:
  src: cold-start.png
  alt: Cold start timeline
  caption: Three seconds of nothing
---
## Symptom

It failed; see [the fix](#fix) and [the queue entry](../queue/).

![Flame graph](flame.png "Where the time went")

## Fix

Build on Linux.

What this reinforced: build for the target architecture.
-- log/cold-start.png --
!png 40x30
-- log/flame.png --
!png 16x8
-- log/2026-03-10-queue.md --
---
id: tag:example.dev,2026:queue
title: Moved the queue to SQS
date: 2026-03-10
kind: decision
project: Thumbnailer
tags: [aws]
---
We chose SQS.
-- log/2026-03-08-note.md --
---
title: A quick note without id
date: 2026-03-08
---
Short.
-- log/2026-03-15-draft.md --
---
id: draft-1
title: Half-written draft
date: 2026-03-15
tags: [aws]
draft: true
---
Not yet.
-- log/2026-04-01-future.md --
---
id: future-1
title: Scheduled for April
date: 2026-04-01
tags: [aws]
---
Later.
`

var feedFiles = []string{"atom.xml", "rss.xml", "feed.json"}

// readFeeds reads the three formats of the feed in folder dir of out,
// strictly and with gofeed.
func readFeeds(t *testing.T, out, dir string, abs bool) map[string]*feedtest.Doc {
	t.Helper()
	opts := feedtest.Options{Absolute: abs}
	docs := map[string]*feedtest.Doc{}
	for _, name := range feedFiles {
		data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(dir), name))
		if err != nil {
			t.Fatal(err)
		}
		switch name {
		case "atom.xml":
			docs[name] = feedtest.Atom(t, data, opts)
		case "rss.xml":
			docs[name] = feedtest.RSS(t, data, opts)
		case "feed.json":
			docs[name] = feedtest.JSON(t, data, opts)
		}
	}
	return docs
}

func TestFeeds(t *testing.T) {
	src := writeSite(t, feedSite)
	out := filepath.Join(t.TempDir(), "public")
	rep := mustBuild(t, src, out)

	// The entry without id is warned about, and the warning proposes the
	// very id its feeds already use.
	noID := fallbackID("log/2026-03-08-note.md")
	var warned bool
	for _, p := range rep.Problems {
		if p.Path == "log/2026-03-08-note.md" && strings.Contains(p.String(), "id: "+noID) {
			warned = true
		}
	}
	if !warned {
		t.Errorf("no missing-id warning proposing %s; problems:\n%v", noID, rep.Problems)
	}

	wantIDs := []string{"urn:uuid:6f1c9a52-3d3e-4c1b-9a57-1f2b0d7f5e11", "tag:example.dev,2026:queue", noID}
	for name, d := range readFeeds(t, out, "", true) {
		if got := d.IDs(); !slices.Equal(got, wantIDs) {
			t.Errorf("%s ids = %q, want %q", name, got, wantIDs)
		}
		if d.Self != "http://log.example.dev/notes/"+name {
			t.Errorf("%s self = %q", name, d.Self)
		}
		if d.Link != "http://log.example.dev/notes/" {
			t.Errorf("%s link = %q", name, d.Link)
		}
		e := d.Entries[0]
		if e.URL != "http://log.example.dev/notes/log/lambda-elf/" {
			t.Errorf("%s entry URL = %q", name, e.URL)
		}
		for _, want := range []string{
			`<img src="http://log.example.dev/notes/log/lambda-elf/cold-start.png" alt="Cold start timeline" width="40" height="30">`,
			`<figcaption>Three seconds of nothing</figcaption>`,
			`src="http://log.example.dev/notes/log/lambda-elf/flame.png"`,
			`href="http://log.example.dev/notes/log/lambda-elf/#fix"`,
			`href="http://log.example.dev/notes/log/queue/"`,
			`<strong>What this reinforced:</strong> build for the target architecture.`,
		} {
			if !strings.Contains(e.Content, want) {
				t.Errorf("%s content lacks %s:\n%s", name, want, e.Content)
			}
		}
	}
	// Dates: in the site's time zone, updated honoured.
	atom := readFeeds(t, out, "", true)
	for _, c := range []struct{ what, got, want string }{
		{"Atom published", atom["atom.xml"].Entries[0].Published, "2026-03-14T10:30:00+01:00"},
		{"Atom updated", atom["atom.xml"].Entries[0].Updated, "2026-03-18T00:00:00+01:00"},
		{"Atom feed updated", atom["atom.xml"].Updated, "2026-03-18T00:00:00+01:00"},
		{"RSS pubDate", atom["rss.xml"].Entries[0].Published, "Sat, 14 Mar 2026 10:30:00 +0100"},
		{"JSON date_modified", atom["feed.json"].Entries[0].Updated, "2026-03-18T00:00:00+01:00"},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.what, c.got, c.want)
		}
	}

	// Tag, project and lessons feeds hold their own entries only.
	for _, c := range []struct {
		dir  string
		want []string
	}{
		{"tags/aws/", wantIDs[:2]},
		{"tags/lambda/", wantIDs[:1]},
		{"projects/thumbnailer/", wantIDs[:2]},
		{"lessons/", []string{wantIDs[0] + "#lesson"}},
	} {
		for name, d := range readFeeds(t, out, c.dir, true) {
			if got := d.IDs(); !slices.Equal(got, c.want) {
				t.Errorf("%s%s ids = %q, want %q", c.dir, name, got, c.want)
			}
		}
	}

	// Drafts and future entries appear in no feed, sitemap or page.
	for rel := range tree(t, out) {
		if !strings.HasSuffix(rel, ".xml") && !strings.HasSuffix(rel, ".json") && !strings.HasSuffix(rel, ".html") && rel != "robots.txt" {
			continue
		}
		s := read(t, out, rel)
		for _, leak := range []string{"Half-written", "draft-1", "/log/draft/", "Scheduled for April", "future-1", "/log/future/"} {
			if strings.Contains(s, leak) {
				t.Errorf("%s mentions %q", rel, leak)
			}
		}
	}
}

// TestFeedIdentity is the contract's promise: moving the site from http
// to https and to another domain, editing titles and renaming files
// changes no entry's feed id.
func TestFeedIdentity(t *testing.T) {
	src := writeSite(t, feedSite)
	out := filepath.Join(t.TempDir(), "public")
	mustBuild(t, src, out)
	before := allFeedIDs(t, out)

	cfg := filepath.Join(src, "shiplog.toml")
	data, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	data = []byte(strings.Replace(string(data), "http://log.example.dev/notes/", "https://mara.example.org/", 1))
	if err := os.WriteFile(cfg, data, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"log/2026-03-14-lambda-elf.md", "log/2026-03-10-queue.md", "log/2026-03-08-note.md"} {
		p := filepath.Join(src, filepath.FromSlash(f))
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		data = regexp.MustCompile(`(?m)^title: (.*)$`).ReplaceAll(data, []byte("title: Renamed — $1"))
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Entries with an id keep it when their file is renamed; the one
	// without keeps its path, so only its title changes.
	for old, new := range map[string]string{
		"log/2026-03-14-lambda-elf.md": "log/aws/2026-03-14-lambda-exec-format.md",
		"log/2026-03-10-queue.md":      "log/2026-03-10-sqs.md",
	} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(src, new)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(filepath.Join(src, old), filepath.Join(src, new)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Rename(filepath.Join(src, "log/cold-start.png"), filepath.Join(src, "log/aws/cold-start.png")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(src, "log/flame.png"), filepath.Join(src, "log/aws/flame.png")); err != nil {
		t.Fatal(err)
	}
	mustBuild(t, src, out)
	after := allFeedIDs(t, out)

	if !slices.Equal(before, after) {
		t.Errorf("feed ids changed:\nbefore %q\nafter  %q", before, after)
	}
	// The move did happen: the feeds now point at the new domain and slugs.
	atom := read(t, out, "atom.xml")
	if !strings.Contains(atom, "https://mara.example.org/log/lambda-exec-format/") || !strings.Contains(atom, "Renamed — Lambda dies") {
		t.Errorf("the second build does not show the new URL and title:\n%s", atom)
	}
}

// allFeedIDs returns every entry id of every feed under out, sorted and
// prefixed by the feed's path with the domain removed.
func allFeedIDs(t *testing.T, out string) []string {
	t.Helper()
	var ids []string
	for _, dir := range []string{"", "tags/aws/", "tags/lambda/", "projects/thumbnailer/", "lessons/"} {
		for name, d := range readFeeds(t, out, dir, true) {
			for _, id := range d.IDs() {
				ids = append(ids, dir+name+" "+id)
			}
		}
	}
	slices.Sort(ids)
	if len(ids) == 0 {
		t.Fatal("no feed ids at all")
	}
	return ids
}

// An empty log has valid, empty feeds and a sitemap of its list pages.
func TestFeedsEmpty(t *testing.T) {
	src := writeSite(t, "-- shiplog.toml --\ntitle = \"Empty\"\nbase_url = \"https://log.example.dev/\"\n")
	out := filepath.Join(t.TempDir(), "public")
	mustBuild(t, src, out)
	for _, dir := range []string{"", "lessons/"} {
		for name, d := range readFeeds(t, out, dir, true) {
			if len(d.Entries) != 0 {
				t.Errorf("%s%s has %d entries", dir, name, len(d.Entries))
			}
		}
	}
	var s struct {
		URLs []struct {
			Loc string `xml:"loc"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal([]byte(read(t, out, "sitemap.xml")), &s); err != nil {
		t.Fatal(err)
	}
	if len(s.URLs) == 0 || s.URLs[0].Loc != "https://log.example.dev/" {
		t.Errorf("sitemap of an empty log: %+v", s.URLs)
	}
}

// Escaping from front matter to every format: markup characters, "]]>",
// quotes and control characters in titles, summaries and tags.
func TestFeedsEscaping(t *testing.T) {
	src := writeSite(t, `
-- shiplog.toml --
title = "AT&T <b>log</b> ]]> \"q\""
base_url = "https://log.example.dev/"
-- log/2026-03-14-x.md --
---
id: x1
title: "AT&T <script>alert(1)</script> ]]> \"double\" 'single' \x01\x1b end"
date: 2026-03-14
summary: "a < b && c > d ]]>"
tags: ["c&a", "<t>"]
---
Body with ]]> and &amp; and <b>raw</b>.
`)
	out := filepath.Join(t.TempDir(), "public")
	mustBuild(t, src, out)
	for name, d := range readFeeds(t, out, "", true) {
		if d.Title != `AT&T <b>log</b> ]]> "q"` {
			t.Errorf("%s title = %q", name, d.Title)
		}
		e := d.Entries[0]
		if !strings.HasPrefix(e.Title, `AT&T <script>alert(1)</script> ]]> "double" 'single' `) || strings.ContainsAny(e.Title, "\x01\x1b") {
			t.Errorf("%s entry title = %q", name, e.Title)
		}
		if e.ID != feed.ID("x1") {
			t.Errorf("%s id = %q, want %q", name, e.ID, feed.ID("x1"))
		}
		if !strings.Contains(e.Content, "]]&gt;") && !strings.Contains(e.Content, "]]>") {
			t.Errorf("%s content lost the ]]> text: %q", name, e.Content)
		}
	}
	for _, f := range []string{"atom.xml", "rss.xml", "sitemap.xml"} {
		if s := read(t, out, f); strings.Contains(s, "]]>") || strings.ContainsAny(s, "\x01\x1b") {
			t.Errorf("%s holds a raw ]]> or a control character", f)
		}
	}
	// The page's head escapes the same text once, and its JSON-LD parses.
	page := read(t, out, "log/x/index.html")
	if strings.Contains(page, "<script>alert") {
		t.Error("the title reaches the page as markup")
	}
	ld := jsonLD(t, page)
	if ld["headline"] == nil || !strings.Contains(ld["headline"].(string), "<script>alert(1)</script>") {
		t.Errorf("JSON-LD headline = %v", ld["headline"])
	}
}

// jsonLD returns the page's JSON-LD object.
func jsonLD(t *testing.T, page string) map[string]any {
	t.Helper()
	m := regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no JSON-LD on the page")
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(m[1]), &v); err != nil {
		t.Fatalf("JSON-LD does not parse: %v\n%s", err, m[1])
	}
	return v
}

// Every page names its canonical URL and the feeds; entry pages describe
// themselves to link previews and search engines.
func TestHeadTags(t *testing.T) {
	src := writeSite(t, feedSite)
	out := filepath.Join(t.TempDir(), "public")
	mustBuild(t, src, out)
	for _, p := range pages(t, out) {
		html := read(t, out, p)
		if !strings.Contains(html, `<link rel="canonical" href="http://log.example.dev/notes/`) {
			t.Errorf("%s has no absolute canonical link", p)
		}
		if p == "404.html" {
			continue
		}
		for _, f := range []string{`type="application/atom&#43;xml" title="Mara&#39;s log (Atom)" href="/notes/atom.xml"`, `href="/notes/rss.xml"`, `href="/notes/feed.json"`} {
			if !strings.Contains(html, `<link rel="alternate" `+strings.TrimPrefix(f, "")) && !strings.Contains(html, f) {
				t.Errorf("%s does not offer %s", p, f)
			}
		}
		if !strings.Contains(html, `<meta property="og:url" content="http://log.example.dev/notes/`) {
			t.Errorf("%s has no og:url", p)
		}
	}
	tag := read(t, out, "tags/aws/index.html")
	first := strings.Index(tag, `<link rel="alternate"`)
	if first < 0 || !strings.HasPrefix(tag[first:], `<link rel="alternate" type="application/atom&#43;xml" title="Mara&#39;s log · #aws (Atom)" href="/notes/tags/aws/atom.xml">`) {
		t.Errorf("the tag page does not offer its own feed first:\n%s", tag[first:min(len(tag), first+300)])
	}

	entry := read(t, out, "log/lambda-elf/index.html")
	for _, want := range []string{
		`<meta name="description" content="sharp&#39;s binary was built for macOS &amp; shipped to &lt;Linux&gt;.">`,
		`<meta property="og:type" content="article">`,
		`<meta property="og:title" content="Lambda dies with invalid ELF header">`,
		`<meta property="og:image:width" content="1200">`,
		`<meta property="og:image:height" content="630">`,
		`<meta property="og:image:alt" content="Lambda dies with invalid ELF header">`,
		`<meta property="article:published_time" content="2026-03-14T10:30:00&#43;01:00">`,
		`<meta property="article:tag" content="aws">`,
		`<meta name="twitter:card" content="summary_large_image">`,
	} {
		if !strings.Contains(entry, want) {
			t.Errorf("entry page lacks %s", want)
		}
	}
	// The preview is the entry's Open Graph card, published beside it.
	card := regexp.MustCompile(`<meta property="og:image" content="http://log\.example\.dev/notes/(log/lambda-elf/og\.[0-9a-f]{8}\.png)">`).FindStringSubmatch(entry)
	if card == nil {
		t.Errorf("entry page has no og:image naming its card")
	} else if !exists(out, card[1]) || !strings.Contains(entry, `<meta name="twitter:image" content="http://log.example.dev/notes/`+card[1]+`">`) {
		t.Errorf("the card %s is not published, or not the twitter:image", card[1])
	}
	ld := jsonLD(t, entry)
	for k, want := range map[string]any{
		"@context":      "https://schema.org",
		"@type":         "TechArticle",
		"headline":      "Lambda dies with invalid ELF header",
		"url":           "http://log.example.dev/notes/log/lambda-elf/",
		"datePublished": "2026-03-14T10:30:00+01:00",
		"dateModified":  "2026-03-18T00:00:00+01:00",
	} {
		if ld[k] != want {
			t.Errorf("JSON-LD %s = %v, want %v", k, ld[k], want)
		}
	}
	if a, _ := ld["author"].(map[string]any); a["name"] != "Mara Okafor" || a["url"] != "https://example.dev/" {
		t.Errorf("JSON-LD author = %v", ld["author"])
	}
	if img := fmt.Sprint(ld["image"]); img != "[http://log.example.dev/notes/log/lambda-elf/cold-start.png]" {
		t.Errorf("JSON-LD image = %v", img)
	}
	if ld := jsonLD(t, read(t, out, "log/queue/index.html")); ld["@type"] != "BlogPosting" {
		t.Errorf("a decision's JSON-LD type = %v, want BlogPosting", ld["@type"])
	}
	if ld := jsonLD(t, read(t, out, "index.html")); ld["@type"] != "Blog" || ld["url"] != "http://log.example.dev/notes/" {
		t.Errorf("home JSON-LD = %v", ld)
	}
}

// Without base_url nothing can be absolute: feeds use site paths, there
// is no sitemap, robots.txt names none, and pages carry no previews.
func TestFeedsWithoutBaseURL(t *testing.T) {
	src := writeSite(t, strings.Replace(feedSite, `base_url = "http://log.example.dev/notes/"`, "", 1))
	out := filepath.Join(t.TempDir(), "public")
	mustBuild(t, src, out)
	for name, d := range readFeeds(t, out, "", false) {
		if d.Entries[0].URL != "/log/lambda-elf/" {
			t.Errorf("%s entry URL = %q", name, d.Entries[0].URL)
		}
		if len(d.Entries) != 3 {
			t.Errorf("%s has %d entries, want 3", name, len(d.Entries))
		}
	}
	if exists(out, "sitemap.xml") {
		t.Error("a sitemap without absolute URLs was written")
	}
	if r := read(t, out, "robots.txt"); strings.Contains(r, "Sitemap:") {
		t.Errorf("robots.txt names a sitemap:\n%s", r)
	}
	if p := read(t, out, "log/lambda-elf/index.html"); strings.Contains(p, `property="og:`) || strings.Contains(p, "ld+json") {
		t.Error("previews without absolute URLs")
	}
	checkLinks(t, out) // the feed links on every page lead to feeds
}

// The sitemap lists every page once, but not the 404 page, alias
// redirects or static files; past the limit it becomes an index.
func TestSitemap(t *testing.T) {
	src := writeSite(t, feedSite+`
-- log/2026-03-01-moved.md --
---
id: moved
title: Moved
date: 2026-03-01
aliases: ["/2026/moved/"]
---
Here now.
-- static/hello.html --
<!doctype html><title>hi</title>
`)
	out := filepath.Join(t.TempDir(), "public")
	mustBuild(t, src, out)
	single := sitemapLocs(t, out)
	for _, p := range pages(t, out) {
		loc := "http://log.example.dev/notes/" + strings.TrimSuffix(p, "index.html")
		want := p != "404.html" && p != "2026/moved/index.html" && p != "hello.html"
		if got := slices.Contains(single, loc); got != want {
			t.Errorf("sitemap lists %s: %v, want %v", loc, got, want)
		}
	}
	if r := read(t, out, "robots.txt"); !strings.Contains(r, "Sitemap: http://log.example.dev/notes/sitemap.xml\n") {
		t.Errorf("robots.txt does not name the sitemap:\n%s", r)
	}
	if !strings.Contains(read(t, out, "sitemap.xml"), "<loc>http://log.example.dev/notes/log/lambda-elf/</loc>\n    <lastmod>2026-03-18T00:00:00+01:00</lastmod>") {
		t.Error("the updated entry's lastmod is not its updated date")
	}

	// A limit of 7 URLs a file splits the same URLs over parts.
	mustBuild(t, src, out, func(o *Options) { o.sitemapMaxURLs = 7 })
	var idx struct {
		XMLName  xml.Name `xml:"sitemapindex"`
		Sitemaps []struct {
			Loc string `xml:"loc"`
		} `xml:"sitemap"`
	}
	if err := xml.Unmarshal([]byte(read(t, out, "sitemap.xml")), &idx); err != nil {
		t.Fatalf("sitemap.xml is not an index: %v", err)
	}
	if want := (len(single) + 6) / 7; len(idx.Sitemaps) != want {
		t.Errorf("index lists %d parts, want %d", len(idx.Sitemaps), want)
	}
	var split []string
	for i, s := range idx.Sitemaps {
		name := fmt.Sprintf("sitemap-%d.xml", i+1)
		if s.Loc != "http://log.example.dev/notes/"+name {
			t.Errorf("index part %d = %q", i, s.Loc)
		}
		split = append(split, locs(t, read(t, out, name))...)
	}
	if !slices.Equal(split, single) {
		t.Errorf("the parts list other URLs than the single sitemap")
	}
}

func sitemapLocs(t *testing.T, out string) []string {
	t.Helper()
	return locs(t, read(t, out, "sitemap.xml"))
}

func locs(t *testing.T, data string) []string {
	t.Helper()
	var s struct {
		XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
		URLs    []struct {
			Loc string `xml:"loc"`
		} `xml:"url"`
	}
	d := xml.NewDecoder(strings.NewReader(data))
	d.Strict = true
	if err := d.Decode(&s); err != nil {
		t.Fatalf("sitemap: %v", err)
	}
	var out []string
	for _, u := range s.URLs {
		out = append(out, u.Loc)
	}
	return out
}

// A static robots.txt or sitemap.xml replaces the generated one.
func TestStaticRobotsWins(t *testing.T) {
	src := writeSite(t, feedSite+"-- static/robots.txt --\nUser-agent: *\nDisallow: /private/\n")
	out := filepath.Join(t.TempDir(), "public")
	mustBuild(t, src, out)
	if got := read(t, out, "robots.txt"); got != "User-agent: *\nDisallow: /private/\n" {
		t.Errorf("robots.txt = %q, want the static one", got)
	}
}

// An id that is another entry's fallback id would make two entries one
// in every feed reader: the build fails naming both files.
func TestFeedIDCollision(t *testing.T) {
	src := writeSite(t, `
-- shiplog.toml --
title = "T"
-- log/2026-03-08-note.md --
---
title: No id
date: 2026-03-08
---
x
-- log/2026-03-09-copy.md --
---
id: `+fallbackID("log/2026-03-08-note.md")+`
title: Copied the proposed id of the other entry
date: 2026-03-09
---
y
`)
	rep, err := build(t, src, "")
	if err == nil {
		t.Fatal("build succeeded")
	}
	var found bool
	for _, p := range rep.Problems {
		s := p.String()
		if strings.Contains(s, "error") && strings.Contains(s, "feed id") && strings.Contains(s, "log/2026-03-08-note.md") && strings.Contains(s, "log/2026-03-09-copy.md") {
			found = true
		}
	}
	if !found {
		t.Errorf("no error naming both files; problems:\n%v", rep.Problems)
	}
	if exists(filepath.Join(src, "public"), "index.html") {
		t.Error("a failed build wrote the site")
	}
}
