package serve

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
)

// Sum is the SHA-256 of a file's content. The dev server stores every
// file of the site under its Sum, so a file that did not change between
// two builds is stored, and kept, once.
type Sum = [32]byte

// Output is one complete build of the site, as a Build func returns it.
type Output struct {
	// Files is every file of the site by its slash-separated path in
	// the output ("log/x/index.html"), each already given to Put.
	Files map[string]Sum
	// Focus is the URL path of the page the changes were about (the
	// entry just saved), or "" when there is none. Open pages go there
	// unless Options.NoNavigate is set.
	Focus string
	// Changed, when not nil, lists the paths whose file differs from
	// the previous Output's (one returned without error): made, changed
	// or gone. The server then does work in proportion to it instead of
	// comparing the two sites. nil means the build does not say.
	Changed []string
}

// store holds the files of every generation being served, one file per
// distinct content, named by its Sum. A file's content never changes
// once written, so a generation that names a file always reads the bytes
// it was built with, whatever later builds write.
type store struct {
	dir  string
	root *os.Root

	mu   sync.Mutex
	have map[Sum]bool // written
	refs map[Sum]int  // generations naming it
	// pinned is what was Put since the last collect: the build in
	// progress may name it, so it is kept even when no generation does.
	pinned map[Sum]bool
}

func newStore(dir string) (*store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &store{dir: dir, root: root, have: map[Sum]bool{}, refs: map[Sum]int{}, pinned: map[Sum]bool{}}, nil
}

func blobName(s Sum) string { return hex.EncodeToString(s[:]) }

// Put stores data under sum, the SHA-256 of data. Putting a content that
// is already stored does nothing. It is safe to call from many
// goroutines.
func (s *store) Put(sum Sum, data []byte) error {
	s.mu.Lock()
	s.pinned[sum] = true
	if s.have[sum] {
		s.mu.Unlock()
		return nil
	}
	s.mu.Unlock()
	// Write beside it and rename, so a reader never sees half a file.
	var rnd [8]byte
	rand.Read(rnd[:])
	tmp := "tmp-" + hex.EncodeToString(rnd[:])
	f, err := s.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = s.root.Rename(tmp, blobName(sum))
	}
	if err != nil {
		_ = s.root.Remove(tmp)
		return fmt.Errorf("store a built file: %w", err)
	}
	s.mu.Lock()
	s.have[sum] = true
	s.mu.Unlock()
	return nil
}

// generation returns a generation serving files. Every file must have
// been Put; the store keeps them until the generation is released.
func (s *store) generation(files map[string]Sum) (*Generation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for name, sum := range files {
		if !s.have[sum] {
			return nil, fmt.Errorf("the build did not store %s (this is a bug in shiplog; please report this)", name)
		}
	}
	for _, sum := range files {
		s.refs[sum]++
	}
	return s.held(files), nil
}

// successor returns a generation serving files, which differ from those
// of prev, a generation not yet released, only at the paths in changed.
// It takes over prev's hold on every file the two share, so it costs in
// proportion to the changes, not to the site: prev keeps its hold on
// the files it alone names, and must be released before the new
// generation is (server.retire releases generations in order).
func (s *store) successor(prev *Generation, files map[string]Sum, changed []string) (*Generation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if prev.files == nil || prev.succeeded {
		return nil, fmt.Errorf("a generation has one successor, in the store (this is a bug in shiplog; please report this)")
	}
	for _, name := range changed {
		if sum, ok := files[name]; ok && !s.have[sum] {
			return nil, fmt.Errorf("the build did not store %s (this is a bug in shiplog; please report this)", name)
		}
	}
	var alone []Sum
	for _, name := range changed {
		if sum, ok := files[name]; ok {
			s.refs[sum]++
		}
		if sum, ok := prev.files[name]; ok {
			alone = append(alone, sum)
		}
	}
	prev.succeeded, prev.alone = true, alone
	return s.held(files), nil
}

// held returns a generation of files, whose hold on them the store
// counts already.
func (s *store) held(files map[string]Sum) *Generation {
	g := &Generation{root: s.root, files: files}
	g.release = func() {
		s.mu.Lock()
		done, alone := g.succeeded, g.alone
		s.mu.Unlock()
		if done {
			s.release(alone)
			return
		}
		sums := make([]Sum, 0, len(files))
		for _, sum := range files {
			sums = append(sums, sum)
		}
		s.release(sums)
	}
	return g
}

// release lets go of a generation's hold on files, removing those that
// no other generation holds.
func (s *store) release(sums []Sum) {
	s.mu.Lock()
	var gone []Sum
	for _, sum := range sums {
		if s.refs[sum]--; s.refs[sum] <= 0 {
			delete(s.refs, sum)
			if s.have[sum] && !s.pinned[sum] {
				delete(s.have, sum)
				gone = append(gone, sum)
			}
		}
	}
	s.mu.Unlock()
	s.remove(gone)
}

// collect ends a build: what it Put and no generation names (all of it
// when the build failed or was cancelled) is removed.
func (s *store) collect() {
	s.mu.Lock()
	var gone []Sum
	for sum := range s.pinned {
		if s.refs[sum] == 0 && s.have[sum] {
			delete(s.have, sum)
			gone = append(gone, sum)
		}
	}
	clear(s.pinned)
	s.mu.Unlock()
	s.remove(gone)
}

func (s *store) remove(sums []Sum) {
	for _, sum := range sums {
		if err := s.root.Remove(blobName(sum)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			continue // the folder is removed with the server anyway
		}
	}
}

// size returns how many files are stored, for tests.
func (s *store) size() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.have)
}

func (s *store) Close() error { return s.root.Close() }
