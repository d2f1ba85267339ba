package search

import (
	"bufio"
	"encoding/json"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
)

// WordCase is one line of testdata/words.jsonl: a text and its words as
// show writes them. The browser test in internal/e2e runs the same file
// through search.js, so the tokeniser of queries and the one of the
// index cannot drift apart.
type WordCase struct {
	In   string `json:"in"`
	Want string `json:"want"`
}

func readWordCases(t *testing.T) []WordCase {
	t.Helper()
	f, err := os.Open("testdata/words.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []WordCase
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var c WordCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("words.jsonl: %v", err)
		}
		cases = append(cases, c)
	}
	return cases
}

func TestWords(t *testing.T) {
	for _, c := range readWordCases(t) {
		got := show(Words(c.In))
		if got != c.Want {
			t.Errorf("Words(%q) = %s, want %s", c.In, got, c.Want)
		}
	}
}

// show renders words as "word(part part) word".
func show(ws []Word) string {
	var b strings.Builder
	for i, w := range ws {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w.Text)
		if len(w.Parts) > 0 {
			b.WriteString("(" + strings.Join(w.Parts, " ") + ")")
		}
	}
	return b.String()
}

// Every example of the issue is findable as a whole and by its parts.
func TestTermsFindable(t *testing.T) {
	for _, c := range []struct {
		text string
		want []string
	}{
		{"we ship C++ too", []string{"c++"}},
		{"set foo_bar=1", []string{"foo_bar", "foo", "bar"}},
		{"net::ERR_CONNECTION_REFUSED at load", []string{"net::err_connection_refused", "err_connection_refused", "err", "connection", "refused", "net"}},
		{"connect ECONNREFUSED 127.0.0.1:3306", []string{"econnrefused", "127.0.0.1:3306", "127.0.0.1", "3306"}},
		{"/var/task/sharp-linux-x64.node: invalid ELF header", []string{"sharp-linux-x64.node", "sharp", "linux", "x64", "node", "var", "task", "invalid", "elf", "header"}},
		{"listen on ::1 only", []string{"::1"}},
		{"read import.meta.env.VITE_API_URL", []string{"import.meta.env.vite_api_url", "import", "meta", "env", "vite_api_url", "vite", "api", "url"}},
	} {
		got := Terms(c.text)
		for _, w := range c.want {
			if !slices.Contains(got, w) {
				t.Errorf("Terms(%q) = %q, missing %q", c.text, got, w)
			}
		}
	}
}

func TestTermsStopWords(t *testing.T) {
	got := Terms("The cause of it was in the config, not the code")
	want := []string{"cause", "config", "not", "code"}
	if !slices.Equal(got, want) {
		t.Errorf("Terms = %q, want %q", got, want)
	}
}

func TestCompareUTF16(t *testing.T) {
	// U+FF5E sorts after U+1F600 in UTF-8 byte order but before it in
	// UTF-16 (a surrogate pair starts with 0xD83D).
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"a", "b", -1},
		{"ab", "a", 1},
		{"x", "x", 0},
		{"\U0001F600", "\uFF5E", -1},
	} {
		if got := compareUTF16(c.a, c.b); (got < 0) != (c.want < 0) || (got > 0) != (c.want > 0) {
			t.Errorf("compareUTF16(%q, %q) = %d, want sign of %d", c.a, c.b, got, c.want)
		}
	}
}

func BenchmarkWords(b *testing.B) {
	text := strings.Repeat("The handler reads from mail.outbound, does one thing, and acknowledges: ERR_CONNECTION_REFUSED at 127.0.0.1:3306 in getElementById(). ", 50)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Words(text)
	}
}

// sameWords checks that text splits into the same words with word's
// ASCII path as with its rune path, wordRunes, which takes any word.
func sameWords(t *testing.T, text string) {
	t.Helper()
	var got []Word
	eachWord(text, func(w Word) { got = append(got, w) })
	var want []Word
	eachRaw(text, func(raw string) {
		w, ok, plain := plainWord(raw)
		if !plain {
			w, ok = wordRunes(raw)
		}
		if ok {
			want = append(want, w)
		}
	})
	if show(got) != show(want) {
		t.Fatalf("words of %q:\n got %s\nwant %s", text, show(got), show(want))
	}
}

