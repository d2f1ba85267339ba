package imaging

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
)

// Strip returns data, an image in format, without the metadata that
// could say where, when or by whom it was taken: a photo's EXIF often
// holds the GPS position of the author's home. It keeps what the picture
// needs to show right: the pixels, the colour profile and the EXIF
// orientation, which is rewritten as a minimal EXIF block holding that
// one tag and nothing else.
//
//	JPEG  EXIF and XMP (APP1), IPTC/Photoshop (APP13) and comments are dropped
//	PNG   eXIf and text chunks (tEXt, zTXt, iTXt, where XMP lives) are dropped
//	WebP  EXIF and XMP chunks are dropped and the header flags cleared
//	AVIF  refused when it holds an Exif or XMP item: it cannot be cut out
//	      here, so the author exports the file without metadata
//
// Other formats (GIF, SVG) are returned as they are: GIF has no standard
// place for a location, and an SVG's text is the picture.
func Strip(format string, data []byte) ([]byte, error) {
	switch format {
	case JPEG:
		return stripJPEG(data)
	case PNG:
		return stripPNG(data)
	case WebP:
		return stripWebP(data)
	case AVIF:
		return data, CheckAVIF(data)
	}
	return data, nil
}

var errNotJPEG = errors.New("not a readable JPEG")

// jpegSegments calls f for each marker segment of a JPEG before its
// image data (start of scan), with the segment's bytes and payload. It
// returns the offset where the image data segment starts.
func jpegSegments(data []byte, f func(marker byte, seg, payload []byte)) (int, error) {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return 0, errNotJPEG
	}
	i := 2
	for i < len(data) {
		if data[i] != 0xFF {
			return 0, errNotJPEG
		}
		if i+1 < len(data) && data[i+1] == 0xFF { // fill byte
			i++
			continue
		}
		if i+1 >= len(data) {
			return 0, errNotJPEG
		}
		marker := data[i+1]
		switch {
		case marker == 0xD9 || marker == 0xDA: // end of image, start of scan
			return i, nil
		case marker == 0x01 || marker >= 0xD0 && marker <= 0xD7: // no length
			f(marker, data[i:i+2], nil)
			i += 2
			continue
		}
		if i+4 > len(data) {
			return 0, errNotJPEG
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		if n < 2 || i+2+n > len(data) {
			return 0, errNotJPEG
		}
		f(marker, data[i:i+2+n], data[i+4:i+2+n])
		i += 2 + n
	}
	return 0, errNotJPEG
}

var exifHeader = []byte("Exif\x00\x00")

func stripJPEG(data []byte) ([]byte, error) {
	orientation := 1
	out := make([]byte, 0, len(data))
	out = append(out, data[:min(2, len(data))]...)
	rest, err := jpegSegments(data, func(marker byte, seg, payload []byte) {
		switch marker {
		case 0xE1: // APP1: EXIF or XMP
			if tiff, ok := bytes.CutPrefix(payload, exifHeader); ok && orientation == 1 {
				orientation = tiffOrientation(tiff)
			}
		case 0xED, 0xFE: // APP13 (Photoshop, IPTC), comment
		default:
			out = append(out, seg...)
		}
	})
	if err != nil {
		return nil, err
	}
	if orientation != 1 {
		// The orientation goes back in as the first segment after SOI
		// and any APP0 (JFIF), where readers look for it.
		seg := append([]byte{0xFF, 0xE1, 0, 0}, exifHeader...)
		seg = append(seg, minimalEXIF(orientation)...)
		binary.BigEndian.PutUint16(seg[2:], uint16(len(seg)-2))
		at := 2
		if len(out) >= 6 && out[2] == 0xFF && out[3] == 0xE0 {
			at += 2 + int(binary.BigEndian.Uint16(out[4:]))
		}
		out = append(out[:at], append(seg, out[at:]...)...)
	}
	return append(out, data[rest:]...), nil
}

// tiffReader reads a TIFF structure (the body of EXIF) with bounds checks.
type tiffReader struct {
	b  []byte
	bo binary.ByteOrder
}

var errBadEXIF = errors.New("unreadable EXIF")

func newTIFF(b []byte) (*tiffReader, error) {
	if len(b) < 8 {
		return nil, errBadEXIF
	}
	var bo binary.ByteOrder
	switch string(b[:4]) {
	case "II*\x00":
		bo = binary.LittleEndian
	case "MM\x00*":
		bo = binary.BigEndian
	default:
		return nil, errBadEXIF
	}
	return &tiffReader{b: b, bo: bo}, nil
}

