package highlight

import (
	"bytes"
	"strings"
)

// lang describes a language of the C family (and Python, JSON and SQL,
// whose tokens have the same shapes) to the one scanner they share.
type lang struct {
	keywords, constants, types, builtins map[string]bool
	// foldCase compares words to the tables in lowercase (SQL).
	foldCase bool
	// lineComments open a comment to the end of the line.
	lineComments []string
	// blockOpen and blockClose delimit block comments ("" for none).
	blockOpen, blockClose string
	// quotes are the characters that open strings; a backtick is
	// multi-line (Go's raw strings, JavaScript's templates).
	quotes string
	// charQuote: a single quote opens a character literal (Go, Rust,
	// C), coloured as a string but ending at the next quote.
	charQuote bool
	// tripleQuotes: ''' and """ open multi-line strings (Python).
	tripleQuotes bool
	// regexps: a "/" where a value is expected opens a regular
	// expression literal (JavaScript).
	regexps bool
	// decorators: "@name" is a decorator or annotation.
	decorators bool
	// keys: a string followed by ":" is a key (JSON).
	keys bool
	// funcNext and typeNext are keywords after which the next name is
	// a function's or a type's (func, def, class, struct, …).
	funcNext, typeNext map[string]bool
	// capitalTypes: a capitalised name is a type (Rust, Java, Kotlin,
	// Swift, C#).
	capitalTypes bool
}

const operators = "+-*/%=&|^!<>~?:"

// cFunc returns the scanner of l.
func cFunc(l *lang) Func {
	return func(w *bytes.Buffer, code []byte) { l.scan(w, code) }
}

func (l *lang) scan(w *bytes.Buffer, b []byte) {
	i, plain := 0, 0 // plain: start of text not yet written
	emit := func(c string, end int) {
		if c == "" {
			i = end
			return
		}
		escape(w, b[plain:i])
		span(w, c, b[i:end])
		i, plain = end, end
	}
	// prev is the last byte of the last token that was not a space or
	// comment: it tells a regular expression from a division.
	var prev byte
	next := "" // class the next name gets after func/class keywords
	for i < len(b) {
		c := b[i]
		switch {
		case isSpace(c):
			i++
			continue
		case l.startsWith(b, i, l.lineComments):
			emit("c1", lineEnd(b, i))
			continue
		case l.blockOpen != "" && bytes.HasPrefix(b[i:], []byte(l.blockOpen)):
			end := len(b)
			if j := bytes.Index(b[i+len(l.blockOpen):], []byte(l.blockClose)); j >= 0 {
				end = i + len(l.blockOpen) + j + len(l.blockClose)
			}
			emit("cm", end)
			continue
		}
		start := i
		switch {
		case l.tripleQuotes && (c == '"' || c == '\'') && i+2 < len(b) && b[i+1] == c && b[i+2] == c:
			end := len(b)
			if j := bytes.Index(b[i+3:], b[i:i+3]); j >= 0 {
				end = i + 3 + j + 3
			}
			emit("s", end)
		case c == '\'' && l.charQuote:
			// A character literal is short; a lone quote (Rust's
			// lifetimes, an apostrophe in a comment-less snippet) is
			// punctuation.
			end := quoted(b, i, '\'', true, false)
			if end-i <= 12 && end > i+2 && b[end-1] == '\'' {
				emit("sc", end)
			} else {
				i++
			}
		case strings.IndexByte(l.quotes, c) >= 0:
			end := quoted(b, i, c, c != '`' || l.regexps, c == '`')
			cls := "s"
			if l.keys {
				k := end
				for k < len(b) && (b[k] == ' ' || b[k] == '\t') {
					k++
				}
				if k < len(b) && b[k] == ':' {
					cls = "nt"
				}
			}
			emit(cls, end)
		case isDigit(c) || c == '.' && i+1 < len(b) && isDigit(b[i+1]):
			emit("m", number(b, i))
		case c == '@' && l.decorators && i+1 < len(b) && isIdentStart(b[i+1]):
			j := i + 1
			for j < len(b) && (isIdent(b[j]) || b[j] == '.') {
				j++
			}
			emit("nd", j)
		case isIdentStart(c) || c == '$' && l.regexps:
			j := i + 1
			for j < len(b) && (isIdent(b[j]) || b[j] == '$' && l.regexps) {
				j++
			}
			word := string(b[i:j])
			if l.foldCase {
				word = strings.ToLower(word)
			}
			cls := l.classOf(word, b, j)
			if next != "" && cls != "k" {
				cls = next // the name after func, class, …
			}
			next = ""
			if l.funcNext[word] {
				next = "nf"
			} else if l.typeNext[word] {
				next = "nc"
			}
			emit(cls, j)
		case c == '/' && l.regexps && valueExpected(prev):
			if end, ok := regexpEnd(b, i); ok {
				emit("sr", end)
			} else {
				emit("o", i+1)
			}
		case strings.IndexByte(operators, c) >= 0:
			j := i + 1
			for j < len(b) && strings.IndexByte(operators, b[j]) >= 0 && !l.startsWith(b, j, l.lineComments) && !(l.blockOpen != "" && bytes.HasPrefix(b[j:], []byte(l.blockOpen))) {
				j++
			}
			emit("o", j)
		default:
			i++
		}
		prev = b[i-1]
		if i == start { // nothing consumed: cannot happen, but never loop
			i++
		}
	}
	escape(w, b[plain:])
}

