package site

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Several full entries share a stream page, and every page carries the
// theme's own ids: no id may appear twice on any page, and every in-page
// link must find its target.
func TestNoDuplicateIDs(t *testing.T) {
	src := writeSite(t, `
-- shiplog.toml --
title = "Ids"
page_size = 10
-- home.md --
## Latest title

## Main
-- log/main.md --
---
id: a
title: Main
date: 2026-03-01
---
## Main

## Ticker

## Symptom

See [the fix](#fix)[^1].

## Fix

Done.

[^1]: A note.

What this reinforced: footnotes[^2] in lessons too.

[^2]: Lesson note.
-- log/ticker.md --
---
id: b
title: Ticker
date: 2026-03-02
---
## Symptom

## Related title

## Fix

Note[^1].

[^1]: Another note.

What this reinforced: every entry may have the same headings.
-- log/other.md --
---
id: c
title: Other
date: 2026-03-03
---
## Symptom

Text[^1].

[^1]: Third note.
`)
	out := filepath.Join(t.TempDir(), "public")
	mustBuild(t, src, out)
	checkIDs(t, out)
	checkLinks(t, out)
}

const evilTitle = `<img src=x onerror=alert(1)> & "quotes"`

// Untrusted text from front matter is escaped on every page that shows
// it, never turned into markup, and never escaped twice.
func TestUntrustedTextEscaped(t *testing.T) {
	src := writeSite(t, `
-- shiplog.toml --
title = "<script>alert('site')</script>"
tagline = "<b>tag</b>"
-- log/evil.md --
---
id: evil
title: '`+evilTitle+`'
summary: '<i>summary</i> & more'
date: 2026-03-01
project: '<em>Proj</em>'
tags: ['<b>x</b>', 'AT&T']
aliases: ["/old/"]
lesson: '<script>alert(2)</script> lesson'
---
Body.
`)
	out := filepath.Join(t.TempDir(), "public")
	mustBuild(t, src, out)
	seen := 0
	for _, p := range pages(t, out) {
		html := read(t, out, p)
		for _, bad := range []string{"<img src=x", "<script>alert", "<b>x</b>", "<i>summary</i>", "<em>Proj</em>", "<b>tag</b>"} {
			if strings.Contains(html, bad) {
				t.Errorf("%s: %q came out as markup", p, bad)
			}
		}
		for _, twice := range []string{"&amp;lt;", "&amp;amp;", "&amp;#34;"} {
			if strings.Contains(html, twice) {
				t.Errorf("%s: text escaped twice (%s)", p, twice)
			}
		}
		if strings.Contains(html, "&lt;img src=x onerror=alert(1)&gt; &amp; &#34;quotes&#34;") {
			seen++
		}
	}
	// home, log, entry, kind, tag ×2, project, lessons, archive, 404
	if seen < 10 {
		t.Errorf("the escaped title is on %d pages, want it on every page that lists the entry", seen)
	}
	checkLinks(t, out)
}

// With a base_url that has a path, links carry it once and absolute
// URLs (canonical, redirects) do not repeat it.
func TestBaseURLWithPath(t *testing.T) {
	src := writeSite(t, `
-- shiplog.toml --
title = "Sub"
base_url = "https://example.dev/notes/"
-- log/a.md --
---
id: a
title: A
date: 2026-03-01
aliases: ["/old-a/"]
---
Body.
`)
	out := filepath.Join(t.TempDir(), "public")
	mustBuild(t, src, out)
	entry := read(t, out, "log/a/index.html")
	if want := `<link rel="canonical" href="https://example.dev/notes/log/a/">`; !strings.Contains(entry, want) {
		t.Errorf("entry page lacks %s", want)
	}
	if strings.Contains(entry, "/notes/notes/") {
		t.Error("the base path is repeated in a URL")
	}
	if !strings.Contains(entry, `href="/notes/log/"`) {
		t.Error("site links do not carry the base path")
	}
	redirect := read(t, out, "old-a/index.html")
	if !strings.Contains(redirect, `url=https://example.dev/notes/log/a/"`) {
		t.Errorf("alias page redirects elsewhere:\n%s", redirect)
	}
}

