package serve

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// lastChanges waits until the build count passes n and returns what the
// last build was told changed.
func (f *fakeBuild) changesAfter(t *testing.T, n int) []string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for int(f.builds.Load()) <= n {
		if time.Now().After(deadline) {
			t.Fatalf("no build after build %d", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(2 * Debounce) // let a build that might follow start
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.changes[len(f.changes)-1]
}

// TestWatchEditorsAndFolders saves files the ways editors do and checks
// that each save causes a build told exactly what changed, that editors'
// temporary files cause none, and that folders made after the server
// started are watched, with files written into them before that.
func TestWatchEditorsAndFolders(t *testing.T) {
	f := newFakeBuild(t)
	r := startRun(t, f)
	src := f.src
	write := func(name, data string) {
		t.Helper()
		p := filepath.Join(src, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rename := func(from, to string) {
		t.Helper()
		if err := os.Rename(filepath.Join(src, from), filepath.Join(src, to)); err != nil {
			t.Fatal(err)
		}
	}
	want := func(what string, n int, paths ...string) {
		t.Helper()
		got := f.changesAfter(t, n)
		if !slices.Equal(got, paths) {
			t.Errorf("%s: the build was told %q changed, want %q", what, got, paths)
		}
	}
	builds := func() int { return int(f.builds.Load()) }

	// vim (backupcopy=no): write 4913 to test the folder, move the file
	// to file~, write the new file, remove the backup.
	write("page.txt", "v1")
	n := builds()
	write("4913", "")
	os.Remove(filepath.Join(src, "4913"))
	rename("page.txt", "page.txt~")
	write("page.txt", "saved by vim")
	os.Remove(filepath.Join(src, "page.txt~"))
	want("vim", n, "page.txt")
	r.waitFor(t, "vim's save", shows("saved by vim"))

	// JetBrains: write page.txt___jb_tmp___, move page.txt to
	// page.txt___jb_old___, move the new one in, remove the old.
	n = builds()
	write("page.txt___jb_tmp___", "saved by a JetBrains IDE")
	rename("page.txt", "page.txt___jb_old___")
	rename("page.txt___jb_tmp___", "page.txt")
	os.Remove(filepath.Join(src, "page.txt___jb_old___"))
	want("JetBrains", n, "page.txt")
	r.waitFor(t, "the IDE's save", shows("saved by a JetBrains IDE"))

	// Emacs and others: a lock or swap file alone causes no build.
	n = builds()
	write(".#page.txt", "lock")
	write(".page.txt.swp", "swap")
	write("#page.txt#", "autosave")
	write("page.txt.tmp", "tmp")
	write(".git/index", "git")
	write("public/index.html", "an old build")
	time.Sleep(10 * Debounce)
	if got := builds(); got != n {
		t.Errorf("editors' temporary files caused %d builds, want none", got-n)
	}

	// A folder made now, with files in it before it is watched, and
	// files added to it later.
	n = builds()
	if err := os.MkdirAll(filepath.Join(src, "log", "2026", "03"), 0o755); err != nil {
		t.Fatal(err)
	}
	write("log/2026/03/a.md", "a")
	got := f.changesAfter(t, n)
	if !slices.Contains(got, "log/2026/03/a.md") {
		t.Errorf("a new folder: the build was told %q changed, want log/2026/03/a.md among them", got)
	}
	n = builds()
	write("log/2026/03/b.md", "b")
	want("a file in a folder made while serving", n, "log/2026/03/b.md")

	// Saving by truncating and then writing, slowly: the build waits
	// for the content rather than build an empty file.
	n = builds()
	p := filepath.Join(src, "page.txt")
	fh, err := os.OpenFile(p, os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * Debounce)
	fh.WriteString("written slowly")
	fh.Close()
	r.waitFor(t, "the slow save", shows("written slowly"))
	f.mu.Lock()
	for i, c := range f.changes[n:] {
		if strings.Join(c, ",") != "page.txt" || f.pages[n+i] != "written slowly" {
			t.Errorf("the slow save: a build was told %q changed and read %q", c, f.pages[n+i])
		}
	}
	f.mu.Unlock()
	if code, body := r.fetch(t, "/"); !strings.Contains(body, "written slowly") || code != 200 {
		t.Errorf("after the slow save GET / = %d %q", code, body)
	}
}
