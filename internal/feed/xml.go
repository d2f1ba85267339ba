package feed

import (
	"bytes"
	"strings"
)

// xmlWriter writes indented XML by hand so the output reads well: the
// encoding/xml marshaller writes every newline in text as "&#xA;".
// Every string reaching it has been cleaned (see clean), so escaping the
// five special characters is all XML needs.
type xmlWriter struct {
	buf   bytes.Buffer
	depth int
}

// newXMLWriter returns a writer appending to dst[:0], sized for a document
// holding about size bytes of text: a feed is mostly its items' HTML, and
// growing a buffer of a few hundred kilobytes step by step costs more
// than writing it.
func newXMLWriter(dst []byte, size int) *xmlWriter {
	w := &xmlWriter{buf: *bytes.NewBuffer(dst[:0])}
	w.buf.Grow(size)
	w.buf.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	return w
}

func (w *xmlWriter) indent() {
	for range w.depth {
		w.buf.WriteString("  ")
	}
}

func (w *xmlWriter) tag(name string, attrs []string) {
	w.buf.WriteByte('<')
	w.buf.WriteString(name)
	for i := 0; i+1 < len(attrs); i += 2 {
		w.buf.WriteByte(' ')
		w.buf.WriteString(attrs[i])
		w.buf.WriteString(`="`)
		attrEscape.WriteString(&w.buf, attrs[i+1])
		w.buf.WriteByte('"')
	}
}

// open starts an element whose children follow; attrs are name, value pairs.
func (w *xmlWriter) open(name string, attrs ...string) {
	w.indent()
	w.tag(name, attrs)
	w.buf.WriteString(">\n")
	w.depth++
}

func (w *xmlWriter) close(name string) {
	w.depth--
	w.indent()
	w.end(name)
}

// end writes name's end tag and a newline.
func (w *xmlWriter) end(name string) {
	w.buf.WriteString("</")
	w.buf.WriteString(name)
	w.buf.WriteString(">\n")
}

// text writes an element holding text.
func (w *xmlWriter) text(name, text string, attrs ...string) {
	w.indent()
	w.tag(name, attrs)
	w.buf.WriteByte('>')
	textEscape.WriteString(&w.buf, text)
	w.end(name)
}

// empty writes an element with attributes only.
func (w *xmlWriter) empty(name string, attrs ...string) {
	w.indent()
	w.tag(name, attrs)
	w.buf.WriteString("/>\n")
}

func (w *xmlWriter) bytes() []byte { return w.buf.Bytes() }

// textEscape escapes character data. ">" is escaped too, so "]]>" can
// never appear.
var textEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// attrEscape escapes an attribute value in double quotes; tab and newline
// are written as references because a parser would turn them into spaces.
var attrEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "\t", "&#9;", "\n", "&#10;")
