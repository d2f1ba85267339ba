package hugeheap

import (
	"bufio"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"unsafe"
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

func TestParseMapping(t *testing.T) {
	for _, c := range []struct {
		line       string
		start, end uintptr
		ok         bool
	}{
		{"2cb2f7800000-2cb2f7de0000 rw-p 00000000 00:00 0 ", 0x2cb2f7800000, 0x2cb2f7de0000, true},
		{"c000000000-c000400000 rw-p 00000000 00:00 0", 0xc000000000, 0xc000400000, true},
		{"7ffc5a92e000-7ffc5a94f000 rw-p 00000000 00:00 0                          [stack]", 0, 0, false},
		{"00400000-0059d000 r-xp 00000000 fd:00 1234                       /usr/bin/shiplog", 0, 0, false},
		{"0059d000-005d3000 rw-p 0019d000 fd:00 1234                       /usr/bin/shiplog", 0, 0, false},
		{"7ff83c3e7000-7ff83c5a7000 ---p 00000000 00:00 0", 0, 0, false},
		{"7ff83c3e7000-7ff83c5a7000 rw-s 00000000 00:05 77                         /dev/zero (deleted)", 0, 0, false},
		{"7ff83c5a7000-7ff83c3e7000 rw-p 00000000 00:00 0", 0, 0, false}, // ends before it starts
		{"7ff83c3e7000 rw-p 00000000 00:00 0", 0, 0, false},
		{"zz-7ff83c3e7000 rw-p 00000000 00:00 0", 0, 0, false},
		{"12345678901234567-12345678901234568 rw-p 00000000 00:00 0", 0, 0, false}, // too long
		{"", 0, 0, false},
	} {
		m, ok := parseMapping([]byte(c.line))
		if ok != c.ok || ok && (m.start != c.start || m.end != c.end) {
			t.Errorf("parseMapping(%q) = %x-%x, %v; want %x-%x, %v", c.line, m.start, m.end, ok, c.start, c.end, c.ok)
		}
	}
}

// Reserve marks the heap's mapping around its pieces as well: the part
// the runtime had mapped before them holds the heap's first
// allocations.
func TestReserveMarksTheHeapAround(t *testing.T) {
	if !thpOnRequest() || strictOvercommit() {
		t.Skip("transparent huge pages are not in madvise mode here, or memory is not overcommitted")
	}
	Release()
	defer Release()
	early := new([64]byte) // in the heap's mapping, before the pieces
	if !Reserve(16 << 20) {
		t.Fatal("Reserve(16 MiB) reserved nothing")
	}
	addr := uintptr(unsafe.Pointer(early))
	flags := flagsAt(t, addr)
	if !strings.Contains(" "+flags+" ", " hg ") {
		t.Errorf("the mapping of an object allocated before Reserve has flags %q, want hg", flags)
	}
	runtime.KeepAlive(early)
}

// flagsAt returns the VmFlags of the mapping holding addr.
func flagsAt(t *testing.T, addr uintptr) string {
	t.Helper()
	data, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		t.Skip(err)
	}
	in := false
	for _, line := range strings.Split(string(data), "\n") {
		if m, ok := parseMapping([]byte(line)); ok {
			in = m.start <= addr && addr < m.end
			continue
		}
		if f := strings.Fields(line); len(f) > 0 && strings.Contains(f[0], "-") && !strings.HasSuffix(f[0], ":") {
			in = false
			continue
		}
		if in && strings.HasPrefix(line, "VmFlags:") {
			return strings.TrimSpace(strings.TrimPrefix(line, "VmFlags:"))
		}
	}
	t.Fatalf("no mapping holds %#x", addr)
	return ""
}
