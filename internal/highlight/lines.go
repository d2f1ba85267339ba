package highlight

import (
	"bytes"
	"strings"
)

var (
	shellKeywords = words("if then else elif fi for while until do done case esac in function select return break continue time")
	shellBuiltins = words("alias bg bind builtin caller cd command compgen complete declare dirs disown echo enable eval exec exit export fc fg getopts hash help history jobs kill let local logout popd printf pushd pwd read readonly set shift shopt source suspend test times trap type typeset ulimit umask unalias unset wait sudo")
)

// shell colours a shell script: comments, strings, variables, keywords,
// builtins, numbers and operators.
func shell(w *bytes.Buffer, b []byte) { shellRange(w, b, 0, len(b)) }

// shellRange writes b[from:to] as shell.
func shellRange(w *bytes.Buffer, b []byte, from, to int) {
	i, plain := from, from
	emit := func(c string, end int) {
		escape(w, b[plain:i])
		span(w, c, b[i:end])
		i, plain = end, end
	}
	for i < to {
		c := b[i]
		atWord := i == from || isSpace(b[i-1]) || strings.IndexByte(";|&(`", b[i-1]) >= 0
		switch {
		case c == '#' && atWord:
			emit("c1", min(lineEnd(b, i), to))
		case c == '\'':
			emit("s1", min(quoted(b, i, '\'', false, true), to))
		case c == '"':
			emit("s2", min(quoted(b, i, '"', true, true), to))
		case c == '$' && i+1 < to && b[i+1] == '{':
			end := bytes.IndexByte(b[i:to], '}')
			if end < 0 {
				i++
				continue
			}
			emit("nv", i+end+1)
		case c == '$' && i+1 < to && (isIdentStart(b[i+1]) || strings.IndexByte("@*#?$!0123456789-", b[i+1]) >= 0):
			j := i + 2
			if isIdentStart(b[i+1]) {
				for j < to && isIdent(b[j]) {
					j++
				}
			}
			emit("nv", j)
		case c == '\\' && i+1 < to:
			i += 2
		case strings.IndexByte("|&;<>", c) >= 0:
			j := i + 1
			for j < to && strings.IndexByte("|&;<>", b[j]) >= 0 {
				j++
			}
			emit("o", j)
		case isIdentStart(c) || isDigit(c) || c == '-' || c == '.' || c == '/':
			j := i + 1
			for j < to && !isSpace(b[j]) && strings.IndexByte(";|&<>()'\"`$=#", b[j]) < 0 {
				j++
			}
			word := string(b[i:j])
			switch {
			case j < to && b[j] == '=' && atWord && isName(word):
				emit("nv", j) // NAME=value
				emit("o", j+1)
			case !atWord:
				i = j
			case shellKeywords[word]:
				emit("k", j)
			case shellBuiltins[word]:
				emit("nb", j)
			case allDigits(word):
				emit("m", j)
			default:
				i = j
			}
		default:
			i++
		}
	}
	escape(w, b[plain:to])
}

