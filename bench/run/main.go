// Command run times shiplog against Hugo on generated corpora and prints
// Markdown tables for docs/benchmarks.md.
//
//	go run ./bench/run -sizes 1000,10000 -runs 5
//	go run ./bench/run -sizes 1000,10000 -big      # and 100,000 entries
//
// For each size it generates the corpus once with bench/gencorpus (a
// shiplog site and the same content as a Hugo site), then times, each
// -runs times, as separate processes:
//
//   - the floor: bench/floor, which only reads the entries and renders
//     their Markdown and code in memory on all cores (no pages, no writes);
//   - a cold shiplog build: a new output folder and no cache (every
//     cold build, Hugo's too, writes into a folder of its own; they are
//     all removed when the harness ends, see outFolders);
//   - a no-change shiplog rebuild: the same build again over its own
//     output and cache (the stamp of the inputs finds it up to date);
//   - a rebuild after one edit: a line appended to one entry (the last
//     by file name; a different line each run, restored at the end), so
//     the build loads the log, renders that entry and writes what shows
//     it, the rest from the cache;
//   - a cold Hugo build (up to -hugo-max entries; Hugo is Debian's, run
//     as installed; when it is missing its rows say so).
//
// shiplog's Open Graph cards (one drawn PNG per entry) are off unless
// -cards: the Hugo twin makes none, and docs/images.md measures them.
//
// Each row gives the median and the spread of wall time, the median CPU
// time (user+sys, from rusage) and the largest peak RSS; the ratios
// compare medians. Before each run, untimed, the harness asks the kernel
// to write out what earlier runs left in memory (sync), so no run pays
// for the one before it. The machine's load average is printed before and
// after, because a loaded machine inflates every wall time.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/shiplog/shiplog/bench/internal/corpus"
	"github.com/shiplog/shiplog/bench/internal/release"
)

type sample struct {
	wall, cpu time.Duration
	rssKB     int64
}

type result struct {
	size    int
	tool    string // "floor", "shiplog", "rebuild", "edit", "hugo"
	samples []sample
	err     string
}

