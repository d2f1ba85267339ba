package feed

import "html"

// RSS returns f as an RSS 2.0 document served at self: the full content in
// content:encoded, the summary in description, the item's id in a guid
// that is not a permalink, and dates in RFC 1123 with a numeric zone.
func RSS(f *Feed, self string) []byte { return AppendRSS(nil, f, self) }

// AppendRSS is RSS, written into dst[:0] (grown when it is too small), for
// a caller that reuses its buffers.
func AppendRSS(dst []byte, f *Feed, self string) []byte {
	p := prepare(f)
	w := newXMLWriter(dst, p.size())
	w.open("rss", "version", "2.0",
		"xmlns:atom", "http://www.w3.org/2005/Atom",
		"xmlns:content", "http://purl.org/rss/1.0/modules/content/",
		"xmlns:dc", "http://purl.org/dc/elements/1.1/")
	w.open("channel")
	w.text("title", p.Title)
	w.text("link", p.Link)
	w.text("description", cmpOr(p.Subtitle, p.Title))
	w.empty("atom:link", "href", clean(self), "rel", "self", "type", "application/rss+xml")
	if p.Language != "" {
		w.text("language", p.Language)
	}
	w.text("lastBuildDate", p.rfc1123(p.updated))
	w.text("generator", Generator)
	if p.Icon != "" {
		w.open("image")
		w.text("url", p.Icon)
		w.text("title", p.Title)
		w.text("link", p.Link)
		w.close("image")
	}
	for _, it := range p.Items {
		w.open("item")
		w.text("title", it.Title)
		w.text("link", it.URL)
		w.text("guid", it.ID, "isPermaLink", "false")
		w.text("pubDate", p.rfc1123(it.Published))
		// RSS's author element must be an e-mail address; dc:creator takes a name.
		if a := cmpOr(it.Author, p.Author); a != "" {
			w.text("dc:creator", a)
		}
		for _, t := range it.Tags {
			w.text("category", t)
		}
		// description holds HTML, so the plain-text summary is escaped as
		// HTML before it is escaped as XML.
		if it.Summary != "" {
			w.text("description", html.EscapeString(it.Summary))
		}
		if it.ContentHTML != "" {
			w.text("content:encoded", it.ContentHTML)
		}
		w.close("item")
	}
	w.close("channel")
	w.close("rss")
	return w.bytes()
}
