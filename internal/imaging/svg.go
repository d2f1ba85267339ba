package imaging

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// svgSize reads the width and height of an SVG's root element, falling back
// to its viewBox. It rejects SVGs that could run script when opened.
func svgSize(data []byte) (int, int, error) {
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
	if err != nil || f < 0 || f > 1e6 {
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
