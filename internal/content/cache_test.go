package content

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestCacheReadsOnlyWhatChanged checks that a Cache reads again the files
// it is told changed, and only those; that a file saved without a change
// keeps its entry; that new, removed and renamed files are seen; and that
// every load equals a fresh Load of the same files.
func TestCacheReadsOnlyWhatChanged(t *testing.T) {
	dir := writeSite(t, `-- home.md --
Hello.
-- log/2026-03-01-a.md --
---
title: A
date: 2026-03-01
---
a
-- log/2026-03-02-b.md --
---
title: B
date: 2026-03-02
tags: [go]
---
b
`)
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	write := func(name, data string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var c Cache
	check := func(what string, changed ...string) *Log {
		t.Helper()
		if changed == nil {
			changed = []string{}
		}
		got, gotProblems := c.Load(root, Options{}, changed)
		want, wantProblems := load(t, dir, Options{})
		titles := func(l *Log) string {
			var s []string
			for _, e := range l.Entries {
				s = append(s, e.Path+"="+e.Title)
			}
			for _, tg := range l.Tags {
				s = append(s, "#"+tg.Slug+":"+strings.Join(paths(tg.Entries), ","))
			}
			return strings.Join(s, " ") + " home=" + string(l.Home)
		}
		if titles(got) != titles(want) || !slices.Equal(strs(gotProblems), wantProblems) {
			t.Errorf("%s: cached load\n\t%s %q\nfresh load\n\t%s %q", what, titles(got), strs(gotProblems), titles(want), wantProblems)
		}
		return got
	}

	first := check("first load", nil...)
	a := first.Entries[1]

	// Changed behind the cache's back, and not told: not read.
	write("log/2026-03-01-a.md", "---\ntitle: A, edited\ndate: 2026-03-01\n---\na\n")
	got, _ := c.Load(root, Options{}, []string{})
	if got.Entries[1].Title != "A" {
		t.Errorf("a file not named as changed was read again: title %q", got.Entries[1].Title)
	}
	// Told: read.
	got = check("an edit", "log/2026-03-01-a.md")
	if got.Entries[1] == a {
		t.Error("an edited entry kept its old value")
	}
	a = got.Entries[1]
	// Saved without a change: the same entry, not parsed again.
	write("log/2026-03-01-a.md", "---\ntitle: A, edited\ndate: 2026-03-01\n---\na\n")
	if got := check("a save without a change", "log/2026-03-01-a.md"); got.Entries[1] != a {
		t.Error("a file saved without a change was parsed again")
	}
	write("log/2026/03/2026-03-03-c.md", "---\ntitle: C\ndate: 2026-03-03\ntags: [go]\n---\nc\n")
	check("a new file in a new folder", "log/2026")
	os.Rename(filepath.Join(dir, "log/2026-03-02-b.md"), filepath.Join(dir, "log/2026-03-02-bee.md"))
	check("a rename", "log/2026-03-02-b.md", "log/2026-03-02-bee.md")
	os.Remove(filepath.Join(dir, "log/2026/03/2026-03-03-c.md"))
	check("a removal", "log/2026/03/2026-03-03-c.md")
	write("log/2026-03-01-a.md", "---\ntitle: A\ndate: 1/3/2026\n---\na\n")
	check("a broken entry", "log/2026-03-01-a.md")
	write("home.md", "Hello again.")
	check("home.md", "home.md")
	os.Remove(filepath.Join(dir, "home.md"))
	check("home.md removed", "home.md")
}
