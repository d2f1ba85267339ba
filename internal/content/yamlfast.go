package content

import (
	"strings"
	"sync"
	"unicode/utf8"
)

// Decoding YAML front matter with yaml.v3 builds a yaml.Node tree that
// yamlConv then copies into fields, and for a large log that is most of
// the time spent loading entries. Nearly all front matter is written in a
// small part of YAML: block mappings of `key: value` lines, one-line
// scalars, one-line flow lists like [a, b] and block lists of `- item`
// lines. fastYAML decodes that part directly into fields and says it
// cannot for anything else, which parseYAML then hands to yaml.v3.
//
// Whatever fastYAML accepts, it must decode exactly as yaml.v3 and
// yamlConv do, down to every line and column, and it must never accept
// text that yaml.v3 rejects. It is therefore strict: a feature it does
// not know (comments, anchors, tags, block scalars, scalars over several
// lines, tabs, keys other than plain words, ...) makes it give up rather
// than guess. FuzzFastYAML checks the equivalence.

// maxFastKey is the longest key fastYAML accepts. yaml.v3 looks no further
// than 1024 characters for the `:` after a key.
const maxFastKey = 1000

// maxFastDepth is how deeply fastYAML nests mappings and lists. Real front
// matter uses two levels; yaml.v3 has its own, larger limit.
const maxFastDepth = 64

// fastYAML decodes the front matter fm like parseYAML, with lineOff added
// to every line, if fm is in the simple form described above; ok is false
// when it is not, or when yaml.v3 would report an error for it.
func fastYAML(fm []byte, lineOff int) (fields []field, ok bool) {
	if !fastYAMLText(fm) {
		return nil, false
	}
	p := fastParser{src: string(fm), lineOff: lineOff}
	p.seek(0, 1)
	if p.ind < 0 {
		return nil, true // nothing but blank lines: yaml.v3 finds no document
	}
	st := fastStackPool.Get().(*fastStacks)
	p.fastStacks = *st
	fields, ok = p.mapping(p.ind, 0)
	if cap(p.fieldStack) <= 1024 && cap(p.valueStack) <= 1024 {
		// A failed decoding leaves things on the stacks; above their
		// length they are already clear.
		clear(p.fieldStack)
		clear(p.valueStack)
		*st = fastStacks{p.fieldStack[:0], p.valueStack[:0]}
		fastStackPool.Put(st)
	}
	if !ok || p.ind >= 0 {
		return nil, false
	}
	return fields, true
}

// fastStacks are where the mappings and lists being decoded collect their
// fields and items, to copy them into a slice of the right size when they
// are complete: one allocation each instead of one per append that grows
// them. They are kept for the next front matter, empty.
type fastStacks struct {
	fieldStack []field
	valueStack []value
}

var fastStackPool = sync.Pool{New: func() any { return new(fastStacks) }}

