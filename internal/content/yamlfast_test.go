package content

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// typicalYAML is front matter as bench/gencorpus writes it, with one of
// everything an entry has.
const typicalYAML = `id: urn:uuid:d2daeea9-d2ff-4762-a2f7-43efabf85574
title: "billing-api answering 504 for three hours"
date: 2025-08-16
kind: broke
project: mobile-sync
tags: [concurrency, tls, incident, terraform]
summary: "A three hours outage in billing-api, traced to Node and fixed with one config line."
errors:
  - "json: cannot unmarshal string into Go struct field FetchInvoicesRequest.total of type int"
hero:
  src: thumbnailer-v1-s3-to-webp.svg
  alt: "Architecture diagram: a photo ..."
  caption: "Version 1: two buckets, one function, one CDN."
`

// fastYAMLCases are front matter and whether fastYAML decodes it; where it
// does, it must agree with yaml.v3.
var fastYAMLCases = []struct {
	name string
	in   string
	fast bool
}{
	{"typical", typicalYAML, true},
	{"every key", strings.TrimSuffix(strings.TrimPrefix(everyKeyYAML, "---\n"), "---\nBody text.\n"), true},
	{"gencorpus escapes", `title: "pq: duplicate key value violates unique constraint \"users_pkey\""
summary: "C:\\temp in São Paulo, 'quoted'"
errors:
  - "Uncaught (in promise) SyntaxError: Unexpected token '<', \"<!DOCTYPE \"... is not valid JSON"
  - "accept tcp [::]:8080: accept4: too many open files"
hero:
  src: "../photos/photo-00001.jpg"
  alt: "Tokyo to São Paulo"
  caption: "x"
`, true},
	{"hugo", "title: \"x\"\ndate: 2025-01-02\ntags: [go, s3]\nprojects: [ledger]\nentrykind: broke\n", true},
	{"empty", "", true},
	{"blank lines", "\n   \n\n", true},
	{"no final newline", "a: b", true},
	{"null at end", "a:", true},
	{"nulls", "a:\nb:   \nc: ~\nd: null\ne: Null\nf: NULL\ng: nULL\nh: \"null\"\ni: '~'\n", true},
	{"null before nested", "a:\n\n\nb:\n  c: d\n", true},
	{"blank lines everywhere", "\n\na: b\n\n  \nc:\n\n  d: e\n\n  f:\n\n\n  - g\n\n  - h\n\n", true},
	{"indented root", "  a: b\n  c: d\n", true},
	{"deep", "a:\n  b:\n    c:\n      d: e\n    f: g\n  h: i\nj: k\n", true},
	{"sequence", "a:\n  - b\n  -   \"c\"\n  - 'd'\n  - ~\n", true},
	{"indentless sequence", "a:\n- b\n- c\nd: e\n", true},
	{"nested indentless sequence", "a:\n  b:\n  - c\n  d:\n    - e\nf: g\n", true},
	{"flow lists", "a: [b, \"c\",  'd' ,e f]\nb: []\nc: [ ]\nd: [~, null, x]   \ne: [\"a, b\", 'c]', \"\\\"\"]\n", true},
	{"flow items with quotes inside", "a: [it's, a\"b, c-d, e!, f&g, h*, i|j, k>l, m%, n@, o`]\n", true},
	{"flow columns count characters", "a: [ü, é, \"ß\", x]\nb: \"ü\"\n", true},
	{"plain text", "a: b:c\nb: a - b\nc: x#y\nd: 50%\ne: a [b] {c}, d\nf: it's \"so\"\ng: trailing   \nh: 3.14\ni: true\nj: <<\n", true},
	{"quotes", "a: \"x  \"  \nb: 'it''s'\nc: ''''\nd: \"\"\ne: ''\nf: 'a\\b'\ng: \"# not a comment\"\n", true},
	{"escapes", `a: "\0\a\b\t\n\v\f\r\e\ \"\'\\\N\_\L\P"` + "\n" + `b: "\x41\u00e9\U0001F600"` + "\n", true},
	{"keys", "a-b: 1\nA_B: 2\n0: 3\nnull: 4\ntrue: 5\n", true},
	{"non-ASCII", "a: São Paulo\nb: 日本語\nc: \"😀\"\n", true},

	{"not a mapping", "just text\n", false},
	{"list at the top", "- a\n- b\n", false},
	{"comment line", "# c\na: b\n", false},
	{"comment after value", "a: b # c\n", false},
	{"comment after quoted", "a: \"b\" # c\n", false},
	{"tab", "a:\tb\n", false},
	{"tab indent", "a:\n\tb: c\n", false},
	{"carriage return", "a: b\r\n", false},
	{"duplicate key", "a: b\na: c\n", false},
	{"duplicate nested key", "a:\n  b: 1\n  b: 2\n", false},
	{"many keys, one duplicate", manyKeys(40) + "k7: x\n", false},
	{"many keys", manyKeys(40), true},
	{"anchor", "a: &x b\nc: *x\n", false},
	{"tag", "a: !!str 1\n", false},
	{"literal block", "a: |\n  b\n", false},
	{"folded block", "a: >\n  b\n", false},
	{"continuation", "a: b\n  c\n", false},
	{"continuation of quoted", "a: \"b\n  c\"\n", false},
	{"continuation in list", "a:\n  - b\n    c\n", false},
	{"continuation in indentless list", "a:\n- b\n  c\n", false},
	{"mapping in list", "a:\n  - b: c\n", false},
	{"nested list", "a:\n  - - b\n", false},
	{"empty item", "a:\n  -\n  - b\n", false},
	{"flow list in list", "a:\n  - [b]\n", false},
	{"flow mapping", "a: {b: c}\n", false},
	{"nested flow list", "a: [[b]]\n", false},
	{"multi-line flow list", "a: [b,\n  c]\n", false},
	{"trailing comma", "a: [b, ]\n", false},
	{"empty flow item", "a: [b,,c]\n", false},
	{"text after flow list", "a: [b] c\n", false},
	{"colon in flow item", "a: [b:c]\n", false},
	{"key in value", "a: b: c\n", false},
	{"value ends in colon", "a: b:\n", false},
	{"no space after colon", "a:b\n", false},
	{"space before colon", "a : b\n", false},
	{"quoted key", "\"a\": b\n", false},
	{"key with dot", "a.b: c\n", false},
	{"key starting with dash", "-a: b\n", false},
	{"document start", "--- \na: b\n", false},
	{"document end", "a: b\n...\n", false},
	{"directive", "%YAML 1.2\na: b\n", false},
	{"indicator", "a: @b\n", false},
	{"negative number", "a: -1\n", false},
	{"less indented key", "a:\n    b: c\n  d: e\n", false},
	{"more indented key", "a: b\n  c: d\n", false},
	{"list less indented", "a:\n    - b\n  - c\n", false},
	{"key after list", "a:\n  - b\n  c: d\n", false},
	{"unknown escape", `a: "\/"` + "\n", false},
	{"bad hex escape", `a: "\xZZ"` + "\n", false},
	{"surrogate escape", `a: "\ud800"` + "\n", false},
	{"escaped line break", "a: \"b\\\n  c\"\n", false},
	{"unterminated single", "a: 'b\n", false},
	{"control character", "a: b\x01\n", false},
	{"invalid UTF-8", "a: \xff\n", false},
	{"line separator", "a: b\u2028c\n", false},
	{"byte order mark", "\ufeffa: b\n", false},
	{"long key", strings.Repeat("k", 1025) + ": v\n", false},
}

