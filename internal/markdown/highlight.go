package markdown

import (
	"bytes"
	"strings"
	"sync"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/yuin/goldmark/util"
)

// highlighter renders fenced code with chroma. Lexers are looked up once
// per language and reused; the formatter emits CSS classes, so the theme
// decides the colours (see CSS).
type highlighter struct {
	formatter *chromahtml.Formatter
	lexers    sync.Map // lowercase language → chroma.Lexer (nil when unknown)
}

func newHighlighter() *highlighter {
	return &highlighter{formatter: chromahtml.New(
		chromahtml.WithClasses(true),
		chromahtml.PreventSurroundingPre(true),
		chromahtml.TabWidth(4),
	)}
}

// plainLangs are rendered as they are written, never guessed at: trees,
// diagrams and program output keep their alignment.
var plainLangs = map[string]bool{"": true, "text": true, "txt": true, "plain": true, "plaintext": true, "tree": true, "ascii": true, "diagram": true}

func (h *highlighter) lexer(lang string) chroma.Lexer {
	lang = strings.ToLower(lang)
	if plainLangs[lang] {
		return nil
	}
	if l, ok := h.lexers.Load(lang); ok {
		lx, _ := l.(chroma.Lexer)
		return lx
	}
	var lx chroma.Lexer
	if l := lexers.Get(lang); l != nil {
		lx = chroma.Coalesce(l)
	}
	h.lexers.Store(lang, lx)
	return lx
}

// block writes one code block. Every block is a focusable, scrollable
// <pre> so keyboard users can scroll long lines.
func (h *highlighter) block(w util.BufWriter, lang string, code []byte, isError bool) {
	class := "code"
	if isError {
		class += " code-error"
	}
	w.WriteString(`<div class="`)
	w.WriteString(class)
	w.WriteString(`"`)
	if lang != "" {
		w.WriteString(` data-lang="`)
		w.Write(util.EscapeHTML([]byte(lang)))
		w.WriteString(`"`)
	}
	w.WriteString(`><pre tabindex="0" class="chroma"><code>`)
	lx := h.lexer(lang)
	if isError && !strings.EqualFold(lang, "console") {
		lx = nil // error output is shown as written, not guessed at
	}
	if lx != nil {
		if it, err := lx.Tokenise(nil, string(code)); err == nil {
			var buf bytes.Buffer
			if err := h.formatter.Format(&buf, styles.Fallback, it); err == nil {
				w.Write(buf.Bytes())
				w.WriteString("</code></pre></div>\n")
				return
			}
		}
	}
	w.Write(util.EscapeHTML(code))
	w.WriteString("</code></pre></div>\n")
}
