package hugeheap

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

// Reserve leaves the kernel a range of the heap, Size long, marked for
// huge pages ("hg" in /proc/self/smaps), where it gives them on request;
// Release marks it for 4 KiB pages again ("nh").
func TestReserveAndRelease(t *testing.T) {
	if !thpOnRequest() || strictOvercommit() {
		t.Skip("transparent huge pages are not in madvise mode here, or memory is not overcommitted")
	}
	if !Reserve() || !Reserved() {
		t.Fatal("Reserve did not reserve")
	}
	if got := marked(t, "hg"); got < Size {
		t.Errorf("after Reserve, %d bytes are marked for huge pages, want at least %d", got, Size)
	}
	if !Reserve() {
		t.Error("a second Reserve reported no reserve")
	}
	if got := marked(t, "hg"); got >= 2*Size {
		t.Errorf("a second Reserve marked more: %d bytes", got)
	}
	Release()
	if Reserved() {
		t.Error("Reserved after Release")
	}
	if got := marked(t, "hg"); got >= Size {
		t.Errorf("after Release, %d bytes are still marked for huge pages", got)
	}
	if got := marked(t, "nh"); got < Size {
		t.Errorf("after Release, %d bytes are marked for 4 KiB pages, want at least %d", got, Size)
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
	Reserve()
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
