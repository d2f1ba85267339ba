package content

import (
	"crypto/sha256"
	"errors"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shiplog/shiplog/internal/diag"
)

// Cache keeps what a load read, so that the next load of the same log
// reads again only the files that changed. Each entry is kept with the
// SHA-256 of its bytes: a file saved without a change is not parsed
// again. A Cache is for one log and one set of Options (anything else
// starts it afresh), and not for concurrent use.
type Cache struct {
	opts    Options
	root    string             // the log's folder, by name
	paths   []string           // entry files, sorted
	walked  diag.List          // problems found listing them
	entries map[string]*cached // by path
	home    []byte             // home.md
	homeP   diag.List          // its problem, if any
	homeErr error              // …and why
	ready   bool               // paths, home and entries are filled
}

// cached is one entry file as last read.
type cached struct {
	sum      [32]byte
	entry    *Entry // nil when the file cannot be used
	problems diag.List
}

// Load loads the log rooted at root like the package's Load, reading
// only the files named in changed (slash-separated paths relative to the
// root, as a file watcher reports them) and those it has not read
// before. A nil changed reads everything again.
func (c *Cache) Load(root *os.Root, opts Options, changed []string) (*Log, diag.List) {
	opts = withDefaults(opts)
	if !c.ready || c.root != root.Name() || !sameOptions(c.opts, opts) {
		*c = Cache{opts: opts, root: root.Name(), entries: map[string]*cached{}}
		changed = nil
	}
	fsys := root.FS()

	// List the entries again when files may have come or gone.
	if changed == nil || c.mayList(fsys, changed) {
		c.paths, c.walked = entryPaths(fsys)
	}
	if opts.Found != nil {
		opts.Found(len(c.paths))
	}
	var problems diag.List
	problems.Add(c.walked...)

	// Read what changed, and what was never read.
	stale := map[string]bool{}
	for _, p := range changed {
		stale[p] = true
	}
	var todo []int
	for i, p := range c.paths {
		if changed == nil || stale[p] || c.entries[p] == nil {
			todo = append(todo, i)
		}
	}
	fresh := make([]*cached, len(todo))
	dirs := newFolders(root)
	defer dirs.close()
	var kept atomic.Int64 // bytes of bodies kept in memory
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(len(todo), 1)) {
		wg.Go(func() {
			for k := range jobs {
				fresh[k] = c.read(fsys, dirs, c.paths[todo[k]], opts, &kept)
			}
		})
	}
	for k := range todo {
		jobs <- k
	}
	close(jobs)
	wg.Wait()
	keep := make(map[string]*cached, len(c.paths))
	for _, p := range c.paths {
		keep[p] = c.entries[p]
	}
	for k, i := range todo {
		keep[c.paths[i]] = fresh[k]
	}
	c.entries = keep

	all := make([]*Entry, 0, len(c.paths))
	for _, p := range c.paths {
		ce := c.entries[p]
		problems.Add(ce.problems...)
		if ce.entry != nil {
			all = append(all, ce.entry)
		}
	}

	if changed == nil || stale["home.md"] || !c.ready {
		home, homeProblems := readFile(fsys, "home.md", opts.MaxFile)
		c.home, c.homeP, c.homeErr = nil, nil, nil
		switch {
		case homeProblems == nil:
			c.home = home
		default:
			c.homeP, c.homeErr = diag.List{homeProblems[0].Problem}, homeProblems[0].err
		}
	}
	c.ready = true
	log, more := assemble(all, opts)
	problems.Add(more...)
	switch {
	case c.homeP == nil:
		log.Home = trimBOM(c.home)
	case !errors.Is(c.homeErr, fs.ErrNotExist):
		problems.Add(c.homeP...)
	}
	return log, problems
}

// Reread reads the entry file p again, as Load would, and keeps what it
// read for the next Load: for a caller that knows only p changed and
// means to patch the last Load's Log (Log.Replace) rather than load it
// all. It returns the entry (the one read before when the bytes are the
// same) and its problems. ok is false when the Cache has not loaded the
// log with these options, p is not an entry file it listed or is no
// longer a regular file, or the entry cannot be used (a problem that is
// an error): then only a Load says what the log is.
func (c *Cache) Reread(root *os.Root, opts Options, p string) (e *Entry, problems diag.List, ok bool) {
	opts = withDefaults(opts)
	if !c.ready || c.root != root.Name() || !sameOptions(c.opts, opts) {
		return nil, nil, false
	}
	if _, listed := slices.BinarySearch(c.paths, p); !listed || c.mayList(root.FS(), []string{p}) {
		return nil, nil, false
	}
	var kept atomic.Int64
	ce := c.read(root.FS(), nil, p, opts, &kept)
	c.entries[p] = ce
	if ce.entry == nil || ce.problems.HasErrors() {
		return nil, ce.problems, false
	}
	return ce.entry, ce.problems, true
}

// read reads one entry file, reusing the last result when its bytes are
// the same: through dirs when it can, else (or with dirs nil) through
// fsys, which says what is wrong with a file it cannot read.
func (c *Cache) read(fsys fs.FS, dirs *folders, p string, opts Options, kept *atomic.Int64) *cached {
	src, ok := dirs.read(p, opts.MaxFile)
	if !ok {
		var fp []fileProblem
		if src, fp = readFile(fsys, p, opts.MaxFile); fp != nil {
			return &cached{problems: diag.List{fp[0].Problem}}
		}
	}
	sum := sha256.Sum256(src)
	if old := c.entries[p]; old != nil && old.sum == sum {
		return old
	}
	e, problems := parseSafely(p, src, opts)
	if e != nil && opts.KeepBodies > 0 && kept.Add(int64(len(e.Body))) > opts.KeepBodies {
		e.spill = &spilled{sum: sum, off: len(trimBOM(src)) - len(e.Body), limit: opts.MaxFile}
		e.Body = nil
	}
	return &cached{sum: sum, entry: e, problems: problems}
}

