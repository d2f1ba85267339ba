package site

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shiplog/shiplog/internal/errmem"
)

const memorySite = `
-- shiplog.toml --
title = "Memory"
base_url = "https://log.example.dev/"
-- log/2026-03-14-elf.md --
---
id: elf
title: "Lambda dies with invalid ELF header"
date: 2026-03-14
kind: broke
project: thumbnailer
errors:
  - "invalid ELF header"
---
## Symptom

` + "```error" + `
Error: /var/task/node_modules/sharp/build/Release/sharp-linux-x64.node: invalid ELF header
    at Module._extensions..node (node:internal/modules/cjs/loader:1460:18)
` + "```" + `

## The fix

Build on Linux.

What this reinforced: build native dependencies on the platform that runs them.
-- log/2025-01-10-elf-again.md --
---
id: elf-again
title: "ELF header, again"
date: 2025-01-10
kind: broke
---
` + "```log" + `
12:00:01 INFO starting
12:00:02 ERROR /opt/nodejs/node_modules/sharp/build/Release/sharp-linux-x64.node: invalid ELF header
` + "```" + `

What this reinforced: Build native dependencies on the platform that runs them!
-- log/2025-06-01-db.md --
---
id: db
title: "MySQL refuses connections"
date: 2025-06-01
kind: broke
errors: ["connect ECONNREFUSED 127.0.0.1:3306"]
---
Text with <code>.

What this reinforced: every network call needs a timeout.
-- log/2026-05-01-draft.md --
---
id: draft
title: "A draft"
date: 2026-05-01
draft: true
errors: ["draft error: nobody sees this"]
---
Draft.
`