func main() {
	sizes := flag.String("sizes", "1000,10000", "comma-separated corpus sizes")
	big := flag.Bool("big", false, "add a corpus of 100,000 entries")
	runs := flag.Int("runs", 5, "runs per tool and size")
	work := flag.String("work", filepath.Join(os.TempDir(), "shiplog-bench"), "scratch folder for corpora, binaries and outputs")
	bin := flag.String("shiplog", "", "shiplog binary (default: build ./cmd/shiplog)")
	hugo := flag.String("hugo", "hugo", `hugo binary; "" leaves Hugo out`)
	hugoMax := flag.Int("hugo-max", 10000, "largest corpus to time Hugo on")
	cards := flag.Bool("cards", false, "let shiplog draw an Open Graph card per entry (Hugo's twin draws none)")
	flag.Parse()

	if err := os.MkdirAll(*work, 0o755); err != nil {
		fatal(err)
	}
	if *bin == "" {
		*bin = filepath.Join(*work, "shiplog")
		if err := release.Build(*bin); err != nil {
			fatal(err)
		}
	}
	floorBin := filepath.Join(*work, "floor")
	goBuild(floorBin, "./bench/floor")
	hugoPath, hugoErr := "", fmt.Errorf("left out")
	hugoVersion := "left out"
	if *hugo != "" {
		hugoPath, hugoErr = exec.LookPath(*hugo)
		hugoVersion = "not installed"
		if hugoErr == nil {
			out, _ := exec.Command(hugoPath, "version").Output()
			hugoVersion = strings.TrimSpace(string(out))
		}
	}
	list := strings.Split(*sizes, ",")
	if *big {
		list = append(list, "100000")
	}

	outs := &outFolders{work: *work}
	outs.setAside() // a run that was stopped left them
	defer outs.removeAll()
	loadBefore := loadavg()
	var results []result
	for _, s := range list {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			fatal(fmt.Errorf("bad size %q", s))
		}
		withHugo := hugoErr == nil && n <= *hugoMax
		src := filepath.Join(*work, fmt.Sprintf("corpus-%d", n))
		hsrc := filepath.Join(*work, fmt.Sprintf("hugo-%d", n))
		_, err = os.Stat(filepath.Join(src, "shiplog.toml"))
		_, herr := os.Stat(filepath.Join(hsrc, "hugo.toml"))
		if err != nil || (withHugo && herr != nil) {
			os.RemoveAll(src)
			os.RemoveAll(hsrc)
			args := []string{"run", "./bench/gencorpus", "-n", strconv.Itoa(n), "-out", src}
			if withHugo {
				args = append(args, "-hugo", hsrc)
			}
			gen := exec.Command("go", args...)
			gen.Stderr = os.Stderr
			if err := gen.Run(); err != nil {
				fatal(fmt.Errorf("generate %d: %w", n, err))
			}
		}
		if err := noCards(src, *cards); err != nil {
			fatal(err)
		}
		out := ""
		cache := filepath.Join(src, ".shiplog", "cache")
		build := func() *exec.Cmd {
			return exec.Command(*bin, "build", src, "--out", out, "--quiet", "--future")
		}
		results = append(results, measure(n, "floor", *runs, func() *exec.Cmd { return exec.Command(floorBin, src) }))
		results = append(results, measure(n, "shiplog", *runs, func() *exec.Cmd {
			out = outs.fresh()
			os.RemoveAll(cache) // a few files: the cache is a pack
			return build()
		}))
		// The last cold build left its output and cache: rebuild over them.
		results = append(results, measure(n, "rebuild", *runs, build))
		edited, err := corpus.LastEntry(src)
		if err != nil {
			fatal(err)
		}
		original, err := os.ReadFile(edited)
		if err != nil {
			fatal(err)
		}
		edits := 0
		results = append(results, measure(n, "edit", *runs, func() *exec.Cmd {
			edits++
			text := fmt.Sprintf("%s\nEdited for the benchmark, run %d.\n", original, edits)
			if err := os.WriteFile(edited, []byte(text), 0o644); err != nil {
				fatal(err)
			}
			return build()
		}))
		if err := os.WriteFile(edited, original, 0o644); err != nil {
			fatal(err)
		}
		os.RemoveAll(cache)
		switch {
		case withHugo:
			results = append(results, measure(n, "hugo", *runs, func() *exec.Cmd {
				return exec.Command(hugoPath, "--quiet", "--source", hsrc, "--destination", outs.fresh())
			}))
		case hugoErr != nil:
			results = append(results, result{size: n, tool: "hugo", err: hugoErr.Error()})
		default:
			results = append(results, result{size: n, tool: "hugo", err: fmt.Sprintf("not run above %d entries", *hugoMax)})
		}
	}
	report(results, hugoVersion, *runs, loadBefore, loadavg())
}

// outFolders hands every cold build, shiplog's and Hugo's, a folder of
// its own, and removes them all when the harness ends. Removing the last
// run's thousands of files just before the next run made that run pay
// for it: ext4 then takes minutes to create files cheaply again (it
// checks each recently freed inode it passes), which spread cold runs at
// 10k from 12.6 to 19.1 s, slowest last (docs/benchmarks.md).
type outFolders struct {
	work string
	n    int
}

func (o *outFolders) fresh() string {
	o.n++
	return filepath.Join(o.work, fmt.Sprintf("out-%d", o.n))
}

// setAside moves the output folders an earlier run left into a folder
// that removeAll removes: renaming them costs nothing, removing them now
// would slow this run's first builds.
func (o *outFolders) setAside() {
	old, _ := filepath.Glob(filepath.Join(o.work, "out-*"))
	if len(old) == 0 {
		return
	}
	trash := filepath.Join(o.work, "trash")
	os.MkdirAll(trash, 0o755)
	for _, dir := range old {
		os.Rename(dir, filepath.Join(trash, fmt.Sprintf("%s-%d", filepath.Base(dir), time.Now().UnixNano())))
	}
}

func (o *outFolders) removeAll() {
	old, _ := filepath.Glob(filepath.Join(o.work, "out-*"))
	for _, dir := range append(old, filepath.Join(o.work, "out"), filepath.Join(o.work, "trash")) {
		os.RemoveAll(dir)
	}
}

// noCards turns shiplog's Open Graph cards off in the corpus at src, or
// back on: the Hugo twin draws none, so the comparison leaves them out
// unless -cards asks for them (docs/images.md measures them).
func noCards(src string, cards bool) error {
	p := filepath.Join(src, "shiplog.toml")
	data, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	const off = "\n[images]\ncards = false\n"
	s := strings.TrimSuffix(string(data), off)
	if !cards {
		s += off
	}
	if s == string(data) {
		return nil // left alone: a fresh file would keep the no-change rebuild from trusting its stamp
	}
	return os.WriteFile(p, []byte(s), 0o644)
}

