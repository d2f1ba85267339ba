package content

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeSite writes the files of a txtar archive ("-- name --" lines, each
// followed by the file's text) under a new temporary folder and returns
// the folder.
func writeSite(t *testing.T, archive string) string {
	t.Helper()
	dir := t.TempDir()
	name, data := "", []string(nil)
	flush := func() {
		if name == "" {
			return
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(strings.Join(data, "")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, line := range strings.SplitAfter(archive, "\n") {
		if n, ok := strings.CutPrefix(strings.TrimSuffix(line, "\n"), "-- "); ok && strings.HasSuffix(n, " --") {
			flush()
			name, data = strings.TrimSuffix(n, " --"), nil
			continue
		}
		data = append(data, line)
	}
	flush()
	return dir
}

// load runs Load on dir through an os.Root, as the build does.
func load(t *testing.T, dir string, opts Options) (*Log, []string) {
	t.Helper()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	log, problems := Load(root, opts)
	return log, strs(problems)
}

func paths(entries []*Entry) []string {
	var out []string
	for _, e := range entries {
		out = append(out, e.Path)
	}
	return out
}

func terms(ts []*Term) string {
	var b strings.Builder
	for _, t := range ts {
		fmt.Fprintf(&b, "%s(%s):%s ", t.Name, t.Slug, strings.Join(paths(t.Entries), ","))
	}
	return strings.TrimSpace(b.String())
}

const logSite = `
-- shiplog.toml --
title = "x"
-- home.md --
` + "\ufeff" + `About me.
-- log/2026-03-14-a.md --
---
id: a
title: A
date: 2026-03-14
project: Thumbnailer
tags: [AWS, lambda]
---
-- log/2026-03-14-b.md --
+++
id = "b"
title = "B"
date = 2026-03-14
tags = ["aws", "Go"]
+++
-- log/thumbnailer/2026-01-02-c/index.md --
---
id: c
title: C
date: 2026-01-02
project: thumbnailer
tags: [Lambda]
---
-- log/thumbnailer/2026-01-02-c/shot.png --
not read: only .md files are entries
-- log/2026-04-01-draft.md --
---
id: d
title: Draft
date: 2026-04-01
draft: true
tags: [secret]
---
-- log/2027-01-01-future.md --
---
id: f
title: Future
date: 2027-01-01
project: Tomorrow
---
-- log/2026-02-01-e.markdown --
---
id: e
title: E
date: 2026-02-01T09:00:00
---
-- log/.hidden.md --
not front matter, but hidden files are not read
-- log/_templates/t.md --
nor are folders starting with _
-- log/x.md~ --
nor editor backups
-- log/notes.txt --
nor other files
-- static/not-an-entry.md --
only log/ holds entries
`

func TestLoad(t *testing.T) {
	dir := writeSite(t, logSite)
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	log, problems := load(t, dir, Options{Now: now})
	if len(problems) != 0 {
		t.Fatalf("Load problems:\n\t%s", strings.Join(problems, "\n\t"))
	}
	// Newest first; a tie (a and b) broken by path.
	want := "log/2026-03-14-a.md log/2026-03-14-b.md log/2026-02-01-e.markdown log/thumbnailer/2026-01-02-c/index.md"
	if got := strings.Join(paths(log.Entries), " "); got != want {
		t.Errorf("Load entries = %s\nwant %s", got, want)
	}
	if log.Drafts != 1 || log.Future != 1 {
		t.Errorf("Load left out %d drafts and %d future entries, want 1 and 1", log.Drafts, log.Future)
	}
	if string(log.Home) != "About me.\n" {
		t.Errorf("Load home = %q, want %q (without the BOM)", log.Home, "About me.\n")
	}
	if got := log.Entries[3].Slug; got != "c" {
		t.Errorf("index.md slug = %q, want the folder's name without its date, %q", got, "c")
	}

	// Terms are grouped by slug, whatever the case; named as in the newest
	// entry; sorted by slug; their entries newest first. Drafts and future
	// entries count nowhere.
	wantTags := "AWS(aws):log/2026-03-14-a.md,log/2026-03-14-b.md Go(go):log/2026-03-14-b.md lambda(lambda):log/2026-03-14-a.md,log/thumbnailer/2026-01-02-c/index.md"
	if got := terms(log.Tags); got != wantTags {
		t.Errorf("Load tags =\n\t%s\nwant\n\t%s", got, wantTags)
	}
	wantProjects := "Thumbnailer(thumbnailer):log/2026-03-14-a.md,log/thumbnailer/2026-01-02-c/index.md"
	if got := terms(log.Projects); got != wantProjects {
		t.Errorf("Load projects =\n\t%s\nwant\n\t%s", got, wantProjects)
	}
}

// Found hears how many entry files there are before any is read: drafts
// and future entries count, as they are files to read.
func TestLoadFound(t *testing.T) {
	dir := writeSite(t, logSite)
	calls, found := 0, 0
	log, _ := load(t, dir, Options{Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), Found: func(n int) { calls++; found = n }})
	if calls != 1 || found != len(log.Entries)+log.Drafts+log.Future {
		t.Errorf("Found called %d times, last with %d; want once, with %d", calls, found, len(log.Entries)+log.Drafts+log.Future)
	}
}

func TestLoadDraftsAndFuture(t *testing.T) {
	dir := writeSite(t, logSite)
	tests := []struct {
		opts          Options
		n             int
		drafts, later int
	}{
		{Options{}, 5, 1, 0}, // no Now: nothing is in the future
		{Options{Drafts: true}, 6, 0, 0},
		{Options{Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)}, 4, 1, 1},
		{Options{Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), Drafts: true}, 5, 0, 1},
		// An entry dated today at midnight is not in the future.
		{Options{Now: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}, 5, 1, 0},
		{Options{Now: time.Date(2026, 12, 31, 23, 59, 59, 0, time.UTC)}, 4, 1, 1},
	}
	for _, tt := range tests {
		log, problems := load(t, dir, tt.opts)
		if len(problems) != 0 {
			t.Fatalf("Load(%+v) problems: %v", tt.opts, problems)
		}
		if len(log.Entries) != tt.n || log.Drafts != tt.drafts || log.Future != tt.later {
			t.Errorf("Load(%+v) = %d entries, %d drafts, %d future; want %d, %d, %d",
				tt.opts, len(log.Entries), log.Drafts, log.Future, tt.n, tt.drafts, tt.later)
		}
		var due time.Time // the future entry's date
		if tt.later > 0 {
			due = time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
		}
		if !log.NextFuture.Equal(due) {
			t.Errorf("Load(%+v).NextFuture = %v, want %v", tt.opts, log.NextFuture, due)
		}
		for _, term := range append(log.Tags, log.Projects...) {
			if term.Slug == "secret" && !tt.opts.Drafts {
				t.Errorf("Load(%+v): the draft's tag %q is listed", tt.opts, term.Name)
			}
			if term.Slug == "tomorrow" && tt.later > 0 {
				t.Errorf("Load(%+v): the future entry's project %q is listed", tt.opts, term.Name)
			}
		}
	}
}

func TestLoadLocation(t *testing.T) {
	dir := writeSite(t, `
-- log/a.md --
---
id: a
title: A
date: 2026-03-14
---
`)
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	log, problems := load(t, dir, Options{Location: tokyo})
	if len(problems) != 0 {
		t.Fatal(problems)
	}
	if got, want := log.Entries[0].Date, time.Date(2026, 3, 14, 0, 0, 0, 0, tokyo); !got.Equal(want) {
		t.Errorf("date in Asia/Tokyo = %v, want %v", got, want)
	}
}

func TestLoadEmpty(t *testing.T) {
	// No log/ folder at all: an empty log, not an error.
	log, problems := load(t, t.TempDir(), Options{})
	if len(problems) != 0 || len(log.Entries) != 0 || log.Home != nil {
		t.Errorf("Load(empty) = %d entries, home %q, problems %v; want nothing", len(log.Entries), log.Home, problems)
	}
}

// TestLoadReportsEveryProblem: one run names every bad entry, and still
// loads the good ones.
func TestLoadReportsEveryProblem(t *testing.T) {
	dir := writeSite(t, `
-- log/a.md --
---
id: a
title: A
date: 14/03/2026
---
-- log/b.md --
---
id: b
title: B
date: 2026-03-14
kind: brok
---
-- log/c.md --
---
id: c
title: C
date: 2026-03-14
titel: C
---
-- log/d.md --
---
title: D
-- log/e.md --
---
id: e
title: E
date: 2026-03-15
---
`)
	log, problems := load(t, dir, Options{})
	want := []string{
		`log/a.md:4:7: error: date: cannot parse "14/03/2026" (write it as 2026-03-14 or 2026-03-14T09:30:00Z)`,
		`log/b.md:5:7: error: kind: unknown kind "brok" (did you mean ` + "`broke`" + `? use one of broke, built, decision, note)`,
		"log/c.md:5:1: warning: unknown key `titel` (did you mean `title`?)",
		"log/d.md:1:1: error: front matter opened with --- is never closed (add a line --- after the last front-matter key)",
	}
	if strings.Join(problems, "\n") != strings.Join(want, "\n") {
		t.Errorf("Load problems:\n\t%s\nwant\n\t%s", strings.Join(problems, "\n\t"), strings.Join(want, "\n\t"))
	}
	if got := strings.Join(paths(log.Entries), " "); got != "log/e.md log/c.md" {
		t.Errorf("Load entries = %s, want the good ones: log/e.md log/c.md", got)
	}
}

func TestLoadCollisions(t *testing.T) {
	tests := []struct {
		name, site string
		want       []string
	}{
		{"same slug from the file name", `
-- log/2026-03-14-elf.md --
---
id: a
title: A
date: 2026-03-14
---
-- log/thumbnailer/2025-01-01-elf.md --
---
id: b
title: B
date: 2025-01-01
---
`, []string{
			"log/thumbnailer/2025-01-01-elf.md:1:1: error: URL /log/elf/ is also written by log/2026-03-14-elf.md (give one of them a different slug: in its front matter)",
		}},
		{"same slug written out", `
-- log/a.md --
---
id: a
title: A
date: 2026-03-14
slug: elf
---
-- log/b.md --
---
id: b
title: B
date: 2026-03-14
slug: elf
---
`, []string{
			"log/b.md:5:1: error: URL /log/elf/ is also written by log/a.md (give one of them a different slug: in its front matter)",
		}},
		{"an alias onto another entry", `
-- log/a.md --
---
id: a
title: A
date: 2026-03-14
---
-- log/b.md --
---
id: b
title: B
date: 2026-03-14
aliases: [/old/, /log/a/]
---
`, []string{
			"log/b.md:5:1: error: alias /log/a/ is also written by log/a.md (remove the alias, or give one of them another URL)",
		}},
		{"the same alias twice", `
-- log/a.md --
---
id: a
title: A
date: 2026-03-14
aliases: [/old/]
---
-- log/b.md --
---
id: b
title: B
date: 2026-03-14
aliases:
  - /old
  - /old/
---
`, []string{
			"log/b.md:5:1: error: alias /old is also written by log/a.md (remove the alias, or give one of them another URL)",
		}},
		{"same id", `
-- log/a.md --
---
id: urn:uuid:1
title: A
date: 2026-03-14
---
-- log/b.md --
---
title: B
id: urn:uuid:1
date: 2026-03-14
---
`, []string{
			`log/b.md:3:1: error: id "urn:uuid:1" is also used by log/a.md (every entry needs its own id; ` + "`shiplog new`" + ` mints one)`,
		}},
	}
	for _, tt := range tests {
		_, problems := load(t, writeSite(t, tt.site), Options{})
		if strings.Join(problems, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("%s: Load problems:\n\t%s\nwant\n\t%s", tt.name, strings.Join(problems, "\n\t"), strings.Join(tt.want, "\n\t"))
		}
	}
}

func TestLoadFileLimit(t *testing.T) {
	head := "---\nid: a\ntitle: A\ndate: 2026-03-14\n---\n"
	dir := writeSite(t, "")
	if err := os.MkdirAll(filepath.Join(dir, "log"), 0o755); err != nil {
		t.Fatal(err)
	}
	big := head + strings.Repeat("x", 2<<20-len(head)+1)
	fits := head + strings.Repeat("x", 2<<20-len(head))
	for name, body := range map[string]string{"big.md": big, "fits.md": fits} {
		if err := os.WriteFile(filepath.Join(dir, "log", name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	log, problems := load(t, dir, Options{})
	want := "log/big.md:1:1: error: file is larger than the 2 MiB limit for Markdown files (split it, or raise the limit)"
	if got := strings.Join(problems, "\n"); got != want {
		t.Errorf("Load problems:\n\t%s\nwant\n\t%s", got, want)
	}
	if len(log.Entries) != 1 || log.Entries[0].Path != "log/fits.md" {
		t.Errorf("Load entries = %v, want log/fits.md (exactly 2 MiB fits)", paths(log.Entries))
	}

	_, problems = load(t, dir, Options{MaxFile: 100})
	want = "log/big.md:1:1: error: file is larger than the 100 bytes limit for Markdown files (split it, or raise the limit)\n" +
		"log/fits.md:1:1: error: file is larger than the 100 bytes limit for Markdown files (split it, or raise the limit)"
	if got := strings.Join(problems, "\n"); got != want {
		t.Errorf("Load(MaxFile: 100) problems:\n\t%s\nwant\n\t%s", got, want)
	}
}

func TestLoadHomeLimit(t *testing.T) {
	dir := writeSite(t, "-- home.md --\n"+strings.Repeat("x", 200))
	log, problems := load(t, dir, Options{MaxFile: 100})
	want := "home.md:1:1: error: file is larger than the 100 bytes limit for Markdown files (split it, or raise the limit)"
	if got := strings.Join(problems, "\n"); got != want || log.Home != nil {
		t.Errorf("Load problems:\n\t%s\nwant\n\t%s", got, want)
	}
}

// TestLoadSymlinks: links may point anywhere inside the site; a link that
// leaves it is an error naming the link, never a crash or a read.
func TestLoadSymlinks(t *testing.T) {
	outside := writeSite(t, `
-- secret.md --
---
id: s
title: Secret
date: 2026-03-14
---
-- dir/entry.md --
---
id: s2
title: Secret 2
date: 2026-03-14
---
`)
	dir := writeSite(t, `
-- drafts/shared.md --
---
id: shared
title: Shared
date: 2026-03-14
---
-- drafts/folder/x.md --
---
id: x
title: X
date: 2026-03-14
---
-- log/ok.md --
---
id: ok
title: OK
date: 2026-03-14
---
`)
	links := map[string]string{
		"log/evil.md":       filepath.Join(outside, "secret.md"),
		"log/evil2.md":      "../../" + filepath.Base(outside) + "/secret.md",
		"log/evil-dir":      filepath.Join(outside, "dir"),
		"log/evil.png":      filepath.Join(outside, "secret.md"),
		"log/inside.md":     "../drafts/shared.md",
		"log/inside-folder": "../drafts/folder",
		"log/dangling.md":   "nowhere.md",
		"drafts/evil.md":    filepath.Join(outside, "secret.md"),
		"log/chain.md":      "../drafts/evil.md", // inside, to a link that leaves
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(dir, filepath.FromSlash(name))); err != nil {
			t.Skipf("cannot make symlinks here: %v", err)
		}
	}
	log, problems := load(t, dir, Options{})
	const outsideHint = " (links must point inside the site by a relative path; copy the file in instead)"
	want := []string{
		"log/chain.md:1:1: error: cannot follow the link to ../drafts/evil.md: path escapes from parent (links must point inside the site by a relative path)",
		"log/dangling.md:1:1: error: the link to nowhere.md points at nothing (fix the link or remove it)",
		"log/evil-dir:1:1: warning: the link to " + links["log/evil-dir"] + " leads outside the site; it is not read" + outsideHint,
		"log/evil.md:1:1: error: the link to " + links["log/evil.md"] + " leads outside the site" + outsideHint,
		"log/evil.png:1:1: warning: the link to " + links["log/evil.png"] + " leads outside the site; it is not read" + outsideHint,
		"log/evil2.md:1:1: error: the link to " + links["log/evil2.md"] + " leads outside the site" + outsideHint,
		"log/inside-folder:1:1: warning: the linked folder ../drafts/folder is not read (move the entries into log/ rather than linking their folder)",
	}
	if strings.Join(problems, "\n") != strings.Join(want, "\n") {
		t.Errorf("Load problems:\n\t%s\nwant\n\t%s", strings.Join(problems, "\n\t"), strings.Join(want, "\n\t"))
	}
	if got := strings.Join(paths(log.Entries), " "); got != "log/inside.md log/ok.md" {
		t.Errorf("Load entries = %s, want log/inside.md log/ok.md", got)
	}
	for _, e := range log.Entries {
		if strings.HasPrefix(e.Title, "Secret") {
			t.Errorf("Load read %s from outside the site", e.Path)
		}
	}
}

func TestLoadHomeSymlinkOutside(t *testing.T) {
	outside := writeSite(t, "-- secret --\nsecret\n")
	dir := t.TempDir()
	if err := os.Symlink(filepath.Join(outside, "secret"), filepath.Join(dir, "home.md")); err != nil {
		t.Skipf("cannot make symlinks here: %v", err)
	}
	log, problems := load(t, dir, Options{})
	if len(problems) != 1 || !strings.HasPrefix(problems[0], "home.md:1:1: error: the link to "+filepath.Join(outside, "secret")+" leads outside the site") || log.Home != nil {
		t.Errorf("Load with home.md linking outside = home %q, problems %v; want one error and no home", log.Home, problems)
	}
}

func TestLoadNotRegular(t *testing.T) {
	dir := writeSite(t, "-- log/ok.md --\n---\nid: a\ntitle: A\ndate: 2026-03-14\n---\n")
	if err := os.MkdirAll(filepath.Join(dir, "log", "folder.md"), 0o755); err != nil {
		t.Fatal(err)
	}
	// A folder named like an entry is walked into, not read as one.
	log, problems := load(t, dir, Options{})
	if len(problems) != 0 || len(log.Entries) != 1 {
		t.Errorf("Load = %v, %v; want log/ok.md and no problems", paths(log.Entries), problems)
	}
}

// Past Options.KeepBodies, bodies stay on disk and Source reads them
// again, byte for byte; a file changed since is an error, not a wrong
// body.
func TestKeepBodies(t *testing.T) {
	dir := t.TempDir()
	for i, body := range []string{"First body.\n", "Second body, longer.\n", "\ufeffThird.\n"} {
		name := filepath.Join(dir, "log", fmt.Sprintf("e%d.md", i))
		os.MkdirAll(filepath.Dir(name), 0o755)
		fm := fmt.Sprintf("---\nid: e%d\ntitle: Entry %d\ndate: 2026-03-0%d\n---\n", i, i, i+1)
		if strings.HasPrefix(body, "\ufeff") {
			fm, body = "\ufeff"+fm, strings.TrimPrefix(body, "\ufeff")
		}
		if err := os.WriteFile(name, []byte(fm+body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	all, _ := Load(root, Options{})
	some, problems := Load(root, Options{KeepBodies: 1})
	if len(problems) != 0 || len(some.Entries) != 3 {
		t.Fatalf("Load: %d entries, %v", len(some.Entries), problems)
	}
	spilled := 0
	for i, e := range some.Entries {
		if e.Body == nil {
			spilled++
		}
		got, err := e.Source(root.FS())
		if err != nil || string(got) != string(all.Entries[i].Body) {
			t.Errorf("%s: Source() = %q, %v; want %q", e.Path, got, err, all.Entries[i].Body)
		}
	}
	if spilled < 2 {
		t.Errorf("%d bodies left on disk with KeepBodies: 1, want at least 2", spilled)
	}
	for _, e := range some.Entries {
		if e.Body != nil {
			continue
		}
		os.WriteFile(filepath.Join(dir, filepath.FromSlash(e.Path)), []byte("---\ntitle: changed\n---\n"), 0o644)
		if _, err := e.Source(root.FS()); err == nil || !strings.Contains(err.Error(), "changed") {
			t.Errorf("Source of a changed file = %v, want an error saying it changed", err)
		}
		break
	}
	// A released body is gone, kept or not, and Source says so rather
	// than give an empty body.
	for _, e := range all.Entries {
		e.Release()
		if got, err := e.Source(root.FS()); err == nil || e.Body != nil {
			t.Errorf("%s: after Release, Source() = %q, %v; want an error", e.Path, got, err)
		}
	}
}
