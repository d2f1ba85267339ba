package site

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/shiplog/shiplog/internal/config"
	"github.com/shiplog/shiplog/internal/content"
	"github.com/shiplog/shiplog/internal/diag"
	"github.com/shiplog/shiplog/internal/errmem"
	"github.com/shiplog/shiplog/internal/markdown"
	"github.com/shiplog/shiplog/internal/render"
)

// memoryFile is the error memory in the output, for `shiplog seen`.
const memoryFile = "errors/errors.tsv"

// errorsPerPage is how many signatures one page of /errors/ lists, and
// seenPerError how many entries each shows.
const (
	errorsPerPage = 100
	seenPerError  = 5
)

// memoryEntry is an entry as the error memory keeps it: the messages of
// its front matter, then the error lines of its error blocks.
func memoryEntry(e *content.Entry, lesson string, blocks []errorBlock) *errmem.Entry {
	m := &errmem.Entry{Path: e.Path, URL: e.URL(), Title: e.Title, Date: e.Date.Format("2006-01-02"), Kind: e.Kind, Lesson: lesson}
	for _, msg := range e.Errors {
		m.AddMessage(msg)
	}
	for _, b := range blocks {
		for _, msg := range errmem.FromBlock(b.Text, b.Lang) {
			m.AddMessage(msg)
		}
	}
	return m
}

// memory returns the log's error memory, newest entry first, and the
// view of each of its entries. scans are the entries' body facts,
// newest first.
func (b *builder) memory(scans []scanFacts) (*errmem.Memory, map[*errmem.Entry]*content.Entry) {
	mem := &errmem.Memory{}
	byEntry := map[*errmem.Entry]*content.Entry{}
	for i, e := range b.log.Entries {
		v := b.views[e]
		m := memoFor(b, "memory", v, func() *errmem.Entry { return memoryEntry(e, v.LessonText, scans[i].errors) })
		mem.Entries = append(mem.Entries, m)
		byEntry[m] = e
	}
	return mem, byEntry
}

// errorPages queues /errors/ and its further pages.
func (b *builder) errorPages(pageJob func(p, tplName string, data any) job, mem *errmem.Memory, byEntry map[*errmem.Entry]*content.Entry, scans []scanFacts) []job {
	fix := map[*content.Entry]string{}
	for i, e := range b.log.Entries {
		if scans[i].fix != "" {
			fix[e] = b.views[e].URL + "#" + url.PathEscape(scans[i].fix)
		}
	}
	withErrors := 0
	for _, m := range mem.Entries {
		if len(m.Messages) > 0 {
			withErrors++
		}
	}
	var groups []render.ErrorGroup
	for _, g := range mem.Groups() {
		eg := render.ErrorGroup{ID: g.ID, Message: g.Text, Count: len(g.Seen)}
		for _, s := range g.Seen[:min(seenPerError, len(g.Seen))] {
			e := byEntry[s.Entry]
			es := render.ErrorSeen{Entry: b.views[e], Fix: fix[e]}
			if s.Text != g.Text {
				es.Message = s.Text
			}
			eg.Seen = append(eg.Seen, es)
		}
		if eg.More = len(g.Seen) - len(eg.Seen); eg.More > 0 {
			var words []string
			for _, t := range errmem.Tokens(g.Signature) {
				if !strings.HasPrefix(t, "<") {
					words = append(words, t)
				}
			}
			eg.MoreURL = b.url("/"+searchDir) + "?q=" + url.QueryEscape(strings.Join(words, " "))
		}
		groups = append(groups, eg)
	}
	var jobs []job
	total := max(1, (len(groups)+errorsPerPage-1)/errorsPerPage)
	pageURL := func(n int) string {
		if n == 1 {
			return "/errors/"
		}
		return "/errors/page/" + strconv.Itoa(n) + "/"
	}
	for n := 1; n <= total; n++ {
		title := "Errors"
		if n > 1 {
			title = fmt.Sprintf("Errors, page %d", n)
		}
		p := &render.ErrorsPage{
			Page:    b.page(title, "Every error message this log has met, each linked to its fix.", pageURL(n), "errors"),
			Groups:  groups[(n-1)*errorsPerPage : min(n*errorsPerPage, len(groups))],
			Total:   len(groups),
			Entries: withErrors,
			Pager:   render.Pager{Number: n, Total: total},
		}
		if n > 1 {
			p.Pager.Prev = b.url(pageURL(n - 1))
		}
		if n < total {
			p.Pager.Next = b.url(pageURL(n + 1))
		}
		jobs = append(jobs, pageJob(pageURL(n), "errors.html", p))
	}
	return jobs
}

