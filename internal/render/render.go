// Package render executes the theme's templates with typed page data.
//
// Each page template (log.html, entry.html, …) defines "main" and is
// parsed together with base.html and partials.html, so a site can
// override any one of them by name without touching the others.
package render

import (
	"fmt"
	"html/template"
	"io"
	"regexp"
	"strconv"
	"time"

	"github.com/shiplog/shiplog/internal/theme"
)

// Pages are the page templates.
var Pages = []string{"home.html", "log.html", "entry.html", "term.html", "terms.html", "archive.html", "lessons.html", "404.html"}

// Templates are the compiled page templates.
type Templates struct {
	byPage map[string]*template.Template
}

// TemplateError is a template that does not parse, with its place.
type TemplateError struct {
	File string
	Line int
	Err  error
}

func (e *TemplateError) Error() string { return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err) }

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

var lineRe = regexp.MustCompile(`:(\d+):`)

// Compile parses every page template of files.
func Compile(files *theme.Files) (*Templates, error) {
	t := &Templates{byPage: map[string]*template.Template{}}
	for _, page := range Pages {
		tpl := template.New("page:" + page).Funcs(funcs)
		for _, name := range []string{"base.html", "partials.html", page} {
			if _, err := tpl.New(name).Parse(string(files.Get(name))); err != nil {
				line := 0
				if m := lineRe.FindStringSubmatch(err.Error()); m != nil {
					line, _ = strconv.Atoi(m[1])
				}
				return nil, &TemplateError{File: name, Line: line, Err: err}
			}
		}
		t.byPage[page] = tpl
	}
	return t, nil
}

// Execute renders page with data into w.
func (t *Templates) Execute(w io.Writer, page string, data any) error {
	tpl, ok := t.byPage[page]
	if !ok {
		return fmt.Errorf("no template %s", page)
	}
	if err := tpl.ExecuteTemplate(w, "base", data); err != nil {
		return fmt.Errorf("execute %s: %w", page, err)
	}
	return nil
}
