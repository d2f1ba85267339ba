package site

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// prefixIDs rewrites every ` id="` and ` href="#` in one pass exactly as
// replacing each pattern in turn would.
func TestPrefixIDs(t *testing.T) {
	inTurn := func(h, p string) string {
		h = strings.ReplaceAll(h, ` id="`, ` id="`+p)
		return strings.ReplaceAll(h, ` href="#`, ` href="#`+p)
	}
	cases := []string{
		"",
		"no ids at all",
		`<h2 id="why">Why</h2><p>See <a href="#why">why</a> and <a href="https://x/#y">out</a>.</p>`,
		` id="` + ` href="#` + ` id="`,
		`<a href="#` + "\n" + `<b id="">`,
		`id="not after a space" href="#neither"`,
	}
	parts := []string{` id="`, ` href="#`, ` href="`, `id="`, "x", " ", `"`, "#", "<p>", "é"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 500 {
		var b strings.Builder
		for range r.IntN(20) {
			b.WriteString(parts[r.IntN(len(parts))])
		}
		cases = append(cases, b.String())
	}
	for _, c := range cases {
		if got, want := prefixIDs(c, "slug--"), inTurn(c, "slug--"); got != want {
			t.Fatalf("prefixIDs(%q) = %q, want %q", c, got, want)
		}
	}
}

// BenchmarkPrefixIDs rewrites a body shaped like the corpus's: about
// 8 KB, a dozen headings with ids, one in-page link, near its end.
func BenchmarkPrefixIDs(b *testing.B) {
	var body strings.Builder
	for i := range 12 {
		fmt.Fprintf(&body, `<h2 id="section-%d">Section %d</h2>`+"\n", i, i)
		body.WriteString(strings.Repeat("<p>Some words of the entry, and some more words after them.</p>\n", 10))
	}
	body.WriteString(`<p>Back to <a href="#section-0">the start</a>.</p>`)
	html := body.String()
	b.SetBytes(int64(len(html)))
	for b.Loop() {
		prefixIDs(html, "an-entry-slug--")
	}
}
