package site

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

const happySite = `
-- shiplog.toml --
title = "Mara's log"
author = "Mara"
page_size = 2
-- home.md --
I write down what **broke**.
-- log/2026-03-14-lambda-elf.md --
---
id: e1
title: Lambda dies with invalid ELF header
date: 2026-03-14
kind: broke
project: Thumbnailer
tags: [aws, lambda]
aliases: ["/2026/03/lambda-elf/", "/old-elf.html"]
hero:
  src: cold-start.png
  alt: Cold start timeline
  caption: Three seconds of nothing
---
## Symptom

The function failed at init.

![Flame graph](flame.png "Where the time went")

` + "```error\nRuntime.InvalidEntrypoint: exec format error\n```" + `

What this reinforced: build for the target architecture.
-- log/cold-start.png --
!png 40x30
-- log/flame.png --
!png 16x8
-- log/2026/03/cache/index.md --
---
id: e2
title: Cache stampede after deploy
date: 2026-03-12
kind: broke
project: Storefront
tags: [redis]
---
## Symptom

Every pod missed the cache at once. See [the ELF entry](/log/lambda-elf/).

![Hit rate](hit-rate.png)

What this reinforced: jitter the expiry.
-- log/2026/03/cache/hit-rate.png --
!png 20x10
-- log/2026-03-10-queue.md --
---
id: e3
title: Moved the queue to SQS
date: 2026-03-10
kind: decision
project: Thumbnailer
tags: [aws]
---
We chose SQS.
-- log/2026-03-08-note.md --
---
id: e4
title: A quick note
date: 2026-03-08
kind: note
---
Short.
-- log/2026-03-15-draft.md --
---
id: e5
title: Half-written draft
date: 2026-03-15
draft: true
---
Not yet.
-- log/2026-04-01-future.md --
---
id: e6
title: Scheduled for April
date: 2026-04-01
---
Later.
-- static/robots.txt --
User-agent: *
-- static/favicon.svg --
<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16"></svg>
-- static/img/logo.txt --
not really an image
-- static/.env --
SECRET=1
-- static/.well-known/hidden.txt --
hidden
`

func TestBuildHappy(t *testing.T) {
	src := writeSite(t, happySite)
	out := filepath.Join(t.TempDir(), "public")
	rep := mustBuild(t, src, out)
	if rep.Entries != 4 || rep.Drafts != 1 || rep.Future != 1 {
		t.Errorf("report: %d entries, %d drafts, %d future; want 4, 1, 1", rep.Entries, rep.Drafts, rep.Future)
	}
	for _, p := range rep.Problems {
		t.Errorf("unexpected problem: %s", p)
	}

	for _, rel := range []string{
		"index.html",
		"log/index.html",
		"log/page/2/index.html",
		"log/lambda-elf/index.html",
		"log/cache/index.html",
		"log/queue/index.html",
		"log/note/index.html",
		"log/kind/broke/index.html",
		"log/kind/decision/index.html",
		"log/kind/note/index.html",
		"tags/index.html",
		"tags/aws/index.html",
		"tags/lambda/index.html",
		"tags/redis/index.html",
		"projects/index.html",
		"projects/thumbnailer/index.html",
		"projects/storefront/index.html",
		"lessons/index.html",
		"archive/index.html",
		"404.html",
		"robots.txt",
		"favicon.svg",
		"img/logo.txt",
		"log/lambda-elf/cold-start.png",
		"log/lambda-elf/flame.png",
		"log/cache/hit-rate.png",
		"2026/03/lambda-elf/index.html",
		"old-elf.html",
		"_redirects",
		".shiplog-output",
	} {
		if !exists(out, rel) {
			t.Errorf("%s is missing", rel)
		}
	}
	for _, rel := range []string{
		".env",
		".well-known/hidden.txt",
		"log/page/3/index.html",
		"log/kind/built/index.html",
		"log/draft/index.html",
		"log/future/index.html",
	} {
		if exists(out, rel) {
			t.Errorf("%s should not be in the output", rel)
		}
	}

	// The stylesheet's name carries a hash of its content, and pages use it.
	css, _ := filepath.Glob(filepath.Join(out, "assets", "style.*.css"))
	if len(css) != 1 || !regexp.MustCompile(`^style\.[0-9a-f]{10}\.css$`).MatchString(filepath.Base(css[0])) {
		t.Fatalf("stylesheet: %v, want one assets/style.HASH.css", css)
	}
	home := read(t, out, "index.html")
	if !strings.Contains(home, `href="/assets/`+filepath.Base(css[0])+`"`) {
		t.Error("home page does not link the hashed stylesheet")
	}
	if !strings.Contains(home, "<strong>broke</strong>") {
		t.Error("home page lacks home.md")
	}
	if !strings.Contains(home, `<link rel="icon" href="/favicon.svg"`) {
		t.Error("home page does not link static/favicon.svg")
	}

	// Images are copied beside the entry and sized.
	entry := read(t, out, "log/lambda-elf/index.html")
	for _, want := range []string{
		`<img src="/log/lambda-elf/cold-start.png" alt="Cold start timeline" width="40" height="30"`,
		`<figcaption>Three seconds of nothing</figcaption>`,
		`<img src="/log/lambda-elf/flame.png" alt="Flame graph" width="16" height="8"`,
		`<figcaption>Where the time went</figcaption>`,
		`class="code code-error"`,
		`build for the target architecture.`,
	} {
		if !strings.Contains(entry, want) {
			t.Errorf("entry page lacks %s", want)
		}
	}
	if strings.Contains(entry, "What this reinforced: build") {
		t.Error("the lesson paragraph was left in the body")
	}
	if !strings.Contains(read(t, out, "log/cache/index.html"), `<img src="/log/cache/hit-rate.png" alt="Hit rate" width="20" height="10"`) {
		t.Error("an image beside an index.md entry is not copied or sized")
	}

	// Pagination: page_size = 2 over four entries, newest first.
	log1, log2 := read(t, out, "log/index.html"), read(t, out, "log/page/2/index.html")
	if !strings.Contains(log1, "Lambda dies") || !strings.Contains(log1, "Cache stampede") || strings.Contains(log1, "Moved the queue") {
		t.Error("log page 1 should hold the two newest entries")
	}
	if !strings.Contains(log2, "Moved the queue") || !strings.Contains(log2, "A quick note") {
		t.Error("log page 2 should hold the two oldest entries")
	}
	if !strings.Contains(log1, `href="/log/page/2/"`) || !strings.Contains(log2, `href="/log/"`) {
		t.Error("log pages do not link each other")
	}

	// Terms, lessons, archive.
	if tp := read(t, out, "tags/aws/index.html"); !strings.Contains(tp, "Lambda dies") || !strings.Contains(tp, "Moved the queue") || strings.Contains(tp, "Cache stampede") {
		t.Error("tags/aws lists the wrong entries")
	}
	lessons := read(t, out, "lessons/index.html")
	if !strings.Contains(lessons, "build for the target architecture.") || !strings.Contains(lessons, "jitter the expiry.") {
		t.Error("lessons page lacks a lesson")
	}
	if !strings.Contains(read(t, out, "archive/index.html"), "March") {
		t.Error("archive lacks March")
	}

	// Aliases: a redirect page and a _redirects line each.
	redirect := read(t, out, "2026/03/lambda-elf/index.html")
	if !strings.Contains(redirect, `<meta http-equiv="refresh" content="0; url=/log/lambda-elf/">`) || !strings.Contains(redirect, `rel="canonical" href="/log/lambda-elf/"`) {
		t.Errorf("alias page does not redirect to the entry:\n%s", redirect)
	}
	redirects := read(t, out, "_redirects")
	for _, want := range []string{"/2026/03/lambda-elf/ /log/lambda-elf/ 301\n", "/old-elf.html /log/lambda-elf/ 301\n"} {
		if !strings.Contains(redirects, want) {
			t.Errorf("_redirects lacks %q:\n%s", want, redirects)
		}
	}

	// Drafts and future entries appear nowhere.
	for _, p := range pages(t, out) {
		html := read(t, out, p)
		if strings.Contains(html, "Half-written draft") || strings.Contains(html, "Scheduled for April") {
			t.Errorf("%s mentions a draft or future entry", p)
		}
	}
	if strings.Contains(redirects, "draft") {
		t.Error("_redirects mentions a draft")
	}

	checkLinks(t, out)
	checkIDs(t, out)
	noStaging(t, out)
}

