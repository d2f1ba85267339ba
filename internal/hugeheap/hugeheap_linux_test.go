package hugeheap

import (
	"bufio"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
)

// Reserve leaves the kernel a range of the heap marked for huge pages
// ("hg" in /proc/self/smaps), where it gives them on request, as big as
// asked, and extends it when asked for more; Release marks it for 4 KiB
// pages again ("nh").
func TestReserveAndRelease(t *testing.T) {
	if !thpOnRequest() || strictOvercommit() {
		t.Skip("transparent huge pages are not in madvise mode here, or memory is not overcommitted")
	}
	Release()
	base := marked(t, "hg") // the runtime's own
	if !Reserve(64<<20) || Reserved() != 64<<20 {
		t.Fatalf("Reserve(64 MiB): %d bytes reserved", Reserved())
	}
	if got := marked(t, "hg") - base; got < 64<<20 {
		t.Errorf("after Reserve(64 MiB), %d bytes are marked for huge pages", got)
	}
	if !Reserve(32<<20) || Reserved() != 64<<20 {
		t.Errorf("Reserve(32 MiB) after 64: %d bytes reserved, want 64 MiB", Reserved())
	}
	debug.FreeOSMemory() // as a caller does before it extends a reserve
	if !Reserve(Max) || Reserved() != Max {
		t.Errorf("Reserve(Max) after 64 MiB: %d bytes reserved, want %d", Reserved(), Max)
	}
	if got := marked(t, "hg") - base; got < Max {
		t.Errorf("after Reserve(Max), %d bytes are marked for huge pages, want at least %d", got, Max)
	}
	Release()
	if Reserved() != 0 {
		t.Error("Reserved after Release")
	}
	if got := marked(t, "hg") - base; got >= 64<<20 {
		t.Errorf("after Release, %d bytes are still marked for huge pages", got)
	}
	if got := marked(t, "nh"); got < Max {
		t.Errorf("after Release, %d bytes are marked for 4 KiB pages, want at least %d", got, Max)
	}
}

// The reserve costs no memory: the pieces are never touched, and the
// collector has them back at once.
func TestReserveCostsNoMemory(t *testing.T) {
	if !thpOnRequest() || strictOvercommit() {
		t.Skip("transparent huge pages are not in madvise mode here, or memory is not overcommitted")
	}
	Release()
	before := rss(t)
	Reserve(Max)
	defer Release()
	if grown := rss(t) - before; grown > 64<<20 {
		t.Errorf("Reserve grew the resident set by %d MiB", grown>>20)
	}
}

func TestContains(t *testing.T) {
	for _, c := range []struct {
		s, sub string
		want   bool
	}{
		{"always [madvise] never", "[madvise]", true},
		{"[always] madvise never", "[madvise]", false},
		{"", "[madvise]", false},
		{"[madvise]", "[madvise]", true},
	} {
		if got := contains([]byte(c.s), c.sub); got != c.want {
			t.Errorf("contains(%q, %q) = %v", c.s, c.sub, got)
		}
	}
}

// marked adds up the size of this process's mappings with the VmFlags
// flag in /proc/self/smaps.
func marked(t *testing.T, flag string) int64 {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	var total, size int64
	s := bufio.NewScanner(f)
	for s.Scan() {
		line := s.Text()
		switch {
		case strings.HasPrefix(line, "Size:"):
			kb, _ := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
			size = kb << 10
		case strings.HasPrefix(line, "VmFlags:"):
			for _, f := range strings.Fields(line)[1:] {
				if f == flag {
					total += size
				}
			}
		}
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	return total
}

// rss is this process's resident set, in bytes.
func rss(t *testing.T) int64 {
	t.Helper()
	data, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Skip(err)
	}
	pages, err := strconv.ParseInt(strings.Fields(string(data))[1], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return pages * int64(os.Getpagesize())
}
