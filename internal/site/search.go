package site

// What the log knows about itself: the search index, the error memory
// and the lessons digest. What gets written:
//
//	/search/                    the search page; search.js fills in ?q=
//	/search/index.json, s/, d/  the index (see package search)
//	/assets/search.<hash>.js    the script behind every page's search box
//	/errors/, /errors/page/N/   every error message met, grouped by signature
//	/errors/errors.tsv          the error memory `shiplog seen` reads
//	/lessons/                   every lesson, near-duplicates together
//
// All of it is read from the rendered entries, once: each body is scanned
// for its text, its error blocks and the heading of its fix.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"html"
	"regexp"
	"strings"
	"sync"

	"github.com/shiplog/shiplog/internal/buildcache"
	"github.com/shiplog/shiplog/internal/content"
	"github.com/shiplog/shiplog/internal/errmem"
	"github.com/shiplog/shiplog/internal/render"
	"github.com/shiplog/shiplog/internal/search"
)

// searchDir is the index's folder in the output.
const searchDir = "search/"

// knowledge queues the pages and files of the search, the error memory
// and the lessons. A one-off build writes the search index's files here,
// into st, fingerprinted with group; the rest it returns.
func (b *builder) knowledge(ctx context.Context, st *stage, group buildcache.Key) ([]job, error) {
	// The index numbers entries oldest first, so numbers stay put as
	// the log grows.
	entries := b.log.Entries
	n := len(entries)
	at := func(i int) *content.Entry { return entries[n-1-i] }
	scans := make([]scanFacts, n)
	opts := b.searchOptions()
	// A body is scanned when the index asks for its document, on every
	// core, and what the error memory needs is kept from that scan; a
	// body the index did not ask for (the dev server reusing its terms)
	// is scanned after, from its memo. A one-off build thus reads and
	// scans each body once here, not twice.
	scanned := make([]bool, n)
	doc := func(i int) search.Doc {
		e := at(i)
		scan := b.scan(e)
		scans[n-1-i], scanned[n-1-i] = scanFacts{errors: scan.Errors, fix: scan.Fix}, true
		return b.searchDoc(e, scan.Text)
	}
	// A Builder keeps the index and updates the postings of the terms
	// that changed; Build makes it whole.
	var ix *search.Index
	var err error
	if c := b.owner; c != nil {
		if c.search == nil {
			c.search = new(search.Index)
		}
		ix, err = c.search, c.search.Update(ctx, n, doc, opts)
	} else {
		ix, err = search.Build(ctx, n, doc, opts)
	}
	if err != nil {
		return nil, err
	}
	// On every core: after an edit nearly every entry's terms come from
	// the facts cache, so nearly every body is scanned here.
	parallel(ctx, n, func(i int) {
		if !scanned[i] {
			scan := b.scan(entries[i])
			scans[i] = scanFacts{errors: scan.Errors, fix: scan.Fix}
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	jsName, js := b.searchAssets()

	files := ix.Files()
	index := make([]job, 0, len(files))
	for _, f := range files {
		index = append(index, job{out: searchDir + f.Name, by: "the search index", run: func() ([]byte, error) { return f.Bytes(), nil }})
		if f.Name != "index.json" {
			b.namedBySum(searchDir + f.Name)
			if b.owner != nil {
				b.shards = append(b.shards, searchDir+f.Name)
			}
		}
	}
	if b.owner == nil {
		// A one-off build writes the index now, before it makes the
		// error memory: each shard's postings go once it is written.
		// Held until the pages were written, the postings of a 100k
		// log (over 100 MB) were there at the build's peak.
		for i := range index {
			index[i].fp = group
		}
		if err := b.runAs(ctx, st, "writing the search index", index); err != nil {
			return nil, err
		}
		index = nil // written
	}

	mem, byEntry := b.memory(scans)
	var jobs []job
	if kept := b.keptMemory(mem, scans); kept != nil {
		jobs = kept
	} else {
		jobs = b.errorPages(mem, byEntry, scans)
		jobs = append(jobs, job{out: memoryFile, by: "the error memory", run: func() ([]byte, error) { return errmem.Write(mem), nil }})
	}
	if b.owner != nil {
		b.memEntries, b.memFiles = mem.Entries, make([]string, len(jobs))
		b.memFixes = make([]string, len(scans))
		for i, j := range jobs {
			b.memFiles[i] = j.out
		}
		for i, s := range scans {
			b.memFixes[i] = s.fix
		}
	}
	jobs = append(jobs, b.lessonsJob())
	b.remake(pageOut("/lessons/"), (*builder).lessonsJob)
	b.dependsOn(pageOut("/lessons/"), nil, entries)

	jobs = append(jobs, job{out: jsName, by: "the theme", run: func() ([]byte, error) { return js, nil }})
	jobs = append(jobs, b.pageJob("/"+searchDir, "search.html", &render.SearchPage{
		Page:    b.page("Search", "Search every entry of the log.", "/"+searchDir, "search"),
		Entries: n,
	}))
	b.shapeOnly(jsName)
	b.shapeOnly(pageOut("/" + searchDir))
	jobs = append(jobs, index...) // the dev server's: it keeps the index
	// The manifest, the memory and /errors/ read every entry's text;
	// nothing is said of them, so every rebuild makes them again (see
	// incremental.go). A shard is named by its content: a rebuild makes
	// only the shards with new names.
	return jobs, nil
}

// searchOptions are the options of the index. The dev server keeps each
// render's terms while it is reused.
func (b *builder) searchOptions() search.Options {
	entries := b.log.Entries
	if b.owner == nil {
		if b.facts == nil {
			return search.Options{} // nothing kept: the index computes each document's terms itself
		}
		// A one-off build keeps each entry's terms in a cache, under its
		// fingerprint (what the entry's pages show of it): a rebuild
		// after an edit tokenizes the edited entry alone, where it took
		// a third of that rebuild's CPU to tokenize all 10,000.
		return search.Options{Terms: func(i int, doc func(int) search.Doc) search.DocTerms {
			fp := b.efp[entries[len(entries)-1-i]]
			if fp == (buildcache.Key{}) {
				return search.UnsortedTermsOf(doc(i))
			}
			k := buildcache.NewHasher().String("search terms").String(buildcache.ProgramID()).Bytes(fp[:]).Key()
			if data, ok := b.facts.Get(k); ok {
				if t, ok := search.DecodeTerms(data); ok {
					return t
				}
			}
			t := search.UnsortedTermsOf(doc(i))
			b.facts.Put(k, t.Append(nil))
			return t
		}}
	}
	return search.Options{
		Terms: func(i int, doc func(int) search.Doc) search.DocTerms {
			return memoFor(b, "terms", b.views[entries[len(entries)-1-i]], func() search.DocTerms { return search.TermsOf(doc(i)) })
		},
	}
}

// fragmentJobs are the jobs of the search index's fragments, one per
// entry. Unlike the rest of the index, each reads its entry alone, so
// they are planned apart from it, each with its entry's fingerprint.
func (b *builder) fragmentJobs() []job {
	entries := b.log.Entries
	n := len(entries)
	jobs := make([]job, 0, n)
	for i := range n {
		jobs = append(jobs, b.fragmentJob(i))
		b.remake(searchDir+search.FragmentName(i), func(b *builder) job { return b.fragmentJob(i) })
		b.dependsOn(searchDir+search.FragmentName(i), []*content.Entry{entries[n-1-i]}, nil)
	}
	return jobs
}

// fragmentJob is the job of the search index's fragment of document i
// (the index numbers entries oldest first).
func (b *builder) fragmentJob(i int) job {
	e := b.log.Entries[len(b.log.Entries)-1-i]
	name := search.FragmentName(i)
	j := job{out: searchDir + name, by: "the search index", src: e.Path, run: func() ([]byte, error) {
		return search.Fragment(b.searchDoc(e, b.scan(e).Text), b.searchOptions()), nil
	}}
	// A fragment reads its entry alone: a rebuild after an edit keeps
	// the others without scanning every body again.
	j.fp = b.pageFP("search fragment", name, e)
	return j
}

// lessonsJob is the job of /lessons/. Grouping the lessons reads every
// one; it is done when the page is made, so a rebuild that keeps the
// page (incremental.go) does not.
func (b *builder) lessonsJob() job {
	page := b.page("Lessons", "Every lesson this log taught, linked to its entry.", "/lessons/", "lessons")
	return b.pageJob("/lessons/", "lessons.html", func() any { return b.lessonsPage(page) })
}

// searchAssets names the search's script and points every page at it
// and at the search page.
func (b *builder) searchAssets() (jsName string, js []byte) {
	js = b.files.Get("search.js")
	sum := sha256.Sum256(js)
	jsName = fmt.Sprintf("assets/search.%x.js", sum[:5])
	b.site.SearchJS = b.url("/" + jsName)
	b.site.Search = b.url("/" + searchDir)
	return jsName, js
}

// scanFacts is what the error memory keeps of a body's scan.
type scanFacts struct {
	errors []errorBlock
	fix    string
}

func (b *builder) searchDoc(e *content.Entry, text string) search.Doc {
	v := b.views[e]
	return search.Doc{
		URL:       v.URL,
		Title:     e.Title,
		Date:      e.Date,
		Kind:      e.Kind,
		KindLabel: v.KindLabel,
		Project:   e.Project,
		Tags:      e.Tags,
		Summary:   e.Summary,
		Errors:    e.Errors,
		Lesson:    v.LessonText,
		Body:      text,
	}
}

// scan is scanBody of e's render, read once per render (memoFor).
func (b *builder) scan(e *content.Entry) bodyScan {
	v := b.views[e]
	return memoFor(b, "scan", v, func() bodyScan { return scanBody(string(b.bodyOf(e))) })
}

// bodyScan is what the search and the error memory read from a body.
type bodyScan struct {
	Text   string       // the text, a line per block
	Errors []errorBlock // the error blocks, in order
	Fix    string       // the id of the heading of the fix, "" when none
}

type errorBlock struct{ Lang, Text string }

// fixRe names the heading of an entry's fix.
var fixRe = regexp.MustCompile(`(?i)\b(?:fix|fixed|fixing|the fix|solution|solved|resolution|resolved|workaround)\b`)

// blockTags end a line of text.
var blockTags = map[string]bool{
	"p": true, "div": true, "li": true, "ul": true, "ol": true, "pre": true, "blockquote": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "br": true, "hr": true,
	"tr": true, "td": true, "th": true, "table": true, "figure": true, "figcaption": true,
	"dt": true, "dd": true, "section": true, "aside": true,
}

// scanBody reads a body rendered by package markdown. It is not a
// general HTML parser: it relies on what that renderer writes (attribute
// values never hold a raw ">", error blocks are <div class="code
// code-error" data-lang="…"> around one <code>, headings carry their id).
func scanBody(h string) bodyScan {
	var s bodyScan
	var block, heading strings.Builder
	// The text is gathered in a buffer kept between scans and copied out
	// once, at its size: a builder grown by doubling allocated about
	// twice the text of every body of the log.
	buf := getScratch()
	text := (*buf)[:0]
	defer func() {
		*buf = text
		putScratch(buf)
	}()
	var inError, inCode, inHeading bool
	var lang, headingID string
	write := func(seg string) {
		if strings.IndexByte(seg, '&') >= 0 {
			seg = html.UnescapeString(seg)
		}
		text = append(text, seg...)
		if inCode {
			block.WriteString(seg)
		}
		if inHeading {
			heading.WriteString(seg)
		}
	}
	for i := 0; i < len(h); {
		if h[i] != '<' {
			j := strings.IndexByte(h[i:], '<')
			if j < 0 {
				j = len(h) - i
			}
			write(h[i : i+j])
			i += j
			continue
		}
		if strings.HasPrefix(h[i:], "<!--") {
			j := strings.Index(h[i:], "-->")
			if j < 0 {
				break
			}
			i += j + 3
			continue
		}
		j := strings.IndexByte(h[i:], '>')
		if j < 0 {
			break
		}
		tag := h[i+1 : i+j]
		i += j + 1
		closing := strings.HasPrefix(tag, "/")
		name := strings.ToLower(strings.TrimPrefix(tag, "/"))
		if k := strings.IndexAny(name, " \t\n/"); k >= 0 {
			name = name[:k]
		}
		if (name == "script" || name == "style") && !closing {
			end := strings.Index(strings.ToLower(h[i:]), "</"+name)
			if end < 0 {
				break
			}
			i += end
			continue
		}
		switch {
		case name == "div" && !closing && strings.Contains(tag, "code-error"):
			inError, lang = true, attr(tag, "data-lang")
		case name == "code" && inError:
			if closing {
				s.Errors = append(s.Errors, errorBlock{Lang: lang, Text: block.String()})
				block.Reset()
				inError, inCode = false, false
			} else {
				inCode = true
			}
		case len(name) == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '6':
			if !closing {
				inHeading, headingID = true, attr(tag, "id")
				heading.Reset()
			} else if inHeading {
				inHeading = false
				if s.Fix == "" && headingID != "" && fixRe.MatchString(heading.String()) {
					s.Fix = headingID
				}
			}
		}
		if blockTags[name] {
			text = append(text, '\n')
		}
	}
	s.Text = string(bytes.TrimSpace(text))
	return s
}

// scratch holds byte buffers that a step fills and copies out of before
// it is done with them: the text of a body as it is scanned, a render as
// it goes into the cache.
var scratch = sync.Pool{New: func() any { return new([]byte) }}

func getScratch() *[]byte { return scratch.Get().(*[]byte) }

// putScratch hands buf back, unless one odd body grew it past a
// megabyte.
func putScratch(buf *[]byte) {
	if cap(*buf) <= 1<<20 {
		scratch.Put(buf)
	}
}

// attr returns the value of attribute name in a tag's text.
func attr(tag, name string) string {
	i := strings.Index(tag, " "+name+`="`)
	if i < 0 {
		return ""
	}
	v := tag[i+len(name)+3:]
	if j := strings.IndexByte(v, '"'); j >= 0 {
		v = v[:j]
	}
	// A copy: a slice of the body would keep the whole rendered body in
	// memory for as long as the value lives (the error memory keeps it
	// to the end of the build).
	return strings.Clone(html.UnescapeString(v))
}
