package content

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
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
	root, write := openLog(t, dir)
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

// TestRereadAndReplace checks that an entry read again by itself and put
// in the last load's place by Log.Replace gives the log a fresh Load
// gives, when the edit keeps the entry where it was, and that both say
// no when it does not.
func TestRereadAndReplace(t *testing.T) {
	dir := writeSite(t, `-- log/2026-03-01-a.md --
---
title: A
date: 2026-03-01
project: Rocket
tags: [go, Go, aws]
---
a
-- log/2026-03-02-b.md --
---
title: B
date: 2026-03-02
project: Rocket
tags: [go]
---
b
-- log/2026-03-02-c.md --
---
title: C
date: 2026-03-02
tags: [aws]
---
c
`)
	root, write := openLog(t, dir)
	shape := func(l *Log) string {
		var s []string
		for _, e := range l.Entries {
			s = append(s, e.Path+"="+e.Title)
		}
		for _, g := range [][]*Term{l.Tags, l.Projects} {
			for _, tg := range g {
				var titles []string
				for _, e := range tg.Entries {
					titles = append(titles, e.Title)
				}
				s = append(s, tg.Name+":"+strings.Join(titles, ","))
			}
		}
		return strings.Join(s, " ")
	}
	var c Cache
	last, problems := c.Load(root, Options{}, nil)
	if problems.HasErrors() {
		t.Fatal(problems)
	}
	before := shape(last)
	for _, p := range []string{"log/2026-03-01-a.md", "log/2026-03-02-b.md"} {
		old := last.Entries[slices.IndexFunc(last.Entries, func(e *Entry) bool { return e.Path == p })]
		data, _ := os.ReadFile(filepath.Join(dir, p))
		write(p, strings.Replace(string(data), "title: ", "title: New ", 1))
		e, _, ok := c.Reread(root, Options{}, p)
		if !ok || e == old {
			t.Fatalf("Reread(%s) = %v, %v; want a new entry", p, e, ok)
		}
		got, ok := last.Replace(old, e)
		if !ok {
			t.Fatalf("Replace(%s) refused a body edit", p)
		}
		if i := got.Index(e); i < 0 || got.Entries[i] != e || last.Index(e) != -1 || last.Index(old) != i {
			t.Errorf("Index(%s) = %d in the new log, %d in the last; the last had it at %d", p, i, last.Index(e), last.Index(old))
		}
		want, _ := load(t, dir, Options{})
		if shape(got) != shape(want) {
			t.Errorf("after editing %s, Replace gives\n\t%s\na fresh Load\n\t%s", p, shape(got), shape(want))
		}
		if shape(last) != before {
			t.Errorf("Replace changed the log it was called on:\n\t%s", shape(last))
		}
		last, before = got, shape(got)
		if again, _, _ := c.Reread(root, Options{}, p); again != e {
			t.Errorf("Reread(%s) without a change parsed it again", p)
		}
	}

	// Moved in the log, or in other lists: Replace refuses.
	old := last.Entries[0]
	for _, edit := range []struct{ from, to string }{
		{"date: 2026-03-02", "date: 2026-03-04"},
		{"tags: [go]", "tags: [go, dns]"},
		{"project: Rocket", "project: Ledger"},
	} {
		data, _ := os.ReadFile(filepath.Join(dir, old.Path))
		write(old.Path, strings.Replace(string(data), edit.from, edit.to, 1))
		e, _, ok := c.Reread(root, Options{}, old.Path)
		if !ok {
			t.Fatalf("Reread after %q: not ok", edit.to)
		}
		if _, ok := last.Replace(old, e); ok {
			t.Errorf("Replace took an entry whose %q became %q", edit.from, edit.to)
		}
		write(old.Path, string(data))
	}

	// What only a Load can say.
	write("log/2026-03-02-c.md", "---\ntitle: C\ndate: 2/3/2026\n---\nc\n")
	if _, problems, ok := c.Reread(root, Options{}, "log/2026-03-02-c.md"); ok || !problems.HasErrors() {
		t.Errorf("Reread of a broken entry: ok %v, problems %v", ok, problems)
	}
	write("log/2026-03-05-d.md", "---\ntitle: D\ndate: 2026-03-05\n---\nd\n")
	if _, _, ok := c.Reread(root, Options{}, "log/2026-03-05-d.md"); ok {
		t.Error("Reread took a file the last Load did not list")
	}
	if _, _, ok := c.Reread(root, Options{Location: time.FixedZone("X", 3600)}, "log/2026-03-01-a.md"); ok {
		t.Error("Reread took other options than the last Load's")
	}
}

// openLog opens the log in dir as a Cache reads it (closed when the test
// ends) and returns a func that writes a file into it, making its folder.
func openLog(t *testing.T, dir string) (*os.Root, func(name, data string)) {
	t.Helper()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	return root, func(name, data string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
