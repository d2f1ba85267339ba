package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shiplog/shiplog/internal/site"
)

// vnuJar is where scripts/test-deps.sh installs the Nu HTML Checker
// (npm install --prefix .cache/npm vnu-jar), relative to this folder.
const vnuJar = "../../.cache/npm/node_modules/vnu-jar/build/dist/vnu.jar"

// vnuSites are small logs that reach the pages the example does not have:
// alias redirects, a log under a path, a log without base_url, an empty
// log, entries with no hero, summary or lesson.
var vnuSites = map[string]map[string]string{
	"aliases-under-a-path": {
		"shiplog.toml":        "title = \"Notes & <things>\"\nbase_url = \"https://example.dev/notes/\"\n",
		"log/2026-03-01-a.md": "---\nid: a\ntitle: \"A \\\"quoted\\\" <title> & more\"\ndate: 2026-03-01\ntags: [x, \"c#\"]\naliases: [\"/2025/old-a/\", \"/old-a.html\"]\n---\nText with a [link](#nowhere-in-particular) and `code`.\n",
		"log/2026-03-02-b.md": "---\nid: b\ntitle: B\ndate: 2026-03-02\nkind: decision\nproject: P\nsummary: \"One sentence.\"\n---\n## Why\n\nBecause.\n\nWhat this reinforced: decide once.\n",
	},
	"no-base-url": {
		"shiplog.toml":        "title = \"Local\"\n",
		"log/2026-03-01-a.md": "---\nid: a\ntitle: A\ndate: 2026-03-01\n---\nHello.\n",
	},
	"empty": {
		"shiplog.toml": "title = \"Empty\"\nbase_url = \"https://example.dev/\"\n",
	},
}

// TestExampleValidHTML builds the example log, and the small logs above,
// and checks every page with the Nu HTML Checker: any error fails the
// test. It needs Java and vnu.jar, which scripts/test-deps.sh installs;
// without them it fails rather than skips, unless SHIPLOG_SKIP_VNU=1.
func TestExampleValidHTML(t *testing.T) {
	if os.Getenv("SHIPLOG_SKIP_VNU") == "1" {
		t.Skip("SHIPLOG_SKIP_VNU=1")
	}
	java, err := exec.LookPath("java")
	if err != nil {
		t.Fatal("no java in PATH: run scripts/test-deps.sh (or `make test`), or set SHIPLOG_SKIP_VNU=1")
	}
	jar := os.Getenv("SHIPLOG_VNU_JAR")
	if jar == "" {
		jar = vnuJar
	}
	if _, err := os.Stat(jar); err != nil {
		t.Fatalf("no vnu.jar at %s: run scripts/test-deps.sh (or `make test`), set SHIPLOG_VNU_JAR, or set SHIPLOG_SKIP_VNU=1", jar)
	}

	outs := map[string]string{"example": buildForVNU(t, exampleDir)}
	for name, files := range vnuSites {
		src := filepath.Join(t.TempDir(), name)
		for rel, data := range files {
			p := filepath.Join(src, filepath.FromSlash(rel))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		outs[name] = buildForVNU(t, src)
	}

	var pages []string
	for _, out := range outs {
		err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".html") {
				pages = append(pages, p)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(pages)
	if n := countPages(pages, outs["example"]); n < 40 {
		t.Fatalf("the example built only %d pages", n)
	}
	if !slices.ContainsFunc(pages, func(p string) bool { return strings.HasSuffix(p, filepath.FromSlash("2025/old-a/index.html")) }) {
		t.Fatal("no alias redirect page among the pages checked")
	}

	// A page with a known error proves the checker runs and its report is
	// read: if it finds nothing there, nothing it says can be trusted.
	canary := filepath.Join(t.TempDir(), "canary.html")
	if err := os.WriteFile(canary, []byte(`<!doctype html><html lang="en"><head><title>c</title></head><body><img src="a.png"></body></html>`), 0o644); err != nil {
		t.Fatal(err)
	}
	pages = append(pages, canary)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	args := append([]string{"-jar", jar, "--errors-only", "--format", "json", "--stdout", "--exit-zero-always"}, pages...)
	cmd := exec.CommandContext(ctx, java, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("vnu: %v\n%s", err, stderr.Bytes())
	}
	t.Logf("vnu checked %d pages in %s", len(pages), time.Since(start).Round(time.Millisecond))

	var report struct {
		Messages []struct {
			Type      string `json:"type"`
			SubType   string `json:"subType"`
			URL       string `json:"url"`
			LastLine  int    `json:"lastLine"`
			FirstCol  int    `json:"firstColumn"`
			Message   string `json:"message"`
			Extract   string `json:"extract"`
			LastCol   int    `json:"lastColumn"`
			FirstLine int    `json:"firstLine"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &report); err != nil {
		t.Fatalf("vnu output is not its JSON report: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.Bytes(), stderr.Bytes())
	}
	canaryFound := false
	for _, m := range report.Messages {
		if m.Type == "info" && m.SubType != "warning" {
			continue
		}
		if m.URL == "file:"+canary {
			canaryFound = true
			continue
		}
		where := m.URL
		for name, out := range outs {
			where = strings.Replace(where, "file:"+out, name, 1)
		}
		t.Errorf("%s:%d:%d: %s: %s\n\t%s", where, m.LastLine, m.FirstCol, m.Type, m.Message, strings.TrimSpace(m.Extract))
	}
	if !canaryFound {
		t.Errorf("vnu found no error in a page with an img without alt; its report:\n%s", stdout.Bytes())
	}
}

// buildForVNU builds the log in src into a temporary folder with every
// entry included whatever today's date, and returns the folder.
func buildForVNU(t *testing.T, src string) string {
	t.Helper()
	out, err := filepath.Abs(filepath.Join(t.TempDir(), "public"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := site.Build(context.Background(), site.Options{Src: src, Out: out})
	if err != nil {
		var probs []string
		for _, p := range rep.Problems {
			probs = append(probs, p.String())
		}
		t.Fatalf("build %s: %v\n%s", src, err, strings.Join(probs, "\n"))
	}
	return out
}

func countPages(pages []string, out string) int {
	n := 0
	for _, p := range pages {
		if strings.HasPrefix(p, out+string(filepath.Separator)) {
			n++
		}
	}
	return n
}
