package theme

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestNames(t *testing.T) {
	names := Names()
	if !slices.IsSorted(names) {
		t.Errorf("Names() = %v, not sorted", names)
	}
	for _, want := range []string{"base.html", "partials.html", "entry.html", "log.html", "home.html", "404.html", "style.css"} {
		if !slices.Contains(names, want) {
			t.Errorf("Names() = %v, missing %s", names, want)
		}
	}
}

func TestLoadWithoutRoot(t *testing.T) {
	f, unknown, err := Load(nil, "layouts")
	if err != nil {
		t.Fatal(err)
	}
	if len(unknown) != 0 {
		t.Errorf("unknown = %v, want none", unknown)
	}
	for _, name := range Names() {
		if len(f.Get(name)) == 0 {
			t.Errorf("Get(%q) is empty", name)
		}
		if f.Overridden(name) {
			t.Errorf("Overridden(%q) = true without overrides", name)
		}
	}
}

// A file in layouts/ replaces the theme's file of the same name; nothing
// else changes. Unknown names are reported; dotfiles and folders are not.
func TestLoadOverrides(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("layouts/style.css", "body{color:red}")
	write("layouts/entyr.html", "typo")
	write("layouts/.DS_Store", "junk")
	write("layouts/partials/x.html", "a folder")
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	f, unknown, err := Load(root, "layouts")
	if err != nil {
		t.Fatal(err)
	}
	if got := string(f.Get("style.css")); got != "body{color:red}" {
		t.Errorf("Get(style.css) = %q, want the override", got)
	}
	if !f.Overridden("style.css") || f.Overridden("base.html") {
		t.Errorf("Overridden: style.css %v, base.html %v; want true, false", f.Overridden("style.css"), f.Overridden("base.html"))
	}
	def, _, _ := Load(nil, "layouts")
	if !bytes.Equal(f.Get("base.html"), def.Get("base.html")) {
		t.Error("base.html changed though only style.css was overridden")
	}
	if !slices.Equal(unknown, []string{"entyr.html"}) {
		t.Errorf("unknown = %v, want [entyr.html]", unknown)
	}
}

func TestLoadMissingLayouts(t *testing.T) {
	root, err := os.OpenRoot(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	if _, _, err := Load(root, "layouts"); err != nil {
		t.Errorf("Load without layouts/: %v, want nil", err)
	}
}

// A layouts file may not be a symlink out of the site.
func TestLoadSymlinkOutside(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "secret.html")
	if err := os.WriteFile(outside, []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "layouts"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "layouts", "base.html")); err != nil {
		t.Skip("symlinks:", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	f, _, err := Load(root, "layouts")
	if err == nil && string(f.Get("base.html")) == "secret" {
		t.Error("Load read a layouts file through a symlink that leaves the site")
	}
}

func TestIDs(t *testing.T) {
	f, _, err := Load(nil, "layouts")
	if err != nil {
		t.Fatal(err)
	}
	ids := f.IDs()
	for _, want := range []string{"main", "ticker", "related-title"} {
		if !slices.Contains(ids, want) {
			t.Errorf("IDs() = %v, missing %q", ids, want)
		}
	}
	for _, id := range ids {
		if bytes.Contains([]byte(id), []byte("{{")) {
			t.Errorf("IDs() has a templated id %q", id)
		}
	}
	if !slices.IsSorted(ids) || len(slices.Compact(slices.Clone(ids))) != len(ids) {
		t.Errorf("IDs() = %v, want sorted and unique", ids)
	}
}
