package feed

// Atom returns f as an Atom 1.0 document (RFC 4287) served at self.
// Content is full HTML (type="html"); the summary is text.
func Atom(f *Feed, self string) []byte { return AppendAtom(nil, f, self) }

// AppendAtom is Atom, written into dst[:0] (grown when it is too small), for
// a caller that reuses its buffers.
func AppendAtom(dst []byte, f *Feed, self string) []byte {
	p := prepare(f)
	w := newXMLWriter(dst, p.size())
	root := []string{"xmlns", "http://www.w3.org/2005/Atom"}
	if p.Language != "" {
		root = append(root, "xml:lang", p.Language)
	}
	w.open("feed", root...)
	w.text("id", p.ID)
	w.text("title", p.Title, "type", "text")
	if p.Subtitle != "" {
		w.text("subtitle", p.Subtitle, "type", "text")
	}
	w.text("updated", p.rfc3339(p.updated))
	w.empty("link", "rel", "self", "type", "application/atom+xml", "href", clean(self))
	if p.Link != "" {
		w.empty("link", "rel", "alternate", "type", "text/html", "href", p.Link)
	}
	// A feed needs an author unless every entry has one; an empty feed has
	// none, so the feed always names one.
	w.open("author")
	w.text("name", cmpOr(p.Author, p.Title))
	if p.AuthorURL != "" {
		w.text("uri", p.AuthorURL)
	}
	w.close("author")
	w.text("generator", Generator, "uri", GeneratorURI)
	if p.Icon != "" {
		w.text("icon", p.Icon)
	}
	for _, it := range p.Items {
		w.open("entry")
		w.text("id", it.ID)
		w.text("title", it.Title, "type", "text")
		w.empty("link", "rel", "alternate", "type", "text/html", "href", it.URL)
		w.text("published", p.rfc3339(it.Published))
		w.text("updated", p.rfc3339(updatedOf(it)))
		if it.Author != "" && it.Author != p.Author {
			w.open("author")
			w.text("name", it.Author)
			w.close("author")
		}
		for _, t := range it.Tags {
			w.empty("category", "term", t)
		}
		if it.Summary != "" {
			w.text("summary", it.Summary, "type", "text")
		}
		if it.ContentHTML != "" {
			w.text("content", it.ContentHTML, "type", "html")
		}
		w.close("entry")
	}
	w.close("feed")
	return w.bytes()
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
