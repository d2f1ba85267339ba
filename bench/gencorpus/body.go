package main

import (
	"slices"
	"strings"
)

// Body length bounds, in whitespace-separated words of the Markdown source.
const (
	minWords = 600
	maxWords = 1200
)

// sectionSpec describes one ## section of an entry kind: its heading
// variants, the sentence topic of its paragraphs, the probability that an
// entry has it, and which special blocks it may hold.
type sectionSpec struct {
	titles     []string
	topic      string
	p          float64
	errorBlock bool // the ```error or ```log block goes here
	code       bool // code blocks may go here
	bullets    bool // bullet lists may go here
	tree       bool // the ASCII tree may go here
}

// linkSentences make sure every entry links out at least once.
var linkSentences = []string{
	"See {link} for the longer version.",
	"Background reading: {link}.",
	"The discussion is in {link}.",
	"I kept notes in {link}.",
	"There is more in {link}.",
}

// section is a section being written: its heading and its blocks (paragraphs,
// lists, fenced blocks), which are joined by blank lines.
type section struct {
	spec    sectionSpec
	heading string
	blocks  []string
}

// draft is a body being written: its sections and its running word count.
type draft struct {
	secs  []*section
	words int
}

// add inserts block into s at index at and counts its words.
func (d *draft) add(s *section, at int, block string) {
	s.blocks = slices.Insert(s.blocks, at, block)
	d.words += countWords(block)
}

// where returns the sections whose spec satisfies keep.
func (d *draft) where(keep func(sectionSpec) bool) []*section {
	var out []*section
	for _, s := range d.secs {
		if keep(s.spec) {
			out = append(out, s)
		}
	}
	return out
}

// body writes the Markdown body of an entry of the given kind and date: a
// skeleton of sections and special blocks, grown with paragraphs until it
// reaches a word count drawn from [minWords, maxWords-100], then the lesson.
func (c *composer) body(kind, date string) string {
	d := &draft{secs: c.sections(kind)}
	c.skeleton(d, date)
	lesson := c.lesson()
	d.words += countWords(lesson)
	c.grow(d, c.r.between(minWords, maxWords-100))
	return d.render(lesson)
}

// skeleton gives every section a short paragraph, links out once, and places
// the error or log block, one to three code blocks, one or more lists, and
// in one entry in eight an ASCII tree.
func (c *composer) skeleton(d *draft, date string) {
	for _, s := range d.secs {
		d.words += countWords(s.heading) + 1
		d.add(s, 0, c.paragraph(s.spec.topic, 2, 4))
	}
	link := c.expand(pick(c.r, linkSentences))
	first := pick(c.r, d.secs)
	first.blocks[0] += " " + link
	d.words += countWords(link)

	if s := d.where(func(s sectionSpec) bool { return s.errorBlock }); len(s) > 0 {
		d.add(s[0], len(s[0].blocks), c.errorBlock(date))
	}
	codeSecs := d.where(func(s sectionSpec) bool { return s.code })
	for range c.r.between(1, 3) {
		s := pick(c.r, codeSecs)
		d.add(s, len(s.blocks), c.codeBlock())
	}
	for i, s := range d.where(func(s sectionSpec) bool { return s.bullets }) {
		if i == 0 || c.r.chance(0.4) {
			d.add(s, len(s.blocks), c.bullets(s.spec.topic))
		}
	}
	if c.r.intn(8) == 0 {
		s := pick(c.r, d.where(func(s sectionSpec) bool { return s.tree }))
		d.add(s, len(s.blocks), c.treeBlock())
	}
}

// grow adds paragraphs after the first block of random sections until the
// draft has target words, never letting it reach maxWords.
func (c *composer) grow(d *draft, target int) {
	for d.words < target {
		s := pick(c.r, d.secs)
		p := c.paragraph(s.spec.topic, 3, 6)
		if d.words+countWords(p) >= maxWords {
			return
		}
		d.add(s, c.r.between(1, len(s.blocks)), p)
	}
}

// sections picks the sections of an entry of kind and their headings.
func (c *composer) sections(kind string) []*section {
	var secs []*section
	for _, spec := range headings[kind] {
		if spec.p < 1 && !c.r.chance(spec.p) {
			continue
		}
		secs = append(secs, &section{spec: spec, heading: pick(c.r, spec.titles)})
	}
	return secs
}

// render joins the sections and the closing lesson into Markdown.
func (d *draft) render(lesson string) string {
	var b strings.Builder
	for _, s := range d.secs {
		b.WriteString("## " + s.heading + "\n\n")
		for _, block := range s.blocks {
			b.WriteString(block + "\n\n")
		}
	}
	b.WriteString(lesson + "\n")
	return b.String()
}

// countWords counts whitespace-separated words, as the tests do.
func countWords(s string) int { return len(strings.Fields(s)) }
