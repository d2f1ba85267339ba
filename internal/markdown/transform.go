package markdown

import (
	"bytes"
	"html"
	"net/url"
	"strings"
	"unicode"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"

	"github.com/shiplog/shiplog/internal/slug"
)

// transformer walks a parsed document once: it lifts out the lesson,
// drops unsafe HTML and links, resolves images, turns captioned images
// into figures and collects headings and error blocks.
type transformer struct {
	unsafe     bool
	errorLangs []string
}

func (t *transformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	st, ok := pc.Get(stateKey).(*state)
	if !ok {
		return
	}
	src := reader.Source()

	var remove, unwrap []ast.Node
	var fragments []*ast.Link
	var figures []*ast.Paragraph
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.HTMLBlock, *ast.RawHTML:
			raw := rawHTML(n, src)
			switch {
			case !t.unsafe:
				st.warn(offset(n), "raw HTML is left out; set markdown.unsafe = true in shiplog.toml to allow it",
					"raw HTML omitted: %s", clip(raw, 40))
				remove = append(remove, n)
			case hasDangerousURL(raw):
				st.warn(offset(n), "use an http(s) link", "raw HTML with a script URL omitted: %s", clip(raw, 40))
				remove = append(remove, n)
			}
			return ast.WalkSkipChildren, nil
		case *ast.Link:
			if dangerous(n.Destination, false) {
				st.warn(inlineOffset(n, src), "links may only point to http(s), mailto or site paths",
					"link to %q removed", clip(string(n.Destination), 40))
				unwrap = append(unwrap, n)
			} else if len(n.Destination) > 1 && n.Destination[0] == '#' {
				fragments = append(fragments, n)
			} else {
				t.link(st, n, src)
			}
		case *ast.AutoLink:
			if dangerous(n.URL(src), false) {
				st.warn(inlineOffset(n, src), "links may only point to http(s), mailto or site paths",
					"link to %q removed", clip(string(n.URL(src)), 40))
				unwrap = append(unwrap, n)
			}
		case *ast.Image:
			if dangerous(n.Destination, true) {
				st.warn(inlineOffset(n, src), "images must be files beside the entry or http(s) URLs",
					"image %q removed", clip(string(n.Destination), 40))
				remove = append(remove, n)
				return ast.WalkSkipChildren, nil
			}
			t.image(st, n, src)
			if p, ok := n.Parent().(*ast.Paragraph); ok && len(n.Title) > 0 && p.ChildCount() == 1 {
				figures = append(figures, p)
			}
		case *ast.FencedCodeBlock:
			if isErrorLang(string(n.Language(src)), t.errorLangs) {
				st.res.ErrorBlocks = append(st.res.ErrorBlocks, string(blockText(n, src)))
			}
		case *ast.Heading:
			// The id comes from the heading as read, not as written: a
			// link's URL or an entity's name is not part of it.
			text := strings.TrimSpace(plainText(n, src))
			id := st.ids.generate(text)
			n.SetAttributeString("id", []byte(id))
			st.res.Headings = append(st.res.Headings, Heading{Level: n.Level, ID: id, Text: text})
		}
		return ast.WalkContinue, nil
	})
	for _, n := range remove {
		if p := n.Parent(); p != nil {
			p.RemoveChild(p, n)
		}
	}
	for _, n := range unwrap {
		p := n.Parent()
		if p == nil {
			continue
		}
		if al, ok := n.(*ast.AutoLink); ok {
			p.ReplaceChild(p, n, ast.NewString(al.Label(src)))
			continue
		}
		for c := n.FirstChild(); c != nil; {
			next := c.NextSibling()
			p.InsertBefore(p, n, c)
			c = next
		}
		p.RemoveChild(p, n)
	}
	for _, p := range figures {
		img := p.FirstChild()
		fig := &Figure{}
		p.RemoveChild(p, img)
		fig.AppendChild(fig, img)
		p.Parent().ReplaceChild(p.Parent(), p, fig)
	}
	// In-page links follow the ids they point to when those carry a prefix.
	if st.ids.prefix != "" {
		for _, l := range fragments {
			if id := st.ids.prefix + string(l.Destination[1:]); st.ids.used[id] {
				l.Destination = []byte("#" + id)
			}
		}
	}
	// The lesson is lifted last, so it went through every check above.
	st.lesson = liftLesson(doc, src)
	if st.lesson != nil {
		st.res.LessonText = strings.TrimSpace(plainText(st.lesson, src))
	}
}

