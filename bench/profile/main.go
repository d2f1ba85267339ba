// Command profile builds a log in-process and writes CPU and heap
// profiles of the build, for `go tool pprof`:
//
//	go run ./bench/profile -src /tmp/shiplog-bench/corpus-1000 -cpu /tmp/cpu.pprof
//	go tool pprof -top -nodecount=40 /tmp/cpu.pprof
//
// The output folder is removed before each run, so every run is a cold
// build unless -warm is given (then the first run fills the cache and
// the output folder, and only the following runs are profiled).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/shiplog/shiplog/internal/site"
)

func main() {
	src := flag.String("src", "", "the log to build (required)")
	out := flag.String("out", filepath.Join(os.TempDir(), "shiplog-profile-out"), "output folder (removed before each cold run)")
	cpu := flag.String("cpu", "", "write a CPU profile of the profiled runs to `FILE`")
	mem := flag.String("mem", "", "write a heap profile (after the last run) to `FILE`")
	runs := flag.Int("runs", 1, "profiled runs")
	warm := flag.Bool("warm", false, "profile no-change rebuilds: build once first and keep the output and the cache")
	flag.Parse()
	if *src == "" {
		flag.Usage()
		os.Exit(2)
	}
	cacheDir := filepath.Join(*src, ".shiplog", "cache")
	opts := site.Options{Src: *src, Out: *out, Stats: true}
	ctx := context.Background()
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

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "profile:", err)
	os.Exit(1)
}
