package site

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The stage makes the folders a page needs, one mkdir each when the
// parent is known; folders made twice at once are fine, and a file in the
// way of a folder is an error rather than a page written elsewhere.
func TestStageWriteFolders(t *testing.T) {
	st, err := newStage(filepath.Join(t.TempDir(), "public"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.discard()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			rel := "log/a/b/" + string(rune('a'+i)) + "/index.html"
			if err := st.write(rel, []byte("x")); err != nil {
				t.Errorf("write %s: %v", rel, err)
			}
		})
	}
	wg.Wait()
	for i := range 8 {
		rel := filepath.Join(st.dir, "log", "a", "b", string(rune('a'+i)), "index.html")
		if data, err := os.ReadFile(rel); err != nil || string(data) != "x" {
			t.Errorf("%s: %q, %v", rel, data, err)
		}
	}
	// "tags" is under the root, "log/a/x" under a folder already made:
	// the second takes the one-mkdir path.
	for _, file := range []string{"tags", "log/a/x"} {
		if err := st.write(file, []byte("a file")); err != nil {
			t.Fatal(err)
		}
		err = st.write(file+"/go/index.html", []byte("page"))
		if err == nil || !strings.Contains(err.Error(), "not a directory") {
			t.Errorf("write under the file %s = %v, want a not-a-directory error", file, err)
		}
		err = st.write(file+"/index.html", []byte("page"))
		if err == nil || !strings.Contains(err.Error(), "not a directory") {
			t.Errorf("write into the file %s = %v, want a not-a-directory error", file, err)
		}
	}
}

// createFile replaces a longer file's bytes whole, and a failure is a
// path error naming the file.
func TestCreateFile(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "index.html")
	if err := createFile(name, []byte("a longer first version")); err != nil {
		t.Fatal(err)
	}
	if err := createFile(name, []byte("short")); err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(name); err != nil || string(data) != "short" {
		t.Errorf("after a second write: %q, %v", data, err)
	}
	if info, err := os.Stat(name); err != nil || info.Mode().Perm()&0o644 != 0o644 {
		t.Errorf("mode: %v, %v", info, err)
	}
	missing := filepath.Join(dir, "nope", "index.html")
	err := createFile(missing, []byte("x"))
	if err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("createFile in a missing folder = %v, want an error naming %s", err, missing)
	}
}
