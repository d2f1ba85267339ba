package site

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // register decoders for DecodeConfig
	_ "image/jpeg"
	_ "image/png"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"strconv"
	"strings"
	"sync"

	_ "golang.org/x/image/webp"
)

// Limits on images, checked from the header before anything is decoded.
const (
	maxImageBytes  = 50 << 20
	maxImagePixels = 50_000_000
)

// imageFile is a checked image in the site.
type imageFile struct {
	src           string // path relative to the site root
	width, height int
	err           error
}

// images checks image files once each, however many entries use them.
type images struct {
	root  *os.Root
	cache sync.Map // src → *imageFile
}

// resolve finds the file that dest (as written in the entry at dir)
// names, and checks it. It returns the file's path relative to the site
// root.
func (im *images) resolve(dir, dest string) (*imageFile, error) {
	d := dest
	if i := strings.IndexAny(d, "?#"); i >= 0 {
		d = d[:i] // before unescaping: "a%23b.png" names the file a#b.png
	}
	if u, err := url.PathUnescape(d); err == nil {
		d = u
	}
	if d == "" {
		return nil, errors.New("empty image path")
	}
	var p string
	if strings.HasPrefix(d, "/") {
		p = path.Join("static", d)
	} else {
		p = path.Join(dir, d)
	}
	if p == ".." || strings.HasPrefix(p, "../") {
		return nil, fmt.Errorf("path leaves the site folder")
	}
	return im.check(p)
}

func (im *images) check(p string) (*imageFile, error) {
	if v, ok := im.cache.Load(p); ok {
		if f, ok := v.(*imageFile); ok {
			return f, f.err
		}
	}
	f := &imageFile{src: p}
	f.width, f.height, f.err = im.inspect(p)
	im.cache.Store(p, f)
	return f, f.err
}

func (im *images) inspect(p string) (int, int, error) {
	if err := im.exactName(p); err != nil {
		return 0, 0, err
	}
	file, err := im.root.Open(p)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		if strings.Contains(err.Error(), "escapes") {
			return 0, 0, fmt.Errorf("%s points outside the site folder", p)
		}
		return 0, 0, fmt.Errorf("cannot open %s: %v", p, err)
	}
	defer file.Close()
	st, err := file.Stat()
	if err != nil {
		return 0, 0, err
	}
	if st.IsDir() {
		return 0, 0, fmt.Errorf("%s is a folder, not an image", p)
	}
	if st.Size() > maxImageBytes {
		return 0, 0, fmt.Errorf("%s is %d MiB, over the %d MiB limit for images", p, st.Size()>>20, maxImageBytes>>20)
	}
	ext := strings.ToLower(path.Ext(p))
	if !imageExts[ext] {
		return 0, 0, fmt.Errorf("%s is not an image (images are .png, .jpg, .jpeg, .gif, .webp, .avif or .svg files)", p)
	}
	if ext == ".svg" {
		return svgSize(io.LimitReader(file, maxImageBytes))
	}
	if ext == ".avif" {
		data, err := io.ReadAll(io.LimitReader(file, maxImageBytes))
		if err != nil {
			return 0, 0, err
		}
		if err := checkAVIF(data); err != nil {
			return 0, 0, fmt.Errorf("%s: %v", p, err)
		}
		return 0, 0, nil // not a format we size; published as it is
	}
	cfg, format, err := image.DecodeConfig(file)
	if err != nil {
		return 0, 0, fmt.Errorf("%s is not a readable image: %v", p, err)
	}
	if !extMatches(ext, format) {
		return 0, 0, fmt.Errorf("%s is named %s but holds %s data (rename it to .%s)", p, ext, strings.ToUpper(format), format)
	}
	if int64(cfg.Width)*int64(cfg.Height) > maxImagePixels {
		return 0, 0, fmt.Errorf("%s claims %d×%d pixels, over the %d megapixel limit", p, cfg.Width, cfg.Height, maxImagePixels/1_000_000)
	}
	if format == "jpeg" {
		// A photo taken upright is often stored sideways with an EXIF
		// orientation; browsers turn it, so the page must give the size
		// as shown.
		head := make([]byte, 128<<10)
		n, _ := file.ReadAt(head, 0)
		if o := jpegOrientation(head[:n]); o >= 5 {
			return cfg.Height, cfg.Width, nil
		}
	}
	return cfg.Width, cfg.Height, nil
}

