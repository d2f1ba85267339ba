package site

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/shiplog/shiplog/internal/diag"
)

// goodSite builds cleanly; each failure case adds files to it.
const goodSite = `
-- shiplog.toml --
title = "Good"
-- log/a.md --
---
id: a
title: A
date: 2026-03-01
---
Fine ![a chart](chart.png).
-- log/chart.png --
!png 8x8
-- static/robots.txt --
User-agent: *
`

// problemRe is a problem as the contract prints it.
var problemRe = regexp.MustCompile(`^[^:\s]+:\d+:\d+: error: `)

// assertFailedCleanly checks what every failed build promises: an error
// whose problems name PATH:LINE:COL, the previous output byte-for-byte
// as it was, and no staging folder left beside it.
func assertFailedCleanly(t *testing.T, rep *Report, err error, before map[string]string, out string, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatal("Build succeeded, want an error")
	}
	var problems []string
	if rep != nil {
		for _, p := range rep.Problems {
			problems = append(problems, p.String())
		}
	}
	var list *diag.ListError
	if !errors.As(err, &list) {
		t.Errorf("Build error %q is not a list of problems with places", err)
	}
	all := strings.Join(problems, "\n")
	for _, w := range want {
		re := regexp.MustCompile(w)
		found := false
		for _, p := range problems {
			if re.MatchString(p) && problemRe.MatchString(p) {
				found = true
			}
		}
		if !found {
			t.Errorf("no problem matches %q; problems:\n%s\nerror: %v", w, all, err)
		}
	}
	sameTree(t, "previous output after a failed build", before, tree(t, out))
	noStaging(t, out)
}

