// Package slug makes URL path segments and HTML ids from names.
package slug

import (
	"strings"
	"unicode"
)

// Make turns a name into a URL path segment: lowercase letters and digits
// of any script, separated by single dashes. "Über Café" becomes
// "über-café"; "C++" becomes "c-plus-plus" so it stays apart from "C".
func Make(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		case r == '+' && b.Len() > 0:
			b.WriteString("-plus")
			dash = true
		default:
			dash = true
		}
	}
	return b.String()
}
