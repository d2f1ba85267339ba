package content

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/shiplog/shiplog/internal/diag"
)

// describe prints what Parse made of an entry, one field a line, so that
// two entries can be compared and a difference read.
func describe(e *Entry) string {
	if e == nil {
		return "<nil>"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Path: %s\nID: %s\nTitle: %q\n", e.Path, e.ID, e.Title)
	fmt.Fprintf(&b, "Date: %s\nUpdated: %s\n", e.Date.Format(time.RFC3339Nano), e.Updated.Format(time.RFC3339Nano))
	fmt.Fprintf(&b, "Kind: %s\nProject: %q\nTags: %q\nSummary: %q\n", e.Kind, e.Project, e.Tags, e.Summary)
	if e.Hero != nil {
		fmt.Fprintf(&b, "Hero: %q %q %q\n", e.Hero.Src, e.Hero.Alt, e.Hero.Caption)
	}
	fmt.Fprintf(&b, "Lesson: %q\nErrors: %q\nDraft: %v\nSlug: %s\nURL: %s\nAliases: %q\nBody: %q\n",
		e.Lesson, e.Errors, e.Draft, e.Slug, e.URL(), e.Aliases, e.Body)
	return b.String()
}

func strs(l diag.List) []string {
	l.Sort()
	var out []string
	for _, p := range l {
		out = append(out, p.String())
	}
	return out
}

const everyKeyYAML = `---
id: urn:uuid:0f8b5b8e-8a4b-4f3e-9d5c-1b2a3c4d5e6f
title: "  Lambda dies with invalid ELF header "
date: 2026-03-14
updated: 2026-03-15T10:30:00+01:00
kind: Broke
project: Thumbnailer
tags: [AWS, lambda, aws, "Go, Rust", LAMBDA]
summary: Built on a Mac, ran on Linux.
hero:
  src: elf.png
  alt: " The error in the console "
  caption: It took an hour.
lesson: Build where you run.
errors:
  - "Runtime.InvalidEntrypoint"
  - "  "
  - exec format error
draft: false
slug: lambda-elf
aliases: [/2026/03/lambda-elf/, "/old//path", /a/b.html]
---
Body text.
`

const everyKeyTOML = `+++
id = "urn:uuid:0f8b5b8e-8a4b-4f3e-9d5c-1b2a3c4d5e6f"
title = "  Lambda dies with invalid ELF header "
date = 2026-03-14
updated = 2026-03-15T10:30:00+01:00
kind = "Broke"
project = "Thumbnailer"
tags = ["AWS", "lambda", "aws", "Go, Rust", "LAMBDA"]
summary = "Built on a Mac, ran on Linux."
lesson = "Build where you run."
errors = ["Runtime.InvalidEntrypoint", "  ", "exec format error"]
draft = false
slug = "lambda-elf"
aliases = ["/2026/03/lambda-elf/", "/old//path", "/a/b.html"]

[hero]
src = "elf.png"
alt = " The error in the console "
caption = "It took an hour."
+++
Body text.
`

const everyKeyWant = `Path: log/2026-03-14-x.md
ID: urn:uuid:0f8b5b8e-8a4b-4f3e-9d5c-1b2a3c4d5e6f
Title: "Lambda dies with invalid ELF header"
Date: 2026-03-14T00:00:00Z
Updated: 2026-03-15T09:30:00Z
Kind: broke
Project: "Thumbnailer"
Tags: ["AWS" "lambda" "Go" "Rust"]
Summary: "Built on a Mac, ran on Linux."
Hero: "elf.png" "The error in the console" "It took an hour."
Lesson: "Build where you run."
Errors: ["Runtime.InvalidEntrypoint" "exec format error"]
Draft: false
Slug: lambda-elf
URL: /log/lambda-elf/
Aliases: ["/2026/03/lambda-elf/" "/old/path" "/a/b.html"]
Body: "Body text.\n"
`

func TestParseEveryKey(t *testing.T) {
	for _, tt := range []struct {
		format, src string
		heroLine    int
		heroCol     int
		bodyLine    int
	}{
		{"yaml", everyKeyYAML, 11, 8, 23},
		{"toml", everyKeyTOML, 17, 7, 21},
	} {
		e, problems := Parse("log/2026-03-14-x.md", []byte(tt.src), Options{})
		if len(problems) != 0 {
			t.Errorf("%s: Parse problems:\n\t%s", tt.format, strings.Join(strs(problems), "\n\t"))
		}
		if got := describe(e); got != everyKeyWant {
			t.Errorf("%s: Parse =\n%s\nwant\n%s", tt.format, got, everyKeyWant)
			continue
		}
		if e.Hero.Line != tt.heroLine || e.Hero.Col != tt.heroCol {
			t.Errorf("%s: Hero at %d:%d, want %d:%d (where src is written)", tt.format, e.Hero.Line, e.Hero.Col, tt.heroLine, tt.heroCol)
		}
		if e.BodyLine != tt.bodyLine {
			t.Errorf("%s: BodyLine = %d, want %d", tt.format, e.BodyLine, tt.bodyLine)
		}
		if line, col := e.KeyPos("lesson"); tt.format == "yaml" && (line != 14 || col != 1) {
			t.Errorf("%s: KeyPos(lesson) = %d:%d, want 14:1", tt.format, line, col)
		}
		if line, col := e.KeyPos("nope"); line != 1 || col != 1 {
			t.Errorf("%s: KeyPos(nope) = %d:%d, want 1:1", tt.format, line, col)
		}
	}
}

func TestParseMinimal(t *testing.T) {
	src := "---\nid: x\ntitle: Hello\ndate: 2026-03-14\n---\n"
	e, problems := Parse("log/2026-03-14-hello.md", []byte(src), Options{})
	if len(problems) != 0 {
		t.Fatalf("Parse(%q) problems: %v", src, strs(problems))
	}
	want := `Path: log/2026-03-14-hello.md
ID: x
Title: "Hello"
Date: 2026-03-14T00:00:00Z
Updated: 0001-01-01T00:00:00Z
Kind: note
Project: ""
Tags: []
Summary: ""
Lesson: ""
Errors: []
Draft: false
Slug: hello
URL: /log/hello/
Aliases: []
Body: ""
`
	if got := describe(e); got != want {
		t.Errorf("Parse(%q) =\n%s\nwant\n%s", src, got, want)
	}
}

// TestParseProblems runs samples of every class of problem through Parse
// and checks every line reported, position included.
func TestParseProblems(t *testing.T) {
	const p = "log/2026-03-14-x.md"
	tests := []struct {
		name, src string
		want      []string
	}{
		// Delimiters.
		{"no front matter", "# Hello\n", []string{
			p + ":1:1: error: no front matter (start the file with a line ---, then title: and date:, then ---)"}},
		{"empty file", "", []string{
			p + ":1:1: error: no front matter (start the file with a line ---, then title: and date:, then ---)"}},
		{"unclosed yaml", "---\ntitle: x\ndate: 2026-03-14\n\nBody.\n", []string{
			p + ":1:1: error: front matter opened with --- is never closed (add a line --- after the last front-matter key)"}},
		{"unclosed toml", "+++\ntitle = 'x'\n", []string{
			p + ":1:1: error: front matter opened with +++ is never closed (add a line +++ after the last front-matter key)"}},
		{"unclosed crlf", "---\r\ntitle: x\r\n", []string{
			p + ":1:1: error: front matter opened with --- is never closed (add a line --- after the last front-matter key)"}},
		{"only a delimiter", "---", []string{
			p + ":1:1: error: front matter opened with --- is never closed (add a line --- after the last front-matter key)"}},
		{"closed by the other delimiter", "---\ntitle: x\n+++\n", []string{
			p + ":1:1: error: front matter opened with --- is never closed (add a line --- after the last front-matter key)"}},
		{"empty front matter", "---\n---\n", []string{
			p + ":1:1: error: date is required (add a line such as: date: 2026-03-14)",
			p + `:1:1: error: title is required (add a line such as: title: "Lambda dies with invalid ELF header")`}},

		// Syntax.
		{"yaml syntax", "---\nid: x\ntitle: x\ndate: 2026-03-14\n  bad: indent\n---\n", []string{
			p + ":5:1: error: front matter is not valid YAML: mapping values are not allowed in this context (check the indentation and quote values that contain `:` or `#`)"}},
		{"yaml not a mapping", "---\n- a\n- b\n---\n", []string{
			p + ":2:1: error: front matter must be a set of keys (write one `key: value` per line)"}},
		{"yaml scalar", "---\njust text\n---\n", []string{
			p + ":2:1: error: front matter must be a set of keys (write one `key: value` per line)"}},
		{"toml syntax", "+++\nid = 'x'\ntitle = \ndate = 2026-03-14\n+++\n", []string{
			p + ":3:9: error: front matter is not valid TOML: unexpected character U+000A at start of value (check the TOML syntax: strings need quotes, dates look like 2026-03-14)"}},
		{"toml bare date in the wrong form", "+++\nid = 'x'\ntitle = 'x'\ndate = 14/03/2026\n+++\n", []string{
			p + ":4:10: error: front matter is not valid TOML: expected newline but got U+002F '/' (check the TOML syntax: strings need quotes, dates look like 2026-03-14)"}},

		// date and updated: name the key, the value and the expected form.
		{"date in the wrong form", "---\nid: x\ndate: 14/03/2026\ntitle: x\n---\n", []string{
			p + `:3:7: error: date: cannot parse "14/03/2026" (write it as 2026-03-14 or 2026-03-14T09:30:00Z)`}},
		{"date in the wrong form, toml", "+++\nid = 'x'\ndate = '14/03/2026'\ntitle = 'x'\n+++\n", []string{
			p + `:3:8: error: date: cannot parse "14/03/2026" (write it as 2026-03-14 or 2026-03-14T09:30:00Z)`}},
		{"updated in the wrong form", "---\nid: x\ntitle: x\ndate: 2026-03-14\nupdated: 'March 15'\n---\n", []string{
			p + `:5:10: error: updated: cannot parse "March 15" (write it as 2026-03-14 or 2026-03-14T09:30:00Z)`}},
		{"date without a value", "---\nid: x\ntitle: x\ndate:\n---\n", []string{
			p + ":4:6: error: date has no value (write it as 2026-03-14 or 2026-03-14T09:30:00Z)"}},
		{"date as a list", "---\nid: x\ntitle: x\ndate: [2026-03-14]\n---\n", []string{
			p + ":4:7: error: date: expected text, got a list (write it as text on one line)"}},
		{"impossible date", "---\nid: x\ntitle: x\ndate: 2026-02-30\n---\n", []string{
			p + `:4:7: error: date: cannot parse "2026-02-30" (write it as 2026-03-14 or 2026-03-14T09:30:00Z)`}},

		// Unknown keys: a warning, with a suggestion when one is close.
		{"unknown key with suggestion", "---\nid: x\ntitel: x\ntitle: y\ndate: 2026-03-14\n---\n", []string{
			p + ":3:1: warning: unknown key `titel` (did you mean `title`?)"}},
		{"unknown key, toml", "+++\nid = 'x'\ntitle = 'y'\ndate = 2026-03-14\n  titel = 'x'\n+++\n", []string{
			p + ":5:3: warning: unknown key `titel` (did you mean `title`?)"}},
		{"misspelt title only", "---\nid: x\ntitel: x\ndate: 2026-03-14\n---\n", []string{
			p + `:1:1: error: title is required (add a line such as: title: "Lambda dies with invalid ELF header")`,
			p + ":3:1: warning: unknown key `titel` (did you mean `title`?)"}},
		{"unknown key without suggestion", "---\nid: x\ntitle: y\ndate: 2026-03-14\nauthor: me\n---\n", []string{
			p + ":5:1: warning: unknown key `author` (remove it; see docs/entry-format.md for the keys)"}},
		{"capitalised key", "---\nid: x\nTitle: y\ntitle: y\ndate: 2026-03-14\n---\n", []string{
			p + ":3:1: warning: unknown key `Title` (did you mean `title`?)"}},
		{"unknown hero key", "---\nid: x\ntitle: y\ndate: 2026-03-14\nhero:\n  src: a.png\n  alts: x\n---\n", []string{
			p + ":7:3: warning: unknown key `hero.alts` (did you mean `alt`?)"}},

		// Wrong types.
		{"tags as a table", "---\nid: x\ntitle: x\ndate: 2026-03-14\ntags: {a: b}\n---\n", []string{
			p + ":5:7: error: tags: expected a list, got a table of keys (write a list such as [aws, lambda])"}},
		{"tags as a table, toml", "+++\nid = 'x'\ntitle = 'x'\ndate = 2026-03-14\ntags = {a = 'b'}\n+++\n", []string{
			p + ":5:8: error: tags: expected a list, got a table of keys (write a list such as [aws, lambda])"}},
		{"tag item a list", "---\nid: x\ntitle: x\ndate: 2026-03-14\ntags:\n  - ok\n  - [a]\n---\n", []string{
			p + ":7:5: error: tags: each item must be text, got a list (write a list such as [aws, lambda])"}},
		{"tag without letters", "---\nid: x\ntitle: x\ndate: 2026-03-14\ntags: [ok, '!!!']\n---\n", []string{
			p + `:5:12: error: tags: "!!!" has no letters or digits to name its page (use letters or digits)`}},
		{"hero as a list", "---\nid: x\ntitle: x\ndate: 2026-03-14\nhero: [1]\n---\n", []string{
			p + ":5:7: error: hero: expected a table of keys, got a list (write src, alt and caption under hero:)"}},
		{"hero as a list, toml", "+++\nid = 'x'\ntitle = 'x'\ndate = 2026-03-14\nhero = [1]\n+++\n", []string{
			p + ":5:8: error: hero: expected a table of keys, got a list (write src, alt and caption under hero:)"}},
		{"hero without src", "---\nid: x\ntitle: x\ndate: 2026-03-14\nhero:\n  alt: x\n---\n", []string{
			p + ":5:1: error: hero: src is required (add src: the image file beside the entry)"}},
		{"hero src a list", "---\nid: x\ntitle: x\ndate: 2026-03-14\nhero:\n  src: [a.png]\n---\n", []string{
			p + ":5:1: error: hero: src is required (add src: the image file beside the entry)",
			p + ":6:8: error: hero.src: expected text, got a list (write it as text)"}},
		{"title as a list", "---\nid: x\ntitle: [a, b]\ndate: 2026-03-14\n---\n", []string{
			p + `:3:1: error: title is required (add a line such as: title: "Lambda dies with invalid ELF header")`,
			p + ":3:8: error: title: expected text, got a list (write it as text on one line)"}},
		{"empty title", "---\nid: x\ntitle: '  '\ndate: 2026-03-14\n---\n", []string{
			p + `:3:1: error: title is required (add a line such as: title: "Lambda dies with invalid ELF header")`}},
		{"errors as a table", "---\nid: x\ntitle: x\ndate: 2026-03-14\nerrors: {a: b}\n---\n", []string{
			p + `:5:9: error: errors: expected a list, got a table of keys (write a list such as ["invalid ELF header"])`}},
		{"draft not a boolean", "---\nid: x\ntitle: x\ndate: 2026-03-14\ndraft: maybe\n---\n", []string{
			p + `:5:8: error: draft: expected true or false, got "maybe" (write true or false)`}},
		{"key given twice", "---\nid: x\ntitle: a\ntitle: b\ndate: 2026-03-14\n---\n", []string{
			p + ":4:1: error: title is given twice (keep one of them)"}},

		// Kinds.
		{"kind with suggestion", "---\nid: x\ntitle: x\ndate: 2026-03-14\nkind: brok\n---\n", []string{
			p + `:5:7: error: kind: unknown kind "brok" (did you mean ` + "`broke`" + `? use one of broke, built, decision, note)`}},
		{"kind without suggestion", "---\nid: x\ntitle: x\ndate: 2026-03-14\nkind: bug\n---\n", []string{
			p + `:5:7: error: kind: unknown kind "bug" (use one of broke, built, decision, note)`}},

		// Slugs, projects and aliases.
		{"slug not lowercase", "---\nid: x\ntitle: x\ndate: 2026-03-14\nslug: Über Café\n---\n", []string{
			p + `:5:7: error: slug: "Über Café" is not a valid slug (use lowercase letters, digits and dashes, such as "über-café")`}},
		{"slug with a slash", "---\nid: x\ntitle: x\ndate: 2026-03-14\nslug: a/../b\n---\n", []string{
			p + `:5:7: error: slug: "a/../b" is not a valid slug (use lowercase letters, digits and dashes, such as "a-b")`}},
		{"slug without letters", "---\nid: x\ntitle: x\ndate: 2026-03-14\nslug: '---'\n---\n", []string{
			p + `:5:7: error: slug: "---" is not a valid slug (use lowercase letters, digits and dashes)`}},
		{"slug taken by the log", "---\nid: x\ntitle: x\ndate: 2026-03-14\nslug: page\n---\n", []string{
			p + ":5:1: error: the URL /log/page/ is taken by the log's own pages (rename the file, or add a slug: key with another name)"}},
		{"project without letters", "---\nid: x\ntitle: x\ndate: 2026-03-14\nproject: '!!'\n---\n", []string{
			p + `:5:10: error: project: "!!" has no letters or digits to name its page (use letters or digits)`}},
		{"alias leaving the site", "---\nid: x\ntitle: x\ndate: 2026-03-14\naliases: [/ok/, /a/../../b/]\n---\n", []string{
			p + `:5:17: error: aliases: "/a/../../b/" is not a clean site path (leave out . and .. segments; write a site path such as "/2025/03/old-title/")`}},
		{"relative alias", "---\nid: x\ntitle: x\ndate: 2026-03-14\naliases:\n  - old/\n---\n", []string{
			p + `:6:5: error: aliases: "old/" is not a clean site path (start it with /; write a site path such as "/2025/03/old-title/")`}},
		{"alias with a query", "---\nid: x\ntitle: x\ndate: 2026-03-14\naliases: '/old/?p=1'\n---\n", []string{
			p + `:5:10: error: aliases: "/old/?p=1" is not a clean site path (leave out the query (?) and fragment (#); write a site path such as "/2025/03/old-title/")`}},
		{"alias with a newline", "---\nid: x\ntitle: x\ndate: 2026-03-14\naliases: \"/a\\n/b\"\n---\n", []string{
			p + `:5:10: error: aliases: "/a\n/b" is not a clean site path (leave out spaces, backslashes and control characters; write a site path such as "/2025/03/old-title/")`}},
		{"alias percent-encoded", "---\nid: x\ntitle: x\ndate: 2026-03-14\naliases: [/caf%C3%A9/]\n---\n", []string{
			p + `:5:11: error: aliases: "/caf%C3%A9/" is not a clean site path (write it decoded, /café/ rather than /caf%C3%A9/; write a site path such as "/2025/03/old-title/")`}},

		{"alias to the home page", "---\nid: x\ntitle: x\ndate: 2026-03-14\naliases: ['//']\n---\n", []string{
			p + `:5:11: error: aliases: "//" is not a clean site path (the home page cannot be an alias; write a site path such as "/2025/03/old-title/")`}},
		{"alias to the entry's own URL", "---\nid: x\ntitle: x\ndate: 2026-03-14\naliases: [/old/, /log/x]\n---\n", []string{
			p + ":5:1: warning: alias /log/x is the entry's own URL; it is ignored (remove it from aliases)"}},
		{"updated before date", "---\nid: x\ntitle: x\ndate: 2026-03-14\nupdated: 2025-03-15\n---\n", []string{
			p + ":5:1: warning: updated (2025-03-15) is before date (2026-03-14) (check the year and month; updated is when the entry last changed)"}},

		// Columns count runes, whatever the parser counts.
		{"column after multibyte text, toml syntax", "+++\ntitle = \"ééé\" x\n+++\n", []string{
			p + ":2:15: error: front matter is not valid TOML: expected newline but got U+0078 'x' (check the TOML syntax: strings need quotes, dates look like 2026-03-14)"}},
		{"column after multibyte text, yaml", "---\nid: x\ntitle: x\ndate: 2026-03-14\ntags: [é, '!!!']\n---\n", []string{
			p + `:5:11: error: tags: "!!!" has no letters or digits to name its page (use letters or digits)`}},
		{"column after multibyte text, toml", "+++\nid = 'x'\ntitle = 'x'\ndate = 2026-03-14\ntags = ['é', '!!!']\n+++\n", []string{
			p + `:5:14: error: tags: "!!!" has no letters or digits to name its page (use letters or digits)`}},

		// Bytes that are not Markdown.
		{"NUL byte", "---\nid: x\ntitle: x\x00\ndate: 2026-03-14\n---\n", []string{
			p + ":3:9: error: file contains NUL bytes; it does not look like Markdown (entries must be UTF-8 text; remove the NUL byte or the file)"}},

		// YAML aliases cannot recurse or explode.
		{"recursive alias", "---\nid: x\ntitle: x\ndate: 2026-03-14\ntags: &t [a, *t]\n---\n", []string{
			p + ":5:14: error: alias *t refers to itself (an alias (*name) cannot point at a value that contains it)"}},
		{"alias expansion", "---\n" + laughs + "---\n", []string{
			p + ":5:36: error: front matter expands to more than 10000 values (write the values out instead of repeating anchors (*name))"}},
		{"harmless alias", "---\nid: x\ntitle: &t Hello\nsummary: *t\ndate: 2026-03-14\n---\n", nil},
	}
	for _, tt := range tests {
		_, problems := Parse(p, []byte(tt.src), Options{})
		got := strs(problems)
		if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("%s: Parse(%q) problems:\n\t%s\nwant\n\t%s", tt.name, tt.src, strings.Join(got, "\n\t"), strings.Join(tt.want, "\n\t"))
		}
	}
}

