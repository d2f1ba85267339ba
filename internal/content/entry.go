package content

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/shiplog/shiplog/internal/diag"
	"github.com/shiplog/shiplog/internal/slug"
)

// Kinds are the kinds of entry, in the order the log's filter shows them.
var Kinds = []string{"broke", "built", "decision", "note"}

// Entry is one engineering-log entry: its front matter, validated, and its
// Markdown body, not yet rendered.
type Entry struct {
	Path     string // source file, relative to the site root, slash-separated
	ID       string // stable identity for feeds; never derived from URL or title
	Title    string
	Date     time.Time
	Updated  time.Time // zero when not given
	Kind     string    // one of Kinds
	Project  string    // display name; "" when none
	Tags     []string  // display names, deduplicated, in the order written
	Summary  string
	Hero     *Image
	Lesson   string   // from front matter; the renderer may fill it from the body
	Errors   []string // exact error messages this entry solved
	Draft    bool
	Slug     string
	Aliases  []string // site paths that redirect to this entry
	Body     []byte   // Markdown after the front matter; see Source
	BodyLine int      // source line where Body starts

	keyPos   [len(knownKeys)]keyPos // where each known key was written; line 0 when it was not
	url      string                 // URL() when the entry was read
	spill    *spilled               // where Body is when Load left it on disk
	released bool                   // Release dropped Body
}

// Release drops e's Markdown body, for a build that has rendered it and
// will not again: on a big log the bodies held in memory are a good part
// of what the rest of the build may use. Source fails afterwards.
func (e *Entry) Release() {
	e.Body, e.released = nil, true
}

// spilled is an entry body left on disk (Options.KeepBodies).
type spilled struct {
	sum   [32]byte // SHA-256 of the file as Load read it
	off   int      // where the body starts, after a byte-order mark
	limit int64    // Options.MaxFile
}

// Source returns e's Markdown body: Body, or, when Load left it on disk
// to save memory (Options.KeepBodies), the body read again from the file
// through fsys, which must be the log's root. It fails when the file
// changed since Load read it.
func (e *Entry) Source(fsys fs.FS) ([]byte, error) {
	if e.released {
		return nil, fmt.Errorf("%s: its body was released after rendering (internal error; please report this)", e.Path)
	}
	if e.spill == nil {
		return e.Body, nil
	}
	src, fp := readFile(fsys, e.Path, e.spill.limit)
	if fp != nil {
		return nil, fmt.Errorf("%s: %s", e.Path, fp[0].Msg)
	}
	if sha256.Sum256(src) != e.spill.sum {
		return nil, fmt.Errorf("%s changed while the build was reading it; build again", e.Path)
	}
	src = bytes.TrimPrefix(src, []byte("\ufeff"))
	if e.spill.off > len(src) {
		return nil, fmt.Errorf("%s changed while the build was reading it; build again", e.Path)
	}
	return src[e.spill.off:], nil
}

// Image is a picture referenced from front matter (the hero).
type Image struct {
	Src, Alt, Caption string
	Line, Col         int // where src is written
}

// URL is the entry's page, "/log/<slug>/".
func (e *Entry) URL() string {
	// Builds ask it of every entry many times over; the URL made when
	// the entry was read is kept, and used while the slug is still its.
	if u := e.url; len(u) == len(e.Slug)+6 && u[5:len(u)-1] == e.Slug {
		return u
	}
	return "/log/" + e.Slug + "/"
}

// Dir is the folder of the entry's source file, relative to the site root.
func (e *Entry) Dir() string { return path.Dir(e.Path) }

// KeyPos returns where a front-matter key was written, or the first line.
func (e *Entry) KeyPos(key string) (line, col int) {
	if i := keyIndex(key); i >= 0 && e.keyPos[i].line > 0 {
		return int(e.keyPos[i].line), int(e.keyPos[i].col)
	}
	return 1, 1
}

// keyPos is where a front-matter key was written. An entry keeps one
// per known key in a fixed array, not a map: at 100,000 entries the maps
// were 35 MB of a build's heap.
type keyPos struct{ line, col int32 }

// knownKeys lists the front-matter keys in the order the docs give them.
var knownKeys = [...]string{"id", "title", "date", "updated", "kind", "project", "tags", "summary", "hero", "lesson", "errors", "draft", "slug", "aliases"}

// keyIndex is key's place in knownKeys, or -1.
func keyIndex(key string) int {
	for i, k := range knownKeys {
		if k == key {
			return i
		}
	}
	return -1
}

