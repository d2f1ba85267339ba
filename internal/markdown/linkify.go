package markdown

import (
	"bytes"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// gfm is goldmark's GitHub Flavored Markdown with its autolinks found
// by linkify, a cheaper front for goldmark's own linkify parser.
var gfm goldmark.Extender = gfmExtender{}

type gfmExtender struct{}

func (gfmExtender) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithInlineParsers(
		util.Prioritized(&linkify{inner: extension.NewLinkifyParser()}, 999), // extension.Linkify's priority
	))
	extension.Table.Extend(m)
	extension.Strikethrough.Extend(m)
	extension.TaskList.Extend(m)
}

// linkify is goldmark's linkify parser, asked only about lines that can
// hold an autolink. That parser is called at every space, and tries to
// read an e-mail address at every word: 1.5 % of a cold 1k build's CPU
// time (perf record), for the few lines that have one. An autolink it
// finds starts with "http://", "https://" or "ftp://", or with "www.", or
// holds an "@" (an e-mail address): a line with none of "://", '@' and
// "www." has none, and whether it has is read once per line.
type linkify struct{ inner parser.InlineParser }

func (l *linkify) Trigger() []byte { return l.inner.Trigger() }

var linkifyLine = parser.NewContextKey()

// linkifySeen is the line linkify last looked at: where it ends in the
// source, and whether it may hold an autolink.
type linkifySeen struct {
	start, stop int
	possible    bool
}

func (l *linkify) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, seg := block.PeekLine()
	seen, _ := pc.Get(linkifyLine).(*linkifySeen)
	if seen == nil {
		seen = &linkifySeen{stop: -1}
		pc.Set(linkifyLine, seen)
	}
	if seen.stop != seg.Stop || seg.Start < seen.start {
		// From here to the end of the line: what goldmark's parser
		// reads, here and at the triggers after this one.
		seen.start, seen.stop, seen.possible = seg.Start, seg.Stop, mayAutolink(line)
	}
	if !seen.possible {
		return nil
	}
	return l.inner.Parse(parent, block, pc)
}

// mayAutolink reports whether b holds "://", an '@' or "www.", the least
// any autolink of goldmark's linkify holds (its URLRegexp and WWWRegexp,
// and util.FindEmailIndex).
func mayAutolink(b []byte) bool {
	return bytes.IndexByte(b, '@') >= 0 || bytes.Contains(b, []byte("://")) || bytes.Contains(b, []byte("www."))
}
