package hugeheap

import (
	"runtime"
	"sync"
	"syscall"
	"unsafe"
)

const (
	madvHugePage   = 14 // MADV_HUGEPAGE
	madvNoHugePage = 15 // MADV_NOHUGEPAGE
)

var (
	mu       sync.Mutex
	reserved int          // bytes marked
	ranges   [][2]uintptr // the ranges marked, for Release
)

// Reserve marks at least size bytes of the heap for huge pages (in
// pieces: it rounds up), unless an earlier call marked as much, and
// reports whether the heap is marked. It does nothing where the kernel has no
// "madvise" mode (in "always" every page is already huge), where memory
// is not overcommitted (the reserve would be charged at once), or on a
// 32-bit platform. A memory limit the reserve would pass is for the
// caller to check: runtime/debug, which reads it, would make this package
// initialise late.
//
// The runtime counts the freed reserve as memory it holds until it
// hands it back to the kernel: against a memory limit, and in a
// process's own view of its size. The caller hands it back at once with
// runtime/debug.FreeOSMemory, once it can import runtime/debug, before
// the heap grows (internal/site does when it knows the log's size);
// else the runtime's scavenger does, slowly. A call that extends a
// reserve should follow such a hand-back: pages handed back are known
// to be zero, and a piece that lands on freed pages that were not is
// cleared, which touches them.
//
// It is for heaps that stay well under the collector's soft limit: at
// 100,000 entries, where a build's heap lives near it, a build that had
// reserved ran its collector without pause and took twice as long.
// Release undoes it for the memory not yet used.
func Reserve(size int) bool {
	mu.Lock()
	defer mu.Unlock()
	if reserved >= size {
		return reserved > 0
	}
	if unsafe.Sizeof(uintptr(0)) < 8 || !thpOnRequest() || strictOvercommit() {
		return false
	}
	// All of size again, not what is missing: freed, the pieces of an
	// earlier call are where the heap puts new ones first.
	n := (size + piece - 1) / piece
	pieces := make([][]byte, 0, n)
	for range n {
		p := make([]byte, piece)
		if syscall.Madvise(p, madvHugePage) == nil {
			start := uintptr(unsafe.Pointer(unsafe.SliceData(p)))
			if k := len(ranges); k > 0 && ranges[k-1][1] == start {
				ranges[k-1][1] = start + piece
			} else {
				ranges = append(ranges, [2]uintptr{start, start + piece})
			}
		}
		pieces = append(pieces, p)
	}
	pieces = nil
	markNeighbours()
	// The pieces were never touched: their pages cost nothing until the
	// heap uses them. Collected now, or the heap's next goal would be
	// twice the reserve.
	runtime.GC()
	reserved = n * piece
	return true
}

// Reserved returns how many bytes Reserve marked.
func Reserved() int {
	mu.Lock()
	defer mu.Unlock()
	return reserved
}

// Release asks for 4 KiB pages again in the ranges Reserve marked. Huge
// pages the heap has already touched stay as they are.
func Release() {
	mu.Lock()
	defer mu.Unlock()
	if reserved == 0 {
		return
	}
	for _, r := range ranges {
		syscall.Syscall(syscall.SYS_MADVISE, r[0], r[1]-r[0], madvNoHugePage)
	}
	ranges = nil
	reserved = 0
}

// markNeighbours marks for huge pages the rest of the heap's mappings
// around the ranges marked: the part the runtime had mapped before the
// first piece, most of it never touched yet, and the rest of a chunk
// after the last. Left with 4 KiB pages, the heap put its first
// allocations there: the package inits after earlyheap's and the build's
// first megabytes took 800 of the 2,600 page faults of a cold 1k build,
// 4 KiB at a time (perf record -e page-faults -d). A neighbour is a
// private anonymous mapping, readable and writable, that ends where a
// range starts or starts where one ends; the runtime maps the heap so,
// and nothing else lies inside the address space it reserved for it.
// The kernel gives a huge page only to a 2 MiB-aligned stretch no page
// of which was touched, so the pages already used keep their size.
func markNeighbours() {
	maps := readMaps()
	for i, r := range ranges {
		lo, hi := r[0], r[1]
		for _, m := range maps {
			switch {
			case m.end == lo && m.start < lo:
				lo = m.start
			case m.start == hi && m.end > hi:
				hi = m.end
			}
		}
		if lo < r[0] && madvise(lo, r[0]-lo, madvHugePage) {
			ranges[i][0] = lo
		}
		if hi > r[1] && madvise(r[1], hi-r[1], madvHugePage) {
			ranges[i][1] = hi
		}
	}
}

