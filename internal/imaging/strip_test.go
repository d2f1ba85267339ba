package imaging

import (
	"bytes"
	"encoding/binary"
	"image/jpeg"
	"image/png"
	"testing"

	xwebp "golang.org/x/image/webp"

	"github.com/shiplog/shiplog/internal/imaging/imagingtest"
)

func TestStripJPEG(t *testing.T) {
	photo := imagingtest.PhotoWithGPS(12, 8, 6)
	if imagingtest.Leaks(photo) == "" {
		t.Fatal("the test photo carries no location; the test would prove nothing")
	}
	clean, err := Strip(JPEG, photo)
	if err != nil {
		t.Fatal(err)
	}
	if l := imagingtest.Leaks(clean); l != "" {
		t.Errorf("stripped JPEG still holds %q", l)
	}
	if o := orientation(JPEG, clean); o != 6 {
		t.Errorf("orientation after stripping = %d, want 6 kept", o)
	}
	if n := bytes.Count(clean, []byte("Exif\x00\x00")); n != 1 {
		t.Errorf("stripped JPEG has %d EXIF blocks, want the one holding the orientation", n)
	}
	img, err := jpeg.Decode(bytes.NewReader(clean))
	if err != nil || img.Bounds().Dx() != 12 {
		t.Errorf("stripped JPEG does not decode as the same picture: %v", err)
	}
	// A JPEG without metadata comes out unchanged; one upright loses its
	// EXIF altogether.
	plain := imagingtest.JPEG(4, 4)
	if got, err := Strip(JPEG, plain); err != nil || !bytes.Equal(got, plain) {
		t.Errorf("stripping a plain JPEG changed it (err %v)", err)
	}
	upright, err := Strip(JPEG, imagingtest.PhotoWithGPS(4, 4, 1))
	if err != nil || bytes.Contains(upright, []byte("Exif")) {
		t.Errorf("an upright photo kept an EXIF block (err %v)", err)
	}
}

// EXIF that does not parse is dropped whole rather than published.
func TestStripJPEGBadEXIF(t *testing.T) {
	plain := imagingtest.JPEG(4, 4)
	bad := append([]byte("Exif\x00\x00"), imagingtest.EXIF(1)...)
	binary.LittleEndian.PutUint32(bad[6+4:], 0xFFFFFF) // IFD0 far out of range
	var b bytes.Buffer
	b.Write(plain[:2])
	b.Write(imagingtest.JPEGSegment(0xE1, bad))
	b.Write(plain[2:])
	clean, err := Strip(JPEG, b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(clean, []byte("Exif")) || imagingtest.Leaks(clean) != "" {
		t.Error("unreadable EXIF was published")
	}
}

func TestStripPNG(t *testing.T) {
	plain := imagingtest.PNG(3, 2)
	dirty := imagingtest.PNGWithGPS(3, 2, 1)
	if _, err := png.Decode(bytes.NewReader(dirty)); err != nil {
		t.Fatalf("test PNG does not decode: %v", err)
	}
	clean, err := Strip(PNG, dirty)
	if err != nil {
		t.Fatal(err)
	}
	if l := imagingtest.Leaks(clean); l != "" {
		t.Errorf("stripped PNG still holds %q", l)
	}
	if !bytes.Equal(clean, plain) {
		t.Error("stripped PNG is not the PNG without its metadata chunks")
	}
	if _, err := Strip(PNG, plain[:20]); err == nil {
		t.Error("a cut-off PNG stripped without error")
	}
	// A turned PNG keeps its orientation, and only that.
	turned, err := Strip(PNG, imagingtest.PNGWithGPS(3, 2, 8))
	if err != nil {
		t.Fatal(err)
	}
	if o := orientation(PNG, turned); o != 8 || imagingtest.Leaks(turned) != "" {
		t.Errorf("turned PNG: orientation %d (want 8), leaks %q", o, imagingtest.Leaks(turned))
	}
	if _, err := png.Decode(bytes.NewReader(turned)); err != nil {
		t.Errorf("turned PNG does not decode after stripping: %v", err)
	}
}

// tinyWebP is a 1×1 lossless WebP.
var tinyWebP = []byte("RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00")

// webpWithGPS is tinyWebP in the extended form: VP8X (flags: EXIF and
// XMP), the image, EXIF, XMP.
func webpWithGPS(orientation uint16) []byte {
	vp8x := append([]byte{0x08 | 0x04, 0, 0, 0}, 0, 0, 0, 0, 0, 0) // canvas 1×1 (stored minus one)
	chunk := func(fourcc string, data []byte) []byte {
		c := append([]byte(fourcc), binary.LittleEndian.AppendUint32(nil, uint32(len(data)))...)
		c = append(c, data...)
		if len(data)%2 == 1 {
			c = append(c, 0)
		}
		return c
	}
	var body []byte
	body = append(body, "WEBP"...)
	body = append(body, chunk("VP8X", vp8x)...)
	body = append(body, tinyWebP[12:]...)
	body = append(body, chunk("EXIF", imagingtest.EXIF(orientation))...)
	body = append(body, chunk("XMP ", []byte(imagingtest.XMPGPS))...)
	file := append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(len(body)))...)
	return append(file, body...)
}

