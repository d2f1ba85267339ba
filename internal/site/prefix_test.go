package site

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/shiplog/shiplog/internal/render"
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

// spliceBodies puts each body, ids namespaced, where the page shows its
// mark, and declines a page whose marks are not each there exactly once.
func TestSpliceBodies(t *testing.T) {
	views := []*render.Entry{
		{Slug: "a", Body: `<h2 id="why">Why</h2><p><a href="#why">why</a></p>`},
		{Slug: "b", Body: "<p>no ids</p>"},
	}
	m0, m1 := string(streamMark(0)), string(streamMark(1))
	for _, c := range []struct {
		page, want string
		ok         bool
	}{
		{"<main>" + m0 + "<hr>" + m1 + "</main>",
			`<main><h2 id="a--why">Why</h2><p><a href="#a--why">why</a></p><hr><p>no ids</p></main>`, true},
		{m1 + m0, `<p>no ids</p><h2 id="a--why">Why</h2><p><a href="#a--why">why</a></p>`, true},
		{"<main>" + m0 + "</main>", "", false},            // a body left out
		{m0 + m1 + m1, "", false},                         // shown twice
		{m0 + m1 + string(streamMark(2)), "", false},      // no such entry
		{m0 + m1 + streamMarkPrefix + "x\x00", "", false}, // not a number
		{m0 + m1 + streamMarkPrefix + "1", "", false},     // cut short
		{m0 + m1 + streamMarkPrefix + "\x00", "", false},
		{"", "", false},
	} {
		got, ok := spliceBodies([]byte(c.page), views)
		if ok != c.ok || string(got) != c.want {
			t.Errorf("spliceBodies(%q) = %q, %v; want %q, %v", c.page, got, ok, c.want, c.ok)
		}
	}
}
