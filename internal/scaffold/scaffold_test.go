package scaffold

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/shiplog/shiplog/internal/config"
	"github.com/shiplog/shiplog/internal/content"
	"github.com/shiplog/shiplog/internal/diag"
)

func strs(l diag.List) []string {
	l.Sort()
	var out []string
	for _, p := range l {
		out = append(out, p.String())
	}
	return out
}

// loadLog reads dir as the build does: settings first, then the log in
// the settings' time zone, with now as the present.
func loadLog(t *testing.T, dir string, now time.Time) (*content.Log, []string) {
	t.Helper()
	cfg, problems := config.Load(dir)
	if len(problems) != 0 {
		return nil, strs(problems)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	log, problems := content.Load(root, content.Options{Location: cfg.Location, Now: now})
	return log, strs(problems)
}

func TestInit(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mylog") // missing folders are made
	now := time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)
	files, err := Init(dir, "", now)
	if err != nil {
		t.Fatalf("Init: %v", err)
	}
	want := []string{".gitignore", "home.md", "log/2026-03-14-hello-shiplog.md", "shiplog.toml", "static/.gitkeep"}
	if !slices.Equal(files, want) {
		t.Errorf("Init wrote %q, want %q", files, want)
	}
	for _, f := range want {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(f))); err != nil {
			t.Errorf("Init did not write %s: %v", f, err)
		}
	}

	// What init writes builds with no error and no warning.
	log, problems := loadLog(t, dir, now)
	if len(problems) != 0 {
		t.Fatalf("the new log has problems:\n\t%s", strings.Join(problems, "\n\t"))
	}
	if len(log.Entries) != 1 || log.Future != 0 || log.Home == nil {
		t.Fatalf("the new log has %d entries (%d in the future), home %q; want one entry and a home page", len(log.Entries), log.Future, log.Home)
	}
	e := log.Entries[0]
	if e.Title != "Hello, shiplog" || e.Kind != "built" || e.URL() != "/log/hello-shiplog/" || !uuidURN.MatchString(e.ID) {
		t.Errorf("the first entry is %q, %s, %s, id %q", e.Title, e.Kind, e.URL(), e.ID)
	}
	cfg, _ := config.Load(dir)
	if cfg.Title != "My engineering log" {
		t.Errorf("default title = %q, want %q", cfg.Title, "My engineering log")
	}
}

func TestInitTitle(t *testing.T) {
	for _, title := range []string{
		`Mara Okafor — engineering log`,
		`She said "ship it" \ then it broke`,
		`tabs	and ' quotes`,
		"control \x01 \x7f and bell \a",
		"日本語のログ",
	} {
		dir := t.TempDir()
		if _, err := Init(dir, title, time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)); err != nil {
			t.Fatalf("Init(%q): %v", title, err)
		}
		cfg, problems := config.Load(dir)
		if len(problems) != 0 || cfg.Title != title {
			t.Errorf("Init(%q): shiplog.toml reads back as %q, problems %v", title, cfg.Title, strs(problems))
		}
	}
}

// TestInitTimeZone: the first entry is dated in the site's time zone, so
// it is never "in the future" on the first build, wherever the author is.
func TestInitTimeZone(t *testing.T) {
	kiritimati, err := time.LoadLocation("Pacific/Kiritimati") // UTC+14
	if err != nil {
		t.Fatal(err)
	}
	honolulu, err := time.LoadLocation("Pacific/Honolulu") // UTC-10
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		now  time.Time
		zone string
		day  string
	}{
		{time.Date(2026, 3, 15, 1, 0, 0, 0, kiritimati), "Pacific/Kiritimati", "2026-03-15"},
		{time.Date(2026, 3, 14, 23, 0, 0, 0, honolulu), "Pacific/Honolulu", "2026-03-14"},
		{time.Date(2026, 3, 14, 23, 0, 0, 0, time.UTC), "UTC", "2026-03-14"},
		// A zone without an IANA name: the site is in UTC, and so is the date.
		{time.Date(2026, 3, 15, 1, 0, 0, 0, time.FixedZone("", 14*3600)), "UTC", "2026-03-14"},
	} {
		dir := t.TempDir()
		files, err := Init(dir, "x", tt.now)
		if err != nil {
			t.Fatal(err)
		}
		if want := "log/" + tt.day + "-hello-shiplog.md"; !slices.Contains(files, want) {
			t.Errorf("Init at %v wrote %q, want %s", tt.now, files, want)
		}
		cfg, _ := config.Load(dir)
		if cfg.TimeZone != tt.zone {
			t.Errorf("Init at %v: timezone = %q, want %q", tt.now, cfg.TimeZone, tt.zone)
		}
		log, problems := loadLog(t, dir, tt.now)
		if len(problems) != 0 || len(log.Entries) != 1 {
			t.Errorf("Init at %v: the first build shows %d entries (%d in the future), problems %v; want the first entry",
				tt.now, len(log.Entries), log.Future, problems)
		}
	}
}

