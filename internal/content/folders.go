package content

import (
	"os"
	"path"
	"sync"
)

// folders reads the entries of one Load through handles on their
// folders, each opened once. Through the os.Root alone, reading
// log/ingest/x.md took about eighteen system calls: a look at the file
// (opening log and log/ingest to reach it), opening it (the same walk
// again), the runtime offering the descriptor to its poller, then the
// reads. A read relative to the folder's handle takes five, a third of
// the load phase's system time on a 10k log.
//
// read says when it cannot help (a link, a file that is not regular or
// is too big, any error, or a system without openat): readFile then
// reads the file the careful way and explains what is wrong with it.
type folders struct {
	root *os.Root
	mu   sync.Mutex
	open map[string]*os.File // nil for a folder that could not be opened
}

func newFolders(root *os.Root) *folders {
	return &folders{root: root, open: map[string]*os.File{}}
}

// folder returns the handle of dir, opened through the root on first use.
func (f *folders) folder(dir string) *os.File {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, ok := f.open[dir]
	if !ok {
		d, _ = f.root.Open(dir)
		f.open[dir] = d
	}
	return d
}

// read returns the bytes of the entry file p, or false.
func (f *folders) read(p string, limit int64) ([]byte, bool) {
	if f == nil {
		return nil, false
	}
	dir, name := path.Split(p)
	if dir == "" {
		return nil, false
	}
	d := f.folder(path.Clean(dir))
	if d == nil {
		return nil, false
	}
	return readAt(d, name, limit)
}

// close closes every folder handle.
func (f *folders) close() {
	if f == nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, d := range f.open {
		if d != nil {
			d.Close()
		}
	}
	f.open = nil
}
