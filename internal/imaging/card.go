package imaging

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Card is what an entry's Open Graph card shows: the picture a link to
// the entry gets when it is shared.
type Card struct {
	Site      string // the log's title, at the foot
	Title     string
	Kind      string // "broke", "built", "decision", "note": the badge's colour
	KindLabel string // the badge's text
	Date      string // as people read it: "14 March 2026"
	Project   string
	Lesson    string
	// Hero is the entry's picture, of which a slice fills the right
	// side; nil for none.
	Hero image.Image
	// HeroID identifies the hero's content in the cache key (its hash);
	// "" when there is no hero.
	HeroID string
}

// Card size, as Open Graph and Twitter's large card want it.
const (
	CardWidth  = 1200
	CardHeight = 630
)

// cardVersion changes whenever Render draws differently.
const cardVersion = "card-v2"

// Key is the card's cache key: it covers every input that shows.
func (c Card) Key() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%q\n%q\n%q\n%q\n%q\n%q\n%q\n%q\n", cardVersion, c.Site, c.Title, c.Kind, c.KindLabel, c.Date, c.Project, c.Lesson, c.HeroID)
	return hex.EncodeToString(h.Sum(nil))
}

var kindColours = map[string]color.RGBA{
	"broke":    {0xb4, 0x23, 0x18, 0xff},
	"built":    {0x1a, 0x7f, 0x37, 0xff},
	"decision": {0x66, 0x39, 0xba, 0xff},
	"note":     {0x57, 0x60, 0x6a, 0xff},
}

var (
	cardBG     = color.RGBA{0xfb, 0xfa, 0xf7, 0xff}
	cardFG     = color.RGBA{0x1f, 0x23, 0x28, 0xff}
	cardSoft   = color.RGBA{0x57, 0x60, 0x6a, 0xff}
	cardAccent = color.RGBA{0x0b, 0x5c, 0xad, 0xff}
	cardRule   = color.RGBA{0xe3, 0xe0, 0xd8, 0xff}
)

type fonts struct {
	regular, bold, italic *opentype.Font
}

var loadFonts = sync.OnceValues(func() (*fonts, error) {
	var f fonts
	var err error
	for _, x := range []struct {
		dst **opentype.Font
		ttf []byte
	}{{&f.regular, goregular.TTF}, {&f.bold, gobold.TTF}, {&f.italic, goitalic.TTF}} {
		if *x.dst, err = opentype.Parse(x.ttf); err != nil {
			return nil, err
		}
	}
	return &f, nil
})

// face returns a new face: faces hold caches and are not safe for
// concurrent use, and cards are drawn in parallel.
func face(f *opentype.Font, size float64) (font.Face, error) {
	ff, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		return nil, err
	}
	return steppedFace{ff}, nil
}

// steppedFace rounds its glyphs' coverage to 17 steps (0, 1/16, …, 1).
// The eye does not tell 17 steps of anti-aliasing from 256 at these
// sizes, but the encoder does: a card without a hero then has a few dozen
// colours and is written as a paletted PNG, a third of the bytes to
// compress and no row filters to try (see encodeCard).
type steppedFace struct{ font.Face }

func (f steppedFace) Glyph(dot fixed.Point26_6, r rune) (image.Rectangle, image.Image, image.Point, fixed.Int26_6, bool) {
	dr, mask, mp, adv, ok := f.Face.Glyph(dot, r)
	// The mask is the face's own buffer, drawn again for every glyph.
	if a, isAlpha := mask.(*image.Alpha); ok && isAlpha {
		for y := mp.Y; y < mp.Y+dr.Dy(); y++ {
			row := a.Pix[a.PixOffset(mp.X, y):][:dr.Dx()]
			for i, v := range row {
				row[i] = stepped[v]
			}
		}
	}
	return dr, mask, mp, adv, ok
}

// stepped maps a coverage to the nearest of 17 steps.
var stepped = func() (t [256]uint8) {
	for v := range t {
		t[v] = uint8((v*16 + 127) / 255 * 255 / 16)
	}
	return t
}()

