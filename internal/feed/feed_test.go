package feed_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/shiplog/shiplog/internal/feed"
	"github.com/shiplog/shiplog/internal/feedtest"
)

var update = flag.Bool("update", false, "rewrite testdata/golden.txtar")

var berlin = mustLoad("Europe/Berlin")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// sample is a small feed with the things that go wrong: a relative image
// and anchor in the content, an updated entry, an entry id that is not an
// IRI, tags, a summary with markup characters.
func sample() *feed.Feed {
	return &feed.Feed{
		Title:     "Mara's log",
		Subtitle:  "Things I built. Things that broke.",
		ID:        "https://log.example.dev/",
		Link:      "https://log.example.dev/",
		Language:  "en",
		Author:    "Mara Okafor",
		AuthorURL: "https://example.dev/",
		Location:  berlin,
		Items: []feed.Item{
			{
				ID:          "urn:uuid:6f1c9a52-3d3e-4c1b-9a57-1f2b0d7f5e11",
				Title:       "Lambda dies with invalid ELF header",
				URL:         "https://log.example.dev/log/lambda-elf/",
				Published:   time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC),
				Updated:     time.Date(2026, 3, 20, 0, 0, 0, 0, berlin),
				Summary:     "sharp's binary was built for macOS & shipped to <Linux>.",
				ContentHTML: `<p><img src="/log/lambda-elf/elf.png" alt="log"> See <a href="#fix">the fix</a>.</p>` + "\n" + `<h2 id="fix">Fix</h2>`,
				Image:       "https://log.example.dev/log/lambda-elf/elf.png",
				Tags:        []string{"aws", "lambda"},
			},
			{
				ID:          "lambda-notes-1",
				Title:       "A note",
				URL:         "https://log.example.dev/log/a-note/",
				Published:   time.Date(2026, 1, 2, 0, 0, 0, 0, berlin),
				ContentHTML: "<p>Short.</p>",
			},
		},
	}
}

func TestGolden(t *testing.T) {
	f := sample()
	got := txtar.Format(&txtar.Archive{
		Comment: []byte("The sample feed of feed_test.go in each format. go test -update rewrites it.\n"),
		Files: []txtar.File{
			{Name: "atom.xml", Data: feed.Atom(f, "https://log.example.dev/atom.xml")},
			{Name: "rss.xml", Data: feed.RSS(f, "https://log.example.dev/rss.xml")},
			{Name: "feed.json", Data: feed.JSON(f, "https://log.example.dev/feed.json")},
		},
	})
	path := filepath.Join("testdata", "golden.txtar")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (go test -update to accept):\n%s", path, got)
	}
}

