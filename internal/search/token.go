package search

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Word is one token of text as written ("ERR_CONNECTION_REFUSED",
// "127.0.0.1:3306"), lowercased, with the parts it is made of ("err",
// "connection", "refused"). Both are findable: the word as a whole and
// each part on its own.
type Word struct {
	Text  string
	Parts []string // empty when the word has no smaller parts
}

// joiners are the punctuation characters that stay inside a word:
// foo_bar, sharp-linux-x64.node, 127.0.0.1:3306, C++, C#, me@host.
// The strong ones separate the big parts of a word (net::ERR_X,
// import.meta.env, sharp-linux-x64.node); "-" and "_" separate the small
// parts within them.
const (
	joiners = "_-.:+#@"
	strong  = ".:+#@"
)

// strongSeps and smallSeps are the strong joiners and the others, as
// tables for appendSegments.
var strongSeps, smallSeps = byteSet(strong), byteSet("-_")

func byteSet(s string) (set [256]bool) {
	for i := range len(s) {
		set[s[i]] = true
	}
	return set
}

// trailing are the joiners dropped from the end of a word: they end
// sentences ("ECONNREFUSED."), labels ("error:") and ranges ("pre-").
// "+", "#" and "_" stay, for C++, C# and __init__.
const trailing = ".:-@"

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r)
}

func isJoiner(r rune) bool { return r < utf8.RuneSelf && strings.IndexByte(joiners, byte(r)) >= 0 }

// Words splits text into words. The rules, which search.js repeats for
// queries (a browser test keeps the two in step):
//
//  1. A word is a run of letters, digits, marks and the joiners _ - . : + # @.
//     Everything else (spaces, quotes, brackets, slashes, commas) ends it.
//  2. Joiners . : - _ @ at its end are dropped.
//  3. A run with no letter or digit is skipped; a word is lowercased.
//  4. Its parts are, first, what is left between the strong joiners
//     . : + # @, except that a "." between two digits does not split
//     (127.0.0.1, 1.2.3); then, within each of those, what is left between
//     "-" and "_" and where camelCase changes (getElementById → get,
//     element, by, id); and last, the word's beginnings that end at a
//     strong joiner and hold two or more of those (import.meta of
//     import.meta.env). So net::ERR_CONNECTION_REFUSED has the parts net,
//     err_connection_refused, err, connection and refused.
//  5. Words and parts of a single character are dropped (the "c" of C++
//     would match every C), and so are parts equal to the word; a part
//     is listed once, where it first appears.
func Words(text string) []Word {
	words := make([]Word, 0, len(text)/7)
	eachWord(text, func(w Word) { words = append(words, w) })
	return words
}

// eachWord calls fn with every word of text, in order, as Words would
// return them, without collecting them.
func eachWord(text string, fn func(Word)) {
	eachRaw(text, func(raw string) {
		if w, ok := word(raw); ok {
			fn(w)
		}
	})
}

// eachRaw calls fn with every run of word characters in text, without
// the joiners that end it (rules 1 and 2 of Words), as written.
func eachRaw(text string, fn func(raw string)) {
	i := 0
	for i < len(text) {
		r, n := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(text[i:])
		}
		if !inWord(r) {
			i += n
			continue
		}
		j := i + n
		for j < len(text) {
			r, n := rune(text[j]), 1
			if r >= utf8.RuneSelf {
				r, n = utf8.DecodeRuneInString(text[j:])
			}
			if !inWord(r) {
				break
			}
			j += n
		}
		end := j
		for end > i && strings.IndexByte(trailing, text[end-1]) >= 0 {
			end--
		}
		raw := text[i:end]
		i = j
		fn(raw)
	}
}

// asciiWord marks the ASCII characters that are letters, digits or joiners.
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := range utf8.RuneSelf {
		t[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(joiners, byte(c)) >= 0
	}
	return t
}()

func inWord(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiWord[r]
	}
	return isWordRune(r)
}

func word(raw string) (Word, bool) {
	if w, ok, plain := plainWord(raw); plain {
		return w, ok
	}
	if isASCII(raw) {
		return wordASCII(raw)
	}
	return wordRunes(raw)
}

