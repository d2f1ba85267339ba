// Command profile builds a log in-process and writes CPU and heap
// profiles of the build, for `go tool pprof`:
//
//	go run ./bench/profile -src /tmp/shiplog-bench/corpus-1000 -cpu /tmp/cpu.pprof
//	go tool pprof -top -nodecount=40 /tmp/cpu.pprof
//
// The output folder is removed before each run, so every run is a cold
// build unless -warm is given (then the first run fills the cache and
// the output folder, and only the following runs are profiled).
//
// The garbage collector is set as `shiplog build` sets it (-cli-gc).
// -peak FILE writes the heap profile of the largest heap in use seen by
// looks every -every, for what a big build holds at its worst:
//
//	go run ./bench/profile -src /tmp/m100k -peak /tmp/peak.pprof -every 15s
//	go tool pprof -sample_index=inuse_space -top /tmp/peak.pprof
//
// With -warm the runs after the first find the output up to date (the
// stamp of the inputs, internal/site/stamp.go) unless a file changes.
//
// With -touch, it profiles one-off rebuilds after an edit, as bench/run's
// "rebuild after one edit" row times them: the log is built once, then
// each run appends a line to the newest entry and builds again (the
// entry is restored at the end).
//
//	go run ./bench/profile -src /tmp/p10k -touch -runs 3 -cpu /tmp/touch.pprof
//
// With -edit, it profiles the dev server's rebuilds instead: a
// site.Builder builds the log once, then each run adds a paragraph with
// a new word at the top of one entry's body (the newest by file name, as
// bench/servelat does) and rebuilds, told that entry changed. The entry
// is restored at the end.
//
//	go run ./bench/profile -src /tmp/c10k -edit -runs 5 -cpu /tmp/edit.pprof
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/shiplog/shiplog/bench/internal/corpus"
	"github.com/shiplog/shiplog/internal/site"
)

func main() {
	src := flag.String("src", "", "the log to build (required)")
	out := flag.String("out", filepath.Join(os.TempDir(), "shiplog-profile-out"), "output folder (removed before each cold run)")
	cpu := flag.String("cpu", "", "write a CPU profile of the profiled runs to `FILE`")
	mem := flag.String("mem", "", "write a heap profile (after the last run) to `FILE`")
	runs := flag.Int("runs", 1, "profiled runs")
	warm := flag.Bool("warm", false, "profile no-change rebuilds: build once first and keep the output and the cache")
	edit := flag.Bool("edit", false, "profile the dev server's rebuilds after a body edit of the newest entry")
	stats := flag.Bool("stats", false, "with -edit, print each rebuild's phases")
	touch := flag.Bool("touch", false, "profile one-off rebuilds after a line is appended to the newest entry")
	peak := flag.String("peak", "", "write a heap profile taken when the heap in use was largest to `FILE` (snapshots every -every)")
	every := flag.Duration("every", 10*time.Second, "how often -peak looks at the heap")
	cliGC := flag.Bool("cli-gc", true, "collect garbage as `shiplog build` does (800 MiB soft limit) unless GOMEMLIMIT is set")
	flag.Parse()
	if *cliGC {
		site.TuneGC()
	}
	if *peak != "" {
		stop := watchPeak(*peak, *every)
		defer stop()
	}
	if *src == "" {
		flag.Usage()
		os.Exit(2)
	}
	if *edit {
		if err := edits(*src, *runs, *cpu, *mem, *stats); err != nil {
			fatal(err)
		}
		return
	}
	cacheDir := filepath.Join(*src, ".shiplog", "cache")
	opts := site.Options{Src: *src, Out: *out, Stats: true}
	ctx := context.Background()
	before := func(int) {}
	if *touch {
		entry, err := corpus.LastEntry(*src)
		if err != nil {
			fatal(err)
		}
		original, err := os.ReadFile(entry)
		if err != nil {
			fatal(err)
		}
		defer os.WriteFile(entry, original, 0o644)
		before = func(run int) {
			text := fmt.Sprintf("%s\nEdited for the profile, run %d.\n", original, run)
			if err := os.WriteFile(entry, []byte(text), 0o644); err != nil {
				fatal(err)
			}
		}
		*warm = true
	}
	if *warm {
		if _, err := site.Build(ctx, opts); err != nil {
			fatal(err)
		}
	}
	if *cpu != "" {
		f, err := os.Create(*cpu)
		if err != nil {
			fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fatal(err)
		}
		defer f.Close()
	}
	for i := range *runs {
		if !*warm {
			os.RemoveAll(*out)
			os.RemoveAll(cacheDir)
		}
		before(i + 1)
		start := time.Now()
		rep, err := site.Build(ctx, opts)
		if err != nil {
			fatal(err)
		}
		fmt.Fprintf(os.Stderr, "run %d: %s (%d pages)\n", i+1, time.Since(start).Round(time.Millisecond), rep.Pages)
		rep.Stats.Print(os.Stderr)
	}
	if *cpu != "" {
		pprof.StopCPUProfile()
	}
	if *mem != "" {
		f, err := os.Create(*mem)
		if err != nil {
			fatal(err)
		}
		runtime.GC()
		if err := pprof.WriteHeapProfile(f); err != nil {
			fatal(err)
		}
		f.Close()
	}
}