// link resolves a relative link through Doc.Link, so that it works on
// every page the body is shown on, not only the entry's own.
func (t *transformer) link(st *state, n *ast.Link, src []byte) {
	dest := string(n.Destination)
	if st.doc.Link == nil || !relative(dest) {
		return
	}
	u, err := st.doc.Link(dest)
	if err != nil {
		st.warn(inlineOffset(n, src), "link to an entry's .md file, or to an image beside the entry",
			"link to %q: %v", clip(dest, 80), err)
		return
	}
	n.Destination = []byte(u)
}

// relative reports whether dest is a path relative to the document: no
// scheme, not from the site root, not only a fragment or a query.
func relative(dest string) bool {
	if dest == "" || strings.HasPrefix(dest, "/") || strings.HasPrefix(dest, "#") || strings.HasPrefix(dest, "?") {
		return false
	}
	u, err := url.Parse(dest)
	return err == nil && u.Scheme == "" && u.Host == ""
}

func (t *transformer) image(st *state, n *ast.Image, src []byte) {
	alt := strings.TrimSpace(plainText(n, src))
	if alt == "" {
		st.warn(inlineOffset(n, src), "describe the image for people who cannot see it: ![what it shows](file.png)",
			"image %q has no alt text", clip(string(n.Destination), 60))
	}
	if st.doc.Image == nil {
		return
	}
	dest := string(n.Destination)
	if u, err := url.Parse(dest); err == nil && (u.Scheme != "" || strings.HasPrefix(dest, "//")) {
		return // remote image: published as written
	}
	info, err := st.doc.Image(dest)
	if err != nil {
		st.fail(inlineOffset(n, src), "check the file name; images live beside the entry and names are case-sensitive",
			"image %q: %v", clip(dest, 80), err)
		return
	}
	line, col := st.pos(inlineOffset(n, src))
	st.res.Images = append(st.res.Images, ImageRef{Dest: dest, Line: line, Col: col})
	n.Destination = []byte(info.URL)
	if info.Width > 0 && info.Height > 0 {
		n.SetAttributeString("width", info.Width)
		n.SetAttributeString("height", info.Height)
	}
	if info.SrcSet != "" {
		n.SetAttributeString(attrPicture, &info)
	}
}

// attrPicture holds, on an image node, the *ImageInfo of a responsive
// image, which the renderer writes as a <picture>.
const attrPicture = "shiplog-picture"

// liftLesson detaches the document's last paragraph when it starts with
// LessonPrefix and says something after it, and returns it without the
// prefix. The prefix may be plain text or emphasised, with or without the
// colon inside the emphasis.
func liftLesson(doc *ast.Document, src []byte) *ast.Paragraph {
	p, ok := doc.LastChild().(*ast.Paragraph)
	if !ok {
		return nil
	}
	text := strings.TrimSpace(plainText(p, src))
	if !strings.HasPrefix(text, LessonPrefix) || strings.TrimSpace(text[len(LessonPrefix):]) == "" {
		return nil
	}
	word := strings.TrimSuffix(LessonPrefix, ":")
	switch f := p.FirstChild().(type) {
	case *ast.Emphasis:
		switch strings.TrimSpace(plainText(f, src)) {
		case LessonPrefix:
			p.RemoveChild(p, f)
		case word: // **What this reinforced**: the lesson
			tx, ok := f.NextSibling().(*ast.Text)
			if !ok || !bytes.HasPrefix(tx.Segment.Value(src), []byte(":")) {
				return nil
			}
			p.RemoveChild(p, f)
			tx.Segment = tx.Segment.WithStart(tx.Segment.Start + 1)
		default:
			return nil
		}
	case *ast.Text:
		seg := f.Segment
		v := seg.Value(src)
		i := bytes.Index(v, []byte(LessonPrefix))
		if i < 0 {
			return nil
		}
		f.Segment = seg.WithStart(seg.Start + i + len(LessonPrefix))
	default:
		return nil
	}
	// Trim the space left between the prefix and the lesson.
	if tx, ok := p.FirstChild().(*ast.Text); ok {
		v := tx.Segment.Value(src)
		trimmed := bytes.TrimLeft(v, " \t")
		tx.Segment = tx.Segment.WithStart(tx.Segment.Start + len(v) - len(trimmed))
	}
	doc.RemoveChild(doc, p)
	return p
}