// laughs is a few lines of YAML that expand to 10^5 values through
// aliases.
var laughs = `a: &a [x, x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
f: [*e]
`

func TestParseAliases(t *testing.T) {
	src := "---\nid: x\ntitle: x\ndate: 2026-03-14\naliases: [/old/, /old, '/a//b/', /x.html, /log/x/]\n---\n"
	e, problems := Parse("log/x.md", []byte(src), Options{})
	if e == nil {
		t.Fatalf("Parse(%q) problems: %v", src, strs(problems))
	}
	want := `["/old/" "/a/b/" "/x.html"]`
	if got := fmt.Sprintf("%q", e.Aliases); got != want {
		t.Errorf("Parse(%q).Aliases = %s, want %s", src, got, want)
	}
}

func TestParseErrorsLeaveNoEntry(t *testing.T) {
	src := "---\nid: x\ntitle: x\ndate: 14/03/2026\n---\n"
	if e, _ := Parse("log/a.md", []byte(src), Options{}); e != nil {
		t.Errorf("Parse(%q) = %v, want nil entry", src, e)
	}
	// Warnings alone keep the entry.
	src = "---\ntitle: x\ndate: 2026-03-14\n---\n"
	e, problems := Parse("log/a.md", []byte(src), Options{})
	if e == nil || problems.HasErrors() || len(problems) != 1 {
		t.Errorf("Parse(%q) = %v, %v, want an entry and one warning", src, e, strs(problems))
	}
}

