package site

import (
	"path/filepath"
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
