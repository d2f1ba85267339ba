package site

import (
	"bufio"
	"os"
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
	before := markedHuge(t)
	hugeHeap()
	if got := markedHuge(t) - before; got < heapReserve {
		t.Errorf("hugeHeap marked %d more bytes for huge pages, want at least %d", got, heapReserve)
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
