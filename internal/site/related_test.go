package site

import (
	"testing"
	"time"

	"github.com/shiplog/shiplog/internal/content"
)

func TestRelated(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 3, d, 0, 0, 0, 0, time.UTC) }
	e := func(path string, d int, project string, tags ...string) *content.Entry {
		return &content.Entry{Path: path, Date: day(d), Project: project, Tags: tags}
	}
	// Newest first, as content.Load gives them.
	entries := []*content.Entry{
		e("log/f.md", 9, "", "go"),
		e("log/a.md", 8, "P", "go", "aws"), // the entry whose related we want
		e("log/b.md", 7, "", "go", "aws"),  // two tags
		e("log/c.md", 6, "P", "go"),        // a tag and the project
		e("log/d.md", 5, "Q", "aws"),       // one tag
		e("log/e.md", 4, "", "go"),         // one tag, older than d
		e("log/g.md", 3, "", "rust"),       // nothing shared
	}
	log := &content.Log{Entries: entries}
	group := func(keys func(*content.Entry) []string) []*content.Term {
		var terms []*content.Term
		by := map[string]*content.Term{}
		for _, x := range entries {
			for _, k := range keys(x) {
				if by[k] == nil {
					by[k] = &content.Term{Name: k, Slug: k}
					terms = append(terms, by[k])
				}
				by[k].Entries = append(by[k].Entries, x)
			}
		}
		return terms
	}
	log.Tags = group(func(x *content.Entry) []string { return x.Tags })
	log.Projects = group(func(x *content.Entry) []string {
		if x.Project == "" {
			return nil
		}
		return []string{x.Project}
	})
	x := newRelatedIndex(entries, log.Tags, log.Projects)
	a := entries[1]
	var got []string
	for _, r := range x.related(a, 4) {
		got = append(got, r.Path)
	}
	// c shares a tag and the project (the project weighs two tags), b
	// two tags, then the one-tag entries newest first.
	want := []string{"log/c.md", "log/b.md", "log/f.md", "log/d.md"}
	if len(got) != len(want) {
		t.Fatalf("related(a) = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("related(a) = %v, want %v", got, want)
		}
	}
	if r := x.related(entries[6], 3); len(r) != 0 {
		t.Errorf("related(g) = %d entries, want none: it shares nothing", len(r))
	}
}
