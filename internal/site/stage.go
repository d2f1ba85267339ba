package site

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/shiplog/shiplog/internal/buildcache"
)

// marker is written at the root of every output folder, so a build never
// replaces a folder that shiplog did not make.
const marker = ".shiplog-output"

// stage is a staging folder beside the output folder. Pages are written
// into it; only when the whole build succeeded is it swapped in, so a
// failed build leaves the previous output byte-for-byte as it was.
type stage struct {
	dir, out string

	mu      sync.Mutex
	written map[string]string // output path → what wrote it
	dirs    sync.Map          // folders already created

	// put, when set, takes every file instead of the folder: the dev
	// server keeps its sites elsewhere (incremental.go).
	put func(rel string, data []byte) error

	// Updating in place (see output.go); all nil without remember.
	manifests *buildcache.Cache
	prev      *manifest          // the output folder's, when it can be trusted
	next      map[string]outFile // what the output holds after this build
	changed   []string           // files in the staging folder, when updating

	unchanged, removed, skipped int
}

func newStage(out string) (*stage, error) {
	parent := filepath.Dir(out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	prefix := "." + filepath.Base(out) + ".staging-"
	removeStale(parent, prefix)
	// The folder's name carries the builder's process id, so the next
	// build can tell a folder left by a killed build from one in use.
	dir, err := os.MkdirTemp(parent, prefix+strconv.Itoa(os.Getpid())+"-")
	if err != nil {
		return nil, err
	}
	return &stage{dir: dir, out: out, written: map[string]string{}}, nil
}

// removeStale removes the staging folders beside the output that a build
// killed before it could clean up (SIGKILL, a power cut) left behind:
// those whose process is gone. A folder of a build still running, or one
// whose name does not say, is left alone. Failing to remove one only
// leaves it.
func removeStale(parent, prefix string) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() || !strings.HasPrefix(name, prefix) {
			continue
		}
		pidText, _, ok := strings.Cut(name[len(prefix):], "-")
		pid, err := strconv.Atoi(pidText)
		if !ok || err != nil || pid <= 0 || pid == os.Getpid() || processAlive(pid) {
			continue
		}
		os.RemoveAll(filepath.Join(parent, name))
	}
}

// claim records that by will write rel. When something else claimed rel
// first, it returns what, and false.
func (s *stage) claim(rel, by string) (prev string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if prev, ok := s.written[rel]; ok {
		return prev, false
	}
	s.written[rel] = by
	return "", true
}

// write stores data at rel (slash-separated, relative to the output root).
func (s *stage) write(rel string, data []byte) error {
	full, err := s.path(rel)
	if err == nil && s.put != nil {
		return s.put(rel, data)
	}
	if err != nil {
		return err
	}
	if err := s.mkdir(filepath.Dir(full)); err != nil {
		return err
	}
	return createFile(full, data)
}

// own returns data for store to keep: a pooled page's bytes go back to
// the pool once written, so a stage that keeps what it is given (the dev
// server's) gets a copy.
func (s *stage) own(j job, data []byte) []byte {
	if j.pooled && s.put != nil {
		return bytes.Clone(data)
	}
	return data
}

// copyFrom copies a file read through fsys to rel.
func (s *stage) copyFrom(fsys fs.FS, src, rel string) error {
	data, err := fs.ReadFile(fsys, src)
	if err != nil {
		return err
	}
	return s.write(rel, data)
}

func (s *stage) path(rel string) (string, error) {
	clean := path.Clean("/" + rel)[1:]
	if clean == "" || clean != rel || strings.HasPrefix(clean, "../") {
		return "", fmt.Errorf("output path %q is not clean", rel)
	}
	return filepath.Join(s.dir, filepath.FromSlash(clean)), nil
}

// mkdir creates dir and the folders above it within the staging folder.
// A folder whose parent is known to exist costs one mkdir call, not the
// two stats and a mkdir of os.MkdirAll: an entry page has a folder of its
// own, so a build makes about as many folders as pages.
func (s *stage) mkdir(dir string) error {
	if _, ok := s.dirs.Load(dir); ok || dir == s.dir {
		return nil
	}
	parent := filepath.Dir(dir)
	if _, ok := s.dirs.Load(parent); ok || parent == s.dir {
		if err := os.Mkdir(dir, 0o755); errors.Is(err, fs.ErrExist) {
			// Made by another job, or a file is in the way: MkdirAll
			// tells the two apart.
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	s.dirs.Store(dir, true)
	return nil
}

// discard removes the staging folder.
func (s *stage) discard() {
	if s.put == nil {
		os.RemoveAll(s.dir)
	}
}

// swap replaces the output folder with the staging folder, or, when
// updating in place, moves the staging folder's files into it. When only
// removing the previous output fails, the new site is in place and
// leftover says what is left behind.
func (s *stage) swap() (leftover, err error) {
	if s.put != nil {
		return nil, nil
	}
	if s.prev != nil {
		return s.apply()
	}
	if err := os.WriteFile(filepath.Join(s.dir, marker), []byte("built by shiplog; this folder is replaced on every build\n"), 0o644); err != nil {
		return nil, err
	}
	if err := os.Chmod(s.dir, 0o755); err != nil {
		return nil, err
	}
	old := ""
	if _, err := os.Lstat(s.out); err == nil {
		old = s.dir + ".old"
		if err := os.Rename(s.out, old); err != nil {
			return nil, fmt.Errorf("move the previous output aside: %w", err)
		}
	}
	if err := os.Rename(s.dir, s.out); err != nil {
		if old != "" {
			_ = os.Rename(old, s.out)
		}
		return nil, fmt.Errorf("move the new output in place: %w", err)
	}
	if old != "" {
		if err := os.RemoveAll(old); err != nil {
			return fmt.Errorf("the previous output is left at %s: %w", old, err), nil
		}
	}
	return nil, nil
}

// checkOut refuses output folders that a swap would harm: the site itself,
// a folder holding it or its sources, and a non-empty folder that shiplog
// did not make.
func checkOut(src, out string) error {
	absSrc, err := filepath.Abs(src)
	if err != nil {
		return err
	}
	absOut, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	if absOut == absSrc || strings.HasPrefix(absSrc+string(filepath.Separator), absOut+string(filepath.Separator)) {
		return fmt.Errorf("refusing to write the site into %s: it holds the log's own files (use the default public/ or another --out)", out)
	}
	for _, d := range []string{"log", "static", "layouts"} {
		in := filepath.Join(absSrc, d)
		if absOut == in || strings.HasPrefix(absOut, in+string(filepath.Separator)) {
			return fmt.Errorf("refusing to write the site into %s: it is inside the log's %s/ folder", out, d)
		}
	}
	entries, err := os.ReadDir(out)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return nil
	}
	if _, err := os.Stat(filepath.Join(out, marker)); err != nil {
		return fmt.Errorf("refusing to replace %s: it is not empty and was not made by shiplog (remove it or choose another --out)", out)
	}
	return nil
}
