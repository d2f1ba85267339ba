package diag

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestProblemString(t *testing.T) {
	tests := []struct {
		p    Problem
		want string
	}{
		{
			Errorf("log/2026-03-14-lambda-elf.md", 3, 7, "write it as 2026-03-14", "date: cannot parse %q", "14/03/2026"),
			`log/2026-03-14-lambda-elf.md:3:7: error: date: cannot parse "14/03/2026" (write it as 2026-03-14)`,
		},
		{
			Warnf("log/a.md", 2, 1, "did you mean `title`?", "unknown key `%s`", "titel"),
			"log/a.md:2:1: warning: unknown key `titel` (did you mean `title`?)",
		},
		// No hint: no parentheses.
		{Errorf("log/a.md", 4, 2, "", "broken"), "log/a.md:4:2: error: broken"},
		// A problem about the whole file still prints a 1-based position.
		{Errorf("log/a.md", 0, 0, "split it", "too big"), "log/a.md:1:1: error: too big (split it)"},
		{Errorf("log/a.md", 5, 0, "", "x"), "log/a.md:5:1: error: x"},
		// No path: no position at all.
		{Errorf("", 3, 4, "run shiplog init", "no site"), "error: no site (run shiplog init)"},
		// A format verb in the message's arguments is not interpreted twice.
		{Errorf("a.md", 1, 1, "", "%s", "100%"), "a.md:1:1: error: 100%"},
	}
	for _, tt := range tests {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("%#v.String() =\n\t%s\nwant\n\t%s", tt.p, got, tt.want)
		}
	}
}

func TestSeverityString(t *testing.T) {
	if got := Error.String(); got != "error" {
		t.Errorf("Error.String() = %q, want %q", got, "error")
	}
	if got := Warning.String(); got != "warning" {
		t.Errorf("Warning.String() = %q, want %q", got, "warning")
	}
}