// fastYAMLText reports whether every character of fm is one fastYAML can
// decode: yaml.v3 rejects control characters and invalid UTF-8, treats
// U+0085, U+2028 and U+2029 as line breaks and U+FEFF as a byte order
// mark, and tabs and carriage returns are left to it as well.
func fastYAMLText(fm []byte) bool {
	for i := 0; i < len(fm); {
		c := fm[i]
		if c < utf8.RuneSelf {
			if c < ' ' && c != '\n' || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(fm[i:])
		if r < 0xa0 || r == utf8.RuneError && n == 1 ||
			r == 0x2028 || r == 0x2029 || r == 0xfeff || r == 0xfffe || r == 0xffff {
			return false
		}
		i += n
	}
	return true
}

// fastParser reads front matter line by line. The current line is the
// next one that is not blank; its key or list item starts at ind.
type fastParser struct {
	src     string
	lineOff int
	start   int // offset of the current line
	end     int // offset of the current line's end (its '\n' or len(src))
	line    int // number of the current line in src, from 1
	ind     int // indentation of the current line, -1 past the end
	values  int // values decoded, for the limit yamlConv enforces
	fastStacks
}

// seek makes the first non-blank line at or after offset off, which
// starts line number n, the current line.
func (p *fastParser) seek(off, n int) {
	for off < len(p.src) {
		end := strings.IndexByte(p.src[off:], '\n')
		if end < 0 {
			end = len(p.src)
		} else {
			end += off
		}
		ind := 0
		for off+ind < end && p.src[off+ind] == ' ' {
			ind++
		}
		if off+ind < end {
			p.start, p.end, p.line, p.ind = off, end, n, ind
			return
		}
		off, n = end+1, n+1
	}
	p.start, p.end, p.ind = len(p.src), len(p.src), -1
}

// next moves to the next non-blank line.
func (p *fastParser) next() { p.seek(p.end+1, p.line+1) }

// text returns the current line from its indentation on.
func (p *fastParser) text() string { return p.src[p.start+p.ind : p.end] }

// count counts one more value and reports whether yamlConv would still
// accept that many (the top-level mapping is one of them).
func (p *fastParser) count() bool {
	p.values++
	return p.values < maxYAMLValues
}

// mapping decodes the block mapping whose keys are indented by ind,
// starting at the current line, and stops at the first line indented
// less.
func (p *fastParser) mapping(ind, depth int) ([]field, bool) {
	if depth > maxFastDepth {
		return nil, false
	}
	base := len(p.fieldStack)
	var seen map[string]bool // keys so far, once there are many
	for p.ind == ind {
		s := p.text()
		k := 0
		for k < len(s) && k <= maxFastKey && isFastKeyByte(s[k]) {
			k++
		}
		// A key is a plain word, followed by ':' and a space or the end of
		// the line; one starting with '-' could be a list item or "---".
		if k == 0 || k > maxFastKey || s[0] == '-' || k == len(s) || s[k] != ':' ||
			k+1 < len(s) && s[k+1] != ' ' {
			return nil, false
		}
		key := s[:k]
		// yaml.v3 keeps both of two equal keys; leave those to it.
		if seen != nil {
			if seen[key] {
				return nil, false
			}
			seen[key] = true
		} else {
			for _, f := range p.fieldStack[base:] {
				if f.key == key {
					return nil, false
				}
			}
			if len(p.fieldStack)-base >= 16 {
				seen = make(map[string]bool)
				for _, f := range p.fieldStack[base:] {
					seen[f.key] = true
				}
				seen[key] = true
			}
		}
		if !p.count() {
			return nil, false
		}
		f := field{key: key, line: p.line + p.lineOff, col: ind + 1}
		j := k + 1
		for j < len(s) && s[j] == ' ' {
			j++
		}
		var ok bool
		if j < len(s) {
			// The value is on the key's line, and the key and the spaces
			// before it are ASCII: its column is its byte offset.
			f.val, ok = p.scalarOrFlow(s[j:], ind+j+1, true)
			p.next()
		} else {
			// Nothing after the key: a nested block, or null, which
			// yaml.v3 places just after the ':'.
			line, col := p.line+p.lineOff, ind+k+2
			p.next()
			switch {
			case p.ind > ind:
				f.val, ok = p.block(depth + 1)
			case p.ind == ind && isFastItem(p.text()):
				// YAML lets a list under a key start at the key's own
				// indentation.
				f.val, ok = p.sequence(ind, depth+1)
			default:
				f.val, ok = value{kind: nullValue, line: line, col: col}, true
			}
		}
		if !ok || p.ind > ind {
			// A line indented more than the keys that does not start a
			// nested block continues the value or is an error.
			return nil, false
		}
		p.fieldStack = append(p.fieldStack, f)
	}
	fields := make([]field, len(p.fieldStack)-base)
	copy(fields, p.fieldStack[base:])
	clear(p.fieldStack[base:]) // let the stack hold no strings it need not
	p.fieldStack = p.fieldStack[:base]
	return fields, true
}

// block decodes the nested mapping or list that starts at the current
// line, below a key with nothing after it.
func (p *fastParser) block(depth int) (value, bool) {
	if isFastItem(p.text()) {
		return p.sequence(p.ind, depth)
	}
	v := value{kind: mapValue, line: p.line + p.lineOff, col: p.ind + 1}
	var ok bool
	v.fields, ok = p.mapping(p.ind, depth)
	return v, ok
}

// isFastItem reports whether the line s (from its indentation on) is an
// item of a block list.
func isFastItem(s string) bool {
	return s == "-" || strings.HasPrefix(s, "- ")
}

// sequence decodes the block list whose '-' are indented by ind, starting
// at the current line. Only scalar items are decoded.
func (p *fastParser) sequence(ind, depth int) (value, bool) {
	if depth > maxFastDepth {
		return value{}, false
	}
	v := value{kind: listValue, line: p.line + p.lineOff, col: ind + 1}
	base := len(p.valueStack)
	for p.ind == ind {
		s := p.text()
		if !isFastItem(s) {
			break // the next key of the mapping the list is in
		}
		j := 1
		for j < len(s) && s[j] == ' ' {
			j++
		}
		if j == len(s) || !p.count() {
			return value{}, false // an empty item, or a nested block
		}
		item, ok := p.scalarOrFlow(s[j:], ind+j+1, false)
		if !ok {
			return value{}, false
		}
		p.valueStack = append(p.valueStack, item)
		p.next()
		if p.ind > ind {
			return value{}, false // a continuation line
		}
	}
	v.list = make([]value, len(p.valueStack)-base)
	copy(v.list, p.valueStack[base:])
	clear(p.valueStack[base:])
	p.valueStack = p.valueStack[:base]
	return v, true
}

// scalarOrFlow decodes the value s written on one line in block context,
// from its first character to the end of the line, at column col. With
// flow, s may be a flow list.
func (p *fastParser) scalarOrFlow(s string, col int, flow bool) (value, bool) {
	v := value{kind: scalarValue, line: p.line + p.lineOff, col: col}
	switch c := s[0]; {
	case c == '"' || c == '\'':
		str, n, ok := fastQuoted(s)
		if !ok || strings.TrimLeft(s[n:], " ") != "" {
			return value{}, false
		}
		v.str, v.quoted = str, true
	case c == '[' && flow:
		return p.flowList(s, col)
	case isFastIndicator(c):
		return value{}, false
	default:
		s = strings.TrimRight(s, " ")
		// ": " would start a mapping, " #" a comment; a ':' at the end of
		// the line is a key.
		if strings.Contains(s, ": ") || strings.Contains(s, " #") || s[len(s)-1] == ':' {
			return value{}, false
		}
		if isYAMLNull(s) {
			v.kind = nullValue
		} else {
			v.str = s
		}
	}
	return v, true
}

// flowList decodes a flow list of scalars, [a, "b", 'c'], that s starts
// with; the list must end on the line, with nothing but spaces after it.
// col is the column of the '['.
func (p *fastParser) flowList(s string, col int) (value, bool) {
	line := p.line + p.lineOff
	v := value{kind: listValue, line: line, col: col}
	base := len(p.valueStack)
	// at and atCol are a byte offset in s and its column, moved forward
	// as items are found: columns count characters, not bytes.
	at, atCol := 0, col
	colOf := func(i int) int {
		atCol += utf8.RuneCountInString(s[at:i])
		at = i
		return atCol
	}
	i := skipSpaces(s, 1)
	if i < len(s) && s[i] == ']' {
		i++
	} else {
		for {
			if i == len(s) || !p.count() {
				return value{}, false
			}
			item := value{kind: scalarValue, line: line, col: colOf(i)}
			switch c := s[i]; {
			case c == '"' || c == '\'':
				str, n, ok := fastQuoted(s[i:])
				if !ok {
					return value{}, false
				}
				item.str, item.quoted = str, true
				i = skipSpaces(s, i+n)
			case isFastIndicator(c):
				return value{}, false // including "[a,]" and "[a,,b]"
			default:
				// A plain item ends at ',' or ']'. The characters that
				// would end it otherwise or start something else in a flow
				// collection are left to yaml.v3.
				j := i
				for j < len(s) && s[j] != ',' && s[j] != ']' {
					switch s[j] {
					case '[', '{', '}', ':', '#', '?':
						return value{}, false
					}
					j++
				}
				str := strings.TrimRight(s[i:j], " ")
				if isYAMLNull(str) {
					item.kind = nullValue
				} else {
					item.str = str
				}
				i = j
			}
			p.valueStack = append(p.valueStack, item)
			if i == len(s) {
				return value{}, false // the list goes on on the next line
			}
			if s[i] == ']' {
				i++
				break
			}
			if s[i] != ',' {
				return value{}, false
			}
			i = skipSpaces(s, i+1)
		}
		v.list = make([]value, len(p.valueStack)-base)
		copy(v.list, p.valueStack[base:])
		clear(p.valueStack[base:])
		p.valueStack = p.valueStack[:base]
	}
	if strings.TrimLeft(s[i:], " ") != "" {
		return value{}, false
	}
	return v, true
}

// skipSpaces returns the offset of the first byte of s at or after i that
// is not a space.
func skipSpaces(s string, i int) int {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return i
}

// fastQuoted decodes the quoted scalar that s starts with (its first byte
// is ' or "), which must end on the line. n is the length of the scalar
// in s, quotes included.
func fastQuoted(s string) (str string, n int, ok bool) {
	q := s[0]
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case q:
			if q == '\'' && i+1 < len(s) && s[i+1] == '\'' {
				return fastSingleQuoted(s, i)
			}
			return s[1:i], i + 1, true
		case '\\':
			// A backslash starts an escape in double quotes only.
			if q == '"' {
				return fastEscaped(s, i)
			}
		}
	}
	return "", 0, false
}

