package feed

import (
	"bytes"
	"encoding/json"
)

// JSONVersion is the JSON Feed version written.
const JSONVersion = "https://jsonfeed.org/version/1.1"

type jsonFeed struct {
	Version     string       `json:"version"`
	Title       string       `json:"title"`
	HomePageURL string       `json:"home_page_url,omitempty"`
	FeedURL     string       `json:"feed_url,omitempty"`
	Description string       `json:"description,omitempty"`
	Icon        string       `json:"icon,omitempty"`
	Language    string       `json:"language,omitempty"`
	Authors     []jsonAuthor `json:"authors,omitempty"`
	Items       []jsonItem   `json:"items"`
}

type jsonAuthor struct {
	Name string `json:"name,omitempty"`
	URL  string `json:"url,omitempty"`
}

type jsonItem struct {
	ID            string       `json:"id"`
	URL           string       `json:"url,omitempty"`
	Title         string       `json:"title,omitempty"`
	ContentHTML   string       `json:"content_html,omitempty"`
	ContentText   string       `json:"content_text,omitempty"`
	Summary       string       `json:"summary,omitempty"`
	Image         string       `json:"image,omitempty"`
	DatePublished string       `json:"date_published,omitempty"`
	DateModified  string       `json:"date_modified,omitempty"`
	Authors       []jsonAuthor `json:"authors,omitempty"`
	Tags          []string     `json:"tags,omitempty"`
}

// JSON returns f as a JSON Feed 1.1 document served at self, with the
// full content in content_html. The feed's updated date has no place in
// JSON Feed; each item carries its own.
func JSON(f *Feed, self string) []byte { return AppendJSON(nil, f, self) }

// AppendJSON is JSON, written into dst[:0] (grown when it is too small),
// for a caller that reuses its buffers.
func AppendJSON(dst []byte, f *Feed, self string) []byte {
	p := prepare(f)
	jf := jsonFeed{
		Version:     JSONVersion,
		Title:       p.Title,
		HomePageURL: p.Link,
		FeedURL:     clean(self),
		Description: p.Subtitle,
		Icon:        p.Icon,
		Language:    p.Language,
		Items:       make([]jsonItem, 0, len(p.Items)),
	}
	if p.Author != "" {
		jf.Authors = []jsonAuthor{{Name: p.Author, URL: p.AuthorURL}}
	}
	for _, it := range p.Items {
		ji := jsonItem{
			ID:            it.ID,
			URL:           it.URL,
			Title:         it.Title,
			ContentHTML:   it.ContentHTML,
			Summary:       it.Summary,
			Image:         it.Image,
			DatePublished: p.rfc3339(it.Published),
			Tags:          it.Tags,
		}
		if ji.ContentHTML == "" {
			ji.ContentText = cmpOr(it.Summary, it.Title) // an item needs content_html or content_text
		}
		if !it.Updated.IsZero() {
			ji.DateModified = p.rfc3339(it.Updated)
		}
		if it.Author != "" && it.Author != p.Author {
			ji.Authors = []jsonAuthor{{Name: it.Author}}
		}
		jf.Items = append(jf.Items, ji)
	}
	buf := bytes.NewBuffer(dst[:0])
	buf.Grow(p.size())
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(jf); err != nil {
		// Only strings, slices and structs of them are encoded; this cannot fail.
		panic("feed: encode JSON Feed: " + err.Error())
	}
	return buf.Bytes()
}
