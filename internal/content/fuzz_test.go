package content

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/shiplog/shiplog/internal/diag"
	"github.com/shiplog/shiplog/internal/slug"
)

// FuzzParse checks what holds for any front matter: Parse never panics;
// every problem names the file, a line that exists and a column on it,
// and errors say how to fix them; an entry comes back exactly when there
// is no error, and it is complete; the same bytes give the same result.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		everyKeyYAML, everyKeyTOML,
		"---\nid: x\ntitle: x\ndate: 14/03/2026\n---\n",
		"\ufeff---\r\ntitle: x\r\ndate: 2026-03-14\r\n---\r\n",
		"+++\ntitle = 'x'\ndate = 2026-03-14\n[hero]\nsrc = 'a.png'\n+++\n",
		"---\ntags: &t [a, *t]\n---\n",
		"---\n" + laughs + "---\n",
		"---\ntitle: x\n",
		"---\n- a\n---\n",
		"+++\na = [[1], {b = 2}]\n+++\n",
	} {
		f.Add([]byte(s))
	}
	const p = "log/2026-03-14-x.md"
	f.Fuzz(func(t *testing.T, src []byte) {
		e, problems := Parse(p, src, Options{})
		text := bytes.TrimPrefix(src, []byte("\ufeff"))
		lines := bytes.Split(text, []byte("\n"))
		for _, pr := range problems {
			if pr.Path != p {
				t.Errorf("problem %s names %q, want %q", pr, pr.Path, p)
			}
			if pr.Msg == "" {
				t.Errorf("problem %s has no message", pr)
			}
			if pr.Severity == diag.Error && pr.Hint == "" {
				t.Errorf("error %s does not say how to fix it", pr)
			}
			if pr.Line < 1 || pr.Line > len(lines) {
				t.Errorf("problem %s: line %d is not in the file (1 to %d)", pr, pr.Line, len(lines))
				continue
			}
			line := bytes.TrimSuffix(lines[pr.Line-1], []byte("\r"))
			if pr.Col < 1 || pr.Col > utf8.RuneCount(line)+1 {
				t.Errorf("problem %s: column %d is not on line %q", pr, pr.Col, line)
			}
		}
		if problems.HasErrors() != (e == nil) {
			t.Fatalf("Parse returned entry %v with problems %v", e != nil, problems)
		}
		if e != nil {
			if e.Title == "" || e.Date.IsZero() || !slices.Contains(Kinds, e.Kind) || !slug.Valid(e.Slug) || slices.Contains(reservedSlugs, e.Slug) {
				t.Errorf("Parse accepted an incomplete entry: %s", describe(e))
			}
			for _, a := range e.Aliases {
				if aliasProblem(a) != "" || samePage(a, e.URL()) {
					t.Errorf("Parse accepted alias %q", a)
				}
			}
			for _, tag := range e.Tags {
				if Slugify(tag) == "" {
					t.Errorf("Parse accepted tag %q", tag)
				}
			}
		}
		_, again := Parse(p, src, Options{})
		if !slices.Equal(problems, again) {
			t.Errorf("Parse is not deterministic:\n%v\n%v", problems, again)
		}
	})
}

func TestFuzzSeedsAreValid(t *testing.T) {
	// The first seeds are complete entries; if they stop parsing, the
	// fuzzer starts from nothing useful.
	for _, s := range []string{everyKeyYAML, everyKeyTOML} {
		if _, problems := Parse("log/a.md", []byte(s), Options{}); problems.HasErrors() {
			t.Errorf("seed does not parse: %s", strings.Join(strs(problems), "; "))
		}
	}
}
