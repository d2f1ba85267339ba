// Package earlyheap asks for huge pages for the heap (internal/hugeheap)
// before the init functions of the other packages run, when the process
// is a `shiplog build`. They allocate: chroma's lexer registry alone
// takes 2.7 MB in 31,000 allocations. At 4 KiB a page, the heap took
// 1,261 page faults before main, in most of the 60 ms a start took on
// the machine measured (docs/benchmarks.md, session 9). cmd/shiplog
// imports it for its init alone.
//
// It imports nothing but syscall and hugeheap, which imports only
// runtime, sync, syscall and unsafe, so that Go, which initialises
// packages in the order of their import paths once their imports are,
// can run it early. internal/archtest's TestEarlyImports holds the
// imports, and TestEarlyHeapInitsFirst (in cmd/shiplog) the order in the
// release binary. The build decides again once it knows the size of the
// log: it extends the reserve, or asks for 4 KiB pages again for a big
// log (internal/site, hugeHeapFor).
package earlyheap

import (
	"syscall"

	"github.com/shiplog/shiplog/internal/hugeheap"
)

func init() {
	// A memory limit is for the build to weigh (it reads it with
	// runtime/debug, which would make this package initialise late).
	if _, set := syscall.Getenv("GOMEMLIMIT"); set || !isBuild(cmdline()) {
		return
	}
	hugeheap.Reserve(early)
}

// early is what a build reserves as it starts: about the heap of a log
// of 1,000 entries (peak RSS 80 MiB). The build extends it when its log
// is bigger (internal/site, hugeHeapFor).
const early = 128 << 20

// isBuild reports whether the command line args (the program's name
// first) runs `shiplog build`, after the flags that cmd/shiplog takes
// before a command.
func isBuild(args []string) bool {
	if len(args) > 0 {
		args = args[1:]
	}
	for len(args) > 0 && (args[0] == "--debug" || args[0] == "-debug") {
		args = args[1:]
	}
	return len(args) > 0 && args[0] == "build"
}

// cmdline returns the process's arguments from /proc/self/cmdline (os.Args
// is set by package os, which initialises late); nil when it cannot.
func cmdline() []string {
	fd, err := syscall.Open("/proc/self/cmdline", syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil
	}
	defer syscall.Close(fd)
	buf := make([]byte, 4096) // the command is in the first few arguments
	n, err := syscall.Read(fd, buf)
	if err != nil || n <= 0 {
		return nil
	}
	var args []string
	start := 0
	for i, c := range buf[:n] {
		if c == 0 {
			args = append(args, string(buf[start:i]))
			start = i + 1
		}
	}
	return args
}