// TestParseBOMAndCRLF: a UTF-8 BOM and CRLF line endings are accepted, and
// problems still name the right line and column.
func TestParseBOMAndCRLF(t *testing.T) {
	lf := "---\nid: x\ntitle: \"Café\"\ndate: 14/03/2026\n---\nBody\nmore\n"
	for name, src := range map[string]string{
		"lf":       lf,
		"crlf":     strings.ReplaceAll(lf, "\n", "\r\n"),
		"bom":      "\ufeff" + lf,
		"bom+crlf": "\ufeff" + strings.ReplaceAll(lf, "\n", "\r\n"),
	} {
		_, problems := Parse("log/a.md", []byte(src), Options{})
		want := `log/a.md:4:7: error: date: cannot parse "14/03/2026" (write it as 2026-03-14 or 2026-03-14T09:30:00Z)`
		if got := strings.Join(strs(problems), "\n"); got != want {
			t.Errorf("%s: Parse problems =\n\t%s\nwant\n\t%s", name, got, want)
		}

		good := strings.Replace(src, "14/03/2026", "2026-03-14", 1)
		e, problems := Parse("log/a.md", []byte(good), Options{})
		if len(problems) != 0 {
			t.Errorf("%s: Parse problems = %v, want none", name, strs(problems))
			continue
		}
		if e.Title != "Café" || e.BodyLine != 6 || !strings.HasPrefix(string(e.Body), "Body") {
			t.Errorf("%s: Parse = title %q, body line %d, body %q; want Café, 6, Body...", name, e.Title, e.BodyLine, e.Body)
		}
	}

	tomlSrc := "\ufeff+++\r\nid = 'x'\r\ntitle = 'x'\r\ndate = '14/03/2026'\r\n+++\r\n"
	_, problems := Parse("log/a.md", []byte(tomlSrc), Options{})
	want := `log/a.md:4:8: error: date: cannot parse "14/03/2026" (write it as 2026-03-14 or 2026-03-14T09:30:00Z)`
	if got := strings.Join(strs(problems), "\n"); got != want {
		t.Errorf("toml bom+crlf: Parse problems =\n\t%s\nwant\n\t%s", got, want)
	}
}

