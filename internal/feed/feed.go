// Package feed writes syndication feeds: Atom 1.0 (RFC 4287), RSS 2.0 with
// the full content in content:encoded, and JSON Feed 1.1.
//
// A Feed is built by the caller from its own model; this package knows
// nothing about where the entries come from. The three writers take the
// same Feed and the absolute URL the document will be served at, and
// promise:
//
//   - Identity. An item's ID is written as it is when it is an absolute IRI
//     (urn:uuid:…, tag:…, https://…); any other text is mapped to a
//     urn:uuid derived from that text alone (see ID), so a feed id never
//     depends on a URL, a title or a file name unless the caller makes it.
//     The same item has the same id in all three formats.
//   - Dates. RFC 3339 in Atom and JSON Feed, RFC 1123 with a numeric zone in
//     RSS, all in Feed.Location. An item's updated date is its Updated, or
//     Published when it was never updated. The feed's updated date is
//     Feed.Updated, or the newest item's, or the Unix epoch for a feed
//     with no items, so output never depends on the clock.
//   - Escaping. Every string is escaped for its format; characters XML 1.0
//     cannot carry (C0 controls but tab and newline, DEL, C1 controls,
//     U+FFFE, U+FFFF, invalid UTF-8) are dropped first, in every format, so
//     the three agree. No CDATA sections are written, so "]]>" in content is
//     just text.
//   - Links. Relative href, src, srcset, poster and cite URLs in an item's
//     ContentHTML are resolved against the item's URL, so images and
//     in-page anchors work in a feed reader.
//   - Empty feeds are valid feeds.
//
// Output is deterministic: the same Feed gives the same bytes.
package feed

import (
	"crypto/sha256"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Generator names the program in the feeds' generator elements.
const Generator = "shiplog"

// GeneratorURI is the generator's home page.
const GeneratorURI = "https://github.com/shiplog/shiplog"

// Feed is one feed, in any format.
type Feed struct {
	Title     string
	Subtitle  string         // a sentence about the feed; RSS requires one and falls back to Title
	ID        string         // the feed's identity, an absolute IRI (see ID for other text)
	Link      string         // absolute URL of the HTML page the feed follows
	Language  string         // such as "en"; "" leaves it out
	Author    string         // the default author of every item; Atom falls back to Title
	AuthorURL string         // the author's home page; "" leaves it out
	Icon      string         // absolute URL of a square icon; "" leaves it out
	Location  *time.Location // dates are written in it; UTC when nil
	Updated   time.Time      // zero: the newest item's updated date
	Items     []Item         // in the order to write them, newest first
}

// Item is one entry of a feed.
type Item struct {
	ID          string    // stable identity; see the package doc; "" falls back to URL
	Title       string    // plain text
	URL         string    // absolute URL of the item's page
	Published   time.Time // required
	Updated     time.Time // zero when it was never updated
	Summary     string    // plain text; "" leaves it out
	ContentHTML string    // the full content as HTML; relative links are resolved against URL
	Image       string    // absolute URL of the item's main image; "" when none
	Author      string    // "" is the feed's author
	Tags        []string  // plain text

	prepared bool // Prepare has run: strings are clean and links absolute
}

// Prepare returns it with every string cleaned and the links in its
// content resolved. The writers prepare items themselves; a caller that
// puts the same item in many feeds can prepare it once and save the work.
func (it Item) Prepare() Item {
	if it.prepared {
		return it
	}
	it.Title = clean(it.Title)
	it.URL = clean(it.URL)
	it.ID = ID(cmpOr(clean(it.ID), it.URL))
	it.Summary = clean(it.Summary)
	it.ContentHTML = Absolutize(clean(it.ContentHTML), it.URL)
	it.Image = clean(it.Image)
	it.Author = clean(it.Author)
	tags := make([]string, 0, len(it.Tags))
	for _, t := range it.Tags {
		if t = clean(t); t != "" {
			tags = append(tags, t)
		}
	}
	it.Tags = tags
	it.prepared = true
	return it
}

// prepared is a feed ready to write: cleaned strings, resolved dates.
type prepared struct {
	Feed
	updated time.Time
}

func prepare(f *Feed) *prepared {
	p := &prepared{Feed: *f}
	if p.Location == nil {
		p.Location = time.UTC
	}
	p.Title = clean(p.Title)
	p.Subtitle = clean(p.Subtitle)
	p.ID = ID(clean(p.ID))
	p.Link = clean(p.Link)
	p.Language = clean(p.Language)
	p.Author = clean(p.Author)
	p.AuthorURL = clean(p.AuthorURL)
	p.Icon = clean(p.Icon)
	p.Items = make([]Item, len(f.Items))
	p.updated = f.Updated
	for i, it := range f.Items {
		it = it.Prepare()
		if it.Updated.Before(it.Published) {
			it.Updated = time.Time{}
		}
		p.Items[i] = it
		if f.Updated.IsZero() && updatedOf(it).After(p.updated) {
			p.updated = updatedOf(it)
		}
	}
	if p.updated.IsZero() {
		p.updated = time.Unix(0, 0)
	}
	return p
}

// size guesses how many bytes a document of p takes: its items' HTML,
// a fifth more for escaping, and some for each item's other elements.
func (p *prepared) size() int {
	n := 2048
	for _, it := range p.Items {
		n += len(it.ContentHTML) + len(it.ContentHTML)/5 + 2*len(it.Summary) + 768
	}
	return n
}

func updatedOf(it Item) time.Time {
	if it.Updated.IsZero() {
		return it.Published
	}
	return it.Updated
}

func (p *prepared) rfc3339(t time.Time) string { return t.In(p.Location).Format(time.RFC3339) }
func (p *prepared) rfc1123(t time.Time) string { return t.In(p.Location).Format(time.RFC1123Z) }

// iriScheme matches the start of an absolute IRI: a scheme, a colon and
// something after it.
var iriScheme = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]`)

// ID returns s when it can serve as an Atom id — an absolute IRI without
// spaces, control characters or the characters IRIs forbid — and
// otherwise a urn:uuid derived from s alone (a name-based, version 5
// style UUID from SHA-256), so the mapping never changes. "" stays "".
func ID(s string) string {
	if s == "" || (iriScheme.MatchString(s) && !strings.ContainsFunc(s, notInIRI)) {
		return s
	}
	return HashID("shiplog-feed-id:" + s)
}

// HashID returns a urn:uuid derived from s by SHA-256, with the version
// and variant bits of an RFC 9562 name-based UUID.
func HashID(s string) string {
	sum := sha256.Sum256([]byte(s))
	b := sum[:16]
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func notInIRI(r rune) bool {
	return r <= ' ' || r == 0x7f || (r >= 0x80 && r <= 0x9f) || strings.ContainsRune(`<>"{}|\^`+"`", r)
}

// clean drops what XML 1.0 cannot carry and what no feed should: C0
// controls but tab and newline, DEL, C1 controls, U+FFFE and U+FFFF, and
// bytes that are not UTF-8. Line ends become "\n".
func clean(s string) string {
	if !strings.ContainsFunc(s, dropped) && utf8.ValidString(s) {
		return s
	}
	s = strings.ToValidUTF8(s, "")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Map(func(r rune) rune {
		if dropped(r) {
			return -1
		}
		return r
	}, s)
}

func dropped(r rune) bool {
	switch {
	case r == '\t' || r == '\n':
		return false
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f, r == 0xfffe, r == 0xffff:
		return true
	}
	return false
}
