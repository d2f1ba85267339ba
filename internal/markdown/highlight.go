package markdown

import (
	"bytes"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/yuin/goldmark/util"

	"github.com/shiplog/shiplog/internal/highlight"
)

// highlighter renders fenced code: with package highlight's scanners for
// the languages they know, with chroma for the rest. Lexers are looked up once
// per language and reused; the formatter emits CSS classes, so the theme
// decides the colours (see CSS).
//
// Logs repeat themselves (the same Dockerfile, the same config), so a
// block whose language and code were highlighted before is copied from
// the earlier result, up to maxReuseBytes of results per Renderer.
type highlighter struct {
	formatter *chromahtml.Formatter
	lexers    sync.Map // lowercase language → chroma.Lexer (nil when unknown)

	done      sync.Map // lowercase language + "\x00" + code → highlighted HTML
	doneBytes atomic.Int64

	blocks, reused, nanos atomic.Int64
}

const maxReuseBytes = 32 << 20

// HighlightStats says what a Renderer's highlighter did.
type HighlightStats struct {
	Highlight      time.Duration // in chroma, summed over goroutines
	Blocks, Reused int           // blocks highlighted; of them, copies of an earlier block
}

// Stats returns what r's highlighter did so far.
func (r *Renderer) Stats() HighlightStats {
	return HighlightStats{
		Highlight: time.Duration(r.hl.nanos.Load()),
		Blocks:    int(r.hl.blocks.Load()),
		Reused:    int(r.hl.reused.Load()),
	}
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
	if isError && !strings.EqualFold(lang, "console") {
		// Error output is shown as written, not guessed at.
		w.Write(util.EscapeHTML(code))
		w.WriteString("</code></pre></div>\n")
		return
	}
	if f, ok := highlight.For(lang); ok {
		h.native(w, f, code)
		w.WriteString("</code></pre></div>\n")
		return
	}
	if lx := h.lexer(lang); lx != nil {
		if html, ok := h.highlight(lx, lang, code); ok {
			w.Write(html)
			w.WriteString("</code></pre></div>\n")
			return
		}
	}
	w.Write(util.EscapeHTML(code))
	w.WriteString("</code></pre></div>\n")
}

// native writes code highlighted by one of package highlight's
// scanners: the languages logs are mostly written in, hundreds of times
// faster than chroma's lexers (BenchmarkGo in internal/highlight).
func (h *highlighter) native(w util.BufWriter, f highlight.Func, code []byte) {
	h.blocks.Add(1)
	start := time.Now()
	buf := nativeBufs.Get().(*bytes.Buffer)
	buf.Reset()
	f(buf, code)
	w.Write(buf.Bytes())
	nativeBufs.Put(buf)
	h.nanos.Add(int64(time.Since(start)))
}

var nativeBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// highlight returns code highlighted by lx.
func (h *highlighter) highlight(lx chroma.Lexer, lang string, code []byte) ([]byte, bool) {
	h.blocks.Add(1)
	key := strings.ToLower(lang) + "\x00" + string(code)
	if v, ok := h.done.Load(key); ok {
		h.reused.Add(1)
		return v.([]byte), true
	}
	start := time.Now()
	defer func() { h.nanos.Add(int64(time.Since(start))) }()
	it, err := lx.Tokenise(nil, string(code))
	if err != nil {
		return nil, false
	}
	var buf bytes.Buffer
	buf.Grow(len(code) * 4)
	if err := h.formatter.Format(&buf, styles.Fallback, it); err != nil {
		return nil, false
	}
	html := buf.Bytes()
	if h.doneBytes.Add(int64(len(key)+len(html))) <= maxReuseBytes {
		h.done.Store(key, html)
	}
	return html, true
}
