// Package theme holds the embedded default theme: the page templates and
// the stylesheet. A site overrides any file by putting a file of the same
// name in its layouts/ folder; nothing else is looked up, so there is one
// rule to learn.
package theme

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"slices"
	"strings"
)

//go:embed files
var embedded embed.FS

// Files are the theme's files by name, after overrides.
type Files struct {
	byName     map[string][]byte
	overridden map[string]bool
}

// Names lists the theme's file names, sorted.
func Names() []string {
	entries, _ := fs.ReadDir(embedded, "files")
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	slices.Sort(names)
	return names
}

// Load returns the embedded theme with the files in layouts (a folder
// inside the site, read through root) laid over it. A missing layouts
// folder is fine; a file there whose name the theme does not know is
// returned in unknown so the caller can warn about it.
func Load(root *os.Root, layouts string) (f *Files, unknown []string, err error) {
	f = &Files{byName: map[string][]byte{}, overridden: map[string]bool{}}
	for _, name := range Names() {
		b, err := embedded.ReadFile("files/" + name)
		if err != nil {
			return nil, nil, err
		}
		f.byName[name] = b
	}
	if root == nil {
		return f, nil, nil
	}
	entries, err := fs.ReadDir(root.FS(), layouts)
	if errors.Is(err, fs.ErrNotExist) {
		return f, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", layouts, err)
	}
	for _, e := range entries {
		if e.IsDir() || e.Name()[0] == '.' {
			continue
		}
		if _, ok := f.byName[e.Name()]; !ok {
			unknown = append(unknown, e.Name())
			continue
		}
		b, err := fs.ReadFile(root.FS(), layouts+"/"+e.Name())
		if err != nil {
			return nil, nil, fmt.Errorf("read %s/%s: %w", layouts, e.Name(), err)
		}
		f.byName[e.Name()] = b
		f.overridden[e.Name()] = true
	}
	return f, unknown, nil
}

// Get returns a file's bytes.
func (f *Files) Get(name string) []byte { return f.byName[name] }

// Overridden reports whether the site replaced the named file.
func (f *Files) Overridden(name string) bool { return f.overridden[name] }

var idRe = regexp.MustCompile(`\bid="([^"]*)"`)

// IDs lists the fixed ids the templates give elements, such as "main",
// sorted. Rendered Markdown must not reuse them, or a heading called
// "Main" would break the skip link. Ids built by a template action
// (id="y{{.Year}}") are left out.
func (f *Files) IDs() []string {
	var ids []string
	for name, data := range f.byName {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		for _, m := range idRe.FindAllSubmatch(data, -1) {
			if id := string(m[1]); id != "" && !strings.Contains(id, "{{") && !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	slices.Sort(ids)
	return ids
}