// imageExts are the files an entry may show as images. Anything else in
// the site (shiplog.toml, a .env, an .html page) is never published
// through an image reference.
var imageExts = map[string]bool{".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".webp": true, ".avif": true, ".svg": true}

func extMatches(ext, format string) bool {
	switch format {
	case "jpeg":
		return ext == ".jpg" || ext == ".jpeg"
	default:
		return ext == "."+format
	}
}

// exactName checks that p exists with exactly this spelling. Object stores
// and most servers are case-sensitive even when the author's laptop is
// not, so Diagram.PNG must not stand for diagram.png.
func (im *images) exactName(p string) error {
	dir, name := path.Split(p)
	dir = strings.TrimSuffix(dir, "/")
	if dir == "" {
		dir = "."
	}
	entries, err := fs.ReadDir(im.root.FS(), dir)
	if err != nil {
		return fmt.Errorf("%s does not exist", p)
	}
	for _, e := range entries {
		if e.Name() == name {
			return nil
		}
	}
	for _, e := range entries {
		if strings.EqualFold(e.Name(), name) {
			return fmt.Errorf("%s does not exist; the file is %s (names are case-sensitive once published)", p, path.Join(dir, e.Name()))
		}
	}
	return fmt.Errorf("%s does not exist", p)
}

// svgSize reads the width and height of an SVG's root element, falling back
// to its viewBox. It rejects SVGs that could run script when opened.
func svgSize(r io.Reader) (int, int, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return 0, 0, err
	}
	if err := svgSafe(data); err != nil {
		return 0, 0, err
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	for {
		tok, err := dec.Token()
		if err != nil {
			return 0, 0, fmt.Errorf("not a readable SVG: %v", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if se.Name.Local != "svg" {
			return 0, 0, errors.New("not an SVG: the root element is <" + se.Name.Local + ">")
		}
		var w, h float64
		var vb []float64
		for _, a := range se.Attr {
			switch a.Name.Local {
			case "width":
				w = svgLength(a.Value)
			case "height":
				h = svgLength(a.Value)
			case "viewBox":
				for _, f := range strings.FieldsFunc(a.Value, func(r rune) bool { return r == ' ' || r == ',' }) {
					x, _ := strconv.ParseFloat(f, 64)
					vb = append(vb, x)
				}
			}
		}
		if (w == 0 || h == 0) && len(vb) == 4 {
			w, h = vb[2], vb[3]
		}
		return int(w + 0.5), int(h + 0.5), nil
	}
}

func svgLength(s string) float64 {
	s = strings.TrimSuffix(strings.TrimSpace(s), "px")
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0
	}
	return f
}

// svgSafe rejects what could run script when the SVG is opened on its
// own: script and foreign-HTML elements, event handlers, attributes whose
// value is a script or document URL (href, but also the to= or values=
// of <set> and <animate>, which can rewrite an href), script URLs in
// <style>, and entity declarations, which could hide any of these from
// this check.
func svgSafe(data []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	inStyle := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("not a readable SVG: %v", err)
		}
		switch tok := tok.(type) {
		case xml.Directive:
			if bytes.Contains(bytes.ToUpper(tok), []byte("ENTITY")) {
				return errors.New("SVG declares entities; images may not (they can hide scripts)")
			}
		case xml.EndElement:
			if strings.EqualFold(tok.Name.Local, "style") && inStyle > 0 {
				inStyle--
			}
		case xml.CharData:
			if inStyle > 0 && scriptURL(string(tok)) {
				return errors.New("SVG style links to a script URL; images may not carry scripts")
			}
		case xml.StartElement:
			switch strings.ToLower(tok.Name.Local) {
			case "script", "foreignobject", "iframe", "embed", "object", "handler", "listener":
				return fmt.Errorf("SVG contains <%s>; images may not carry scripts or HTML", tok.Name.Local)
			case "style":
				inStyle++
			}
			for _, a := range tok.Attr {
				if strings.HasPrefix(strings.ToLower(a.Name.Local), "on") {
					return fmt.Errorf("SVG has an event handler (%s=); images may not carry scripts", a.Name.Local)
				}
				if scriptURL(a.Value) {
					return fmt.Errorf("SVG attribute %s= holds a script URL; images may not carry scripts", a.Name.Local)
				}
			}
		}
	}
}

// scriptURL reports whether s holds a URL that runs script or loads a
// document: javascript: and its kin, and data: URLs other than raster
// images, however spaced or cased. It looks anywhere in s, not only at
// the start, so a list such as values="x;javascript:..." is caught too.
func scriptURL(s string) bool {
	s = strings.ToLower(strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, s))
	for _, scheme := range []string{"javascript:", "vbscript:", "livescript:"} {
		if strings.Contains(s, scheme) {
			return true
		}
	}
	for rest := s; ; {
		i := strings.Index(rest, "data:")
		if i < 0 {
			return false
		}
		rest = rest[i+len("data:"):]
		if !strings.HasPrefix(rest, "image/png") && !strings.HasPrefix(rest, "image/jpeg") &&
			!strings.HasPrefix(rest, "image/gif") && !strings.HasPrefix(rest, "image/webp") {
			return true
		}
	}
}
