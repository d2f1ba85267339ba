// Package content loads an engineering log from disk and models it.
//
// A log is a folder:
//
//	shiplog.toml   settings (read by package config)
//	home.md        optional: the home page's about text, Markdown without front matter
//	log/           entries, at any depth, each a .md file with YAML (---) or TOML (+++) front matter
//	static/        copied to the site as it is
//	layouts/       optional overrides of the theme's files, by name
//
// Load reads every entry, validates its front matter and reports every
// problem at once (see package diag). The result is a Log: entries newest
// first, with the tags, projects and kinds that group them.
package content

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/shiplog/shiplog/internal/diag"
)

// Options controls what Load accepts.
type Options struct {
	Location       *time.Location // dates without a zone are read in it; UTC when nil
	MaxFile        int64          // largest Markdown file in bytes; 2 MiB when 0
	MaxFrontMatter int            // largest front matter in bytes; 64 KiB when 0
	Drafts         bool           // keep entries marked draft
	Now            time.Time      // entries dated after Now are left out; zero keeps all
}

const (
	defaultMaxFile        = 2 << 20
	defaultMaxFrontMatter = 64 << 10
)

// Log is a loaded engineering log.
type Log struct {
	Entries  []*Entry // newest first; ties broken by path so order is stable
	Home     []byte   // home.md, or nil
	Future   int      // entries left out because they are dated after Options.Now
	Drafts   int      // entries left out because they are drafts
	Tags     []*Term  // by name
	Projects []*Term  // by name
}

// Term is a tag or a project and the entries that carry it, newest first.
type Term struct {
	Name    string
	Slug    string
	Entries []*Entry
}

// Load reads the log rooted at root (an os.Root keeps every read inside
// the site, symlinks included).
func Load(root *os.Root, opts Options) (*Log, diag.List) {
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.MaxFile == 0 {
		opts.MaxFile = defaultMaxFile
	}
	if opts.MaxFrontMatter == 0 {
		opts.MaxFrontMatter = defaultMaxFrontMatter
	}
	var problems diag.List
	fsys := root.FS()

	paths, walkProblems := entryPaths(fsys)
	problems.Add(walkProblems...)

	entries := make([]*Entry, len(paths))
	results := make([]diag.List, len(paths))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(len(paths), 1)) {
		wg.Go(func() {
			for i := range jobs {
				entries[i], results[i] = loadEntry(fsys, paths[i], opts)
			}
		})
	}
	for i := range paths {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	for _, r := range results {
		problems.Add(r...)
	}

	log := &Log{}
	var all []*Entry
	for _, e := range entries {
		if e != nil {
			all = append(all, e)
		}
	}
	problems.Add(checkCollisions(all)...)

	for _, e := range all {
		switch {
		case e.Draft && !opts.Drafts:
			log.Drafts++
		case !opts.Now.IsZero() && e.Date.After(opts.Now):
			log.Future++
		default:
			log.Entries = append(log.Entries, e)
		}
	}
	slices.SortFunc(log.Entries, func(a, b *Entry) int {
		return cmp.Or(b.Date.Compare(a.Date), cmp.Compare(a.Path, b.Path))
	})
	log.Tags = group(log.Entries, func(e *Entry) []string { return e.Tags })
	log.Projects = group(log.Entries, func(e *Entry) []string {
		if e.Project == "" {
			return nil
		}
		return []string{e.Project}
	})

	home, err := fs.ReadFile(fsys, "home.md")
	switch {
	case err == nil:
		log.Home = bytes.TrimPrefix(home, []byte("\ufeff"))
	case !errors.Is(err, fs.ErrNotExist):
		problems.Add(diag.Errorf("home.md", 0, 0, "", "%v", err))
	}
	return log, problems
}

// entryPaths lists the Markdown files under log/, sorted.
func entryPaths(fsys fs.FS) ([]string, diag.List) {
	var paths []string
	var problems diag.List
	err := fs.WalkDir(fsys, "log", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == "log" {
				return fs.SkipAll
			}
			problems.Add(diag.Errorf(p, 0, 0, "check that the path exists and stays inside the site", "%v", unwrapPathError(err)))
			return nil
		}
		name := d.Name()
		if p != "log" && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || strings.HasSuffix(name, "~")) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		ext := strings.ToLower(path.Ext(name))
		if ext == ".md" || ext == ".markdown" {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		problems.Add(diag.Errorf("log", 0, 0, "", "%v", err))
	}
	slices.Sort(paths)
	return paths, problems
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// loadEntry reads and validates one entry. It returns a nil entry when the
// file cannot be used at all.
func loadEntry(fsys fs.FS, p string, opts Options) (*Entry, diag.List) {
	f, err := fsys.Open(p)
	if err != nil {
		return nil, diag.List{diag.Errorf(p, 0, 0, "entries must be regular files inside the site (symlinks may not point outside it)", "cannot read: %v", unwrapPathError(err))}
	}
	defer f.Close()
	src, err := io.ReadAll(io.LimitReader(f, opts.MaxFile+1))
	if err != nil {
		return nil, diag.List{diag.Errorf(p, 0, 0, "", "cannot read: %v", unwrapPathError(err))}
	}
	if int64(len(src)) > opts.MaxFile {
		return nil, diag.List{diag.Errorf(p, 0, 0, "split the entry, or move large logs to a linked file",
			"file is larger than the %d MiB limit for Markdown files", opts.MaxFile>>20)}
	}
	return Parse(p, src, opts)
}