// ifd returns the offsets of the 12-byte entries of the IFD at off.
func (t *tiffReader) ifd(off uint32) ([]int, error) {
	o := int(off)
	if off > uint32(len(t.b)) || o+2 > len(t.b) {
		return nil, errBadEXIF
	}
	n := int(t.bo.Uint16(t.b[o:]))
	if o+2+12*n > len(t.b) {
		return nil, errBadEXIF
	}
	entries := make([]int, n)
	for k := range n {
		entries[k] = o + 2 + 12*k
	}
	return entries, nil
}

const tagOrientation = 0x0112

// tiffOrientation returns the orientation (1–8) recorded in IFD0 of the
// TIFF structure b, or 1.
func tiffOrientation(b []byte) int {
	t, err := newTIFF(b)
	if err != nil {
		return 1
	}
	ifd0, err := t.ifd(t.bo.Uint32(b[4:]))
	if err != nil {
		return 1
	}
	for _, e := range ifd0 {
		if t.bo.Uint16(b[e:]) == tagOrientation {
			if o := int(t.bo.Uint16(b[e+8:])); o >= 1 && o <= 8 {
				return o
			}
		}
	}
	return 1
}

// minimalEXIF is a TIFF structure holding only an orientation.
func minimalEXIF(orientation int) []byte {
	le := binary.LittleEndian
	b := append([]byte(nil), "II*\x00"...)
	b = le.AppendUint32(b, 8)
	b = le.AppendUint16(b, 1)
	b = le.AppendUint16(b, tagOrientation)
	b = le.AppendUint16(b, 3) // SHORT
	b = le.AppendUint32(b, 1)
	b = le.AppendUint32(b, uint32(orientation))
	return le.AppendUint32(b, 0)
}

// orientation returns the EXIF orientation (1–8) of an image in format,
// or 1 when it has none. Browsers apply it when they show the file.
func orientation(format string, data []byte) int {
	o := 1
	switch format {
	case JPEG:
		jpegSegments(data, func(marker byte, _, payload []byte) {
			if tiff, ok := bytes.CutPrefix(payload, exifHeader); ok && marker == 0xE1 && o == 1 {
				o = tiffOrientation(tiff)
			}
		})
	case PNG:
		pngChunks(data, func(typ string, _, body []byte) bool {
			if typ == "eXIf" {
				o = tiffOrientation(body)
			}
			return typ != "IDAT"
		})
	case WebP:
		webpChunks(data, func(fourcc string, _, body []byte) {
			if fourcc == "EXIF" {
				o = tiffOrientation(bytes.TrimPrefix(body, exifHeader))
			}
		})
	}
	return o
}

var errNotPNG = errors.New("not a readable PNG")

const pngSig = "\x89PNG\r\n\x1a\n"

// pngChunks calls f for each chunk of a PNG up to IEND, or until f
// returns false.
func pngChunks(data []byte, f func(typ string, chunk, body []byte) bool) error {
	if !bytes.HasPrefix(data, []byte(pngSig)) {
		return errNotPNG
	}
	for i := len(pngSig); i < len(data); {
		if i+12 > len(data) {
			return errNotPNG
		}
		n := uint64(binary.BigEndian.Uint32(data[i:]))
		end := uint64(i) + 12 + n
		if end > uint64(len(data)) {
			return errNotPNG
		}
		typ := string(data[i+4 : i+8])
		if !f(typ, data[i:end], data[i+8:end-4]) {
			return nil
		}
		i = int(end)
		if typ == "IEND" {
			return nil
		}
	}
	return errNotPNG
}

