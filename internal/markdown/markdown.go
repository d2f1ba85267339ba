// Package markdown renders the body of an entry: CommonMark with the GFM
// extensions (tables, task lists, strikethrough, autolinks) and footnotes,
// code highlighted by chroma with CSS classes, headings with stable unique
// ids, images with captions as <figure>, and the closing "What this
// reinforced:" paragraph lifted out as the entry's lesson.
//
// Untrusted input stays inert: raw HTML is omitted (with a warning) unless
// the site opts in, and links to javascript:, vbscript: or data: URLs are
// never emitted, however they are encoded.
//
// A Renderer is configured once and is safe for concurrent use.
package markdown

import (
	"bytes"
	"fmt"
	stdhtml "html"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/shiplog/shiplog/internal/diag"
)

// LessonPrefix starts the paragraph that becomes an entry's lesson.
const LessonPrefix = "What this reinforced:"

// Options configures a Renderer.
type Options struct {
	Unsafe     bool     // let raw HTML through (links are still checked)
	ErrorLangs []string // fenced-block languages that hold error output

	// ReservedIDs are ids the page around a body already uses (such as
	// "main"); no heading is given one of them.
	ReservedIDs []string
}

// DefaultErrorLangs are the fenced-block languages read as error output.
var DefaultErrorLangs = []string{"error", "console", "log", "stacktrace"}

// Renderer turns Markdown into HTML.
type Renderer struct {
	md   goldmark.Markdown
	opts Options
	hl   *highlighter
}

// New returns a Renderer.
func New(opts Options) *Renderer {
	if opts.ErrorLangs == nil {
		opts.ErrorLangs = DefaultErrorLangs
	}
	r := &Renderer{opts: opts, hl: newHighlighter()}
	rendererOpts := []renderer.Option{
		renderer.WithNodeRenderers(util.Prioritized(&nodeRenderer{hl: r.hl, errorLangs: opts.ErrorLangs}, 100)),
	}
	if opts.Unsafe {
		rendererOpts = append(rendererOpts, html.WithUnsafe())
	}
	r.md = goldmark.New(
		goldmark.WithExtensions(
			gfm,
			extension.NewFootnote(extension.WithFootnoteIDPrefixFunction(func(n ast.Node) []byte {
				if p, ok := n.OwnerDocument().Meta()[metaIDPrefix].(string); ok {
					return []byte(p)
				}
				return nil
			})),
		),
		goldmark.WithParserOptions(
			parser.WithASTTransformers(util.Prioritized(&transformer{unsafe: opts.Unsafe, errorLangs: opts.ErrorLangs}, 100)),
		),
		goldmark.WithRendererOptions(rendererOpts...),
	)
	return r
}

// ImageInfo is what the site knows about an image file.
type ImageInfo struct {
	URL           string // what to put in src
	Width, Height int    // 0 when unknown
	// SrcSet, when set, makes the image a responsive <picture>: a
	// <source> of that Type ("image/webp") offers the widths in SrcSet
	// ("a-480w.webp 480w, a-960w.webp 960w"), chosen by Sizes, and URL
	// is the fallback for browsers that take none of them.
	SrcSet, Type, Sizes string
}

// ImageRef is where the body shows a local image.
type ImageRef struct {
	Dest      string // as written
	Line, Col int    // in the source file
}

// Doc is one document to render.
type Doc struct {
	Path     string // source file, for problems
	Line     int    // source line where Source starts (after front matter)
	Source   []byte
	IDPrefix string // prepended to every id, so many entries can share a page

	// Image resolves an image destination written in the body. A nil
	// Image leaves destinations as they are.
	Image func(dest string) (ImageInfo, error)

	// Link resolves a relative link destination ("other-entry.md",
	// "../data/plot.png#top") to the URL it should have once published,
	// which should not depend on the page the body is shown on. An error
	// is a warning at the link, which is then left as written. A nil
	// Link leaves destinations as they are.
	Link func(dest string) (string, error)
}

// Heading is a section heading of the rendered body.
type Heading struct {
	Level int
	ID    string
	Text  string
}

// Result is a rendered body.
type Result struct {
	HTML        string // a string, as the site keeps it: made once from the renderer's buffer
	Headings    []Heading
	LessonHTML  []byte     // inline HTML of the lesson paragraph, without its prefix
	LessonText  string     // the same as plain text
	ErrorBlocks []string   // contents of fenced blocks in an error language
	Images      []ImageRef // local images resolved through Doc.Image
	Words       int
	Problems    diag.List
}

const (
	metaIDPrefix = "shiplog-id-prefix"
	metaState    = "shiplog-state"
)

// state is what the transformer learns about one document and hands to
// Render; it lives in the document's meta, so the shared goldmark
// instance holds no per-document state.
type state struct {
	doc      *Doc
	res      *Result
	ids      *ids
	lesson   *ast.Paragraph
	problems diag.List
}

func (s *state) warn(off int, hint, format string, args ...any) {
	line, col := s.pos(off)
	s.problems.Add(diag.Warnf(s.doc.Path, line, col, hint, format, args...))
}

func (s *state) fail(off int, hint, format string, args ...any) {
	line, col := s.pos(off)
	s.problems.Add(diag.Errorf(s.doc.Path, line, col, hint, format, args...))
}