func TestListSort(t *testing.T) {
	l := List{
		Errorf("log/b.md", 1, 1, "", "b"),
		Warnf("log/a.md", 10, 1, "", "a10"),
		Errorf("log/a.md", 2, 5, "", "a2c5"),
		Errorf("log/a.md", 2, 1, "", "z"),
		Warnf("log/a.md", 2, 1, "", "a"),
		Errorf("log/a.md", 2, 1, "", "a"),
		Errorf("", 0, 0, "", "no path"),
		Errorf("log/a.md", 0, 0, "", "whole file"),
	}
	l.Sort()
	var got []string
	for _, p := range l {
		got = append(got, p.String())
	}
	want := []string{
		"error: no path",
		"log/a.md:1:1: error: whole file",
		"log/a.md:2:1: error: a",
		"log/a.md:2:1: error: z",
		"log/a.md:2:1: warning: a",
		"log/a.md:2:5: error: a2c5",
		"log/a.md:10:1: warning: a10", // numeric, not lexical, line order
		"log/b.md:1:1: error: b",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Sort() order:\n\t%s\nwant\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}

func TestListCount(t *testing.T) {
	tests := []struct {
		l              List
		errs, warnings int
		hasErrors      bool
	}{
		{nil, 0, 0, false},
		{List{Warnf("a", 1, 1, "", "w")}, 0, 1, false},
		{List{Errorf("a", 1, 1, "", "e")}, 1, 0, true},
		{List{Errorf("a", 1, 1, "", "e"), Warnf("a", 1, 1, "", "w"), Warnf("b", 1, 1, "", "w"), Errorf("c", 1, 1, "", "e")}, 2, 2, true},
	}
	for _, tt := range tests {
		e, w := tt.l.Count()
		if e != tt.errs || w != tt.warnings {
			t.Errorf("%v.Count() = %d, %d, want %d, %d", tt.l, e, w, tt.errs, tt.warnings)
		}
		if got := tt.l.HasErrors(); got != tt.hasErrors {
			t.Errorf("%v.HasErrors() = %v, want %v", tt.l, got, tt.hasErrors)
		}
		if got := len(tt.l.Errors()); got != tt.errs {
			t.Errorf("len(%v.Errors()) = %d, want %d", tt.l, got, tt.errs)
		}
	}
}

func TestListAdd(t *testing.T) {
	var l List // the zero value is ready to use
	l.Add()
	l.Add(Errorf("a", 1, 1, "", "one"), Warnf("a", 2, 1, "", "two"))
	if len(l) != 2 {
		t.Fatalf("after Add, len(l) = %d, want 2", len(l))
	}
}

func TestListErr(t *testing.T) {
	if err := List(nil).Err(); err != nil {
		t.Errorf("List(nil).Err() = %v, want nil", err)
	}
	if err := (List{Warnf("a.md", 1, 1, "", "w")}).Err(); err != nil {
		t.Errorf("Err() of warnings only = %v, want nil", err)
	}

	l := List{
		Warnf("log/a.md", 1, 1, "", "w"),
		Errorf("log/b.md", 3, 1, "", "second"),
		Errorf("log/a.md", 2, 1, "fix it", "first"),
		Errorf("log/c.md", 1, 1, "", "third"),
	}
	before := slices.Clone(l)
	err := l.Err()
	var le *ListError
	if !errors.As(err, &le) {
		t.Fatalf("Err() = %T, want *ListError", err)
	}
	if want := "log/a.md:2:1: error: first (fix it) (and 2 more)"; err.Error() != want {
		t.Errorf("Err().Error() = %q, want %q", err.Error(), want)
	}
	// The error carries everything, warnings included, sorted.
	if len(le.List) != 4 || le.List[0].Msg != "w" || le.List[1].Msg != "first" {
		t.Errorf("Err().List = %v, want all four problems sorted", le.List)
	}
	// Err does not reorder the receiver.
	if !slices.Equal(l, before) {
		t.Errorf("Err() reordered its receiver: %v", l)
	}

	one := List{Errorf("a.md", 1, 2, "", "only")}.Err()
	if want := "a.md:1:2: error: only"; one.Error() != want {
		t.Errorf("Err().Error() = %q, want %q", one.Error(), want)
	}
}

func TestListErrorWithoutErrors(t *testing.T) {
	// A ListError built by hand from warnings only must not panic.
	e := &ListError{List: List{Warnf("a.md", 1, 1, "", "w")}}
	if got, want := e.Error(), "a.md:1:1: warning: w"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	e = &ListError{}
	if got := e.Error(); got == "" {
		t.Errorf("Error() of an empty ListError is empty")
	}
}

func TestPrint(t *testing.T) {
	l := List{Errorf("b.md", 1, 1, "", "b"), Warnf("a.md", 1, 1, "", "a")}
	var b strings.Builder
	l.Print(&b)
	want := "a.md:1:1: warning: a\nb.md:1:1: error: b\n"
	if b.String() != want {
		t.Errorf("Print wrote %q, want %q", b.String(), want)
	}
	if l[0].Path != "b.md" {
		t.Errorf("Print reordered its receiver")
	}
}

func TestLineCol(t *testing.T) {
	tests := []struct {
		src       string
		off       int
		line, col int
	}{
		{"", 0, 1, 1},
		{"abc", 0, 1, 1},
		{"abc", 2, 1, 3},
		{"abc", 3, 1, 4}, // end of input
		{"abc\ndef", 3, 1, 4},
		{"abc\ndef", 4, 2, 1},
		{"abc\ndef", 6, 2, 3},
		{"a\r\nb", 3, 2, 1},
		{"\n\n\nx", 3, 4, 1},
		// Columns count runes, not bytes: "é" is two bytes, "🚀" four.
		{"é=x", 2, 1, 2},
		{"ééé=x", 6, 1, 4},
		{"a\n🚀 x", 7, 2, 3},
		{"日本語\n日本語x", 19, 2, 4},
		// Out-of-range offsets are clamped.
		{"abc", -5, 1, 1},
		{"ab\nc", 99, 2, 2},
	}
	for _, tt := range tests {
		line, col := LineCol([]byte(tt.src), tt.off)
		if line != tt.line || col != tt.col {
			t.Errorf("LineCol(%q, %d) = %d, %d, want %d, %d", tt.src, tt.off, line, col, tt.line, tt.col)
		}
	}
}

func TestSuggest(t *testing.T) {
	keys := []string{"id", "title", "date", "updated", "kind", "project", "tags", "summary", "hero", "lesson", "errors", "draft", "slug", "aliases"}
	kinds := []string{"broke", "built", "decision", "note"}
	tests := []struct {
		word       string
		candidates []string
		want       string
	}{
		{"titel", keys, "title"},     // transposition
		{"Title", keys, "title"},     // case
		{"TITLE", keys, "title"},     // case
		{"tag", keys, "tags"},        // missing letter
		{"dates", keys, "date"},      // extra letter
		{"summery", keys, "summary"}, // substitution
		{"alias", keys, "aliases"},   // two missing letters in a long word
		{"udpated", keys, "updated"},
		{"drfat", keys, "draft"},
		{"lessons", keys, "lesson"},
		{"ID", keys, "id"},
		{"brok", kinds, "broke"},
		{"bulit", kinds, "built"},
		{"desicion", kinds, "decision"},
		{"notes", kinds, "note"},
		// Too far from anything: no suggestion rather than a wild guess.
		{"author", keys, ""},
		{"xy", keys, ""},
		{"", keys, ""},
		{"zzzzzzzz", keys, ""},
		{"bug", kinds, ""},
		{"title", nil, ""},
		// Ties go to the first candidate, so the answer is stable.
		{"ab", []string{"ax", "xb"}, "ax"},
	}
	for _, tt := range tests {
		if got := Suggest(tt.word, tt.candidates); got != tt.want {
			t.Errorf("Suggest(%q, %q) = %q, want %q", tt.word, tt.candidates, got, tt.want)
		}
	}
}

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"", "abc", 3},
		{"abc", "abc", 0},
		{"abc", "abd", 1},
		{"ab", "ba", 1}, // transposition counts once
		{"kitten", "sitting", 3},
		{"café", "cafe", 1}, // runes, not bytes
	}
	for _, tt := range tests {
		if got := distance(tt.a, tt.b); got != tt.want {
			t.Errorf("distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := distance(tt.b, tt.a); got != tt.want {
			t.Errorf("distance(%q, %q) = %d, want %d", tt.b, tt.a, got, tt.want)
		}
	}
}