func TestWordASCIIMatchesRunes(t *testing.T) {
	for _, c := range readWordCases(t) {
		sameWords(t, c.In)
	}
	for _, s := range []string{
		"net::ERR_CONNECTION_REFUSED", "HTTPServer getElementById XMLHttpRequest", "1.2.3.4:8080 v1.2.3-rc.1",
		"a.b", "x.1.2.y", "..a..b..", "import.meta.env.VITE_API_URL", "kafka-3.internal:8080", "C++ C# me@host __init__",
		"ABCdef aBC Ab", "s3://bucket/key", "x64 e2e A1b2C3", "1.a.2", "a1.2b", "9.9.9.9.", "-_-", "_a_", "a__b--c",
	} {
		sameWords(t, s)
	}
}

func FuzzWordASCII(f *testing.F) {
	for _, s := range []string{"net::ERR_X", "getElementById", "127.0.0.1:3306", "HTTPServer", "a.b.c", "x_1-Y.2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { sameWords(t, s) })
}

// eachWordCounts is what countWords must count, from eachWord.
func eachWordCounts(text string) map[string]int {
	counts := map[string]int{}
	eachWord(text, func(w Word) {
		for _, t := range append([]string{w.Text}, w.Parts...) {
			if !Stop[t] {
				counts[t]++
			}
		}
	})
	return counts
}

func sameCounts(t *testing.T, text string) {
	t.Helper()
	c := newWordCounts()
	countWords(text, c)
	got := map[string]int{}
	for i, t := range c.terms {
		got[t] = int(c.n[i])
	}
	if len(got) != len(c.terms) {
		t.Errorf("a term is counted in two places: %q", c.terms)
	}
	if want := eachWordCounts(text); !maps.Equal(got, want) {
		for k, v := range want {
			if got[k] != v {
				t.Errorf("count of %q: got %d, want %d", k, got[k], v)
			}
		}
		for k, v := range got {
			if _, ok := want[k]; !ok {
				t.Errorf("count of %q: got %d, want none", k, v)
			}
		}
		t.Fatalf("countWords(%.80q…) differs from eachWord's words", text)
	}
}

func TestCountWordsMatchesEachWord(t *testing.T) {
	body, err := os.ReadFile("testdata/bodies.md")
	if err != nil {
		t.Fatal(err)
	}
	sameCounts(t, string(body))
	for _, c := range readWordCases(t) {
		sameCounts(t, c.In)
	}
	for _, s := range []string{
		"", "a", "Ab", "The THE the", "Éclair café naïve — “quoted” → ok", "x\u00e9y Über über ÜBER",
		"word\u2019s end. Then: new", "ab\xffcd \xff\xfe", "A1 a1 1A 1a", "It is IS", "YAML, not yaml.",
		"trailing... dots:: and -dashes- @at", "\u0301combining first", "日本語 テキスト", "C++ C# me@host __init__",
	} {
		sameCounts(t, s)
	}
}

func FuzzCountWords(f *testing.F) {
	for _, s := range []string{"The net::ERR_X", "getElementById Über", "127.0.0.1:3306.", "It's — ok", "a.b.c An"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { sameCounts(t, s) })
}

func TestIsStop(t *testing.T) {
	for w := range Stop {
		if !isStop(w) {
			t.Errorf("isStop(%q) = false for a stop word", w)
		}
	}
	for _, w := range []string{"", "not", "no", "cannot", "The", "thee", "th", "yours", "é", "whichever", "A"} {
		if isStop(w) != Stop[w] {
			t.Errorf("isStop(%q) = %v, Stop says %v", w, isStop(w), Stop[w])
		}
	}
}

// BenchmarkCountWords measures the counting of a body's words, on the
// bodies of four generated entries (bench/gencorpus).
func BenchmarkCountWords(b *testing.B) {
	body, err := os.ReadFile("testdata/bodies.md")
	if err != nil {
		b.Fatal(err)
	}
	text, counts := string(body), newWordCounts()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		countWords(text, counts)
		counts.reset()
	}
}