func (s *state) pos(off int) (int, int) {
	if off < 0 {
		return max(s.doc.Line, 1), 1
	}
	line, col := diag.LineCol(s.doc.Source, off)
	return line + max(s.doc.Line, 1) - 1, col
}

// Render renders one document.
func (r *Renderer) Render(d Doc) (*Result, error) {
	res := &Result{Words: countWords(d.Source)}
	st := &state{doc: &d, res: res, ids: newIDs(d.IDPrefix, r.opts.ReservedIDs)}
	pc := parser.NewContext()
	pc.Set(stateKey, st)
	doc := r.md.Parser().Parse(text.NewReader(d.Source), parser.WithContext(pc))
	doc.OwnerDocument().AddMeta(metaIDPrefix, d.IDPrefix)
	doc.OwnerDocument().AddMeta(metaState, st) // for the renderer's warnings

	// Rendered into a pooled buffer and copied out at its size: a buffer
	// of its own, grown to twice the source, left a third of it unused,
	// and fresh memory is the dearest part of an allocation (page faults).
	buf := htmlBufs.Get().(*bytes.Buffer)
	defer putHTMLBuf(buf)
	buf.Reset()
	buf.Grow(len(d.Source) * 2)
	if err := r.md.Renderer().Render(bufWriter{buf}, d.Source, doc); err != nil {
		return nil, fmt.Errorf("render %s: %w", d.Path, err)
	}
	res.HTML = buf.String()
	if st.lesson != nil {
		var lb bytes.Buffer
		lesson := ast.NewDocument()
		lesson.AddMeta(metaIDPrefix, d.IDPrefix)
		para := ast.NewParagraph()
		for c := st.lesson.FirstChild(); c != nil; {
			next := c.NextSibling()
			para.AppendChild(para, c)
			c = next
		}
		lesson.AppendChild(lesson, para)
		if err := r.md.Renderer().Render(bufWriter{&lb}, d.Source, lesson); err != nil {
			return nil, fmt.Errorf("render lesson of %s: %w", d.Path, err)
		}
		h := bytes.TrimSpace(lb.Bytes())
		h = bytes.TrimPrefix(h, []byte("<p>"))
		h = bytes.TrimSuffix(h, []byte("</p>"))
		res.LessonHTML = bytes.TrimSpace(h)
	}
	res.Problems = st.problems
	return res, nil
}

var stateKey = parser.NewContextKey()

var htmlBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// putHTMLBuf returns buf to the pool unless one huge entry grew it.
func putHTMLBuf(buf *bytes.Buffer) {
	if buf.Cap() <= 4<<20 {
		htmlBufs.Put(buf)
	}
}

// countWords counts the runs of bytes between spaces, tabs and line
// ends in src: a word is counted where a non-space follows a space (or
// starts src), without a branch per byte.
func countWords(src []byte) int {
	n, prev := 0, uint8(0)
	for _, c := range src {
		cur := wordByte[c]
		n += int(cur &^ prev)
		prev = cur
	}
	return n
}

// wordByte is 1 for the bytes countWords counts as part of a word.
var wordByte = func() (t [256]uint8) {
	for c := range t {
		if c != ' ' && c != '\n' && c != '\t' && c != '\r' {
			t[c] = 1
		}
	}
	return t
}()

// plainText returns the text inside n as a reader sees it: without
// markup, with backslash escapes and character references resolved, so
// "AT&amp;T" reads "AT&T" (and is escaped once, by whoever prints it).
func plainText(n ast.Node, src []byte) string {
	var buf bytes.Buffer
	w := bufWriter{&buf}
	ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := c.(type) {
		case *ast.Text:
			if t.IsRaw() {
				html.DefaultWriter.RawWrite(w, t.Segment.Value(src))
			} else {
				html.DefaultWriter.Write(w, t.Segment.Value(src))
			}
			if t.SoftLineBreak() || t.HardLineBreak() {
				w.WriteByte(' ')
			}
		case *ast.String:
			if t.IsCode() || t.IsRaw() {
				html.DefaultWriter.RawWrite(w, t.Value)
			} else {
				html.DefaultWriter.Write(w, t.Value)
			}
		case *ast.CodeSpan:
			for cc := t.FirstChild(); cc != nil; cc = cc.NextSibling() {
				switch tx := cc.(type) {
				case *ast.Text:
					html.DefaultWriter.RawWrite(w, tx.Segment.Value(src))
				case *ast.String:
					html.DefaultWriter.RawWrite(w, tx.Value)
				}
			}
			return ast.WalkSkipChildren, nil
		case *ast.AutoLink:
			html.DefaultWriter.RawWrite(w, t.Label(src))
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return stdhtml.UnescapeString(buf.String())
}

// bufWriter is a bytes.Buffer as the util.BufWriter goldmark's writers
// want, without a bufio.Writer's 4 KB buffer in front of it: Render
// would otherwise make one per entry and lesson, and plainText one for
// every heading and paragraph it reads.
type bufWriter struct{ *bytes.Buffer }

func (bufWriter) Available() int { return 0 }
func (bufWriter) Buffered() int  { return 0 }
func (bufWriter) Flush() error   { return nil }
