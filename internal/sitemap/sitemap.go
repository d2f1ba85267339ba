// Package sitemap writes sitemap.xml by the sitemaps.org protocol 0.9 and
// the robots.txt that points crawlers at it.
//
// One sitemap file holds at most 50,000 URLs and 50 MiB. When the URLs do
// not fit, they are split over sitemap-1.xml, sitemap-2.xml, … and
// sitemap.xml becomes a sitemap index that lists those files, so
// robots.txt always names the same file. Locations are written as
// RFC 3986 URLs (non-ASCII percent-encoded) and XML-escaped; dates in
// W3C Datetime form (RFC 3339) in Options.Location. Output is
// deterministic: the same URLs give the same bytes.
package sitemap

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Limits of one sitemap file, from the protocol.
const (
	MaxURLs  = 50_000
	MaxBytes = 50 << 20
)

// Name is the file that robots.txt names: the sitemap, or the index.
const Name = "sitemap.xml"

// URL is one page.
type URL struct {
	Loc     string    // absolute URL
	LastMod time.Time // zero leaves lastmod out
}

// Options tunes Write; the zero value follows the protocol.
type Options struct {
	Location *time.Location // dates are written in it; UTC when nil
	MaxURLs  int            // URLs per file; MaxURLs when 0
	MaxBytes int            // bytes per file; MaxBytes when 0
}

// File is one file to publish, named relative to the site's root.
type File struct {
	Name string
	Data []byte
}

const (
	header    = `<?xml version="1.0" encoding="utf-8"?>` + "\n"
	urlsetTag = `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n"
	urlsetEnd = "</urlset>\n"
	indexTag  = `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n"
	indexEnd  = "</sitemapindex>\n"
)

// Write returns the sitemap files for urls, in the order given. base is
// the absolute URL of the folder the files are published in (the site's
// base URL); it names the parts in an index.
func Write(urls []URL, base string, opts Options) []File {
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	maxURLs := opts.MaxURLs
	if maxURLs <= 0 {
		maxURLs = MaxURLs
	}
	maxBytes := opts.MaxBytes
	if maxBytes <= 0 {
		maxBytes = MaxBytes
	}
	room := maxBytes - len(header) - len(urlsetTag) - len(urlsetEnd)

	type part struct {
		body    strings.Builder
		n       int
		lastmod time.Time
	}
	parts := []*part{{}}
	for _, u := range urls {
		entry := urlEntry(u, opts.Location)
		cur := parts[len(parts)-1]
		if cur.n > 0 && (cur.n >= maxURLs || cur.body.Len()+len(entry) > room) {
			cur = &part{}
			parts = append(parts, cur)
		}
		cur.body.WriteString(entry)
		cur.n++
		if u.LastMod.After(cur.lastmod) {
			cur.lastmod = u.LastMod
		}
	}
	urlset := func(p *part) []byte {
		return []byte(header + urlsetTag + p.body.String() + urlsetEnd)
	}
	if len(parts) == 1 {
		return []File{{Name: Name, Data: urlset(parts[0])}}
	}
	base = strings.TrimSuffix(base, "/") + "/"
	files := make([]File, 0, len(parts)+1)
	var index strings.Builder
	index.WriteString(header + indexTag)
	for i, p := range parts {
		name := fmt.Sprintf("sitemap-%d.xml", i+1)
		files = append(files, File{Name: name, Data: urlset(p)})
		index.WriteString("  <sitemap>\n    <loc>" + escape(location(base+name)) + "</loc>\n")
		if !p.lastmod.IsZero() {
			index.WriteString("    <lastmod>" + p.lastmod.In(opts.Location).Format(time.RFC3339) + "</lastmod>\n")
		}
		index.WriteString("  </sitemap>\n")
	}
	index.WriteString(indexEnd)
	return append([]File{{Name: Name, Data: []byte(index.String())}}, files...)
}

func urlEntry(u URL, loc *time.Location) string {
	s := "  <url>\n    <loc>" + escape(location(u.Loc)) + "</loc>\n"
	if !u.LastMod.IsZero() {
		s += "    <lastmod>" + u.LastMod.In(loc).Format(time.RFC3339) + "</lastmod>\n"
	}
	return s + "  </url>\n"
}

// location returns s as an RFC 3986 URL: non-ASCII characters in its path
// percent-encoded, existing escapes kept.
func location(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return s
	}
	return u.String()
}

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;")

// escape escapes s for XML; the protocol asks for quotes to be escaped too.
func escape(s string) string { return escaper.Replace(s) }

// Robots returns a robots.txt that lets every crawler in and names the
// sitemap at sitemapURL; "" leaves the Sitemap line out (a site without
// an absolute base URL cannot name it).
func Robots(sitemapURL string) []byte {
	s := "# Written by shiplog. Put a robots.txt in static/ to replace it.\nUser-agent: *\nDisallow:\n"
	if sitemapURL != "" {
		s += "\nSitemap: " + sitemapURL + "\n"
	}
	return []byte(s)
}
