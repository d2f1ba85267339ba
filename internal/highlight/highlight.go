// Package highlight colours the code of the languages engineering logs
// are mostly written in — Go, JavaScript and TypeScript, JSON, Python,
// shell sessions, Dockerfiles, YAML, TOML, SQL, diffs, nginx and the C
// family — with hand-written scanners, one pass over the bytes, no
// regular expressions.
//
// It exists for speed: chroma's lexers try backtracking regular
// expressions at every position, and highlighting with them was most of
// what a build could not avoid (docs/benchmarks.md). These scanners are
// tens of times faster and write less HTML: a span only where the theme
// gives a colour (keywords, strings, comments, numbers, names of
// functions and types, operators, prompts and output), in chroma's class
// names, so one stylesheet serves both. Languages not here are left to
// chroma by the caller.
//
// The scanners never fail and never lose a byte: whatever the input, the
// text of the output is the input, escaped (a test checks it on
// arbitrary input).
package highlight

import (
	"bytes"
	"strings"
)

// A Func writes code as HTML: text escaped, tokens in spans with
// chroma's class names.
type Func func(w *bytes.Buffer, code []byte)

// For returns the scanner for lang (a fenced block's info string,
// any case), or false when this package does not know it.
func For(lang string) (Func, bool) {
	f, ok := byName[strings.ToLower(lang)]
	return f, ok
}

// Languages lists the names For knows, for documentation and tests.
func Languages() []string {
	out := make([]string, 0, len(byName))
	for k := range byName {
		out = append(out, k)
	}
	return out
}

var byName = map[string]Func{}

func register(f Func, names ...string) {
	for _, n := range names {
		byName[n] = f
	}
}

func init() {
	register(cFunc(goLang), "go", "golang")
	register(cFunc(jsLang), "js", "javascript", "jsx", "mjs", "cjs", "node")
	register(cFunc(tsLang), "ts", "typescript", "tsx", "mts", "cts")
	register(cFunc(jsonLang), "json", "jsonc", "json5", "geojson")
	register(cFunc(pyLang), "python", "py", "python3", "py3")
	register(cFunc(rustLang), "rust", "rs")
	register(cFunc(javaLang), "java")
	register(cFunc(kotlinLang), "kotlin", "kt")
	register(cFunc(cLang), "c", "h")
	register(cFunc(cppLang), "cpp", "c++", "cc", "cxx", "hpp")
	register(cFunc(csLang), "csharp", "cs", "c#")
	register(cFunc(swiftLang), "swift")
	register(cFunc(sqlLang), "sql", "postgresql", "postgres", "psql", "mysql", "sqlite")
	register(shell, "sh", "bash", "shell", "zsh", "ksh", "shellscript", "env", "dotenv")
	register(console, "console", "shell-session", "shellsession", "terminal", "bash-session")
	register(dockerfile, "dockerfile", "docker", "containerfile")
	register(yaml, "yaml", "yml")
	register(toml, "toml", "ini", "cfg", "conf", "properties", "editorconfig", "gitconfig")
	register(diff, "diff", "patch", "udiff")
	register(nginx, "nginx", "nginxconf")
}

// span writes text in a span of class c, or bare when c is "".
func span(w *bytes.Buffer, c string, text []byte) {
	if len(text) == 0 {
		return
	}
	if c == "" {
		escape(w, text)
		return
	}
	w.WriteString(`<span class="`)
	w.WriteString(c)
	w.WriteString(`">`)
	escape(w, text)
	w.WriteString(`</span>`)
}

// escape writes text with &, <, > and " escaped, as chroma does.
func escape(w *bytes.Buffer, text []byte) {
	last := 0
	for i, c := range text {
		var rep string
		switch c {
		case '&':
			rep = "&amp;"
		case '<':
			rep = "&lt;"
		case '>':
			rep = "&gt;"
		case '"':
			rep = "&#34;"
		default:
			continue
		}
		w.Write(text[last:i])
		w.WriteString(rep)
		last = i + 1
	}
	w.Write(text[last:])
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80
}

func isIdent(c byte) bool { return isIdentStart(c) || isDigit(c) }

// lineEnd returns the index of the newline ending the line at i, or
// len(b).
func lineEnd(b []byte, i int) int {
	if j := bytes.IndexByte(b[i:], '\n'); j >= 0 {
		return i + j
	}
	return len(b)
}

// quoted returns the end of the string opened by b[i] (its closing quote
// included): backslash escapes when esc, ending at a newline unless
// multiline; an unclosed string ends where the line (or the code) does.
func quoted(b []byte, i int, q byte, esc, multiline bool) int {
	j := i + 1
	for j < len(b) {
		c := b[j]
		switch {
		case c == '\\' && esc && j+1 < len(b):
			j += 2
			continue
		case c == q:
			return j + 1
		case c == '\n' && !multiline:
			return j
		}
		j++
	}
	return len(b)
}

// number returns the end of the number starting at b[i]: digits, letters
// (hex, exponents, suffixes), "_" and a "." followed by a digit; an
// exponent's sign.
func number(b []byte, i int) int {
	j := i
	for j < len(b) {
		c := b[j]
		switch {
		case isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_':
			j++
		case c == '.' && j+1 < len(b) && isDigit(b[j+1]):
			j++
		case (c == '+' || c == '-') && j > i && (b[j-1] == 'e' || b[j-1] == 'E') && !(j > i+1 && (b[i+1] == 'x' || b[i+1] == 'X')):
			j++
		default:
			return j
		}
	}
	return j
}

func words(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}
