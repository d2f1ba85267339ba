package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestHarness runs the whole harness on a small generated log: it
// generates the corpus, builds shiplog and the site, queries it in
// Chromium and asks `shiplog seen`. It checks that the sizes are there
// and that the queries found what the log holds. No timing is checked.
func TestHarness(t *testing.T) {
	if testing.Short() {
		t.Skip("builds shiplog, generates and builds a log, starts Chromium")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	src, report := filepath.Join(tmp, "log"), filepath.Join(tmp, "report.json")
	for _, args := range [][]string{
		{"run", "./bench/gencorpus", "-n", "200", "-out", src},
		{"run", "./bench/searchbench", "-src", src, "-runs", "1", "-seen-runs", "1", "-work", filepath.Join(tmp, "work"), "-json", report},
	} {
		cmd := exec.Command("go", args...)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var rep Report
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Entries != 200 {
		t.Errorf("entries = %d, want 200", rep.Entries)
	}
	if len(rep.Sizes) != 3 {
		t.Fatalf("sizes = %+v, want the manifest, shards and entry files", rep.Sizes)
	}
	for _, s := range rep.Sizes {
		if s.Files == 0 || s.Raw == 0 || s.Gzip == 0 || s.Gzip >= s.Raw {
			t.Errorf("size of %s = %+v, want files, and fewer bytes compressed than raw", s.Part, s)
		}
	}
	if d := rep.Sizes[2]; d.Files != 200 {
		t.Errorf("%d entry files, want 200", d.Files)
	}

	// What the page found, against what the entries say.
	has := func(s string) int {
		n := 0
		filepath.WalkDir(filepath.Join(src, "log"), func(p string, d os.DirEntry, err error) error {
			if err == nil && strings.HasSuffix(p, ".md") {
				if data, err := os.ReadFile(p); err == nil && strings.Contains(string(data), s) {
					n++
				}
			}
			return err
		})
		return n
	}
	byQuery := map[string]QueryRow{}
	for _, q := range rep.Queries {
		byQuery[q.Query] = q
		if len(q.Cold) != 1 || len(q.Warm) != 1 {
			t.Errorf("query %q: %d cold and %d warm runs, want 1 each", q.Query, len(q.Cold), len(q.Warm))
		}
		if q.WarmGet != 0 {
			t.Errorf("query %q: the warm run fetched %d index files, want none", q.Query, q.WarmGet)
		}
		if q.Files == 0 || q.Gzip == 0 {
			t.Errorf("query %q fetched nothing: %+v", q.Query, q)
		}
	}
	if len(byQuery) != len(defaultQueries) {
		t.Fatalf("%d queries reported, want %d", len(byQuery), len(defaultQueries))
	}
	if q := byQuery["EADDRINUSE"]; q.Results == 0 || q.Results != has("EADDRINUSE") {
		t.Errorf("EADDRINUSE: %d results (%q), want the %d entries that name it", q.Results, q.Status, has("EADDRINUSE"))
	}
	if q := byQuery["timeout"]; q.Results == 0 || q.Shown != min(q.Results, 20) || q.Shards == 0 {
		t.Errorf("timeout: %+v, want results, 20 shown at most, a shard loaded", q)
	}
	if q := byQuery["zzyzx"]; q.Results != 0 || q.Shown != 0 || !strings.HasPrefix(q.Status, "Nothing found") {
		t.Errorf("zzyzx: %+v, want nothing found", q)
	}

	if len(rep.Seen) != len(defaultSeen) {
		t.Fatalf("%d seen rows, want %d", len(rep.Seen), len(defaultSeen))
	}
	for _, s := range rep.Seen {
		notThere := strings.HasPrefix(s.Text, "gpg:")
		switch {
		case notThere && (s.Exit != 1 || s.Found != 0):
			t.Errorf("seen %q: exit %d, %d found; want 1, none", s.Text, s.Exit, s.Found)
		case !notThere && (s.Exit != 0 || s.Found == 0):
			t.Errorf("seen %q: exit %d, %d found; want 0, some", s.Text, s.Exit, s.Found)
		}
		if len(s.Wall) != 1 || s.RSSKB == 0 {
			t.Errorf("seen %q: %+v, want one timed run and its memory", s.Text, s)
		}
	}
}