// TestFormats reads each format strictly and with gofeed, and checks
// what each says about the sample.
func TestFormats(t *testing.T) {
	f := sample()
	abs := feedtest.Options{Absolute: true}
	docs := map[string]*feedtest.Doc{
		"Atom": feedtest.Atom(t, feed.Atom(f, "https://log.example.dev/atom.xml"), abs),
		"RSS":  feedtest.RSS(t, feed.RSS(f, "https://log.example.dev/rss.xml"), abs),
		"JSON": feedtest.JSON(t, feed.JSON(f, "https://log.example.dev/feed.json"), abs),
	}
	wantIDs := []string{"urn:uuid:6f1c9a52-3d3e-4c1b-9a57-1f2b0d7f5e11", feed.ID("lambda-notes-1")}
	for name, d := range docs {
		if got := d.IDs(); !slices.Equal(got, wantIDs) {
			t.Errorf("%s ids = %q, want %q", name, got, wantIDs)
		}
		if d.Entries[0].URL != "https://log.example.dev/log/lambda-elf/" {
			t.Errorf("%s entry URL = %q", name, d.Entries[0].URL)
		}
		c := d.Entries[0].Content
		for _, want := range []string{`src="https://log.example.dev/log/lambda-elf/elf.png"`, `href="https://log.example.dev/log/lambda-elf/#fix"`} {
			if !strings.Contains(c, want) {
				t.Errorf("%s content lacks %s:\n%s", name, want, c)
			}
		}
		if !slices.Equal(d.Entries[0].Tags, []string{"aws", "lambda"}) {
			t.Errorf("%s tags = %q", name, d.Entries[0].Tags)
		}
	}
	// Dates are written in the feed's location, in each format's form.
	for _, c := range []struct{ format, got, want string }{
		{"Atom published", docs["Atom"].Entries[0].Published, "2026-03-14T10:30:00+01:00"},
		{"Atom updated", docs["Atom"].Entries[0].Updated, "2026-03-20T00:00:00+01:00"},
		{"Atom updated of a never-updated entry", docs["Atom"].Entries[1].Updated, "2026-01-02T00:00:00+01:00"},
		{"Atom feed updated", docs["Atom"].Updated, "2026-03-20T00:00:00+01:00"},
		{"RSS pubDate", docs["RSS"].Entries[0].Published, "Sat, 14 Mar 2026 10:30:00 +0100"},
		{"RSS lastBuildDate", docs["RSS"].Updated, "Fri, 20 Mar 2026 00:00:00 +0100"},
		{"JSON date_published", docs["JSON"].Entries[0].Published, "2026-03-14T10:30:00+01:00"},
		{"JSON date_modified", docs["JSON"].Entries[0].Updated, "2026-03-20T00:00:00+01:00"},
		{"JSON date_modified of a never-updated entry", docs["JSON"].Entries[1].Updated, ""},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.format, c.got, c.want)
		}
	}
	// RSS description is HTML: the text summary arrives escaped once.
	if got, want := docs["RSS"].Entries[0].Summary, "sharp&#39;s binary was built for macOS &amp; shipped to &lt;Linux&gt;."; got != want {
		t.Errorf("RSS description = %q, want %q", got, want)
	}
	if got, want := docs["Atom"].Entries[0].Summary, "sharp's binary was built for macOS & shipped to <Linux>."; got != want {
		t.Errorf("Atom summary = %q, want %q", got, want)
	}
}

// TestEscaping puts every character that breaks feeds into every field
// and checks that each format reads back the text, less the characters
// XML cannot carry.
func TestEscaping(t *testing.T) {
	nasty := "AT&T <b>bold</b> ]]> \"double\" 'single' &amp; \x00\x01\x08\x0b\x0c\x1f\x7f\u0085\ufffe\uffff\xff\xfe end\r\nline"
	want := "AT&T <b>bold</b> ]]> \"double\" 'single' &amp;  end\nline"
	content := `<p title="a &amp; &quot;b&quot;">x ]]> y &lt;script&gt;</p>` + "\x02"
	f := &feed.Feed{
		Title:    nasty,
		Subtitle: nasty,
		ID:       "https://log.example.dev/",
		Link:     "https://log.example.dev/?a=1&b=2",
		Author:   nasty,
		Items: []feed.Item{{
			ID:          "https://log.example.dev/?id=1&x=\"q\"",
			Title:       nasty,
			URL:         "https://log.example.dev/log/x/?a=1&b=2",
			Published:   time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC),
			Summary:     nasty,
			ContentHTML: content,
			Tags:        []string{nasty},
		}},
	}
	wantContent := `<p title="a &amp; &quot;b&quot;">x ]]> y &lt;script&gt;</p>`
	atom := feed.Atom(f, "https://log.example.dev/atom.xml?x=1&y=2")
	rss := feed.RSS(f, "https://log.example.dev/rss.xml")
	jsn := feed.JSON(f, "https://log.example.dev/feed.json")
	for name, data := range map[string][]byte{"Atom": atom, "RSS": rss} {
		if bytes.Contains(data, []byte("]]>")) {
			t.Errorf("%s contains a raw ]]>", name)
		}
		if bytes.ContainsFunc(data, func(r rune) bool {
			return r < 0x20 && r != '\n' || r == 0x7f || r == 0x85 || r == 0xfffe || r == 0xffff || r == 0xfffd
		}) {
			t.Errorf("%s contains a control character", name)
		}
	}
	a := feedtest.Atom(t, atom, feedtest.Options{})
	r := feedtest.RSS(t, rss, feedtest.Options{})
	j := feedtest.JSON(t, jsn, feedtest.Options{})
	for name, d := range map[string]*feedtest.Doc{"Atom": a, "RSS": r, "JSON": j} {
		if d.Title != want {
			t.Errorf("%s feed title = %q, want %q", name, d.Title, want)
		}
		e := d.Entries[0]
		if e.Title != want {
			t.Errorf("%s entry title = %q, want %q", name, e.Title, want)
		}
		if e.Content != wantContent {
			t.Errorf("%s content = %q, want %q", name, e.Content, wantContent)
		}
		if e.ID != `https://log.example.dev/?id=1&x="q"` && e.ID != feed.ID(`https://log.example.dev/?id=1&x="q"`) {
			t.Errorf("%s id = %q", name, e.ID)
		}
		if !slices.Equal(e.Tags, []string{want}) {
			t.Errorf("%s tags = %q, want %q", name, e.Tags, []string{want})
		}
		if e.URL != "https://log.example.dev/log/x/?a=1&b=2" {
			t.Errorf("%s URL = %q", name, e.URL)
		}
	}
	if a.Self != "https://log.example.dev/atom.xml?x=1&y=2" {
		t.Errorf("Atom self = %q", a.Self)
	}
	// JSON carries the same text, and no control characters either.
	var raw map[string]any
	if err := json.Unmarshal(jsn, &raw); err != nil {
		t.Fatal(err)
	}
	if raw["title"] != want {
		t.Errorf("JSON title = %q, want %q", raw["title"], want)
	}
}

