package hugeheap

import (
	"runtime"
	"sync"
	"syscall"
	"unsafe"
)

const (
	madvHugePage   = 14 // MADV_HUGEPAGE
	madvNoHugePage = 15 // MADV_NOHUGEPAGE
)

var (
	mu       sync.Mutex
	reserved int          // bytes marked
	ranges   [][2]uintptr // the ranges marked, for Release
)

// Reserve marks at least size bytes of the heap for huge pages (in
// pieces: it rounds up), unless an earlier call marked as much, and
// reports whether the heap is marked. It does nothing where the kernel has no
// "madvise" mode (in "always" every page is already huge), where memory
// is not overcommitted (the reserve would be charged at once), or on a
// 32-bit platform. A memory limit the reserve would pass is for the
// caller to check: runtime/debug, which reads it, would make this package
// initialise late.
//
// The runtime counts the freed reserve as memory it holds until it
// hands it back to the kernel: against a memory limit, and in a
// process's own view of its size. The caller hands it back at once with
// runtime/debug.FreeOSMemory, once it can import runtime/debug, before
// the heap grows (internal/site does when it knows the log's size);
// else the runtime's scavenger does, slowly. A call that extends a
// reserve should follow such a hand-back: pages handed back are known
// to be zero, and a piece that lands on freed pages that were not is
// cleared, which touches them.
//
// It is for heaps that stay well under the collector's soft limit: at
// 100,000 entries, where a build's heap lives near it, a build that had
// reserved ran its collector without pause and took twice as long.
// Release undoes it for the memory not yet used.
func Reserve(size int) bool {
	mu.Lock()
	defer mu.Unlock()
	if reserved >= size {
		return reserved > 0
	}
	if unsafe.Sizeof(uintptr(0)) < 8 || !thpOnRequest() || strictOvercommit() {
		return false
	}
	// All of size again, not what is missing: freed, the pieces of an
	// earlier call are where the heap puts new ones first.
	n := (size + piece - 1) / piece
	pieces := make([][]byte, 0, n)
	for range n {
		p := make([]byte, piece)
		if syscall.Madvise(p, madvHugePage) == nil {
			start := uintptr(unsafe.Pointer(unsafe.SliceData(p)))
			if k := len(ranges); k > 0 && ranges[k-1][1] == start {
				ranges[k-1][1] = start + piece
			} else {
				ranges = append(ranges, [2]uintptr{start, start + piece})
			}
		}
		pieces = append(pieces, p)
	}
	pieces = nil
	// The pieces were never touched: their pages cost nothing until the
	// heap uses them. Collected now, or the heap's next goal would be
	// twice the reserve.
	runtime.GC()
	reserved = n * piece
	return true
}

// Reserved returns how many bytes Reserve marked.
func Reserved() int {
	mu.Lock()
	defer mu.Unlock()
	return reserved
}

// Release asks for 4 KiB pages again in the ranges Reserve marked. Huge
// pages the heap has already touched stay as they are.
func Release() {
	mu.Lock()
	defer mu.Unlock()
	if reserved == 0 {
		return
	}
	for _, r := range ranges {
		syscall.Syscall(syscall.SYS_MADVISE, r[0], r[1]-r[0], madvNoHugePage)
	}
	ranges = nil
	reserved = 0
}

// thpOnRequest reports whether transparent huge pages are in "madvise"
// mode.
func thpOnRequest() bool {
	return contains(readSmall("/sys/kernel/mm/transparent_hugepage/enabled"), "[madvise]")
}

// strictOvercommit reports whether the kernel charges mapped memory when
// it is mapped (vm.overcommit_memory = 2), or cannot tell.
func strictOvercommit() bool {
	mode := readSmall("/proc/sys/vm/overcommit_memory")
	return len(mode) == 0 || mode[0] == '2'
}

// readSmall returns the start of a small file, nil when it cannot: what
// os.ReadFile would, without importing os (see the package comment).
func readSmall(path string) []byte {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil
	}
	defer syscall.Close(fd)
	buf := make([]byte, 256)
	n, err := syscall.Read(fd, buf)
	if err != nil || n < 0 {
		return nil
	}
	return buf[:n]
}

// contains is bytes.Contains; the package keeps to runtime, sync, syscall
// and unsafe (see the package comment).
func contains(s []byte, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if string(s[i:i+len(sub)]) == sub {
			return true
		}
	}
	return false
}