func TestBuildFailures(t *testing.T) {
	for _, tt := range []struct {
		name  string
		files string
		setup func(t *testing.T, src string)
		want  []string // regexps, each matching one problem
	}{
		{
			name: "bad date",
			files: `
-- log/bad.md --
---
id: bad
title: Bad
date: 14/03/2026
---
Body.
`,
			want: []string{`^log/bad\.md:4:7: error: date: cannot parse "14/03/2026"`},
		},
		{
			name: "unclosed front matter",
			files: `
-- log/open.md --
---
id: open
title: Open
Body.
`,
			want: []string{`^log/open\.md:1:1: error: .*never closed`},
		},
		{
			name: "missing image",
			files: `
-- log/b.md --
---
id: b
title: B
date: 2026-03-02
---
Text first.

See ![the graph](nope.png) here.
`,
			want: []string{`^log/b\.md:8:5: error: image "nope\.png": .*does not exist`},
		},
		{
			name:  "hero leaves the site",
			setup: secretOutside,
			files: `
-- log/h.md --
---
id: h
title: H
date: 2026-03-02
hero:
  src: ../../secret.png
  alt: x
---
Body.
`,
			want: []string{`^log/h\.md:6:8: error: hero: .*leaves the site`},
		},
		{
			name:  "image leaves the site",
			setup: secretOutside,
			files: `
-- log/i.md --
---
id: i
title: I
date: 2026-03-02
---
![secret](../../secret.png)
`,
			want: []string{`^log/i\.md:6:1: error: image "\.\./\.\./secret\.png": .*leaves the site`},
		},
		{
			name: "symlinked image points outside",
			setup: func(t *testing.T, src string) {
				secretOutside(t, src)
				if err := os.Symlink(filepath.Join(filepath.Dir(src), "secret.png"), filepath.Join(src, "log", "link.png")); err != nil {
					t.Skip("symlinks:", err)
				}
			},
			files: `
-- log/s.md --
---
id: s
title: S
date: 2026-03-02
---
![linked](link.png)
`,
			want: []string{`^log/s\.md:6:1: error: image "link\.png": .*outside the site`},
		},
		{
			name: "name differs in case",
			files: `
-- log/Diagram.PNG --
!png 4x4
-- log/c.md --
---
id: c
title: C
date: 2026-03-02
---
![diagram](diagram.png)
`,
			want: []string{`^log/c\.md:6:1: error: image "diagram\.png": .*log/Diagram\.PNG`},
		},
		{
			name: "header claims 60000x60000",
			files: `
-- log/huge.png --
!pngheader 60000x60000
-- log/d.md --
---
id: d
title: D
date: 2026-03-02
---
![huge](huge.png)
`,
			want: []string{`^log/d\.md:6:1: error: image "huge\.png": .*60000×60000.*50 megapixel limit`},
		},
		{
			name: "hero header claims 60000x60000",
			files: `
-- log/huge.png --
!pngheader 60000x60000
-- log/d.md --
---
id: d
title: D
date: 2026-03-02
hero:
  src: huge.png
  alt: huge
---
Body.
`,
			want: []string{`^log/d\.md:6:8: error: hero: .*50 megapixel limit`},
		},
		{
			name: "png that is a jpeg",
			files: `
-- log/photo.png --
!jpeg 4x4
-- log/e.md --
---
id: e
title: E
date: 2026-03-02
---
![photo](photo.png)
`,
			want: []string{`^log/e\.md:6:1: error: image "photo\.png": .*JPEG`},
		},
		{
			name: "svg with script",
			files: `
-- log/x.svg --
<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>
-- log/f.md --
---
id: f
title: F
date: 2026-03-02
---
![x](x.svg)
`,
			want: []string{`^log/f\.md:6:1: error: image "x\.svg": .*script`},
		},
		{
			name: "svg with onload",
			files: `
-- log/x.svg --
<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="alert(1)"></svg>
-- log/f.md --
---
id: f
title: F
date: 2026-03-02
hero:
  src: x.svg
  alt: x
---
Body.
`,
			want: []string{`^log/f\.md:6:8: error: hero: .*onload`},
		},
		{
			name: "svg animating a link to javascript",
			files: `
-- log/x.svg --
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10"><a><set attributeName="href" to="javascript:alert(1)"/><text>x</text></a></svg>
-- log/f.md --
---
id: f
title: F
date: 2026-03-02
---
![x](x.svg)
`,
			want: []string{`^log/f\.md:6:1: error: image "x\.svg": .*script`},
		},
		{
			name: "svg hiding javascript in an entity",
			files: `
-- log/x.svg --
<!DOCTYPE svg [<!ENTITY js "javascript:">]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10"><a xlink:href="&js;alert(1)"><text>x</text></a></svg>
-- log/f.md --
---
id: f
title: F
date: 2026-03-02
---
![x](x.svg)
`,
			want: []string{`^log/f\.md:6:1: error: image "x\.svg": `},
		},
		{
			name: "a site file that is not an image",
			files: `
-- log/g.md --
---
id: g
title: G
date: 2026-03-02
---
![config](../shiplog.toml)
`,
			want: []string{`^log/g\.md:6:1: error: image "\.\./shiplog\.toml": .*not an image`},
		},
		{
			name: "template does not parse",
			files: `
-- layouts/entry.html --
{{define "main"}}
<p>
{{.Entry.Title</p>
{{end}}
`,
			want: []string{`^layouts/entry\.html:3:\d+: error: `},
		},
		{
			name: "template fails when run",
			files: `
-- layouts/terms.html --
{{define "main"}}
<p>{{.NoSuchField}}</p>
{{end}}
`,
			want: []string{`^layouts/terms\.html:2:\d+: error: .*NoSuchField`},
		},
		{
			name: "two entries, one URL",
			files: `
-- log/2026-03-02-a.md --
---
id: a2
title: Another A
date: 2026-03-02
---
Body.
`,
			want: []string{`^log/.*a\.md:\d+:\d+: error: URL /log/a/ is also written by log/`},
		},
		{
			name: "a static file where a page goes",
			files: `
-- static/log/a/index.html --
<p>static</p>
`,
			want: []string{`^static/log/a/index\.html:\d+:\d+: error: .*log/a/index\.html is written by both`},
		},
		{
			name: "an alias where a static file goes",
			files: `
-- static/old/index.html --
<p>static</p>
-- log/b.md --
---
id: b
title: B
date: 2026-03-02
aliases: ["/old/"]
---
Body.
`,
			want: []string{`^static/old/index\.html:\d+:\d+: error: old/index\.html is written by both the alias /old/ of log/b\.md and static/old/index\.html`},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src := writeSite(t, goodSite)
			out := filepath.Join(t.TempDir(), "public")
			mustBuild(t, src, out)
			before := tree(t, out)
			if tt.setup != nil {
				tt.setup(t, src)
			}
			addFiles(t, src, tt.files)
			rep, err := build(t, src, out)
			assertFailedCleanly(t, rep, err, before, out, tt.want...)
		})
	}
}

// secretOutside puts secret.png beside the site's folder, outside it.
func secretOutside(t *testing.T, src string) {
	t.Helper()
	addFiles(t, filepath.Dir(src), "-- secret.png --\n!png 2x2\n")
}

