package content

import (
	"fmt"
	"strings"
	"testing"
)

func BenchmarkParse(b *testing.B) {
	src := []byte(everyKeyYAML + strings.Repeat("A paragraph of the body.\n\n", 200))
	for b.Loop() {
		Parse("log/2026-03-14-x.md", src, Options{})
	}
}

// BenchmarkParseManyTags: front matter at the size limit, all tags. Tag
// de-duplication once compared every tag with every other (seconds per
// file); it must stay linear.
func BenchmarkParseManyTags(b *testing.B) {
	var fm strings.Builder
	fm.WriteString("---\nid: x\ntitle: x\ndate: 2026-03-14\ntags: [")
	for i := 0; fm.Len() < 60<<10; i++ {
		fmt.Fprintf(&fm, "t%d, ", i)
	}
	fm.WriteString("z]\naliases: [")
	for i := 0; fm.Len() < 63<<10; i++ {
		fmt.Fprintf(&fm, "/a%d/, ", i)
	}
	fm.WriteString("/z/]\n---\n")
	src := []byte(fm.String())
	for b.Loop() {
		if _, problems := Parse("log/a.md", src, Options{}); problems.HasErrors() {
			b.Fatal(strs(problems))
		}
	}
}
