package site

// Rendered Markdown is kept in the build cache (DIR/.shiplog/cache/entries/),
// keyed by everything the renderer reads: the source bytes, where they
// sit (path and first line, which problems name), the renderer's settings
// and the program. What a body links to lies outside those bytes (is
// other-entry.md published? how wide is photo.jpg?), so the cache also
// records every question the renderer asked the site (Doc.Image and
// Doc.Link) with the answer it got; a hit asks them again, in order, and
// is used only when every answer is the same. That also redoes their side
// effects (an image queued for copying), so a hit is exactly a render.

import (
	"encoding/binary"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/shiplog/shiplog/internal/buildcache"
	"github.com/shiplog/shiplog/internal/diag"
	"github.com/shiplog/shiplog/internal/markdown"
)

// entryCacheFormat changes whenever the encoding below does.
const entryCacheFormat = "entry 2"

// question is one call the renderer made to Doc.Image or Doc.Link.
type question struct {
	image  bool
	dest   string
	url    string
	w, h   int
	srcset string // an image's variants, whose names change with its content
	errMsg string // "" when the call succeeded
}

// renderMarkdown renders d, through the cache when the build has one. It
// returns the result's identity as well (the SHA-256 of its encoding;
// zero without a cache), for fingerprints.
func (b *builder) renderMarkdown(d markdown.Doc) (res *markdown.Result, k, sum buildcache.Key, err error) {
	k = buildcache.NewHasher().String(entryCacheFormat).String(b.mdSettings).
		String(d.Path).Int(int64(d.Line)).Bytes(d.Source).Key()
	if data, sum, ok := b.cache.Lookup(k); ok {
		if res, qs, err := decodeRendered(data); err == nil && replay(d, qs) {
			return res, k, sum, nil
		}
	}
	var qs []question
	rec := d
	if d.Image != nil {
		rec.Image = func(dest string) (markdown.ImageInfo, error) {
			info, err := d.Image(dest)
			qs = append(qs, question{image: true, dest: dest, url: info.URL, w: info.Width, h: info.Height, srcset: info.SrcSet, errMsg: errString(err)})
			return info, err
		}
	}
	if d.Link != nil {
		rec.Link = func(dest string) (string, error) {
			u, err := d.Link(dest)
			qs = append(qs, question{dest: dest, url: u, errMsg: errString(err)})
			return u, err
		}
	}
	res, err = b.md.Render(rec)
	if err != nil {
		return nil, k, sum, err
	}
	if b.cache != nil {
		// A cache that cannot be written only makes the next build slower.
		var perr error
		// Encoded into scratch: the cache copies it (a buffer made for
		// each render was 9 MB of a cold 1k build's garbage).
		buf := getScratch()
		*buf = appendRendered((*buf)[:0], res, qs)
		if sum, perr = b.cache.Store(k, *buf); perr != nil {
			sum = buildcache.Key{} // not in the cache: nothing may count on it
		}
		putScratch(buf)
	}
	return res, k, sum, nil
}

// replay asks d's questions again and reports whether every answer is
// the one recorded.
func replay(d markdown.Doc, qs []question) bool {
	for _, q := range qs {
		if q.image {
			if d.Image == nil {
				return false
			}
			info, err := d.Image(q.dest)
			if info.URL != q.url || info.Width != q.w || info.Height != q.h || info.SrcSet != q.srcset || errString(err) != q.errMsg {
				return false
			}
			continue
		}
		if d.Link == nil {
			return false
		}
		u, err := d.Link(q.dest)
		if u != q.url || errString(err) != q.errMsg {
			return false
		}
	}
	return true
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	if s := err.Error(); s != "" {
		return s
	}
	return "error"
}

// The encoding: a sequence of uvarint-length-prefixed fields.

type encoder struct{ buf []byte }

func (e *encoder) bytes(p []byte) {
	e.buf = binary.AppendUvarint(e.buf, uint64(len(p)))
	e.buf = append(e.buf, p...)
}
func (e *encoder) str(s string) {
	e.buf = binary.AppendUvarint(e.buf, uint64(len(s)))
	e.buf = append(e.buf, s...)
}
func (e *encoder) int(i int) { e.buf = binary.AppendVarint(e.buf, int64(i)) }

type decoder struct {
	buf []byte
	err error
}

var errCorrupt = errors.New("corrupt cache value")

