package imaging

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
)

// Settings say which variants to make.
type Settings struct {
	Widths  []int // variant widths in pixels; DefaultWidths when empty
	Quality int   // lossy WebP and JPEG quality, 1–100; DefaultQuality when 0
}

// Defaults for Settings.
var DefaultWidths = []int{480, 960, 1600}

const DefaultQuality = 80

func (s Settings) widths() []int {
	w := slices.Clone(s.Widths)
	if len(w) == 0 {
		w = slices.Clone(DefaultWidths)
	}
	slices.Sort(w)
	return slices.Compact(w)
}

func (s Settings) quality() int {
	if s.Quality <= 0 || s.Quality > 100 {
		return DefaultQuality
	}
	return s.Quality
}

// Spec is one file to make from a source image.
type Spec struct {
	Width, Height int
	Format        string // WebP, JPEG or PNG
	Lossless      bool   // lossless WebP, for drawings and screenshots
	Quality       int    // for lossy formats
}

// String is the spec's part of a cache key, and readable in a listing.
func (s Spec) String() string {
	mode := fmt.Sprintf("q%d", s.Quality)
	if s.Lossless || s.Format == PNG {
		mode = "lossless"
	}
	return fmt.Sprintf("%dx%d.%s.%s", s.Width, s.Height, mode, s.Format)
}

// Ext is the file extension of what the spec makes.
func (s Spec) Ext() string { return "." + extOf(s.Format) }

// Plan is what to publish for one source image.
type Plan struct {
	// Variants are WebP files, narrowest first, for a <source srcset>.
	// None for an image published as it is.
	Variants []Spec
	// Fallback is what <img src> shows when it is made; when Original is
	// true the source file itself is the fallback (stripped of metadata).
	Fallback Spec
	Original bool
}

// All returns every spec Make has to make for the plan.
func (p Plan) All() []Spec {
	all := slices.Clone(p.Variants)
	if !p.Original {
		all = append(all, p.Fallback)
	}
	return all
}

// PlanFor says what to make of an image. Variants are never wider than
// the image: an image narrower than a configured width gets a variant at
// its own width instead, and a configured width within a tenth of the
// image's width is left out in favour of the image's own width.
func PlanFor(info Info, s Settings) Plan {
	if info.Passthrough() {
		return Plan{Original: true, Fallback: Spec{Width: info.Width, Height: info.Height, Format: info.Format}}
	}
	widths := s.widths()
	largest := widths[len(widths)-1]
	var picked []int
	for _, w := range widths {
		if w*10 < info.Width*9 {
			picked = append(picked, w)
		}
	}
	if top := min(info.Width, largest); !slices.Contains(picked, top) {
		picked = append(picked, top)
	}
	slices.Sort(picked)
	q := s.quality()
	// A drawing or screenshot with a palette stays sharp and small as
	// lossless WebP at its own size; scaled, it gains the in-between
	// colours of smoothing, and lossy WebP is several times smaller.
	lossless := info.Paletted
	var p Plan
	for _, w := range picked {
		p.Variants = append(p.Variants, Spec{Width: w, Height: heightFor(info, w), Format: WebP, Lossless: lossless && w == info.Width, Quality: q})
	}
	top := picked[len(picked)-1]
	switch {
	case info.Width <= largest:
		p.Original = true
		p.Fallback = Spec{Width: info.Width, Height: info.Height, Format: info.Format}
	case info.Format == GIF:
		p.Fallback = Spec{Width: top, Height: heightFor(info, top), Format: PNG}
	default:
		p.Fallback = Spec{Width: top, Height: heightFor(info, top), Format: info.Format, Quality: q}
	}
	return p
}

func heightFor(info Info, w int) int {
	return max(1, int((int64(info.Height)*int64(w)*2+int64(info.Width))/(2*int64(info.Width))))
}

// Key returns the cache key of what spec makes of a source whose content
// hashes to src: it changes with the source, the spec and the encoder.
func Key(src [32]byte, spec Spec) string {
	h := sha256.New()
	fmt.Fprintf(h, "shiplog-imaging %s\n%x\n%s\n", encoderID(), src, spec)
	return hex.EncodeToString(h.Sum(nil))
}
