package search

import (
	"bufio"
	"encoding/json"
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