func (d *decoder) bytes() []byte {
	n, w := binary.Uvarint(d.buf)
	if w <= 0 || uint64(len(d.buf)-w) < n {
		d.err, d.buf = errCorrupt, nil
		return nil
	}
	p := d.buf[w : w+int(n) : w+int(n)]
	d.buf = d.buf[w+int(n):]
	return p
}
func (d *decoder) str() string { return string(d.bytes()) }
func (d *decoder) int() int {
	i, w := binary.Varint(d.buf)
	if w <= 0 {
		d.err, d.buf = errCorrupt, nil
		return 0
	}
	d.buf = d.buf[w:]
	return int(i)
}

// renderedHTML returns the body of a value appendRendered made, without
// decoding the rest.
func renderedHTML(data []byte) ([]byte, error) {
	d := &decoder{buf: data}
	html := d.bytes()
	return html, d.err
}

// appendRendered appends r and the questions asked while rendering it,
// encoded for the cache, to buf.
func appendRendered(buf []byte, r *markdown.Result, qs []question) []byte {
	e := &encoder{buf: slices.Grow(buf, len(r.HTML)+len(r.LessonHTML)+1024)}
	e.str(r.HTML)
	e.bytes(r.LessonHTML)
	e.str(r.LessonText)
	e.int(r.Words)
	e.int(len(r.Headings))
	for _, h := range r.Headings {
		e.int(h.Level)
		e.str(h.ID)
		e.str(h.Text)
	}
	e.int(len(r.ErrorBlocks))
	for _, s := range r.ErrorBlocks {
		e.str(s)
	}
	e.int(len(r.Problems))
	for _, p := range r.Problems {
		e.str(p.Path)
		e.int(p.Line)
		e.int(p.Col)
		e.int(int(p.Severity))
		e.str(p.Msg)
		e.str(p.Hint)
	}
	e.int(len(r.Images))
	for _, im := range r.Images {
		e.str(im.Dest)
		e.int(im.Line)
		e.int(im.Col)
	}
	e.int(len(qs))
	for _, q := range qs {
		kind := "link"
		if q.image {
			kind = "image"
		}
		e.str(kind)
		e.str(q.dest)
		e.str(q.url)
		e.int(q.w)
		e.int(q.h)
		e.str(q.srcset)
		e.str(q.errMsg)
	}
	return e.buf
}

func decodeRendered(data []byte) (*markdown.Result, []question, error) {
	d := &decoder{buf: data}
	r := &markdown.Result{}
	r.HTML = d.str()
	r.LessonHTML = d.bytes()
	if len(r.LessonHTML) == 0 {
		r.LessonHTML = nil
	}
	r.LessonText = d.str()
	r.Words = d.int()
	count := func() int {
		n := d.int()
		if n < 0 || n > len(d.buf) {
			d.err, d.buf = errCorrupt, nil
			return 0
		}
		return n
	}
	for range count() {
		r.Headings = append(r.Headings, markdown.Heading{Level: d.int(), ID: d.str(), Text: d.str()})
	}
	for range count() {
		r.ErrorBlocks = append(r.ErrorBlocks, d.str())
	}
	for range count() {
		r.Problems = append(r.Problems, diag.Problem{Path: d.str(), Line: d.int(), Col: d.int(), Severity: diag.Severity(d.int()), Msg: d.str(), Hint: d.str()})
	}
	for range count() {
		r.Images = append(r.Images, markdown.ImageRef{Dest: d.str(), Line: d.int(), Col: d.int()})
	}
	var qs []question
	for range count() {
		q := question{image: d.str() == "image", dest: d.str(), url: d.str(), w: d.int(), h: d.int(), srcset: d.str(), errMsg: d.str()}
		qs = append(qs, q)
	}
	if d.err == nil && len(d.buf) != 0 {
		d.err = errCorrupt
	}
	return r, qs, d.err
}

// markdownSettings identifies the renderer's configuration and the
// program, the inputs of every render besides the document.
func markdownSettings(o markdown.Options, siteRoot string) string {
	ids := slices.Clone(o.ReservedIDs)
	slices.Sort(ids)
	return strings.Join([]string{
		buildcache.ProgramID(),
		strconv.FormatBool(o.Unsafe),
		strings.Join(o.ErrorLangs, ","),
		strings.Join(ids, ","),
		siteRoot,
	}, "\x00")
}