func TestParseDates(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		yaml string
		loc  *time.Location
		want string // RFC 3339 in UTC
	}{
		{"2026-03-14", nil, "2026-03-14T00:00:00Z"},
		{"'2026-03-14'", nil, "2026-03-14T00:00:00Z"},
		{"2026-03-14T09:30:00Z", nil, "2026-03-14T09:30:00Z"},
		{"2026-03-14T09:30:00+02:00", nil, "2026-03-14T07:30:00Z"},
		{"2026-03-14T09:30:00.5Z", nil, "2026-03-14T09:30:00.5Z"},
		{"2026-03-14T09:30:00", nil, "2026-03-14T09:30:00Z"},
		{"2026-03-14T09:30", nil, "2026-03-14T09:30:00Z"},
		{"2026-03-14 09:30:00", nil, "2026-03-14T09:30:00Z"},
		{"2026-03-14 09:30", nil, "2026-03-14T09:30:00Z"},
		{"2026-03-14 09:30:00+01:00", nil, "2026-03-14T08:30:00Z"},
		// Dates without a zone are read in Options.Location.
		{"2026-03-14", berlin, "2026-03-13T23:00:00Z"},
		{"2026-07-14T09:30:00", berlin, "2026-07-14T07:30:00Z"},
		{"2026-03-14T09:30:00Z", berlin, "2026-03-14T09:30:00Z"},
	}
	for _, tt := range tests {
		src := "---\nid: x\ntitle: x\ndate: " + tt.yaml + "\n---\n"
		e, problems := Parse("log/a.md", []byte(src), Options{Location: tt.loc})
		if len(problems) != 0 {
			t.Errorf("date: %s: problems %v", tt.yaml, strs(problems))
			continue
		}
		if got := e.Date.UTC().Format(time.RFC3339Nano); got != tt.want {
			t.Errorf("date: %s in %v = %s, want %s", tt.yaml, tt.loc, got, tt.want)
		}
		if tt.loc != nil && e.Date.Location() != tt.loc {
			t.Errorf("date: %s: location %v, want %v", tt.yaml, e.Date.Location(), tt.loc)
		}
	}

	// TOML's own date types read the same.
	for _, tt := range []struct{ toml, want string }{
		{"2026-03-14", "2026-03-14T00:00:00Z"},
		{"2026-03-14T09:30:00", "2026-03-14T09:30:00Z"},
		{"2026-03-14 09:30:00", "2026-03-14T09:30:00Z"},
		{"2026-03-14T09:30:00.25", "2026-03-14T09:30:00.25Z"},
		{"2026-03-14T09:30:00-05:00", "2026-03-14T14:30:00Z"},
		{"'2026-03-14'", "2026-03-14T00:00:00Z"},
	} {
		src := "+++\nid = 'x'\ntitle = 'x'\ndate = " + tt.toml + "\n+++\n"
		e, problems := Parse("log/a.md", []byte(src), Options{})
		if len(problems) != 0 {
			t.Errorf("toml date = %s: problems %v", tt.toml, strs(problems))
			continue
		}
		if got := e.Date.UTC().Format(time.RFC3339Nano); got != tt.want {
			t.Errorf("toml date = %s: %s, want %s", tt.toml, got, tt.want)
		}
	}
}