// manyKeys returns a mapping of n keys, k0 to k(n-1).
func manyKeys(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "k%d: v%d\n", i, i)
	}
	return b.String()
}

func TestFastYAML(t *testing.T) {
	for _, c := range fastYAMLCases {
		t.Run(c.name, func(t *testing.T) {
			_, ok := checkFastYAML(t, []byte(c.in))
			if ok != c.fast {
				t.Errorf("fastYAML(%q) ok = %v, want %v", c.in, ok, c.fast)
			}
		})
	}
}

// TestFastYAMLValueLimit: fastYAML gives up exactly where yamlConv starts
// to report too many values.
func TestFastYAMLValueLimit(t *testing.T) {
	// The top-level mapping, a and the items are values.
	for _, items := range []int{maxYAMLValues - 2, maxYAMLValues - 1} {
		fm := []byte("a: [" + strings.Repeat("x, ", items-1) + "x]\n")
		_, ok := checkFastYAML(t, fm)
		_, problems := parseYAMLSlow("log/a.md", fm, 1)
		if want := items+2 <= maxYAMLValues; ok != want || problems.HasErrors() == want {
			t.Errorf("a list of %d: fastYAML ok = %v, yaml.v3 problems %v", items, ok, problems)
		}
	}
}

// TestFastYAMLExamples: the front matter of every example entry is
// decoded by fastYAML.
func TestFastYAMLExamples(t *testing.T) {
	n := 0
	for _, fm := range exampleFrontMatter(t) {
		if _, ok := checkFastYAML(t, fm); !ok {
			t.Errorf("fastYAML does not decode %q", fm)
		}
		n++
	}
	if n < 10 {
		t.Errorf("found only %d example entries", n)
	}
}

