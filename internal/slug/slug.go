// Package slug makes URL path segments and HTML ids from names.
package slug

import (
	"strings"
	"unicode"
)

// Make turns a name into a URL path segment: lowercase letters and digits
// of any script (with their combining marks, so "हिन्दी" stays one word),
// separated by single dashes. "Über Café" becomes "über-café"; "C++"
// becomes "c-plus-plus" and "C#" "c-sharp", so they stay apart from "C".
// Make never returns a leading or trailing dash; it returns "" when s has
// no letters or digits.
func Make(s string) string {
	var b strings.Builder
	dash := false   // a separator is pending
	inWord := false // the previous rune was part of a word
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || (inWord && unicode.IsMark(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash, inWord = false, true
			b.WriteRune(r)
		case r == '+' && b.Len() > 0:
			b.WriteString("-plus")
			dash, inWord = true, false
		case r == '#' && inWord:
			b.WriteString("-sharp")
			dash, inWord = true, false
		default:
			dash, inWord = true, false
		}
	}
	return b.String()
}

// Valid reports whether s is already a slug: what Make returns for it.
func Valid(s string) bool { return s != "" && Make(s) == s }