var heroKeys = []string{"src", "alt", "caption"}

// reservedSlugs name the log stream's own pages: /log/page/2/,
// /log/kind/broke/.
var reservedSlugs = []string{"page", "kind"}

var datePrefx = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}-`)

// dateLayouts are the accepted forms of date and updated, most common first.
var dateLayouts = []string{
	"2006-01-02",
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
}

func parseDate(s string, loc *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range dateLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t.In(loc), true
		}
	}
	return time.Time{}, false
}

// decodeEntry validates fields into e, reporting every problem.
func decodeEntry(e *Entry, fields []field, loc *time.Location) diag.List {
	var problems diag.List
	p := e.Path
	errf := func(line, col int, hint, format string, args ...any) {
		problems.Add(diag.Errorf(p, line, col, hint, format, args...))
	}
	str := func(f field) (string, bool) {
		if f.val.kind == nullValue {
			return "", true
		}
		if f.val.kind != scalarValue {
			errf(f.val.line, f.val.col, "write it as text on one line", "%s: expected text, got %s", f.key, f.val.kind)
			return "", false
		}
		clean, removed := stripInvisible(f.val.str)
		if removed {
			problems.Add(diag.Warnf(p, f.val.line, f.val.col, "remove control and text-direction characters from the value",
				"%s: control or bidirectional-override characters removed", f.key))
		}
		return clean, true
	}
	// strList reads a list of text, or a single text, keeping where each
	// item is written so problems can point at it.
	strList := func(f field, example string) []value {
		switch f.val.kind {
		case nullValue:
			return nil
		case scalarValue:
			return []value{f.val}
		case listValue:
			var out []value
			for _, v := range f.val.list {
				switch v.kind {
				case scalarValue:
					out = append(out, v)
				case nullValue:
				default:
					errf(v.line, v.col, "write a list such as "+example, "%s: each item must be text, got %s", f.key, v.kind)
				}
			}
			return out
		}
		errf(f.val.line, f.val.col, "write a list such as "+example, "%s: expected a list, got %s", f.key, f.val.kind)
		return nil
	}
	var seenUnknown map[string]bool // known keys are seen in keyPos
	for _, f := range fields {
		if i := keyIndex(f.key); i >= 0 {
			if e.keyPos[i].line > 0 {
				errf(f.line, f.col, "keep one of them", "%s is given twice", f.key)
				continue
			}
			e.keyPos[i] = keyPos{int32(max(f.line, 1)), int32(f.col)}
		} else {
			if seenUnknown[f.key] {
				errf(f.line, f.col, "keep one of them", "%s is given twice", f.key)
				continue
			}
			if seenUnknown == nil {
				seenUnknown = map[string]bool{}
			}
			seenUnknown[f.key] = true
		}
		switch f.key {
		case "id":
			if s, ok := str(f); ok {
				e.ID = strings.TrimSpace(s)
			}
		case "title":
			if s, ok := str(f); ok {
				e.Title = strings.TrimSpace(s)
			}
		case "summary":
			if s, ok := str(f); ok {
				e.Summary = strings.TrimSpace(s)
			}
		case "lesson":
			if s, ok := str(f); ok {
				e.Lesson = strings.TrimSpace(s)
			}
		case "project":
			if s, ok := str(f); ok {
				e.Project = strings.TrimSpace(s)
				if e.Project != "" && Slugify(e.Project) == "" {
					errf(f.val.line, f.val.col, "use letters or digits", "project: %q has no letters or digits to name its page", s)
				}
			}
		case "date", "updated":
			s, ok := str(f)
			if !ok {
				continue
			}
			if strings.TrimSpace(s) == "" {
				errf(f.val.line, f.val.col, "write it as 2026-03-14 or 2026-03-14T09:30:00Z", "%s has no value", f.key)
				continue
			}
			t, ok := parseDate(s, loc)
			if !ok {
				errf(f.val.line, f.val.col, "write it as 2026-03-14 or 2026-03-14T09:30:00Z",
					"%s: cannot parse %q", f.key, s)
				continue
			}
			if f.key == "date" {
				e.Date = t
			} else {
				e.Updated = t
			}
		case "kind":
			s, ok := str(f)
			if !ok {
				continue
			}
			k := strings.ToLower(strings.TrimSpace(s))
			if !slices.Contains(Kinds, k) {
				hint := "use one of " + strings.Join(Kinds, ", ")
				if sug := diag.Suggest(k, Kinds); sug != "" {
					hint = fmt.Sprintf("did you mean `%s`? use one of %s", sug, strings.Join(Kinds, ", "))
				}
				errf(f.val.line, f.val.col, hint, "kind: unknown kind %q", s)
				continue
			}
			e.Kind = k
		case "tags":
			tagSlugs := map[string]bool{}
			for _, v := range strList(f, "[aws, lambda]") {
				for _, part := range strings.Split(v.str, ",") {
					part = strings.TrimSpace(part)
					if part == "" {
						continue
					}
					s := Slugify(part)
					if s == "" {
						errf(v.line, v.col, "use letters or digits", "tags: %q has no letters or digits to name its page", part)
						continue
					}
					if !tagSlugs[s] { // "Go" and "go" are one tag
						tagSlugs[s] = true
						e.Tags = append(e.Tags, part)
					}
				}
			}
		case "errors":
			for _, v := range strList(f, `["invalid ELF header"]`) {
				if s := strings.TrimSpace(v.str); s != "" {
					e.Errors = append(e.Errors, s)
				}
			}
		case "aliases":
			pages := map[string]bool{}
			for _, v := range strList(f, `["/old/path/"]`) {
				a := v.str
				if why := aliasProblem(a); why != "" {
					errf(v.line, v.col, why+`; write a site path such as "/2025/03/old-title/"`, "aliases: %q is not a clean site path", a)
					continue
				}
				clean := path.Clean(a)
				if strings.HasSuffix(a, "/") && clean != "/" {
					clean += "/"
				}
				if page := pageKey(clean); !pages[page] {
					pages[page] = true
					e.Aliases = append(e.Aliases, clean)
				}
			}
		case "draft":
			s, ok := str(f)
			if !ok {
				continue
			}
			switch strings.ToLower(s) {
			case "true", "yes":
				e.Draft = true
			case "false", "no", "":
			default:
				errf(f.val.line, f.val.col, "write true or false", "draft: expected true or false, got %q", s)
			}
		case "slug":
			s, ok := str(f)
			if !ok {
				continue
			}
			if !slug.Valid(s) {
				hint := "use lowercase letters, digits and dashes"
				if sug := Slugify(s); sug != "" {
					hint += fmt.Sprintf(", such as %q", sug)
				}
				errf(f.val.line, f.val.col, hint, "slug: %q is not a valid slug", s)
				continue
			}
			e.Slug = s
		case "hero":
			e.Hero = decodeHero(f, &problems, p)
		default:
			hint := "remove it; see docs/entry-format.md for the keys"
			if sug := diag.Suggest(f.key, knownKeys[:]); sug != "" {
				hint = fmt.Sprintf("did you mean `%s`?", sug)
			}
			problems.Add(diag.Warnf(p, f.line, f.col, hint, "unknown key `%s`", f.key))
		}
	}
	if e.Title == "" {
		line, col := e.KeyPos("title")
		errf(line, col, `add a line such as: title: "Lambda dies with invalid ELF header"`, "title is required")
	}
	if e.keyPos[keyIndex("date")].line == 0 {
		errf(1, 1, "add a line such as: date: 2026-03-14", "date is required")
	}
	if e.Kind == "" {
		e.Kind = "note"
	}
	if e.Slug == "" {
		e.Slug = slugFromPath(e.Path)
		if e.Slug == "" {
			errf(1, 1, "rename the file or add a slug: key", "cannot derive a URL slug from the file name")
		}
	}
	e.url = "/log/" + e.Slug + "/"
	if slices.Contains(reservedSlugs, e.Slug) {
		line, col := e.KeyPos("slug")
		errf(line, col, "rename the file, or add a slug: key with another name",
			"the URL /log/%s/ is taken by the log's own pages", e.Slug)
	}
	if i := slices.IndexFunc(e.Aliases, func(a string) bool { return samePage(a, e.URL()) }); i >= 0 {
		line, col := e.KeyPos("aliases")
		problems.Add(diag.Warnf(p, line, col, "remove it from aliases", "alias %s is the entry's own URL; it is ignored", e.Aliases[i]))
		e.Aliases = slices.Delete(e.Aliases, i, i+1)
	}
	if !e.Updated.IsZero() && !e.Date.IsZero() && e.Updated.Before(e.Date) {
		line, col := e.KeyPos("updated")
		problems.Add(diag.Warnf(p, line, col, "check the year and month; updated is when the entry last changed",
			"updated (%s) is before date (%s)", e.Updated.Format(time.DateOnly), e.Date.Format(time.DateOnly)))
	}
	if e.ID == "" && !problems.HasErrors() {
		problems.Add(diag.Warnf(p, 1, 1, "add a line such as: id: "+suggestID(e.Path),
			"no id: feed readers will see this entry as new if its URL or title changes"))
	}
	return problems
}

func decodeHero(f field, problems *diag.List, p string) *Image {
	h := &Image{Line: f.val.line, Col: f.val.col}
	switch f.val.kind {
	case nullValue:
		return nil
	case scalarValue:
		h.Src = f.val.str
	case mapValue:
		for _, sub := range f.val.fields {
			if sub.val.kind != scalarValue && sub.val.kind != nullValue {
				problems.Add(diag.Errorf(p, sub.val.line, sub.val.col, "write it as text", "hero.%s: expected text, got %s", sub.key, sub.val.kind))
				continue
			}
			switch sub.key {
			case "src":
				h.Src, h.Line, h.Col = sub.val.str, sub.val.line, sub.val.col
			case "alt":
				h.Alt = strings.TrimSpace(sub.val.str)
			case "caption":
				h.Caption = strings.TrimSpace(sub.val.str)
			default:
				hint := "hero takes src, alt and caption"
				if sug := diag.Suggest(sub.key, heroKeys); sug != "" {
					hint = fmt.Sprintf("did you mean `%s`?", sug)
				}
				problems.Add(diag.Warnf(p, sub.line, sub.col, hint, "unknown key `hero.%s`", sub.key))
			}
		}
	default:
		problems.Add(diag.Errorf(p, f.val.line, f.val.col, "write src, alt and caption under hero:", "hero: expected a table of keys, got %s", f.val.kind))
		return nil
	}
	if strings.TrimSpace(h.Src) == "" {
		problems.Add(diag.Errorf(p, f.line, f.col, "add src: the image file beside the entry", "hero: src is required"))
		return nil
	}
	return h
}

// pageKey names the file a site path is served from: "/old" and "/old/"
// are one page.
func pageKey(p string) string {
	if p != "/" {
		p = strings.TrimSuffix(p, "/")
	}
	return p
}

// samePage reports whether two site paths are served by the same file.
func samePage(a, b string) bool { return pageKey(a) == pageKey(b) }

// aliasProblem says what is wrong with an alias, or "" when a is a path
// on the site that an alias may claim: absolute, with no "." or ".."
// segments, query, fragment, percent-escape, backslash, space or control
// character, so it can be written as a file and listed in _redirects as
// it is.
func aliasProblem(a string) string {
	switch {
	case !strings.HasPrefix(a, "/"):
		return "start it with /"
	case path.Clean(a) == "/":
		return "the home page cannot be an alias"
	case strings.ContainsAny(a, "?#"):
		return "leave out the query (?) and fragment (#)"
	case strings.Contains(a, "%"):
		return "write it decoded, /café/ rather than /caf%C3%A9/"
	case strings.ContainsFunc(a, func(r rune) bool {
		return r == '\\' || unicode.IsSpace(r) || unicode.IsControl(r) || r == utf8.RuneError
	}):
		return "leave out spaces, backslashes and control characters"
	}
	for _, seg := range strings.Split(a, "/") {
		if seg == "." || seg == ".." {
			return "leave out . and .. segments"
		}
	}
	return ""
}

// suggestID proposes a stable id for an entry that has none. It is derived
// from the path so the hint is the same on every run.
func suggestID(p string) string {
	sum := sha256.Sum256([]byte("shiplog-id:" + p))
	b := sum[:16]
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func slugFromPath(p string) string {
	base := strings.TrimSuffix(path.Base(p), path.Ext(p))
	if base == "index" {
		base = path.Base(path.Dir(p))
	}
	base = datePrefx.ReplaceAllString(base, "")
	return Slugify(base)
}

// Slugify turns a name into a URL path segment; see slug.Make.
func Slugify(s string) string { return slug.Make(s) }

// stripInvisible removes control characters (other than tab and newline)
// and bidirectional overrides, which could corrupt XML or make a title
// read differently from what it is. It reports whether it removed any.
func stripInvisible(s string) (string, bool) {
	removed := false
	out := strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n':
			return r
		case r < 0x20 || (r >= 0x7f && r < 0xa0),
			r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e || r == 0x200f:
			removed = true
			return -1
		}
		return r
	}, s)
	return out, removed
}