func pngChunk(typ string, body []byte) []byte {
	c := binary.BigEndian.AppendUint32(nil, uint32(len(body)))
	c = append(c, typ...)
	c = append(c, body...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
}

func stripPNG(data []byte) ([]byte, error) {
	o := orientation(PNG, data)
	out := make([]byte, 0, len(data))
	out = append(out, pngSig...)
	ended := false
	err := pngChunks(data, func(typ string, chunk, _ []byte) bool {
		switch typ {
		case "eXIf", "tEXt", "zTXt", "iTXt":
		default:
			out = append(out, chunk...)
			if typ == "IHDR" && o != 1 {
				out = append(out, pngChunk("eXIf", minimalEXIF(o))...)
			}
		}
		ended = typ == "IEND"
		return true
	})
	if err != nil || !ended {
		return nil, errNotPNG
	}
	return out, nil
}

var errNotWebP = errors.New("not a readable WebP")

// webpChunks calls f for each chunk of a WebP file (a RIFF container).
func webpChunks(data []byte, f func(fourcc string, chunk, body []byte)) error {
	if len(data) < 12 || string(data[:4]) != "RIFF" || string(data[8:12]) != "WEBP" {
		return errNotWebP
	}
	for i := 12; i < len(data); {
		if i+8 > len(data) {
			return errNotWebP
		}
		n := uint64(binary.LittleEndian.Uint32(data[i+4:]))
		end := uint64(i) + 8 + n + n%2
		if end > uint64(len(data)) {
			if uint64(i)+8+n == uint64(len(data)) { // a last odd chunk without its pad byte
				end = uint64(len(data))
			} else {
				return errNotWebP
			}
		}
		f(string(data[i:i+4]), data[i:end], data[i+8:uint64(i)+8+n])
		i = int(end)
	}
	return nil
}

func stripWebP(data []byte) ([]byte, error) {
	o := orientation(WebP, data)
	out := make([]byte, 12, len(data))
	copy(out, data[:min(12, len(data))])
	vp8x := -1
	err := webpChunks(data, func(fourcc string, chunk, body []byte) {
		switch fourcc {
		case "EXIF", "XMP ":
		case "VP8X":
			vp8x = len(out)
			out = append(out, chunk...)
			if len(body) > 0 {
				out[vp8x+8] &^= 0x08 | 0x04 // the EXIF and XMP flags
			}
		default:
			out = append(out, chunk...)
		}
	})
	if err != nil {
		return nil, err
	}
	if o != 1 && vp8x >= 0 {
		exif := minimalEXIF(o)
		out = append(out, "EXIF"...)
		out = binary.LittleEndian.AppendUint32(out, uint32(len(exif)))
		out = append(out, exif...)
		out[vp8x+8] |= 0x08
	}
	binary.LittleEndian.PutUint32(out[4:], uint32(len(out)-8))
	return out, nil
}

// CheckAVIF refuses an AVIF (an ISO BMFF file) whose meta box lists an
// Exif or XMP item.
func CheckAVIF(data []byte) error {
	meta := bmffBox(data, "meta")
	if meta == nil || len(meta) < 4 {
		return nil
	}
	iinf := bmffBox(meta[4:], "iinf") // meta is a full box: skip version and flags
	if len(iinf) < 4 {
		return nil
	}
	body := iinf[4:]
	if iinf[0] == 0 {
		body = body[min(2, len(body)):]
	} else {
		body = body[min(4, len(body)):]
	}
	for rest := body; len(rest) >= 8; {
		size := int(binary.BigEndian.Uint32(rest))
		if size < 8 || size > len(rest) {
			break
		}
		if string(rest[4:8]) == "infe" && size >= 12 {
			infe := rest[8:size]
			version, off := infe[0], 4
			switch {
			case version == 2:
				off += 2 + 2
			case version >= 3:
				off += 4 + 2
			default:
				off = -1
			}
			if off >= 0 && off+4 <= len(infe) {
				if typ := string(infe[off : off+4]); typ == "Exif" || typ == "mime" {
					return fmt.Errorf("the AVIF holds %s metadata, which may include where it was taken; export it without metadata", map[string]string{"Exif": "EXIF", "mime": "XMP"}[typ])
				}
			}
		}
		rest = rest[size:]
	}
	return nil
}

// bmffBox returns the body of the first box of type typ in data (one
// level, not nested), or nil.
func bmffBox(data []byte, typ string) []byte {
	for len(data) >= 8 {
		size := uint64(binary.BigEndian.Uint32(data))
		head := uint64(8)
		switch size {
		case 0:
			size = uint64(len(data))
		case 1:
			if len(data) < 16 {
				return nil
			}
			size, head = binary.BigEndian.Uint64(data[8:]), 16
		}
		if size < head || size > uint64(len(data)) {
			return nil
		}
		if string(data[4:8]) == typ {
			return data[head:size]
		}
		data = data[size:]
	}
	return nil
}
