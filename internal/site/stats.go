package site

import (
	"fmt"
	"io"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/shiplog/shiplog/internal/buildcache"
)

// Stats is where a build spent its time and memory, for `shiplog build
// --stats`. Phases run one after another: inputs (the stamp's walk),
// load, render (Markdown and highlighting), images, plan (the staging
// folder and the plan of the pages), index (the search index, whose
// files a one-off build writes here, the error memory and the lessons),
// write (the pages and every other file) and swap. The CPU columns sum
// the time spent inside a kind of work across every worker, so on N
// cores they can add up to N times the wall time.
type Stats struct {
	Phases []Phase

	Highlight      time.Duration // in the highlighter, summed over workers
	Blocks, Reused int           // code blocks highlighted, and how many were copies of an earlier one
	Templates      time.Duration // executing page templates, summed over workers
	Files          time.Duration // reading site files to publish (images, static/), summed over workers

	Cache     buildcache.Stats // the cache of rendered entries
	Written   int              // output files written
	Unchanged int              // output files whose bytes were already in place
	Removed   int              // output files of the previous build that are gone
	Skipped   int              // unchanged files whose pages were not even rendered (their inputs did not change)

	PeakRSS int64 // bytes, the process's high-water mark so far

	// UpToDate says the build did nothing: its inputs were those of the
	// build that made the output (stamp.go).
	UpToDate bool
}

// Phase is one step of a build.
type Phase struct {
	Name      string
	Wall      time.Duration
	HeapAlloc uint64 // bytes allocated during the phase
	HeapLive  uint64 // bytes in use on the heap at its end
}

// Print writes the stats as a table.
func (s *Stats) Print(w io.Writer) {
	fmt.Fprintf(w, "%-10s %10s %12s %12s\n", "phase", "wall", "allocated", "heap at end")
	var total time.Duration
	for _, p := range s.Phases {
		total += p.Wall
		fmt.Fprintf(w, "%-10s %10s %12s %12s\n", p.Name, p.Wall.Round(time.Millisecond), mib(p.HeapAlloc), mib(p.HeapLive))
	}
	fmt.Fprintf(w, "%-10s %10s\n", "total", total.Round(time.Millisecond))
	fmt.Fprintf(w, "highlight  %s CPU, %d code blocks (%d reused)\n", s.Highlight.Round(time.Millisecond), s.Blocks, s.Reused)
	fmt.Fprintf(w, "templates  %s CPU\n", s.Templates.Round(time.Millisecond))
	fmt.Fprintf(w, "images     %s CPU reading (and scrubbing) images and static files\n", s.Files.Round(time.Millisecond))
	fmt.Fprintf(w, "cache      %d hits, %d misses, %d written, %d corrupt, %d pruned\n", s.Cache.Hits, s.Cache.Misses, s.Cache.Puts, s.Cache.Corrupt, s.Cache.Pruned)
	fmt.Fprintf(w, "output     %d written, %d unchanged (%d not rendered), %d removed\n", s.Written, s.Unchanged, s.Skipped, s.Removed)
	if s.UpToDate {
		fmt.Fprintf(w, "inputs     unchanged since the build that made the output: nothing loaded\n")
	}
	fmt.Fprintf(w, "peak RSS   %s\n", mib(uint64(s.PeakRSS)))
}

func mib(n uint64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// stopwatch records phases when stats are wanted; a nil stopwatch does
// nothing.
type stopwatch struct {
	stats *Stats
	name  string
	start time.Time
	alloc uint64

	templates, files atomic.Int64 // nanoseconds
}

func newStopwatch(on bool) *stopwatch {
	if !on {
		return nil
	}
	return &stopwatch{stats: &Stats{}}
}

// phase ends the running phase, if any, and starts the named one ("" to
// only end).
func (sw *stopwatch) phase(name string) {
	if sw == nil {
		return
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	now := time.Now()
	if sw.name != "" {
		sw.stats.Phases = append(sw.stats.Phases, Phase{Name: sw.name, Wall: now.Sub(sw.start), HeapAlloc: m.TotalAlloc - sw.alloc, HeapLive: m.HeapAlloc})
	}
	sw.name, sw.start, sw.alloc = name, now, m.TotalAlloc
}

// timeTemplates and timeFiles return a function that adds the time
// since their call to the templates' or the files' total.
func (sw *stopwatch) timeTemplates() func() {
	if sw == nil {
		return func() {}
	}
	return timer(&sw.templates)
}

func (sw *stopwatch) timeFiles() func() {
	if sw == nil {
		return func() {}
	}
	return timer(&sw.files)
}

func timer(into *atomic.Int64) func() {
	start := time.Now()
	return func() { into.Add(int64(time.Since(start))) }
}

func (sw *stopwatch) finish(b *builder) *Stats {
	if sw == nil {
		return nil
	}
	sw.phase("")
	s := sw.stats
	s.Templates = time.Duration(sw.templates.Load())
	s.Files = time.Duration(sw.files.Load())
	if b != nil {
		hs := b.md.Stats()
		s.Highlight, s.Blocks, s.Reused = hs.Highlight, hs.Blocks, hs.Reused
		s.Cache = b.cache.Stats()
		s.Written, s.Unchanged, s.Removed, s.Skipped = b.written, b.unchanged, b.removed, b.skipped
	}
	s.PeakRSS = peakRSS()
	return s
}

// Progress is what a running build has done so far, for a caller to
// show (the CLI does on a terminal). Its methods are safe to call from
// any goroutine while the build runs; a nil *Progress ignores updates.
type Progress struct {
	phase       atomic.Value // string
	done, total atomic.Int64
}

// Get returns the current phase and how far it is.
func (p *Progress) Get() (phase string, done, total int64) {
	s, _ := p.phase.Load().(string)
	return s, p.done.Load(), p.total.Load()
}

func (p *Progress) start(phase string, total int) {
	if p == nil {
		return
	}
	p.done.Store(0)
	p.total.Store(int64(total))
	p.phase.Store(phase)
}

func (p *Progress) add(n int) {
	if p != nil {
		p.done.Add(int64(n))
	}
}
