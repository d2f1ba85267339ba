// Package imagingtest makes images that carry a location, for tests that
// prove no published byte does: a JPEG, a PNG and a WebP with GPS in their
// EXIF, an XMP packet with the position and a comment naming the place.
// Leaks says whether any of it survived.
package imagingtest

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
)

// GPSLatitude is a GPS latitude numerator no real image holds by chance;
// if its bytes are anywhere in a published file, the location leaked.
const GPSLatitude = 0x4D17A7E5

// XMPGPS is an XMP packet holding a position.
const XMPGPS = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><exif:GPSLatitude>47,30.5N</exif:GPSLatitude></x:xmpmeta>`

// Comment is a caption naming where the photo was taken.
const Comment = "shot from my balcony"

// EXIF builds a little-endian EXIF body (a TIFF structure): IFD0 with an
// orientation and a pointer to a GPS IFD holding a latitude reference and
// a latitude.
func EXIF(orientation uint16) []byte {
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
	entry(0x0112, 3, 1, uint32(orientation))
	entry(0x8825, 4, 1, 38)
	b = le.AppendUint32(b, 0)
	// GPS IFD at 38: 2 entries; 30 bytes; its data at 68.
	b = le.AppendUint16(b, 2)
	entry(1, 2, 2, uint32('N'))
	entry(2, 5, 3, 68)
	b = le.AppendUint32(b, 0)
	for _, v := range []uint32{GPSLatitude, 1, 30, 1, 1234, 100} {
		b = le.AppendUint32(b, v)
	}
	return b
}

// Gradient is a w×h picture with a different colour in each corner, so
// turns and flips show.
func Gradient(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(255 * x / max(1, w-1)), uint8(255 * y / max(1, h-1)), 128, 255})
		}
	}
	return img
}

// JPEG returns a plain w×h JPEG.
func JPEG(w, h int) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, Gradient(w, h), &jpeg.Options{Quality: 90}); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// PNG returns a plain w×h PNG.
func PNG(w, h int) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, Gradient(w, h)); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// JPEGSegment is a JPEG marker segment.
func JPEGSegment(marker byte, payload []byte) []byte {
	seg := []byte{0xFF, marker}
	seg = binary.BigEndian.AppendUint16(seg, uint16(2+len(payload)))
	return append(seg, payload...)
}

// PhotoWithGPS is a JPEG of w×h stored pixels carrying EXIF with the
// given orientation and a GPS position, an XMP packet with the position
// and a comment.
func PhotoWithGPS(w, h int, orientation uint16) []byte {
	plain := JPEG(w, h)
	var b bytes.Buffer
	b.Write(plain[:2])
	b.Write(JPEGSegment(0xE1, append([]byte("Exif\x00\x00"), EXIF(orientation)...)))
	b.Write(JPEGSegment(0xE1, append([]byte("http://ns.adobe.com/xap/1.0/\x00"), XMPGPS...)))
	b.Write(JPEGSegment(0xFE, []byte(Comment)))
	b.Write(plain[2:])
	return b.Bytes()
}

// PNGChunk is a PNG chunk with its CRC.
func PNGChunk(typ string, data []byte) []byte {
	c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	c = append(c, typ...)
	c = append(c, data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(append([]byte(typ), data...)))
}

// PNGWithGPS is a w×h PNG with eXIf (the orientation and a GPS
// position), an XMP iTXt chunk and a tEXt comment after its header.
func PNGWithGPS(w, h int, orientation uint16) []byte {
	plain := PNG(w, h)
	ihdrEnd := 8 + 12 + 13
	var b bytes.Buffer
	b.Write(plain[:ihdrEnd])
	b.Write(PNGChunk("eXIf", EXIF(orientation)))
	b.Write(PNGChunk("iTXt", []byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00"+XMPGPS)))
	b.Write(PNGChunk("tEXt", []byte("Comment\x00"+Comment)))
	b.Write(plain[ihdrEnd:])
	return b.Bytes()
}

// Leaks returns the first trace of the location found in data, or "".
func Leaks(data []byte) string {
	lat := binary.LittleEndian.AppendUint32(nil, GPSLatitude)
	for _, s := range [][]byte{lat, []byte("GPSLatitude"), []byte("balcony"), []byte("xap/1.0")} {
		if bytes.Contains(data, s) {
			return string(s)
		}
	}
	return ""
}
