package feed

import (
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// urlAttrs are the attributes whose values are URLs a feed reader follows.
var urlAttrs = map[string]bool{"href": true, "src": true, "poster": true, "cite": true}

// Absolutize returns the HTML fragment h with every relative URL in an
// href, src, srcset, poster or cite attribute resolved against base:
// "#fix" becomes "https://log.example.dev/log/x/#fix" and "/log/x/a.png"
// becomes "https://log.example.dev/log/x/a.png". A tag with nothing to
// resolve, and everything between tags, is copied byte for byte; a tag
// that changes is written again from its parsed attributes. A value that
// does not parse as a URL is left as it is.
func Absolutize(h, base string) string { return absolutize(h, base, true) }

// absolutize is Absolutize; filter lets a tag that names none of the URL
// attributes through untouched without parsing it (tests turn it off to
// compare).
func absolutize(h, base string, filter bool) string {
	b, err := url.Parse(base)
	if err != nil || !strings.Contains(h, "=") {
		return h
	}
	var out strings.Builder
	out.Grow(len(h) + len(h)/8)
	z := html.NewTokenizer(strings.NewReader(h))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break // io.EOF: the tokenizer accepts any bytes, so nothing else ends it
		}
		raw := z.Raw()
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			out.Write(raw)
			continue
		}
		if filter && !mayNameURLAttr(raw) {
			// Most tags: a highlighted code block is mostly <span class=…>.
			out.Write(raw)
			continue
		}
		// Raw must be copied before TagName and TagAttr, which reuse the buffer.
		rawCopy := string(raw)
		if tag, ok := rewriteTag(z, tt, b); ok {
			out.WriteString(tag)
		} else {
			out.WriteString(rawCopy)
		}
	}
	return out.String()
}

// mayNameURLAttr reports whether the raw tag holds, in any case, one of
// the names of the attributes rewriteTag resolves: href, src (and
// srcset), poster and cite. The tokenizer gives attribute names as
// their bytes lowercased, so a tag that holds none of them anywhere has
// no such attribute; one that holds a name only in a value is parsed for
// nothing.
func mayNameURLAttr(raw []byte) bool {
	for i := 0; i < len(raw); i++ {
		var name string
		switch raw[i] | 0x20 {
		case 'h':
			name = "href"
		case 's':
			name = "src"
		case 'p':
			name = "poster"
		case 'c':
			name = "cite"
		default:
			continue
		}
		if hasPrefixFold(raw[i:], name) {
			return true
		}
	}
	return false
}

// hasPrefixFold reports whether b starts with the lowercase ASCII word
// name, in any case.
func hasPrefixFold(b []byte, name string) bool {
	if len(b) < len(name) {
		return false
	}
	for j := range len(name) {
		if b[j]|0x20 != name[j] {
			return false
		}
	}
	return true
}

type attr struct{ key, val string }

// rewriteTag reads the current tag's attributes and, when one of them
// holds a relative URL, returns the tag written again with it resolved.
func rewriteTag(z *html.Tokenizer, tt html.TokenType, base *url.URL) (string, bool) {
	name, more := z.TagName()
	var attrs []attr
	changed := false
	for more {
		var k, v []byte
		k, v, more = z.TagAttr()
		a := attr{string(k), string(v)}
		switch {
		case urlAttrs[a.key]:
			if r, ok := resolve(strings.TrimSpace(a.val), base); ok {
				a.val, changed = r, true
			}
		case a.key == "srcset":
			if r, ok := resolveSrcset(a.val, base); ok {
				a.val, changed = r, true
			}
		}
		attrs = append(attrs, a)
	}
	if !changed {
		return "", false
	}
	var b strings.Builder
	b.WriteByte('<')
	b.Write(name)
	for _, a := range attrs {
		b.WriteByte(' ')
		b.WriteString(a.key)
		b.WriteString(`="`)
		b.WriteString(escapeAttr(a.val))
		b.WriteByte('"')
	}
	if tt == html.SelfClosingTagToken {
		b.WriteString(" /")
	}
	b.WriteByte('>')
	return b.String(), true
}

func resolveSrcset(val string, base *url.URL) (string, bool) {
	parts := strings.Split(val, ",")
	changed := false
	for i, p := range parts {
		f := strings.Fields(p)
		if len(f) == 0 {
			continue
		}
		if r, ok := resolve(f[0], base); ok {
			f[0], changed = r, true
		}
		parts[i] = strings.Join(f, " ")
	}
	return strings.Join(parts, ", "), changed
}

// resolve returns s resolved against base, and false when s is empty,
// already absolute or not a URL.
func resolve(s string, base *url.URL) (string, bool) {
	if s == "" {
		return "", false
	}
	ref, err := url.Parse(s)
	if err != nil || ref.IsAbs() {
		return "", false
	}
	r := base.ResolveReference(ref).String()
	return r, r != s
}

var attrEscaper = strings.NewReplacer("&", "&amp;", `"`, "&#34;")

func escapeAttr(s string) string { return attrEscaper.Replace(s) }
