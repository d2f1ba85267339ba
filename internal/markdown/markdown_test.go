package markdown

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// A Renderer is shared by every worker of a build: rendering the same
// documents at once must give what rendering them one by one gives.
func TestRenderConcurrent(t *testing.T) {
	r := New(Options{})
	docs := []string{
		"# A\n\n## A\n\n```go\nfunc f() {}\n```\n\nWhat this reinforced: one.",
		"# B\n\nNote[^1].\n\n[^1]: x\n\n```yaml\na: 1\n```\n",
		"```console\n$ go test\nFAIL\n```\n\n![x](a.png \"cap\")\n",
		"| a | b |\n|---|---|\n| [x](javascript:alert(1)) | <script>y</script> |\n",
	}
	want := make([]string, len(docs))
	for i, d := range docs {
		res, err := r.Render(Doc{Path: "e.md", Line: 1, Source: []byte(d), IDPrefix: fmt.Sprint("p", i, "-")})
		if err != nil {
			t.Fatal(err)
		}
		want[i] = res.HTML
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for i, d := range docs {
				res, err := r.Render(Doc{Path: "e.md", Line: 1, Source: []byte(d), IDPrefix: fmt.Sprint("p", i, "-")})
				if err != nil {
					t.Error(err)
					return
				}
				if res.HTML != want[i] {
					t.Errorf("doc %d rendered concurrently = %s, want %s", i, res.HTML, want[i])
				}
			}
		})
	}
	wg.Wait()
}

// Ids restart with every document: two entries with a "Symptom" heading
// both get "symptom", never "symptom-1" because the other came first.
func TestIDsPerDocument(t *testing.T) {
	r := New(Options{})
	for range 2 {
		res, err := r.Render(Doc{Path: "e.md", Line: 1, Source: []byte("## Symptom\n")})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Headings) != 1 || res.Headings[0].ID != "symptom" {
			t.Errorf("Headings = %+v, want one with id symptom", res.Headings)
		}
	}
}

func TestProblemPositions(t *testing.T) {
	src := "para one\nwith [a link](javascript:x) inside\n\n* item <script>\n"
	res, err := New(Options{}).Render(Doc{Path: "log/e.md", Line: 7, Source: []byte(src)})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range res.Problems {
		got = append(got, p.String())
	}
	want := []string{
		`log/e.md:8:6: warning: link to "javascript:x" removed (links may only point to http(s), mailto or site paths)`,
		`log/e.md:10:8: warning: raw HTML omitted: <script> (raw HTML is left out; set markdown.unsafe = true in shiplog.toml to allow it)`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestWords(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int
	}{
		{"", 0},
		{"one", 1},
		{"  two words\n", 2},
		{"a\tb\r\nc", 3},
	} {
		res, err := New(Options{}).Render(Doc{Source: []byte(tt.in)})
		if err != nil {
			t.Fatal(err)
		}
		if res.Words != tt.want {
			t.Errorf("Render(%q).Words = %d, want %d", tt.in, res.Words, tt.want)
		}
	}
}

func TestPercentDecode(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"plain", "plain"},
		{"%6Aavascript%3A", "javascript:"},
		{"javascript%3A%zz", "javascript:%zz"},
		{"%", "%"},
		{"%4", "%4"},
		{"100%25", "100%"},
	} {
		if got := percentDecode(tt.in); got != tt.want {
			t.Errorf("percentDecode(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// entry is a realistic entry: about 800 words of prose, headings, a
// list, a table, a footnote, an image and three code blocks.
func benchEntry() []byte {
	var b strings.Builder
	prose := "The deploy went out at nine and the first cold start took three seconds longer than the day before, " +
		"which nobody noticed until the p99 alarm fired and the on-call engineer opened the flame graph. "
	b.WriteString("## Symptom\n\n")
	for range 5 {
		b.WriteString(prose + prose + "\n\n")
	}
	b.WriteString("```go\npackage main\n\nimport \"fmt\"\n\nfunc main() {\n\tfor i := range 10 {\n\t\tfmt.Println(i)\n\t}\n}\n```\n\n")
	b.WriteString("## Cause\n\n- the **binary** was built for `amd64`\n- the function ran on `arm64`\n- the error said *exec format error*[^1]\n\n")
	for range 4 {
		b.WriteString(prose + prose + "\n\n")
	}
	b.WriteString("```error\nRuntime.InvalidEntrypoint: fork/exec /var/task/bootstrap: exec format error\n```\n\n")
	b.WriteString("| step | before | after |\n|---|---:|---:|\n| init | 3.1 s | 0.2 s |\n| handler | 40 ms | 38 ms |\n\n")
	b.WriteString("## Fix\n\n![Flame graph](flame.png \"The init phase, before and after\")\n\n")
	for range 3 {
		b.WriteString(prose + "\n\n")
	}
	b.WriteString("```yaml\nruntime: provided.al2023\narchitectures: [arm64]\nmemory: 512\n```\n\n")
	b.WriteString("[^1]: Read the whole message, not the first word.\n\n")
	b.WriteString("What this reinforced: build for the architecture you deploy to, and read the whole error.\n")
	return []byte(b.String())
}

func BenchmarkRender(b *testing.B) {
	src := benchEntry()
	r := New(Options{})
	doc := Doc{Path: "log/e.md", Line: 8, Source: src, Image: fakeImages}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Render(doc); err != nil {
			b.Fatal(err)
		}
	}
}

func TestBenchEntryIsRealistic(t *testing.T) {
	res, err := New(Options{}).Render(Doc{Source: benchEntry(), Image: fakeImages})
	if err != nil {
		t.Fatal(err)
	}
	if res.Words < 750 || res.Words > 900 {
		t.Errorf("bench entry has %d words, want about 800", res.Words)
	}
	if n := strings.Count(res.HTML, `<div class="code`); n != 3 {
		t.Errorf("bench entry has %d code blocks, want 3", n)
	}
	if len(res.Problems) != 0 {
		t.Errorf("bench entry has problems: %v", res.Problems)
	}
}

func TestCountWords(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int
	}{
		{"", 0}, {" ", 0}, {"a", 1}, {" a ", 1}, {"a b", 2}, {"a\tb\r\nc", 3}, {"\n\n a  b\n", 2},
		{"naïve — café", 3}, {"x\u00a0y", 1}, {"```go\nfunc main() {}\n```", 5},
	} {
		if got := countWords([]byte(tt.in)); got != tt.want {
			t.Errorf("countWords(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

// blockText reads a block's lines in place when they follow one another
// in the source, and joins them otherwise (a block in a list item loses
// its indent, a tab becomes spaces): the same text either way.
func TestBlockText(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"```go\na := 1\nb := 2\n```\n", "a := 1\nb := 2\n"},
		{"- item\n\n  ```sh\n  make\n  make test\n  ```\n", "make\nmake test\n"},
		{"> ```\n> quoted\n> twice\n> ```\n", "quoted\ntwice\n"},
		{"    indented\n    \tcode\n", "indented\n\tcode\n"},
		{"```\n```\n", ""},
	} {
		src := []byte(c.src)
		doc := goldmark.New().Parser().Parse(text.NewReader(src))
		var got []string
		ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if entering && (n.Kind() == ast.KindFencedCodeBlock || n.Kind() == ast.KindCodeBlock) {
				got = append(got, string(blockText(n, src)))
			}
			return ast.WalkContinue, nil
		})
		if len(got) != 1 || got[0] != c.want {
			t.Errorf("blockText of %q = %q, want [%q]", c.src, got, c.want)
		}
	}
}
