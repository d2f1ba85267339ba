package errmem

import (
	"bytes"
	"regexp"
	"strings"
)

// MaxLines is the most error lines Lines returns: a CI log with
// thousands of failures is about its first few.
const MaxLines = 20

var (
	// errorWordRe finds the words that make a line an error line.
	errorWordRe = regexp.MustCompile(`(?i:\b(?:errors?|err!?|errno|exceptions?|fatal|panic(?:ked)?|fail(?:ed|ure|s)?|refused|denied|cannot|can't|could ?n[o']t|unable|invalid|not found|no such|time[ds]? ?out|killed|oomkilled|segfault|segmentation fault|abort(?:ed)?|crash(?:ed|loopbackoff)?|back-?off|unexpected|undefined|deadlock|exceeded|unreachable|rejected|forbidden|unauthorized|violat(?:es|ion)|mismatch|missing|broken pipe|too many|out of memory|overflow|conflict|traceback|uncaught|unhandled|expired|corrupt(?:ed)?|is not valid|does not exist|not allowed|already in use)\b)|\bE[A-Z]{4,}\b|(?i:\bexit (?:code|status):? *[1-9])|\b\w*(?:Error|Exception)\b`)
	// benignRe marks lines a logger says are not errors.
	benignRe = regexp.MustCompile(`(?i)^\S*\s*(?:\[?(?:info|debug|trace|notice)\]?:?\s|level=(?:info|debug|trace)\b)|\s(?:INFO|DEBUG|TRACE)\s`)
	// frameRe matches lines of a stack trace, which repeat the error's
	// place rather than say what it is.
	// Every branch is anchored at the start inside one group: with a ^
	// in each branch instead, regexp tried the pattern at every byte of
	// the line.
	frameRe = regexp.MustCompile(`^(?:\s+at\s|\s*File ".*", line \d+|\s*\S+\.(?:go|rs|c|cc|cpp|py|rb|java|kt|js|ts):\d+(?::\d+)?\s*(?:\+0x[0-9a-f]+)?$|goroutine \d+ \[|\s*\.\.\. \d+ more|\s*#\d+\s+0x[0-9a-f]+|\s*\d+: 0x[0-9a-f]+|\s*-->\s|\s*\|\s*$|\s*\d+\s*\|)`)
	// promptRe matches a shell prompt line in a console block.
	promptRe = regexp.MustCompile(`^\s*(?:\$|#|>|PS [^>]*>)\s`)
	// ciPrefixRe is the timestamp a CI runner puts before every line.
	ciPrefixRe = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z\s`)
)

// Lines returns the error lines of a pasted log or CI output, in order,
// one per signature, at most MaxLines: the lines that name an error
// (error, failed, refused, ECONNREFUSED, TypeError, exit code 1, …),
// without stack frames, shell prompts and lines a logger marked INFO or
// DEBUG. Text of one line is returned as it is, whatever it says: it is
// what someone typed. When no line looks like an error, the last lines
// are returned, since a failing command ends with its failure.
func Lines(text string) []string {
	lines := splitLines(text)
	if len(lines) == 1 {
		return lines
	}
	var out []string
	seen := map[string]bool{}
	for _, l := range lines {
		if !isErrorLine(l) {
			continue
		}
		sig := Normalize(l)
		if seen[sig] {
			continue
		}
		seen[sig] = true
		out = append(out, l)
		if len(out) == MaxLines {
			break
		}
	}
	if len(out) == 0 && len(lines) > 0 {
		out = lines[max(0, len(lines)-3):]
	}
	return out
}

// FromBlock returns the error messages of a fenced block in an entry,
// as NewMessage makes them. A block tagged error or stacktrace is an
// error by its author's word: when none of its lines looks like one, its
// first line is the message. A log or console block holds other output
// too, so only its error lines count. The signature that tells a
// block's lines apart is the message's: computed again by NewMessage,
// signatures were a third of what the error memory cost a build.
func FromBlock(text, lang string) []Message {
	lines := splitLines(text)
	var out []Message
	seen := map[string]bool{}
	for _, l := range lines {
		if !isErrorLine(l) {
			continue
		}
		if sig := Normalize(l); !seen[sig] {
			seen[sig] = true
			out = append(out, newMessage(l, sig))
		}
	}
	if len(out) == 0 && len(lines) > 0 {
		switch strings.ToLower(lang) {
		case "log", "console":
		default:
			out = []Message{NewMessage(lines[0])}
		}
	}
	return out
}

// splitLines returns the non-blank lines of text without colour codes,
// CI timestamps and trailing white space, each cut to 500 bytes.
func splitLines(text string) []string {
	var out []string
	for l := range strings.SplitSeq(text, "\n") {
		if strings.IndexByte(l, 0x1b) >= 0 {
			l = ansiRe.ReplaceAllString(l, "")
		}
		if l != "" && l[0] >= '0' && l[0] <= '9' {
			l = ciPrefixRe.ReplaceAllString(l, "")
		}
		l = strings.TrimRight(l, " \t\r")
		if strings.TrimSpace(l) == "" {
			continue
		}
		if len(l) > 500 {
			l = cut(l, 500)
		}
		out = append(out, l)
	}
	return out
}

func isErrorLine(l string) bool {
	if frameRe.MatchString(l) || promptRe.MatchString(l) {
		return false
	}
	if strings.HasPrefix(strings.TrimSpace(l), "Traceback (most recent call last)") {
		return false
	}
	if benignRe.MatchString(l) {
		return false
	}
	return mayNameError(l) && errorWordRe.MatchString(l)
}

// errorStems are pieces of text, lower-cased, at least one of which every
// match of errorWordRe holds: its word list, each cut to what all its
// forms share ("fail" for fail, failed, failure and fails), "exit " for
// its exit codes, and "err" and "exception" for names like TypeError.
// Its E-codes (ECONNREFUSED) are looked for apart, as they are
// case-sensitive.
var errorStems = []string{
	"err", "exception", "fatal", "panic", "fail", "refused", "denied",
	"cannot", "can't", "could", "unable", "invalid", "not found", "no such",
	"time", "killed", "segfault", "segmentation fault", "abort", "crash",
	"back", "unexpected", "undefined", "deadlock", "exceeded", "unreachable",
	"rejected", "forbidden", "unauthorized", "violat", "mismatch", "missing",
	"broken pipe", "too many", "out of memory", "overflow", "conflict",
	"traceback", "uncaught", "unhandled", "expired", "corrupt",
	"is not valid", "does not exist", "not allowed", "already in use", "exit ",
}

// mayNameError reports whether errorWordRe may match l: false only when
// it cannot, so a line without any error word is not searched for one.
// That search runs the whole pattern at every byte of the line, up to
// 23 µs a line: the 3,878 lines of a 1k corpus's log blocks took 37 ms,
// 19 ms with this, and BenchmarkIsErrorLine went from 164 to 60 µs for
// its dozen lines. A line with a byte outside
// ASCII is searched whatever it holds: the pattern ignores case as
// Unicode does (the Kelvin sign is a k).
func mayNameError(l string) bool {
	var buf [512]byte
	if len(l) > len(buf) {
		return true
	}
	low := buf[:len(l)]
	for i := range len(l) {
		c := l[i]
		switch {
		case c >= 0x80:
			return true
		case 'A' <= c && c <= 'Z':
			if c == 'E' && i+4 < len(l) && isUpperASCII(l[i+1]) && isUpperASCII(l[i+2]) && isUpperASCII(l[i+3]) && isUpperASCII(l[i+4]) {
				return true // an E-code, perhaps
			}
			c += 'a' - 'A'
		}
		low[i] = c
	}
	for _, stem := range errorStems {
		if bytes.Contains(low, []byte(stem)) {
			return true
		}
	}
	return false
}

func isUpperASCII(c byte) bool { return 'A' <= c && c <= 'Z' }

// cut shortens s to at most n bytes, at a character boundary.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
