package feed

import (
	"strings"
	"testing"
)

// The filter changes nothing: every tag it lets through untouched is one
// the parser would have copied as written.
func TestAbsolutizeFilter(t *testing.T) {
	const base = "https://log.example.dev/sub/log/x/"
	for _, in := range absolutizeSeeds {
		if got, want := absolutize(in, base, true), absolutize(in, base, false); got != want {
			t.Errorf("absolutize(%q) with the filter\n got %q\nwant %q", in, got, want)
		}
	}
}

func FuzzAbsolutizeFilter(f *testing.F) {
	for _, s := range absolutizeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		const base = "https://log.example.dev/sub/log/x/"
		if got, want := absolutize(in, base, true), absolutize(in, base, false); got != want {
			t.Errorf("absolutize(%q) with the filter\n got %q\nwant %q", in, got, want)
		}
	})
}

var absolutizeSeeds = []string{
	`<a href="#fix">f</a>`,
	`<A HREF="/x">x</A>`,
	`<a hReF=y>y</a>`,
	`<IMG SRC="a.png">`,
	`<img srcSet="a.png 1x, /b.png 2x">`,
	`<video POSTER="p.png"></video>`,
	`<blockquote Cite="/q">q</blockquote>`,
	`<q cite=../r>r</q>`,
	`<span class="nx">x</span><span class="o">:=</span>`,
	`<span class="href">not a link</span>`,
	`<a title="src" href="z">z</a>`,
	`<p>src="a.png" &amp; href=#x</p>`,
	`<img src
	="a.png">`,
	`<img	src=a.png/>`,
	`<a h` + "\x00" + `ref="/x">nul</a>`,
	`<a href="%zz">bad</a>`,
	`<!-- <a href="#c"> --><br>`,
	`<style>a[href="#x"] > b {}</style><a href="#y">y</a>`,
}

func TestMayNameURLAttr(t *testing.T) {
	for _, c := range []struct {
		raw  string
		want bool
	}{
		{`<span class="nx">`, false},
		{`<p>`, false},
		{`<div id="x" class="chroma">`, false},
		{`<a href="#x">`, true},
		{`<A HREF="#x">`, true},
		{`<img SrC="a">`, true},
		{`<video poster="p">`, true},
		{`<q CITE="c">`, true},
		{`<span title="hrefs">`, true}, // in a value: parsed, for nothing
		{`<a hre`, false},
	} {
		if got := mayNameURLAttr([]byte(c.raw)); got != c.want {
			t.Errorf("mayNameURLAttr(%q) = %v, want %v", c.raw, got, c.want)
		}
	}
}

// BenchmarkAbsolutize runs on an entry's body as shiplog renders it: prose
// with a few links and a highlighted code block, whose spans are most of
// its tags.
func BenchmarkAbsolutize(b *testing.B) {
	var body strings.Builder
	for range 20 {
		body.WriteString(`<p>The worker retried <a href="/log/retry-storm/">the job</a> and <code>ECONNREFUSED</code> came back.</p>` + "\n")
		body.WriteString(`<div class="chroma"><pre><code><span class="line"><span class="kd">func</span> <span class="nf">main</span><span class="p">()</span> <span class="p">{</span></span>` + "\n")
		body.WriteString(`<span class="line">	<span class="nx">err</span> <span class="o">:=</span> <span class="nf">run</span><span class="p">(</span><span class="nx">ctx</span><span class="p">)</span></span></code></pre></div>` + "\n")
	}
	h := body.String()
	for _, filter := range []bool{false, true} {
		b.Run(map[bool]string{false: "parse every tag", true: "filter"}[filter], func(b *testing.B) {
			b.SetBytes(int64(len(h)))
			for b.Loop() {
				absolutize(h, "https://log.example.dev/log/x/", filter)
			}
		})
	}
}
