package site

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "golang.org/x/image/webp"
)

// gpsLatitude is a GPS latitude numerator no real image holds by chance;
// if its bytes are anywhere in a published file, the location leaked.
const gpsLatitude = 0x4D17A7E5

// exifTIFF builds a little-endian EXIF body: IFD0 with an orientation and
// a pointer to a GPS IFD holding a latitude reference and a latitude.
func exifTIFF(orientation uint16) []byte {
	le := binary.LittleEndian
	var b []byte
	b = append(b, "II*\x00"...)
	b = le.AppendUint32(b, 8)
	entry := func(tag, typ uint16, count, value uint32) {
		b = le.AppendUint16(b, tag)
		b = le.AppendUint16(b, typ)
		b = le.AppendUint32(b, count)
		b = le.AppendUint32(b, value)
	}
	// IFD0 at 8: 2 entries, then the next-IFD offset; 30 bytes.
	b = le.AppendUint16(b, 2)
	entry(tagOrientation, 3, 1, uint32(orientation))
	entry(tagGPS, 4, 1, 38)
	b = le.AppendUint32(b, 0)
	// GPS IFD at 38: 2 entries; 30 bytes; its data at 68.
	b = le.AppendUint16(b, 2)
	entry(1, 2, 2, uint32('N'))
	entry(2, 5, 3, 68)
	b = le.AppendUint32(b, 0)
	for _, v := range []uint32{gpsLatitude, 1, 30, 1, 1234, 100} {
		b = le.AppendUint32(b, v)
	}
	return b
}

func jpegSegment(marker byte, payload []byte) []byte {
	seg := []byte{0xFF, marker}
	seg = binary.BigEndian.AppendUint16(seg, uint16(2+len(payload)))
	return append(seg, payload...)
}

const xmpGPS = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><exif:GPSLatitude>47,30.5N</exif:GPSLatitude></x:xmpmeta>`

// photoWithGPS is a W×H JPEG carrying EXIF (orientation 6, a GPS
// position), an XMP packet with the position and a comment.
func photoWithGPS(t testing.TB, w, h int) []byte {
	t.Helper()
	plain := generate(t, fmt.Sprintf("jpeg %dx%d", w, h))
	var b bytes.Buffer
	b.Write(plain[:2])
	b.Write(jpegSegment(0xE1, append([]byte("Exif\x00\x00"), exifTIFF(6)...)))
	b.Write(jpegSegment(0xE1, append([]byte("http://ns.adobe.com/xap/1.0/\x00"), xmpGPS...)))
	b.Write(jpegSegment(0xFE, []byte("shot from my balcony")))
	b.Write(plain[2:])
	return b.Bytes()
}

func leaks(data []byte) string {
	lat := binary.LittleEndian.AppendUint32(nil, gpsLatitude)
	for _, s := range [][]byte{lat, []byte("GPSLatitude"), []byte("balcony"), []byte("xap/1.0")} {
		if bytes.Contains(data, s) {
			return string(s)
		}
	}
	return ""
}

func TestScrubJPEG(t *testing.T) {
	photo := photoWithGPS(t, 12, 8)
	if leaks(photo) == "" {
		t.Fatal("the test photo carries no location; the test would prove nothing")
	}
	clean, err := scrubImage("photo.jpg", photo)
	if err != nil {
		t.Fatal(err)
	}
	if l := leaks(clean); l != "" {
		t.Errorf("scrubbed JPEG still holds %q", l)
	}
	if o := jpegOrientation(clean); o != 6 {
		t.Errorf("orientation after scrubbing = %d, want 6 kept", o)
	}
	img, format, err := image.Decode(bytes.NewReader(clean))
	if err != nil || format != "jpeg" || img.Bounds().Dx() != 12 {
		t.Errorf("scrubbed JPEG does not decode as the same picture: %v %s", err, format)
	}
	// A JPEG without metadata comes out unchanged.
	plain := generate(t, "jpeg 4x4")
	if got, err := scrubImage("a.JPEG", plain); err != nil || !bytes.Equal(got, plain) {
		t.Errorf("scrubbing a plain JPEG changed it (err %v)", err)
	}
}

// EXIF that does not parse is dropped whole rather than published.
func TestScrubJPEGBadEXIF(t *testing.T) {
	plain := generate(t, "jpeg 4x4")
	bad := append([]byte("Exif\x00\x00"), exifTIFF(1)...)
	binary.LittleEndian.PutUint32(bad[6+4:], 0xFFFFFF) // IFD0 far out of range
	var b bytes.Buffer
	b.Write(plain[:2])
	b.Write(jpegSegment(0xE1, bad))
	b.Write(plain[2:])
	clean, err := scrubImage("x.jpg", b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(clean, []byte("Exif")) || leaks(clean) != "" {
		t.Error("unreadable EXIF was published")
	}
}

func pngChunk(typ string, data []byte) []byte {
	c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	c = append(c, typ...)
	c = append(c, data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(append([]byte(typ), data...)))
}

func TestScrubPNG(t *testing.T) {
	plain := generate(t, "png 3x2")
	// Put eXIf and an XMP iTXt chunk right after IHDR.
	ihdrEnd := 8 + 12 + 13
	var b bytes.Buffer
	b.Write(plain[:ihdrEnd])
	b.Write(pngChunk("eXIf", exifTIFF(1)))
	b.Write(pngChunk("iTXt", []byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00"+xmpGPS)))
	b.Write(pngChunk("tEXt", []byte("Comment\x00shot from my balcony")))
	b.Write(plain[ihdrEnd:])
	if _, err := png.Decode(bytes.NewReader(b.Bytes())); err != nil {
		t.Fatalf("test PNG does not decode: %v", err)
	}
	clean, err := scrubImage("a.png", b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if l := leaks(clean); l != "" {
		t.Errorf("scrubbed PNG still holds %q", l)
	}
	if !bytes.Equal(clean, plain) {
		t.Error("scrubbed PNG is not the PNG without its metadata chunks")
	}
	if _, err := scrubImage("a.png", plain[:20]); err == nil {
		t.Error("a cut-off PNG scrubbed without error")
	}
}

// tinyWebP is a 1×1 lossless WebP.
var tinyWebP = []byte("RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00")

func TestScrubWebP(t *testing.T) {
	if _, _, err := image.Decode(bytes.NewReader(tinyWebP)); err != nil {
		t.Fatalf("test WebP does not decode: %v", err)
	}
	// The extended form: VP8X (flags: EXIF and XMP), the image, EXIF, XMP.
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
	body = append(body, chunk("EXIF", exifTIFF(1))...)
	body = append(body, chunk("XMP ", []byte(xmpGPS))...)
	file := append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(len(body)))...)
	file = append(file, body...)

	clean, err := scrubImage("a.webp", file)
	if err != nil {
		t.Fatal(err)
	}
	if l := leaks(clean); l != "" {
		t.Errorf("scrubbed WebP still holds %q", l)
	}
	if got := binary.LittleEndian.Uint32(clean[4:]); int(got) != len(clean)-8 {
		t.Errorf("RIFF size = %d, want %d", got, len(clean)-8)
	}
	if clean[20]&(0x08|0x04) != 0 {
		t.Error("VP8X still flags EXIF or XMP")
	}
	if _, _, err := image.Decode(bytes.NewReader(clean)); err != nil {
		t.Errorf("scrubbed WebP does not decode: %v", err)
	}
}

// avifWithItem is the box structure of an AVIF whose meta lists one item
// of type typ (no pixels: only the boxes checkAVIF reads).
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
		err := checkAVIF(avifWithItem(tt.typ))
		if (err != nil) != tt.refused {
			t.Errorf("checkAVIF(item %s) = %v, want refused %v", tt.typ, err, tt.refused)
		}
	}
	if err := checkAVIF([]byte("not a box")); err != nil {
		t.Errorf("checkAVIF(garbage) = %v, want nil (nothing listed)", err)
	}
}

// The contract's sample: a photo with GPS in its EXIF leaves no location
// in any published byte, wherever it is published from, and the page
// gives its size as shown (turned by its orientation).
func TestBuildPublishesNoLocation(t *testing.T) {
	src := writeSite(t, `
