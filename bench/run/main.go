// Command run times shiplog against Hugo on generated corpora and prints a
// Markdown table for docs/benchmarks.md.
//
//	go run ./bench/run -sizes 1000,10000 -runs 5
//
// For each size it generates the corpus once with bench/gencorpus (a
// shiplog site and the same content as a Hugo site), then runs each tool
// -runs times on a cold output folder and reports the median and spread of
// wall time, the median CPU time (user+sys) and the peak RSS, and the ratio
// of shiplog's median wall time to Hugo's. Hugo is Debian's, run as
// installed; when it is missing its rows say so.
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
)

type sample struct {
	wall, cpu time.Duration
	rssKB     int64
}

type result struct {
	size    int
	tool    string
	samples []sample
	err     string
}

func main() {
	sizes := flag.String("sizes", "1000,10000", "comma-separated corpus sizes")
	runs := flag.Int("runs", 5, "runs per tool and size")
	work := flag.String("work", filepath.Join(os.TempDir(), "shiplog-bench"), "scratch folder for corpora and outputs")
	bin := flag.String("shiplog", "", "shiplog binary (default: build ./cmd/shiplog)")
	hugo := flag.String("hugo", "hugo", "hugo binary")
	flag.Parse()

	if err := os.MkdirAll(*work, 0o755); err != nil {
		fatal(err)
	}
	if *bin == "" {
		*bin = filepath.Join(*work, "shiplog")
		build := exec.Command("go", "build", "-trimpath", "-o", *bin, "./cmd/shiplog")
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		build.Stderr = os.Stderr
		if err := build.Run(); err != nil {
			fatal(fmt.Errorf("build shiplog: %w", err))
		}
	}
	hugoPath, hugoErr := exec.LookPath(*hugo)
	hugoVersion := "not installed"
	if hugoErr == nil {
		out, _ := exec.Command(hugoPath, "version").Output()
		hugoVersion = strings.TrimSpace(string(out))
	}

	var results []result
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			fatal(fmt.Errorf("bad size %q", s))
		}
		src := filepath.Join(*work, fmt.Sprintf("corpus-%d", n))
		hsrc := filepath.Join(*work, fmt.Sprintf("hugo-%d", n))
		if _, err := os.Stat(filepath.Join(src, "shiplog.toml")); err != nil {
			os.RemoveAll(src)
			os.RemoveAll(hsrc)
			gen := exec.Command("go", "run", "./bench/gencorpus", "-n", strconv.Itoa(n), "-out", src, "-hugo", hsrc)
			gen.Stderr = os.Stderr
			if err := gen.Run(); err != nil {
				fatal(fmt.Errorf("generate %d: %w", n, err))
			}
		}
		out := filepath.Join(*work, "out")
		results = append(results, measure(n, "shiplog", *runs, func() *exec.Cmd {
			os.RemoveAll(out)
			return exec.Command(*bin, "build", src, "--out", out, "--quiet", "--future")
		}))
		if hugoErr == nil {
			results = append(results, measure(n, "hugo", *runs, func() *exec.Cmd {
				os.RemoveAll(out)
				return exec.Command(hugoPath, "--quiet", "--source", hsrc, "--destination", out)
			}))
		} else {
			results = append(results, result{size: n, tool: "hugo", err: "not installed"})
		}
		os.RemoveAll(out)
	}
	report(results, hugoVersion, *runs)
}

func measure(n int, tool string, runs int, cmd func() *exec.Cmd) result {
	r := result{size: n, tool: tool}
	for i := 0; i < runs; i++ {
		c := cmd()
		c.Stderr = os.Stderr
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
			s.rssKB = ru.Maxrss
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

func report(results []result, hugoVersion string, runs int) {
	host, _ := os.Hostname()
	_ = host
	fmt.Printf("Machine: %d cores (GOMAXPROCS), %s/%s, %s. Hugo: %s. Runs per cell: %d. Date: %s.\n\n",
		runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, memTotal(), hugoVersion, runs, time.Now().UTC().Format("2006-01-02"))
	fmt.Println("| entries | tool | wall median | wall min–max | CPU median | peak RSS | shiplog/Hugo |")
	fmt.Println("|---:|---|---:|---:|---:|---:|---:|")
	medians := map[string]time.Duration{}
	for _, r := range results {
		if r.err != "" {
			fmt.Printf("| %d | %s | — | — | — | — | (%s) |\n", r.size, r.tool, r.err)
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
		medians[fmt.Sprintf("%s/%d", r.tool, r.size)] = m
		ratio := ""
		if r.tool == "hugo" {
			if sm, ok := medians[fmt.Sprintf("shiplog/%d", r.size)]; ok {
				ratio = fmt.Sprintf("%.2f× (%.1f× faster)", float64(sm)/float64(m), float64(m)/float64(sm))
			}
		}
		fmt.Printf("| %d | %s | %s | %s–%s | %s | %d MiB | %s |\n", r.size, r.tool,
			sec(m), sec(slices.Min(walls)), sec(slices.Max(walls)), sec(median(cpus)), rss/1024, ratio)
	}
}

func sec(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

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
