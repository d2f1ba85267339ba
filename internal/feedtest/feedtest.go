// Package feedtest checks feeds the strict way, for tests: every document
// is decoded with encoding/xml in strict mode or encoding/json with unknown
// fields refused, into types that mirror the formats, and the rules a
// lenient reader would forgive are asserted one by one: ids are absolute
// IRIs and unique, dates are in the exact form the format asks for, links
// (and, with Absolute, every URL inside content) are absolute. Each
// document is then parsed again with a real feed library
// (github.com/mmcdole/gofeed), and the two readings must agree on the
// entries.
//
// Lenient parsers alone accept broken feeds; this package exists so the
// feeds' tests do not.
package feedtest

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html"
)

// Options say what else to require of a document.
type Options struct {
	// Absolute requires every link, and every href and src inside content,
	// to be an absolute http(s) URL.
	Absolute bool
}

// Entry is what the three formats say about one entry, read strictly.
type Entry struct {
	ID, Title, URL     string
	Published, Updated string // as written
	Summary            string // text (RSS: the description as written, HTML)
	Content            string // HTML
	Tags               []string
}

// Doc is a feed read strictly.
type Doc struct {
	ID, Title, Link, Self, Updated string
	Entries                        []Entry
}

// AtomFeed mirrors an Atom 1.0 feed.
type AtomFeed struct {
	XMLName   xml.Name     `xml:"http://www.w3.org/2005/Atom feed"`
	Lang      string       `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	ID        string       `xml:"id"`
	Title     AtomText     `xml:"title"`
	Subtitle  *AtomText    `xml:"subtitle"`
	Updated   string       `xml:"updated"`
	Links     []AtomLink   `xml:"link"`
	Authors   []AtomAuthor `xml:"author"`
	Generator struct {
		URI  string `xml:"uri,attr"`
		Name string `xml:",chardata"`
	} `xml:"generator"`
	Icon    string      `xml:"icon"`
	Entries []AtomEntry `xml:"entry"`
}

// AtomText is a text construct.
type AtomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

// AtomLink is an atom:link.
type AtomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
	Href string `xml:"href,attr"`
}

// AtomAuthor is a person construct.
type AtomAuthor struct {
	Name string `xml:"name"`
	URI  string `xml:"uri"`
}

// AtomEntry is an atom:entry.
type AtomEntry struct {
	ID         string       `xml:"id"`
	Title      AtomText     `xml:"title"`
	Links      []AtomLink   `xml:"link"`
	Published  string       `xml:"published"`
	Updated    string       `xml:"updated"`
	Authors    []AtomAuthor `xml:"author"`
	Categories []struct {
		Term string `xml:"term,attr"`
	} `xml:"category"`
	Summary *AtomText `xml:"summary"`
	Content *AtomText `xml:"content"`
}

// RSSDoc mirrors an RSS 2.0 document.
type RSSDoc struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	Channel RSSChannel `xml:"channel"`
}

// RSSChannel is the channel.
type RSSChannel struct {
	Title         string    `xml:"title"`
	Links         []RSSLink `xml:"link"` // the channel's link and atom:link rel=self
	Description   string    `xml:"description"`
	Language      string    `xml:"language"`
	LastBuildDate string    `xml:"lastBuildDate"`
	Generator     string    `xml:"generator"`
	Items         []RSSItem `xml:"item"`
}

// RSSLink is a link element of the channel: RSS's own, with the URL as
// text, or atom:link, with attributes.
type RSSLink struct {
	XMLName xml.Name
	Rel     string `xml:"rel,attr"`
	Type    string `xml:"type,attr"`
	Href    string `xml:"href,attr"`
	Text    string `xml:",chardata"`
}

// RSSItem is an item.
type RSSItem struct {
	Title string `xml:"title"`
	Link  string `xml:"link"`
	GUID  struct {
		IsPermaLink string `xml:"isPermaLink,attr"`
		Value       string `xml:",chardata"`
	} `xml:"guid"`
	PubDate     string   `xml:"pubDate"`
	Creator     string   `xml:"http://purl.org/dc/elements/1.1/ creator"`
	Categories  []string `xml:"category"`
	Description string   `xml:"description"`
	Encoded     string   `xml:"http://purl.org/rss/1.0/modules/content/ encoded"`
}

// JSONFeed mirrors a JSON Feed 1.1 document; unknown fields are refused.
type JSONFeed struct {
	Version     string       `json:"version"`
	Title       string       `json:"title"`
	HomePageURL string       `json:"home_page_url"`
	FeedURL     string       `json:"feed_url"`
	Description string       `json:"description"`
	Icon        string       `json:"icon"`
	Language    string       `json:"language"`
	Authors     []JSONAuthor `json:"authors"`
	Items       []JSONItem   `json:"items"`
}

// JSONAuthor is an author.
type JSONAuthor struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

// JSONItem is an item.
type JSONItem struct {
	ID            string       `json:"id"`
	URL           string       `json:"url"`
	Title         string       `json:"title"`
	ContentHTML   string       `json:"content_html"`
	ContentText   string       `json:"content_text"`
	Summary       string       `json:"summary"`
	Image         string       `json:"image"`
	DatePublished string       `json:"date_published"`
	DateModified  string       `json:"date_modified"`
	Authors       []JSONAuthor `json:"authors"`
	Tags          []string     `json:"tags"`
}

// strictXML decodes data into v in strict mode, after checking the XML
// declaration.
func strictXML(data []byte, v any) error {
	if !bytes.HasPrefix(data, []byte(`<?xml version="1.0" encoding="utf-8"?>`)) {
		return fmt.Errorf("no XML declaration with version and encoding")
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	if err := d.Decode(v); err != nil {
		return err
	}
	// Nothing but white space may follow the root element.
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		if cd, ok := tok.(xml.CharData); ok && len(bytes.TrimSpace(cd)) == 0 {
			continue
		}
		return fmt.Errorf("content after the root element: %T", tok)
	}
	return nil
}

// Atom reads an Atom feed strictly, checks it and returns what it says.
func Atom(t testing.TB, data []byte, opts Options) *Doc {
	t.Helper()
	var f AtomFeed
	if err := strictXML(data, &f); err != nil {
		t.Fatalf("Atom: strict decode: %v\n%s", err, data)
	}
	c := &checker{t: t, format: "Atom", opts: opts}
	doc := &Doc{ID: f.ID, Title: f.Title.Body, Updated: f.Updated}
	c.iri("feed id", f.ID)
	c.nonEmpty("feed title", f.Title.Body)
	c.date3339("feed updated", f.Updated)
	if len(f.Authors) == 0 || f.Authors[0].Name == "" {
		c.errorf("the feed has no author name")
	}
	for _, l := range f.Links {
		switch l.Rel {
		case "self":
			doc.Self = l.Href
		case "alternate":
			doc.Link = l.Href
		}
		c.link("feed link "+l.Rel, l.Href)
	}
	if doc.Self == "" {
		c.errorf("no link rel=self")
	}
	for i, e := range f.Entries {
		where := fmt.Sprintf("entry %d", i)
		en := Entry{ID: e.ID, Title: e.Title.Body, Published: e.Published, Updated: e.Updated}
		c.iri(where+" id", e.ID)
		c.nonEmpty(where+" title", e.Title.Body)
		c.date3339(where+" published", e.Published)
		c.date3339(where+" updated", e.Updated)
		if e.Title.Type != "text" {
			c.errorf("%s title type = %q, want text", where, e.Title.Type)
		}
		for _, l := range e.Links {
			c.link(where+" link", l.Href)
			if l.Rel == "alternate" {
				en.URL = l.Href
			}
		}
		if en.URL == "" {
			c.errorf("%s has no alternate link", where)
		}
		if e.Summary != nil {
			en.Summary = e.Summary.Body
		}
		if e.Content != nil {
			if e.Content.Type != "html" {
				c.errorf("%s content type = %q, want html", where, e.Content.Type)
			}
			en.Content = e.Content.Body
			c.content(where, en.Content)
		}
		for _, cat := range e.Categories {
			en.Tags = append(en.Tags, cat.Term)
		}
		doc.Entries = append(doc.Entries, en)
	}
	c.unique(doc)
	c.library(data, "atom", doc)
	return doc
}

// RSS reads an RSS 2.0 document strictly, checks it and returns what it says.
func RSS(t testing.TB, data []byte, opts Options) *Doc {
	t.Helper()
	var r RSSDoc
	if err := strictXML(data, &r); err != nil {
		t.Fatalf("RSS: strict decode: %v\n%s", err, data)
	}
	c := &checker{t: t, format: "RSS", opts: opts}
	if r.Version != "2.0" {
		c.errorf("version = %q, want 2.0", r.Version)
	}
	ch := r.Channel
	doc := &Doc{Title: ch.Title, Updated: ch.LastBuildDate}
	for _, l := range ch.Links {
		switch {
		case l.XMLName.Space == "":
			doc.Link = l.Text
		case l.XMLName.Space == "http://www.w3.org/2005/Atom" && l.Rel == "self":
			doc.Self = l.Href
			c.link("atom:link self", l.Href)
		}
	}
	c.nonEmpty("channel title", ch.Title)
	c.nonEmpty("channel description", ch.Description)
	c.link("channel link", doc.Link)
	c.date1123("lastBuildDate", ch.LastBuildDate)
	if doc.Self == "" {
		c.errorf("no atom:link rel=self")
	}
	for i, it := range ch.Items {
		where := fmt.Sprintf("item %d", i)
		c.nonEmpty(where+" title", it.Title)
		c.link(where+" link", it.Link)
		c.date1123(where+" pubDate", it.PubDate)
		if it.GUID.IsPermaLink != "false" {
			c.errorf("%s guid isPermaLink = %q, want false", where, it.GUID.IsPermaLink)
		}
		c.iri(where+" guid", it.GUID.Value)
		if it.Encoded != "" {
			c.content(where, it.Encoded)
		}
		doc.Entries = append(doc.Entries, Entry{
			ID: it.GUID.Value, Title: it.Title, URL: it.Link, Published: it.PubDate,
			Summary: it.Description, Content: it.Encoded, Tags: it.Categories,
		})
	}
	c.unique(doc)
	c.library(data, "rss", doc)
	return doc
}

// JSON reads a JSON Feed 1.1 document strictly, checks it and returns what
// it says.
func JSON(t testing.TB, data []byte, opts Options) *Doc {
	t.Helper()
	var f JSONFeed
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	if err := d.Decode(&f); err != nil {
		t.Fatalf("JSON Feed: strict decode: %v\n%s", err, data)
	}
	if d.More() {
		t.Fatalf("JSON Feed: content after the document")
	}
	c := &checker{t: t, format: "JSON Feed", opts: opts}
	if f.Version != "https://jsonfeed.org/version/1.1" {
		c.errorf("version = %q", f.Version)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil || !bytes.HasPrefix(bytes.TrimSpace(top["items"]), []byte("[")) {
		c.errorf("items is missing or not a list")
	}
	c.nonEmpty("title", f.Title)
	c.link("home_page_url", f.HomePageURL)
	c.link("feed_url", f.FeedURL)
	doc := &Doc{Title: f.Title, Link: f.HomePageURL, Self: f.FeedURL}
	for i, it := range f.Items {
		where := fmt.Sprintf("item %d", i)
		c.iri(where+" id", it.ID)
		c.link(where+" url", it.URL)
		c.date3339(where+" date_published", it.DatePublished)
		if it.DateModified != "" {
			c.date3339(where+" date_modified", it.DateModified)
		}
		if it.ContentHTML == "" && it.ContentText == "" {
			c.errorf("%s has neither content_html nor content_text", where)
		}
		if it.ContentHTML != "" {
			c.content(where, it.ContentHTML)
		}
		if it.Image != "" {
			c.link(where+" image", it.Image)
		}
		doc.Entries = append(doc.Entries, Entry{
			ID: it.ID, Title: it.Title, URL: it.URL, Published: it.DatePublished, Updated: it.DateModified,
			Summary: it.Summary, Content: it.ContentHTML, Tags: it.Tags,
		})
	}
	c.unique(doc)
	c.library(data, "json", doc)
	return doc
}

// IDs returns the entry ids of doc.
func (d *Doc) IDs() []string {
	ids := make([]string, len(d.Entries))
	for i, e := range d.Entries {
		ids[i] = e.ID
	}
	return ids
}

type checker struct {
	t      testing.TB
	format string
	opts   Options
}

func (c *checker) errorf(format string, args ...any) {
	c.t.Helper()
	c.t.Errorf(c.format+": "+format, args...)
}

func (c *checker) nonEmpty(what, s string) {
	c.t.Helper()
	if strings.TrimSpace(s) == "" {
		c.errorf("%s is empty", what)
	}
}

// iri checks that s is an absolute IRI: a scheme, then no white space.
func (c *checker) iri(what, s string) {
	c.t.Helper()
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' }) {
		c.errorf("%s %q is not an absolute IRI", what, s)
	}
}

func (c *checker) link(what, s string) {
	c.t.Helper()
	if s == "" {
		c.errorf("%s is empty", what)
		return
	}
	if !c.opts.Absolute {
		return
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		c.errorf("%s %q is not an absolute http(s) URL", what, s)
	}
}

func (c *checker) date3339(what, s string) {
	c.t.Helper()
	if _, err := time.Parse(time.RFC3339, s); err != nil {
		c.errorf("%s %q is not RFC 3339: %v", what, s, err)
	}
}

func (c *checker) date1123(what, s string) {
	c.t.Helper()
	tm, err := time.Parse(time.RFC1123Z, s)
	if err != nil {
		c.errorf("%s %q is not RFC 1123 with a numeric zone: %v", what, s, err)
		return
	}
	if tm.Format(time.RFC1123Z) != s {
		c.errorf("%s %q does not round-trip (%q)", what, s, tm.Format(time.RFC1123Z))
	}
}

// content checks the URLs inside an entry's HTML.
func (c *checker) content(where, h string) {
	c.t.Helper()
	if !c.opts.Absolute {
		return
	}
	z := html.NewTokenizer(strings.NewReader(h))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		for _, a := range tok.Attr {
			switch a.Key {
			case "href", "src", "poster", "cite":
				u, err := url.Parse(strings.TrimSpace(a.Val))
				if err != nil || !u.IsAbs() {
					c.errorf("%s content: <%s %s=%q> is not absolute", where, tok.Data, a.Key, a.Val)
				}
			case "srcset":
				for _, part := range strings.Split(a.Val, ",") {
					if f := strings.Fields(part); len(f) > 0 {
						if u, err := url.Parse(f[0]); err != nil || !u.IsAbs() {
							c.errorf("%s content: <%s srcset> URL %q is not absolute", where, tok.Data, f[0])
						}
					}
				}
			}
		}
	}
}

func (c *checker) unique(d *Doc) {
	c.t.Helper()
	seen := map[string]bool{}
	for _, e := range d.Entries {
		if seen[e.ID] {
			c.errorf("id %q is used twice", e.ID)
		}
		seen[e.ID] = true
	}
}

// library parses data with gofeed and compares its reading with the
// strict one.
func (c *checker) library(data []byte, wantType string, d *Doc) {
	c.t.Helper()
	f, err := gofeed.NewParser().Parse(bytes.NewReader(data))
	if err != nil {
		c.errorf("gofeed: %v", err)
		return
	}
	if f.FeedType != wantType {
		c.errorf("gofeed reads it as %q, want %q", f.FeedType, wantType)
	}
	if f.Title != d.Title {
		c.errorf("gofeed title = %q, strict reading %q", f.Title, d.Title)
	}
	if len(f.Items) != len(d.Entries) {
		c.errorf("gofeed finds %d items, strict reading %d", len(f.Items), len(d.Entries))
		return
	}
	for i, it := range f.Items {
		e := d.Entries[i]
		if it.GUID != e.ID {
			c.errorf("item %d: gofeed id = %q, strict reading %q", i, it.GUID, e.ID)
		}
		if it.Title != e.Title {
			c.errorf("item %d: gofeed title = %q, strict reading %q", i, it.Title, e.Title)
		}
		if it.Link != e.URL {
			c.errorf("item %d: gofeed link = %q, strict reading %q", i, it.Link, e.URL)
		}
		if it.PublishedParsed == nil {
			c.errorf("item %d: gofeed cannot read the published date %q", i, e.Published)
		}
		// gofeed trims the content; the feeds' own text must be the same otherwise.
		if e.Content != "" && it.Content != strings.TrimSpace(e.Content) {
			c.errorf("item %d: gofeed content differs from the strict reading:\n%q\n%q", i, it.Content, e.Content)
		}
	}
}
