package site

// A log of 100,000 entries holds about 800 MB of Markdown and 2 GB of
// rendered HTML, more than a build should keep in memory (the budget is
// 1 GiB). So the loader keeps only the first keepSources bytes of bodies
// (content.Options.KeepBodies; renderEntry reads the rest again), and a
// CLI build keeps only the first keepRendered bytes of rendered bodies:
// the rest are in the cache of rendered entries anyway, and are read
// back, one page at a time, by whatever shows them. Smaller logs stay
// entirely in memory, as before.
//
// What else a build holds grows with the log (each entry's front matter,
// view, search terms and pages planned: a few KB each), so past
// 10,000 entries the budget for rendered bodies shrinks by 2 KiB per
// entry, down to 32 MiB: at 100,000 entries nearly every body is in the
// cache anyway, and memory is better left to the rest.

import (
	"cmp"
	"fmt"
	"html/template"
	"os"
	"runtime/debug"
	"sync"
	"unsafe"

	"github.com/shiplog/shiplog/internal/content"
	"github.com/shiplog/shiplog/internal/hugeheap"
	"github.com/shiplog/shiplog/internal/render"
)

const (
	keepSources     = 128 << 20
	keepRendered    = 192 << 20
	keepRenderedMin = 32 << 20
	shrinkFrom      = 10000   // entries
	shrinkBy        = 2 << 10 // bytes of budget per entry past shrinkFrom
)

// budgets returns the bytes of sources and of rendered bodies a build
// keeps in memory (tests make them small); rendered, for a log of
// entries (see above).
func (o Options) budgets() (sources int64, rendered func(entries int) int64) {
	return cmp.Or(o.keepSources, keepSources), func(entries int) int64 {
		if o.keepRendered != 0 {
			return o.keepRendered
		}
		return max(keepRendered-int64(max(entries-shrinkFrom, 0))*shrinkBy, keepRenderedMin)
	}
}

// bodyOf returns e's rendered body.
func (b *builder) bodyOf(e *content.Entry) template.HTML {
	k, ok := b.spilled[e]
	if !ok {
		return b.views[e].Body
	}
	data, ok := b.cache.Reread(k)
	if !ok {
		panic(fmt.Sprintf("%s: its rendered body is gone from the cache in %s; build again", e.Path, b.cache.Dir()))
	}
	html, err := renderedHTML(data)
	if err != nil {
		panic(fmt.Sprintf("%s: its rendered body in the cache in %s is damaged (%v); build again", e.Path, b.cache.Dir(), err))
	}
	// data was read for this call and nothing else holds or changes it,
	// so the body can be a string over it instead of a copy: at 100,000
	// entries the bodies read back are gigabytes of a build's garbage.
	return template.HTML(unsafe.String(unsafe.SliceData(html), len(html)))
}

// full returns e's view with its body: b.views[e] itself, or a copy
// with the body read back from the cache.
func (b *builder) full(e *content.Entry) *render.Entry {
	v := b.views[e]
	if _, ok := b.spilled[e]; !ok {
		return v
	}
	c := *v
	c.Body = b.bodyOf(e)
	return &c
}

// softLimit is the memory the collector keeps a one-off build under.
// The process's peak resident memory runs about 150 MiB above it (what
// the collector cannot free while it works): at 100,000 entries it was
// 1,041 MiB with 900 MiB and 957 MiB with this limit, with no more CPU
// time (docs/benchmarks.md).
const softLimit = 800 << 20

// hugeHeapEntries is the most entries a one-off build asks huge pages
// for (internal/hugeheap): measured at 10,000 entries (peak RSS about
// 460 MiB, well under softLimit) and at 100,000 (where it must not). A
// bigger log asks for 4 KiB pages again, before it is loaded, when
// `shiplog build` asked for huge pages as it started
// (cmd/shiplog/internal/earlyheap).
var hugeHeapEntries = 10000 // a variable for tests

// hugePages is set by TuneGC: the process is a one-off build.
var hugePages bool

// TuneGC sets the garbage collector for a one-off build, the process's
// only work: the collector works harder rather than let the process pass
// softLimit, the limit the budgets above are made for. The heap may grow
// to twice what is live, Go's default: three times (GOGC=200), as it was,
// made cold 10k builds slower, not faster (9.6–10.4 s against 11.1–13.3 s
// in alternated runs, peak RSS 430 against 670 MiB), as fresh memory
// costs a page fault per page on the machines measured. GOGC and
// GOMEMLIMIT, when set, win. It also lets a build of up to
// hugeHeapEntries entries ask for its heap in huge pages (hugeheap):
// fewer of those faults. shiplog build and bench/profile call it.
func TuneGC() {
	hugePages = true
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(softLimit)
	}
}

// hugeHeapFor lets a one-off build of n entries keep its heap in huge
// pages, up to hugeHeapEntries: it extends the reserve `shiplog build`
// made as it started (cmd/shiplog/internal/earlyheap) to what a log of
// n entries needs, or makes one. A bigger log asks for 4 KiB pages again.
// Under a memory limit the biggest reserve would pass (GOMEMLIMIT), it
// reserves nothing. Either way a reserve not yet handed back to the
// kernel goes back here, before the log is loaded: the runtime counts it
// against the memory limit until then (see hugeheap.Reserve). A process
// that builds again (bench/profile, tests) does not hand back again: a
// forced collection of the last build's heap cost 50 ms a build in
// bench/profile's 1k runs.
func hugeHeapFor(n int) {
	heapMu.Lock()
	defer heapMu.Unlock()
	switch want := heapFor(n); {
	case n > hugeHeapEntries:
		handBack()
		hugeheap.Release()
		handedBack = 0
	case debug.SetMemoryLimit(-1) > hugeheap.Max && hugeheap.Reserved() < want:
		// Handed back first, the early reserve's pages are known to be
		// zero: a piece of the new one that lands on them is not cleared.
		handBack()
		hugeheap.Reserve(want)
	}
	handBack()
}

// handBack hands the reserve back to the kernel unless it was handed back
// as it is. heapMu is held.
func handBack() {
	if r := hugeheap.Reserved(); r > 0 && r != handedBack {
		debug.FreeOSMemory()
		handedBack = r
	}
}

var (
	heapMu     sync.Mutex
	handedBack int // hugeheap.Reserved() when handBack last handed the reserve back
)

// heapFor is about the most heap a build of n entries holds: peak RSS
// was 80 MiB at 1,000 entries and 425 MiB at 10,000 (session 8's
// harness), the binary's 25 MiB included. At most hugeheap.Max.
func heapFor(n int) int {
	return min(hugeheap.Max, 64<<20+n*48<<10)
}
