package markdown

import (
	"html"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// hostile are Markdown snippets that try to smuggle a script URL into a
// link or image. None may come out as a live href or src.
var hostile = []string{
	"[x](javascript:alert(1))",
	"[x](JAVASCRIPT:alert(1))",
	"[x](JaVaScRiPt:alert(1))",
	"[x](&#106;avascript:alert(1))",
	"[x](&#106avascript:alert(1))",
	"[x](&#0000106;avascript:alert(1))",
	"[x](&#x6A;avascript:alert(1))",
	"[x](&#X6a;avascript:alert(1))",
	"[x](jav&#x09;ascript:alert(1))",
	"[x](jav&#x0A;ascript:alert(1))",
	"[x](jav&Tab;ascript:alert(1))",
	"[x](javascript&colon;alert(1))",
	"[x](javascript&#58;alert(1))",
	"[x](%6Aavascript:alert(1))",
	"[x](javascript%3Aalert(1))",
	"[x](javascript%3aalert(1))",
	"[x](javascript%3Aalert(%zz))",
	"[x](java%2573cript:alert(1))",
	"[x](%09javascript:alert(1))",
	"[x](%00javascript:alert(1))",
	"[x](<  javascript:alert(1)>)",
	"[x](<\tjavascript:alert(1)>)",
	"[x](\x01javascript:alert(1))",
	"[x](\x0bjavascript:alert(1))",
	"[x](&#x2028;javascript:alert(1))",
	"[x](\u200bjavascript:alert(1))",
	"[x](java\tscript:alert(1))",
	"[x](<java\tscript:alert(1)>)",
	"[x](javas%0Acript:alert(1))",
	"[x](javas%0Dcript:alert(1))",
	"[x](java\\script:alert(1))",
	"[x](\\javascript:alert(1))",
	"[x](vbscript:msgbox(1))",
	"[x](VBScript:msgbox(1))",
	"[x](livescript:alert(1))",
	"[x](data:text/html,<script>alert(1)</script>)",
	"[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
	"[x](DATA:text/html,x)",
	"[x](data:image/svg+xml,<svg onload=alert(1)>)",
	"[x](file:///etc/passwd)",
	"<javascript:alert(1)>",
	"<JavaScript:alert(1)>",
	"<vbscript:msgbox(1)>",
	"<data:text/html,x>",
	"[x][r]\n\n[r]: javascript:alert(1)",
	"[x][r]\n\n[r]: <javascript:alert(1)>",
	"[x][r]\n\n[r]: &#106;avascript:alert(1)",
	"[r]\n\n[r]: javascript:alert(1)",
	"![x](javascript:alert(1))",
	"![x](&#106;avascript:alert(1))",
	"![x](data:text/html,x)",
	"![x](data:image/svg+xml,<svg onload=alert(1)>)",
	"![x][r]\n\n[r]: javascript:alert(1)",
	"[![x](javascript:alert(1))](javascript:alert(2))",
	"# [h](javascript:alert(1))",
	"| a |\n|---|\n| [x](javascript:alert(1)) |",
	"> [x](javascript:alert(1))",
	"- [ ] [x](javascript:alert(1))",
	"x[^1]\n\n[^1]: [x](javascript:alert(1))",
	"Body.\n\nWhat this reinforced: [x](javascript:alert(1)) ![y](javascript:alert(2))",
	"Body.\n\n**What this reinforced:** <javascript:alert(1)>",
	// Raw HTML: omitted by default, checked for script URLs with unsafe.
	`<a href="javascript:alert(1)">x</a>`,
	`<a href="jav&#x09;ascript:alert(1)">x</a>`,
	`<a href='JAVASCRIPT:alert(1)'>x</a>`,
	`<a href=javascript:alert(1)>x</a>`,
	`<a href="  javascript:alert(1)">x</a>`,
	"<a href=\"java\nscript:alert(1)\">x</a>",
	`<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">x</a>`,
	`<a href="javascript&#58alert(1)">x</a>`,
	`<img src="javascript:alert(1)">`,
	`<iframe src="data:text/html,x"></iframe>`,
	`<form action="javascript:alert(1)"><button formaction="vbscript:x">x</button></form>`,
	`<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>`,
	"Inline <a href=\"javascript:alert(1)\">x</a> link.",
	"<div>\n<a href=\"javascript:alert(1)\">x</a>\n</div>",
}

func TestHostileLinksNeverLive(t *testing.T) {
	for _, unsafe := range []bool{false, true} {
		r := New(Options{Unsafe: unsafe})
		for _, src := range hostile {
			res, err := r.Render(Doc{Path: "e.md", Line: 1, Source: []byte(src)})
			if err != nil {
				t.Fatalf("Render(%q): %v", src, err)
			}
			for _, out := range []string{res.HTML, string(res.LessonHTML)} {
				if bad := liveScriptURL(out); bad != "" {
					t.Errorf("unsafe=%v: Render(%q) has a live %s\nin: %s", unsafe, src, bad, out)
				}
			}
			// Either something was dropped, with a warning, or nothing
			// became a link or image at all (CommonMark may read the
			// sample as text).
			if len(res.Problems) == 0 && linkOrImage.MatchString(res.HTML) {
				t.Errorf("unsafe=%v: Render(%q) = %s with no warning; unsafe content is never dropped silently", unsafe, src, res.HTML)
			}
		}
	}
}

// The checker itself must see a live link, or the test above proves
// nothing.
func TestLiveScriptURLChecker(t *testing.T) {
	for _, s := range []string{
		`<a href="javascript:alert(1)">`,
		`<a class=x HREF = 'JavaScript:alert(1)'>`,
		`<a href=javascript:alert(1)>`,
		`<a href="&#106;avascript:alert(1)">`,
		`<a href="jav&#x09;ascript:x">`,
		"<a href=\" \x01javascript:x\">",
		`<img src="data:text/html,x">`,
		`<img alt="a" src="vbscript:x">`,
		`<form action="javascript:x">`,
		`<a xlink:href="javascript:x">`,
	} {
		if liveScriptURL(s) == "" {
			t.Errorf("liveScriptURL(%q) = \"\", want a finding", s)
		}
	}
	for _, s := range []string{
		`<a href="https://go.dev/javascript:">`,
		`<a href="/log/javascript-tips/">`,
		`<a href="#javascript">`,
		`<p>javascript:alert(1)</p>`,
		`<img src="data:image/png;base64,iVBORw0KGgo=">`,
		`<a title="javascript:x" href="/">`,
	} {
		if got := liveScriptURL(s); got != "" {
			t.Errorf("liveScriptURL(%q) = %q, want \"\"", s, got)
		}
	}
}

var (
	linkOrImage = regexp.MustCompile(`(?i)\s(href|src)=`)
	tagRe       = regexp.MustCompile(`<[a-zA-Z][^>]*>`)
	attrRe      = regexp.MustCompile(`(?i)\s([a-z][a-z0-9:_-]*)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)`)
)

// urlAttrs are the attributes a browser follows or loads.
var urlAttrs = map[string]bool{
	"href": true, "src": true, "action": true, "formaction": true, "xlink:href": true,
	"poster": true, "background": true, "data": true, "srcset": true, "cite": true,
}

// liveScriptURL returns the first URL attribute in s whose value, as a
// browser reads it, starts with a script or HTML data scheme, or "".
func liveScriptURL(s string) string {
	for _, tag := range tagRe.FindAllString(s, -1) {
		for _, m := range attrRe.FindAllStringSubmatch(tag, -1) {
			if !urlAttrs[strings.ToLower(m[1])] {
				continue
			}
			v := m[2]
			if v[0] == '"' || v[0] == '\'' {
				v = v[1 : len(v)-1]
			}
			if dangerousScheme(v) {
				return m[1] + "=" + m[2]
			}
		}
	}
	return ""
}

// dangerousScheme normalises an attribute value the way a browser would
// (character references, then the URL parser dropping tabs, newlines and
// leading control characters and spaces), and more: it also undoes
// percent-encoding and drops every control character, so that it errs on
// the side of finding too much.
func dangerousScheme(v string) bool {
	for range 3 {
		v = html.UnescapeString(v)
		if u, err := url.PathUnescape(v); err == nil {
			v = u
		}
	}
	v = strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, v)
	v = strings.ToLower(v)
	for _, s := range []string{"javascript:", "vbscript:", "livescript:", "data:text/html", "data:image/svg"} {
		if strings.HasPrefix(v, s) {
			return true
		}
	}
	return false
}