func madvise(addr, n uintptr, advice int) bool {
	_, _, errno := syscall.Syscall(syscall.SYS_MADVISE, addr, n, uintptr(advice))
	return errno == 0
}

// mapping is a line of /proc/self/maps this package may mark: private,
// anonymous, readable and writable.
type mapping struct{ start, end uintptr }

// readMaps returns the mappings of /proc/self/maps that are private,
// anonymous, readable and writable, in the order of their addresses;
// none when it cannot read it.
func readMaps() []mapping {
	data := readAll("/proc/self/maps")
	var out []mapping
	for len(data) > 0 {
		line := data
		if i := indexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if m, ok := parseMapping(line); ok {
			out = append(out, m)
		}
	}
	return out
}

// parseMapping reads a line of /proc/self/maps, such as
// "2cb2f7800000-2cb2f7de0000 rw-p 00000000 00:00 0", and reports whether
// it is a private anonymous mapping that can be read and written.
func parseMapping(line []byte) (mapping, bool) {
	start, line, ok := hex(line, '-')
	if !ok {
		return mapping{}, false
	}
	end, line, ok := hex(line, ' ')
	if !ok || end <= start || len(line) < 5 || string(line[:5]) != "rw-p " {
		return mapping{}, false
	}
	// The offset, the device, the inode and the path: an anonymous
	// mapping has inode 0 and no path.
	var fields [4][]byte
	n := 0
	for rest := line[5:]; len(rest) > 0; {
		if rest[0] == ' ' {
			rest = rest[1:]
			continue
		}
		k := indexByte(rest, ' ')
		if k < 0 {
			k = len(rest)
		}
		if n == len(fields) {
			return mapping{}, false
		}
		fields[n], rest, n = rest[:k], rest[k:], n+1
	}
	if n != 3 || string(fields[2]) != "0" {
		return mapping{}, false
	}
	return mapping{start, end}, true
}

// hex reads a hexadecimal number up to sep and returns it and what
// follows sep.
func hex(b []byte, sep byte) (uintptr, []byte, bool) {
	var n uintptr
	for i, c := range b {
		switch {
		case c == sep && i > 0:
			return n, b[i+1:], true
		case '0' <= c && c <= '9':
			n = n<<4 | uintptr(c-'0')
		case 'a' <= c && c <= 'f':
			n = n<<4 | uintptr(c-'a'+10)
		default:
			return 0, nil, false
		}
		if i >= 16 {
			return 0, nil, false
		}
	}
	return 0, nil, false
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

// thpOnRequest reports whether transparent huge pages are in "madvise"
// mode.
func thpOnRequest() bool {
	return contains(readAll("/sys/kernel/mm/transparent_hugepage/enabled"), "[madvise]")
}

// strictOvercommit reports whether the kernel charges mapped memory when
// it is mapped (vm.overcommit_memory = 2), or cannot tell.
func strictOvercommit() bool {
	mode := readAll("/proc/sys/vm/overcommit_memory")
	return len(mode) == 0 || mode[0] == '2'
}

// readAll returns a file of /proc or /sys whole, up to 1 MiB, nil when it
// cannot: os.ReadFile without os (see the package comment).
func readAll(path string) []byte {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil
	}
	defer syscall.Close(fd)
	buf := make([]byte, 0, 512)
	for len(buf) < 1<<20 {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := syscall.Read(fd, buf[len(buf):cap(buf)])
		if err != nil || n <= 0 {
			break
		}
		buf = buf[:len(buf)+n]
	}
	return buf
}

// contains is bytes.Contains; the package keeps to runtime, sync, syscall
// and unsafe (see the package comment).
func contains(s []byte, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if string(s[i:i+len(sub)]) == sub {
			return true
		}
	}
	return false
}