func TestErrorMemory(t *testing.T) {
	src := writeSite(t, memorySite)
	out := filepath.Join(t.TempDir(), "public")
	mustBuild(t, src, out)

	data, err := os.ReadFile(filepath.Join(out, memoryFile))
	if err != nil {
		t.Fatal(err)
	}
	mem, err := errmem.Read(data)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range mem.Entries {
		for _, m := range e.Messages {
			got = append(got, e.Path+": "+m.Signature)
		}
	}
	want := []string{
		"log/2026-03-14-elf.md: invalid elf header",
		"log/2026-03-14-elf.md: <path>: invalid elf header",
		"log/2025-06-01-db.md: connect econnrefused <ip>",
		"log/2025-01-10-elf-again.md: <path>: invalid elf header",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("memory:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if strings.Contains(string(data), "draft") {
		t.Error("the memory holds a draft")
	}

	page := read(t, out, "errors/index.html")
	for _, want := range []string{
		"<code>Error: /var/task/node_modules/sharp/build/Release/sharp-linux-x64.node: invalid ELF header</code>",
		"met 2 times",
		`href="/log/elf/#the-fix"`,
		"<code>12:00:02 ERROR /opt/nodejs/node_modules/sharp/build/Release/sharp-linux-x64.node: invalid ELF header</code>",
		`id="e-` + errmem.ID("<path>: invalid elf header") + `"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("errors page lacks %s", want)
		}
	}
	if strings.Contains(page, "nobody sees this") {
		t.Error("the errors page shows a draft's error")
	}
	checkLinks(t, out)
}

// LoadMemory reads the build's memory and, again, only the entries
// changed since.
func TestLoadMemory(t *testing.T) {
	src := writeSite(t, memorySite)
	out := filepath.Join(src, "public")
	mustBuild(t, src, out)
	ctx := context.Background()

	m, err := LoadMemory(ctx, src, "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if m.Built.IsZero() || m.Reread != 0 || len(m.Entries) != 3 {
		t.Fatalf("LoadMemory: built %v, reread %d, %d entries; want the build's 3 entries, none read again", m.Built, m.Reread, len(m.Entries))
	}
	if got := m.Find([]string{"ECONNREFUSED 10.0.0.7:5432"}, 0); len(got) != 1 || got[0].Entry.Title != "MySQL refuses connections" {
		t.Errorf("Find = %v", got)
	}

	// An edit after the build is read again; a deleted entry is gone.
	later := m.Built.Add(2 * time.Second)
	p := filepath.Join(src, "log", "2025-06-01-db.md")
	edited := strings.Replace(readFile(t, p), "connect ECONNREFUSED 127.0.0.1:3306", "ETIMEDOUT while dialing redis", 1)
	if err := os.WriteFile(p, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(p, later, later)
	if err := os.Remove(filepath.Join(src, "log", "2025-01-10-elf-again.md")); err != nil {
		t.Fatal(err)
	}
	// A draft that changed is read, and left out again.
	d := filepath.Join(src, "log", "2026-05-01-draft.md")
	os.Chtimes(d, later, later)

	m, err = LoadMemory(ctx, src, "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if m.Reread != 2 || len(m.Entries) != 2 {
		t.Fatalf("after edits: reread %d, %d entries; want 2, 2", m.Reread, len(m.Entries))
	}
	if got := m.Find([]string{"ECONNREFUSED 10.0.0.7:5432"}, 0); len(got) != 0 {
		t.Errorf("the old error of an edited entry is still found: %v", got)
	}
	if got := m.Find([]string{"dial redis: ETIMEDOUT"}, 0); len(got) != 1 {
		t.Errorf("the new error of an edited entry is not found: %v", got)
	}

	// An entry rewritten in place in a folder that did not change is not
	// read again up front, but Find looks again at what it would report.
	mustBuild(t, src, out)
	m, err = LoadMemory(ctx, src, "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	built := m.Built
	p = filepath.Join(src, "log", "2026-03-14-elf.md")
	if err := os.WriteFile(p, []byte(strings.ReplaceAll(readFile(t, p), "invalid ELF header", "wrong ELF class: ELFCLASS32")), 0o644); err != nil {
		t.Fatal(err)
	}
	later = built.Add(2 * time.Second)
	os.Chtimes(p, later, later)
	before := built.Add(-time.Hour)
	os.Chtimes(filepath.Join(src, "log"), before, before)
	m, err = LoadMemory(ctx, src, "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if m.Reread != 0 {
		t.Errorf("an in-place edit in an unchanged folder: reread %d up front, want 0", m.Reread)
	}
	if got := m.Find([]string{"/opt/x/sharp.node: invalid ELF header"}, 0); len(got) != 0 {
		t.Errorf("Find reports an entry on its old words: %v", got)
	}
	if m.Reread != 1 {
		t.Errorf("Find read again %d entries, want the 1 it was about to report", m.Reread)
	}

	// Without a build, every entry is read.
	os.RemoveAll(out)
	m, err = LoadMemory(ctx, src, "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if !m.Built.IsZero() || m.Reread != 3 || len(m.Entries) != 2 {
		t.Errorf("without a build: built %v, reread %d, %d entries; want zero, 3, 2", m.Built, m.Reread, len(m.Entries))
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSearchIndexWritten(t *testing.T) {
	src := writeSite(t, memorySite)
	out := filepath.Join(t.TempDir(), "public")
	mustBuild(t, src, out)
	var m struct {
		V      int      `json:"v"`
		N      int      `json:"n"`
		First  []string `json:"first"`
		Shards []string `json:"shards"`
	}
	if err := json.Unmarshal([]byte(read(t, out, "search/index.json")), &m); err != nil {
		t.Fatal(err)
	}
	if m.V != 1 || m.N != 3 || len(m.Shards) == 0 || len(m.First) != len(m.Shards) {
		t.Fatalf("manifest = %+v", m)
	}
	for _, s := range m.Shards {
		if !exists(out, "search/"+s) {
			t.Errorf("shard %s is missing", s)
		}
	}
	// Oldest first: document 0 is the oldest entry.
	var d struct {
		U, T, D string
		X       string `json:"x"`
	}
	if err := json.Unmarshal([]byte(read(t, out, "search/d/0/0.json")), &d); err != nil {
		t.Fatal(err)
	}
	if d.U != "/log/elf-again/" || !strings.Contains(d.X, "invalid ELF header") {
		t.Errorf("document 0 = %+v, want the oldest entry with its text", d)
	}
	for _, p := range []string{"index.html", "log/elf/index.html", "search/index.html"} {
		html := read(t, out, p)
		if !strings.Contains(html, `<script src="/assets/search.`) {
			t.Errorf("%s does not load search.js", p)
		}
	}
	if strings.Contains(read(t, out, "search/index.html"), `id="search-q"`) {
		t.Error("the search page has the header's box too")
	}
	if !strings.Contains(read(t, out, "index.html"), `id="search-q"`) {
		t.Error("the home page has no search box")
	}
	if !strings.Contains(read(t, out, "sitemap.xml"), "/errors/") {
		t.Error("the sitemap does not list the errors page")
	}
}