// FuzzRender checks that no input panics the renderer or gets a live
// script URL past it, with raw HTML on or off.
func FuzzRender(f *testing.F) {
	for _, s := range hostile {
		f.Add(s, false)
	}
	files, _ := filepath.Glob("testdata/*.txtar")
	for _, file := range files {
		a, err := parseArchiveFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, af := range a.files {
			if af.name == "in.md" {
				f.Add(string(af.data), false)
				f.Add(string(af.data), true)
			}
		}
	}
	safe, unsafe := New(Options{}), New(Options{Unsafe: true})
	f.Fuzz(func(t *testing.T, src string, allowHTML bool) {
		if len(src) > 64<<10 {
			t.Skip()
		}
		r := safe
		if allowHTML {
			r = unsafe
		}
		res, err := r.Render(Doc{Path: "e.md", Line: 1, Source: []byte(src), IDPrefix: "p--", Image: fakeImages})
		if err != nil {
			t.Fatalf("Render: %v", err)
		}
		for _, out := range []string{res.HTML, string(res.LessonHTML)} {
			if bad := liveScriptURL(out); bad != "" {
				t.Fatalf("live %s in %q", bad, out)
			}
		}
		if !allowHTML && strings.Contains(strings.ToLower(res.HTML), "<script") {
			t.Fatalf("a <script> tag came through: %q", res.HTML)
		}
	})
}