// TestEmpty checks that feeds with no items are valid and deterministic.
func TestEmpty(t *testing.T) {
	f := &feed.Feed{Title: "Empty", ID: "https://log.example.dev/", Link: "https://log.example.dev/"}
	a := feedtest.Atom(t, feed.Atom(f, "https://log.example.dev/atom.xml"), feedtest.Options{Absolute: true})
	r := feedtest.RSS(t, feed.RSS(f, "https://log.example.dev/rss.xml"), feedtest.Options{Absolute: true})
	j := feedtest.JSON(t, feed.JSON(f, "https://log.example.dev/feed.json"), feedtest.Options{Absolute: true})
	if len(a.Entries)+len(r.Entries)+len(j.Entries) != 0 {
		t.Errorf("entries in an empty feed")
	}
	if a.Updated != "1970-01-01T00:00:00Z" {
		t.Errorf("empty Atom updated = %q, want the Unix epoch", a.Updated)
	}
	if !bytes.Contains(feed.JSON(f, "x"), []byte(`"items":[]`)) {
		t.Errorf("empty JSON Feed has no items list")
	}
	// The Atom feed names an author even with no entries (RFC 4287 4.1.1).
	var af feedtest.AtomFeed
	if err := xml.Unmarshal(feed.Atom(f, "https://log.example.dev/atom.xml"), &af); err != nil {
		t.Fatal(err)
	}
	if len(af.Authors) != 1 || af.Authors[0].Name != "Empty" {
		t.Errorf("empty Atom feed authors = %+v, want the title as author", af.Authors)
	}
}

func TestID(t *testing.T) {
	for _, c := range []struct {
		in   string
		keep bool
	}{
		{"urn:uuid:6f1c9a52-3d3e-4c1b-9a57-1f2b0d7f5e11", true},
		{"tag:maraokafor.dev,2026-03-14:lambda-elf", true},
		{"https://log.example.dev/log/x/", true},
		{"lambda-elf", false},
		{"2026:lambda", false},
		{"has space:x", false},
		{"urn:x y", false},
		{`C:\log\x`, false},
		{"tag:", false},
		{"", true},
	} {
		got := feed.ID(c.in)
		if c.keep && got != c.in {
			t.Errorf("ID(%q) = %q, want it kept", c.in, got)
		}
		if !c.keep {
			if !strings.HasPrefix(got, "urn:uuid:") || len(got) != len("urn:uuid:")+36 {
				t.Errorf("ID(%q) = %q, want a urn:uuid", c.in, got)
			}
			if again := feed.ID(c.in); again != got {
				t.Errorf("ID(%q) is not stable: %q then %q", c.in, got, again)
			}
			if got[len("urn:uuid:")+14] != '5' {
				t.Errorf("ID(%q) = %q, want a version 5 UUID", c.in, got)
			}
		}
	}
	if feed.ID("a") == feed.ID("b") {
		t.Errorf(`ID("a") == ID("b")`)
	}
}