// Parse validates one entry's bytes; p names it in problems.
func Parse(p string, src []byte, opts Options) (*Entry, diag.List) {
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.MaxFrontMatter == 0 {
		opts.MaxFrontMatter = defaultMaxFrontMatter
	}
	src = bytes.TrimPrefix(src, []byte("\ufeff"))
	if bytes.IndexByte(src, 0) >= 0 {
		return nil, diag.List{diag.Errorf(p, 0, 0, "entries must be UTF-8 text", "file contains NUL bytes; it does not look like Markdown")}
	}
	format, fm, body, fmLine, bodyLine, err := split(src)
	if errors.Is(err, errNoFrontMatter) {
		return nil, diag.List{diag.Errorf(p, 1, 1, "start the file with a line ---, then title: and date:, then ---",
			"no front matter")}
	}
	if err != nil {
		return nil, diag.List{diag.Errorf(p, 1, 1, fmt.Sprintf("add a line %s after the last front-matter key", string(src[:3])), "%v", err)}
	}
	if len(fm) > opts.MaxFrontMatter {
		return nil, diag.List{diag.Errorf(p, 1, 1, "move long text into the body", "front matter is larger than the %d KiB limit", opts.MaxFrontMatter>>10)}
	}
	fm = bytes.ReplaceAll(fm, []byte("\r\n"), []byte("\n"))
	var fields []field
	var problems diag.List
	if format == "toml" {
		fields, problems = parseTOML(p, fm, fmLine-1)
	} else {
		fields, problems = parseYAML(p, fm, fmLine-1)
	}
	if problems.HasErrors() {
		return nil, problems
	}
	e := &Entry{Path: p, Body: body, BodyLine: bodyLine}
	problems.Add(decodeEntry(e, fields, opts.Location)...)
	if problems.HasErrors() {
		return nil, problems
	}
	return e, problems
}

// checkCollisions reports entries that would write the same URL, and
// entries that share an id.
func checkCollisions(entries []*Entry) diag.List {
	var problems diag.List
	urls := map[string]*Entry{}
	ids := map[string]*Entry{}
	claim := func(u string, e *Entry, what string) {
		if prev, ok := urls[u]; ok && prev != e {
			line, col := e.KeyPos("slug")
			problems.Add(diag.Errorf(e.Path, line, col,
				"give one of them a different slug: in its front matter",
				"%s %s is also written by %s", what, u, prev.Path))
			return
		}
		urls[u] = e
	}
	for _, e := range entries {
		claim(e.URL(), e, "URL")
	}
	for _, e := range entries {
		for _, a := range e.Aliases {
			claim(a, e, "alias")
		}
		if e.ID == "" {
			continue
		}
		if prev, ok := ids[e.ID]; ok {
			line, col := e.KeyPos("id")
			problems.Add(diag.Errorf(e.Path, line, col, "every entry needs its own id; `shiplog new` mints one",
				"id %q is also used by %s", e.ID, prev.Path))
			continue
		}
		ids[e.ID] = e
	}
	return problems
}

// group collects the terms named by keys across entries (which are newest
// first, so each term's entries are too).
func group(entries []*Entry, keys func(*Entry) []string) []*Term {
	bySlug := map[string]*Term{}
	for _, e := range entries {
		for _, k := range keys(e) {
			s := Slugify(k)
			t := bySlug[s]
			if t == nil {
				t = &Term{Name: k, Slug: s}
				bySlug[s] = t
			}
			t.Entries = append(t.Entries, e)
		}
	}
	terms := make([]*Term, 0, len(bySlug))
	for _, t := range bySlug {
		terms = append(terms, t)
	}
	slices.SortFunc(terms, func(a, b *Term) int { return cmp.Compare(a.Slug, b.Slug) })
	return terms
}
