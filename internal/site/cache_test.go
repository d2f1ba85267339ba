package site

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/shiplog/shiplog/internal/buildcache"
	"github.com/shiplog/shiplog/internal/errmem"
)

// linkSite adds to happySite an entry whose body asks the site about
// other files: a relative link to an entry, an image, a missing page.
const linkSite = happySite + `
-- log/2026-03-09-links.md --
---
id: links
title: Links everywhere
date: 2026-03-09
tags: [aws]
---
See [the queue](2026-03-10-queue.md), ![the flame](flame.png) and [a page](../nowhere/).

` + "```go\nfunc main() {}\n```\n" + `
What this reinforced: ask the site.
`

// cold builds src afresh, without the cache, into a new folder (with
// tweaks to the options, when given).
func cold(t *testing.T, src string, tweak ...func(*Options)) map[string]string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "cold")
	mustBuild(t, src, out, append(tweak, func(o *Options) { o.NoCache = true })...)
	return tree(t, out)
}

func cacheDir(src string) string { return filepath.Join(src, ".shiplog", "cache", "entries") }

// cachedValues is how many rendered entries the cache of src holds, as
// the next build would find them.
func cachedValues(src string) int {
	c := buildcache.OpenPack(cacheDir(src))
	defer c.Close()
	return c.Len()
}

func countFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return nil
	})
	return n
}

// A build that reads every entry from the cache writes exactly what a
// build without it writes, warnings included.
func TestCacheByteIdentical(t *testing.T) {
	src := writeSite(t, linkSite)
	want := cold(t, src)
	if n := countFiles(t, cacheDir(src)); n != 0 {
		t.Fatalf("a NoCache build wrote %d cache files", n)
	}
	out := filepath.Join(t.TempDir(), "public")
	first := mustBuild(t, src, out)
	sameTree(t, "cold build vs first cached build", want, tree(t, out))
	if n := cachedValues(src); n != first.Entries {
		t.Errorf("cache holds %d values after the first build, want one per entry (%d)", n, first.Entries)
	}
	again := mustBuild(t, src, out)
	sameTree(t, "cold build vs build from the cache", want, tree(t, out))
	if len(first.Problems) == 0 || strings.Join(problemStrings(first), "\n") != strings.Join(problemStrings(again), "\n") {
		t.Errorf("warnings differ:\nfirst build: %v\nfrom cache:  %v", problemStrings(first), problemStrings(again))
	}
}

func problemStrings(r *Report) []string {
	var s []string
	for _, p := range r.Problems {
		s = append(s, p.String())
	}
	return s
}

// What a body depends on outside its own bytes is asked again on every
// build: a changed image, a removed entry, a new page.
func TestCacheNoticesTheSite(t *testing.T) {
	for _, tt := range []struct {
		name   string
		change func(t *testing.T, src string)
	}{
		{"image resized", func(t *testing.T, src string) { addFiles(t, src, "-- log/flame.png --\n!png 32x16\n") }},
		{"linked entry removed", func(t *testing.T, src string) { os.Remove(filepath.Join(src, "log", "2026-03-10-queue.md")) }},
		{"linked entry moved", func(t *testing.T, src string) {
			addFiles(t, src, "-- log/2026-03-10-queue.md --\n---\nid: e3\ntitle: Moved the queue\nslug: queue-moved\ndate: 2026-03-10\n---\nMoved.\n")
		}},
		{"base_url path", func(t *testing.T, src string) {
			addFiles(t, src, "-- shiplog.toml --\ntitle = \"Mara's log\"\npage_size = 2\nbase_url = \"https://example.org/notes/\"\n")
		}},
		{"reserved id", func(t *testing.T, src string) {
			addFiles(t, src, "-- log/2026-03-13-ids.md --\n---\nid: ids\ntitle: Ids\ndate: 2026-03-13\n---\n## Main\n\nA heading whose id the page uses.\n")
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src := writeSite(t, linkSite)
			out := filepath.Join(t.TempDir(), "public")
			mustBuild(t, src, out)
			tt.change(t, src)
			rep, err := build(t, src, out)
			wantOut := filepath.Join(t.TempDir(), "cold")
			wantRep, wantErr := build(t, src, wantOut, func(o *Options) { o.NoCache = true })
			if (err == nil) != (wantErr == nil) {
				t.Fatalf("with the cache: %v; without: %v", err, wantErr)
			}
			if strings.Join(problemStrings(rep), "\n") != strings.Join(problemStrings(wantRep), "\n") {
				t.Errorf("problems differ:\nwith the cache: %v\nwithout:        %v", problemStrings(rep), problemStrings(wantRep))
			}
			if err == nil {
				sameTree(t, "after "+tt.name, tree(t, wantOut), tree(t, out))
			}
		})
	}
}

