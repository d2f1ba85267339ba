package render

import (
	"html/template"
	"time"
)

// Site is what every page knows about the site.
type Site struct {
	Title    string
	Author   string
	Tagline  string
	Intro    string
	HomeURL  string // the author's home page; "" when not configured
	HomeHost string // HomeURL without scheme, for the link text
	Lang     string
	Root     string // path prefix of the site, "/" or "/sub/"
	CSS      string // URL of the stylesheet
	TickerJS string // URL of the ticker's script, "" when the strip needs none
	SearchJS string // URL of the search script
	Search   string // URL of the search page, whose index.json is the index
	Favicon  string // URL of the favicon, "" when none
	Ticker   Ticker
	Serve    bool       // rendered by the dev server
	Feeds    []FeedLink // the whole log's feeds, offered on every page
}

// Ticker is the headline strip at the top of every page.
type Ticker struct {
	Items   []Headline
	Note    string // shown when there are no headlines
	AsOf    string // "as of 14:05 UTC"
	Label   string // "Top stories", or "Popular on the front page" for the fallback
	Seconds int    // one loop of the marquee, longer for more text
	Live    string // URL the page polls for new headlines (dev server); "" for none
	// FetchedAt (RFC 3339) tells the live page whether a polled strip is new.
	FetchedAt string
}

// Headline is one story in the ticker.
type Headline struct {
	Title, URL, DiscussURL string
	Points, Comments       int
	Marker                 *Link // "in your log: 2 entries", linking to them
}

// Page is what every page has.
type Page struct {
	Site        *Site
	Title       string // the <title>, without the site name
	Description string
	Path        string      // URL path of the page, with Site.Root
	Canonical   string      // absolute URL when base_url is set, else Path
	Section     string      // "home", "log", "tags", "projects", "lessons", "archive"
	Feeds       []FeedLink  // feeds of this page's own subject (a tag, a project, the lessons), before the site's
	Social      *Social     // Open Graph and Twitter card tags; nil leaves them out
	LD          *LinkedData // schema.org JSON-LD; nil leaves it out
}

// FeedLink is a feed offered for discovery with <link rel="alternate">.
type FeedLink struct {
	Title  string // "Mara's log (Atom)", for feed readers
	Format string // "Atom", "RSS", "JSON Feed", for people
	Type   string // "application/atom+xml", "application/rss+xml", "application/feed+json"
	URL    string
}

// Social is what a link preview shows (Open Graph and Twitter cards).
type Social struct {
	Type        string // "website" or "article"
	Title       string
	Description string
	URL         string // absolute
	SiteName    string
	Image       *Image    // absolute URL of a raster image; nil when none
	Published   time.Time // articles only; zero leaves it out
	Modified    time.Time
	Tags        []string
}

// LinkedData is a schema.org object (BlogPosting, TechArticle or Blog),
// written as JSON-LD; html/template encodes it as JSON in the script
// element, escaping what could end the element.
type LinkedData struct {
	Context       string        `json:"@context,omitempty"`
	Type          string        `json:"@type"`
	Name          string        `json:"name,omitempty"`
	Headline      string        `json:"headline,omitempty"`
	Description   string        `json:"description,omitempty"`
	URL           string        `json:"url"`
	MainEntity    string        `json:"mainEntityOfPage,omitempty"`
	Image         []string      `json:"image,omitempty"`
	DatePublished string        `json:"datePublished,omitempty"`
	DateModified  string        `json:"dateModified,omitempty"`
	Author        *LinkedPerson `json:"author,omitempty"`
	Keywords      []string      `json:"keywords,omitempty"`
	InLanguage    string        `json:"inLanguage,omitempty"`
	IsPartOf      *LinkedData   `json:"isPartOf,omitempty"`
}