// exampleFrontMatter returns the YAML front matter of every entry in the
// example log.
func exampleFrontMatter(t testing.TB) [][]byte {
	var out [][]byte
	err := filepath.WalkDir("../../example/log", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".md" {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		format, fm, _, _, _, err := split(src)
		if err != nil || format != "yaml" {
			t.Errorf("%s: no YAML front matter (%v)", p, err)
			return nil
		}
		out = append(out, fm)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// checkFastYAML decodes fm with fastYAML and, if it accepts it, checks
// that yaml.v3 decodes it without problems and to the same fields.
func checkFastYAML(t *testing.T, fm []byte) ([]field, bool) {
	t.Helper()
	const lineOff = 1
	fast, ok := fastYAML(fm, lineOff)
	if !ok {
		return nil, false
	}
	slow, problems := parseYAMLSlow("log/a.md", fm, lineOff)
	if len(problems) > 0 {
		t.Fatalf("fastYAML accepts %q, on which yaml.v3 reports %v", fm, problems)
	}
	if !reflect.DeepEqual(fast, slow) {
		t.Fatalf("fastYAML(%q) =\n%s\nyaml.v3 gives\n%s", fm, dumpFields(fast), dumpFields(slow))
	}
	return fast, true
}

// dumpFields formats fields one value a line, for comparing by eye.
func dumpFields(fields []field) string {
	var b strings.Builder
	var dump func(indent string, v value)
	dump = func(indent string, v value) {
		fmt.Fprintf(&b, "%s%v %d:%d str=%q quoted=%v list=%v fields=%v\n",
			indent, v.kind, v.line, v.col, v.str, v.quoted, v.list != nil, v.fields != nil)
		for _, e := range v.list {
			dump(indent+"  - ", e)
		}
		for _, f := range v.fields {
			fmt.Fprintf(&b, "%s  %q %d:%d\n", indent, f.key, f.line, f.col)
			dump(indent+"    ", f.val)
		}
	}
	dump("", value{kind: mapValue, fields: fields})
	return b.String()
}

// FuzzFastYAML checks that whatever fastYAML decodes, yaml.v3 decodes
// without problems and to the same fields.
func FuzzFastYAML(f *testing.F) {
	for _, c := range fastYAMLCases {
		f.Add([]byte(c.in))
	}
	for _, fm := range exampleFrontMatter(f) {
		f.Add(fm)
	}
	f.Fuzz(func(t *testing.T, fm []byte) {
		checkFastYAML(t, fm)
	})
}

func BenchmarkParseYAML(b *testing.B) {
	fm := []byte(typicalYAML)
	if _, ok := fastYAML(fm, 1); !ok {
		b.Fatal("fastYAML does not decode typicalYAML")
	}
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			parseYAML("log/a.md", fm, 1)
		}
	})
	b.Run("slow", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			parseYAMLSlow("log/a.md", fm, 1)
		}
	})
}

// TestFastYAMLRandom compares fastYAML with yaml.v3 on front matter made
// of random lines: keys, list items and values, most of them of the kinds
// fastYAML decodes and some near the edges of those.
func TestFastYAMLRandom(t *testing.T) {
	keys := [2][]string{
		{"a", "b", "c", "k-1", "K_2", "0", "null", "a1", "b1"},
		{"~", "-a", "a.b", `"a"`, "a b", "-", "---", "...", "#", "? a"},
	}
	colons := [2][]string{{": ", ":", ":  "}, {" : ", ":\t", ":x", ":   "}}
	values := [2][]string{
		{"x", "x y", "x  ", "x:y", "x#y", "~", "null", "Null", "NULL", "nULL", "<<", "a'b", `a"b`, "ü", "日本", "x-y",
			`"q"`, `"q" `, `""`, `"a\"b"`, `"\x41\u00e9"`, `"#"`, `"é:"`, `'q'`, `'it''s'`, `''`, `'a\'`,
			"[a, b]", "[]", "[ ]", `[ "a" , 'b' ]`, "[a b, c]", "[ü, é, x]", "[~, null]", `["é", 'ü', ß]`},
		{"", "-", "- x", "-1", "?x", ":x", "x: y", "x:", "x #y", `"q" x`, `"\/"`, `"a\`, `"a`, `'''`, `'a`,
			"[a,]", "[a,,b]", "[a:b]", "[a]b", "[[a]]", "[a", "[a#b]", "[a, ? b]",
			"|", ">", "&a x", "*a", "!t x", "{a: b}", "x ü: y", "@", "`", "%"},
	}
	r := rand.New(rand.NewPCG(1, 2))
	pick := func(s [2][]string) string {
		if r.IntN(30) == 0 {
			return s[1][r.IntN(len(s[1]))]
		}
		return s[0][r.IntN(len(s[0]))]
	}
	accepted := 0
	const n = 50000
	for range n {
		var b strings.Builder
		ind := 0
		for range 1 + r.IntN(10) {
			switch r.IntN(12) {
			case 0:
				ind += 2
			case 1:
				ind = max(ind-2, 0)
			case 2:
				ind = 0
			case 3:
				ind = r.IntN(5)
			}
			b.WriteString(strings.Repeat(" ", ind))
			switch r.IntN(10) {
			case 0, 1:
				b.WriteString("-" + [...]string{" ", " ", " ", "  ", ""}[r.IntN(5)] + pick(values))
			case 2:
				// a blank line
			default:
				b.WriteString(pick(keys) + pick(colons))
				if r.IntN(3) > 0 {
					b.WriteString(pick(values))
				}
			}
			if r.IntN(30) > 0 {
				b.WriteString("\n")
			}
		}
		if _, ok := checkFastYAML(t, []byte(b.String())); ok {
			accepted++
		}
	}
	// Most random front matter has duplicate keys or stray indentation;
	// enough must be accepted for the comparison to mean something.
	if accepted < n/10 {
		t.Errorf("fastYAML accepted only %d of %d", accepted, n)
	}
	t.Logf("fastYAML accepted %d of %d", accepted, n)
}