// Memory is the error memory of a log as `shiplog seen` reads it.
type Memory struct {
	*errmem.Memory
	Config  config.Config
	Built   time.Time // when the memory file was written; zero when there was none
	Reread  int       // entries read again because they changed since
	Skipped diag.List // entries that could not be read
}

// LoadMemory returns the error memory of the log in src without building
// it: the memory file of the last build (in out, src/public when "") and,
// read again, every entry changed since. An entry the build left out
// (a draft, or dated in the future) stays out unless it changed since;
// then it is read and left out again if it still is one. Without a
// memory file every entry is read, which on a big log takes a while.
func LoadMemory(ctx context.Context, src, out string, now time.Time) (*Memory, error) {
	cfg, problems := config.Load(src)
	if err := problems.Err(); err != nil {
		return nil, err
	}
	if out == "" {
		out = filepath.Join(src, "public")
	}
	m := &Memory{Memory: &errmem.Memory{}, Config: cfg}
	memPath := filepath.Join(out, filepath.FromSlash(memoryFile))
	if info, err := os.Stat(memPath); err == nil {
		data, err := os.ReadFile(memPath)
		if err != nil {
			return nil, err
		}
		mem, err := errmem.Read(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w (build the site again)", memPath, err)
		}
		m.Memory, m.Built = mem, info.ModTime()
	}

	root, err := os.OpenRoot(src)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	files, err := entryFiles(root.FS())
	if err != nil {
		return nil, err
	}
	var changed []string
	isChanged := map[string]bool{}
	for p, mod := range files {
		if m.Built.IsZero() || mod.After(m.Built) {
			changed = append(changed, p)
			isChanged[p] = true
		}
	}
	slices.Sort(changed)
	m.Entries = slices.DeleteFunc(m.Entries, func(e *errmem.Entry) bool {
		_, exists := files[e.Path]
		return !exists || isChanged[e.Path]
	})
	m.Reread = len(changed)

	md := markdown.New(markdown.Options{Unsafe: cfg.Markdown.Unsafe, ErrorLangs: cfg.Markdown.ErrorLangs})
	read := make([]*errmem.Entry, len(changed))
	problems = make(diag.List, 0)
	var mu sync.Mutex
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), max(1, len(changed))) {
		wg.Go(func() {
			for i := range next {
				e, probs := readMemoryEntry(root.FS(), changed[i], cfg, md, now)
				read[i] = e
				if len(probs) > 0 {
					mu.Lock()
					problems.Add(probs...)
					mu.Unlock()
				}
			}
		})
	}
	for i := range changed {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, e := range read {
		if e != nil {
			m.Entries = append(m.Entries, e)
		}
	}
	slices.SortStableFunc(m.Entries, func(a, b *errmem.Entry) int {
		return strings.Compare(b.Date, a.Date)
	})
	m.Skipped = problems
	return m, nil
}

// entryFiles lists the entries' files under log/ with their times of
// last change, skipping what content.Load skips. Folders are read in
// parallel: on a big log this walk is most of the time `seen` takes.
func entryFiles(fsys fs.FS) (map[string]time.Time, error) {
	files := map[string]time.Time{}
	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		firstErr error
	)
	sem := make(chan struct{}, 4*runtime.GOMAXPROCS(0))
	var walk func(dir string)
	walk = func(dir string) {
		defer wg.Done()
		sem <- struct{}{}
		entries, err := fs.ReadDir(fsys, dir)
		<-sem
		if err != nil {
			if dir != "log" || !errors.Is(err, fs.ErrNotExist) {
				mu.Lock()
				firstErr = cmp.Or(firstErr, err)
				mu.Unlock()
			}
			return
		}
		found := map[string]time.Time{}
		for _, d := range entries {
			name := d.Name()
			if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || strings.HasSuffix(name, "~") {
				continue
			}
			p := dir + "/" + name
			if d.IsDir() {
				wg.Add(1)
				go walk(p)
				continue
			}
			if ext := strings.ToLower(path.Ext(name)); ext != ".md" && ext != ".markdown" {
				continue
			}
			info, err := d.Info()
			if err == nil && d.Type()&fs.ModeSymlink != 0 {
				info, err = fs.Stat(fsys, p) // the entry's own time, not the link's
			}
			if err != nil {
				continue // content.Load reports it
			}
			found[p] = info.ModTime()
		}
		mu.Lock()
		maps.Copy(files, found)
		mu.Unlock()
	}
	wg.Add(1)
	walk("log")
	wg.Wait()
	return files, firstErr
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
	return memoryEntry(e, lesson, scanBody(string(res.HTML)).Errors), nil
}