-- shiplog.toml --
title = "Photos"
-- log/trip.md --
---
id: trip
title: Trip
date: 2026-03-01
hero:
  src: hero.jpg
  alt: The view
---
![The view west](photo.jpg) and ![From static](/also.jpg)
`)
	for _, p := range []string{"log/hero.jpg", "log/photo.jpg", "static/also.jpg"} {
		full := filepath.Join(src, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, photoWithGPS(t, 30, 20), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "public")
	mustBuild(t, src, out)
	for rel, kind := range tree(t, out) {
		if !strings.HasPrefix(kind, "file") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		if l := leaks(data); l != "" {
			t.Errorf("%s holds %q", rel, l)
		}
	}
	page := read(t, out, "log/trip/index.html")
	for _, want := range []string{
		`<img src="/log/trip/photo.jpg" alt="The view west" width="20" height="30"`,
		`src="/log/trip/hero.jpg" alt="The view" width="20" height="30"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s (a photo turned by its EXIF orientation is 20 wide)", want)
		}
	}
	if !exists(out, "also.jpg") || !exists(out, "log/trip/photo.jpg") || !exists(out, "log/trip/hero.jpg") {
		t.Error("a photo is missing from the output")
	}
}

func TestBuildRefusesAVIFWithEXIF(t *testing.T) {
	src := writeSite(t, goodSite+`
-- log/p.md --
---
id: p
title: P
date: 2026-03-02
---
![photo](photo.avif)
`)
	if err := os.WriteFile(filepath.Join(src, "log", "photo.avif"), avifWithItem("Exif"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "public")
	rep, err := build(t, src, out)
	assertFailedCleanly(t, rep, err, map[string]string{}, out, `^log/p\.md:6:1: error: image "photo\.avif": .*EXIF`)
}

func FuzzScrubImage(f *testing.F) {
	f.Add("a.jpg", photoWithGPS(f, 4, 4))
	f.Add("a.png", generate(f, "png 2x2"))
	f.Add("a.webp", tinyWebP)
	f.Add("a.avif", avifWithItem("Exif"))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		for _, ext := range []string{".jpg", ".png", ".webp", ".avif"} {
			out, err := scrubImage("x"+ext, data)
			if err == nil && len(out) > len(data)+8 {
				t.Errorf("%s: scrubbing grew %d bytes to %d", ext, len(data), len(out))
			}
		}
	})
}
