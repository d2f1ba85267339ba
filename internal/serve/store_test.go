package serve

import (
	"crypto/sha256"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func putString(t *testing.T, s *store, data string) Sum {
	t.Helper()
	sum := sha256.Sum256([]byte(data))
	if err := s.Put(sum, []byte(data)); err != nil {
		t.Fatal(err)
	}
	return sum
}

func readGen(t *testing.T, g *Generation, name string) string {
	t.Helper()
	f, _, dir, err := g.open(name)
	if err != nil || dir {
		t.Fatalf("open %s: dir %v, %v", name, dir, err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestStoreKeepsWhatGenerationsName checks the store's life cycle: one
// file per content, kept while a generation names it, removed after;
// what a failed build stored is removed at once.
func TestStoreKeepsWhatGenerationsName(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "files")
	s, err := newStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	a, b := putString(t, s, "page a"), putString(t, s, "page b")
	putString(t, s, "page a") // again: nothing new
	g1, err := s.generation(map[string]Sum{"index.html": a, "log/x/index.html": b, "copy.html": a})
	if err != nil {
		t.Fatal(err)
	}
	s.collect()
	if n := s.size(); n != 2 {
		t.Errorf("%d files stored, want 2 (one per content)", n)
	}
	if got := readGen(t, g1, "log/x/index.html"); got != "page b" {
		t.Errorf("log/x/index.html = %q", got)
	}
	if _, _, dir, err := g1.open("log/x"); err != nil || !dir {
		t.Errorf("log/x: dir %v, %v; want a folder", dir, err)
	}
	if _, _, _, err := g1.open("log/y/index.html"); !os.IsNotExist(err) {
		t.Errorf("a name not in the generation: %v, want not exist", err)
	}

	// The next build changes one file; the old content stays for g1.
	c := putString(t, s, "page b, edited")
	g2, err := s.generation(map[string]Sum{"index.html": a, "log/x/index.html": c, "copy.html": a})
	if err != nil {
		t.Fatal(err)
	}
	s.collect()
	if got := readGen(t, g1, "log/x/index.html"); got != "page b" {
		t.Errorf("g1 after g2: %q, want its own content", got)
	}
	g1.Close()
	if n := s.size(); n != 2 {
		t.Errorf("after g1 is gone, %d files stored, want 2", n)
	}
	if _, err := os.Stat(filepath.Join(dir, blobName(b))); !os.IsNotExist(err) {
		t.Errorf("the content only g1 named is still stored (%v)", err)
	}

	// A build that fails after storing something leaves nothing behind.
	putString(t, s, "half a build")
	s.collect()
	if n := s.size(); n != 2 {
		t.Errorf("after a failed build, %d files stored, want 2", n)
	}

	// A content stored again while the generation naming it goes away
	// stays for the build that stored it.
	putString(t, s, "page a") // pinned by this build
	g2.Close()                // nothing names it now
	g3, err := s.generation(map[string]Sum{"index.html": a})
	if err != nil {
		t.Fatalf("a file put by the build was removed under it: %v", err)
	}
	s.collect()
	if got := readGen(t, g3, "index.html"); got != "page a" {
		t.Errorf("g3 index.html = %q", got)
	}

	// A generation naming a file nobody stored is refused.
	if _, err := s.generation(map[string]Sum{"x.html": {9}}); err == nil {
		t.Error("a generation naming a file never stored was accepted")
	}
	g3.Close()
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("with no generation left, the store holds %d files", len(entries))
	}
}

// TestStoreSuccessor checks a generation made from the one before it
// and the paths that changed: each reads its own files, and a file goes
// once the generations naming it are gone, released in order.
func TestStoreSuccessor(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "files")
	s, err := newStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	size := func(what string, want int) {
		t.Helper()
		if n := s.size(); n != want {
			t.Errorf("%s: %d files stored, want %d", what, n, want)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != want {
			t.Errorf("%s: %d files in the folder, want %d", what, len(entries), want)
		}
	}

	a, b := putString(t, s, "page a"), putString(t, s, "page b")
	g1, err := s.generation(map[string]Sum{"index.html": a, "x.html": b, "copy.html": a})
	if err != nil {
		t.Fatal(err)
	}
	s.collect()
	c := putString(t, s, "page b, edited")
	g2, err := s.successor(g1, map[string]Sum{"index.html": a, "x.html": c, "copy.html": a}, []string{"x.html"})
	if err != nil {
		t.Fatal(err)
	}
	s.collect()
	size("two generations", 3)
	if got := readGen(t, g1, "x.html"); got != "page b" {
		t.Errorf("g1 x.html = %q after its successor", got)
	}
	if got := readGen(t, g2, "x.html"); got != "page b, edited" {
		t.Errorf("g2 x.html = %q", got)
	}
	if _, err := s.successor(g1, map[string]Sum{"index.html": a}, []string{"x.html"}); err == nil {
		t.Error("a second successor of one generation was accepted")
	}
	if _, err := s.successor(g2, map[string]Sum{"index.html": a, "y.html": {9}}, []string{"y.html"}); err == nil {
		t.Error("a successor naming a file never stored was accepted")
	}
	g1.Close()
	size("after g1", 2) // b went: only g1 named it
	if got := readGen(t, g2, "index.html"); got != "page a" {
		t.Errorf("g2 index.html = %q after g1 is gone", got)
	}

	d := putString(t, s, "page d")
	g3, err := s.successor(g2, map[string]Sum{"index.html": a, "copy.html": a, "d.html": d}, []string{"x.html", "d.html"})
	if err != nil {
		t.Fatal(err)
	}
	s.collect()
	size("g2 and g3", 3)
	g2.Close()
	size("after g2", 2) // c went with the file g3 removed
	if got := readGen(t, g3, "d.html"); got != "page d" {
		t.Errorf("g3 d.html = %q", got)
	}
	g3.Close()
	size("after g3", 0)
}