// wordRunes is word for any word, rune by rune.
func wordRunes(raw string) (Word, bool) {
	if !strings.ContainsFunc(raw, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }) {
		return Word{}, false
	}
	w := Word{Text: strings.ToLower(raw)}
	if utf8.RuneCountInString(w.Text) < 2 {
		return Word{}, false
	}
	add := func(p string) {
		p = strings.ToLower(p)
		if utf8.RuneCountInString(p) >= 2 && p != w.Text && !contains(w.Parts, p) {
			w.Parts = append(w.Parts, p)
		}
	}
	bigs := segments(raw, strong)
	for _, big := range bigs {
		add(big)
		for _, small := range segments(big, "-_") {
			for _, p := range camel(small) {
				add(p)
			}
		}
	}
	eachBeginning(raw, bigs, add)
	return w, true
}

// eachBeginning calls fn with the word's beginnings at its strong
// joiners, bigs being its parts between them: import.meta of
// import.meta.env.VITE_API_URL, kafka-3.internal of
// kafka-3.internal:8080, so that a query for them is a whole word.
func eachBeginning(raw string, bigs []string, fn func(string)) {
	at := 0
	for i, big := range bigs[:max(0, len(bigs)-1)] {
		at += strings.Index(raw[at:], big) + len(big)
		if i > 0 {
			fn(raw[:at])
		}
	}
}

// wordASCII is word for a word of ASCII characters that is not plain
// (it has joiners or capitals inside): the same rules, on bytes, its
// parts slices of raw unless they need lowercasing. Names and error
// codes are most of such words, and word's rune-by-rune splitting cost
// a fifth of indexing.
func wordASCII(raw string) (Word, bool) { return appendWordASCII(nil, raw) }

// appendWordASCII is wordASCII with the word's parts appended to parts.
func appendWordASCII(parts []string, raw string) (Word, bool) {
	parts, ok := appendPartsASCII(parts, raw)
	if !ok {
		return Word{}, false
	}
	for i, p := range parts {
		parts[i] = strings.ToLower(p)
	}
	return Word{Text: strings.ToLower(raw), Parts: parts}, true
}

// appendPartsASCII appends to parts the parts wordASCII finds in raw, as
// slices of raw in its case, and reports whether raw is a word. Lowered,
// each part differs from raw lowered and from the parts before it. The
// index counts the parts lowered without copying them first
// (wordCounts.addFold): lowering every part of every such word was a
// fifth of what indexing a body cost (BenchmarkTermsOf).
func appendPartsASCII(parts []string, raw string) ([]string, bool) {
	alnum := false
	for i := 0; i < len(raw) && !alnum; i++ {
		alnum = isAlnum(raw[i])
	}
	if !alnum || len(raw) < 2 {
		return nil, false
	}
	add := func(p string) {
		if len(p) >= 2 && !equalFoldASCII(p, raw) && !containsFold(parts, p) {
			parts = append(parts, p)
		}
	}
	var bigsBuf, smallsBuf [16]string
	bigs := appendSegments(bigsBuf[:0], raw, &strongSeps)
	for _, big := range bigs {
		add(big)
		for _, small := range appendSegments(smallsBuf[:0], big, &smallSeps) {
			eachCamelASCII(small, add)
		}
	}
	eachBeginning(raw, bigs, add)
	return parts, true
}

