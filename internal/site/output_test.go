package site

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// stats maps every file under dir to its FileInfo.
func stats(t *testing.T, dir string) map[string]fs.FileInfo {
	t.Helper()
	m := map[string]fs.FileInfo{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			info, err := d.Info()
			if err != nil {
				t.Fatal(err)
			}
			rel, _ := filepath.Rel(dir, p)
			m[filepath.ToSlash(rel)] = info
		}
		return nil
	})
	return m
}

// A rebuild over the previous output writes exactly what a build from
// nothing writes, whatever changed in between, and leaves the files whose
// bytes did not change alone: same file, same modification time.
func TestRebuildMatchesCold(t *testing.T) {
	site := strings.Replace(linkSite, "page_size = 2\n", "page_size = 2\nbase_url = \"https://log.example.org/\"\n", 1)
	src := writeSite(t, site)
	out := filepath.Join(t.TempDir(), "public")
	mustBuild(t, src, out)

	entry := func(name, fm, body string) func(t *testing.T) {
		return func(t *testing.T) { addFiles(t, src, "-- log/"+name+" --\n---\n"+fm+"\n---\n"+body+"\n") }
	}
	steps := []struct {
		name   string
		change func(t *testing.T)
	}{
		{"nothing", func(t *testing.T) {}},
		{"body edited", entry("2026-03-08-note.md", "id: e4\ntitle: A quick note\ndate: 2026-03-08\nkind: note", "Short, and edited.")},
		{"title edited", entry("2026-03-10-queue.md", "id: e3\ntitle: Moved the queue to SQS for good\ndate: 2026-03-10\nkind: decision\nproject: Thumbnailer\ntags: [aws]", "We chose SQS.")},
		{"entry added", entry("2026-03-16-new.md", "id: e7\ntitle: Newest\ndate: 2026-03-16\ntags: [aws, new]\nproject: Ledger", "Fresh.\n\nWhat this reinforced: add things.")},
		{"entry removed", func(t *testing.T) { os.Remove(filepath.Join(src, "log", "2026-03-08-note.md")) }},
		{"draft published", entry("2026-03-15-draft.md", "id: e5\ntitle: Half-written draft\ndate: 2026-03-15", "Now done.")},
		{"image resized", func(t *testing.T) { addFiles(t, src, "-- log/flame.png --\n!png 24x12\n") }},
		{"setting changed", func(t *testing.T) {
			data, _ := os.ReadFile(filepath.Join(src, "shiplog.toml"))
			os.WriteFile(filepath.Join(src, "shiplog.toml"), []byte(strings.Replace(string(data), "Mara's log", "Mara's notes", 1)), 0o644)
		}},
		{"theme overridden", func(t *testing.T) {
			addFiles(t, src, "-- layouts/style.css --\nbody { color: black }\n")
		}},
		{"home edited", func(t *testing.T) { addFiles(t, src, "-- home.md --\nI write down what **broke**, and why.\n") }},
		{"static added", func(t *testing.T) { addFiles(t, src, "-- static/deep/er/file.txt --\nhello\n") }},
		{"static removed", func(t *testing.T) { os.RemoveAll(filepath.Join(src, "static", "deep")) }},
		{"nothing again", func(t *testing.T) {}},
	}
	for _, step := range steps {
		before := stats(t, out)
		oldTree := tree(t, out)
		step.change(t)
		rep, err := build(t, src, out, withStats)
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		want := cold(t, src)
		got := tree(t, out)
		sameTree(t, step.name, want, got)
		noStaging(t, out)

		after := stats(t, out)
		written := 0
		for p, a := range after {
			b, ok := before[p]
			if !ok || oldTree[p] != got[p] {
				written++
				continue
			}
			if !os.SameFile(a, b) || !a.ModTime().Equal(b.ModTime()) {
				t.Errorf("%s: %s was rewritten though its bytes did not change", step.name, p)
			}
		}
		// An edited body is shown by its page, its neighbours', the
		// stream, its terms' pages and feeds; the rest is not rendered,
		// the other entries' search fragments included (30 pages were
		// skipped before fragments had their entry's fingerprint).
		if step.name == "body edited" && rep.Stats.Skipped < 30+rep.Entries-1 {
			t.Errorf("%s: %d pages were not rendered, want at least %d", step.name, rep.Stats.Skipped, 30+rep.Entries-1)
		}
		if strings.HasPrefix(step.name, "nothing") {
			if written != 0 || rep.Stats.Written != 0 {
				t.Errorf("%s: a no-change rebuild wrote %d files (stats say %d)", step.name, written, rep.Stats.Written)
			}
			// Entry pages, stream pages, tag and project pages and feeds
			// are not even rendered.
			if rep.Stats.Skipped < rep.Entries+9*3 {
				t.Errorf("%s: %d pages were not rendered, want at least %d", step.name, rep.Stats.Skipped, rep.Entries+9*3)
			}
		}
	}
}

