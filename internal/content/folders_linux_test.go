//go:build linux

package content

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// folders reads a regular entry as readFile does, and leaves to readFile
// (returns false) whatever needs its care: a link, a named pipe (without
// blocking on it), a file over the limit, a folder, a missing file.
func TestFoldersRead(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "log", "ingest")
	if err := os.MkdirAll(log, 0o755); err != nil {
		t.Fatal(err)
	}
	body := "---\nid: a\ntitle: A\ndate: 2026-03-14\n---\n" + strings.Repeat("text ", 2000)
	for name, data := range map[string]string{"a.md": body, "empty.md": "", "big.md": strings.Repeat("x", 5000)} {
		if err := os.WriteFile(filepath.Join(log, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("a.md", filepath.Join(log, "link.md")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(log, "pipe.md"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(log, "dir.md"), 0o755); err != nil {
		t.Fatal(err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	dirs := newFolders(root)
	defer dirs.close()

	if got, ok := dirs.read("log/ingest/a.md", 1<<20); !ok || string(got) != body {
		t.Errorf("read(a.md) = %d bytes, %v; want the file's %d", len(got), ok, len(body))
	}
	if got, ok := dirs.read("log/ingest/empty.md", 1<<20); !ok || len(got) != 0 {
		t.Errorf("read(empty.md) = %q, %v; want no bytes, true", got, ok)
	}
	done := make(chan bool)
	go func() {
		for _, p := range []string{"log/ingest/link.md", "log/ingest/pipe.md", "log/ingest/dir.md", "log/ingest/nope.md", "log/nope/a.md", "a.md"} {
			if got, ok := dirs.read(p, 1<<20); ok {
				t.Errorf("read(%s) = %d bytes, true; want it left to readFile", p, len(got))
			}
		}
		if _, ok := dirs.read("log/ingest/big.md", 4999); ok {
			t.Error("read(big.md) over the limit = true; want it left to readFile")
		}
		done <- true
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("read blocked (on the named pipe?)")
	}
	var nilDirs *folders
	if _, ok := nilDirs.read("log/ingest/a.md", 1<<20); ok {
		t.Error("a nil folders read a file")
	}
	nilDirs.close()
}