// appendSegments is segments of an ASCII word, appended to out, with
// the separators in a table (a call of strings.IndexByte per byte was a
// fifth of what indexing a body cost).
func appendSegments(out []string, s string, seps *[256]bool) []string {
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !seps[c] {
			continue
		}
		if c == '.' && i > 0 && isDigit(s[i-1]) && i+1 < len(s) && isDigit(s[i+1]) {
			continue
		}
		if i > start {
			out = append(out, s[start:i])
		}
		start = i + 1
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// eachCamelASCII calls fn with each part camel returns for an ASCII s.
func eachCamelASCII(s string, fn func(string)) {
	start := 0
	for k := 1; k < len(s); k++ {
		lowerUpper := isLower(s[k-1]) && isUpper(s[k])
		acronymEnd := k+1 < len(s) && isUpper(s[k-1]) && isUpper(s[k]) && isLower(s[k+1])
		if lowerUpper || acronymEnd {
			fn(s[start:k])
			start = k
		}
	}
	fn(s[start:])
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func isLower(c byte) bool { return c >= 'a' && c <= 'z' }
func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlnum(c byte) bool { return isLower(c) || isUpper(c) || isDigit(c) }

// containsFold reports whether list holds s, ASCII case ignored.
func containsFold(list []string, s string) bool {
	for _, x := range list {
		if equalFoldASCII(x, s) {
			return true
		}
	}
	return false
}

// equalFoldASCII is strings.EqualFold for ASCII a and b, which are equal
// lowered only if they are as long.
func equalFoldASCII(a, b string) bool {
	return len(a) == len(b) && strings.EqualFold(a, b)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// plainWord is word for the common case, fast: ASCII letters and digits
// only, no joiner, no capital after the first letter, so no parts.
// plain is false when raw is not such a word.
func plainWord(raw string) (w Word, ok, plain bool) {
	alnum := false
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			alnum = true
		case c >= 'A' && c <= 'Z':
			if i > 0 {
				return Word{}, false, false
			}
			alnum = true
		default:
			return Word{}, false, false
		}
	}
	if !alnum || len(raw) < 2 {
		return Word{}, false, true
	}
	return Word{Text: strings.ToLower(raw)}, true, true
}

// segments splits a word at the separators in seps, keeping a "."
// between digits.
func segments(s, seps string) []string {
	var out []string
	start := 0
	prev := rune(-1)
	for i, r := range s {
		if r >= utf8.RuneSelf || strings.IndexByte(seps, byte(r)) < 0 {
			prev = r
			continue
		}
		if r == '.' && unicode.IsDigit(prev) {
			if next, _ := utf8.DecodeRuneInString(s[i+1:]); unicode.IsDigit(next) {
				prev = r
				continue
			}
		}
		if i > start {
			out = append(out, s[start:i])
		}
		start = i + 1
		prev = r
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// camel splits a segment where its case changes: before an upper-case
// letter that follows a lower-case one (getElement → get, Element), and
// before the last of a run of upper-case letters that is followed by a
// lower-case one (HTTPServer → HTTP, Server).
func camel(s string) []string {
	rs := []rune(s)
	var out []string
	start := 0
	for k := 1; k < len(rs); k++ {
		lowerUpper := unicode.IsLower(rs[k-1]) && unicode.IsUpper(rs[k])
		acronymEnd := k+1 < len(rs) && unicode.IsUpper(rs[k-1]) && unicode.IsUpper(rs[k]) && unicode.IsLower(rs[k+1])
		if lowerUpper || acronymEnd {
			out = append(out, string(rs[start:k]))
			start = k
		}
	}
	return append(out, string(rs[start:]))
}

// Terms returns the distinct index terms of text, words and parts, in
// the order they first appear, without stop words.
func Terms(text string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(t string) {
		if !seen[t] && !isStop(t) {
			seen[t] = true
			out = append(out, t)
		}
	}
	for _, w := range Words(text) {
		add(w.Text)
		for _, p := range w.Parts {
			add(p)
		}
	}
	return out
}

// wordCounts counts terms. A term seen before is found without a copy
// of it, even when it is lower-cased from the text (a capital at the
// start of a sentence): most words of a body are repeats.
type wordCounts struct {
	at    map[string]int32 // term → its index in terms and n
	terms []string
	n     []int32
}

func newWordCounts() *wordCounts { return &wordCounts{at: make(map[string]int32, 512)} }

func (c *wordCounts) reset() {
	clear(c.at)
	clear(c.terms) // the terms may be slices of a body: not kept alive
	c.terms, c.n = c.terms[:0], c.n[:0]
}

// add counts t, unless it is a stop word.
func (c *wordCounts) add(t string) {
	if isStop(t) {
		return
	}
	if i, ok := c.at[t]; ok {
		c.n[i]++
		return
	}
	c.insert(t)
}

// insert counts t, which is not counted yet, once.
func (c *wordCounts) insert(t string) {
	c.at[t] = int32(len(c.terms))
	c.terms = append(c.terms, t)
	c.n = append(c.n, 1)
}

// addFold counts w lower-cased; w is ASCII. Only a term not counted
// before is copied.
func (c *wordCounts) addFold(w string) {
	for i := 0; i < len(w); i++ {
		if isUpper(w[i]) {
			c.addLower(w)
			return
		}
	}
	c.add(w)
}

// addLower counts w lower-cased; w is ASCII.
func (c *wordCounts) addLower(w string) {
	var buf [32]byte
	if len(w) > len(buf) {
		c.add(strings.ToLower(w))
		return
	}
	low := buf[:len(w)]
	for k := range len(w) {
		ch := w[k]
		if isUpper(ch) {
			ch += 'a' - 'A'
		}
		low[k] = ch
	}
	if isStop(string(low)) {
		return
	}
	if i, ok := c.at[string(low)]; ok {
		c.n[i]++
		return
	}
	c.insert(string(low))
}

// countWords counts every word of text and every part of it, stop words
// left out: what eachWord finds. It is eachWord with the common word
// (ASCII letters and digits, a capital at most first) found in the same
// pass that finds where words end, and counted with no copy. A body is
// most of the text an index reads, and most of a body's words are such
// words.
func countWords(text string, c *wordCounts) {
	var partsBuf [16]string
	for i := 0; i < len(text); {
		ch := text[i]
		if ch >= utf8.RuneSelf {
			if r, n := utf8.DecodeRuneInString(text[i:]); !isWordRune(r) {
				i += n
				continue
			}
		} else if !asciiWord[ch] {
			i++
			continue
		}
		// A run of word characters starts at i, as in eachRaw; plain
		// says whether it is a plain word (plainWord's rule).
		j, plain := i, true
		for j < len(text) {
			ch := text[j]
			if ch >= utf8.RuneSelf {
				r, n := utf8.DecodeRuneInString(text[j:])
				if !isWordRune(r) {
					break
				}
				plain = false
				j += n
				continue
			}
			if !asciiWord[ch] {
				break
			}
			if plain && !(isLower(ch) || isDigit(ch) || j == i && isUpper(ch)) {
				plain = false
			}
			j++
		}
		raw := text[i:j]
		i = j
		if plain {
			switch {
			case len(raw) < 2:
			case isUpper(raw[0]):
				c.addLower(raw)
			default:
				c.add(raw)
			}
			continue
		}
		for raw != "" && strings.IndexByte(trailing, raw[len(raw)-1]) >= 0 {
			raw = raw[:len(raw)-1]
		}
		if isASCII(raw) {
			if parts, ok := appendPartsASCII(partsBuf[:0], raw); ok {
				c.addFold(raw)
				for _, p := range parts {
					c.addFold(p)
				}
			}
			continue
		}
		if w, ok := wordRunes(raw); ok {
			c.add(w.Text)
			for _, p := range w.Parts {
				c.add(p)
			}
		}
	}
}

// isStop reports whether t is a stop word. Every stop word has at most
// five letters and starts with a lower-case letter, so a word is
// compared with the few of its length and first letter, if any.
func isStop(t string) bool {
	if len(t) == 0 || len(t) > maxStop || !isLower(t[0]) {
		return false
	}
	for _, s := range stopsBy[len(t)][t[0]-'a'] {
		if s == t {
			return true
		}
	}
	return false
}

const maxStop = 5

// stopsBy are the stop words by length and first letter.
var stopsBy [maxStop + 1][26][]string

// Stop are words too common in English prose to be worth an index entry.
// Words that change the meaning of an error ("not", "no", "cannot") are
// kept. The list is written into the index, so search.js uses the same.
var Stop = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an and are as at be been but by for from had has have he her his i if in
		into is it its me my of on or our she so than that the their them then there these they this those to
		was we were which while who will with would you your`) {
		Stop[w] = true
		stopsBy[len(w)][w[0]-'a'] = append(stopsBy[len(w)][w[0]-'a'], w)
	}
}