// mayList reports whether changed could add or remove an entry file: a
// path under log/ that is not a Markdown file already listed (a new file,
// a folder, a link), or a listed file that is gone.
func (c *Cache) mayList(fsys fs.FS, changed []string) bool {
	for _, p := range changed {
		if p != "log" && !strings.HasPrefix(p, "log/") {
			continue
		}
		if _, ok := slices.BinarySearch(c.paths, p); !ok {
			return true
		}
		if info, err := fs.Lstat(fsys, p); err != nil || !info.Mode().IsRegular() {
			return true
		}
	}
	return false
}

// Sum returns the SHA-256 of the bytes the entry at p was last read
// from, and whether it was read.
func (c *Cache) Sum(p string) ([32]byte, bool) {
	if ce := c.entries[p]; ce != nil && ce.entry != nil {
		return ce.sum, true
	}
	return [32]byte{}, false
}

func withDefaults(opts Options) Options {
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.MaxFile == 0 {
		opts.MaxFile = defaultMaxFile
	}
	if opts.MaxFrontMatter == 0 {
		opts.MaxFrontMatter = defaultMaxFrontMatter
	}
	return opts
}

// sameOptions reports whether entries read with a parse the same with b.
// Drafts and Now only choose among them.
func sameOptions(a, b Options) bool {
	return a.Location.String() == b.Location.String() && a.MaxFile == b.MaxFile && a.MaxFrontMatter == b.MaxFrontMatter
}

func trimBOM(b []byte) []byte {
	if b == nil {
		return nil
	}
	return []byte(strings.TrimPrefix(string(b), "\ufeff"))
}

// parseSafely is Parse with a panic turned into a problem naming the
// file, so one odd entry cannot take the whole process down.
func parseSafely(p string, src []byte, opts Options) (e *Entry, problems diag.List) {
	defer func() {
		if r := recover(); r != nil {
			e = nil
			problems = diag.List{diag.Errorf(p, 0, 0, "please report this at https://github.com/shiplog/shiplog/issues with the file",
				"internal error while reading this entry: %v", r)}
		}
	}()
	return Parse(p, src, opts)
}

// newestFirst is the order of a log's entries: newest first, ties broken
// by path.
func newestFirst(a, b *Entry) int {
	if c := b.Date.Compare(a.Date); c != 0 {
		return c
	}
	return strings.Compare(a.Path, b.Path)
}

// Index returns e's place in l.Entries, or -1 when e is not there.
func (l *Log) Index(e *Entry) int {
	i, found := slices.BinarySearchFunc(l.Entries, e, newestFirst)
	if !found || l.Entries[i] != e {
		return -1
	}
	return i
}

// Replace returns l with e in the place of old, one of its entries,
// without sorting and grouping the log again: e must sit where old does
// and be in the same lists (the same path, date, draft, tags as
// written, and project). ok is false, and l no good for e, when it is
// not. The entries and the terms that hold old are copies; l is left as
// it was.
func (l *Log) Replace(old, e *Entry) (_ *Log, ok bool) {
	if e.Path != old.Path || !e.Date.Equal(old.Date) || e.Draft != old.Draft || e.Project != old.Project || !slices.Equal(e.Tags, old.Tags) {
		return nil, false
	}
	i := l.Index(old)
	if i < 0 {
		return nil, false
	}
	n := *l
	n.Entries = slices.Clone(l.Entries)
	n.Entries[i] = e
	swap := func(terms []*Term, names []string) []*Term {
		if len(names) == 0 {
			return terms
		}
		terms = slices.Clone(terms)
		for _, name := range names {
			k, found := slices.BinarySearchFunc(terms, Slugify(name), func(t *Term, s string) int { return strings.Compare(t.Slug, s) })
			if !found {
				continue
			}
			t := *terms[k]
			t.Entries = slices.Clone(t.Entries)
			for j, x := range t.Entries {
				if x == old {
					t.Entries[j] = e
				}
			}
			terms[k] = &t
		}
		return terms
	}
	n.Tags = swap(l.Tags, e.Tags)
	if e.Project != "" {
		n.Projects = swap(l.Projects, []string{e.Project})
	}
	return &n, true
}

// assemble makes a Log of every entry read: it checks that no two claim
// one URL or id, leaves out drafts and future entries as opts says,
// sorts the rest newest first and groups them by tag and project.
func assemble(all []*Entry, opts Options) (*Log, diag.List) {
	problems := checkCollisions(all)
	log := &Log{}
	for _, e := range all {
		switch {
		case e.Draft && !opts.Drafts:
			log.Drafts++
		case !opts.Now.IsZero() && e.Date.After(opts.Now):
			log.Future++
			if log.NextFuture.IsZero() || e.Date.Before(log.NextFuture) {
				log.NextFuture = e.Date
			}
		default:
			log.Entries = append(log.Entries, e)
		}
	}
	slices.SortFunc(log.Entries, newestFirst)
	log.Tags = group(log.Entries, func(e *Entry) []string { return e.Tags })
	log.Projects = group(log.Entries, func(e *Entry) []string {
		if e.Project == "" {
			return nil
		}
		return []string{e.Project}
	})
	return log, problems
}
