package site

import (
	"bytes"
	"os"
	"runtime/debug"
	"strconv"
	"sync/atomic"
	"syscall"
)

// heapReserve is the part of the address space a one-off build asks to
// be backed by huge pages: about the heap of a 10k build, and below the
// collector's soft limit (the reserve is live for a moment).
const heapReserve = 512 << 20

// hugeHeap asks Linux to back the heap with transparent huge pages, when
// they are given only to memory that asks for them (the "madvise" mode,
// the default of many distributions): a page fault then maps 2 MiB, not
// 4 KiB. Go asks for them only for its own metadata. A build touches
// every page of its heap once, and on the virtual machines measured
// (bench/faultcost) a fault costs about 21 µs: 15,000 faults in a cold
// 1k build, 117,000 in a 10k one, 2.5 s of its CPU time
// (docs/benchmarks.md).
//
// It makes the runtime map heapReserve at once with slices it never
// touches, marks their range, and frees them at once, to the collector
// and to the kernel (unused memory costs no RSS); the heap then grows
// into the marked range. Nothing is done where the kernel has no such mode,
// where every page is already huge ("always"), where memory is not
// overcommitted (the reserve is then charged at once), under a memory
// limit (GOMEMLIMIT) the reserve would pass, or on a 32-bit platform.
//
// It is for logs whose heap stays well under the collector's soft limit
// (hugeHeapEntries): at 100,000 entries, where the heap lives near the
// limit, a build that had called it ran its collector without pause and
// took twice as long, even when it asked for 4 KiB pages again once the
// log was loaded.
func hugeHeap() {
	if strconv.IntSize < 64 || !thpOnRequest() || strictOvercommit() || debug.SetMemoryLimit(-1) <= heapReserve {
		return
	}
	// In pieces: a piece that lands on pages the heap used before is
	// cleared by the runtime, which touches it. One slice of the whole
	// size would then be cleared whole (a gigabyte of RSS and seconds,
	// seen in 2 of 12 runs of the harness); a piece that fills a hole
	// costs what the hole is.
	pieces := make([][]byte, 0, heapReserve/reservePiece)
	for range heapReserve / reservePiece {
		p := make([]byte, reservePiece)
		syscall.Madvise(p, 14) // MADV_HUGEPAGE; an error leaves it as it was
		pieces = append(pieces, p)
	}
	pieces = nil
	debug.FreeOSMemory()
	hugeHeaps.Add(1)
}

// reservePiece is the size of hugeHeap's pieces: a multiple of the huge
// page's 2 MiB.
const reservePiece = 4 << 20

// hugeHeaps counts hugeHeap's requests, for tests.
var hugeHeaps atomic.Int32

// thpOnRequest reports whether transparent huge pages are in "madvise"
// mode.
func thpOnRequest() bool {
	mode, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	return err == nil && bytes.Contains(mode, []byte("[madvise]"))
}

// strictOvercommit reports whether the kernel charges mapped memory when
// it is mapped (vm.overcommit_memory = 2).
func strictOvercommit() bool {
	mode, err := os.ReadFile("/proc/sys/vm/overcommit_memory")
	return err != nil || string(bytes.TrimSpace(mode)) == "2"
}
