package ticker

import (
	"html"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// cleanTitle turns a title into plain text fit for the strip. When html
// is set the title is HTML (the Firebase API) and its entities are
// decoded, exactly once. Control characters, bidi overrides and isolates
// (which can make "exe.pdf" read as "fdp.exe") and invisible characters
// are removed, runs of white space become one space, and a title longer
// than MaxTitle runes is cut at a word with "…". notes says what was
// changed beyond decoding, for a warning.
func cleanTitle(raw string, isHTML bool) (title string, notes []string) {
	s := raw
	if isHTML {
		s = html.UnescapeString(s)
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
		notes = append(notes, "invalid UTF-8 replaced")
	}
	var b strings.Builder
	var bidi, ctl bool
	space := false
	for _, r := range s {
		switch {
		case isBidiControl(r):
			bidi = true
			continue
		case r == '\t' || r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029' || unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsControl(r) || r == '\u200B' || r == '\uFEFF':
			ctl = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	s = b.String()
	if bidi {
		notes = append(notes, "bidi control characters removed")
	}
	if ctl {
		notes = append(notes, "control characters removed")
	}
	if n := utf8.RuneCountInString(s); n > MaxTitle {
		s = shorten(s, MaxTitle)
		notes = append(notes, "shortened from "+strconv.Itoa(n)+" to "+strconv.Itoa(MaxTitle)+" characters")
	}
	return s, notes
}

// isBidiControl reports the characters that reorder text: the embeddings,
// overrides and isolates, and the marks.
func isBidiControl(r rune) bool {
	switch {
	case r >= '\u202A' && r <= '\u202E', r >= '\u2066' && r <= '\u2069':
		return true
	case r == '\u200E', r == '\u200F', r == '\u061C':
		return true
	}
	return false
}

// shorten cuts s to at most n runes, at the last space in its final
// fifth when there is one, and adds "…".
func shorten(s string, n int) string {
	runes := []rune(s)[:n-1]
	cut := len(runes)
	for i := len(runes) - 1; i > len(runes)*4/5; i-- {
		if runes[i] == ' ' {
			cut = i
			break
		}
	}
	return strings.TrimRight(string(runes[:cut]), " ") + "…"
}

// cleanURL returns raw when it is an absolute http(s) URL, normalised by
// the URL parser; ok is false for anything else (javascript:, data:, a
// relative or malformed URL, one with control characters or over 2 KB).
// An empty raw is fine: the story has no link.
func cleanURL(raw string) (u string, ok bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", true
	}
	if len(raw) > 2048 {
		return "", false
	}
	p, err := url.Parse(raw)
	if err != nil || p.Host == "" || p.User != nil {
		return "", false
	}
	if s := strings.ToLower(p.Scheme); s != "http" && s != "https" {
		return "", false
	}
	p.Scheme = strings.ToLower(p.Scheme)
	return p.String(), true
}

// validHeadline reports whether h is already as clean as cleanTitle and
// cleanURL make a headline, for checking a cache that may have been edited.
func validHeadline(h Headline) bool {
	if h.ID <= 0 || h.Rank <= 0 || h.Points < 0 || h.Comments < 0 || h.Title == "" {
		return false
	}
	if t, notes := cleanTitle(h.Title, false); t != h.Title || len(notes) > 0 {
		return false
	}
	for _, u := range []string{h.URL, h.DiscussURL} {
		if c, ok := cleanURL(u); !ok || c == "" || c != u {
			return false
		}
	}
	return true
}