func isName(s string) bool {
	if s == "" || !isIdentStart(s[0]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isIdent(s[i]) {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

// console colours a terminal session: a line starting with a prompt
// ($, #, %, > or user@host:path$) is a command, coloured as shell, with
// its continuation lines; every other line is output.
func console(w *bytes.Buffer, b []byte) {
	cont := false // the last command line ended with a backslash
	for i := 0; i < len(b); {
		end := lineEnd(b, i)
		next := min(end+1, len(b))
		line := b[i:end]
		switch p := prompt(line); {
		case cont:
			shellRange(w, b, i, next)
		case p > 0:
			span(w, "gp", b[i:i+p])
			shellRange(w, b, i+p, next)
		default:
			span(w, "go", b[i:next])
		}
		cont = bytes.HasSuffix(bytes.TrimRight(line, " \t\r"), []byte(`\`)) && (cont || prompt(line) > 0)
		i = next
	}
}

// prompt returns the length of the prompt at the start of line, 0 for
// none: "$ ", "# ", "% ", "> ", "PS> ", or "user@host:~/dir$ ".
func prompt(line []byte) int {
	if len(line) >= 2 && strings.IndexByte("$#%>", line[0]) >= 0 && line[1] == ' ' {
		return 1
	}
	if len(line) == 1 && strings.IndexByte("$#%", line[0]) >= 0 {
		return 1
	}
	if bytes.HasPrefix(line, []byte("PS")) {
		if k := bytes.Index(line, []byte("> ")); k > 2 && bytes.IndexByte(line[:k], ' ') < 0 {
			return k + 1
		}
	}
	// user@host:path$ or [user@host dir]$
	k := bytes.Index(line, []byte("$ "))
	if k < 0 {
		k = bytes.Index(line, []byte("# "))
	}
	if k > 0 && k < 80 && bytes.IndexByte(line[:k], '@') > 0 && bytes.IndexByte(line[:k], ' ') < 0 || k > 0 && line[0] == '[' && bytes.IndexByte(line[:k], ']') == k-1 {
		return k + 1
	}
	return 0
}

var dockerInstructions = words("FROM RUN CMD LABEL MAINTAINER EXPOSE ENV ADD COPY ENTRYPOINT VOLUME USER WORKDIR ARG ONBUILD STOPSIGNAL HEALTHCHECK SHELL")

// dockerfile colours a Dockerfile: instructions, comments, and the
// commands of RUN, CMD and ENTRYPOINT (with their continuation lines) as
// shell.
func dockerfile(w *bytes.Buffer, b []byte) {
	cont := false
	for i := 0; i < len(b); {
		end := lineEnd(b, i)
		next := min(end+1, len(b))
		line := b[i:end]
		trimmed := bytes.TrimLeft(line, " \t")
		lead := i + len(line) - len(trimmed)
		switch {
		case len(trimmed) > 0 && trimmed[0] == '#':
			escape(w, b[i:lead])
			span(w, "c1", b[lead:end])
			escape(w, b[end:next])
		case cont:
			shellRange(w, b, i, next)
		default:
			k := 0
			for k < len(trimmed) && isIdent(trimmed[k]) {
				k++
			}
			word := strings.ToUpper(string(trimmed[:k]))
			if !dockerInstructions[word] {
				shellRange(w, b, i, next)
				break
			}
			escape(w, b[i:lead])
			span(w, "k", b[lead:lead+k])
			if word == "FROM" { // FROM image AS stage
				rest := b[lead+k : end]
				if a := bytes.Index(bytes.ToUpper(rest), []byte(" AS ")); a >= 0 {
					a += lead + k + 1
					escape(w, b[lead+k:a])
					span(w, "k", b[a:a+2])
					escape(w, b[a+2:next])
					break
				}
			}
			shellRange(w, b, lead+k, next)
		}
		cont = bytes.HasSuffix(bytes.TrimRight(line, " \t\r"), []byte(`\`))
		i = next
	}
}

// yaml colours YAML: keys, comments, quoted strings, numbers, booleans
// and null, anchors and aliases, document markers, list dashes.
func yaml(w *bytes.Buffer, b []byte) {
	block := -1 // indentation of a block scalar's key while inside it
	for i := 0; i < len(b); {
		end := lineEnd(b, i)
		next := min(end+1, len(b))
		line := b[i:end]
		trimmed := bytes.TrimLeft(line, " ")
		indent := len(line) - len(trimmed)
		if block >= 0 {
			if len(bytes.TrimSpace(trimmed)) == 0 || indent > block {
				span(w, "s", line)
				escape(w, b[end:next])
				i = next
				continue
			}
			block = -1
		}
		lead := i + indent
		escape(w, b[i:lead])
		j := lead
		for j+1 < end && b[j] == '-' && (b[j+1] == ' ' || b[j+1] == '\t') { // "- " list items
			span(w, "p", b[j:j+1])
			k := j + 1
			for k < end && (b[k] == ' ' || b[k] == '\t') {
				k++
			}
			escape(w, b[j+1:k])
			j = k
		}
		switch {
		case bytes.HasPrefix(trimmed, []byte("---")) || bytes.HasPrefix(trimmed, []byte("...")):
			span(w, "nt", b[j:end])
		case j < end && b[j] == '#':
			span(w, "c1", b[j:end])
		default:
			if k := yamlKey(b, j, end); k > j {
				span(w, "nt", b[j:k])
				span(w, "p", b[k:k+1])
				j = k + 1
			}
			if yamlValue(w, b, j, end) {
				block = indent
			}
		}
		escape(w, b[end:next])
		i = next
	}
}

// yamlKey returns the end of the key starting at b[i] (the index of its
// ":"), or i when the line has none.
func yamlKey(b []byte, i, end int) int {
	j := i
	if j < end && (b[j] == '"' || b[j] == '\'') {
		j = quoted(b, j, b[j], b[j] == '"', false)
		if j < end && b[j] == ':' && (j+1 == end || b[j+1] == ' ' || b[j+1] == '\t') {
			return j
		}
		return i
	}
	for ; j < end; j++ {
		switch b[j] {
		case ':':
			if j > i && (j+1 == end || b[j+1] == ' ' || b[j+1] == '\t') {
				return j
			}
		case '#':
			if j > i && b[j-1] == ' ' {
				return i
			}
		case '{', '[', '"', '\'':
			if j == i {
				return i
			}
		}
	}
	return i
}

// yamlValue writes the value b[i:end] and reports whether it opens a
// block scalar (| or >).
func yamlValue(w *bytes.Buffer, b []byte, i, end int) bool {
	plain := i
	flush := func(j int) { escape(w, b[plain:j]) }
	for i < end {
		c := b[i]
		switch {
		case c == ' ' || c == '\t' || c == ',' || c == '[' || c == ']' || c == '{' || c == '}':
			i++
		case c == '#' && (i == 0 || b[i-1] == ' ' || b[i-1] == '\t'):
			flush(i)
			span(w, "c1", b[i:end])
			return false
		case c == '"' || c == '\'':
			k := quoted(b, i, c, c == '"', false)
			flush(i)
			span(w, "s", b[i:k])
			i, plain = k, k
		case (c == '|' || c == '>') && scalarIndicator(b, i, end):
			flush(i)
			span(w, "p", b[i:i+1])
			plain = i + 1
			escape(w, b[plain:end])
			return true
		default:
			k := i
			for k < end && !(b[k] == ',' || b[k] == ']' || b[k] == '}' || b[k] == ' ' && k+1 < end && b[k+1] == '#') {
				k++
			}
			v := bytes.TrimRight(b[i:k], " \t")
			cls := ""
			switch s := string(v); {
			case s == "true" || s == "false" || s == "null" || s == "~" || s == "yes" || s == "no" || s == "True" || s == "False" || s == "Null" || s == "NULL":
				cls = "kc"
			case isYAMLNumber(s):
				cls = "m"
			case s != "" && (s[0] == '&' || s[0] == '*'):
				cls = "nl"
			}
			if cls != "" {
				flush(i)
				span(w, cls, v)
				plain = i + len(v)
			}
			i += max(len(v), 1)
		}
	}
	flush(end)
	return false
}

func scalarIndicator(b []byte, i, end int) bool {
	rest := bytes.TrimSpace(b[i+1 : end])
	return len(rest) == 0 || rest[0] == '#' || rest[0] == '-' || rest[0] == '+' || isDigit(rest[0])
}

func isYAMLNumber(s string) bool {
	if s == "" {
		return false
	}
	if s[0] == '-' || s[0] == '+' {
		s = s[1:]
	}
	if s == "" || !(isDigit(s[0]) || s[0] == '.' && len(s) > 1) {
		return false
	}
	dots := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case isDigit(c) || c == '_':
		case c == '.':
			dots++
		case c == 'e' || c == 'E' || c == 'x' || c == 'o' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F':
		default:
			return false
		}
	}
	return dots <= 1
}

// toml colours TOML and INI files: [sections], keys, strings, numbers,
// booleans, comments.
func toml(w *bytes.Buffer, b []byte) {
	for i := 0; i < len(b); {
		end := lineEnd(b, i)
		next := min(end+1, len(b))
		line := b[i:end]
		trimmed := bytes.TrimLeft(line, " \t")
		lead := i + len(line) - len(trimmed)
		escape(w, b[i:lead])
		switch {
		case len(trimmed) == 0:
		case trimmed[0] == '#' || trimmed[0] == ';':
			span(w, "c1", b[lead:end])
		case trimmed[0] == '[':
			k := bytes.LastIndexByte(b[lead:end], ']')
			if k < 0 {
				k = end - lead - 1
			}
			span(w, "k", b[lead:lead+k+1])
			tomlValue(w, b, lead+k+1, end)
		default:
			if eq := bytes.IndexAny(b[lead:end], "=:"); eq > 0 && !bytes.ContainsAny(b[lead:lead+eq], `"'`) {
				key := bytes.TrimRight(b[lead:lead+eq], " \t")
				span(w, "na", key)
				escape(w, b[lead+len(key):lead+eq])
				span(w, "o", b[lead+eq:lead+eq+1])
				tomlValue(w, b, lead+eq+1, end)
			} else {
				tomlValue(w, b, lead, end)
			}
		}
		escape(w, b[end:next])
		i = next
	}
}

func tomlValue(w *bytes.Buffer, b []byte, i, end int) {
	plain := i
	for i < end {
		c := b[i]
		switch {
		case c == '#' && (i == 0 || isSpace(b[i-1])):
			escape(w, b[plain:i])
			span(w, "c1", b[i:end])
			return
		case c == '"' || c == '\'':
			var k int
			if i+2 < len(b) && b[i+1] == c && b[i+2] == c {
				k = len(b)
				if j := bytes.Index(b[i+3:], b[i:i+3]); j >= 0 {
					k = i + 3 + j + 3
				}
				k = min(k, end) // a multi-line string is coloured on its first line
			} else {
				k = min(quoted(b, i, c, c == '"', false), end)
			}
			escape(w, b[plain:i])
			span(w, "s", b[i:k])
			i, plain = k, k
		case isDigit(c) || (c == '-' || c == '+') && i+1 < end && isDigit(b[i+1]):
			k := i + 1
			for k < end && (isIdent(b[k]) || strings.IndexByte(".:-+", b[k]) >= 0) {
				k++
			}
			escape(w, b[plain:i])
			span(w, "m", b[i:k])
			i, plain = k, k
		case isIdentStart(c):
			k := i + 1
			for k < end && isIdent(b[k]) {
				k++
			}
			if s := string(b[i:k]); s == "true" || s == "false" || s == "on" || s == "off" || s == "yes" || s == "no" {
				escape(w, b[plain:i])
				span(w, "kc", b[i:k])
				plain = k
			}
			i = k
		default:
			i++
		}
	}
	escape(w, b[plain:end])
}

// diff colours a unified diff by its lines' first character.
func diff(w *bytes.Buffer, b []byte) {
	for i := 0; i < len(b); {
		end := lineEnd(b, i)
		next := min(end+1, len(b))
		line := b[i:end]
		cls := ""
		switch {
		case bytes.HasPrefix(line, []byte("+++")) || bytes.HasPrefix(line, []byte("---")) || bytes.HasPrefix(line, []byte("diff ")) || bytes.HasPrefix(line, []byte("index ")):
			cls = "gh"
		case bytes.HasPrefix(line, []byte("@@")):
			cls = "gu"
		case bytes.HasPrefix(line, []byte("+")):
			cls = "gi"
		case bytes.HasPrefix(line, []byte("-")):
			cls = "gd"
		}
		span(w, cls, line)
		escape(w, b[end:next])
		i = next
	}
}

// nginx colours nginx configuration: the first word of every directive,
// comments, strings, variables and numbers.
func nginx(w *bytes.Buffer, b []byte) {
	i, plain := 0, 0
	emit := func(c string, end int) {
		escape(w, b[plain:i])
		span(w, c, b[i:end])
		i, plain = end, end
	}
	first := true // the next word starts a directive
	for i < len(b) {
		c := b[i]
		switch {
		case isSpace(c):
			i++
		case c == '#':
			emit("c1", lineEnd(b, i))
		case c == ';' || c == '{' || c == '}':
			first = true
			i++
		case c == '"' || c == '\'':
			emit("s", quoted(b, i, c, true, true))
			first = false
		case c == '$':
			j := i + 1
			for j < len(b) && (isIdent(b[j]) || b[j] == '{' || b[j] == '}') && !(b[j] == '}' && bytes.IndexByte(b[i:j], '{') < 0) {
				j++
			}
			emit("nv", j)
			first = false
		default:
			j := i + 1
			for j < len(b) && !isSpace(b[j]) && strings.IndexByte(";{}\"'#$", b[j]) < 0 {
				j++
			}
			switch {
			case first:
				emit("k", j)
			case isDigit(c) && number(b, i) == j:
				emit("m", j)
			default:
				i = j
			}
			first = false
		}
	}
	escape(w, b[plain:])
}