// offset finds a byte offset in the source for n, or -1.
func offset(n ast.Node) int {
	if r, ok := n.(*ast.RawHTML); ok && r.Segments.Len() > 0 {
		return r.Segments.At(0).Start
	}
	for c := n; c != nil; c = c.Parent() {
		if t, ok := c.(*ast.Text); ok {
			return t.Segment.Start
		}
		if c.Type() == ast.TypeBlock && c.Lines().Len() > 0 {
			return c.Lines().At(0).Start
		}
		if c != n {
			continue
		}
		// look into the first descendants for a text segment
		for d := n.FirstChild(); d != nil; d = d.FirstChild() {
			if t, ok := d.(*ast.Text); ok {
				return t.Segment.Start
			}
		}
	}
	return -1
}

// inlineOffset finds where a link, autolink or image starts in the
// source: its "[", "![" or "<". Goldmark keeps no position for these
// nodes, so it searches forward from the end of whatever precedes the
// node; offset is the fallback.
func inlineOffset(n ast.Node, src []byte) int {
	if al, ok := n.(*ast.AutoLink); ok {
		// Label is a slice of src; its capacity says where it starts.
		if l := al.Label(src); len(l) > 0 && cap(l) <= cap(src) {
			i := cap(src) - cap(l)
			if i+len(l) <= len(src) && bytes.Equal(src[i:i+len(l)], l) {
				if i > 0 && src[i-1] == '<' {
					i--
				}
				return i
			}
		}
		return offset(n)
	}
	lo := precedingStop(n)
	if lo < 0 || lo > len(src) {
		return offset(n)
	}
	marker := []byte("[")
	if _, ok := n.(*ast.Image); ok {
		marker = []byte("![")
	}
	i := bytes.Index(src[lo:], marker)
	if i < 0 {
		return offset(n)
	}
	if hi := offset(n); hi >= 0 && lo+i > hi {
		return offset(n)
	}
	return lo + i
}

// precedingStop returns the end of the source text just before inline n:
// the last text of an earlier sibling (of n or of an inline ancestor),
// else the start of the enclosing block's first line.
func precedingStop(n ast.Node) int {
	for c := n; c != nil; c = c.Parent() {
		if c != n && c.Type() == ast.TypeBlock {
			if c.Lines().Len() > 0 {
				return c.Lines().At(0).Start
			}
		}
		for p := c.PreviousSibling(); p != nil; p = p.PreviousSibling() {
			if s := lastStop(p); s >= 0 {
				return s
			}
		}
		if c != n && c.Type() == ast.TypeBlock {
			return -1
		}
	}
	return -1
}

// lastStop is the largest end of a text segment inside n, or -1.
func lastStop(n ast.Node) int {
	stop := -1
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := c.(type) {
		case *ast.Text:
			stop = max(stop, t.Segment.Stop)
		case *ast.RawHTML:
			if t.Segments.Len() > 0 {
				stop = max(stop, t.Segments.At(t.Segments.Len()-1).Stop)
			}
		}
		return ast.WalkContinue, nil
	})
	return stop
}