func TestAbsolutize(t *testing.T) {
	const base = "https://log.example.dev/sub/log/x/"
	for _, c := range []struct{ in, want string }{
		{`<a href="#fix">f</a>`, `<a href="https://log.example.dev/sub/log/x/#fix">f</a>`},
		{`<img src="/sub/log/x/a.png" alt="A &amp; B">`, `<img src="https://log.example.dev/sub/log/x/a.png" alt="A &amp; B">`},
		{`<img src="a.png">`, `<img src="https://log.example.dev/sub/log/x/a.png">`},
		{`<img src='../y/a.png' />`, `<img src="https://log.example.dev/sub/log/y/a.png" />`},
		{`<a href=/tags/go/>go</a>`, `<a href="https://log.example.dev/tags/go/">go</a>`},
		{`<a HREF="?q=1&amp;r=2">q</a>`, `<a href="https://log.example.dev/sub/log/x/?q=1&amp;r=2">q</a>`},
		{`<img srcset="a.png 1x, /b.png 2x" src="https://cdn.example/c.png">`, `<img srcset="https://log.example.dev/sub/log/x/a.png 1x, https://log.example.dev/b.png 2x" src="https://cdn.example/c.png">`},
		{`<a href="//cdn.example/x">x</a>`, `<a href="https://cdn.example/x">x</a>`},
		// Left as written: absolute URLs, other schemes, text, code.
		{`<a href="https://go.dev/">go</a>`, `<a href="https://go.dev/">go</a>`},
		{`<a href="mailto:m@example.dev">m</a>`, `<a href="mailto:m@example.dev">m</a>`},
		{`<p>src="a.png" &amp; href=#x</p>`, `<p>src="a.png" &amp; href=#x</p>`},
		{`<pre><code>&lt;img src="a.png"&gt;</code></pre>`, `<pre><code>&lt;img src="a.png"&gt;</code></pre>`},
		{`<style>a[href="#x"] > b {}</style><a href="#y">y</a>`, `<style>a[href="#x"] > b {}</style><a href="https://log.example.dev/sub/log/x/#y">y</a>`},
		{`<!-- <a href="#c"> --><br>`, `<!-- <a href="#c"> --><br>`},
		{`<a href="#x" title='say "hi"'>x</a>`, `<a href="https://log.example.dev/sub/log/x/#x" title="say &#34;hi&#34;">x</a>`},
		{`<a href="%zz">bad</a>`, `<a href="%zz">bad</a>`},
	} {
		if got := feed.Absolutize(c.in, base); got != c.want {
			t.Errorf("Absolutize(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

// TestPrepareOnce checks that a prepared item gives the same output as
// one the writer prepares itself.
func TestPrepareOnce(t *testing.T) {
	f := sample()
	want := feed.Atom(f, "https://log.example.dev/atom.xml")
	for i := range f.Items {
		f.Items[i] = f.Items[i].Prepare()
	}
	if got := feed.Atom(f, "https://log.example.dev/atom.xml"); !bytes.Equal(got, want) {
		t.Errorf("prepared items give other output:\n%s\nwant\n%s", got, want)
	}
}

// TestAppendReusesBuffer checks that the Append forms write the same
// document as the plain ones over whatever dst held, growing it when it
// is too small.
func TestAppendReusesBuffer(t *testing.T) {
	f := sample()
	for _, tt := range []struct {
		name   string
		plain  func(*feed.Feed, string) []byte
		append func([]byte, *feed.Feed, string) []byte
	}{
		{"Atom", feed.Atom, feed.AppendAtom},
		{"RSS", feed.RSS, feed.AppendRSS},
		{"JSON", feed.JSON, feed.AppendJSON},
	} {
		want := tt.plain(f, "https://log.example.dev/x")
		for _, size := range []int{0, 16, 1 << 20} {
			dst := bytes.Repeat([]byte("stale "), size/6+1)[:0]
			got := tt.append(dst, f, "https://log.example.dev/x")
			if !bytes.Equal(got, want) {
				t.Errorf("%s: Append into a buffer of %d bytes differs from %s", tt.name, size, tt.name)
			}
			if size == 1<<20 && &got[0] != &dst[:1][0] {
				t.Errorf("%s: Append did not write into a buffer big enough", tt.name)
			}
		}
	}
}