// watchPeak looks at the heap every interval and, whenever more of it
// is in use than at any look before, writes a heap profile to file. The
// returned func stops it and reports the peak.
func watchPeak(file string, every time.Duration) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		var most uint64
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-done:
				fmt.Fprintf(os.Stderr, "peak heap in use at a look: %.1f MiB (profile in %s)\n", float64(most)/(1<<20), file)
				return
			case <-tick.C:
			}
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapInuse <= most {
				continue
			}
			most = m.HeapInuse
			f, err := os.Create(file)
			if err != nil {
				fatal(err)
			}
			if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
				fatal(err)
			}
			f.Close()
		}
	}()
	return func() { close(done); <-finished }
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "profile:", err)
	os.Exit(1)
}

// edits profiles runs rebuilds of a site.Builder, each after a body edit.
func edits(src string, runs int, cpu, mem string, stats bool) error {
	entry, err := corpus.LastEntry(src)
	if err != nil {
		return err
	}
	original, err := os.ReadFile(entry)
	if err != nil {
		return err
	}
	defer os.WriteFile(entry, original, 0o644)
	rel, _ := filepath.Rel(src, entry)
	changed := []string{filepath.ToSlash(rel)}
	head, body, ok := strings.Cut(string(original[3:]), "\n---\n")
	if !ok {
		return fmt.Errorf("%s: no front matter", entry)
	}
	put := func([32]byte, []byte) error { return nil }
	ctx := context.Background()
	b := site.NewBuilder(site.Options{Src: src, Drafts: true, Serve: true, Stats: stats})
	start := time.Now()
	if _, _, err := b.Build(ctx, nil, put); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "first build: %s\n", time.Since(start).Round(time.Millisecond))
	build := func(n int) (*site.Output, *site.Report, time.Duration, error) {
		data := string(original[:3]) + head + "\n---\n\nA line for the timer: profilemarker" + fmt.Sprint(n) + ".\n" + body
		if err := os.WriteFile(entry, []byte(data), 0o644); err != nil {
			return nil, nil, 0, err
		}
		start := time.Now()
		out, rep, err := b.Build(ctx, changed, put)
		return out, rep, time.Since(start), err
	}
	if _, _, _, err := build(0); err != nil { // warm up: the first edit reads more
		return err
	}
	if mem != "" {
		// The allocations of the edits alone are those of mem less
		// those of mem.base: go tool pprof -sample_index=alloc_space -base mem.base mem
		if err := writeHeap(mem + ".base"); err != nil {
			return err
		}
	}
	if cpu != "" {
		f, err := os.Create(cpu)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	gcs, alloc := ms.NumGC, ms.TotalAlloc
	gcs0, cpu0, start := gcs, cpuTime(), time.Now()
	defer func() {
		runtime.ReadMemStats(&ms)
		fmt.Fprintf(os.Stderr, "%d edits: %s wall, %s CPU per edit, garbage collection included (%d GCs in all)\n",
			runs, (time.Since(start) / time.Duration(max(runs, 1))).Round(time.Millisecond),
			((cpuTime() - cpu0) / time.Duration(max(runs, 1))).Round(time.Millisecond), ms.NumGC-gcs0)
	}()
	for i := range runs {
		out, rep, d, err := build(i + 1)
		if err != nil {
			return err
		}
		if stats && rep.Stats != nil {
			for _, p := range rep.Stats.Phases {
				fmt.Fprintf(os.Stderr, "  %-10s %8s %6.1f MiB\n", p.Name, p.Wall.Round(100*time.Microsecond), float64(p.HeapAlloc)/(1<<20))
			}
		}
		runtime.ReadMemStats(&ms)
		fmt.Fprintf(os.Stderr, "edit %d: %s, made %d of %d files, allocated %d MB, %d GCs, heap %d MB\n",
			i+1, d.Round(time.Millisecond), out.Made, len(out.Files), (ms.TotalAlloc-alloc)>>20, ms.NumGC-gcs, ms.HeapAlloc>>20)
		gcs, alloc = ms.NumGC, ms.TotalAlloc
	}
	if cpu != "" {
		pprof.StopCPUProfile()
	}
	if mem != "" {
		err := writeHeap(mem)
		runtime.KeepAlive(b) // what the Builder keeps between saves is the heap worth seeing
		return err
	}
	return nil
}

func writeHeap(name string) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	defer f.Close()
	runtime.GC()
	return pprof.WriteHeapProfile(f)
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