func (l *lang) startsWith(b []byte, i int, prefixes []string) bool {
	for _, p := range prefixes {
		if len(b)-i >= len(p) && string(b[i:i+len(p)]) == p {
			// "#" opens a comment only at the start of a word (a
			// hash inside a name is not one).
			if p == "#" && i > 0 && !isSpace(b[i-1]) {
				continue
			}
			return true
		}
	}
	return false
}

// classOf is a name's class: keyword, constant, type, builtin, a
// function when a "(" follows, a type when capitalised in languages
// that write types so, or nothing.
func (l *lang) classOf(word string, b []byte, end int) string {
	switch {
	case l.keywords[word]:
		return "k"
	case l.constants[word]:
		return "kc"
	case l.types[word]:
		return "kt"
	case l.builtins[word]:
		return "nb"
	}
	k := end
	for k < len(b) && (b[k] == ' ' || b[k] == '\t') {
		k++
	}
	if k < len(b) && b[k] == '(' {
		return "nf"
	}
	if l.capitalTypes && word[0] >= 'A' && word[0] <= 'Z' && len(word) > 1 && strings.ToUpper(word) != word {
		return "nc"
	}
	return ""
}

// valueExpected says whether, after a token ending in prev, a "/" starts
// a regular expression rather than dividing.
func valueExpected(prev byte) bool {
	return prev == 0 || strings.IndexByte("(,=:[!&|?{};+-*%<>~^", prev) >= 0
}

// regexpEnd returns the end of the regular expression literal at b[i]
// (flags included), or false when the line has no closing "/".
func regexpEnd(b []byte, i int) (int, bool) {
	j, inClass := i+1, false
	for j < len(b) {
		switch c := b[j]; {
		case c == '\n':
			return 0, false
		case c == '\\':
			j += 2
			continue
		case c == '[':
			inClass = true
		case c == ']':
			inClass = false
		case c == '/' && !inClass:
			j++
			for j < len(b) && isIdent(b[j]) {
				j++
			}
			return j, j > i+2 || b[i+1] != '/'
		}
		j++
	}
	return 0, false
}

