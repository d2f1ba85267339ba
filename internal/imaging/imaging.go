// Package imaging checks, strips, resizes and encodes the images of a log,
// caches what it makes, and draws the Open Graph card of an entry. It
// knows nothing of sites or entries: it takes bytes and settings and
// gives bytes back.
//
// # What happens to an image
//
// Inspect reads only what it needs to decide: the file's real format
// (by its first bytes, so a PNG named .jpg is caught), its size from the
// header (so a 73-byte PNG that claims 60000×60000 pixels is refused
// before anything is decoded), whether it is animated, and its EXIF
// orientation. Plan then says what to publish:
//
//	JPEG, PNG, static GIF, WebP   WebP variants at the configured widths
//	                              that are narrower than the image (never
//	                              wider), plus a fallback in the original
//	                              format no wider than the widest variant
//	SVG (script-free), AVIF,      published as they are, with no variants
//	animated GIF or WebP
//
// Make decodes a picture once, turns it upright by its orientation and
// encodes every variant; variants carry no metadata at all. Strip removes
// the metadata from a file published as it is. Cache keeps what Make
// made under a key of the source's content and the settings, checking
// each entry's checksum when it is read.
package imaging

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"path"
	"strings"

	xwebp "golang.org/x/image/webp"
)

// Formats, as Info.Format names them.
const (
	JPEG = "jpeg"
	PNG  = "png"
	GIF  = "gif"
	WebP = "webp"
	SVG  = "svg"
	AVIF = "avif"
)

// Limits bound what Inspect accepts. Both are checked before any pixel is
// decoded.
type Limits struct {
	MaxBytes  int64 // the file's size
	MaxPixels int64 // width × height as the header claims it
}

// DefaultLimits are the contract's: 50 MiB and 50 megapixels.
var DefaultLimits = Limits{MaxBytes: 50 << 20, MaxPixels: 50_000_000}

// LimitError is a file over one of the Limits.
type LimitError struct {
	What  string // "MiB" or "megapixel"
	Got   string // "60000×60000 pixels", "73 MiB"
	Limit int64  // in the unit of What
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("is %s, over the %d %s limit for images", e.Got, e.Limit, e.What)
}

// Info is what Inspect learns about an image.
type Info struct {
	Format        string
	Width, Height int  // as shown, with the EXIF orientation applied; 0 for AVIF
	Orientation   int  // EXIF orientation, 1–8
	Animated      bool // a GIF or WebP with more than one frame
	Paletted      bool // a PNG or GIF with a colour palette: a drawing or screenshot
}

// Passthrough reports whether the image is published as it is, without
// variants.
func (i Info) Passthrough() bool {
	return i.Format == SVG || i.Format == AVIF || i.Animated || i.Width == 0 || i.Height == 0
}

// FormatOf returns the format a file name's extension promises, or "".
func FormatOf(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".jpg", ".jpeg":
		return JPEG
	case ".png":
		return PNG
	case ".gif":
		return GIF
	case ".webp":
		return WebP
	case ".svg":
		return SVG
	case ".avif":
		return AVIF
	}
	return ""
}

// Extensions lists the file extensions of images, for messages.
const Extensions = ".png, .jpg, .jpeg, .gif, .webp, .avif or .svg"

// sniff names the format data holds by its first bytes, or "".
func sniff(data []byte) string {
	switch {
	case len(data) >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF:
		return JPEG
	case bytes.HasPrefix(data, []byte(pngSig)):
		return PNG
	case bytes.HasPrefix(data, []byte("GIF87a")) || bytes.HasPrefix(data, []byte("GIF89a")):
		return GIF
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return WebP
	case len(data) >= 12 && string(data[4:8]) == "ftyp" && (string(data[8:12]) == "avif" || string(data[8:12]) == "avis"):
		return AVIF
	}
	return ""
}

// ErrNotImage is returned for a file whose extension is not an image's.
var ErrNotImage = errors.New("not an image (images are " + Extensions + " files)")

