package markdown

import (
	"bytes"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
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
		lx = l // coalesced by tokenise, which also stops a lexer that is stuck
	}
	h.lexers.Store(lang, lx)
	return lx
}

// block writes one code block. Every block is a focusable, scrollable
// <pre> so keyboard users can scroll long lines. stuck reports that
// chroma's lexer for lang went round in circles on the code, which is
// then shown as written.
func (h *highlighter) block(w util.BufWriter, lang string, code []byte, isError bool) (stuck bool) {
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
		return false
	}
	if f, ok := highlight.For(lang); ok {
		h.native(w, f, code)
		w.WriteString("</code></pre></div>\n")
		return false
	}
	if lx := h.lexer(lang); lx != nil {
		html, err := h.highlight(lx, lang, code)
		if err == nil {
			w.Write(html)
			w.WriteString("</code></pre></div>\n")
			return false
		}
		stuck = err == errStuck
	}
	w.Write(util.EscapeHTML(code))
	w.WriteString("</code></pre></div>\n")
	return stuck
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

// classesOnly is the style handed to chroma's formatter. It writes
// classes, not colours (the theme's CSS has them), so the style changes
// nothing it writes (TestTokeniseIsCoalesce); importing chroma's
// styles for one cost every run 9 ms of start-up, parsing them all.
var classesOnly = chroma.MustNewStyle("shiplog", chroma.StyleEntries{chroma.Background: "bg:#ffffff"})

// highlight returns code highlighted by lx, or why it could not:
// errStuck when the lexer went round in circles.
func (h *highlighter) highlight(lx chroma.Lexer, lang string, code []byte) ([]byte, error) {
	h.blocks.Add(1)
	key := strings.ToLower(lang) + "\x00" + string(code)
	if v, ok := h.done.Load(key); ok {
		h.reused.Add(1)
		return v.([]byte), nil
	}
	start := time.Now()
	defer func() { h.nanos.Add(int64(time.Since(start))) }()
	tokens, err := tokenise(lx, string(code))
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.Grow(len(code) * 4)
	if err := h.formatter.Format(&buf, classesOnly, chroma.Literator(tokens...)); err != nil {
		return nil, err
	}
	html := buf.Bytes()
	if h.doneBytes.Add(int64(len(key)+len(html))) <= maxReuseBytes {
		h.done.Store(key, html)
	}
	return html, nil
}

// errStuck is tokenise's error for a lexer that went round in circles.
var errStuck = errors.New("the lexer made no progress")

// maxEmptyTokens is how many empty tokens in a row tokenise takes
// before it calls the lexer stuck. A working lexer emits a few between
// real ones (entering and leaving states); chroma's JSONata and Jungle
// lexers emit them without end on ordinary text ("key: value"), which
// hung the build (TestStuckLexer).
const maxEmptyTokens = 1000

// tokenise returns lx's tokens for code, as chroma.Coalesce would give
// them: empty ones dropped, runs of one type joined (up to 8 KB). Unlike
// Coalesce, which loops inside a single call when the lexer emits empty
// tokens forever, it stops with errStuck.
func tokenise(lx chroma.Lexer, code string) ([]chroma.Token, error) {
	it, err := lx.Tokenise(nil, code)
	if err != nil {
		return nil, err
	}
	var tokens []chroma.Token
	empty := 0
	for t := it(); t != chroma.EOF; t = it() {
		if t.Value == "" {
			if empty++; empty > maxEmptyTokens {
				return nil, errStuck
			}
			continue
		}
		empty = 0
		if n := len(tokens); n > 0 && tokens[n-1].Type == t.Type && len(tokens[n-1].Value) < 8192 {
			tokens[n-1].Value += t.Value
			continue
		}
		tokens = append(tokens, t)
	}
	return tokens, nil
}