func TestInitRefusesNonEmpty(t *testing.T) {
	for _, name := range []string{"notes.txt", ".hidden", "sub/"} {
		dir := t.TempDir()
		p := filepath.Join(dir, name)
		var err error
		if strings.HasSuffix(name, "/") {
			err = os.Mkdir(p, 0o755)
		} else {
			err = os.WriteFile(p, []byte("mine"), 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
		files, err := Init(dir, "x", time.Now())
		if !errors.Is(err, ErrNotEmpty) || len(files) != 0 {
			t.Errorf("Init into a folder holding %s = %q, %v; want ErrNotEmpty and nothing written", name, files, err)
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) != 1 {
			t.Errorf("Init into a folder holding %s changed it: %d entries", name, len(entries))
		}
	}

	// A file where the folder should be.
	f := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(f, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Init(f, "x", time.Now()); err == nil {
		t.Errorf("Init(%s) of a file succeeded", f)
	}
}

var uuidURN = regexp.MustCompile(`^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestNewID(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := NewID()
		if !uuidURN.MatchString(id) {
			t.Fatalf("NewID() = %q, want a version 4 UUID URN", id)
		}
		if seen[id] {
			t.Fatalf("NewID() returned %q twice", id)
		}
		seen[id] = true
	}
}

func TestEntryParses(t *testing.T) {
	date := time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)
	for _, in := range []EntryInput{
		{ID: NewID(), Title: "Lambda dies with invalid ELF header", Date: date, Kind: "broke"},
		{ID: NewID(), Title: `Quotes "inside", colons: and #hashes`, Date: date, Kind: "note",
			Project: "Thumbnailer: v2", Tags: []string{"aws", "C#", "Über"}, Summary: "It's \"fine\".",
			Errors: []string{`exec format error: "bootstrap"`, "Runtime.InvalidEntrypoint"}},
		{ID: NewID(), Title: "- starts like a list", Date: date, Kind: "decision", Body: "Own body.\n"},
		{ID: NewID(), Title: "yes", Date: date, Kind: "built", Tags: []string{"true", "null"}},
		{ID: NewID(), Title: "Multi\nline", Date: date, Kind: "note"},
	} {
		src := Entry(in)
		e, problems := content.Parse("log/2026-03-14-x.md", []byte(src), content.Options{})
		if len(problems) != 0 {
			t.Errorf("Entry(%+v) does not parse cleanly:\n%s\n\t%s", in, src, strings.Join(strs(problems), "\n\t"))
			continue
		}
		wantTitle := strings.Join(strings.Fields(in.Title), " ")
		if strings.Join(strings.Fields(e.Title), " ") != wantTitle || e.ID != in.ID || e.Kind != in.Kind || e.Project != in.Project ||
			!slices.Equal(e.Tags, in.Tags) || e.Summary != in.Summary || !slices.Equal(e.Errors, in.Errors) || !e.Date.Equal(date) {
			t.Errorf("Entry(%+v) reads back as %+v", in, e)
		}
		if in.Body != "" && !strings.HasSuffix(src, in.Body) {
			t.Errorf("Entry with a body: %q does not end with it", src)
		}
	}
}

func TestEntryTemplate(t *testing.T) {
	src := Entry(EntryInput{ID: "x", Title: "t", Kind: "broke", Errors: []string{"boom"}})
	for _, want := range []string{"## Symptom", "```error\nboom\n```", "## Root cause", "## Fix", "What this reinforced:"} {
		if !strings.Contains(src, want) {
			t.Errorf("Entry template lacks %q:\n%s", want, src)
		}
	}
}

func TestNewEntry(t *testing.T) {
	dir := t.TempDir()
	date := time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)
	rel, err := NewEntry(dir, EntryInput{Title: "Lambda dies with invalid ELF header", Date: date, Kind: "broke", Tags: []string{"aws"}})
	if err != nil {
		t.Fatalf("NewEntry: %v", err)
	}
	if rel != "log/2026-03-14-lambda-dies-with-invalid-elf-header.md" {
		t.Errorf("NewEntry wrote %s", rel)
	}
	first, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	e, problems := content.Parse(rel, first, content.Options{})
	if len(problems) != 0 {
		t.Fatalf("the new entry has problems:\n\t%s", strings.Join(strs(problems), "\n\t"))
	}
	if !uuidURN.MatchString(e.ID) || e.Kind != "broke" || e.URL() != "/log/lambda-dies-with-invalid-elf-header/" {
		t.Errorf("the new entry is %s", e.ID)
	}

	// Never overwrites.
	_, err = NewEntry(dir, EntryInput{Title: "Lambda dies with invalid ELF header", Date: date, Kind: "note"})
	if err == nil || !strings.Contains(err.Error(), "already") {
		t.Errorf("NewEntry over an existing entry = %v, want a refusal", err)
	}
	if again, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel))); string(again) != string(first) {
		t.Errorf("NewEntry changed the existing entry")
	}

	// Another entry, another id; defaults to a note.
	rel2, err := NewEntry(dir, EntryInput{Title: "Second", Date: date})
	if err != nil {
		t.Fatal(err)
	}
	src2, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel2)))
	e2, problems := content.Parse(rel2, src2, content.Options{})
	if len(problems) != 0 || e2.ID == e.ID || e2.Kind != "note" {
		t.Errorf("second entry: id %q (first %q), kind %q, problems %v", e2.ID, e.ID, e2.Kind, strs(problems))
	}

	// The whole log loads cleanly.
	if err := os.WriteFile(filepath.Join(dir, "shiplog.toml"), []byte("title = 'x'\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	log, problems2 := loadLog(t, dir, date)
	if len(problems2) != 0 || len(log.Entries) != 2 {
		t.Errorf("log after two NewEntry: %d entries, problems %v", len(log.Entries), problems2)
	}
}

func TestNewEntryRefuses(t *testing.T) {
	date := time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		in   EntryInput
		want string // in the error
	}{
		{EntryInput{Title: "x", Date: date, Kind: "brok"}, "unknown kind \"brok\" (did you mean `broke`? use one of broke, built, decision, note)"},
		{EntryInput{Title: "x", Date: date, Kind: "bug"}, `unknown kind "bug" (use one of broke, built, decision, note)`},
		{EntryInput{Title: "!!!", Date: date}, `the title "!!!" has no letters or digits to name the file`},
		{EntryInput{Title: "   ", Date: date}, `the title "   " has no letters or digits to name the file`},
		{EntryInput{Title: "x", Date: date, Project: "!!"}, `the project "!!" has no letters or digits to name its page`},
		{EntryInput{Title: "x", Date: date, Tags: []string{"ok", "++"}}, `the tag "++" has no letters or digits to name its page`},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		rel, err := NewEntry(dir, tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("NewEntry(%+v) = %q, %v; want an error containing %q", tt.in, rel, err, tt.want)
		}
		if entries, _ := os.ReadDir(filepath.Join(dir, "log")); len(entries) != 0 {
			t.Errorf("NewEntry(%+v) wrote a file although it failed", tt.in)
		}
	}
}

