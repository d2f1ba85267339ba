package imaging

import (
	"bytes"
	"cmp"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"slices"

	"github.com/gen2brain/webp"
	"golang.org/x/image/draw"
	xwebp "golang.org/x/image/webp"
)

// The encoder, chosen by measurement (see docs/images.md):
//
//   - resizing with a Catmull-Rom cubic in 8-bit fixed point (resample,
//     the kernel of golang.org/x/image/draw's CatmullRom at a third of its
//     time), each width scaled from the next wider one (a cascade:
//     2400→1600→960→480 costs far less than scaling each from the
//     original);
//   - WebP with github.com/gen2brain/webp, which runs libwebp compiled to
//     WebAssembly under wazero: pure Go, no cgo. Method 2 of libwebp's
//     0–6 speed/size scale: at the same quality setting it gives the same
//     fidelity as method 4 for about half the time, at a few per cent
//     more bytes;
//   - JPEG and PNG fallbacks with the standard library.
const webpMethod = 2

// encoderID names everything that decides the bytes Make writes; it is
// part of every cache key, so changing any of it remakes the variants.
func encoderID() string {
	lib := "wasm"
	if webp.Dynamic() == nil {
		lib = "system" // gen2brain/webp found a libwebp.so and uses it instead
	}
	return fmt.Sprintf("v1 webp-0.5.5-%s-m%d resample-catmullrom-1-cascade jpeg-std png-std", lib, webpMethod)
}

// Decode decodes data, an image in info.Format, and turns it upright by
// its EXIF orientation. A damaged file is an error, never a panic.
func Decode(data []byte, info Info) (img *image.RGBA, err error) {
	defer func() {
		if r := recover(); r != nil {
			img, err = nil, fmt.Errorf("cannot decode it: %v", r)
		}
	}()
	var m image.Image
	r := bytes.NewReader(data)
	switch info.Format {
	case JPEG:
		m, err = jpeg.Decode(r)
	case PNG:
		m, err = png.Decode(r)
	case GIF:
		m, err = gif.Decode(r)
	case WebP:
		m, err = xwebp.Decode(r)
	default:
		return nil, fmt.Errorf("shiplog does not decode %s images", info.Format)
	}
	if err != nil {
		return nil, err
	}
	b := m.Bounds()
	rgba := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(rgba, rgba.Bounds(), m, b.Min, draw.Src)
	return orient(rgba, info.Orientation), nil
}

// Make decodes data once and returns the bytes of each spec, in order;
// with want, only of the specs where want is true (the others are nil).
// The specs must be a whole plan's (Plan.All), wanted or not: each width
// is scaled from the next wider one among them, so what a spec makes
// does not depend on which others are made with it.
func Make(data []byte, info Info, specs []Spec, want []bool) ([][]byte, error) {
	if info.Passthrough() {
		return nil, fmt.Errorf("%s images are published as they are", info.Format)
	}
	img, err := Decode(data, info)
	if err != nil {
		return nil, err
	}
	return Encode(img, specs, want)
}

// Encode scales img to each spec and encodes those wanted (all when want
// is nil). Sizes are made widest first, each from the next wider one.
func Encode(img *image.RGBA, specs []Spec, want []bool) ([][]byte, error) {
	order := make([]int, len(specs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(specs[b].Width, specs[a].Width), cmp.Compare(specs[b].Height, specs[a].Height))
	})
	// The widest size still to be encoded: narrower ones are not scaled
	// past it needlessly.
	last := -1
	for k, i := range order {
		if want == nil || want[i] {
			last = k
		}
	}
	out := make([][]byte, len(specs))
	source := img
	for _, i := range order[:last+1] {
		s := specs[i]
		source = scale(source, s.Width, s.Height)
		if want != nil && !want[i] {
			continue
		}
		data, err := encode(source, s)
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", s, err)
		}
		out[i] = data
	}
	return out, nil
}

// scale returns src scaled to w×h (src itself when it has that size).
func scale(src *image.RGBA, w, h int) *image.RGBA {
	if src.Bounds().Dx() == w && src.Bounds().Dy() == h {
		return src
	}
	return resample(src, w, h)
}

func encode(m *image.RGBA, s Spec) ([]byte, error) { return encodeWith(m, s, webpMethod) }

func encodeWith(m *image.RGBA, s Spec, method int) (data []byte, err error) {
	var buf bytes.Buffer
	switch s.Format {
	case WebP:
		defer func() {
			if r := recover(); r != nil { // the WebAssembly runtime failed to start
				err = fmt.Errorf("WebP encoder: %v", r)
			}
		}()
		var src image.Image = m
		if !m.Opaque() {
			src = nrgba(m) // libwebp takes colours without premultiplied alpha
		}
		q := s.Quality
		if s.Lossless {
			q = 100
		}
		err = webp.Encode(&buf, src, webp.Options{Quality: q, Lossless: s.Lossless, Method: method, Exact: false})
	case JPEG:
		err = jpeg.Encode(&buf, m, &jpeg.Options{Quality: s.Quality})
	case PNG:
		err = png.Encode(&buf, m)
	default:
		err = fmt.Errorf("cannot encode %s", s.Format)
	}
	return buf.Bytes(), err
}

func nrgba(m *image.RGBA) *image.NRGBA {
	n := image.NewNRGBA(m.Bounds())
	draw.Draw(n, n.Bounds(), m, m.Bounds().Min, draw.Src)
	return n
}

// orient returns m turned by an EXIF orientation (1–8) so that it shows
// upright without the tag.
func orient(m *image.RGBA, o int) *image.RGBA {
	if o <= 1 || o > 8 {
		return m
	}
	w, h := m.Bounds().Dx(), m.Bounds().Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := range dh {
		for x := range dw {
			var sx, sy int
			switch o {
			case 2: // mirrored
				sx, sy = w-1-x, y
			case 3: // turned 180°
				sx, sy = w-1-x, h-1-y
			case 4: // mirrored vertically
				sx, sy = x, h-1-y
			case 5: // mirrored along the main diagonal
				sx, sy = y, x
			case 6: // stored turned 90° anticlockwise: turn it clockwise
				sx, sy = y, h-1-x
			case 7: // mirrored along the other diagonal
				sx, sy = w-1-y, h-1-x
			case 8: // stored turned 90° clockwise: turn it back
				sx, sy = w-1-y, x
			}
			si, di := sy*m.Stride+sx*4, y*dst.Stride+x*4
			copy(dst.Pix[di:di+4], m.Pix[si:si+4])
		}
	}
	return dst
}