func TestParseSlugFromPath(t *testing.T) {
	tests := []struct{ path, want string }{
		{"log/2026-03-14-lambda-elf.md", "lambda-elf"},
		{"log/lambda-elf.md", "lambda-elf"},
		{"log/thumbnailer/2026-03-14-lambda-elf.md", "lambda-elf"},
		{"log/2026-03-14-lambda-elf/index.md", "lambda-elf"},
		{"log/thumbnailer/2026-03-14-lambda-elf/index.md", "lambda-elf"},
		{"log/Lambda ELF.markdown", "lambda-elf"},
		{"log/2026-03-14-Über Café.md", "über-café"},
		{"log/2026-03-14.md", "2026-03-14"}, // the date alone is all there is
		{"log/2026-3-14-x.md", "2026-3-14-x"},
		{"log/C++.md", "c-plus-plus"},
	}
	for _, tt := range tests {
		src := "---\nid: x\ntitle: x\ndate: 2026-03-14\n---\n"
		e, problems := Parse(tt.path, []byte(src), Options{})
		if len(problems) != 0 {
			t.Errorf("Parse(%q) problems: %v", tt.path, strs(problems))
			continue
		}
		if e.Slug != tt.want {
			t.Errorf("Parse(%q).Slug = %q, want %q", tt.path, e.Slug, tt.want)
		}
	}

	// The log stream's own pages are not entries.
	for _, name := range []string{"log/2026-03-14-kind.md", "log/page/index.md"} {
		_, problems := Parse(name, []byte("---\nid: x\ntitle: x\ndate: 2026-03-14\n---\n"), Options{})
		if len(problems) != 1 || !strings.Contains(problems[0].Msg, "is taken by the log's own pages") {
			t.Errorf("Parse(%q) problems = %v, want the URL refused", name, strs(problems))
		}
	}

	// A name with nothing to make a slug from is an error with a hint.
	_, problems := Parse("log/!!!.md", []byte("---\nid: x\ntitle: x\ndate: 2026-03-14\n---\n"), Options{})
	want := "log/!!!.md:1:1: error: cannot derive a URL slug from the file name (rename the file or add a slug: key)"
	if got := strings.Join(strs(problems), "\n"); got != want {
		t.Errorf("Parse(log/!!!.md) problems =\n\t%s\nwant\n\t%s", got, want)
	}
	// An explicit slug wins over the file name.
	e, _ := Parse("log/!!!.md", []byte("---\nid: x\ntitle: x\ndate: 2026-03-14\nslug: über-café\n---\n"), Options{})
	if e == nil || e.Slug != "über-café" {
		t.Errorf("Parse with slug: über-café = %v, want slug über-café", describe(e))
	}
}