// A build that fails leaves an output that was being updated in place
// exactly as it was.
func TestFailedRebuildLeavesOutput(t *testing.T) {
	src := writeSite(t, linkSite)
	out := filepath.Join(t.TempDir(), "public")
	mustBuild(t, src, out)
	before := tree(t, out)
	addFiles(t, src, "-- log/2026-03-08-note.md --\n---\nid: e4\ntitle: A quick note\ndate: 2026-03-08\nkind: note\n---\nEdited.\n")
	addFiles(t, src, "-- layouts/entry.html --\n{{define \"main\"}}{{.Nope}}{{end}}\n")
	if _, err := build(t, src, out); err == nil {
		t.Fatal("a build with a broken template succeeded")
	}
	sameTree(t, "after a failed rebuild", before, tree(t, out))
	noStaging(t, out)
}

// An output folder changed by hand since the last build is repaired: a
// removed or truncated file is written again.
func TestRebuildRepairsOutput(t *testing.T) {
	src := writeSite(t, linkSite)
	out := filepath.Join(t.TempDir(), "public")
	mustBuild(t, src, out)
	want := tree(t, out)
	os.Remove(filepath.Join(out, "log", "lambda-elf", "index.html"))
	os.WriteFile(filepath.Join(out, "index.html"), []byte("mine"), 0o644)
	mustBuild(t, src, out)
	sameTree(t, "repaired", want, tree(t, out))
}

// Without its manifest (lost, or an interrupted update) the output is
// replaced whole, as before.
func TestRebuildWithoutManifest(t *testing.T) {
	src := writeSite(t, linkSite)
	out := filepath.Join(t.TempDir(), "public")
	mustBuild(t, src, out)
	os.RemoveAll(filepath.Join(src, ".shiplog", "cache", "outputs"))
	os.WriteFile(filepath.Join(out, "stray.txt"), []byte("x"), 0o644)
	mustBuild(t, src, out)
	if exists(out, "stray.txt") {
		t.Error("a build without a manifest kept a file it did not write")
	}
	sameTree(t, "rebuilt without a manifest", cold(t, src), tree(t, out))
}

// A log too big for memory builds what a small one does: bodies left on
// disk by the loader and rendered bodies left in the cache are read back
// by every page, feed and index that shows them.
func TestBodiesLeftOnDisk(t *testing.T) {
	site := strings.Replace(linkSite, "page_size = 2\n", "page_size = 2\nbase_url = \"https://log.example.org/\"\n", 1)
	src := writeSite(t, site)
	want := cold(t, src)
	out := filepath.Join(t.TempDir(), "public")
	tight := func(o *Options) { o.keepSources, o.keepRendered = 1, 1 }
	mustBuild(t, src, out, tight)
	sameTree(t, "bodies on disk, cold", want, tree(t, out))
	addFiles(t, src, "-- log/2026-03-08-note.md --\n---\nid: e4\ntitle: A quick note\ndate: 2026-03-08\nkind: note\n---\nShort, edited.\n")
	mustBuild(t, src, out, tight)
	sameTree(t, "bodies on disk, rebuilt", cold(t, src), tree(t, out))
}

// sameBytes is what decides that a page rendered again need not be
// written: it must tell every difference, at any offset and any size.
func TestSameBytes(t *testing.T) {
	dir := t.TempDir()
	big := make([]byte, 200<<10) // more than one read buffer
	for i := range big {
		big[i] = byte(i * 7)
	}
	flipped := append([]byte(nil), big...)
	flipped[len(flipped)-1] ^= 1
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(write("target", []byte("hello")), link); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		path string
		data []byte
		want bool
	}{
		{"same", write("a", []byte("hello")), []byte("hello"), true},
		{"empty", write("e", nil), nil, true},
		{"one byte differs", write("b", []byte("hello")), []byte("hellp"), false},
		{"file longer", write("c", []byte("hello!")), []byte("hello"), false},
		{"file shorter", write("d", []byte("hell")), []byte("hello"), false},
		{"big, same", write("big", big), big, true},
		{"big, last byte differs", write("big2", big), flipped, false},
		{"big, file one byte longer", write("big3", append(append([]byte(nil), big...), 0)), big, false},
		{"missing", filepath.Join(dir, "nope"), []byte("hello"), false},
		{"a folder", dir, nil, false},
		{"a link to the same bytes", link, []byte("hello"), false},
	} {
		if got := sameBytes(c.path, c.data); got != c.want {
			t.Errorf("%s: sameBytes = %v, want %v", c.name, got, c.want)
		}
	}
}
