package ticker

import (
	"strings"
	"testing"
)

func TestCleanTitle(t *testing.T) {
	for _, tc := range []struct {
		in    string
		html  bool
		want  string
		notes int
	}{
		{"Plain title", true, "Plain title", 0},
		{"&lt;b&gt;AT&amp;T", true, "<b>AT&T", 0},
		{"&amp;lt;not twice&amp;gt;", true, "&lt;not twice&gt;", 0}, // decoded exactly once
		{"AT&T &lt;b&gt;", false, "AT&T &lt;b&gt;", 0},              // plain text is left alone
		{"  spaced\tout\n\ntitle  ", true, "spaced out title", 0},
		{"bell\x07 and nul\x00", true, "bell and nul", 1},
		{"evil \u202Eexe.pdf", true, "evil exe.pdf", 1},
		{"\u2066isolate\u2069 \u200Fmark", true, "isolate mark", 1},
		{"zero\u200Bwidth\uFEFF", true, "zerowidth", 1},
		{"bad \xff utf8", true, "bad \uFFFD utf8", 1},
		{"emoji 👩‍💻 kept", true, "emoji 👩‍💻 kept", 0},
		{"", true, "", 0},
	} {
		got, notes := cleanTitle(tc.in, tc.html)
		if got != tc.want || len(notes) != tc.notes {
			t.Errorf("cleanTitle(%q, %v) = %q, %q; want %q with %d notes", tc.in, tc.html, got, notes, tc.want, tc.notes)
		}
	}
	long := strings.Repeat("word ", 1000)
	got, notes := cleanTitle(long, true)
	if n := len([]rune(got)); n > MaxTitle || !strings.HasSuffix(got, "word…") || len(notes) != 1 {
		t.Errorf("cleanTitle(5000 chars) = %d runes ending %q, notes %q; want at most %d ending at a word with …", n, got[len(got)-10:], notes, MaxTitle)
	}
}

func TestCleanURL(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
		ok   bool
	}{
		{"https://example.com/a?b=c#d", "https://example.com/a?b=c#d", true},
		{"HTTP://Example.com/", "http://Example.com/", true},
		{"", "", true},
		{"javascript:alert(1)", "", false},
		{" JaVaScRiPt:alert(1)", "", false},
		{"java\tscript:alert(1)", "", false},
		{"vbscript:msgbox", "", false},
		{"data:text/html,<script>", "", false},
		{"file:///etc/passwd", "", false},
		{"//example.com/", "", false},
		{"/relative", "", false},
		{"https://user:pw@example.com/", "", false},
		{"https://example.com/" + strings.Repeat("a", 3000), "", false},
		{"https://exa mple.com/", "", false},
	} {
		got, ok := cleanURL(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("cleanURL(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := mustTime("2026-03-14T09:30:00Z")
	for _, tc := range []struct {
		in   string
		want string
	}{
		{"", "0s"}, {"3", "3s"}, {"-1", "0s"}, {"soon", "0s"},
		{"Sat, 14 Mar 2026 09:30:05 GMT", "5s"},
		{"Sat, 14 Mar 2026 09:29:00 GMT", "0s"},
	} {
		if got := parseRetryAfter(tc.in, now).String(); got != tc.want {
			t.Errorf("parseRetryAfter(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}