func TestLessonsGrouped(t *testing.T) {
	src := writeSite(t, memorySite)
	out := filepath.Join(t.TempDir(), "public")
	mustBuild(t, src, out)
	page := read(t, out, "lessons/index.html")
	if n := strings.Count(page, `class="lesson-item"`); n != 2 {
		t.Errorf("lessons page lists %d lessons, want 2 (one learned twice)", n)
	}
	for _, want := range []string{"Learned 2 times", "Learned more than once", `href="#lesson-elf"`, `href="/log/elf-again/"`} {
		if !strings.Contains(page, want) {
			t.Errorf("lessons page lacks %s", want)
		}
	}
}

func TestScanBody(t *testing.T) {
	html := `<h2 id="symptom">Symptom<a class="anchor" href="#symptom" aria-hidden="true" tabindex="-1">#</a></h2>
<div class="code code-error" data-lang="log"><pre tabindex="0" class="chroma"><code>a &amp; b: connection refused
</code></pre></div>
<p>Text with <code>foo_bar</code>&lt;tag&gt;<!-- a > comment --></p>
<script>var hidden = 1;</script>
<h3 id="how-i-fixed-it">How I <em>fixed</em> it</h3><p>Done.</p>`
	s := scanBody(html)
	if len(s.Errors) != 1 || s.Errors[0].Lang != "log" || s.Errors[0].Text != "a & b: connection refused\n" {
		t.Errorf("errors = %+v", s.Errors)
	}
	if s.Fix != "how-i-fixed-it" {
		t.Errorf("fix = %q, want how-i-fixed-it", s.Fix)
	}
	for _, want := range []string{"Symptom", "a & b: connection refused", "Text with foo_bar<tag>", "Done."} {
		if !strings.Contains(s.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, s.Text)
		}
	}
	if strings.Contains(s.Text, "hidden") || strings.Contains(s.Text, "comment") {
		t.Errorf("text has a script or a comment:\n%s", s.Text)
	}
}

// [markdown] error_langs chooses the blocks the memory reads.
func TestErrorLangsConfigured(t *testing.T) {
	src := writeSite(t, `
-- shiplog.toml --
title = "Langs"
[markdown]
error_langs = ["traceback"]
-- log/2026-03-14-py.md --
---
id: py
title: "Python"
date: 2026-03-14
---
`+"```traceback"+`
ValueError: invalid literal for int() with base 10: 'x'
`+"```"+`

`+"```error"+`
this block is not an error block here: it failed
`+"```"+`
`)
	out := filepath.Join(t.TempDir(), "public")
	mustBuild(t, src, out)
	mem := read(t, out, memoryFile)
	if !strings.Contains(mem, "ValueError: invalid literal") || strings.Contains(mem, "not an error block") {
		t.Errorf("memory with error_langs = [traceback]:\n%s", mem)
	}
	m, err := LoadMemory(context.Background(), src, out, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(out, memoryFile))
	m2, err := LoadMemory(context.Background(), src, out, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Entries) != 1 || len(m2.Entries) != 1 || !slices.EqualFunc(m.Entries[0].Messages, m2.Entries[0].Messages, func(a, b errmem.Message) bool { return a == b }) {
		t.Errorf("the build and seen read the entry differently: %+v, %+v", m.Entries, m2.Entries)
	}
}
