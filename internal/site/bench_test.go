package site

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// corpus returns a txtar archive of a site with n entries: several kinds,
// tags and projects, code blocks, footnotes, lessons and a few images.
func corpus(n int) string {
	var b strings.Builder
	b.WriteString("-- shiplog.toml --\ntitle = \"Bench\"\npage_size = 10\n")
	b.WriteString("-- log/shared.png --\n!png 64x32\n")
	kinds := []string{"broke", "built", "decision", "note"}
	projects := []string{"Thumbnailer", "Storefront", "Ledger", ""}
	tags := []string{"go", "aws", "lambda", "postgres", "redis", "k8s", "ci", "dns", "tls", "cache"}
	prose := "The deploy went out at nine and the first cold start took three seconds longer than the day before. "
	for i := range n {
		month, day := 1+i/28%12, 1+i%28
		fmt.Fprintf(&b, "-- log/%04d/entry-%03d.md --\n---\nid: e%d\ntitle: Entry number %d about %s\ndate: 2025-%02d-%02d\nkind: %s\n",
			2025, i, i, i, tags[i%len(tags)], month, day, kinds[i%len(kinds)])
		if p := projects[i%len(projects)]; p != "" {
			fmt.Fprintf(&b, "project: %s\n", p)
		}
		fmt.Fprintf(&b, "tags: [%s, %s]\n", tags[i%len(tags)], tags[(i*7+3)%len(tags)])
		if i%10 == 0 {
			b.WriteString("hero:\n  src: ../shared.png\n  alt: A shared picture\n")
		}
		b.WriteString("---\n## Symptom\n\n")
		for range 6 {
			b.WriteString(prose + prose + "\n\n")
		}
		b.WriteString("```go\nfunc main() {\n\tfmt.Println(\"hello\")\n}\n```\n\n## Cause\n\nSee the note[^1].\n\n")
		b.WriteString("```error\npanic: runtime error: invalid memory address or nil pointer dereference\n```\n\n")
		for range 4 {
			b.WriteString(prose + "\n\n")
		}
		b.WriteString("```yaml\nmemory: 512\ntimeout: 30\n```\n\n[^1]: It was the cache.\n\n")
		b.WriteString("What this reinforced: measure first.\n")
	}
	return b.String()
}

func TestCorpusBuilds(t *testing.T) {
	src := writeSite(t, corpus(12))
	out := filepath.Join(t.TempDir(), "public")
	rep := mustBuild(t, src, out)
	if rep.Entries != 12 || len(rep.Problems) != 0 {
		t.Errorf("corpus: %d entries, problems %v; want 12 and none", rep.Entries, rep.Problems)
	}
	checkLinks(t, out)
	checkIDs(t, out)
}

func BenchmarkBuild(b *testing.B) {
	src := writeSite(b, corpus(200))
	out := filepath.Join(b.TempDir(), "public")
	b.ReportAllocs()
	for b.Loop() {
		mustBuild(b, src, out)
	}
}