func TestNewEntryKindCase(t *testing.T) {
	rel, err := NewEntry(t.TempDir(), EntryInput{Title: "x", Date: time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC), Kind: " Broke "})
	if err != nil {
		t.Errorf("NewEntry(kind \" Broke \") = %q, %v; want it accepted as broke", rel, err)
	}
}

// TestNewEntrySameURL: a title already used on another day would give two
// entries one URL, and the next build would fail; NewEntry says so now.
func TestNewEntrySameURL(t *testing.T) {
	dir := t.TempDir()
	if _, err := NewEntry(dir, EntryInput{Title: "Deploy notes", Date: time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	rel, err := NewEntry(dir, EntryInput{Title: "Deploy notes", Date: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)})
	want := "log/2026-03-14-deploy-notes.md already has the URL /log/deploy-notes/"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("NewEntry with a used URL = %q, %v; want an error containing %q", rel, err, want)
	}
}

func TestNewEntryLongTitle(t *testing.T) {
	date := time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)
	for _, title := range []string{
		strings.Repeat("word ", 30),
		"a" + strings.Repeat("ü", 40), // a multibyte rune straddles byte 60
		strings.Repeat("日本語", 20),
		strings.Repeat("x", 100),
	} {
		dir := t.TempDir()
		rel, err := NewEntry(dir, EntryInput{Title: title, Date: date})
		if err != nil {
			t.Errorf("NewEntry(%q): %v", title, err)
			continue
		}
		name := strings.TrimSuffix(strings.TrimPrefix(rel, "log/2026-03-14-"), ".md")
		if !utf8.ValidString(name) || len(name) > 60 || strings.HasSuffix(name, "-") || name == "" {
			t.Errorf("NewEntry(%q) named the file %q: want valid UTF-8, at most 60 bytes, no trailing dash", title, rel)
		}
		src, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		if _, problems := content.Parse(rel, src, content.Options{}); len(problems) != 0 {
			t.Errorf("NewEntry(%q): %v", title, strs(problems))
		}
	}
	// Cut at a word boundary when there is one.
	rel, _ := NewEntry(t.TempDir(), EntryInput{Title: strings.Repeat("word ", 30), Date: date})
	if want := "log/2026-03-14-" + strings.TrimSuffix(strings.Repeat("word-", 12), "-") + ".md"; rel != want {
		t.Errorf("NewEntry(long title) = %s, want %s", rel, want)
	}
}

