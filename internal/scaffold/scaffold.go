// Package scaffold creates new logs (shiplog init) and new entries
// (shiplog new). It never overwrites a file.
package scaffold

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shiplog/shiplog/internal/content"
	"github.com/shiplog/shiplog/internal/diag"
)

// ErrNotEmpty is returned when init is pointed at a folder with files.
var ErrNotEmpty = errors.New("folder is not empty")

// Init creates a working log in dir, which must be empty (but for .git) or missing, and
// returns the files it wrote. The log's time zone is now's (UTC when now's
// zone has no IANA name) and its first entry is dated now in it, so the
// first build shows it.
func Init(dir, title string, now time.Time) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	for _, e := range entries {
		// A fresh `git init` is the usual start of a log: its .git folder
		// is the one thing init accepts in the folder.
		if e.Name() != ".git" {
			return nil, fmt.Errorf("%s: %w; shiplog init only writes into an empty or new folder (or one holding only .git)", dir, ErrNotEmpty)
		}
	}
	if title == "" {
		title = "My engineering log"
	}
	// The site's time zone is the author's, so that the first entry's
	// date is today there and never "in the future" on the first build.
	zone := zoneName(now.Location())
	loc, err := time.LoadLocation(zone)
	if err != nil {
		zone, loc = "UTC", time.UTC
	}
	now = now.In(loc)
	day := now.Format("2006-01-02")
	files := map[string]string{
		"shiplog.toml": fmt.Sprintf(`title = %s
author = ""
# base_url = "https://log.example.dev/"
tagline = "Things I built. Things that broke."
intro = "Short, honest notes from shipping production systems."
# home_url = "https://example.dev/"
timezone = %s  # dates without a zone are read in it
`, tomlQuote(title), tomlQuote(zone)),
		"home.md":    "I keep this log to remember what I built, what broke and what it taught me.\n\nStart with the [log](log/) or the [lessons](lessons/).\n",
		".gitignore": "public/\n.shiplog/\n",
		"log/" + day + "-hello-shiplog.md": Entry(EntryInput{
			ID: NewID(), Title: "Hello, shiplog", Date: now, Kind: "built", Project: "shiplog", Tags: []string{"meta"},
			Summary: "The first entry: how this log is written and built.",
			Body: "## What I built\n\nAn engineering log. Each entry is a Markdown file in `log/`; `shiplog build` turns the folder into a site.\n\n" +
				"```sh\nshiplog new \"Lambda dies with invalid ELF header\" --kind broke --tags aws,lambda\nshiplog serve\n```\n\n" +
				"What this reinforced: writing it down while it is fresh costs five minutes and saves an afternoon later.\n",
		}),
		"static/.gitkeep": "",
	}
	var written []string
	for _, name := range slices.Sorted(maps.Keys(files)) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return written, err
		}
		if err := writeNew(p, []byte(files[name])); err != nil {
			return written, err
		}
		written = append(written, name)
	}
	return written, nil
}

// zoneName returns the IANA name of loc for shiplog.toml, or "UTC" when
// it has none.
func zoneName(loc *time.Location) string {
	name := loc.String()
	if name == "Local" {
		name = localZoneName()
	}
	if name == "" || name == "Local" {
		return "UTC"
	}
	if _, err := time.LoadLocation(name); err != nil {
		return "UTC"
	}
	return name
}

// localZoneName names the local time zone as TZ or /etc/localtime do, or
// returns "".
func localZoneName() string {
	if tz, ok := os.LookupEnv("TZ"); ok {
		return strings.TrimPrefix(tz, ":")
	}
	if target, err := os.Readlink("/etc/localtime"); err == nil {
		if _, name, ok := strings.Cut(target, "zoneinfo/"); ok {
			return name
		}
	}
	return ""
}

