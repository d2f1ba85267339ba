package site

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"path"
	"strings"
)

// Published images carry no metadata that could say where or by whom they
// were taken: a photo's EXIF often holds the GPS position of the author's
// home. scrubImage returns data without it, keeping what the picture
// needs to show right (pixels, colour profile, EXIF orientation).
//
//	JPEG  the GPS part of EXIF is blanked (orientation and the rest stay);
//	      XMP, IPTC/Photoshop and comment segments are dropped
//	PNG   eXIf and text chunks (tEXt, zTXt, iTXt, where XMP lives) are dropped
//	WebP  EXIF and XMP chunks are dropped and the header flags cleared
//	AVIF  refused when it holds an Exif or XMP item: it cannot be cut out
//	      here, so the author exports the file without metadata
//
// Other files are returned as they are.
func scrubImage(name string, data []byte) ([]byte, error) {
	switch strings.ToLower(path.Ext(name)) {
	case ".jpg", ".jpeg":
		return scrubJPEG(data)
	case ".png":
		return scrubPNG(data)
	case ".webp":
		return scrubWebP(data)
	case ".avif":
		return data, checkAVIF(data)
	}
	return data, nil
}

var errNotJPEG = errors.New("not a readable JPEG")

func scrubJPEG(data []byte) ([]byte, error) {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return nil, errNotJPEG
	}
	out := make([]byte, 0, len(data))
	out = append(out, data[:2]...)
	i := 2
	for i < len(data) {
		if data[i] != 0xFF {
			return nil, errNotJPEG
		}
		if i+1 < len(data) && data[i+1] == 0xFF { // fill byte
			i++
			continue
		}
		if i+1 >= len(data) {
			return nil, errNotJPEG
		}
		marker := data[i+1]
		switch {
		case marker == 0xD9: // end of image
			return append(out, data[i:]...), nil
		case marker == 0x01 || marker >= 0xD0 && marker <= 0xD7: // no length
			out = append(out, data[i:i+2]...)
			i += 2
			continue
		}
		if i+4 > len(data) {
			return nil, errNotJPEG
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		if n < 2 || i+2+n > len(data) {
			return nil, errNotJPEG
		}
		seg, payload := data[i:i+2+n], data[i+4:i+2+n]
		i += 2 + n
		switch marker {
		case 0xDA: // start of scan: the rest is image data
			return append(append(out, seg...), data[i:]...), nil
		case 0xE1: // APP1: EXIF or XMP
			if tiff, ok := bytes.CutPrefix(payload, []byte("Exif\x00\x00")); ok {
				clean := bytes.Clone(tiff)
				if blankGPS(clean) == nil {
					out = append(out, seg[:4]...)
					out = append(out, "Exif\x00\x00"...)
					out = append(out, clean...)
				}
				// EXIF that cannot be read is dropped whole.
			}
		case 0xED, 0xFE: // APP13 (Photoshop, IPTC), comment
		default:
			out = append(out, seg...)
		}
	}
	return nil, errNotJPEG
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

var tiffTypeSize = [...]int{0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8}

// valueBytes returns where the value of the entry at e lies in t.b.
func (t *tiffReader) valueBytes(e int) (start, end int, err error) {
	typ, count := t.bo.Uint16(t.b[e+2:]), t.bo.Uint32(t.b[e+4:])
	size := 1
	if int(typ) < len(tiffTypeSize) && typ > 0 {
		size = tiffTypeSize[typ]
	}
	total := uint64(size) * uint64(count)
	if total <= 4 {
		return e + 8, e + 8 + int(total), nil
	}
	off := uint64(t.bo.Uint32(t.b[e+8:]))
	if off+total > uint64(len(t.b)) {
		return 0, 0, errBadEXIF
	}
	return int(off), int(off + total), nil
}

const (
	tagOrientation = 0x0112
	tagXMP         = 0x02BC
	tagGPS         = 0x8825
)

// blankGPS zeroes, in place, the GPS IFD of the TIFF structure b (its
// entries and every value they point to) and any XMP packet in IFD0,
// leaving the rest, orientation included, as it was.
func blankGPS(b []byte) error {
	t, err := newTIFF(b)
	if err != nil {
		return err
	}
	ifd0, err := t.ifd(t.bo.Uint32(b[4:]))
	if err != nil {
		return err
	}
	for _, e := range ifd0 {
		switch t.bo.Uint16(b[e:]) {
		case tagXMP:
			start, end, err := t.valueBytes(e)
			if err != nil {
				return err
			}
			clear(b[start:end])
		case tagGPS:
			gps, err := t.ifd(t.bo.Uint32(b[e+8:]))
			if err != nil {
				return err
			}
			for _, g := range gps {
				start, end, err := t.valueBytes(g)
				if err != nil {
					return err
				}
				clear(b[start:end])
				clear(b[g : g+12])
			}
			if len(gps) > 0 {
				off := gps[0] - 2
				t.bo.PutUint16(b[off:], 0) // an empty GPS IFD
			}
		}
	}
	return nil
}

// jpegOrientation returns the EXIF orientation (1–8) of a JPEG whose
// first bytes are head, or 1 when it has none.
func jpegOrientation(head []byte) int {
	if len(head) < 4 || head[0] != 0xFF || head[1] != 0xD8 {
		return 1
	}
	for i := 2; i+4 <= len(head) && head[i] == 0xFF; {
		marker, n := head[i+1], int(binary.BigEndian.Uint16(head[i+2:]))
		if marker == 0xDA || n < 2 || i+2+n > len(head) {
			return 1
		}
		if tiff, ok := bytes.CutPrefix(head[i+4:i+2+n], []byte("Exif\x00\x00")); ok && marker == 0xE1 {
			t, err := newTIFF(tiff)
			if err != nil {
				return 1
			}
			ifd0, err := t.ifd(t.bo.Uint32(tiff[4:]))
			if err != nil {
				return 1
			}
			for _, e := range ifd0 {
				if t.bo.Uint16(tiff[e:]) == tagOrientation {
					if o := int(t.bo.Uint16(tiff[e+8:])); o >= 1 && o <= 8 {
						return o
					}
				}
			}
			return 1
		}
		i += 2 + n
	}
	return 1
}

var errNotPNG = errors.New("not a readable PNG")

func scrubPNG(data []byte) ([]byte, error) {
	const sig = "\x89PNG\r\n\x1a\n"
	if !bytes.HasPrefix(data, []byte(sig)) {
		return nil, errNotPNG
	}
	out := make([]byte, 0, len(data))
	out = append(out, sig...)
	for i := len(sig); i < len(data); {
		if i+12 > len(data) {
			return nil, errNotPNG
		}
		n := uint64(binary.BigEndian.Uint32(data[i:]))
		end := uint64(i) + 12 + n
		if end > uint64(len(data)) {
			return nil, errNotPNG
		}
		typ := string(data[i+4 : i+8])
		switch typ {
		case "eXIf", "tEXt", "zTXt", "iTXt":
		default:
			out = append(out, data[i:end]...)
		}
		i = int(end)
		if typ == "IEND" {
			return out, nil
		}
	}
	return nil, errNotPNG
}

var errNotWebP = errors.New("not a readable WebP")

func scrubWebP(data []byte) ([]byte, error) {
	if len(data) < 12 || string(data[:4]) != "RIFF" || string(data[8:12]) != "WEBP" {
		return nil, errNotWebP
	}
	out := make([]byte, 12, len(data))
	copy(out, data[:12])
	for i := 12; i < len(data); {
		if i+8 > len(data) {
			return nil, errNotWebP
		}
		n := uint64(binary.LittleEndian.Uint32(data[i+4:]))
		end := uint64(i) + 8 + n + n%2
		if end > uint64(len(data)) {
			if uint64(i)+8+n == uint64(len(data)) { // a last odd chunk without its pad byte
				end = uint64(len(data))
			} else {
				return nil, errNotWebP
			}
		}
		switch fourcc := string(data[i : i+4]); fourcc {
		case "EXIF", "XMP ":
		case "VP8X":
			start := len(out)
			out = append(out, data[i:end]...)
			if n > 0 {
				out[start+8] &^= 0x08 | 0x04 // the EXIF and XMP flags
			}
		default:
			out = append(out, data[i:end]...)
		}
		i = int(end)
	}
	binary.LittleEndian.PutUint32(out[4:], uint32(len(out)-8))
	return out, nil
}

// checkAVIF refuses an AVIF (an ISO BMFF file) whose meta box lists an
// Exif or XMP item.
func checkAVIF(data []byte) error {
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
