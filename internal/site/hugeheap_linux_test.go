package site

import (
	"bufio"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
)

// hugeHeap leaves the kernel a range of the heap, heapReserve long,
// marked for huge pages ("hg" in /proc/self/smaps), where it gives them
// on request.
func TestHugeHeapMarksTheHeap(t *testing.T) {
	if !thpOnRequest() || strictOvercommit() {
		t.Skip("transparent huge pages are not in madvise mode here, or memory is not overcommitted")
	}
	hugeHeap()
	if got := markedHuge(t); got < heapReserve {
		t.Errorf("after hugeHeap, %d bytes are marked for huge pages, want at least %d", got, heapReserve)
	}
}

// A one-off build (TuneGC) asks for huge pages when its log has at most
// hugeHeapEntries entries, and not when it has more.
func TestBuildAsksForHugePages(t *testing.T) {
	if !thpOnRequest() || strictOvercommit() {
		t.Skip("transparent huge pages are not in madvise mode here, or memory is not overcommitted")
	}
	defer func(on bool, most int) { hugePages, hugeHeapEntries = on, most }(hugePages, hugeHeapEntries)
	hugePages = true
	for _, c := range []struct {
		most int
		want bool
	}{{1, false}, {10000, true}} {
		hugeHeapEntries = c.most
		src := writeSite(t, happySite)
		before := hugeHeaps.Load()
		mustBuild(t, src, filepath.Join(t.TempDir(), "out"))
		if got := hugeHeaps.Load() > before; got != c.want {
			t.Errorf("with at most %d entries for huge pages, a build of %s asked for them: %v, want %v", c.most, src, got, c.want)
		}
	}
}

// Under a memory limit the reserve would pass, hugeHeap does nothing.
func TestHugeHeapUnderALowLimit(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(heapReserve / 2))
	before := hugeHeaps.Load()
	hugeHeap()
	if hugeHeaps.Load() != before {
		t.Errorf("hugeHeap reserved %d MiB under a limit of %d MiB", heapReserve>>20, heapReserve>>21)
	}
}

// markedHuge adds up the size of this process's mappings marked for
// huge pages.
func markedHuge(t *testing.T) int64 {
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
			for _, flag := range strings.Fields(line)[1:] {
				if flag == "hg" {
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
