package ticker

import (
	"testing"
	"time"
)

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestMatch(t *testing.T) {
	terms := []Term{
		{Text: "go", URL: "/tags/go/", Entries: 5},
		{Text: "lambda", URL: "/tags/lambda/", Entries: 2},
		{Text: "aws-lambda", URL: "/tags/aws-lambda/", Entries: 1},
		{Text: "C#", URL: "/tags/c-sharp/", Entries: 1},
		{Text: "invalid ELF header", URL: "/log/elf/", Entries: 1, Error: true},
		{Text: "exit", URL: "/log/exit/", Entries: 1, Error: true}, // too short to match as an error
		{Text: "unused", URL: "", Entries: 3},                      // no page: never a marker
	}
	for _, tc := range []struct {
		title, want string
	}{
		{"Go 1.26 is released", "/tags/go/"},
		{"Why Google gave up", ""}, // not a whole word
		{"Lambda cold starts, again", "/tags/lambda/"},
		{"AWS Lambda and Go", "/tags/go/"}, // more entries win
		{"aws lambda pricing", "/tags/lambda/"},
		{"An invalid ELF header on arm64", "/log/elf/"},
		{"Why exit codes matter", ""},
		{"C# 14 features", "/tags/c-sharp/"},
		{"unused", ""},
		{"", ""},
	} {
		got := ""
		if m := Match(tc.title, terms); m != nil {
			got = m.URL
		}
		if got != tc.want {
			t.Errorf("Match(%q) = %q, want %q", tc.title, got, tc.want)
		}
	}
}

func TestView(t *testing.T) {
	s := Snapshot{Version: 1, Source: SourceHN, FetchedAt: mustTime("2026-03-14T09:05:59+02:00"), Headlines: []Headline{
		{ID: 1, Rank: 1, Title: "Go 1.26 is released", URL: "https://go.dev/", DiscussURL: "https://news.ycombinator.com/item?id=1"},
		{ID: 2, Rank: 2, Title: "Something else", URL: "https://example.com/", DiscussURL: "https://news.ycombinator.com/item?id=2"},
	}}
	v := View(s, []Term{{Text: "go", URL: "/tags/go/", Entries: 2}})
	if v.AsOf != "as of 07:05 UTC" || v.FetchedAt != "2026-03-14T07:05:59Z" || v.Label != "Top stories" {
		t.Errorf("View: as of %q, fetched %q, label %q; want as of 07:05 UTC, 2026-03-14T07:05:59Z, Top stories", v.AsOf, v.FetchedAt, v.Label)
	}
	if m := v.Items[0].Marker; m == nil || m.Text != "in your log: 2 entries" || m.URL != "/tags/go/" {
		t.Errorf("View marker %+v, want in your log: 2 entries → /tags/go/", m)
	}
	if v.Items[1].Marker != nil {
		t.Errorf("View marked %q", v.Items[1].Title)
	}
	if v.Seconds < 20 {
		t.Errorf("View.Seconds = %d, want at least 20", v.Seconds)
	}
	if empty := View(Snapshot{}, nil); empty.AsOf != "" || empty.FetchedAt != "" || len(empty.Items) != 0 {
		t.Errorf("View(empty) = %+v", empty)
	}
}

func TestSecondsScaleWithText(t *testing.T) {
	short, long := Seconds(30*60), Seconds(60*60)
	if long != 2*short {
		t.Errorf("Seconds(1800) = %d, Seconds(3600) = %d; want the speed to stay the same", short, long)
	}
}
