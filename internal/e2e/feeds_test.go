package e2e

import (
	"encoding/xml"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shiplog/shiplog/internal/feedtest"
)

// TestExampleFeeds reads every feed of the example log strictly and with
// gofeed, and checks that the sitemap lists only pages that exist.
func TestExampleFeeds(t *testing.T) {
	out := buildForVNU(t, exampleDir)
	opts := feedtest.Options{Absolute: true}
	n := 0
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		read := map[string]func(testing.TB, []byte, feedtest.Options) *feedtest.Doc{
			"atom.xml": feedtest.Atom, "rss.xml": feedtest.RSS, "feed.json": feedtest.JSON,
		}[d.Name()]
		if read == nil {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		t.Run(filepath.ToSlash(rel), func(t *testing.T) {
			doc := read(t, data, opts)
			if !strings.HasPrefix(doc.Self, "https://log.maraokafor.dev/") {
				t.Errorf("self link %q is not on the site", doc.Self)
			}
		})
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 3*10 {
		t.Errorf("only %d feeds in the example", n)
	}

	data, err := os.ReadFile(filepath.Join(out, "sitemap.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
		URLs    []struct {
			Loc string `xml:"loc"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	for _, u := range s.URLs {
		rel, ok := strings.CutPrefix(u.Loc, "https://log.maraokafor.dev/")
		if !ok {
			t.Errorf("sitemap lists %s, not on the site", u.Loc)
			continue
		}
		if rel == "" || strings.HasSuffix(rel, "/") {
			rel += "index.html"
		}
		if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(rel))); err != nil {
			t.Errorf("sitemap lists %s, which is not in the output", u.Loc)
		}
	}
	if len(s.URLs) < 40 {
		t.Errorf("sitemap lists %d URLs", len(s.URLs))
	}
}
