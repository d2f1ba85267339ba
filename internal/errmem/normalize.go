// Package errmem is shiplog's memory of errors: it turns an error message
// into a signature that stays the same when the error comes back with
// other numbers, addresses, paths or times; finds the error lines in a
// pasted log; and ranks the entries of a log by how well their errors
// match a new one.
//
// It knows nothing of sites or Markdown: the caller gives it entries with
// their messages (see Memory), and reads and writes them with Read and
// Write.
package errmem

import (
	"crypto/sha256"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Placeholders stand for what varies between occurrences of an error.
const (
	phURL  = "<url>"
	phUUID = "<uuid>"
	phTime = "<time>"
	phIP   = "<ip>"
	phHost = "<host>"
	phPath = "<path>"
	phHex  = "<hex>"
	phNum  = "<n>"
	phID   = "<id>"
)

var (
	ansiRe   = regexp.MustCompile(`\x1b\[[0-9;?]*[ -/]*[@-~]`)
	urlRe    = regexp.MustCompile(`(?i)\b[a-z][a-z0-9+.-]*://[^\s"'<>()\[\]{}]+`)
	uuidRe   = regexp.MustCompile(`(?i)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b`)
	isoRe    = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:[.,]\d+)?)?(?:Z\b|[+-]\d{2}:?\d{2}\b)?`)
	slashRe  = regexp.MustCompile(`\b\d{4}/\d{2}/\d{2}\b`)
	clockRe  = regexp.MustCompile(`\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\b`)
	syslogRe = regexp.MustCompile(`(?i)\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+(?:\d{4}\s+)?<time>`)
	ip6brRe  = regexp.MustCompile(`\[[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*\](?::\d{1,5})?`)
	ip4Re    = regexp.MustCompile(`\b\d{1,3}(?:\.\d{1,3}){3}(?:/\d{1,2})?(?::\d{1,5})?\b`)
	ip6Re    = regexp.MustCompile(`(?i)(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}|(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?::(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?(?::\d{1,5})?`)
	hostRe   = regexp.MustCompile(`(?i)\b(localhost|[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+):\d{1,5}\b`)
	podRe    = regexp.MustCompile(`(?i)\b([a-z][a-z0-9]*(?:-[a-z0-9]+)*?)-[0-9a-f]{5,10}-[0-9a-z]{5}\b`)
	hex0xRe  = regexp.MustCompile(`(?i)\b0x[0-9a-f]+\b`)
	hexRe    = regexp.MustCompile(`(?i)\b[0-9a-f]{8,}\b`)
	spaceRe  = regexp.MustCompile(`\s+`)
	prefixRe = regexp.MustCompile(`^(?:\s*(?:<time>|<n>|<hex>|<uuid>|\[[^\]]{0,40}\]|##\[error\]|npm err!|level=\w+|[iwef]\d{4} <time> +<n> +\S+:<n>\]|uncaught(?: \(in promise\))?|unhandled(?: promise)? rejection:?|(?:fatal error|fatal|error|err|warning|warn|critical|crit|severe|alert|emerg):?)(?:\s+|$))+`)
)

// codeExts are file extensions: "main.go:42" is a file and a line, not a
// host and a port.
var codeExts = map[string]bool{}

func init() {
	for _, e := range strings.Fields(`go js mjs cjs ts tsx jsx py rb rs java kt kts c h cc cpp hpp cs php swift
		scala ex exs erl hs ml lua sh bash zsh yaml yml json toml sql tf vue svelte dart zig nim pl r m txt log md
		html css scss conf ini xml gradle lock mod sum proto rake gemspec cfg env jar class so node wasm`) {
		codeExts[e] = true
	}
}

// Normalize returns the signature of an error message: the message with
// what varies between occurrences replaced by placeholders — URLs <url>,
// UUIDs <uuid>, dates and times <time>, IP addresses with their ports
// <ip>, host:port <host>, file paths <path>, hex numbers and ids <hex>,
// generated pod names' suffixes <id>, other numbers <n> — then the log
// level, timestamp and process prefixes at its start removed, runs of
// white space made one space, and everything lowercased.
//
// Numbers that are part of a name stay: E11000, x64, utf-8, SQLSTATE
// 42P01. A number with a unit (512MiB, 30s, 250ms) is a number.
func Normalize(msg string) string { return normalize(msg, true) }

// A step is one replacement of Normalize. needs, when set, reports
// whether the step can change s at all: a message without a ":" has no
// URL, clock or host:port, and a regexp that cannot match still costs a
// scan. Normalize skips the steps whose needs say no; the result is the
// same as running them all (TestNormalizeGuards).
type step struct {
	needs func(s string) bool
	apply func(s string) string
}

func has(c byte) func(string) bool {
	return func(s string) bool { return strings.IndexByte(s, c) >= 0 }
}

func replacer(re *regexp.Regexp, with string) func(string) string {
	return func(s string) string { return re.ReplaceAllString(s, with) }
}

var steps = []step{
	{has(0x1b), replacer(ansiRe, "")},
	{needsSpaces, replacer(spaceRe, " ")},
	{func(s string) bool { return strings.Contains(s, "://") }, replacer(urlRe, phURL)},
	{func(s string) bool { return hexRun(s, 8) && has('-')(s) }, replacer(uuidRe, phUUID)},
	{func(s string) bool { return digitsThen(s, 4, '-') }, replacer(isoRe, phTime)},
	{func(s string) bool { return digitsThen(s, 4, '/') }, replacer(slashRe, phTime)},
	{func(s string) bool { return around(s, ':', isDigit, isDigit) }, replacer(clockRe, phTime)},
	{func(s string) bool { return strings.Contains(s, phTime) }, replacer(syslogRe, phTime)},
	{has('['), replacer(ip6brRe, phIP)},
	{func(s string) bool { return around(s, '.', isDigit, isDigit) }, replacer(ip4Re, phIP)},
	{func(s string) bool { return strings.Contains(s, "::") || strings.Count(s, ":") >= 7 }, replaceIP6},
	{func(s string) bool { return around(s, ':', anyByte, isDigit) }, replaceHosts},
	{nil, replacePaths},
	{func(s string) bool { return strings.Count(s, "-") >= 2 }, replacer(podRe, "$1-"+phID)},
	{func(s string) bool { return strings.Contains(s, "0x") || strings.Contains(s, "0X") }, replacer(hex0xRe, phHex)},
	{func(s string) bool { return hexRun(s, 8) }, func(s string) string {
		return hexRe.ReplaceAllStringFunc(s, func(h string) string {
			if strings.IndexFunc(h, unicode.IsDigit) >= 0 {
				return phHex
			}
			return h
		})
	}},
}

// The guards below read a message once, where a pattern that cannot
// match still tried at every byte: the host:port pattern alone was a
// quarter of Normalize's time on messages that have a colon but no port
// (BenchmarkNormalize).

// hexRun reports whether s has n hexadecimal digits in a row.
func hexRun(s string, n int) bool {
	run := 0
	for i := range len(s) {
		if c := s[i]; isDigit(c) || 'a' <= c|0x20 && c|0x20 <= 'f' {
			if run++; run >= n {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

// digitsThen reports whether s has n digits in a row followed by sep.
func digitsThen(s string, n int, sep byte) bool {
	run := 0
	for i := range len(s) {
		switch c := s[i]; {
		case isDigit(c):
			run++
		case c == sep && run >= n:
			return true
		default:
			run = 0
		}
	}
	return false
}

// around reports whether s has sep between a byte before and one after
// it that pass.
func around(s string, sep byte, before, after func(byte) bool) bool {
	for i := 1; i+1 < len(s); i++ {
		if s[i] == sep && before(s[i-1]) && after(s[i+1]) {
			return true
		}
	}
	return false
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func anyByte(byte) bool { return true }

// normalize is Normalize; guarded false runs every step.
func normalize(msg string, guarded bool) string {
	s := msg
	for _, st := range steps {
		if guarded && st.needs != nil && !st.needs(s) {
			continue
		}
		s = st.apply(s)
	}
	s = replaceNumbers(s)
	s = strings.ToLower(s)
	s = prefixRe.ReplaceAllString(s, "")
	s = strings.TrimSpace(s)
	s = strings.TrimRight(s, " .;,")
	if s == "" { // "Error:" alone is all prefix; keep it rather than nothing
		s = strings.ToLower(strings.TrimSpace(spaceRe.ReplaceAllString(ansiRe.ReplaceAllString(msg, ""), " ")))
	}
	return s
}

// needsSpaces reports whether spaceRe would change s: it has a run of
// spaces or a space character other than " ".
func needsSpaces(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ':
			if i+1 < len(s) && s[i+1] == ' ' {
				return true
			}
		case c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
			return true
		}
	}
	return false
}

// replaceIP6 replaces IPv6 addresses (::1, fe80::1, :::3000) that stand
// on their own: not the "::" of C++ or Rust paths (std::vector).
func replaceIP6(s string) string {
	var b strings.Builder
	last := 0
	for _, m := range ip6Re.FindAllStringIndex(s, -1) {
		i, j := m[0], m[1]
		if j-i < 2 {
			continue
		}
		before, _ := utf8.DecodeLastRuneInString(s[:i])
		after, _ := utf8.DecodeRuneInString(s[j:])
		if i > 0 && (isWordRune(before) || before == ':') || j < len(s) && (isWordRune(after) || after == ':') {
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(phIP)
		last = j
	}
	b.WriteString(s[last:])
	return b.String()
}

// replaceHosts replaces host:port, leaving file:line alone.
func replaceHosts(s string) string {
	return hostRe.ReplaceAllStringFunc(s, func(m string) string {
		host := m[:strings.LastIndexByte(m, ':')]
		if strings.EqualFold(host, "localhost") {
			return phHost
		}
		ext := strings.ToLower(host[strings.LastIndexByte(host, '.')+1:])
		if codeExts[ext] {
			return m
		}
		return phHost
	})
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' }

// pathStop ends a path.
func pathStop(r rune) bool {
	return unicode.IsSpace(r) || strings.ContainsRune("\"'`()[]{}<>,;:|", r)
}

// replacePaths replaces file paths: absolute ones (/var/task/x.node),
// ones starting with ./ ../ or ~/, Windows ones (C:\Users\x), and
// relative ones with two or more slashes ending in a file name with an
// extension (node_modules/sharp/build/sharp.node). "i/o", "linux/arm64/v8"
// and "0/3 nodes" are not paths.
func replacePaths(s string) string {
	var b strings.Builder
	i := 0
	for i < len(s) {
		start := i == 0
		if i > 0 {
			prev, _ := utf8.DecodeLastRuneInString(s[:i])
			start = pathStop(prev) || prev == '='
		}
		if !start {
			r, n := utf8.DecodeRuneInString(s[i:])
			b.WriteRune(r)
			i += n
			continue
		}
		j := i
		for j < len(s) {
			r, n := utf8.DecodeRuneInString(s[j:])
			if pathStop(r) && !(r == ':' && j == i+1 && j+1 < len(s) && s[j+1] == '\\') {
				break
			}
			j += n
		}
		if j > i && isPath(s[i:j]) {
			b.WriteString(phPath)
			i = j
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		b.WriteRune(r)
		i += n
	}
	return b.String()
}

func isPath(w string) bool {
	w = strings.TrimRight(w, ".")
	switch {
	case len(w) >= 3 && unicode.IsLetter(rune(w[0])) && w[1] == ':' && w[2] == '\\':
		return true
	case strings.HasPrefix(w, "./") || strings.HasPrefix(w, "../") || strings.HasPrefix(w, "~/"):
		return len(w) > 2
	case strings.HasPrefix(w, "/"):
		// "/" alone, or "//" (a comment), is not a path.
		return len(w) > 1 && w[1] != '/' && strings.IndexFunc(w[1:], isWordRune) >= 0
	case strings.Count(w, "/") >= 2:
		base := w[strings.LastIndexByte(w, '/')+1:]
		dot := strings.LastIndexByte(base, '.')
		return dot > 0 && dot < len(base)-1 && strings.IndexFunc(base[dot+1:], unicode.IsLetter) >= 0
	}
	return false
}

// units may follow a number without making it a name.
var units = map[string]bool{}

func init() {
	for _, u := range strings.Fields(`ms s m h d us µs ns b k kb mb gb tb kib mib gib tib ki mi gi ti x`) {
		units[u] = true
	}
}

// replaceNumbers replaces numbers that are not part of a name.
func replaceNumbers(s string) string {
	var b strings.Builder
	i := 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsDigit(r) {
			b.WriteRune(r)
			i += n
			continue
		}
		// A digit: find the whole number, with inner "." and "," (1.5, 1,714,345).
		j := i
		for j < len(s) {
			c := s[j]
			if c >= '0' && c <= '9' {
				j++
				continue
			}
			if (c == '.' || c == ',') && j+1 < len(s) && s[j+1] >= '0' && s[j+1] <= '9' {
				j++
				continue
			}
			break
		}
		if partOfName(s, i) {
			b.WriteString(s[i:j])
			i = j
			continue
		}
		// Letters right after it: a unit (30s, 512MiB) or a name (42P01, 3rd).
		k := j
		for k < len(s) {
			r, n := utf8.DecodeRuneInString(s[k:])
			if !unicode.IsLetter(r) {
				break
			}
			k += n
		}
		if k > j {
			after, _ := utf8.DecodeRuneInString(s[k:])
			if k < len(s) && (unicode.IsDigit(after) || after == '_') || !units[strings.ToLower(s[j:k])] {
				b.WriteString(s[i:k])
				i = k
				continue
			}
			j = k
		}
		if j < len(s) && s[j] == '%' {
			j++
		}
		b.WriteString(phNum)
		i = j
	}
	return b.String()
}

// partOfName reports whether the number at s[i] continues a name: it
// follows a letter or "_" (E11000, x64, v2), or "-" after a letter
// (utf-8, sha-256).
func partOfName(s string, i int) bool {
	if i == 0 {
		return false
	}
	prev, n := utf8.DecodeLastRuneInString(s[:i])
	if unicode.IsLetter(prev) || prev == '_' {
		return true
	}
	if prev == '-' && i-n > 0 {
		pp, _ := utf8.DecodeLastRuneInString(s[:i-n])
		return unicode.IsLetter(pp)
	}
	return false
}

// ID is a short stable name for a signature, for page anchors.
func ID(signature string) string {
	sum := sha256.Sum256([]byte(signature))
	return fmt.Sprintf("%x", sum[:5])
}

// errnoWords say what the errno names of C, Node and Go mean, so that
// "connect ECONNREFUSED" and "connection refused" share words.
var errnoWords = map[string][]string{
	"econnrefused": {"connection", "refused"},
	"econnreset":   {"connection", "reset"},
	"econnaborted": {"connection", "aborted"},
	"etimedout":    {"timed", "out"},
	"enoent":       {"no", "such", "file"},
	"eaddrinuse":   {"address", "already", "in", "use"},
	"eacces":       {"permission", "denied"},
	"eperm":        {"operation", "not", "permitted"},
	"epipe":        {"broken", "pipe"},
	"enospc":       {"no", "space", "left"},
	"ehostunreach": {"host", "unreachable"},
	"enetunreach":  {"network", "unreachable"},
	"enotfound":    {"not", "found"},
	"emfile":       {"too", "many", "open", "files"},
}

// Tokens splits a signature into the words it is compared by:
// lowercase runs of letters, digits and "_", and the placeholders. An
// errno name (ECONNREFUSED) brings the words it stands for.
func Tokens(signature string) []string {
	var out []string
	i := 0
	for i < len(signature) {
		if signature[i] == '<' {
			if j := strings.IndexByte(signature[i:], '>'); j > 1 && j < 8 {
				out = append(out, signature[i:i+j+1])
				i += j + 1
				continue
			}
		}
		r, n := utf8.DecodeRuneInString(signature[i:])
		if !isWordRune(r) {
			i += n
			continue
		}
		j := i
		for j < len(signature) {
			r, n := utf8.DecodeRuneInString(signature[j:])
			if !isWordRune(r) {
				break
			}
			j += n
		}
		if w := signature[i:j]; utf8.RuneCountInString(w) >= 2 {
			out = append(out, w)
			out = append(out, errnoWords[w]...)
		}
		i = j
	}
	return out
}