// Relative links in a body work on every page that shows it (the entry's
// own, the log stream, the home page): a link to another entry's .md file
// leads to its page, one to an image or a static file to its copy. One
// that leads nowhere is a warning at the link.
func TestRelativeLinks(t *testing.T) {
	src := writeSite(t, `
-- shiplog.toml --
title = "Links"
-- home.md --
Start with [the first entry](log/2026/first/index.md), the [notes](static/notes.txt) or [the log](log/).
-- log/2026/first/index.md --
---
id: first
title: First
date: 2026-03-01
---
## Fix

The [plot](plot.png) and [the second entry](../../second.md#why), the
[same again](../../second.md), [the notes](../../../static/notes.txt).
-- log/2026/first/plot.png --
!png 4x4
-- log/second.md --
---
id: second
title: Second
date: 2026-03-02
---
## Why

Back to [the first](2026/first/) and [its fix](2026/first/index.md#fix),
a [draft](draft.md) and a [missing file](results.csv) and [a page](../nowhere/),
and pages by URL: [the first](../first/), [tags](../../tags/) and [home](../../).
-- log/draft.md --
---
id: draft
title: Draft
date: 2026-03-03
draft: true
---
Not yet.
-- static/notes.txt --
notes
`)
	out := filepath.Join(t.TempDir(), "public")
	rep := mustBuild(t, src, out)
	var got []string
	for _, p := range rep.Problems {
		got = append(got, p.String())
	}
	want := []string{
		`log/second.md:9:3: warning: link to "draft.md": log/draft.md is not published (is it a draft, or dated in the future?) (link to an entry's .md file, or to an image beside the entry)`,
		`log/second.md:9:27: warning: link to "results.csv": neither a file of the site (log/results.csv) nor a page (/log/second/results.csv) (link to an entry's .md file, or to an image beside the entry)`,
		`log/second.md:9:59: warning: link to "../nowhere/": neither a file of the site (nowhere) nor a page (/log/nowhere/) (link to an entry's .md file, or to an image beside the entry)`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	first := read(t, out, "log/first/index.html")
	for _, want := range []string{
		`<a href="/log/first/plot.png">plot</a>`,
		`<a href="/log/second/#why">the second entry</a>`,
		`<a href="/log/second/">same again</a>`,
		`<a href="/notes.txt">the notes</a>`,
	} {
		if !strings.Contains(first, want) {
			t.Errorf("entry page lacks %s", want)
		}
	}
	second := read(t, out, "log/second/index.html")
	for _, want := range []string{
		`<a href="/log/first/#fix">its fix</a>`,
		`<a href="/log/first/">the first</a>`,
		`<a href="/tags/">tags</a>`,
		`<a href="/">home</a>`,
	} {
		if !strings.Contains(second, want) {
			t.Errorf("second entry's page lacks %s", want)
		}
	}
	home := read(t, out, "index.html")
	for _, want := range []string{`<a href="/log/first/">the first entry</a>`, `<a href="/notes.txt">notes</a>`, `<a href="/log/">the log</a>`} {
		if !strings.Contains(home, want) {
			t.Errorf("home page lacks %s", want)
		}
	}
	// Drop the two links that are meant to be broken, then check the rest
	// on every page, the log stream included.
	addFiles(t, src, "-- log/second.md --\n---\nid: second\ntitle: Second\ndate: 2026-03-02\n---\n## Why\n\nBack to [the first](2026/first/) and [its fix](2026/first/index.md#fix).\n")
	mustBuild(t, src, out)
	checkLinks(t, out)
}

// Rows are rendered once per entry with the site's own "entry-row" when
// layouts/partials.html has one, and a row that fails is an error at its
// place in that file, as a row rendered in place would be.
func TestEntryRowOverride(t *testing.T) {
	withRow := func(row string) string {
		text, _ := partialsWith(t, "entry-row", row)
		return text
	}
	entries := `
-- shiplog.toml --
title = "Rows"
-- log/2026-03-01-a.md --
---
id: a
title: First <one>
date: 2026-03-01
tags: [go]
---
Body.
-- log/2026-03-02-b.md --
---
id: b
title: Second
date: 2026-03-02
tags: [go]
---
Body.
`
	src := writeSite(t, entries)
	addFiles(t, src, "-- layouts/partials.html --\n"+withRow(`<li class="my-row">{{.Title}}</li>`))
	out := filepath.Join(t.TempDir(), "public")
	mustBuild(t, src, out)
	page, err := os.ReadFile(filepath.Join(out, "tags", "go", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<li class="my-row">Second</li>`, `<li class="my-row">First &lt;one&gt;</li>`} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the tag page lacks %s:\n%s", want, page)
		}
	}

	src = writeSite(t, entries)
	addFiles(t, src, "-- layouts/partials.html --\n"+withRow("<li>\n{{.NoSuchField}}</li>"))
	rep, err := build(t, src, filepath.Join(t.TempDir(), "public"))
	if err == nil {
		t.Fatal("a row that fails built")
	}
	_, line := partialsWith(t, "entry-row", "")
	line++ // the row's second line
	want := regexp.MustCompile(fmt.Sprintf(`^layouts/partials\.html:%d:\d+: error: .*NoSuchField`, line))
	found := false
	for _, p := range rep.Problems {
		found = found || want.MatchString(p.String())
	}
	if !found {
		t.Errorf("problems %v; want one matching %s", rep.Problems, want)
	}
}

// The stream shows each entry as the site's own "entry-full" renders it:
// kept around the body when it shows the body once, rendered in place
// when it shows it twice or not at all.
func TestEntryFullOverride(t *testing.T) {
	entries := `
-- shiplog.toml --
title = "Full"
-- log/2026-03-01-a.md --
---
id: a
title: First <one>
date: 2026-03-01
lesson: Keep <it> short
---
The body of a.
`
	for _, c := range []struct{ full, want string }{
		{`<article class="mine">{{.Title}}|{{.Body}}|{{.Lesson}}</article>`, `<article class="mine">First &lt;one&gt;|<p>The body of a.</p>
|Keep &lt;it&gt; short</article>`},
		{`<article class="twice">{{.Body}}{{.Body}}</article>`, `<article class="twice"><p>The body of a.</p>
<p>The body of a.</p>
</article>`},
		{`<article class="none">{{.Title}}</article>`, `<article class="none">First &lt;one&gt;</article>`},
	} {
		if page := streamWith(t, entries, c.full); !strings.Contains(page, c.want) {
			t.Errorf("the stream lacks %s:\n%s", c.want, page)
		}
	}
}

// streamWith builds the log of the txtar archive entries, with "entry-full"
// replaced by full unless it is "", and returns the first page of its
// stream.
func streamWith(t *testing.T, entries, full string) string {
	t.Helper()
	src := writeSite(t, entries)
	if full != "" {
		text, _ := partialsWith(t, "entry-full", full)
		addFiles(t, src, "-- layouts/partials.html --\n"+text)
	}
	out := filepath.Join(t.TempDir(), "public")
	mustBuild(t, src, out)
	page, err := os.ReadFile(filepath.Join(out, "log", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	return string(page)
}

// A stream page shows each body once, its ids namespaced, whatever its
// templates do with it: the marks the build executes a stream page with,
// and puts the bodies in place of after, never reach the page.
func TestStreamBodies(t *testing.T) {
	entries := `
-- shiplog.toml --
title = "Stream"
-- log/2026-03-01-a.md --
---
id: a
title: First
date: 2026-03-01
---
## Why

See [why](#why).
-- log/2026-03-02-b.md --
---
id: b
title: Second
date: 2026-03-02
---
## Why

Again [why](#why).
`
	for _, c := range []struct{ name, full, want string }{
		{"default", "", `<h2 id="a--why">Why<a class="anchor" href="#a--why"`},
		{"twice", `<article>{{.Body}}{{.Body}}</article>`, `<p>See <a href="#a--why">why</a>.</p>
<h2 id="a--why">Why<a class="anchor" href="#a--why"`},
		{"in an attribute", `<article data-body="{{.Body}}">{{.Title}}</article>`, `<article data-body="`},
		{"cut", `<article>{{printf "%.12s" .Body}}</article>`, `<article>&lt;h2 id=&#34;a--w</article>`},
	} {
		t.Run(c.name, func(t *testing.T) {
			page := streamWith(t, entries, c.full)
			if strings.Contains(page, "\x00") || strings.Contains(page, "shiplog:stream") {
				t.Errorf("the stream shows a mark:\n%s", page)
			}
			if !strings.Contains(page, c.want) {
				t.Errorf("the stream lacks %s:\n%s", c.want, page)
			}
			if c.full == "" && !strings.Contains(page, `<a href="#b--why">why</a>`) {
				t.Errorf("the stream does not link to b's own heading:\n%s", page)
			}
		})
	}
}

// partialsWith returns the theme's partials.html with the body of
// {{define "name" -}} … {{- end}} replaced by body, and the line that
// define is on.
func partialsWith(t *testing.T, name, body string) (text string, line int) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "theme", "files", "partials.html"))
	if err != nil {
		t.Fatal(err)
	}
	partials := string(data)
	def := `{{define "` + name + `" -}}`
	i := strings.Index(partials, def)
	if i < 0 {
		t.Fatalf("no %s in the default partials.html", name)
	}
	j := strings.Index(partials[i:], "{{- end}}")
	if j < 0 {
		t.Fatalf("%s in the default partials.html has no {{- end}}", name)
	}
	return partials[:i] + def + body + partials[i+j:], strings.Count(partials[:i], "\n") + 1
}