// Render draws the card as a 1200×630 PNG. The same card gives the same
// bytes on every machine and at any parallelism: the fonts are embedded
// (the Go fonts), drawing is integer and sequential, and PNG encoding is
// deterministic.
func (c Card) Render() ([]byte, error) {
	fs, err := loadFonts()
	if err != nil {
		return nil, err
	}
	img := canvases.Get().(*image.RGBA)
	defer canvases.Put(img)
	fill(img, img.Bounds(), cardBG)
	kc, ok := kindColours[c.Kind]
	if !ok {
		kc = kindColours["note"]
	}
	fill(img, image.Rect(0, 0, 16, CardHeight), kc)

	const pad = 72
	right := CardWidth - pad
	if c.Hero != nil {
		slice := image.Rect(CardWidth-400, 0, CardWidth, CardHeight)
		cover(img, slice, c.Hero)
		fill(img, image.Rect(slice.Min.X-4, 0, slice.Min.X, CardHeight), kc)
		right = slice.Min.X - 56
	}
	width := right - pad

	// The badge, then the date and project.
	small, err := face(fs.bold, 24)
	if err != nil {
		return nil, err
	}
	meta, err := face(fs.regular, 26)
	if err != nil {
		return nil, err
	}
	y := pad + 8
	x := pad
	if label := strings.ToUpper(c.KindLabel); label != "" {
		tw := font.MeasureString(small, label).Ceil()
		fill(img, image.Rect(x, y, x+tw+28, y+42), kc)
		text(img, small, color.White, x+14, y+30, label)
		x += tw + 28 + 20
	}
	var parts []string
	for _, p := range []string{c.Date, c.Project} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	text(img, meta, cardSoft, x, y+31, ellipsis(meta, strings.Join(parts, " · "), right-x))
	y += 42 + 56

	// The title: the largest size at which it fits three lines, then
	// ellipsised at the smallest.
	var title []string
	var tf font.Face
	var lineH int
	for _, size := range []float64{64, 56, 48} {
		if tf, err = face(fs.bold, size); err != nil {
			return nil, err
		}
		lineH = int(size * 1.18)
		title = wrap(tf, c.Title, width, 3)
		if !strings.HasSuffix(title[len(title)-1], "…") {
			break
		}
	}
	for _, l := range title {
		y += lineH
		text(img, tf, cardFG, pad, y-lineH/5, l)
	}

	// The lesson, two lines at most.
	if c.Lesson != "" {
		lf, err := face(fs.italic, 28)
		if err != nil {
			return nil, err
		}
		y += 28
		fill(img, image.Rect(pad, y, pad+width, y+2), cardRule)
		y += 12
		lesson := []rune(c.Lesson)
		lesson[0] = unicode.ToUpper(lesson[0])
		for _, l := range wrap(lf, string(lesson), width, 2) {
			y += 38
			text(img, lf, cardSoft, pad, y, l)
		}
	}

	// The site's name at the foot.
	sf, err := face(fs.bold, 28)
	if err != nil {
		return nil, err
	}
	text(img, sf, cardAccent, pad, CardHeight-pad+8, ellipsis(sf, c.Site, width))

	return encodeCard(img)
}

// canvases keeps cards' pixel buffers between cards: a fresh 3 MB
// buffer costs more to fault in and collect than to draw on.
var canvases = sync.Pool{New: func() any { return image.NewRGBA(image.Rect(0, 0, CardWidth, CardHeight)) }}

// encodeCard writes img as a PNG: paletted when it has at most 256 colours
// (every card without a hero), truecolour otherwise, at the fastest
// compression either way. Measured on a card without a hero
// (BenchmarkCardRender): the default truecolour encoding took 36 ms and
// made 77 KB; paletted at BestSpeed, a few ms for about the same size.
// The palette lists colours in the order the rows meet them, so the same
// card gives the same bytes.
func encodeCard(img *image.RGBA) ([]byte, error) {
	enc := png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: encoders{}}
	var buf bytes.Buffer
	out := image.Image(img)
	p := indexes.Get().(*image.Paletted)
	defer indexes.Put(p)
	if toPaletted(p, img) {
		out = p
	}
	if err := enc.Encode(&buf, out); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

var (
	indexes = sync.Pool{New: func() any {
		return image.NewPaletted(image.Rect(0, 0, CardWidth, CardHeight), nil)
	}}
	pngBuffers sync.Pool
)

// encoders keeps the PNG encoder's compressor between cards.
type encoders struct{}

func (encoders) Get() *png.EncoderBuffer {
	b, _ := pngBuffers.Get().(*png.EncoderBuffer)
	return b
}

func (encoders) Put(b *png.EncoderBuffer) { pngBuffers.Put(b) }