// A cache file that is damaged is ignored and replaced: the rendered
// entries, the search terms, the record of the output.
func TestCacheCorrupt(t *testing.T) {
	src := writeSite(t, linkSite)
	want := cold(t, src)
	out := filepath.Join(t.TempDir(), "public")
	mustBuild(t, src, out)
	filepath.WalkDir(filepath.Dir(cacheDir(src)), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			data, _ := os.ReadFile(p)
			os.WriteFile(p, data[:len(data)*2/3], 0o644)
		}
		return nil
	})
	mustBuild(t, src, out)
	sameTree(t, "build over a corrupt cache", want, tree(t, out))
	mustBuild(t, src, out)
	sameTree(t, "build after the cache was repaired", want, tree(t, out))
}

// The cache keeps what the last build used, not every version of every
// entry ever built.
func TestCachePruned(t *testing.T) {
	src := writeSite(t, linkSite)
	out := filepath.Join(t.TempDir(), "public")
	rep := mustBuild(t, src, out)
	for i := range 3 {
		addFiles(t, src, "-- log/2026-03-08-note.md --\n---\nid: e4\ntitle: A quick note\ndate: 2026-03-08\nkind: note\n---\nShort, edit "+string(rune('a'+i))+".\n")
		mustBuild(t, src, out)
	}
	// Packs are merged when most of their bytes are unused, or when
	// there are more than eight: each edit leaves at most one stale
	// value until then.
	if n := cachedValues(src); n < rep.Entries || n > rep.Entries+3 {
		t.Errorf("cache holds %d values after three edits, want %d to %d", n, rep.Entries, rep.Entries+3)
	}
	for i := range 12 {
		addFiles(t, src, "-- log/2026-03-08-note.md --\n---\nid: e4\ntitle: A quick note\ndate: 2026-03-08\nkind: note\n---\nShort, edit "+string(rune('d'+i))+".\n")
		mustBuild(t, src, out)
	}
	if n := cachedValues(src); n < rep.Entries || n > rep.Entries+9 {
		t.Errorf("cache holds %d values after 15 edits, want %d to %d", n, rep.Entries, rep.Entries+9)
	}
	if n := countFiles(t, cacheDir(src)); n > 2*9 {
		t.Errorf("cache holds %d files after 15 edits: packs are not merged", n)
	}
}

// The error messages kept for an entry's error blocks read back as they
// were written, and damaged bytes are refused.
func TestMessagesKept(t *testing.T) {
	msgs := []errmem.Message{
		errmem.NewMessage("Error: connect ECONNREFUSED 127.0.0.1:5432"),
		errmem.NewMessage("ÄÖÜ: caf\u00e9 failed\twith tabs"),
		{Text: "", Signature: ""},
	}
	data := encodeMessages(msgs)
	got, ok := decodeMessages(data, true)
	if !ok || !reflect.DeepEqual(got, msgs) {
		t.Fatalf("decoded %v, %v; want %v", got, ok, msgs)
	}
	if got, ok := decodeMessages(encodeMessages(nil), true); !ok || len(got) != 0 {
		t.Errorf("no messages: %v, %v", got, ok)
	}
	for _, bad := range [][]byte{nil, data[:len(data)-1], append(bytes.Clone(data), 1), {9}} {
		if _, ok := decodeMessages(bad, true); ok {
			t.Errorf("decodeMessages(%q) accepted damaged bytes", bad)
		}
	}
	if _, ok := decodeMessages(data, false); ok {
		t.Error("a miss decoded")
	}
}

// A rebuild reads each entry's search terms and error messages from the
// cache, and writes the same index and error memory as a cold build.
func TestFactsCached(t *testing.T) {
	fence := strings.Repeat("`", 3)
	src := writeSite(t, linkSite+"-- log/2026-03-11-crash.md --\n---\nid: crash\ntitle: Crash\ndate: 2026-03-11\n---\n"+fence+"error\nError: connect ECONNREFUSED 127.0.0.1:5432\n"+fence+"\n")
	want := cold(t, src)
	out := filepath.Join(t.TempDir(), "public")
	first := mustBuild(t, src, out)
	facts := filepath.Join(src, ".shiplog", "cache", "facts")
	c := buildcache.OpenPack(facts)
	n := c.Len()
	c.Close()
	if n < first.Entries+1 { // every entry's terms, and the error block's messages
		t.Fatalf("the facts cache holds %d values after a build of %d entries", n, first.Entries)
	}
	mustBuild(t, src, out)
	got := tree(t, out)
	sameTree(t, "rebuild from the facts cache", want, got)
	if mem, _ := os.ReadFile(filepath.Join(out, "errors", "errors.tsv")); !bytes.Contains(mem, []byte("ECONNREFUSED")) {
		t.Errorf("the error memory lost the block's message:\n%s", mem)
	}
}
