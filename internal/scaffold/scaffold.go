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

	"github.com/shiplog/shiplog/internal/content"
)

// ErrNotEmpty is returned when init is pointed at a folder with files.
var ErrNotEmpty = errors.New("folder is not empty")

// Init creates a working log in dir, which must be empty or missing.
func Init(dir, title string, now time.Time) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if len(entries) > 0 {
		return nil, fmt.Errorf("%s: %w; shiplog init only writes into an empty or new folder", dir, ErrNotEmpty)
	}
	if title == "" {
		title = "My engineering log"
	}
	day := now.Format("2006-01-02")
	files := map[string]string{
		"shiplog.toml": fmt.Sprintf(`title = %s
author = ""
# base_url = "https://log.example.dev/"
tagline = "Things I built. Things that broke."
intro = "Short, honest notes from shipping production systems."
# home_url = "https://example.dev/"
timezone = "UTC"
`, strconv.Quote(title)),
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
// to dir. It refuses to overwrite an existing file.
func NewEntry(dir string, in EntryInput) (string, error) {
	if in.Kind == "" {
		in.Kind = "note"
	}
	if !slices.Contains(content.Kinds, in.Kind) {
		return "", fmt.Errorf("unknown kind %q (use one of %s)", in.Kind, strings.Join(content.Kinds, ", "))
	}
	slug := content.Slugify(in.Title)
	if slug == "" {
		return "", fmt.Errorf("the title %q has no letters or digits to name the file", in.Title)
	}
	if len(slug) > 60 {
		slug = strings.TrimRight(slug[:60], "-")
	}
	if in.ID == "" {
		in.ID = NewID()
	}
	rel := "log/" + in.Date.Format("2006-01-02") + "-" + slug + ".md"
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return "", err
	}
	if err := writeNew(p, []byte(Entry(in))); err != nil {
		return "", err
	}
	return rel, nil
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
