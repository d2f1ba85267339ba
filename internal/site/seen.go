package site

// The error memory as `shiplog seen` reads it: the build's memory file,
// brought up to date with the entries changed since, without building.

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/shiplog/shiplog/internal/config"
	"github.com/shiplog/shiplog/internal/content"
	"github.com/shiplog/shiplog/internal/diag"
	"github.com/shiplog/shiplog/internal/errmem"
	"github.com/shiplog/shiplog/internal/markdown"
)

// Memory is the error memory of a log as `shiplog seen` reads it.
type Memory struct {
	*errmem.Memory
	Config  config.Config
	Built   time.Time // when the memory file was written; zero when there was none
	Reread  int       // entries read again because they changed since
	Skipped diag.List // entries that could not be read

	src   string
	now   time.Time
	fresh map[string]bool // entries read from their files, not from the memory file
}

// LoadMemory returns the error memory of the log in src without building
// it: the memory file of the last build (in out, src/public when "") and,
// read again, the entries changed since.
//
// Finding what changed must not cost a stat of every entry, which on a
// big log is most of the time `seen` would take. So LoadMemory lists the
// folders under log/ (names only) and looks at the files of a folder only
// when the folder itself changed since the build: a file added, removed
// or renamed there, or saved by an editor that writes a new file and
// renames it over the old. An entry rewritten in place in a folder that
// did not change is caught by Find, which looks again at the entries it
// is about to report. An entry the build left out (a draft, or dated in
// the future) stays out unless it changed since; then it is read and
// left out again if it still is one. Without a memory file every entry
// is read, which on a big log takes a while.
func LoadMemory(ctx context.Context, src, out string, now time.Time) (*Memory, error) {
	cfg, problems := config.Load(src)
	if err := problems.Err(); err != nil {
		return nil, err
	}
	if out == "" {
		out = filepath.Join(src, "public")
	}
	m := &Memory{Memory: &errmem.Memory{}, Config: cfg, src: src, now: now}
	memPath := filepath.Join(out, filepath.FromSlash(memoryFile))
	info, statErr := os.Stat(memPath)
	if statErr == nil {
		m.Built = info.ModTime()
	}
	// List the log's files while the memory is read and indexed: on a
	// big log each takes about as long as the other.
	type listed struct {
		ls  listing
		err error
	}
	listing := make(chan listed, 1)
	go func() {
		ls, err := listEntries(filepath.Join(src, "log"), m.Built)
		listing <- listed{ls, err}
	}()
	if statErr == nil {
		data, err := os.ReadFile(memPath)
		if err != nil {
			<-listing
			return nil, err
		}
		mem, err := errmem.Read(data)
		if err != nil {
			<-listing
			return nil, fmt.Errorf("%s: %w (build the site again)", memPath, err)
		}
		mem.Index()
		m.Memory = mem
	}
	l := <-listing
	ls, err := l.ls, l.err
	if err != nil {
		return nil, err
	}
	before := len(m.Entries)
	isChanged := map[string]bool{}
	for _, p := range ls.changed {
		isChanged[p] = true
	}
	m.Entries = slices.DeleteFunc(m.Entries, func(e *errmem.Entry) bool {
		changed, listed := ls.folders[path.Dir(e.Path)]
		return !listed || changed && (!ls.present[e.Path] || isChanged[e.Path])
	})
	read, problems, err := m.read(ctx, ls.changed)
	if err != nil {
		return nil, err
	}
	m.Entries = append(m.Entries, read...)
	m.sort()
	m.Reread, m.Skipped = len(ls.changed), problems
	if len(m.Entries) != before || len(read) > 0 {
		m.Memory = &errmem.Memory{Entries: m.Entries} // its index is stale
	}
	return m, nil
}

func (m *Memory) sort() {
	slices.SortStableFunc(m.Entries, func(a, b *errmem.Entry) int {
		return cmp.Compare(b.Date, a.Date)
	})
}

// Find is errmem's Find, after looking again at the entries it would
// report: one rewritten since the build is read again and the search
// done again, so a result never rests on an entry's old words.
func (m *Memory) Find(lines []string, limit int) []errmem.Match {
	matches := m.Memory.Find(lines, limit)
	if m.Built.IsZero() {
		return matches
	}
	var stale, gone []string
	for _, x := range matches {
		if m.fresh[x.Entry.Path] {
			continue
		}
		info, err := os.Stat(filepath.Join(m.src, filepath.FromSlash(x.Entry.Path)))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			gone = append(gone, x.Entry.Path)
		case err != nil || info.ModTime().After(m.Built):
			stale = append(stale, x.Entry.Path)
		}
	}
	if len(stale) == 0 && len(gone) == 0 {
		return matches
	}
	read, problems, err := m.read(context.Background(), stale)
	if err != nil {
		return matches
	}
	m.Skipped.Add(problems...)
	m.Reread += len(stale)
	m.Entries = slices.DeleteFunc(m.Entries, func(e *errmem.Entry) bool {
		return slices.Contains(stale, e.Path) || slices.Contains(gone, e.Path)
	})
	m.Entries = append(m.Entries, read...)
	m.sort()
	m.Memory = &errmem.Memory{Entries: m.Entries} // its index is stale too
	return m.Find(lines, limit)
}

