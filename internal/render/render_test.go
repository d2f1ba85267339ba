package render

import (
	"bytes"
	"errors"
	"html/template"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shiplog/shiplog/internal/theme"
)

func defaultTemplates(t *testing.T) *Templates {
	t.Helper()
	files, _, err := theme.Load(nil, "layouts")
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := Compile(files)
	if err != nil {
		t.Fatalf("Compile(default theme): %v", err)
	}
	return tpl
}

// overridden compiles the default theme with layouts files laid over it.
func overridden(t *testing.T, layouts map[string]string) (*Templates, error) {
	t.Helper()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "layouts"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range layouts {
		if err := os.WriteFile(filepath.Join(dir, "layouts", name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	files, _, err := theme.Load(root, "layouts")
	if err != nil {
		t.Fatal(err)
	}
	return Compile(files)
}

const evil = `<img src=x onerror=alert(1)> & "quotes"`

// pages returns data for every page template, every string in it
// hostile, so the test can check that each is escaped.
func pages() map[string]any {
	site := &Site{Title: evil, Author: evil, Tagline: evil, Intro: evil, HomeURL: "https://example.dev/", HomeHost: evil, Lang: "en", Root: "/", CSS: "/assets/style.css",
		Ticker: Ticker{Items: []Headline{{Title: evil, URL: "https://example.dev/a", DiscussURL: "https://news.ycombinator.com/item?id=1", Points: 3, Comments: 1}}, AsOf: evil}}
	page := func(title string) Page {
		return Page{Site: site, Title: title, Description: evil, Path: "/x/", Canonical: "/x/", Section: "log"}
	}
	date := time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)
	e := &Entry{URL: "/log/e/", Slug: "e", Title: evil, Kind: "broke", KindLabel: "Broke", KindURL: "/log/kind/broke/",
		Project: &Link{Label: evil, URL: "/projects/p/"}, Tags: []Link{{Label: evil, URL: "/tags/t/"}},
		Date: date, Updated: date.Add(26 * time.Hour), Summary: evil,
		Hero: &Image{URL: "/log/e/hero.png", Alt: evil, Caption: evil, Width: 10, Height: 5},
		Body: template.HTML("<p>trusted body</p>"), Lesson: template.HTML("trusted lesson"), LessonText: evil, Minutes: 2,
		TOC: []Heading{{Level: 2, ID: "symptom", Text: evil}}}
	link := &Link{Label: evil, URL: "/log/o/"}
	return map[string]any{
		"home.html":    &HomePage{Page: page(""), About: template.HTML("<p>about</p>"), Latest: []*Entry{e}, Projects: []Link{{Label: evil, URL: "/projects/p/", Count: 1}}, Counts: []Link{{Label: "Broke", URL: "/log/kind/broke/", Count: 1}}, Total: 1},
		"log.html":     &StreamPage{Page: page(evil), Heading: evil, Kinds: []Link{{Label: "All", URL: "/log/", Count: 1, Rel: "current"}}, Entries: []*Entry{e}, Pager: Pager{Number: 2, Total: 3, Prev: "/log/", Next: "/log/page/3/"}},
		"entry.html":   &EntryPage{Page: page(evil), Entry: e, Prev: link, Next: link, Related: []*Entry{e}},
		"term.html":    &TermPage{Page: page(evil), Heading: evil, What: "tag", Entries: []*Entry{e}, Kinds: []Link{{Label: "Broke", Count: 1}}, First: date, Last: date},
		"terms.html":   &TermsPage{Page: page(evil), Heading: evil, What: "tag", Terms: []Link{{Label: evil, URL: "/tags/t/", Count: 1}}},
		"archive.html": &ArchivePage{Page: page("Archive"), Years: []ArchiveYear{{Year: 2026, Entries: 1, Months: []ArchiveMonth{{Name: "March", Entries: []*Entry{e}}}}}},
		"lessons.html": lessons(page("Lessons"), e),
		"search.html":  &SearchPage{Page: page(evil), Entries: 1},
		"errors.html": &ErrorsPage{Page: page("Errors"), Total: 1, Entries: 1, Groups: []ErrorGroup{{ID: "e1", Message: evil, Count: 7,
			Seen: []ErrorSeen{{Entry: e, Fix: "/log/e/#fix", Message: evil}}, More: 6, MoreURL: "/search/?q=x"}}},
		"404.html": &NotFoundPage{Page: page("Page not found"), Latest: []*Entry{e}},
	}
}

func lessons(p Page, e *Entry) *LessonsPage {
	lp := &LessonsPage{Page: p, Lessons: []*Entry{e}, Groups: []LessonGroup{{ID: "lesson-e", Lesson: e.Lesson, Text: e.LessonText, Count: 3, Entries: []*Entry{e}, More: 2}}}
	lp.Repeated = []*LessonGroup{&lp.Groups[0]}
	return lp
}

// Every page renders with its typed data, and untrusted text in it comes
// out escaped, never as markup.
func TestExecuteEveryPageEscapes(t *testing.T) {
	tpl := defaultTemplates(t)
	data := pages()
	for _, page := range Pages {
		d, ok := data[page]
		if !ok {
			t.Fatalf("no test data for %s", page)
		}
		var buf bytes.Buffer
		if err := tpl.Execute(&buf, page, d); err != nil {
			t.Fatalf("Execute(%s): %v", page, err)
		}
		out := buf.String()
		if strings.Contains(out, "<img src=x") || strings.Contains(out, "onerror=alert(1)>") {
			t.Errorf("%s: untrusted text came out as markup:\n%s", page, out)
		}
		if !strings.Contains(out, "&lt;img src=x onerror=alert(1)&gt; &amp; &#34;quotes&#34;") {
			t.Errorf("%s: escaped title not found", page)
		}
		if strings.Contains(out, "&amp;lt;") || strings.Contains(out, "&amp;amp;") {
			t.Errorf("%s: text escaped twice", page)
		}
		if !strings.HasPrefix(out, "<!doctype html>") || !strings.HasSuffix(strings.TrimSpace(out), "</html>") {
			t.Errorf("%s: not a whole HTML document", page)
		}
	}
}

func TestExecuteUnknownPage(t *testing.T) {
	tpl := defaultTemplates(t)
	if err := tpl.Execute(&bytes.Buffer{}, "nope.html", nil); err == nil {
		t.Error("Execute(nope.html) = nil, want an error")
	}
}

func TestFuncs(t *testing.T) {
	date := funcs["date"].(func(time.Time) string)
	iso := funcs["iso"].(func(time.Time) string)
	plural := funcs["plural"].(func(int, string, string) string)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip(err)
	}
	day := time.Date(2026, 3, 4, 0, 0, 0, 0, berlin)
	at := time.Date(2026, 3, 4, 9, 30, 0, 0, berlin)
	for _, tt := range []struct{ got, want string }{
		{date(day), "4 Mar 2026"},
		{iso(day), "2026-03-04"},
		{iso(at), "2026-03-04T09:30:00+01:00"},
		{plural(1, "entry", "entries"), "entry"},
		{plural(0, "entry", "entries"), "entries"},
		{plural(2, "entry", "entries"), "entries"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

// A template that does not parse is reported at its file and line.
func TestCompileParseError(t *testing.T) {
	_, err := overridden(t, map[string]string{"entry.html": "{{define \"main\"}}\n<p>\n{{.Entry.Title</p>\n{{end}}"})
	var te *TemplateError
	if !errors.As(err, &te) {
		t.Fatalf("Compile = %v, want a *TemplateError", err)
	}
	if te.File != "entry.html" || te.Line != 3 {
		t.Errorf("TemplateError at %s:%d, want entry.html:3 (%v)", te.File, te.Line, te.Err)
	}
}

// A page that defines no "main" fails at Compile, not once per page.
func TestCompileMissingMain(t *testing.T) {
	_, err := overridden(t, map[string]string{"lessons.html": "<p>no define</p>"})
	var te *TemplateError
	if !errors.As(err, &te) || te.File != "lessons.html" {
		t.Fatalf("Compile = %v, want a *TemplateError for lessons.html", err)
	}
}

// A template that fails while it runs is reported at its file, line and
// column.
func TestExecuteError(t *testing.T) {
	tpl, err := overridden(t, map[string]string{"terms.html": "{{define \"main\"}}\n<p>\n  {{.Nope}}</p>{{end}}"})
	if err != nil {
		t.Fatal(err)
	}
	err = tpl.Execute(&bytes.Buffer{}, "terms.html", pages()["terms.html"])
	var te *TemplateError
	if !errors.As(err, &te) {
		t.Fatalf("Execute = %v, want a *TemplateError", err)
	}
	if te.File != "terms.html" || te.Line != 3 || te.Col == 0 {
		t.Errorf("TemplateError at %s:%d:%d, want terms.html:3:N (%v)", te.File, te.Line, te.Col, te.Err)
	}
}

// The ticker is rendered once per Site ({{shared "ticker" .Site}}) and
// every page carries it as the "ticker" partial renders it: its
// headlines escaped, once.
func TestSharedTicker(t *testing.T) {
	tpl := defaultTemplates(t)
	page := pages()["log.html"].(*StreamPage)
	strip, err := tpl.Partial("ticker", page.Site)
	if err != nil {
		t.Fatal(err)
	}
	s := string(strip)
	if !strings.HasPrefix(s, `<section id="ticker"`) || strings.Count(s, "&lt;img src=x onerror=alert(1)&gt;") < 2 {
		t.Fatalf("ticker partial: want the strip with its headline escaped in both lists, got\n%s", s)
	}
	if strings.Contains(s, "<img src=x") {
		t.Fatalf("ticker partial: a headline came out as markup:\n%s", s)
	}
	for _, name := range []string{"log.html", "entry.html"} {
		var buf bytes.Buffer
		if err := tpl.Execute(&buf, name, pages()[name]); err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(buf.String(), s); n != 1 {
			t.Errorf("%s carries the rendered strip %d times, want 1", name, n)
		}
	}
	if got := tpl.parts[partKey{name: "ticker", whole: true}]; got != strip {
		t.Errorf("the strip kept for the Site is %q, want the partial's", got)
	}
}

// A ticker of the site's own that fails is an error at its place in
// partials.html, whether it is shown once per Site or once per page.
func TestSharedTickerError(t *testing.T) {
	partials, err := os.ReadFile(filepath.Join("..", "theme", "files", "partials.html"))
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(partials), `{{define "ticker" -}}`)
	own := string(partials[:i]) + "{{define \"ticker\" -}}\n<p>{{.Nope}}</p>{{end}}{{define \"unused-ticker\" -}}" + string(partials[i+len(`{{define "ticker" -}}`):])
	tpl, err := overridden(t, map[string]string{"partials.html": own})
	if err != nil {
		t.Fatal(err)
	}
	err = tpl.Execute(&bytes.Buffer{}, "log.html", pages()["log.html"])
	var te *TemplateError
	line := strings.Count(string(partials[:i]), "\n") + 2
	if !errors.As(err, &te) || te.File != "partials.html" || te.Line != line || !strings.Contains(err.Error(), "Nope") {
		t.Errorf("Execute with a failing ticker = %v, want partials.html:%d", err, line)
	}
}

// A site's own "ticker" in layouts/partials.html is the one Partial
// renders; a name partials.html does not define is an error naming it.
func TestPartialOverrideAndUnknown(t *testing.T) {
	def := defaultTemplates(t)
	partials, err := os.ReadFile(filepath.Join("..", "theme", "files", "partials.html"))
	if err != nil {
		t.Fatal(err)
	}
	own := strings.Replace(string(partials), `{{define "ticker" -}}`, `{{define "ticker" -}}<p class="my-strip">{{len .Ticker.Items}} stories</p>{{end}}{{define "unused-ticker" -}}`, 1)
	tpl, err := overridden(t, map[string]string{"partials.html": own})
	if err != nil {
		t.Fatal(err)
	}
	site := pages()["log.html"].(*StreamPage).Site
	got, err := tpl.Partial("ticker", site)
	if err != nil || got != `<p class="my-strip">1 stories</p>` {
		t.Errorf("Partial(ticker) with an override = %q, %v", got, err)
	}
	_, err = def.Partial("nope", site)
	var te *TemplateError
	if !errors.As(err, &te) || te.File != "partials.html" || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("Partial(nope) = %v, want a TemplateError naming partials.html and nope", err)
	}
}

// The frame's shared parts are rendered once per Site and section: pages
// of one section show the same header, with their section marked as the
// current one, and a new Site (the next build's) renders afresh.
func TestSharedParts(t *testing.T) {
	tpl := defaultTemplates(t)
	data := pages()
	render := func(page string, d any) string {
		var buf bytes.Buffer
		if err := tpl.Execute(&buf, page, d); err != nil {
			t.Fatalf("Execute(%s): %v", page, err)
		}
		return buf.String()
	}
	header := func(out string) string {
		a := strings.Index(out, `<header class="site-header">`)
		b := strings.Index(out, "</header>")
		if a < 0 || b < a {
			t.Fatalf("no site header in\n%s", out)
		}
		return out[a:b]
	}
	stream := data["log.html"].(*StreamPage)
	entry := data["entry.html"].(*EntryPage)
	if header(render("log.html", stream)) != header(render("entry.html", entry)) {
		t.Error("two pages of the section log show different headers")
	}
	if h := header(render("log.html", stream)); !strings.Contains(h, `log/" aria-current="page">Log`) {
		t.Errorf("the log's header does not mark Log as current:\n%s", h)
	}
	archive := data["archive.html"].(*ArchivePage)
	archive.Site = stream.Site
	archive.Section = "archive"
	if h := header(render("archive.html", archive)); !strings.Contains(h, `archive/" aria-current="page">Archive`) || strings.Contains(h, `log/" aria-current`) {
		t.Errorf("the archive's header, after the log's, does not mark Archive alone:\n%s", h)
	}
	if tpl.parts[partKey{name: "site-header", section: "log"}] == "" || len(tpl.parts) < 5 {
		t.Errorf("parts kept: %d, want the log's and the archive's", len(tpl.parts))
	}
	// The next build's Site, with another title: rendered again.
	next := *stream.Site
	next.Title = "Another title"
	page := *stream
	page.Site = &next
	if h := header(render("log.html", &page)); !strings.Contains(h, "Another title") {
		t.Errorf("a new Site's header still shows the old title:\n%s", h)
	}
}

// A list shows an entry's Row as it was rendered, and renders the row in
// place when there is none.
func TestRowShownOrRendered(t *testing.T) {
	tpl := defaultTemplates(t)
	term := pages()["term.html"].(*TermPage)
	var buf bytes.Buffer
	if err := tpl.Execute(&buf, "term.html", term); err != nil {
		t.Fatal(err)
	}
	inPlace := buf.String()
	row, err := tpl.Partial("entry-row", term.Entries[0])
	if err != nil || !strings.HasPrefix(string(row), `<li class="row`) {
		t.Fatalf("Partial(entry-row) = %q, %v", row, err)
	}
	if !strings.Contains(inPlace, string(row)) {
		t.Errorf("the row rendered in place differs from Partial's:\n%s\n---\n%s", row, inPlace)
	}
	e := *term.Entries[0]
	e.Row = `<li class="row kept">kept</li>`
	p := *term
	p.Entries = []*Entry{&e}
	buf.Reset()
	if err := tpl.Execute(&buf, "term.html", &p); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `<ul class="rows"><li class="row kept">kept</li></ul>`) {
		t.Errorf("the kept row is not shown as it is:\n%s", buf.String())
	}
}

// The stream shows an entry's FullHead, body and FullTail when they were
// kept, and renders "entry-full" in place when they were not.
func TestFullShownOrRendered(t *testing.T) {
	tpl := defaultTemplates(t)
	stream := pages()["log.html"].(*StreamPage)
	var buf bytes.Buffer
	if err := tpl.Execute(&buf, "log.html", stream); err != nil {
		t.Fatal(err)
	}
	inPlace := buf.String()
	full, err := tpl.Partial("entry-full", stream.Entries[0])
	if err != nil || !strings.HasPrefix(string(full), `<article class="entry`) {
		t.Fatalf("Partial(entry-full) = %q, %v", full, err)
	}
	if !strings.Contains(inPlace, string(full)) {
		t.Errorf("the entry rendered in place differs from Partial's:\n%s\n---\n%s", full, inPlace)
	}
	e := *stream.Entries[0]
	e.FullHead, e.Body, e.FullTail = `<article class="kept">`, `<p>body</p>`, `</article>`
	p := *stream
	p.Entries = []*Entry{&e}
	buf.Reset()
	if err := tpl.Execute(&buf, "log.html", &p); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `<article class="kept"><p>body</p></article>`) {
		t.Errorf("the kept parts are not shown around the body:\n%s", buf.String())
	}
}
