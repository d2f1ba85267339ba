package archtest

import (
	"encoding/json"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const mod = "github.com/shiplog/shiplog/"

// forbidden maps a package to the shiplog packages it must not import,
// directly or indirectly. "**" means none at all; "*" means none but the
// shared vocabulary in allowedForLeaves. Leaves know nothing of the
// build; the model knows nothing of pages; nothing but the CLI wires the
// dev server to the build.
var forbidden = map[string][]string{
	"internal/diag":        {"**"},
	"internal/slug":        {"**"},
	"internal/tomlpos":     {"**"},
	"internal/highlight":   {"**"},
	"internal/feed":        {"*"},
	"internal/sitemap":     {"**"},
	"internal/ticker":      {"**"},
	"internal/hugeheap":    {"**"},
	"internal/jsonstr":     {"**"},
	"internal/imaging":     {"*"},
	"internal/search":      {"*"},
	"internal/errmem":      {"*"},
	"internal/lessons":     {"*"},
	"internal/buildcache":  {"*"},
	"internal/hntest":      {"*"},
	"internal/browsertest": {"*"},
	"internal/config":      {"internal/content", "internal/markdown", "internal/render", "internal/theme", "internal/site", "internal/serve"},
	"internal/content":     {"internal/markdown", "internal/render", "internal/theme", "internal/site", "internal/serve"},
	"internal/markdown":    {"internal/content", "internal/render", "internal/theme", "internal/site", "internal/serve", "internal/config"},
	"internal/render":      {"internal/content", "internal/markdown", "internal/site", "internal/serve", "internal/config"},
	"internal/theme":       {"internal/content", "internal/markdown", "internal/render", "internal/site", "internal/serve", "internal/config"},
	"internal/site":        {"internal/serve", "cmd/shiplog"},
	"internal/serve":       {"internal/site", "internal/content", "internal/markdown", "cmd/shiplog"},
}

// allowedForLeaves are the shiplog packages a leaf may use: the shared
// vocabulary of problems and names, and the JSON strings of the files
// written by the thousand.
var allowedForLeaves = []string{"internal/diag", "internal/slug", "internal/jsonstr"}

type pkg struct {
	ImportPath string
	Deps       []string
}

func TestImportRules(t *testing.T) {
	out, err := exec.Command("go", "list", "-json", "-e", mod+"...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	seen := map[string]bool{}
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimPrefix(p.ImportPath, mod)
		seen[name] = true
		rules, ok := forbidden[name]
		if !ok {
			continue
		}
		for _, dep := range p.Deps {
			if !strings.HasPrefix(dep, mod) {
				continue
			}
			d := strings.TrimPrefix(dep, mod)
			switch {
			case rules[0] == "**":
				t.Errorf("%s must import no shiplog package, imports %s", name, d)
			case rules[0] == "*":
				if !slices.Contains(allowedForLeaves, d) {
					t.Errorf("%s is a leaf but imports %s", name, d)
				}
			case slices.Contains(rules, d):
				t.Errorf("%s must not import %s", name, d)
			}
		}
	}
	for name := range seen {
		if _, ok := forbidden[name]; !ok && strings.HasPrefix(name, "internal/") && !exempt(name) {
			t.Errorf("package %s has no import rule: add it to forbidden", name)
		}
	}
}

// exempt are packages that only serve tests or sit at the edge (the CLI's
// helpers) and may import what they need.
func exempt(name string) bool {
	return strings.HasSuffix(name, "test") || name == "internal/e2e" || name == "internal/scaffold"
}

// earlyImports are all that the packages an early init function runs in
// may import: Go initialises a package only once its imports are, in the
// order of their import paths, and a package of the standard library
// whose path sorts after "github.com/…" (os, strconv, runtime/debug)
// waits for every ready package sorted before it, chroma's lexer
// registry among them (see internal/hugeheap's package comment).
// cmd/shiplog's TestEarlyHeapInitsFirst checks the order itself, in the
// release binary.
var earlyImports = map[string][]string{
	"internal/hugeheap":              {"runtime", "sync", "syscall", "unsafe"},
	"cmd/shiplog/internal/earlyheap": {"syscall", mod + "internal/hugeheap"},
}

func TestEarlyImports(t *testing.T) {
	for name, allowed := range earlyImports {
		out, err := exec.Command("go", "list", "-f", "{{join .Imports \"\\n\"}}", mod+name).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", name, err)
		}
		for _, imp := range strings.Fields(string(out)) {
			if !slices.Contains(allowed, imp) {
				t.Errorf("%s imports %s: it may import only %q", name, imp, allowed)
			}
		}
	}
}
