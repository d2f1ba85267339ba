//go:build linux

// Command faultcost measures what fresh memory costs on this machine:
// the first touch of each 4 KiB page of new anonymous memory (a page
// fault), with and without transparent huge pages asked for
// (MADV_HUGEPAGE), and writing new files through the page cache. On a
// virtual machine these can cost far more than on bare metal, and every
// build pays them for its heap and its output, Hugo's as much as
// shiplog's; docs/benchmarks.md uses the figures to explain where a
// build's system time goes.
//
//	go run ./bench/faultcost                 # 256 MiB, 3 rounds
//	go run ./bench/faultcost -mib 64 -rounds 1 -dir /tmp
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

func main() {
	mib := flag.Int("mib", 256, "memory and file size per measurement, in MiB")
	rounds := flag.Int("rounds", 3, "rounds of each measurement")
	dir := flag.String("dir", os.TempDir(), "folder for the file measurement")
	flag.Parse()
	if err := run(*mib, *rounds, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "faultcost:", err)
		os.Exit(1)
	}
}

const page = 4096

func run(mib, rounds int, dir string) error {
	n := mib << 20
	for r := 1; r <= rounds; r++ {
		for _, huge := range []bool{false, true} {
			d, err := touch(n, huge)
			if err != nil {
				return err
			}
			fmt.Printf("round %d: anonymous memory, %-14s %4d MiB in %8.1f ms: %6.2f µs per 4 KiB page\n",
				r, map[bool]string{false: "4 KiB pages", true: "MADV_HUGEPAGE"}[huge], mib, ms(d), perPage(d, n))
		}
		d, err := writeFile(dir, n)
		if err != nil {
			return err
		}
		fmt.Printf("round %d: a new file,        %4d MiB written in %8.1f ms: %6.2f µs per 4 KiB page\n", r, mib, ms(d), perPage(d, n))
	}
	return nil
}

// touch maps n bytes of new anonymous memory and writes one byte in
// each page.
func touch(n int, huge bool) (time.Duration, error) {
	b, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return 0, err
	}
	defer syscall.Munmap(b)
	if huge {
		if err := syscall.Madvise(b, 14); err != nil { // MADV_HUGEPAGE
			return 0, fmt.Errorf("madvise: %w", err)
		}
	}
	start := time.Now()
	for i := 0; i < len(b); i += page {
		b[i] = 1
	}
	return time.Since(start), nil
}

// writeFile writes n bytes to a new file in dir, 64 KiB at a time, and
// removes it.
func writeFile(dir string, n int) (time.Duration, error) {
	name := filepath.Join(dir, fmt.Sprintf("faultcost-%d", os.Getpid()))
	f, err := os.Create(name)
	if err != nil {
		return 0, err
	}
	defer os.Remove(name)
	buf := make([]byte, 64<<10)
	for i := range buf {
		buf[i] = byte(i)
	}
	start := time.Now()
	for written := 0; written < n; written += len(buf) {
		if _, err := f.Write(buf); err != nil {
			f.Close()
			return 0, err
		}
	}
	d := time.Since(start)
	return d, f.Close()
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func perPage(d time.Duration, n int) float64 {
	return float64(d.Nanoseconds()) / 1000 / float64(n/page)
}