// read reads the entries at paths (relative to the site) as a build
// would, in parallel; those a build leaves out are left out.
func (m *Memory) read(ctx context.Context, paths []string) ([]*errmem.Entry, diag.List, error) {
	if len(paths) == 0 {
		return nil, nil, nil
	}
	root, err := os.OpenRoot(m.src)
	if err != nil {
		return nil, nil, err
	}
	defer root.Close()
	if m.fresh == nil {
		m.fresh = map[string]bool{}
	}
	for _, p := range paths {
		m.fresh[p] = true
	}
	cfg := m.Config
	md := markdown.New(markdown.Options{Unsafe: cfg.Markdown.Unsafe, ErrorLangs: cfg.Markdown.ErrorLangs})
	read := make([]*errmem.Entry, len(paths))
	var problems diag.List
	var mu sync.Mutex
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), len(paths)) {
		wg.Go(func() {
			for i := range next {
				e, probs := readMemoryEntry(root.FS(), paths[i], cfg, md, m.now)
				read[i] = e
				if len(probs) > 0 {
					mu.Lock()
					problems.Add(probs...)
					mu.Unlock()
				}
			}
		})
	}
	for i := range paths {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return slices.DeleteFunc(read, func(e *errmem.Entry) bool { return e == nil }), problems, nil
}

// listing is what listEntries found.
type listing struct {
	folders map[string]bool // every folder ("log", "log/x"): whether it changed since
	present map[string]bool // the entry files ("log/x/y.md") of the folders that changed
	changed []string        // those that may have changed since, sorted
}

// listEntries lists the entry files under dir (the log/ folder), skipping
// what content.Load skips, and which of them may have changed since
// `since`: every file of a folder changed since then (all of them when
// since is zero). Folders are read in parallel, by name only; a file is
// looked at only in a folder that changed.
func listEntries(dir string, since time.Time) (listing, error) {
	ls := listing{folders: map[string]bool{}, present: map[string]bool{}}
	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		firstErr error
	)
	sem := make(chan struct{}, 4*runtime.GOMAXPROCS(0))
	var walk func(rel string)
	walk = func(rel string) {
		defer wg.Done()
		full := filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(rel, "log")))
		sem <- struct{}{}
		entries, info, err := readDir(full)
		<-sem
		if err != nil {
			if rel != "log" || !errors.Is(err, fs.ErrNotExist) {
				mu.Lock()
				firstErr = cmp.Or(firstErr, err)
				mu.Unlock()
			}
			return
		}
		folderChanged := since.IsZero() || info.ModTime().After(since)
		var present, changed []string
		for _, d := range entries {
			name := d.Name()
			if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || strings.HasSuffix(name, "~") {
				continue
			}
			p := rel + "/" + name
			if d.IsDir() {
				wg.Add(1)
				go walk(p)
				continue
			}
			if ext := strings.ToLower(path.Ext(name)); ext != ".md" && ext != ".markdown" {
				continue
			}
			if !folderChanged {
				continue
			}
			present = append(present, p)
			if !since.IsZero() {
				info, err := os.Stat(filepath.Join(full, name)) // through a link, to the entry's own time
				if err != nil || !info.ModTime().After(since) {
					continue // unreadable: content.Load reports it
				}
			}
			changed = append(changed, p)
		}
		mu.Lock()
		ls.folders[rel] = folderChanged
		for _, p := range present {
			ls.present[p] = true
		}
		ls.changed = append(ls.changed, changed...)
		mu.Unlock()
	}
	wg.Add(1)
	walk("log")
	wg.Wait()
	slices.Sort(ls.changed)
	return ls, firstErr
}

// readDir lists a folder, unsorted and by name and type only (no stat of
// each file), and returns the folder's own information.
func readDir(dir string) ([]fs.DirEntry, fs.FileInfo, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	entries, err := f.ReadDir(-1)
	return entries, info, err
}

// readMemoryEntry reads one entry's errors and lesson the way a build
// would. It returns nil for an entry a build leaves out.
func readMemoryEntry(fsys fs.FS, p string, cfg config.Config, md *markdown.Renderer, now time.Time) (*errmem.Entry, diag.List) {
	src, err := fs.ReadFile(fsys, p)
	if err != nil {
		return nil, diag.List{diag.Errorf(p, 0, 0, "", "%v", err)}
	}
	e, problems := content.Parse(p, src, content.Options{Location: cfg.Location})
	if problems.HasErrors() || e == nil {
		return nil, problems
	}
	if e.Draft || !now.IsZero() && e.Date.After(now) {
		return nil, nil
	}
	res, err := md.Render(markdown.Doc{Path: p, Line: e.BodyLine, Source: e.Body})
	if err != nil {
		return nil, diag.List{diag.Errorf(p, 0, 0, "", "%v", err)}
	}
	lesson := e.Lesson
	if lesson == "" {
		lesson = res.LessonText
	}
	return memoryEntry(e, lesson, scanBody(res.HTML).Errors), nil
}
