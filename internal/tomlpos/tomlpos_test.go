package tomlpos

import (
	"strings"
	"testing"
)

const doc = `title = "Log"  # a comment with key = value
  author = "Mara"
"quoted key" = 1
'literal' = 2
intro = """
timezone = "not a key, text in a string"
[not.a.table]
"""
ticker.ttl = "5m"

[markdown]
unsafe = true

[ ticker ]  # spaces inside the brackets
count = 30
api = 'https://example.dev/'

[a.b]
c = 1

[[posts]]
name = "one"

[[posts]]
name = "two"
`

func TestFind(t *testing.T) {
	tests := []struct {
		table, key string
		line, col  int
	}{
		{"", "title", 1, 1},
		{"", "author", 2, 3}, // indented
		{"", "quoted key", 3, 1},
		{"", "literal", 4, 1},
		{"", "intro", 5, 1},
		{"", "timezone", 0, 0}, // only inside a multi-line string
		{"not.a", "table", 0, 0},
		{"ticker", "ttl", 9, 1}, // dotted key at the top level
		{"markdown", "unsafe", 12, 1},
		{"ticker", "count", 15, 1},
		{"ticker", "api", 16, 1},
		{"a.b", "c", 19, 1},
		{"", "markdown", 11, 2}, // a table: where its header names it
		{"", "missing", 0, 0},
		{"markdown", "title", 0, 0}, // the key exists, in another table
		{"", "unsafe", 0, 0},
		{"posts.0", "name", 22, 1},
		{"posts.1", "name", 25, 1},
	}
	for _, tt := range tests {
		line, col := Find([]byte(doc), tt.table, tt.key)
		if line != tt.line || col != tt.col {
			t.Errorf("Find(doc, %q, %q) = %d, %d, want %d, %d", tt.table, tt.key, line, col, tt.line, tt.col)
		}
	}
}

func TestFindCRLF(t *testing.T) {
	src := strings.ReplaceAll(doc, "\n", "\r\n")
	for _, tt := range []struct {
		table, key string
		line, col  int
	}{
		{"", "author", 2, 3},
		{"ticker", "count", 15, 1},
	} {
		line, col := Find([]byte(src), tt.table, tt.key)
		if line != tt.line || col != tt.col {
			t.Errorf("Find(crlf, %q, %q) = %d, %d, want %d, %d", tt.table, tt.key, line, col, tt.line, tt.col)
		}
	}
}

func TestLookup(t *testing.T) {
	src := `title = "x"
date   =   2026-03-14
tags = [
  "aws",   # a comment between items
  "lambda",
]
hero = { src = "a.png", alt = "A" }
"é" = "ü" # columns count runes: the value starts at 7
nested = [[1, 2], ["x"]]
`
	d := Parse([]byte(src))
	tests := []struct {
		path []string
		want Pos
	}{
		{[]string{"title"}, Pos{1, 1, 1, 9}},
		{[]string{"date"}, Pos{2, 1, 2, 12}},
		{[]string{"tags"}, Pos{3, 1, 3, 8}},
		{[]string{"tags", "0"}, Pos{4, 3, 4, 3}},
		{[]string{"tags", "1"}, Pos{5, 3, 5, 3}},
		{[]string{"hero"}, Pos{7, 1, 7, 8}},
		{[]string{"hero", "src"}, Pos{7, 10, 7, 16}},
		{[]string{"hero", "alt"}, Pos{7, 25, 7, 31}},
		{[]string{"é"}, Pos{8, 1, 8, 7}},
		{[]string{"nested", "1", "0"}, Pos{9, 20, 9, 20}},
	}
	for _, tt := range tests {
		got, ok := d.Lookup(tt.path...)
		if !ok || got != tt.want {
			t.Errorf("Lookup(%q) = %+v, %v, want %+v, true", tt.path, got, ok, tt.want)
		}
	}
	for _, path := range [][]string{{"tags", "2"}, {"hero", "caption"}, {"nope"}, {}} {
		if got, ok := d.Lookup(path...); ok {
			t.Errorf("Lookup(%q) = %+v, true, want not found", path, got)
		}
	}
}

func TestParseInvalid(t *testing.T) {
	// Keys before a syntax error are still found; nothing panics.
	src := "a = 1\nb = \nc = 3\n"
	if line, col := Find([]byte(src), "", "a"); line != 1 || col != 1 {
		t.Errorf("Find(%q, a) = %d, %d, want 1, 1", src, line, col)
	}
	if line, col := Find([]byte(src), "", "c"); line != 0 || col != 0 {
		t.Errorf("Find(%q, c) = %d, %d, want 0, 0", src, line, col)
	}
	for _, src := range []string{"", "[", "[[", "=", "a.b.", `"unterminated`, "a = [1,", "a = {", "\xff = 1"} {
		Find([]byte(src), "", "a")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(doc))
	f.Add([]byte("a = [[1], {b = 2}]\n[[x]]\ny = 1\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		d := Parse(src)
		lines := 1 + strings.Count(string(src), "\n")
		for k, p := range d.pos {
			if p.KeyLine < 1 || p.KeyLine > lines || p.ValueLine < p.KeyLine || p.KeyCol < 1 || p.ValueCol < 1 {
				t.Errorf("Parse(%q): position of %q = %+v, out of range", src, k, p)
			}
		}
	})
}