func TestBuildDrafts(t *testing.T) {
	src := writeSite(t, happySite)
	out := filepath.Join(t.TempDir(), "public")
	rep := mustBuild(t, src, out, func(o *Options) { o.Drafts = true })
	if rep.Entries != 5 || rep.Drafts != 0 {
		t.Errorf("report: %d entries, %d drafts; want 5, 0", rep.Entries, rep.Drafts)
	}
	if !exists(out, "log/draft/index.html") {
		t.Error("with Drafts, the draft's page is missing")
	}
	if exists(out, "log/future/index.html") {
		t.Error("with Drafts, a future entry still must not appear")
	}
	checkLinks(t, out)
}

// A zero Now leaves nothing out for its date (the --future flag).
func TestBuildZeroNowKeepsFuture(t *testing.T) {
	src := writeSite(t, happySite)
	out := filepath.Join(t.TempDir(), "public")
	rep := mustBuild(t, src, out, func(o *Options) { o.Now = time.Time{} })
	if rep.Future != 0 || !exists(out, "log/future/index.html") {
		t.Errorf("with a zero Now, the April entry is left out (Future = %d)", rep.Future)
	}
}

// An empty log builds: every page is there and says so.
func TestBuildEmpty(t *testing.T) {
	src := writeSite(t, "-- shiplog.toml --\ntitle = \"Empty\"\n")
	out := filepath.Join(src, "public")
	mustBuild(t, src, "")
	for _, rel := range []string{"index.html", "log/index.html", "tags/index.html", "projects/index.html", "lessons/index.html", "archive/index.html", "404.html"} {
		if !exists(out, rel) {
			t.Errorf("%s is missing", rel)
		}
	}
	checkLinks(t, out)
	checkIDs(t, out)
}

// The limits in shiplog.toml reach the loader: a Markdown file over
// limits.markdown_mib is an error naming the limit.
func TestBuildConfiguredLimits(t *testing.T) {
	src := writeSite(t, "-- shiplog.toml --\ntitle = \"L\"\n[limits]\nmarkdown_mib = 1\n-- log/2026-01-01-big.md --\n---\nid: x\ntitle: Big\ndate: 2026-01-01\n---\n")
	big := filepath.Join(src, "log", "2026-01-01-big.md")
	f, err := os.OpenFile(big, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(bytes.Repeat([]byte("word "), (1<<20)/5+10))
	f.Close()
	rep, err := Build(context.Background(), Options{Src: src, Out: filepath.Join(t.TempDir(), "public"), Now: now})
	if err == nil {
		t.Fatal("Build of a 1 MiB+ entry with markdown_mib = 1 succeeded, want an error")
	}
	if got := fmt.Sprint(rep.Problems); !strings.Contains(got, "log/2026-01-01-big.md") || !strings.Contains(got, "1 MiB") {
		t.Errorf("problems = %s, want the file and the 1 MiB limit named", got)
	}
}