func TestParseDraft(t *testing.T) {
	for _, tt := range []struct {
		v    string
		want bool
	}{
		{"true", true}, {"True", true}, {"yes", true}, {"'true'", true},
		{"false", false}, {"no", false}, {"''", false}, {"", false},
	} {
		src := "---\nid: x\ntitle: x\ndate: 2026-03-14\ndraft: " + tt.v + "\n---\n"
		e, problems := Parse("log/a.md", []byte(src), Options{})
		if len(problems) != 0 {
			t.Errorf("draft: %s: problems %v", tt.v, strs(problems))
			continue
		}
		if e.Draft != tt.want {
			t.Errorf("draft: %s = %v, want %v", tt.v, e.Draft, tt.want)
		}
	}
}

func TestParseTagsDedup(t *testing.T) {
	tests := []struct {
		tags string
		want []string
	}{
		{"[Go, go, GO]", []string{"Go"}},
		{"[aws, AWS Lambda, aws-lambda]", []string{"aws", "AWS Lambda"}}, // same slug: same tag
		{"aws, lambda", []string{"aws", "lambda"}},                       // one string, comma-separated
		{"[C, C++, C#]", []string{"C", "C++", "C#"}},
		{"[Über, über]", []string{"Über"}},
		{"[a, '', ' ', null, b]", []string{"a", "b"}},
	}
	for _, tt := range tests {
		src := "---\nid: x\ntitle: x\ndate: 2026-03-14\ntags: " + tt.tags + "\n---\n"
		e, problems := Parse("log/a.md", []byte(src), Options{})
		if len(problems) != 0 {
			t.Errorf("tags: %s: problems %v", tt.tags, strs(problems))
			continue
		}
		if fmt.Sprintf("%q", e.Tags) != fmt.Sprintf("%q", tt.want) {
			t.Errorf("tags: %s = %q, want %q", tt.tags, e.Tags, tt.want)
		}
	}
}