var (
	goLang = &lang{
		keywords:     words("break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var"),
		constants:    words("true false nil iota"),
		types:        words("bool byte complex64 complex128 error float32 float64 int int8 int16 int32 int64 rune string uint uint8 uint16 uint32 uint64 uintptr any comparable"),
		builtins:     words("append cap clear close complex copy delete imag len make max min new panic print println real recover"),
		lineComments: []string{"//"}, blockOpen: "/*", blockClose: "*/",
		quotes: "\"`", charQuote: true,
		typeNext: words("type"),
	}
	jsKeywords = "async await break case catch class const continue debugger default delete do else export extends finally for from function if import in instanceof let new of return static super switch this throw try typeof var void while with yield get set"
	jsLang     = &lang{
		keywords:     words(jsKeywords),
		constants:    words("true false null undefined NaN Infinity"),
		builtins:     words("console window document globalThis process require module exports JSON Math Object Array Promise String Number Boolean Symbol Map Set Date Error RegExp fetch"),
		lineComments: []string{"//"}, blockOpen: "/*", blockClose: "*/",
		quotes: "\"'`", regexps: true, decorators: true,
		funcNext: words("function"), typeNext: words("class extends new"),
	}
	tsLang = &lang{
		keywords:     words(jsKeywords + " abstract as declare enum implements interface keyof namespace private protected public readonly satisfies type infer is asserts override"),
		constants:    jsLang.constants,
		types:        words("string number boolean any unknown never void object bigint symbol"),
		builtins:     jsLang.builtins,
		lineComments: []string{"//"}, blockOpen: "/*", blockClose: "*/",
		quotes: "\"'`", regexps: true, decorators: true,
		funcNext: words("function"), typeNext: words("class extends new interface type enum implements"),
	}
	jsonLang = &lang{
		constants:    words("true false null"),
		lineComments: []string{"//"}, blockOpen: "/*", blockClose: "*/",
		quotes: "\"", keys: true,
	}
	pyLang = &lang{
		keywords:     words("and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield match case"),
		constants:    words("True False None"),
		builtins:     words("abs all any bool bytes dict dir enumerate filter float format getattr hasattr hash input int isinstance issubclass iter len list map max min next object open print range repr reversed round set setattr sorted str sum super tuple type zip self cls Exception ValueError TypeError KeyError RuntimeError"),
		lineComments: []string{"#"},
		quotes:       "\"'", tripleQuotes: true, decorators: true,
		funcNext: words("def"), typeNext: words("class"),
	}
	rustLang = &lang{
		keywords:     words("as async await break const continue crate dyn else enum extern fn for if impl in let loop match mod move mut pub ref return self Self static struct super trait type unsafe use where while"),
		constants:    words("true false None Some Ok Err"),
		types:        words("bool char str u8 u16 u32 u64 u128 usize i8 i16 i32 i64 i128 isize f32 f64 String Vec Option Result Box"),
		lineComments: []string{"//"}, blockOpen: "/*", blockClose: "*/",
		quotes: "\"", charQuote: true, capitalTypes: true,
		funcNext: words("fn"), typeNext: words("struct enum trait type impl"),
	}
	javaLang = &lang{
		keywords:     words("abstract assert break case catch class continue default do else enum extends final finally for if implements import instanceof interface native new package private protected public record return static super switch synchronized this throw throws try var void volatile while yield"),
		constants:    words("true false null"),
		types:        words("boolean byte char double float int long short String Object"),
		lineComments: []string{"//"}, blockOpen: "/*", blockClose: "*/",
		quotes: "\"", charQuote: true, decorators: true, capitalTypes: true,
		typeNext: words("class interface enum record extends implements new"),
	}
	kotlinLang = &lang{
		keywords:     words("as break class continue do else fun for if in interface is object package return super this throw try typealias val var when while data sealed open override private protected public internal suspend companion import"),
		constants:    words("true false null"),
		types:        words("Int Long Short Byte Double Float Boolean Char String Unit Any Nothing"),
		lineComments: []string{"//"}, blockOpen: "/*", blockClose: "*/",
		quotes: "\"", charQuote: true, decorators: true, capitalTypes: true,
		funcNext: words("fun"), typeNext: words("class interface object"),
	}
	cKeywords = "auto break case const continue default do else enum extern for goto if inline register restrict return sizeof static struct switch typedef union volatile while"
	cTypes    = "char double float int long short signed unsigned void bool size_t ssize_t int8_t int16_t int32_t int64_t uint8_t uint16_t uint32_t uint64_t FILE"
	cLang     = &lang{
		keywords:     words(cKeywords),
		constants:    words("NULL true false"),
		types:        words(cTypes),
		lineComments: []string{"//"}, blockOpen: "/*", blockClose: "*/",
		quotes: "\"", charQuote: true,
		typeNext: words("struct union enum"),
	}
	cppLang = &lang{
		keywords:     words(cKeywords + " alignas alignof catch class constexpr consteval decltype delete explicit export friend mutable namespace new noexcept operator override private protected public template this throw try typename using virtual co_await co_return co_yield concept requires"),
		constants:    words("nullptr true false NULL"),
		types:        words(cTypes + " auto wchar_t char8_t char16_t char32_t"),
		lineComments: []string{"//"}, blockOpen: "/*", blockClose: "*/",
		quotes: "\"", charQuote: true,
		typeNext: words("struct union enum class namespace"),
	}
	csLang = &lang{
		keywords:     words("abstract as async await base break case catch class const continue default delegate do else enum event explicit extern finally fixed for foreach get goto if implicit in interface internal is lock namespace new operator out override params private protected public readonly record ref return sealed set sizeof static struct switch this throw try typeof unchecked unsafe using var virtual void volatile when where while yield"),
		constants:    words("true false null"),
		types:        words("bool byte char decimal double float int long object sbyte short string uint ulong ushort dynamic"),
		lineComments: []string{"//"}, blockOpen: "/*", blockClose: "*/",
		quotes: "\"", charQuote: true, capitalTypes: true,
		typeNext: words("class interface struct enum record new"),
	}
	swiftLang = &lang{
		keywords:     words("as associatedtype break case catch class continue default defer deinit do else enum extension fallthrough fileprivate for func guard if import in init inout internal is let open operator private protocol public repeat rethrows return self Self static struct subscript super switch throw throws try typealias var where while async await actor some any"),
		constants:    words("true false nil"),
		lineComments: []string{"//"}, blockOpen: "/*", blockClose: "*/",
		quotes: "\"", decorators: true, capitalTypes: true,
		funcNext: words("func"), typeNext: words("class struct enum protocol extension actor"),
	}
	sqlLang = &lang{
		keywords:     words("add all alter and as asc begin between by cascade case check column commit constraint create database default delete desc distinct drop else end exists explain foreign from full grant group having if in index inner insert into is join key left like limit not null offset on or order outer primary references returning revoke right rollback select set table then transaction truncate union unique update using values view when where with analyze vacuum lock for"),
		constants:    words("true false"),
		types:        words("int integer bigint smallint serial bigserial text varchar char boolean bool date time timestamp timestamptz interval numeric decimal real float double json jsonb uuid bytea"),
		builtins:     words("count sum avg min max now coalesce nullif lower upper length substring cast"),
		foldCase:     true,
		lineComments: []string{"--"}, blockOpen: "/*", blockClose: "*/",
		quotes: "'\"",
	}
)
