package markdown

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"

	"github.com/shiplog/shiplog/internal/diag"
)

// lexerSample is a bit of most languages' syntax, for every lexer.
const lexerSample = `# comment
// another comment
/* and a block */
package main; import os
def f(x: int) -> str: return "text" + 'c' + ` + "`raw`" + `
fn main() { let n = 0x1f + 3.14e2; if n > 1 && true { println!("{}", n); } }
SELECT id, name FROM users WHERE age >= 21 -- trailing
<div class="a">&amp; {{ .Title }}</div>
key: value
[section]
$ echo "$HOME" | grep -v foo > /dev/null 2>&1
@decorator
`

// For every chroma lexer that is not stuck on the sample, tokenise gives
// the tokens chroma.Coalesce gives, and the formatter writes the same
// bytes with classesOnly as with chroma's own fallback style (it writes
// classes, so the style changes nothing).
func TestTokeniseIsCoalesce(t *testing.T) {
	h := newHighlighter()
	format := func(style *chroma.Style, tokens []chroma.Token) []byte {
		var buf bytes.Buffer
		if err := h.formatter.Format(&buf, style, chroma.Literator(tokens...)); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	var lexed int
	var stuck []string
	for _, name := range lexers.Names(false) {
		lx := lexers.Get(name)
		if lx == nil {
			continue
		}
		got, err := tokenise(lx, lexerSample)
		if err == errStuck {
			stuck = append(stuck, name)
			continue
		}
		if err != nil {
			continue // the lexer refuses the sample
		}
		lexed++
		// tokenise ended, so the lexer's tokens end, and Coalesce's do.
		it, err := chroma.Coalesce(lx).Tokenise(nil, lexerSample)
		if err != nil {
			t.Fatalf("%s: tokenise took the sample, Coalesce refused it: %v", name, err)
		}
		want := it.Tokens()
		if !slices.Equal(got, want) {
			t.Errorf("%s: tokenise gave %d tokens, Coalesce %d", name, len(got), len(want))
			continue
		}
		if a, b := format(classesOnly, got), format(styles.Fallback, want); !bytes.Equal(a, b) {
			t.Errorf("%s: with classesOnly\n%s\nwith chroma's fallback style\n%s", name, a, b)
		}
	}
	if lexed < 200 {
		t.Errorf("only %d of chroma's lexers took the sample", lexed)
	}
	t.Logf("%d lexers took the sample; stuck on it: %s", lexed, strings.Join(stuck, ", "))
}

// A code block whose lexer goes round in circles (chroma's Jungle lexer
// emits empty tokens forever on "key: value") is shown as written, with
// a warning at its fence, and the build goes on.
func TestStuckLexer(t *testing.T) {
	src := "Intro.\n\n```jungle\nkey: value\n```\n\nAfter.\n"
	res, err := New(Options{}).Render(Doc{Path: "log/stuck.md", Source: []byte(src), Line: 5})
	if err != nil {
		t.Fatal(err)
	}
	html := res.HTML
	if !strings.Contains(html, `<div class="code" data-lang="jungle"><pre tabindex="0" class="chroma"><code>key: value`+"\n</code></pre></div>") {
		t.Errorf("the block is not shown as written:\n%s", html)
	}
	if !strings.Contains(html, "<p>After.</p>") {
		t.Errorf("the rest of the entry is missing:\n%s", html)
	}
	if len(res.Problems) != 1 {
		t.Fatalf("problems %v, want one warning", res.Problems)
	}
	p := res.Problems[0]
	if p.Severity != diag.Warning || p.Path != "log/stuck.md" || p.Line != 7 || !strings.Contains(p.Msg, `"jungle"`) || p.Hint == "" {
		t.Errorf("problem %+v, want a warning at log/stuck.md:7 naming \"jungle\", with a hint", p)
	}
}
