package markdown

import (
	"fmt"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// nodeRenderer renders the nodes whose markup shiplog chooses: code
// blocks, headings with anchors, images and figures. It holds no
// per-document state.
type nodeRenderer struct {
	hl         *highlighter
	errorLangs []string
}

func (r *nodeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindFencedCodeBlock, r.fenced)
	reg.Register(ast.KindCodeBlock, r.indented)
	reg.Register(ast.KindHeading, r.heading)
	reg.Register(ast.KindImage, r.image)
	reg.Register(KindFigure, r.figure)
}

func (r *nodeRenderer) fenced(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.FencedCodeBlock)
	lang := string(n.Language(src))
	if r.hl.block(w, lang, blockText(n, src), isErrorLang(lang, r.errorLangs)) {
		if st, ok := n.OwnerDocument().Meta()[metaState].(*state); ok {
			at := offset(n)
			if n.Info != nil {
				at = n.Info.Segment.Start
			}
			st.warn(at, "name another language on the fence, or none",
				"the code block's language %q could not be highlighted (its lexer went round in circles); it is shown as written", lang)
		}
	}
	return ast.WalkSkipChildren, nil
}

func (r *nodeRenderer) indented(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	r.hl.block(w, "", blockText(node, src), false)
	return ast.WalkSkipChildren, nil
}

func (r *nodeRenderer) heading(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Heading)
	id := ""
	if v, ok := n.AttributeString("id"); ok {
		if b, ok := v.([]byte); ok {
			id = string(b)
		}
	}
	if entering {
		fmt.Fprintf(w, "<h%d", n.Level)
		if id != "" {
			fmt.Fprintf(w, ` id="%s"`, util.EscapeHTML([]byte(id)))
		}
		w.WriteByte('>')
		return ast.WalkContinue, nil
	}
	if id != "" {
		fmt.Fprintf(w, `<a class="anchor" href="#%s" aria-hidden="true" tabindex="-1">#</a>`, util.EscapeHTML([]byte(id)))
	}
	fmt.Fprintf(w, "</h%d>\n", n.Level)
	return ast.WalkContinue, nil
}

func (r *nodeRenderer) image(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.Image)
	if dangerous(n.Destination, true) {
		return ast.WalkSkipChildren, nil // the transformer removes these; never print one
	}
	var pic *ImageInfo
	if v, ok := n.AttributeString(attrPicture); ok {
		pic, _ = v.(*ImageInfo)
	}
	if pic != nil {
		w.WriteString(`<picture><source type="`)
		w.Write(util.EscapeHTML([]byte(pic.Type)))
		w.WriteString(`" srcset="`)
		w.Write(util.EscapeHTML([]byte(pic.SrcSet)))
		w.WriteString(`" sizes="`)
		w.Write(util.EscapeHTML([]byte(pic.Sizes)))
		w.WriteString(`">`)
	}
	w.WriteString(`<img src="`)
	w.Write(util.EscapeHTML(util.URLEscape(n.Destination, true)))
	w.WriteString(`" alt="`)
	w.Write(util.EscapeHTML([]byte(strings.TrimSpace(plainText(n, src)))))
	w.WriteByte('"')
	if v, ok := n.AttributeString("width"); ok {
		fmt.Fprintf(w, ` width="%d"`, v)
	}
	if v, ok := n.AttributeString("height"); ok {
		fmt.Fprintf(w, ` height="%d"`, v)
	}
	if _, inFigure := n.Parent().(*Figure); !inFigure && len(n.Title) > 0 {
		w.WriteString(` title="`)
		html.DefaultWriter.Write(w, n.Title)
		w.WriteByte('"')
	}
	w.WriteString(` loading="lazy" decoding="async">`)
	if pic != nil {
		w.WriteString(`</picture>`)
	}
	return ast.WalkSkipChildren, nil
}

func (r *nodeRenderer) figure(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	img, ok := node.FirstChild().(*ast.Image)
	if !ok {
		return ast.WalkContinue, nil
	}
	w.WriteString("<figure>")
	if _, err := r.image(w, src, img, true); err != nil {
		return ast.WalkStop, err
	}
	w.WriteString("<figcaption>")
	html.DefaultWriter.Write(w, img.Title)
	w.WriteString("</figcaption></figure>\n")
	return ast.WalkSkipChildren, nil
}

func isErrorLang(lang string, langs []string) bool {
	for _, l := range langs {
		if equalFold(l, lang) {
			return true
		}
	}
	return false
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range len(a) {
		ca, cb := a[i]|0x20, b[i]|0x20
		if ca != cb {
			return false
		}
	}
	return true
}