var uuidURN = regexp.MustCompile(`^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestParseMissingID(t *testing.T) {
	src := "---\ntitle: x\ndate: 2026-03-14\n---\n"
	e, problems := Parse("log/a.md", []byte(src), Options{})
	if e == nil || len(problems) != 1 || problems[0].Severity != diag.Warning {
		t.Fatalf("Parse(%q) = %v, want an entry and one warning", src, strs(problems))
	}
	p := problems[0]
	if p.Line != 1 || !strings.Contains(p.Msg, "no id") {
		t.Errorf("missing id: %s, want a warning at line 1 saying there is no id", p)
	}
	id, ok := strings.CutPrefix(p.Hint, "add a line such as: id: ")
	if !ok || !uuidURN.MatchString(id) {
		t.Errorf("missing id hint = %q, want \"add a line such as: id: urn:uuid:...\" with a version 4 UUID", p.Hint)
	}
	// The suggestion is the same on every run, and differs between files.
	_, again := Parse("log/a.md", []byte(src), Options{})
	_, other := Parse("log/b.md", []byte(src), Options{})
	if again[0].Hint != p.Hint {
		t.Errorf("suggested id changed between runs: %q, %q", p.Hint, again[0].Hint)
	}
	if other[0].Hint == p.Hint {
		t.Errorf("log/a.md and log/b.md get the same suggested id %q", p.Hint)
	}
	// The suggested line, pasted in, is accepted.
	fixed := "---\nid: " + id + "\ntitle: x\ndate: 2026-03-14\n---\n"
	if _, problems := Parse("log/a.md", []byte(fixed), Options{}); len(problems) != 0 {
		t.Errorf("Parse with the suggested id: %v", strs(problems))
	}
}

func TestParseFrontMatterLimit(t *testing.T) {
	long := "---\nid: x\ntitle: x\ndate: 2026-03-14\nsummary: " + strings.Repeat("a", 64<<10) + "\n---\n"
	_, problems := Parse("log/a.md", []byte(long), Options{})
	want := "log/a.md:1:1: error: front matter is larger than the 64 KiB limit (move long text into the body)"
	if got := strings.Join(strs(problems), "\n"); got != want {
		t.Errorf("Parse(65 KiB front matter) =\n\t%s\nwant\n\t%s", got, want)
	}

	small := "---\nid: x\ntitle: x\ndate: 2026-03-14\n---\n"
	_, problems = Parse("log/a.md", []byte(small), Options{MaxFrontMatter: 10})
	want = "log/a.md:1:1: error: front matter is larger than the 10 bytes limit (move long text into the body)"
	if got := strings.Join(strs(problems), "\n"); got != want {
		t.Errorf("Parse with MaxFrontMatter 10 =\n\t%s\nwant\n\t%s", got, want)
	}

	// A long body is not front matter.
	body := small + strings.Repeat("text\n", 20000)
	if _, problems := Parse("log/a.md", []byte(body), Options{}); len(problems) != 0 {
		t.Errorf("Parse(100 KB body) problems: %v", strs(problems))
	}
}

func TestFormatSize(t *testing.T) {
	for _, tt := range []struct {
		n    int64
		want string
	}{
		{2 << 20, "2 MiB"}, {64 << 10, "64 KiB"}, {1000, "1000 bytes"}, {1536 << 10, "1536 KiB"}, {0, "0 bytes"},
	} {
		if got := formatSize(tt.n); got != tt.want {
			t.Errorf("formatSize(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

// TestParseStripsInvisible: control characters would make feeds invalid
// XML and bidi overrides make a title read as something else; both are
// removed from front-matter text with a warning at the value (SANITIZE).
func TestParseStripsInvisible(t *testing.T) {
	src := "---\nid: x\ntitle: \"AT\\x01&T \\u202Efdp.exe\"\nsummary: \"ok\\u0085\"\ndate: 2026-03-14\n---\n"
	e, problems := Parse("log/a.md", []byte(src), Options{})
	if e == nil {
		t.Fatalf("Parse: no entry; problems %v", strs(problems))
	}
	if want := "AT&T fdp.exe"; e.Title != want {
		t.Errorf("Title = %q, want %q", e.Title, want)
	}
	if want := "ok"; e.Summary != want {
		t.Errorf("Summary = %q, want %q", e.Summary, want)
	}
	want := []string{
		"log/a.md:3:8: warning: title: control or bidirectional-override characters removed (remove control and text-direction characters from the value)",
		"log/a.md:4:10: warning: summary: control or bidirectional-override characters removed (remove control and text-direction characters from the value)",
	}
	if got := strs(problems); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