// LinkedPerson is a schema.org Person.
type LinkedPerson struct {
	Type string `json:"@type"`
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

// Link is a labelled URL.
type Link struct {
	Label string
	URL   string
	Count int
	Rel   string
}

// Entry is an entry ready for a template.
type Entry struct {
	URL        string
	Slug       string
	Title      string
	Kind       string
	KindLabel  string
	KindURL    string
	Project    *Link
	Tags       []Link
	Date       time.Time
	Updated    time.Time
	Summary    string
	Hero       *Image
	HeroEager  bool // the first hero of a page loads at once, the rest lazily
	Body       template.HTML
	Lesson     template.HTML
	LessonText string
	Minutes    int
	TOC        []Heading
	Draft      bool
	// Row is the "entry-row" partial rendered with this entry, once per
	// build (lists show an entry eight times or more); "" when it was
	// not, and the "row" partial then renders it in place.
	Row template.HTML `json:"-"`
	// FullHead and FullTail are the "entry-full" partial rendered with
	// this entry as the log's stream shows it, before and after its body,
	// once per build (each entry is in two streams); "" when they were
	// not, and the "full" partial then renders "entry-full" in place.
	FullHead, FullTail template.HTML `json:"-"`
}

// Image is a picture with its size.
type Image struct {
	URL           string
	Alt           string
	Caption       string
	Width, Height int
	// SrcSet, when set, offers variants of Type ("image/webp") at several
	// widths, chosen by Sizes, in a <picture>; URL is then the fallback.
	SrcSet, Type, Sizes string
	Thumb               string // a medium-sized variant for lists and cards; "" when none
}

// Heading is an entry of a table of contents.
type Heading struct {
	Level int
	ID    string
	Text  string
}

// Pager links the pages of a paginated list.
type Pager struct {
	Number, Total int
	Prev, Next    string // URLs, "" at the ends
	Pages         []Link // every page, for a numbered pager
}

// StreamPage is the log stream: full entries, newest first.
type StreamPage struct {
	Page
	Heading string
	Kind    string // the kind filter in effect, "" for all
	Kinds   []Link // the filter links; Rel "current" marks the active one
	Entries []*Entry
	Pager   Pager
}

// EntryPage is one entry on its own.
type EntryPage struct {
	Page
	Entry      *Entry
	Prev, Next *Link // older and newer entries
	Related    []*Entry
}

// HomePage is the site's front page.
type HomePage struct {
	Page
	About    template.HTML
	Latest   []*Entry
	Projects []Link
	Counts   []Link // entries per kind
	Total    int
}

// TermPage lists the entries with one tag or in one project.
type TermPage struct {
	Page
	Heading string
	What    string // "tag" or "project"
	Entries []*Entry
	Kinds   []Link // counts per kind within the term
	First   time.Time
	Last    time.Time
}

// TermsPage lists every tag or every project.
type TermsPage struct {
	Page
	Heading string
	What    string
	Terms   []Link
}

// ArchivePage lists every entry by year and month.
type ArchivePage struct {
	Page
	Years []ArchiveYear
}

// ArchiveYear is one year of the archive.
type ArchiveYear struct {
	Year    int
	Months  []ArchiveMonth
	Entries int
}

// ArchiveMonth is one month of the archive.
type ArchiveMonth struct {
	Name    string
	Entries []*Entry
}

// LessonsPage collects every lesson with a link to its entry.
type LessonsPage struct {
	Page
	Lessons  []*Entry       // every lesson, newest first
	Groups   []LessonGroup  // near-duplicate lessons together, newest first
	Repeated []*LessonGroup // the groups of lessons learned more than once, most often first
}

// LessonGroup is one lesson and the entries that taught it, in the words
// of the newest.
type LessonGroup struct {
	ID      string
	Lesson  template.HTML
	Text    string   // the lesson as plain text
	Count   int      // entries that taught it
	Entries []*Entry // newest first, at most a few
	More    int      // entries not listed
}

// SearchPage is /search/; search.js fills in the results of ?q=.
type SearchPage struct {
	Page
	Entries int // entries in the index
}

// ErrorsPage lists the error messages the log has met, grouped by
// signature, most often met first.
type ErrorsPage struct {
	Page
	Groups  []ErrorGroup
	Total   int // groups on every page
	Entries int // entries with an error
	Pager   Pager
}

// ErrorGroup is one error signature and the entries that met it.
type ErrorGroup struct {
	ID      string // the anchor, from the signature
	Message string // as the newest entry wrote it
	Count   int
	Seen    []ErrorSeen // newest first, at most a few
	More    int         // entries not listed
	MoreURL string      // a search for the message
}

// ErrorSeen is an entry that met an error.
type ErrorSeen struct {
	Entry   *Entry
	Fix     string // URL of the entry's fix, "" when it has no such section
	Message string // the entry's wording, when it differs from the group's
}

// NotFoundPage is the 404 page.
type NotFoundPage struct {
	Page
	Latest []*Entry
}