// Inspect checks the image data, read from a file called name, against
// lim and returns what it is. Only headers are read: a file whose pixel
// data is damaged passes here and fails in Make.
func Inspect(name string, data []byte, lim Limits) (Info, error) {
	want := FormatOf(name)
	if want == "" {
		return Info{}, ErrNotImage
	}
	if lim.MaxBytes > 0 && int64(len(data)) > lim.MaxBytes {
		return Info{}, &LimitError{What: "MiB", Got: fmt.Sprintf("%d MiB", len(data)>>20), Limit: lim.MaxBytes >> 20}
	}
	got := sniff(data)
	if got != want && got != "" {
		return Info{}, fmt.Errorf("is named %s but holds %s data (rename it to .%s)", path.Ext(name), strings.ToUpper(got), extOf(got))
	}
	info := Info{Format: want, Orientation: 1}
	switch want {
	case SVG:
		w, h, err := svgSize(data)
		info.Width, info.Height = w, h
		return info, err
	case AVIF:
		if got != AVIF {
			return Info{}, errors.New("is not a readable AVIF")
		}
		return info, nil // not a format shiplog decodes; published as it is
	}
	if got == "" {
		return Info{}, fmt.Errorf("is not a readable %s image", strings.ToUpper(want))
	}
	var cfg image.Config
	var err error
	r := bytes.NewReader(data)
	switch want {
	case JPEG:
		cfg, err = jpeg.DecodeConfig(r)
	case PNG:
		cfg, err = png.DecodeConfig(r)
	case GIF:
		cfg, err = gif.DecodeConfig(r)
		if err == nil {
			var frames int
			frames, err = gifFrames(data)
			info.Animated = frames > 1
		}
	case WebP:
		if w, h, anim, ok := webpCanvas(data); ok && anim {
			cfg.Width, cfg.Height, info.Animated = w, h, true
		} else {
			cfg, err = xwebp.DecodeConfig(r)
		}
	}
	if err != nil {
		return Info{}, fmt.Errorf("is not a readable %s image: %v", strings.ToUpper(want), err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return Info{}, fmt.Errorf("claims %d×%d pixels, which is no picture", cfg.Width, cfg.Height)
	}
	if lim.MaxPixels > 0 && int64(cfg.Width)*int64(cfg.Height) > lim.MaxPixels {
		return Info{}, &LimitError{What: "megapixel", Got: fmt.Sprintf("%d×%d pixels", cfg.Width, cfg.Height), Limit: lim.MaxPixels / 1_000_000}
	}
	_, info.Paletted = cfg.ColorModel.(color.Palette)
	info.Width, info.Height = cfg.Width, cfg.Height
	info.Orientation = orientation(want, data)
	if info.Orientation >= 5 {
		info.Width, info.Height = cfg.Height, cfg.Width
	}
	return info, nil
}

func extOf(format string) string {
	if format == JPEG {
		return "jpg"
	}
	return format
}

// gifFrames counts the frames of a GIF by walking its blocks, without
// decoding any. A file that ends early is an error.
func gifFrames(data []byte) (int, error) {
	errBad := errors.New("the GIF ends early or is damaged")
	if len(data) < 13 {
		return 0, errBad
	}
	i := 13
	if flags := data[10]; flags&0x80 != 0 {
		i += 3 << ((flags & 7) + 1)
	}
	subBlocks := func() bool {
		for {
			if i >= len(data) {
				return false
			}
			n := int(data[i])
			i += 1 + n
			if n == 0 {
				return true
			}
		}
	}
	frames := 0
	for i < len(data) {
		switch data[i] {
		case 0x3B: // trailer
			return frames, nil
		case 0x21: // extension: label, then data sub-blocks
			i += 2
			if !subBlocks() {
				return 0, errBad
			}
		case 0x2C: // image descriptor
			if i+10 > len(data) {
				return 0, errBad
			}
			flags := data[i+9]
			i += 10
			if flags&0x80 != 0 {
				i += 3 << ((flags & 7) + 1)
			}
			i++ // LZW minimum code size
			if !subBlocks() {
				return 0, errBad
			}
			frames++
		default:
			return 0, errBad
		}
	}
	// Many encoders leave out the trailer; browsers show such files.
	if frames == 0 {
		return 0, errBad
	}
	return frames, nil
}

// webpCanvas reads the canvas size and animation flag of an extended
// (VP8X) WebP.
func webpCanvas(data []byte) (w, h int, animated, ok bool) {
	if len(data) < 30 || string(data[12:16]) != "VP8X" {
		return 0, 0, false, false
	}
	b := data[20:30]
	w = 1 + (int(b[4]) | int(b[5])<<8 | int(b[6])<<16)
	h = 1 + (int(b[7]) | int(b[8])<<8 | int(b[9])<<16)
	return w, h, b[0]&0x02 != 0, true
}
