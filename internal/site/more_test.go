package site

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// home.md goes through the same checks as an entry: its problems are
// reported (and fail --strict) and its images are copied and sized.
func TestHomeMarkdown(t *testing.T) {
	src := writeSite(t, `
-- shiplog.toml --
title = "Home"
-- home.md --
Hello. <script>alert(1)</script>

![Me](me.png) ![Logo](/logo.png)
-- me.png --
!png 12x6
-- static/logo.png --
!png 3x3
`)
	out := filepath.Join(t.TempDir(), "public")
	rep := mustBuild(t, src, out)
	if len(rep.Problems) != 2 || !strings.HasPrefix(rep.Problems[0].String(), "home.md:1:8: warning: raw HTML omitted") {
		t.Errorf("problems = %v, want two raw-HTML warnings from home.md, the first at 1:8", rep.Problems)
	}
	home := read(t, out, "index.html")
	for _, want := range []string{`<img src="/me.png" alt="Me" width="12" height="6"`, `<img src="/logo.png" alt="Logo" width="3" height="3"`} {
		if !strings.Contains(home, want) {
			t.Errorf("home page lacks %s", want)
		}
	}
	if strings.Contains(home, "<script>") {
		t.Error("home.md's script came through")
	}
	checkLinks(t, out)

	before := tree(t, out)
	_, err := build(t, src, out, func(o *Options) { o.Strict = true })
	var se *StrictError
	if !errors.As(err, &se) {
		t.Errorf("strict build with home.md warnings = %v, want a StrictError", err)
	}
	sameTree(t, "output after a strict failure", before, tree(t, out))

	addFiles(t, src, "-- home.md --\n![gone](gone.png)\n")
	rep, err = build(t, src, out)
	assertFailedCleanly(t, rep, err, before, out, `^home\.md:1:1: error: image "gone\.png"`)
}

func TestStaticSymlinks(t *testing.T) {
	for _, tt := range []struct {
		name   string
		target func(src string) string // what static/link points to
		want   string                  // a problem, or "" when the build succeeds
	}{
		{"to a file inside the site", func(src string) string { return "../notes.txt" }, ""},
		{"to a file inside the site, by an absolute path", func(src string) string { return filepath.Join(src, "notes.txt") }, `^static/link:1:1: error: cannot follow the link`},
		{"to a file outside the site", func(src string) string { return filepath.Join(filepath.Dir(src), "secret.txt") }, `^static/link:1:1: error: cannot follow the link`},
		{"to a folder", func(src string) string { return "../log" }, `^static/link:1:1: error: is a link to a folder`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src := writeSite(t, goodSite+"-- notes.txt --\nnotes\n")
			addFiles(t, filepath.Dir(src), "-- secret.txt --\nsecret\n")
			if err := os.Symlink(tt.target(src), filepath.Join(src, "static", "link")); err != nil {
				t.Skip("symlinks:", err)
			}
			out := filepath.Join(t.TempDir(), "public")
			rep, err := build(t, src, out)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Build: %v", err)
				}
				if got := read(t, out, "link"); got != "notes\n" {
					t.Errorf("static/link copied as %q, want the file it points to", got)
				}
				return
			}
			assertFailedCleanly(t, rep, err, map[string]string{}, out, tt.want)
		})
	}
}

// The same input builds byte-identical output whatever the time zone and
// the number of cores.
func TestDeterministic(t *testing.T) {
	src := writeSite(t, happySite+`
-- log/2026-03-14-same-day.md --
---
id: same-day
title: Same day as the ELF one
date: 2026-03-14T23:30:00
tags: [aws, lambda, go]
project: Thumbnailer
---
## Symptom

Late at night.[^1]

[^1]: In UTC.
-- log/sub/2026-03-13-hero.md --
---
id: sub-hero
title: Same image name, other folder
date: 2026-03-13
tags: [aws]
hero:
  src: flame.png
  alt: Another flame graph
---
![Other flame](flame.png) and ![the first](../flame.png)
-- log/sub/flame.png --
!png 5x5
`)
	a := filepath.Join(t.TempDir(), "a")
	mustBuild(t, src, a)

	t.Setenv("TZ", "America/Los_Angeles")
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Skip(err)
	}
	local := time.Local
	time.Local = la // TZ is read once at start; set what it would have set
	t.Cleanup(func() { time.Local = local })
	procs := runtime.GOMAXPROCS(0)
	runtime.GOMAXPROCS(max(1, 5-procs)) // differ from now: 1 ⇄ 4 or more
	t.Cleanup(func() { runtime.GOMAXPROCS(procs) })

	b := filepath.Join(t.TempDir(), "b")
	mustBuild(t, src, b)
	sameTree(t, "two builds of one site", tree(t, a), tree(t, b))
	if got := read(t, b, "log/lambda-elf/index.html"); !strings.Contains(got, `datetime="2026-03-14"`) {
		t.Error("the entry's date moved with the machine's time zone")
	}
}

func TestRunJobRecovers(t *testing.T) {
	_, err := runJob(job{out: "x.html", run: func() ([]byte, error) { panic("boom") }})
	if err == nil || !strings.Contains(err.Error(), "boom") || !strings.Contains(err.Error(), "please report") {
		t.Errorf("runJob with a panic = %v, want an error naming it", err)
	}
}