// tomlQuote writes s as a TOML basic string. strconv.Quote is close but
// writes escapes TOML does not have (\a, \v, \x01).
func tomlQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\f':
			b.WriteString(`\f`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(&b, `\u%04X`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// EntryInput is what a new entry starts with.
type EntryInput struct {
	ID, Title, Kind, Project, Summary string
	Date                              time.Time
	Tags                              []string
	Errors                            []string
	Body                              string // when "", the Symptom / Cause / Fix template
}

// Entry returns the text of a new entry.
func Entry(in EntryInput) string {
	var b strings.Builder
	b.WriteString("---\n")
	fmt.Fprintf(&b, "id: %s\n", in.ID)
	fmt.Fprintf(&b, "title: %s\n", strconv.Quote(in.Title))
	fmt.Fprintf(&b, "date: %s\n", in.Date.Format("2006-01-02"))
	fmt.Fprintf(&b, "kind: %s\n", in.Kind)
	if in.Project != "" {
		fmt.Fprintf(&b, "project: %s\n", strconv.Quote(in.Project))
	}
	if len(in.Tags) > 0 {
		q := make([]string, len(in.Tags))
		for i, t := range in.Tags {
			q[i] = strconv.Quote(t)
		}
		fmt.Fprintf(&b, "tags: [%s]\n", strings.Join(q, ", "))
	}
	if in.Summary != "" {
		fmt.Fprintf(&b, "summary: %s\n", strconv.Quote(in.Summary))
	} else {
		b.WriteString("summary: \"\"\n")
	}
	if len(in.Errors) > 0 {
		b.WriteString("errors:\n")
		for _, e := range in.Errors {
			fmt.Fprintf(&b, "  - %s\n", strconv.Quote(e))
		}
	}
	b.WriteString("# hero:\n#   src: screenshot.png\n#   alt: \"What the screenshot shows\"\n#   caption: \"\"\n")
	b.WriteString("---\n\n")
	if in.Body != "" {
		b.WriteString(in.Body)
		return b.String()
	}
	b.WriteString("## Symptom\n\n")
	if len(in.Errors) > 0 {
		b.WriteString("```error\n")
		for _, e := range in.Errors {
			b.WriteString(e + "\n")
		}
		b.WriteString("```\n\n")
	} else {
		b.WriteString("What did you see? Paste the exact error message in a fenced block tagged `error`.\n\n")
	}
	b.WriteString("## What I tried\n\n- \n\n## Root cause\n\n\n\n## Fix\n\n\n\nWhat this reinforced: \n")
	return b.String()
}

// NewEntry writes a new entry into dir/log/ and returns its path relative
// to dir. It refuses to overwrite an existing file, and refuses an entry
// the next build would reject: an unknown kind, a title, project or tag
// with no letters or digits, or a URL another entry already has.
func NewEntry(dir string, in EntryInput) (string, error) {
	in.Kind = strings.ToLower(strings.TrimSpace(in.Kind))
	if in.Kind == "" {
		in.Kind = "note"
	}
	if !slices.Contains(content.Kinds, in.Kind) {
		hint := "use one of " + strings.Join(content.Kinds, ", ")
		if s := diag.Suggest(in.Kind, content.Kinds); s != "" {
			hint = fmt.Sprintf("did you mean `%s`? %s", s, hint)
		}
		return "", fmt.Errorf("unknown kind %q (%s)", in.Kind, hint)
	}
	slug := content.Slugify(in.Title)
	if slug == "" {
		return "", fmt.Errorf("the title %q has no letters or digits to name the file", in.Title)
	}
	if in.Project != "" && content.Slugify(in.Project) == "" {
		return "", fmt.Errorf("the project %q has no letters or digits to name its page", in.Project)
	}
	for _, t := range in.Tags {
		if content.Slugify(t) == "" {
			return "", fmt.Errorf("the tag %q has no letters or digits to name its page", t)
		}
	}
	slug = shorten(slug, 60)
	if in.ID == "" {
		in.ID = NewID()
	}
	rel := "log/" + in.Date.Format("2006-01-02") + "-" + slug + ".md"
	if other, err := entryWithURL(dir, "/log/"+slug+"/"); err != nil {
		return "", err
	} else if other != "" && other != rel { // rel itself: writeNew refuses below
		return "", fmt.Errorf("%s already has the URL /log/%s/ (choose another title, or give one of them a slug: key)", other, slug)
	}
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return "", err
	}
	if err := writeNew(p, []byte(Entry(in))); err != nil {
		return "", err
	}
	return rel, nil
}

// shorten cuts a slug to at most n bytes, at a dash when there is one in
// the second half, and never inside a character.
func shorten(slug string, n int) string {
	if len(slug) <= n {
		return slug
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(slug[cut]) {
		cut--
	}
	s := slug[:cut]
	if i := strings.LastIndexByte(s, '-'); i >= n/2 {
		s = s[:i]
	}
	return strings.TrimRight(s, "-")
}

// entryWithURL returns the path of an entry in dir's log that has url, or
// "". Entries that do not load are not counted: the build reports them.
func entryWithURL(dir, url string) (string, error) {
	root, err := os.OpenRoot(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	defer root.Close()
	log, _ := content.Load(root, content.Options{Drafts: true})
	for _, e := range log.Entries {
		if e.URL() == url || slices.Contains(e.Aliases, url) {
			return e.Path, nil
		}
	}
	return "", nil
}

// NewID mints a stable entry identifier: a random (version 4) UUID URN.
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// writeNew creates p with data, failing if p exists.
func writeNew(p string, data []byte) error {
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists; shiplog never overwrites an entry", p)
	}
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
