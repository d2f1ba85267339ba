package highlight

import (
	"bytes"
	"html"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// render runs the scanner of lang over code.
func render(t testing.TB, lang, code string) string {
	t.Helper()
	f, ok := For(lang)
	if !ok {
		t.Fatalf("no scanner for %q", lang)
	}
	var w bytes.Buffer
	f(&w, []byte(code))
	return w.String()
}

var tag = regexp.MustCompile(`<span class="[a-z0-9]+">|</span>`)

// text is what a browser shows of out.
func text(out string) string { return html.UnescapeString(tag.ReplaceAllString(out, "")) }

// checkWellFormed fails unless out's spans are flat and closed and its
// text is exactly code.
func checkWellFormed(t *testing.T, lang, code, out string) {
	t.Helper()
	if got := text(out); got != code {
		t.Fatalf("%s: the text changed\n--- code\n%q\n--- shown\n%q\n--- html\n%s", lang, code, got, out)
	}
	depth := 0
	for _, m := range tag.FindAllString(out, -1) {
		if m == "</span>" {
			depth--
		} else {
			depth++
		}
		if depth < 0 || depth > 1 {
			t.Fatalf("%s: spans nest or close unopened in %s", lang, out)
		}
	}
	if depth != 0 {
		t.Fatalf("%s: a span is left open in %s", lang, out)
	}
	rest := tag.ReplaceAllString(out, "")
	if strings.ContainsAny(rest, `<>"`) {
		t.Fatalf("%s: unescaped markup in %s", lang, out)
	}
}

// has reports whether out has text in a span of class c.
func has(out, c, text string) bool {
	var w bytes.Buffer
	escape(&w, []byte(text))
	return strings.Contains(out, `<span class="`+c+`">`+w.String()+`</span>`)
}

func TestTokens(t *testing.T) {
	tests := []struct {
		lang, code string
		want       [][2]string // class, text
		not        []string    // text that must not be in any span
	}{
		{"go", "func main() { fmt.Println(\"hi <b>\") } // done\n",
			[][2]string{{"k", "func"}, {"nf", "main"}, {"nf", "Println"}, {"s", `"hi <b>"`}, {"c1", "// done"}}, []string{"fmt"}},
		{"go", "type Config struct {\n\tPort int `json:\"port\"`\n\tErr  error\n}\nvar x = 0x1F + 1.5e-3\nr := 'a'\n",
			[][2]string{{"k", "type"}, {"nc", "Config"}, {"k", "struct"}, {"kt", "int"}, {"s", "`json:\"port\"`"}, {"kt", "error"}, {"m", "0x1F"}, {"m", "1.5e-3"}, {"sc", "'a'"}, {"o", ":="}}, nil},
		{"go", "/* a\nblock */ x := nil\n", [][2]string{{"cm", "/* a\nblock */"}, {"kc", "nil"}}, nil},
		{"js", "const res = await fetch(`/api/${id}`); // go\nif (/^a\\/b[/]c$/i.test(s)) {}\nconst half = total / 2 / n;\n",
			[][2]string{{"k", "const"}, {"k", "await"}, {"nb", "fetch"}, {"s", "`/api/${id}`"}, {"c1", "// go"}, {"sr", "/^a\\/b[/]c$/i"}, {"m", "2"}}, nil},
		{"ts", "interface User { name: string }\nexport function load(id: number): Promise<User> {}\n",
			[][2]string{{"k", "interface"}, {"nc", "User"}, {"kt", "string"}, {"k", "function"}, {"nf", "load"}, {"kt", "number"}}, nil},
		{"json", `{"port": 8080, "debug": true, "name": "api", "tags": [null]}`,
			[][2]string{{"nt", `"port"`}, {"m", "8080"}, {"kc", "true"}, {"s", `"api"`}, {"kc", "null"}}, nil},
		{"python", "@app.route('/')\ndef index(req):\n    \"\"\"Doc\n    string.\"\"\"\n    return None  # nothing\nclass Cache(dict): pass\n",
			[][2]string{{"nd", "@app.route"}, {"k", "def"}, {"nf", "index"}, {"s", "\"\"\"Doc\n    string.\"\"\""}, {"kc", "None"}, {"c1", "# nothing"}, {"nc", "Cache"}, {"nb", "dict"}}, nil},
		{"rust", "fn main() -> Result<(), Box<dyn Error>> { let s: &'static str = \"x\"; }\n",
			[][2]string{{"k", "fn"}, {"nf", "main"}, {"kt", "Result"}, {"k", "let"}, {"kt", "str"}, {"s", `"x"`}}, []string{"'static str = "}},
		{"sql", "SELECT id, count(*) FROM users WHERE email = 'a@b.c' -- one\nLIMIT 10;\n",
			[][2]string{{"k", "SELECT"}, {"nb", "count"}, {"k", "FROM"}, {"s", "'a@b.c'"}, {"c1", "-- one"}, {"m", "10"}}, nil},
		{"sh", "GOOS=linux go build -o bootstrap . # arm64\nexport PATH=\"$HOME/bin:$PATH\"\nif [ -f x ]; then echo ${VAR:-y} | grep 'a b' && exit 1; fi\n",
			[][2]string{{"nv", "GOOS"}, {"c1", "# arm64"}, {"nb", "export"}, {"s2", `"$HOME/bin:$PATH"`}, {"k", "if"}, {"k", "then"}, {"nb", "echo"}, {"nv", "${VAR:-y}"}, {"o", "|"}, {"s1", "'a b'"}, {"o", "&&"}, {"k", "fi"}}, []string{"linux"}},
		{"sh", "curl https://x.example/#anchor\n", nil, []string{"#anchor"}},
		{"console", "$ go test ./...\nok  \texample.dev/app\t0.12s\nuser@box:~/app$ echo hi \\\n  there\n# whoami\nroot\n",
			[][2]string{{"gp", "$"}, {"go", "ok  \texample.dev/app\t0.12s\n"}, {"gp", "user@box:~/app$"}, {"nb", "echo"}, {"gp", "#"}, {"go", "root\n"}}, []string{"there"}},
		{"dockerfile", "# build\nFROM golang:1.26 AS build\nRUN apt-get update && \\\n    echo done\nCOPY --from=build /app /app\n",
			[][2]string{{"c1", "# build"}, {"k", "FROM"}, {"k", "AS"}, {"k", "RUN"}, {"o", "&&"}, {"nb", "echo"}, {"k", "COPY"}}, nil},
		{"yaml", "---\nruntime: provided.al2\nmemory: 512 # MiB\nenv:\n  - name: \"DEBUG\"\n    value: true\nscript: |\n  echo: not a key\n  x\nanchor: &base\n",
			[][2]string{{"nt", "---"}, {"nt", "runtime"}, {"m", "512"}, {"c1", "# MiB"}, {"nt", "name"}, {"s", `"DEBUG"`}, {"kc", "true"}, {"s", "  echo: not a key"}, {"nl", "&base"}}, []string{"provided.al2"}},
		{"toml", "# site\ntitle = \"Log\"\n[images]\ncards = false\nquality = 80\n",
			[][2]string{{"c1", "# site"}, {"na", "title"}, {"s", `"Log"`}, {"k", "[images]"}, {"kc", "false"}, {"m", "80"}}, nil},
		{"diff", "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-old\n+new\n same\n",
			[][2]string{{"gh", "--- a/x"}, {"gu", "@@ -1 +1 @@"}, {"gd", "-old"}, {"gi", "+new"}}, []string{" same"}},
		{"nginx", "server {\n    listen 80; # plain\n    location /api/ { proxy_pass http://127.0.0.1:3000$request_uri; }\n}\n",
			[][2]string{{"k", "server"}, {"k", "listen"}, {"m", "80"}, {"c1", "# plain"}, {"k", "location"}, {"k", "proxy_pass"}, {"nv", "$request_uri"}}, nil},
	}
	for _, tt := range tests {
		out := render(t, tt.lang, tt.code)
		checkWellFormed(t, tt.lang, tt.code, out)
		for _, w := range tt.want {
			if !has(out, w[0], w[1]) {
				t.Errorf("%s: want %q as %q in\n%s", tt.lang, w[1], w[0], out)
			}
		}
		for _, n := range tt.not {
			for _, m := range regexp.MustCompile(`<span class="[a-z0-9]+">([^<]*)</span>`).FindAllStringSubmatch(out, -1) {
				if strings.Contains(html.UnescapeString(m[1]), n) {
					t.Errorf("%s: %q should be plain, is in a span: %s", tt.lang, n, m[0])
				}
			}
		}
	}
}

// Whatever the input, the shown text is the input and the markup is
// well formed: no scanner may drop, repeat or leave unescaped a byte.
func TestLossless(t *testing.T) {
	samples := []string{"", "\n", "\"", "'", "`", "/*", "/", "#", "$", "${", "\\", "- ", ": ", "|", "'''", `"""`, "@", "0x", "1e+", "<script>alert(1)</script>", "a\x00b", "é 日本 \xff\xfe"}
	pieces := []string{" ", "\n", "\t", "\"", "'", "`", "/", "*", "#", "$", "{", "}", "(", ")", "[", "]", ":", "=", "-", "@", "\\", "<", ">", "&", "x", "if", "42", "1.5", "é", "\xff", "--", "//", "/*", "*/", "'''", "|", ";", "key", "FROM", "$ ", "@@", "+"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 400 {
		var sb strings.Builder
		for range r.IntN(40) {
			sb.WriteString(pieces[r.IntN(len(pieces))])
		}
		samples = append(samples, sb.String())
	}
	langs := Languages()
	slices.Sort(langs)
	for _, lang := range langs {
		for _, s := range samples {
			out := render(t, lang, s)
			if strings.ToValidUTF8(s, "\uFFFD") != s {
				// Invalid UTF-8 is written as it came; compare bytes
				// without the html package's decoding.
				if !strings.Contains(out, "\xff") && strings.Contains(s, "\xff") {
					t.Fatalf("%s: a byte of invalid UTF-8 was dropped from %q", lang, s)
				}
				continue
			}
			checkWellFormed(t, lang, s, out)
		}
	}
}

func FuzzScanners(f *testing.F) {
	for _, s := range []string{"func f() {}", "$ ls\nout", "a: b # c", "[x]\ny = 1", "-a\n+b"} {
		f.Add(s)
	}
	langs := Languages()
	slices.Sort(langs)
	f.Fuzz(func(t *testing.T, s string) {
		if strings.ToValidUTF8(s, "") != s {
			return
		}
		for _, lang := range langs {
			checkWellFormed(t, lang, s, render(t, lang, s))
		}
	})
}

func TestFor(t *testing.T) {
	for _, l := range []string{"go", "Go", "JS", "typescript", "Dockerfile", "console", "yml", "py"} {
		if _, ok := For(l); !ok {
			t.Errorf("For(%q) = false", l)
		}
	}
	for _, l := range []string{"", "text", "haskell", "brainfuck"} {
		if _, ok := For(l); ok {
			t.Errorf("For(%q) = true", l)
		}
	}
}

func BenchmarkGo(b *testing.B) {
	code := []byte(strings.Repeat("func TestFetchInvoicesTimeout(t *testing.T) {\n\tctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond) // short\n\tdefer cancel()\n\tif _, err := fetch(ctx, \"http://127.0.0.1:9\"); err == nil {\n\t\tt.Fatal(\"want an error\")\n\t}\n}\n", 4))
	f, _ := For("go")
	var w bytes.Buffer
	b.SetBytes(int64(len(code)))
	for b.Loop() {
		w.Reset()
		f(&w, code)
	}
}
