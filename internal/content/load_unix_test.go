//go:build unix

package content

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestLoadFIFO: a named pipe called like an entry is refused at once;
// opening it would block the build forever.
func TestLoadFIFO(t *testing.T) {
	dir := writeSite(t, "-- log/ok.md --\n---\nid: a\ntitle: A\ndate: 2026-03-14\n---\n")
	if err := syscall.Mkfifo(filepath.Join(dir, "log", "pipe.md"), 0o644); err != nil {
		t.Skipf("cannot make a FIFO here: %v", err)
	}
	done := make(chan []string)
	go func() {
		_, problems := load(t, dir, Options{})
		done <- problems
	}()
	select {
	case problems := <-done:
		want := "log/pipe.md:1:1: error: cannot read: a named pipe, not a regular file (entries and home.md must be regular files)"
		if got := strings.Join(problems, "\n"); got != want {
			t.Errorf("Load problems:\n\t%s\nwant\n\t%s", got, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Load blocked on a named pipe")
	}
}