func goBuild(out, pkg string) {
	build := exec.Command("go", "build", "-trimpath", "-o", out, pkg)
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fatal(fmt.Errorf("build %s: %w", pkg, err))
	}
}

func measure(n int, tool string, runs int, cmd func() *exec.Cmd) result {
	r := result{size: n, tool: tool}
	for i := 0; i < runs; i++ {
		c := cmd()
		c.Stderr = os.Stderr
		// Every run starts with nothing waiting to be written: without
		// this, each cold build (half a gigabyte at 10k) was still being
		// flushed to disk during the next one, whichever tool that was.
		syscall.Sync()
		start := time.Now()
		err := c.Run()
		wall := time.Since(start)
		if err != nil {
			r.err = err.Error()
			return r
		}
		ru, _ := c.ProcessState.SysUsage().(*syscall.Rusage)
		s := sample{wall: wall}
		if ru != nil {
			s.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
			s.rssKB = int64(ru.Maxrss)
		}
		r.samples = append(r.samples, s)
		fmt.Fprintf(os.Stderr, "%s %d run %d: %s\n", tool, n, i+1, wall.Round(time.Millisecond))
	}
	return r
}

func median(xs []time.Duration) time.Duration {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

func report(results []result, hugoVersion string, runs int, loadBefore, loadAfter string) {
	fmt.Printf("Machine: %d cores (GOMAXPROCS %d), %s/%s, %s. Hugo: %s. Runs per cell: %d. Date: %s. Load average (1, 5, 15 min) before: %s; after: %s.\n\n",
		runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH, memTotal(), hugoVersion, runs,
		time.Now().UTC().Format("2006-01-02 15:04 MST"), loadBefore, loadAfter)
	fmt.Println("| entries | what | wall median | wall min–max | CPU median | peak RSS | ratio |")
	fmt.Println("|---:|---|---:|---:|---:|---:|---:|")
	medians := map[string]time.Duration{}
	key := func(tool string, n int) string { return fmt.Sprintf("%s/%d", tool, n) }
	labels := map[string]string{"floor": "floor (load + Markdown + highlight, in memory)", "shiplog": "shiplog, cold", "rebuild": "shiplog, no-change rebuild", "edit": "shiplog, rebuild after one edit", "hugo": "Hugo, cold"}
	for _, r := range results {
		if r.err != "" {
			fmt.Printf("| %d | %s | — | — | — | — | (%s) |\n", r.size, labels[r.tool], r.err)
			continue
		}
		var walls, cpus []time.Duration
		var rss int64
		for _, s := range r.samples {
			walls = append(walls, s.wall)
			cpus = append(cpus, s.cpu)
			rss = max(rss, s.rssKB)
		}
		m := median(walls)
		medians[key(r.tool, r.size)] = m
		ratio := ""
		cold, ok := medians[key("shiplog", r.size)]
		switch {
		case (r.tool == "rebuild" || r.tool == "edit") && ok:
			ratio = fmt.Sprintf("%.1f× faster than cold", float64(cold)/float64(m))
		case r.tool == "hugo" && ok:
			ratio = fmt.Sprintf("shiplog/Hugo %.2f (%.1f× faster)", float64(cold)/float64(m), float64(m)/float64(cold))
		case r.tool == "shiplog":
			if f, ok := medians[key("floor", r.size)]; ok {
				ratio = fmt.Sprintf("%.1f× the floor", float64(m)/float64(f))
			}
			if small, ok := medians[key("shiplog", r.size/10)]; ok && r.size >= 10 {
				ratio += fmt.Sprintf("; t(%d)/t(%d) = %.1f", r.size, r.size/10, float64(m)/float64(small))
			}
		}
		fmt.Printf("| %d | %s | %s | %s–%s | %s | %d MiB | %s |\n", r.size, labels[r.tool],
			sec(m), sec(slices.Min(walls)), sec(slices.Max(walls)), sec(median(cpus)), rss/1024, ratio)
	}
}

func sec(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], ", ")
}

func memTotal() string {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return "memory unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "MemTotal:" {
			kb, _ := strconv.Atoi(f[1])
			return fmt.Sprintf("%.0f GiB RAM", float64(kb)/1024/1024)
		}
	}
	return "memory unknown"
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "bench:", err)
	os.Exit(1)
}