func TestStripWebP(t *testing.T) {
	if _, err := xwebp.Decode(bytes.NewReader(tinyWebP)); err != nil {
		t.Fatalf("test WebP does not decode: %v", err)
	}
	for _, o := range []uint16{1, 6} {
		clean, err := Strip(WebP, webpWithGPS(o))
		if err != nil {
			t.Fatal(err)
		}
		if l := imagingtest.Leaks(clean); l != "" {
			t.Errorf("stripped WebP still holds %q", l)
		}
		if got := binary.LittleEndian.Uint32(clean[4:]); int(got) != len(clean)-8 {
			t.Errorf("RIFF size = %d, want %d", got, len(clean)-8)
		}
		wantFlag := byte(0)
		if o != 1 {
			wantFlag = 0x08
		}
		if clean[20]&(0x08|0x04) != wantFlag {
			t.Errorf("orientation %d: VP8X flags %#x, want EXIF flag %#x and no XMP", o, clean[20], wantFlag)
		}
		if got := orientation(WebP, clean); got != int(o) {
			t.Errorf("orientation after stripping = %d, want %d", got, o)
		}
		if _, err := xwebp.Decode(bytes.NewReader(clean)); err != nil {
			t.Errorf("stripped WebP does not decode: %v", err)
		}
	}
}

// avifWithItem is the box structure of an AVIF whose meta lists one item
// of type typ (no pixels: only the boxes CheckAVIF reads).
func avifWithItem(typ string) []byte {
	box := func(name string, body []byte) []byte {
		b := binary.BigEndian.AppendUint32(nil, uint32(8+len(body)))
		return append(append(b, name...), body...)
	}
	infe := box("infe", append([]byte{2, 0, 0, 0, 0, 1, 0, 0}, typ+"\x00"...))
	iinf := box("iinf", append([]byte{0, 0, 0, 0, 0, 1}, infe...))
	meta := box("meta", append([]byte{0, 0, 0, 0}, iinf...))
	return append(box("ftyp", []byte("avif\x00\x00\x00\x00avifmif1")), meta...)
}

func TestCheckAVIF(t *testing.T) {
	for _, tt := range []struct {
		typ     string
		refused bool
	}{{"av01", false}, {"Exif", true}, {"mime", true}} {
		err := CheckAVIF(avifWithItem(tt.typ))
		if (err != nil) != tt.refused {
			t.Errorf("CheckAVIF(item %s) = %v, want refused %v", tt.typ, err, tt.refused)
		}
	}
	if err := CheckAVIF([]byte("not a box")); err != nil {
		t.Errorf("CheckAVIF(garbage) = %v, want nil (nothing listed)", err)
	}
}

func FuzzStrip(f *testing.F) {
	f.Add(imagingtest.PhotoWithGPS(4, 4, 6))
	f.Add(imagingtest.PNGWithGPS(2, 2, 3))
	f.Add(webpWithGPS(6))
	f.Add(avifWithItem("Exif"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range []string{JPEG, PNG, WebP, AVIF} {
			out, err := Strip(format, data)
			if err == nil && len(out) > len(data)+64 {
				t.Errorf("%s: stripping grew %d bytes to %d", format, len(data), len(out))
			}
		}
		Inspect("x.jpg", data, DefaultLimits)
		Inspect("x.png", data, DefaultLimits)
		Inspect("x.gif", data, DefaultLimits)
		Inspect("x.webp", data, DefaultLimits)
	})
}