// toPaletted makes p, of img's size, img with exactly its colours, and
// reports false when img has more than 256.
func toPaletted(p *image.Paletted, img *image.RGBA) bool {
	b := img.Bounds()
	p.Palette = p.Palette[:0]
	index := map[uint32]uint8{}
	last, lastIdx := uint32(0), uint8(0)
	haveLast := false
	var prev []uint8
	for y := b.Min.Y; y < b.Max.Y; y++ {
		src := img.Pix[img.PixOffset(b.Min.X, y):][:4*b.Dx()]
		dst := p.Pix[(y-b.Min.Y)*p.Stride:][:b.Dx()]
		if y > b.Min.Y && bytes.Equal(src, prev) { // most rows of a card
			copy(dst, p.Pix[(y-1-b.Min.Y)*p.Stride:][:b.Dx()])
			continue
		}
		prev = src
		for x := range dst {
			s := src[4*x : 4*x+4 : 4*x+4]
			c := uint32(s[0])<<24 | uint32(s[1])<<16 | uint32(s[2])<<8 | uint32(s[3])
			if haveLast && c == last {
				dst[x] = lastIdx
				continue
			}
			i, ok := index[c]
			if !ok {
				if len(p.Palette) == 256 {
					return false
				}
				i = uint8(len(p.Palette))
				index[c] = i
				p.Palette = append(p.Palette, color.RGBA{s[0], s[1], s[2], s[3]})
			}
			dst[x], last, lastIdx, haveLast = i, c, i, true
		}
	}
	return true
}

func fill(img *image.RGBA, r image.Rectangle, c color.Color) {
	draw.Draw(img, r, image.NewUniform(c), image.Point{}, draw.Src)
}

// cover fills r with the middle of src, scaled to cover it.
func cover(dst *image.RGBA, r image.Rectangle, src image.Image) {
	sb := src.Bounds()
	sw, sh := sb.Dx(), sb.Dy()
	if sw == 0 || sh == 0 {
		return
	}
	// The largest part of src with r's aspect ratio, centred.
	cw, ch := sw, sw*r.Dy()/r.Dx()
	if ch > sh {
		cw, ch = sh*r.Dx()/r.Dy(), sh
	}
	x0, y0 := sb.Min.X+(sw-cw)/2, sb.Min.Y+(sh-ch)/2
	draw.CatmullRom.Scale(dst, r, src, image.Rect(x0, y0, x0+cw, y0+ch), draw.Src, nil)
}

func text(img *image.RGBA, f font.Face, c color.Color, x, y int, s string) {
	d := &font.Drawer{Dst: img, Src: image.NewUniform(c), Face: f, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

// wrap breaks s into at most n lines no wider than width, ending the
// last with an ellipsis when s does not fit. A word wider than a line is
// broken where it must.
func wrap(f font.Face, s string, width, n int) []string {
	words := strings.FieldsFunc(s, unicode.IsSpace)
	var lines []string
	line := ""
	fits := func(t string) bool { return font.MeasureString(f, t).Ceil() <= width }
	for i := 0; i < len(words); i++ {
		w := words[i]
		try := w
		if line != "" {
			try = line + " " + w
		}
		if fits(try) {
			line = try
			continue
		}
		if line == "" { // one word wider than the line: cut it
			r := []rune(w)
			k := len(r)
			for k > 1 && !fits(string(r[:k])) {
				k--
			}
			lines = append(lines, string(r[:k]))
			words[i] = string(r[k:])
			i--
		} else {
			lines = append(lines, line)
			line = ""
			i--
		}
		if len(lines) == n {
			last := lines[n-1]
			rest := strings.Join(words[i+1:], " ")
			lines[n-1] = ellipsis(f, last+" "+rest, width)
			return lines
		}
	}
	if line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	if len(lines) > n {
		lines = lines[:n]
	}
	return lines
}

// ellipsis shortens s with "…" until it fits width.
func ellipsis(f font.Face, s string, width int) string {
	if font.MeasureString(f, s).Ceil() <= width {
		return s
	}
	r := []rune(strings.TrimSpace(s))
	for len(r) > 0 {
		r = r[:len(r)-1]
		t := strings.TrimRightFunc(string(r), func(c rune) bool { return unicode.IsSpace(c) || unicode.IsPunct(c) }) + "…"
		if font.MeasureString(f, t).Ceil() <= width {
			return t
		}
	}
	return "…"
}
