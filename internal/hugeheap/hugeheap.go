// Package hugeheap asks Linux to back the Go heap with transparent huge
// pages, when they are given only to memory that asks for them (the
// "madvise" mode, the default of many distributions): a page fault then
// maps 2 MiB, not 4 KiB. Go asks for them only for its own metadata. A
// build touches every page of its heap once, and on the virtual machines
// measured (bench/faultcost) a fault costs about 21 µs: 15,000 faults in
// a cold 1k build, 117,000 in a 10k one, 2.5 s of its CPU time
// (docs/benchmarks.md, session 8).
//
// Reserve makes the runtime map the bytes asked for at once, with slices
// it never touches, marks their range, and frees them at once; the heap
// then grows into the marked range, and untouched memory costs no RSS.
// The runtime's own bookkeeping for those bytes is not free: 512 MiB
// took 15–21 ms, 64 MiB 8–11 ms (a test binary doing only that, 4 runs
// each), so a build starts with a small reserve and extends it once it
// knows the size of its log.
//
// The package imports only runtime, syscall and unsafe, so that a
// program can call Reserve from an init function that runs before the
// other packages' (cmd/shiplog/internal/earlyheap): Go initialises a
// package once its imports are, in the order of import paths, and a
// package of the standard library such as os or strconv, whose path
// sorts after "github.com/…", is initialised only after every
// dependency sorted before it that is ready — chroma's lexer registry,
// 2.7 MB in 31,000 allocations, among them.
package hugeheap

// Max is the most Reserve marks: about the heap of a 10k build, below
// the collector's soft limit a build sets (the reserve is live for a
// moment).
const Max = 512 << 20

// piece is the size of Reserve's slices: a multiple of the huge page's
// 2 MiB. In pieces: a piece that lands on pages the heap used before is
// cleared by the runtime, which touches it. One slice of the whole size
// would then be cleared whole (a gigabyte of RSS and seconds, seen in 2
// of 12 runs of the harness); a piece that fills a hole costs what the
// hole is.
const piece = 4 << 20