func rawHTML(n ast.Node, src []byte) string {
	var b strings.Builder
	switch n := n.(type) {
	case *ast.RawHTML:
		for i := range n.Segments.Len() {
			seg := n.Segments.At(i)
			b.Write(seg.Value(src))
		}
	default:
		for i := range n.Lines().Len() {
			seg := n.Lines().At(i)
			b.Write(seg.Value(src))
		}
	}
	return b.String()
}

func blockText(n ast.Node, src []byte) []byte {
	lines := n.Lines()
	if k := lines.Len(); k > 0 {
		// Most blocks are lines that follow one another in the source
		// as they are: those are read in place, not copied (a copy of
		// every code block was 4 MB of a cold 1k build's garbage).
		first, last := lines.At(0), lines.At(k-1)
		inPlace := true
		for i := 0; i < k && inPlace; i++ {
			seg := lines.At(i)
			inPlace = seg.Padding == 0 && (i == 0 || lines.At(i-1).Stop == seg.Start)
		}
		if inPlace {
			return src[first.Start:last.Stop:last.Stop]
		}
	}
	var b bytes.Buffer
	for i := range n.Lines().Len() {
		seg := n.Lines().At(i)
		b.Write(seg.Value(src))
	}
	return b.Bytes()
}

func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// dangerous reports whether a link or image destination would run code or
// smuggle content: javascript:, vbscript:, file: and (except images)
// data:, however the scheme is hidden with entities, percent-encoding,
// case, control characters or whitespace.
func dangerous(dest []byte, image bool) bool {
	s := normalizeURL(string(dest))
	scheme, _, ok := strings.Cut(s, ":")
	if !ok || strings.ContainsAny(scheme, "/?#") {
		return false
	}
	switch scheme {
	case "javascript", "vbscript", "file", "livescript", "mocha":
		return true
	case "data":
		if image {
			for _, t := range []string{"data:image/png", "data:image/jpeg", "data:image/gif", "data:image/webp"} {
				if strings.HasPrefix(s, t) {
					return false
				}
			}
		}
		return true
	}
	return false
}

func normalizeURL(s string) string {
	for range 4 {
		prev := s
		s = percentDecode(html.UnescapeString(s))
		if s == prev {
			break
		}
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\\' {
			return -1
		}
		return r
	}, s)
	return strings.ToLower(s)
}

// percentDecode decodes every valid %XX and keeps the rest: one stray
// "%" must not stop "javascript%3A" from being seen.
func percentDecode(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	return string(b)
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

var dangerousInHTML = []string{"javascript:", "vbscript:", "data:text", "livescript:"}

func hasDangerousURL(raw string) bool {
	s := normalizeURL(raw)
	for _, d := range dangerousInHTML {
		if strings.Contains(s, d) {
			return true
		}
	}
	return false
}

// ids makes heading ids that are unique within a document and stable:
// the same heading text gives the same id on every build. Reserved ids
// (the page's own, such as "main") are never given out.
type ids struct {
	prefix string
	used   map[string]bool
}

func newIDs(prefix string, reserved []string) *ids {
	s := &ids{prefix: prefix, used: make(map[string]bool, len(reserved))}
	for _, r := range reserved {
		s.used[r] = true
	}
	return s
}

func (s *ids) generate(text string) string {
	base := slug.Make(text)
	if base == "" {
		base = "section"
	}
	base = s.prefix + base
	id := base
	for i := 1; s.used[id]; i++ {
		id = base + "-" + itoa(i)
	}
	s.used[id] = true
	return id
}

func itoa(i int) string {
	var b [20]byte
	n := len(b)
	for {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
		if i == 0 {
			break
		}
	}
	return string(b[n:])
}

// Figure is a captioned image: <figure><img><figcaption>.
type Figure struct{ ast.BaseBlock }

// KindFigure is the kind of Figure nodes.
var KindFigure = ast.NewNodeKind("Figure")

// Kind implements ast.Node.
func (n *Figure) Kind() ast.NodeKind { return KindFigure }

// Dump implements ast.Node.
func (n *Figure) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }
