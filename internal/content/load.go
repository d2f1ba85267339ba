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
// first, with the tags and projects that group them.
//
// Under log/, names starting with "." or "_" and names ending in "~" are
// skipped. Reads go through an os.Root: a link may point at a file
// elsewhere in the site, but an entry linking outside it is an error
// naming the link; other such links, and linked folders, are not read (a
// warning says so). Anything
// that is not a regular file, and any file over Options.MaxFile, is an
// error before a byte of it is read.
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
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/shiplog/shiplog/internal/diag"
)

// Options controls what Load accepts.
type Options struct {
	Location       *time.Location // dates without a zone are read in it; UTC when nil
	MaxFile        int64          // largest Markdown file (entries, home.md) in bytes; 2 MiB when 0
	MaxFrontMatter int            // largest front matter in bytes; 64 KiB when 0
	Drafts         bool           // keep entries marked draft
	Now            time.Time      // entries dated after Now are left out; zero keeps all
	// KeepBodies is the most bytes of entry bodies Load keeps in memory;
	// past it, an entry's Body is nil and Entry.Source reads it again,
	// so a log of 100,000 entries need not sit in memory. 0 keeps all.
	KeepBodies int64
	// Found, when set, is called with the number of entry files once
	// they are found, before any is read.
	Found func(n int)
}

const (
	defaultMaxFile        = 2 << 20
	defaultMaxFrontMatter = 64 << 10
)

// Log is a loaded engineering log.
type Log struct {
	Entries []*Entry // newest first; ties broken by path so order is stable
	Home    []byte   // home.md, or nil
	Future  int      // entries left out because they are dated after Options.Now
	// NextFuture is the earliest date of those entries: a build at or
	// after it would show more. Zero when none was left out.
	NextFuture time.Time
	Drafts     int     // entries left out because they are drafts
	Tags       []*Term // sorted by slug; "Go" and "go" are one term
	Projects   []*Term // sorted by slug
}

// Term is a tag or a project and the entries that carry it, newest first.
// Its Name is as written in the newest of them.
type Term struct {
	Name    string
	Slug    string
	Entries []*Entry
}

// Load reads the log rooted at root (an os.Root keeps every read inside
// the site, symlinks included).
func Load(root *os.Root, opts Options) (*Log, diag.List) {
	var c Cache
	return c.Load(root, opts, nil)
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
		if d.Type()&fs.ModeSymlink != 0 && ext != ".md" && ext != ".markdown" {
			// WalkDir does not follow links; say so rather than skip
			// a linked folder of entries in silence.
			info, err := fs.Stat(fsys, p)
			switch {
			case err != nil:
				// Not an entry: a warning, and an error from whoever
				// uses it (a hero image, say).
				msg, hint := statProblem(fsys, p, err)
				problems.Add(diag.Warnf(p, 0, 0, hint, "%s; it is not read", msg))
			case info.IsDir():
				target, _ := fs.ReadLink(fsys, p)
				problems.Add(diag.Warnf(p, 0, 0, "move the entries into log/ rather than linking their folder",
					"the linked folder %s is not read", target))
			}
			return nil
		}
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

// fileProblem is a file that cannot be read, and why.
type fileProblem struct {
	diag.Problem
	err error
}

// readFile reads p, refusing what is not a regular file inside the site
// (a link pointing outside it, a device or a pipe that would block) and
// files over limit bytes.
func readFile(fsys fs.FS, p string, limit int64) ([]byte, []fileProblem) {
	fail := func(err error, hint, format string, args ...any) ([]byte, []fileProblem) {
		return nil, []fileProblem{{diag.Errorf(p, 0, 0, hint, format, args...), err}}
	}
	notRegular := func(info fs.FileInfo) ([]byte, []fileProblem) {
		return fail(nil, "entries and home.md must be regular files", "cannot read: %s, not a regular file", fileType(info.Mode()))
	}
	tooBig := func() ([]byte, []fileProblem) {
		return fail(nil, "split it, or raise the limit",
			"file is larger than the %s limit for Markdown files", formatSize(limit))
	}
	info, err := fs.Stat(fsys, p)
	if err != nil {
		msg, hint := statProblem(fsys, p, err)
		return fail(err, hint, "%s", msg)
	}
	if !info.Mode().IsRegular() {
		return notRegular(info)
	}
	if info.Size() > limit {
		return tooBig()
	}
	f, err := fsys.Open(p)
	if err != nil {
		msg, hint := statProblem(fsys, p, err)
		return fail(err, hint, "%s", msg)
	}
	defer f.Close()
	// Size the buffer from the open file, so the bytes take one read and
	// the end another (io.ReadAll grows from 512 bytes, read by read).
	if info, err = f.Stat(); err != nil {
		return fail(err, "", "cannot read: %v", unwrapPathError(err))
	}
	if !info.Mode().IsRegular() { // replaced since the look
		return notRegular(info)
	}
	var buf bytes.Buffer
	buf.Grow(int(min(info.Size(), limit)) + bytes.MinRead)
	if _, err := buf.ReadFrom(io.LimitReader(f, limit+1)); err != nil {
		return fail(err, "", "cannot read: %v", unwrapPathError(err))
	}
	if int64(buf.Len()) > limit { // grew since Stat
		return tooBig()
	}
	return buf.Bytes(), nil
}

// statProblem explains why p cannot be opened. A link that leaves the
// site (os.Root refuses to follow it) or points at nothing is named with
// its target.
func statProblem(fsys fs.FS, p string, err error) (msg, hint string) {
	if target, lerr := fs.ReadLink(fsys, p); lerr == nil {
		if j := path.Join(path.Dir(p), filepath.ToSlash(target)); filepath.IsAbs(target) || path.IsAbs(target) || j == ".." || strings.HasPrefix(j, "../") {
			return fmt.Sprintf("the link to %s leads outside the site", target),
				"links must point inside the site by a relative path; copy the file in instead"
		}
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Sprintf("the link to %s points at nothing", target), "fix the link or remove it"
		}
		return fmt.Sprintf("cannot follow the link to %s: %v", target, unwrapPathError(err)),
			"links must point inside the site by a relative path"
	}
	return fmt.Sprintf("cannot read: %v", unwrapPathError(err)), ""
}

// fileType names what a file that is not a regular file is.
func fileType(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m.IsDir():
		return "a folder"
	}
	return "a special file"
}

// formatSize writes a limit the way people set it: "2 MiB", "64 KiB" or
// "1000 bytes".
func formatSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
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
	if i := bytes.IndexByte(src, 0); i >= 0 {
		line, col := diag.LineCol(src, i)
		return nil, diag.List{diag.Errorf(p, line, col, "entries must be UTF-8 text; remove the NUL byte or the file",
			"file contains NUL bytes; it does not look like Markdown")}
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
		return nil, diag.List{diag.Errorf(p, 1, 1, "move long text into the body",
			"front matter is larger than the %s limit", formatSize(int64(opts.MaxFrontMatter)))}
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
	claim := func(u string, e *Entry, key string) {
		k := pageKey(u)
		if prev, ok := urls[k]; ok && prev != e {
			line, col := e.KeyPos(key)
			if key == "slug" {
				problems.Add(diag.Errorf(e.Path, line, col, "give one of them a different slug: in its front matter",
					"URL %s is also written by %s", u, prev.Path))
			} else {
				problems.Add(diag.Errorf(e.Path, line, col, "remove the alias, or give one of them another URL",
					"alias %s is also written by %s", u, prev.Path))
			}
			return
		}
		urls[k] = e
	}
	for _, e := range entries {
		claim(e.URL(), e, "slug")
	}
	for _, e := range entries {
		for _, a := range e.Aliases {
			claim(a, e, "aliases")
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
