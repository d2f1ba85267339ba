package ticker

import (
	"cmp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Term is something the log is about, that a headline may mention: a tag
// (matched as a whole word or phrase, ignoring case) or an exact error
// message (matched as a substring, ignoring case).
type Term struct {
	Text    string
	URL     string // where the marker links: the tag's page, the entry
	Entries int    // entries of the log with it
	Error   bool   // an error message rather than a tag
}

// Marker is the note on a headline that the log has entries about it.
type Marker struct {
	Text string `json:"text"` // "in your log: 2 entries"
	URL  string `json:"url"`
}

// Item is a headline as the strip shows it.
type Item struct {
	Headline
	Marker *Marker `json:"marker,omitempty"`
}

// Strip is everything the page needs to draw the strip.
type Strip struct {
	FetchedAt string `json:"fetched_at"` // RFC 3339; "" when empty
	Label     string `json:"label"`
	AsOf      string `json:"as_of"`
	Seconds   int    `json:"seconds"` // one loop of the marquee
	Items     []Item `json:"items"`
}

// View is the strip for s, with markers for headlines that mention one
// of terms.
func View(s Snapshot, terms []Term) Strip {
	st := Strip{Label: s.Label(), AsOf: s.AsOf(), Items: make([]Item, 0, len(s.Headlines))}
	if !s.FetchedAt.IsZero() {
		st.FetchedAt = s.FetchedAt.UTC().Format("2006-01-02T15:04:05Z07:00")
	}
	chars := 0
	for _, h := range s.Headlines {
		it := Item{Headline: h}
		if t := Match(h.Title, terms); t != nil {
			it.Marker = &Marker{Text: "in your log: " + strconv.Itoa(t.Entries) + plural(t.Entries, " entry", " entries"), URL: t.URL}
			chars += 22
		}
		chars += utf8.RuneCountInString(h.Title) + 32 // the points, comments and gap
		st.Items = append(st.Items, it)
	}
	st.Seconds = Seconds(chars)
	return st
}

// Seconds is how long one loop of the marquee takes for chars characters
// of text, so the speed is the same however many headlines there are: at
// about 6.5 px a character and 60 px a second, each headline crosses a
// 1200 px strip in 20 seconds, time enough to read it twice.
func Seconds(chars int) int {
	return max(20, (chars*65+599)/600)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Match returns the term that title mentions, preferring the one with the
// most entries, then the longest; nil when none does.
func Match(title string, terms []Term) *Term {
	lt := strings.ToLower(title)
	var best *Term
	for i := range terms {
		t := &terms[i]
		if t.Entries <= 0 || t.URL == "" {
			continue
		}
		text := strings.ToLower(strings.TrimSpace(t.Text))
		var hit bool
		if t.Error {
			hit = utf8.RuneCountInString(text) >= 8 && strings.Contains(lt, text)
		} else {
			hit = containsWord(lt, text) || (strings.Contains(text, "-") && containsWord(lt, strings.ReplaceAll(text, "-", " ")))
		}
		if !hit {
			continue
		}
		if best == nil || cmp.Or(cmp.Compare(t.Entries, best.Entries), cmp.Compare(len(t.Text), len(best.Text))) > 0 {
			best = t
		}
	}
	return best
}

// containsWord reports whether w occurs in s with no letter or digit
// right before or after it.
func containsWord(s, w string) bool {
	if w == "" {
		return false
	}
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(w)
		before, _ := utf8.DecodeLastRuneInString(s[:start])
		after, _ := utf8.DecodeRuneInString(s[end:])
		if !isWordRune(before) && !isWordRune(after) {
			return true
		}
		i = start + 1
	}
}

func isWordRune(r rune) bool {
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r))
}