// All problems of a run are reported together, not only the first.
func TestBuildReportsEveryProblem(t *testing.T) {
	src := writeSite(t, goodSite+`
-- log/b.md --
---
id: b
title: B
date: 2026-03-02
---
![one](missing-1.png)

![two](missing-2.png)
-- log/c.md --
---
id: c
title: C
date: 2026-03-03
hero:
  src: missing-3.png
  alt: three
---
Body.
`)
	out := filepath.Join(t.TempDir(), "public")
	rep, err := build(t, src, out)
	assertFailedCleanly(t, rep, err, map[string]string{}, out,
		`^log/b\.md:6:1: error: image "missing-1\.png"`,
		`^log/b\.md:8:1: error: image "missing-2\.png"`,
		`^log/c\.md:6:8: error: hero: `)
	if exists(out, "") {
		t.Error("a failed first build created the output folder")
	}
}

func TestStrictFailsOnWarnings(t *testing.T) {
	src := writeSite(t, goodSite)
	out := filepath.Join(t.TempDir(), "public")
	mustBuild(t, src, out)
	before := tree(t, out)
	addFiles(t, src, `
-- log/w.md --
---
id: w
title: W
date: 2026-03-02
---
![](chart.png)
`)
	// Without --strict the warning is reported and the build succeeds.
	other := filepath.Join(t.TempDir(), "public")
	rep := mustBuild(t, src, other)
	if rep.Warnings() != 1 || !strings.HasPrefix(rep.Problems[0].String(), "log/w.md:6:1: warning: image") {
		t.Errorf("problems = %v, want one warning at log/w.md:6:1", rep.Problems)
	}
	rep, err := build(t, src, out, func(o *Options) { o.Strict = true })
	var se *StrictError
	if !errors.As(err, &se) || se.Warnings != 1 {
		t.Errorf("strict build: %v, want a StrictError for 1 warning", err)
	}
	if rep == nil || rep.Warnings() != 1 {
		t.Error("strict build does not report its warning")
	}
	sameTree(t, "output after a strict failure", before, tree(t, out))
	noStaging(t, out)
}

func TestRefusedOutputs(t *testing.T) {
	for _, tt := range []struct {
		name string
		out  func(src string) string
	}{
		{"the site itself", func(src string) string { return src }},
		{"the site itself, spelled differently", func(src string) string { return src + "/./log/.." }},
		{"a folder holding the site", func(src string) string { return filepath.Dir(src) }},
		{"inside log/", func(src string) string { return filepath.Join(src, "log", "out") }},
		{"inside static/", func(src string) string { return filepath.Join(src, "static") }},
		{"a non-empty folder shiplog did not make", func(src string) string {
			dir := filepath.Join(filepath.Dir(src), "mine")
			addFiles(t, dir, "-- notes.txt --\nkeep me\n")
			return dir
		}},
		{"a file", func(src string) string {
			addFiles(t, filepath.Dir(src), "-- file.txt --\nkeep me\n")
			return filepath.Join(filepath.Dir(src), "file.txt")
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src := writeSite(t, goodSite)
			out := tt.out(src)
			parent := filepath.Dir(src)
			before := tree(t, parent)
			_, err := build(t, src, out)
			if err == nil {
				t.Fatalf("Build into %s succeeded, want it refused", out)
			}
			sameTree(t, "folder around the site after a refused build", before, tree(t, parent))
		})
	}
}

// A build cancelled half-way leaves the previous output as it was.
func TestBuildCancelled(t *testing.T) {
	src := writeSite(t, goodSite)
	out := filepath.Join(t.TempDir(), "public")
	mustBuild(t, src, out)
	before := tree(t, out)
	addFiles(t, src, "-- log/new.md --\n---\nid: new\ntitle: New\ndate: 2026-03-05\n---\nNew.\n")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Build(ctx, Options{Src: src, Out: out, Now: now})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Build with a cancelled context = %v, want context.Canceled", err)
	}
	sameTree(t, "output after a cancelled build", before, tree(t, out))
	noStaging(t, out)
}

// A successful rebuild replaces the output whole: files of entries that
// are gone go too, and nothing is left beside it.
func TestRebuildReplaces(t *testing.T) {
	src := writeSite(t, goodSite+"-- log/b.md --\n---\nid: b\ntitle: B\ndate: 2026-03-02\n---\nB.\n")
	out := filepath.Join(t.TempDir(), "public")
	mustBuild(t, src, out)
	if !exists(out, "log/b/index.html") {
		t.Fatal("log/b missing after the first build")
	}
	if err := os.Remove(filepath.Join(src, "log", "b.md")); err != nil {
		t.Fatal(err)
	}
	mustBuild(t, src, out)
	if exists(out, "log/b/index.html") {
		t.Error("a removed entry's page survived the rebuild")
	}
	noStaging(t, out)
}