// fastSingleQuoted decodes the single-quoted scalar that s starts with,
// where s[i] and s[i+1] are both a single quote: a quote written twice
// stands for one.
func fastSingleQuoted(s string, i int) (string, int, bool) {
	b := make([]byte, 0, len(s))
	b = append(b, s[1:i]...)
	for i < len(s) {
		c := s[i]
		if c == '\'' {
			if i+1 < len(s) && s[i+1] == '\'' {
				b = append(b, '\'')
				i += 2
				continue
			}
			return string(b), i + 1, true
		}
		b = append(b, c)
		i++
	}
	return "", 0, false
}

// fastEscaped decodes the double-quoted scalar that s starts with, where
// s[i] is the first backslash, with the escapes yaml.v3 knows.
func fastEscaped(s string, i int) (string, int, bool) {
	b := make([]byte, 0, len(s))
	b = append(b, s[1:i]...)
	for i < len(s) {
		c := s[i]
		if c == '"' {
			return string(b), i + 1, true
		}
		if c != '\\' {
			b = append(b, c)
			i++
			continue
		}
		if i+1 == len(s) {
			return "", 0, false // a line break escaped: the scalar goes on
		}
		digits := 0
		switch e := s[i+1]; e {
		case '0':
			b = append(b, 0)
		case 'a':
			b = append(b, '\a')
		case 'b':
			b = append(b, '\b')
		case 't':
			b = append(b, '\t')
		case 'n':
			b = append(b, '\n')
		case 'v':
			b = append(b, '\v')
		case 'f':
			b = append(b, '\f')
		case 'r':
			b = append(b, '\r')
		case 'e':
			b = append(b, 0x1b)
		case ' ', '"', '\'', '\\':
			b = append(b, e)
		case 'N':
			b = utf8.AppendRune(b, 0x85)
		case '_':
			b = utf8.AppendRune(b, 0xa0)
		case 'L':
			b = utf8.AppendRune(b, 0x2028)
		case 'P':
			b = utf8.AppendRune(b, 0x2029)
		case 'x':
			digits = 2
		case 'u':
			digits = 4
		case 'U':
			digits = 8
		default:
			return "", 0, false // yaml.v3: unknown escape character
		}
		i += 2
		if digits > 0 {
			if i+digits > len(s) {
				return "", 0, false
			}
			r := rune(0)
			for _, h := range []byte(s[i : i+digits]) {
				d, ok := hexDigit(h)
				if !ok {
					return "", 0, false
				}
				r = r<<4 | d
			}
			if r >= 0xd800 && r <= 0xdfff || r > 0x10ffff {
				return "", 0, false
			}
			b = utf8.AppendRune(b, r)
			i += digits
		}
	}
	return "", 0, false
}

func hexDigit(c byte) (rune, bool) {
	switch {
	case '0' <= c && c <= '9':
		return rune(c - '0'), true
	case 'a' <= c && c <= 'f':
		return rune(c - 'a' + 10), true
	case 'A' <= c && c <= 'F':
		return rune(c - 'A' + 10), true
	}
	return 0, false
}

// isFastKeyByte reports whether c may be part of a key fastYAML decodes.
func isFastKeyByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-'
}

// isFastIndicator reports whether a plain scalar may not start with c:
// YAML's indicator characters, some of which start a plain scalar in some
// places, are all left to yaml.v3.
func isFastIndicator(c byte) bool {
	return strings.IndexByte("-?:,[]{}#&*!|>'\"%@`", c) >= 0
}

// isYAMLNull reports whether yaml.v3 resolves the plain scalar s to null.
func isYAMLNull(s string) bool {
	switch s {
	case "", "~", "null", "Null", "NULL":
		return true
	}
	return false
}
