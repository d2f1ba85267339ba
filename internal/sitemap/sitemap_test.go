package sitemap_test

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shiplog/shiplog/internal/sitemap"
)

type urlset struct {
	XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
	} `xml:"url"`
}

type index struct {
	XMLName  xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
	Sitemaps []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
	} `xml:"sitemap"`
}

func decode(t *testing.T, name string, data []byte, v any) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	if err := d.Decode(v); err != nil {
		t.Fatalf("%s: strict decode: %v\n%s", name, err, data)
	}
}

func urls(n int) []sitemap.URL {
	out := make([]sitemap.URL, n)
	for i := range out {
		out[i] = sitemap.URL{
			Loc:     fmt.Sprintf("https://log.example.dev/log/entry-%d/", i),
			LastMod: time.Date(2026, 1, 1+i, 0, 0, 0, 0, time.UTC),
		}
	}
	return out
}

func TestOneFile(t *testing.T) {
	in := []sitemap.URL{
		{Loc: "https://log.example.dev/", LastMod: time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)},
		{Loc: "https://log.example.dev/tags/über/?a=1&b=2"},
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	files := sitemap.Write(in, "https://log.example.dev/", sitemap.Options{Location: berlin})
	if len(files) != 1 || files[0].Name != "sitemap.xml" {
		t.Fatalf("files = %v, want sitemap.xml alone", names(files))
	}
	var s urlset
	decode(t, "sitemap.xml", files[0].Data, &s)
	if len(s.URLs) != 2 {
		t.Fatalf("%d URLs, want 2", len(s.URLs))
	}
	if got, want := s.URLs[0].LastMod, "2026-03-14T10:30:00+01:00"; got != want {
		t.Errorf("lastmod = %q, want %q", got, want)
	}
	if got, want := s.URLs[1].Loc, "https://log.example.dev/tags/%C3%BCber/?a=1&b=2"; got != want {
		t.Errorf("loc = %q, want %q", got, want)
	}
	if s.URLs[1].LastMod != "" {
		t.Errorf("a URL with no date has lastmod %q", s.URLs[1].LastMod)
	}
	if !bytes.Contains(files[0].Data, []byte("?a=1&amp;b=2")) {
		t.Errorf("& is not escaped:\n%s", files[0].Data)
	}
}

func TestEmpty(t *testing.T) {
	files := sitemap.Write(nil, "https://log.example.dev/", sitemap.Options{})
	var s urlset
	decode(t, "sitemap.xml", files[0].Data, &s)
	if len(files) != 1 || len(s.URLs) != 0 {
		t.Errorf("empty sitemap: %d files, %d URLs", len(files), len(s.URLs))
	}
}

// TestSplit injects a small limit and checks that the URLs are split over
// parts listed, in order, by an index at sitemap.xml.
func TestSplit(t *testing.T) {
	for _, c := range []struct {
		n, max int
		parts  []int // URLs per part; nil for no index
	}{
		{n: 5, max: 5},
		{n: 6, max: 5, parts: []int{5, 1}},
		{n: 12, max: 5, parts: []int{5, 5, 2}},
		{n: 10, max: 5, parts: []int{5, 5}},
	} {
		in := urls(c.n)
		files := sitemap.Write(in, "https://log.example.dev/sub", sitemap.Options{MaxURLs: c.max})
		if c.parts == nil {
			if len(files) != 1 {
				t.Errorf("%d URLs, max %d: files %v, want sitemap.xml alone", c.n, c.max, names(files))
			}
			continue
		}
		wantNames := []string{"sitemap.xml"}
		for i := range c.parts {
			wantNames = append(wantNames, fmt.Sprintf("sitemap-%d.xml", i+1))
		}
		if got := names(files); !slices.Equal(got, wantNames) {
			t.Errorf("%d URLs, max %d: files %v, want %v", c.n, c.max, got, wantNames)
			continue
		}
		var idx index
		decode(t, "sitemap.xml", files[0].Data, &idx)
		if len(idx.Sitemaps) != len(c.parts) {
			t.Fatalf("index lists %d sitemaps, want %d", len(idx.Sitemaps), len(c.parts))
		}
		var all []string
		for i, want := range c.parts {
			if got, want := idx.Sitemaps[i].Loc, fmt.Sprintf("https://log.example.dev/sub/sitemap-%d.xml", i+1); got != want {
				t.Errorf("index loc %d = %q, want %q", i, got, want)
			}
			var s urlset
			decode(t, files[i+1].Name, files[i+1].Data, &s)
			if len(s.URLs) != want {
				t.Errorf("%s has %d URLs, want %d", files[i+1].Name, len(s.URLs), want)
			}
			last := s.URLs[len(s.URLs)-1].LastMod
			if idx.Sitemaps[i].LastMod != last {
				t.Errorf("index lastmod of %s = %q, want its newest, %q", files[i+1].Name, idx.Sitemaps[i].LastMod, last)
			}
			for _, u := range s.URLs {
				all = append(all, u.Loc)
			}
		}
		var want []string
		for _, u := range in {
			want = append(want, u.Loc)
		}
		if !slices.Equal(all, want) {
			t.Errorf("the parts hold %d URLs, not the %d given in order", len(all), len(want))
		}
	}
}

// TestSplitBySize checks the byte limit: a part never grows past it.
func TestSplitBySize(t *testing.T) {
	const limit = 1000
	files := sitemap.Write(urls(40), "https://log.example.dev/", sitemap.Options{MaxBytes: limit})
	if len(files) < 3 {
		t.Fatalf("files = %v, want an index and several parts", names(files))
	}
	total := 0
	for _, f := range files[1:] {
		if len(f.Data) > limit {
			t.Errorf("%s is %d bytes, over the limit of %d", f.Name, len(f.Data), limit)
		}
		var s urlset
		decode(t, f.Name, f.Data, &s)
		total += len(s.URLs)
	}
	if total != 40 {
		t.Errorf("parts hold %d URLs, want 40", total)
	}
}

func TestRobots(t *testing.T) {
	got := string(sitemap.Robots("https://log.example.dev/sitemap.xml"))
	for _, want := range []string{"User-agent: *\n", "Disallow:\n", "\nSitemap: https://log.example.dev/sitemap.xml\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("robots.txt lacks %q:\n%s", want, got)
		}
	}
	if got := string(sitemap.Robots("")); strings.Contains(got, "Sitemap:") {
		t.Errorf("robots.txt without a sitemap URL names one:\n%s", got)
	}
}

func names(files []sitemap.File) []string {
	var out []string
	for _, f := range files {
		out = append(out, f.Name)
	}
	return out
}
