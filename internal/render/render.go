// Package render executes the theme's templates with typed page data.
//
// Each page template (log.html, entry.html, …) defines "main" and is
// parsed together with base.html and partials.html, so a site can
// override any one of them by name without touching the others.
package render

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/shiplog/shiplog/internal/theme"
)

// Pages are the page templates.
var Pages = []string{"home.html", "log.html", "entry.html", "term.html", "terms.html", "archive.html", "lessons.html", "404.html", "search.html", "errors.html"}

// Templates are the compiled page templates.
type Templates struct {
	byPage map[string]*template.Template

	// The parts base.html shares between the pages of a section (see
	// shared), for the Site they were rendered with.
	mu      sync.Mutex
	partsOf *Site
	parts   map[partKey]template.HTML
}

type partKey struct {
	name, section string
	whole         bool // rendered with the Site alone
}

// TemplateError is a template that does not parse or fails while it
// runs, with its place (Line and Col are 0 when unknown).
type TemplateError struct {
	File      string
	Line, Col int
	Err       error
}

func (e *TemplateError) Error() string { return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err) }

func (e *TemplateError) Unwrap() error { return e.Err }

var funcs = template.FuncMap{
	"date": func(t time.Time) string { return t.Format("2 Jan 2006") },
	"iso": func(t time.Time) string {
		if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
			return t.Format("2006-01-02")
		}
		return t.Format(time.RFC3339)
	},
	"plural": func(n int, one, many string) string {
		if n == 1 {
			return one
		}
		return many
	},
}

// placeRe finds the place in a text/template error: "template: NAME:LINE:"
// when parsing, "template: NAME:LINE:COL: executing ..." when running.
var placeRe = regexp.MustCompile(`template: ([^:\s]+):(\d+):(?:(\d+):)?`)

func templateError(file string, err error) *TemplateError {
	te := &TemplateError{File: file, Err: err}
	if m := placeRe.FindStringSubmatch(err.Error()); m != nil {
		if slices.Contains(theme.Names(), m[1]) {
			te.File = m[1]
		}
		te.Line, _ = strconv.Atoi(m[2])
		te.Col, _ = strconv.Atoi(m[3])
	}
	return te
}

// Compile parses every page template of files.
func Compile(files *theme.Files) (*Templates, error) {
	t := &Templates{byPage: map[string]*template.Template{}}
	own := template.FuncMap{"shared": t.shared}
	for _, page := range Pages {
		tpl := template.New("page:" + page).Funcs(funcs).Funcs(own)
		for _, name := range []string{"base.html", "partials.html", page} {
			if _, err := tpl.New(name).Parse(string(files.Get(name))); err != nil {
				return nil, templateError(name, err)
			}
		}
		// A page that defines no "main" (or a base that defines no
		// "base") would only fail when run, once per page; say so now.
		for _, need := range []struct{ name, file string }{{"base", "base.html"}, {"main", page}} {
			if tpl.Lookup(need.name) == nil {
				return nil, &TemplateError{File: need.file, Line: 1, Col: 1,
					Err: fmt.Errorf("no {{define %q}} in %s", need.name, need.file)}
			}
		}
		t.byPage[page] = tpl
	}
	return t, nil
}

// Partial renders the template name, defined in partials.html (or a
// site's override of it), with data: what the build renders once and
// shows in many places, such as an entry's row in every list.
func (t *Templates) Partial(name string, data any) (template.HTML, error) {
	return t.part("partials.html", name, data)
}

// part renders the template name with data. file is where name is
// expected, for the error when no file defines it.
func (t *Templates) part(file, name string, data any) (template.HTML, error) {
	tpl, ok := t.byPage[Pages[0]]
	if !ok || tpl.Lookup(name) == nil {
		return "", &TemplateError{File: file, Err: fmt.Errorf("no {{define %q}}", name)}
	}
	buf := partBufs.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= 1<<20 {
			buf.Reset()
			partBufs.Put(buf)
		}
	}()
	if err := tpl.ExecuteTemplate(buf, name, data); err != nil {
		return "", templateError(tpl.Lookup(name).Tree.ParseName, err)
	}
	return template.HTML(buf.String()), nil
}

// partBufs hold parts as they are executed: the site renders a part or
// two for every entry, and each grew a buffer of its own from nothing
// (5 MB of a cold 1k build's garbage).
var partBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// shared is the template function for the parts of a page that are the
// same on many pages, rendered once per Site (and section) and then
// reused:
//
//   - {{shared NAME .Site}} renders NAME with the Site as its data: the
//     ticker of partials.html, the same on every page;
//   - {{shared NAME .Site .Section}} renders NAME with .Site and
//     .Section: the frame's parts base.html defines (the head's links and
//     scripts, the header, the footer), the same on every page of a
//     section.
//
// Rendered per page, the ticker was two thirds of the templates' time
// with 30 headlines, and the frame a fifth without.
//
// A Site must not change once its pages are being rendered; a new Site
// (the next build's) starts afresh.
func (t *Templates) shared(name string, site *Site, section ...string) (template.HTML, error) {
	if len(section) > 1 {
		return "", fmt.Errorf("shared %q: one section at most, got %d", name, len(section))
	}
	var data any = site
	k, file := partKey{name: name, whole: true}, "partials.html"
	if len(section) == 1 {
		data = struct {
			Site    *Site
			Section string
		}{site, section[0]}
		k, file = partKey{name: name, section: section[0]}, "base.html"
	}
	t.mu.Lock()
	if t.partsOf != site {
		t.partsOf, t.parts = site, map[partKey]template.HTML{}
	}
	h, ok := t.parts[k]
	t.mu.Unlock()
	if ok {
		return h, nil
	}
	h, err := t.part(file, name, data)
	if err != nil {
		return "", err
	}
	t.mu.Lock()
	if t.partsOf == site {
		t.parts[k] = h
	}
	t.mu.Unlock()
	return h, nil
}

// Execute renders page with data into w.
func (t *Templates) Execute(w io.Writer, page string, data any) error {
	tpl, ok := t.byPage[page]
	if !ok {
		return fmt.Errorf("no template %s", page)
	}
	if err := tpl.ExecuteTemplate(w, "base", data); err != nil {
		// A shared part that failed is reported at its own place, not
		// at base.html's call of it.
		if te := (*TemplateError)(nil); errors.As(err, &te) {
			return te
		}
		return templateError(page, err)
	}
	return nil
}
