package site

import (
	"path/filepath"
	"runtime/debug"
	"testing"

	"github.com/shiplog/shiplog/internal/hugeheap"
)

// A one-off build (TuneGC) asks for huge pages when its log has at most
// hugeHeapEntries entries, enough for its size; with more it asks for
// 4 KiB pages again, also when the process had asked for huge pages as
// it started.
func TestBuildAsksForHugePages(t *testing.T) {
	if !hugeheap.Reserve(4 << 20) {
		t.Skip("no huge pages on request here")
	}
	defer func(on bool, most int) { hugePages, hugeHeapEntries = on, most }(hugePages, hugeHeapEntries)
	defer hugeheap.Release()
	hugePages = true
	for _, c := range []struct {
		most int
		want bool
	}{{1, false}, {10000, true}, {1, false}} {
		hugeHeapEntries = c.most
		src := writeSite(t, happySite)
		mustBuild(t, src, filepath.Join(t.TempDir(), "out"))
		if got := hugeheap.Reserved() >= heapFor(1); got != c.want {
			t.Errorf("with at most %d entries for huge pages, after a build of %s, the heap is marked for them: %v, want %v", c.most, src, got, c.want)
		}
	}
}

// Under a memory limit the reserve would pass, a build asks for none.
func TestBuildUnderALowLimit(t *testing.T) {
	hugeheap.Release()
	defer func(on bool) { hugePages = on }(hugePages)
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(hugeheap.Max / 2))
	hugePages = true
	mustBuild(t, writeSite(t, happySite), filepath.Join(t.TempDir(), "out"))
	if got := hugeheap.Reserved(); got > 0 {
		t.Errorf("a build reserved %d MiB of huge pages under a limit of %d MiB", got>>20, hugeheap.Max>>21)
	}
}

// A reserve grows with the log, up to hugeheap.Max.
func TestHeapFor(t *testing.T) {
	for _, c := range []struct{ n, atLeast int }{{1, 64 << 20}, {1000, 100 << 20}, {10000, hugeheap.Max}, {100000, hugeheap.Max}} {
		if got := heapFor(c.n); got < c.atLeast || got > hugeheap.Max {
			t.Errorf("heapFor(%d) = %d MiB, want %d MiB to %d MiB", c.n, got>>20, c.atLeast>>20, hugeheap.Max>>20)
		}
	}
}