func TestZoneName(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	for _, tt := range []struct {
		loc  *time.Location
		want string
	}{
		{time.UTC, "UTC"},
		{tokyo, "Asia/Tokyo"},
		{time.FixedZone("", 3600), "UTC"},
		{time.FixedZone("Made/Up", 3600), "UTC"},
	} {
		if got := zoneName(tt.loc); got != tt.want {
			t.Errorf("zoneName(%v) = %q, want %q", tt.loc, got, tt.want)
		}
	}
	// The local zone is named by TZ when it is set.
	for tz, want := range map[string]string{
		"Asia/Tokyo":     "Asia/Tokyo",
		":Europe/Berlin": "Europe/Berlin",
		"":               "",
	} {
		t.Setenv("TZ", tz)
		if got := localZoneName(); got != want {
			t.Errorf("with TZ=%q, localZoneName() = %q, want %q", tz, got, want)
		}
	}
}

func TestTOMLQuote(t *testing.T) {
	for _, s := range []string{"", "plain", `"quoted" \ back`, "tab\tnew\nline\r\f\b", "\x00\x01\x1f\x7f", "é 日本 🚀", "bad \xff utf-8"} {
		src := "title = " + tomlQuote(s) + "\n"
		cfg, problems := config.Parse([]byte(src))
		want := strings.ToValidUTF8(s, "\uFFFD")
		if len(problems) != 0 && want != "" || cfg.Title != want {
			t.Errorf("tomlQuote(%q) = %s, reads back as %q, problems %v", s, tomlQuote(s), cfg.Title, strs(problems))
		}
	}
}
