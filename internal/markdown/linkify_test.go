package markdown

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// The front linkify puts before goldmark's linkify parser changes no
// output: GitHub Flavored Markdown with it renders as with goldmark's
// own extension.GFM, for hand-written cases and for random mixes of
// what autolinks are made of, in every block an autolink can sit in.
func TestLinkifyFront(t *testing.T) {
	ours := goldmark.New(goldmark.WithExtensions(gfm))
	theirs := goldmark.New(goldmark.WithExtensions(extension.GFM))
	cases := []string{
		"See https://example.com/a?b=c, www.example.com and me@example.com.",
		"No links here, just words and a time 12:30.",
		"ERR_CONNECTION_REFUSED at http://127.0.0.1:8080/health (retrying)",
		"| a | b |\n|---|---|\n| https://x.example/ | c@d.example |\n| www.e.example | no |",
		"- item www.example.org\n- item two: ftp://files.example/x\n  > quoted me@example.com",
		"*https://emphasised.example/* _www.under.example_ ~~http://struck.example~~ (http://paren.example)",
		"[a link](https://not.auto/) and [www.inside.label](x) and `code www.code.example`",
		"a@b\nno dot after the at, then www. alone, then mailto:x@y.example",
		"Line one has nothing\nline two has a@b.example\nline three: nothing",
	}
	parts := []string{"https://", "http://", "ftp://", "https:", "//", "mailto:", "www.", "@", ".", ":", "example", "com", " ", " ", "\n", "*", "_", "~", "(", ")", "|", "- ", "> ", "x", "é", "[", "]", "`", "#", "1"}
	r := rand.New(rand.NewPCG(3, 4))
	for range 3000 {
		var b strings.Builder
		for range 1 + r.IntN(30) {
			b.WriteString(parts[r.IntN(len(parts))])
		}
		cases = append(cases, b.String())
	}
	for _, c := range cases {
		var a, b bytes.Buffer
		if err := ours.Convert([]byte(c), &a); err != nil {
			t.Fatal(err)
		}
		if err := theirs.Convert([]byte(c), &b); err != nil {
			t.Fatal(err)
		}
		if a.String() != b.String() {
			t.Fatalf("%q renders as\n%s\nwith the front, and as\n%s\nwithout", c, a.String(), b.String())
		}
	}
}

func TestMayAutolink(t *testing.T) {
	for _, c := range []struct {
		s    string
		want bool
	}{
		{"plain words", false},
		{"a colon: here", false},
		{"a scheme https://x", true},
		{"half a scheme https:/x", false},
		{"me@example", true},
		{"see www.x", true},
		{"www", false},
		{"", false},
	} {
		if got := mayAutolink([]byte(c.s)); got != c.want {
			t.Errorf("mayAutolink(%q) = %v", c.s, got)
		}
	}
}
