package site

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shiplog/shiplog/internal/hntest"
)

// incSite is a log with something of everything an edit can touch:
// several kinds, tags and projects, a page size that makes many stream
// pages, links between entries, a hero, a lesson, an alias, a draft,
// static files and home.md.
const incSite = `
-- shiplog.toml --
title = "Inc"
base_url = "https://inc.example/"
page_size = 2
timezone = "UTC"
-- home.md --
Hello from **home**.
-- static/favicon.svg --
<svg xmlns="http://www.w3.org/2000/svg"/>
-- static/notes.txt --
plain
-- log/2026-01-01-alpha.md --
---
id: urn:uuid:00000000-0000-4000-8000-000000000001
title: Alpha
date: 2026-01-01
kind: broke
project: Rocket
tags: [go, aws]
errors: ["exit status 137"]
---
The body of alpha. See [beta](2026-01-02-beta.md).

What this reinforced: check the memory limit.
-- log/2026-01-02-beta.md --
---
id: urn:uuid:00000000-0000-4000-8000-000000000002
title: Beta
date: 2026-01-02
kind: built
project: Rocket
tags: [go]
summary: A short summary.
aliases: [/old/beta/]
---
The body of beta.

` + "```go\nfunc main() {}\n```" + `
-- log/2026-01-03-gamma.md --
---
id: urn:uuid:00000000-0000-4000-8000-000000000003
title: Gamma
date: 2026-01-03
kind: note
tags: [aws, dns]
hero:
  src: gamma.png
  alt: A picture
---
Gamma's body.
-- log/gamma.png --
!png 40x20
-- log/2026-01-04-delta.md --
---
id: urn:uuid:00000000-0000-4000-8000-000000000004
title: Delta
date: 2026-01-04
kind: decision
project: Ledger
tags: [dns]
---
Delta decides.

What this reinforced: write it down.
-- log/2026-01-05-draft.md --
---
id: urn:uuid:00000000-0000-4000-8000-000000000005
title: A draft
date: 2026-01-05
kind: note
draft: true
tags: [go]
---
Not done yet.
-- log/2026-01-06-epsilon.md --
---
id: urn:uuid:00000000-0000-4000-8000-000000000006
title: Epsilon
date: 2026-01-06
kind: broke
tags: [go, k8s]
---
Epsilon links to [alpha](2026-01-01-alpha.md) and [the log](../).
`

// memStore is the dev server's store in memory.
type memStore struct {
	mu    sync.Mutex
	files map[[32]byte][]byte
}

func (m *memStore) put(sum [32]byte, data []byte) error {
	if sha256.Sum256(data) != sum {
		return fmt.Errorf("put: sum does not match")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.files[sum] = bytes.Clone(data)
	return nil
}

// incOptions are the dev server's options.
func incOptions(src string) Options {
	return Options{Src: src, Drafts: true, Serve: true, TickerLive: true, Now: now}
}

// fullBuild builds src from scratch as the dev server would, and returns
// every file and the problems as text.
func fullBuild(t *testing.T, src string) (map[string][]byte, string, error) {
	t.Helper()
	return fullBuildAt(t, src, now)
}

// fullBuildAt is fullBuild at the time at.
func fullBuildAt(t *testing.T, src string, at time.Time) (map[string][]byte, string, error) {
	t.Helper()
	opts := incOptions(src)
	opts.Now = at
	opts.Out = filepath.Join(t.TempDir(), "public")
	rep, err := Build(context.Background(), opts)
	if err != nil {
		return nil, problemsText(rep), err
	}
	files := map[string][]byte{}
	err = filepath.WalkDir(opts.Out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == marker {
			return err
		}
		rel, _ := filepath.Rel(opts.Out, p)
		files[filepath.ToSlash(rel)], err = os.ReadFile(p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files, problemsText(rep), nil
}

func problemsText(rep *Report) string {
	if rep == nil {
		return ""
	}
	var b strings.Builder
	rep.Problems.Print(&b)
	return b.String()
}

// sameFiles reports every difference between a full build and an
// incremental one.
func sameFiles(t *testing.T, what string, want map[string][]byte, got *Output, st *memStore) {
	t.Helper()
	var diffs []string
	for name, data := range want {
		sum, ok := got.Files[name]
		switch {
		case !ok:
			diffs = append(diffs, name+": missing")
		case !bytes.Equal(st.files[sum], data):
			diffs = append(diffs, name+": differs: "+firstDiff(data, st.files[sum]))
		}
	}
	for name := range got.Files {
		if _, ok := want[name]; !ok {
			diffs = append(diffs, name+": not in a full build")
		}
	}
	slices.Sort(diffs)
	if len(diffs) > 0 {
		t.Errorf("%s: the incremental build differs from a full build:\n\t%s", what, strings.Join(diffs, "\n\t"))
	}
}

func firstDiff(want, got []byte) string {
	i := 0
	for i < len(want) && i < len(got) && want[i] == got[i] {
		i++
	}
	lo := max(0, i-60)
	return fmt.Sprintf("at byte %d: want …%q…, got …%q…", i, want[lo:min(len(want), i+60)], got[lo:min(len(got), i+60)])
}

// TestIncrementalMatchesFullBuild edits a log the ways an author does
// and checks after each edit that the dev server's incremental build
// made exactly the bytes of a full build of the same files, reported the
// same problems, and did only a little work for edits inside one entry.
func TestIncrementalMatchesFullBuild(t *testing.T) {
	src := writeSite(t, incSite)
	st := &memStore{files: map[[32]byte][]byte{}}
	inc := NewBuilder(incOptions(src))
	clock := now
	inc.Now = func() time.Time { return clock }
	var last map[string][32]byte // the last Output's files
	write := func(name, data string) {
		t.Helper()
		p := filepath.Join(src, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	edit := func(name, old, new string) {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(src, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), old) {
			t.Fatalf("%s does not contain %q", name, old)
		}
		write(name, strings.Replace(string(data), old, new, 1))
	}
	remove := func(name string) {
		t.Helper()
		if err := os.Remove(filepath.Join(src, filepath.FromSlash(name))); err != nil {
			t.Fatal(err)
		}
	}
	// check builds incrementally and in full and compares. how says
	// which build the Builder should have made: "patch" (patch.go),
	// "narrow" (a whole build that made only a few files) or "whole".
	check := func(what, how string, changed ...string) {
		t.Helper()
		if changed == nil {
			changed = []string{}
		}
		got, rep, err := inc.Build(context.Background(), changed, st.put)
		want, wantProblems, wantErr := fullBuildAt(t, src, clock)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("%s: incremental build error %v, full build error %v", what, err, wantErr)
		}
		if gotProblems := problemsText(rep); gotProblems != wantProblems {
			t.Errorf("%s: problems differ:\nincremental:\n%s\nfull:\n%s", what, gotProblems, wantProblems)
		}
		if err != nil {
			if err.Error() != wantErr.Error() {
				t.Errorf("%s: error %q, a full build's %q", what, err, wantErr)
			}
			return
		}
		sameFiles(t, what, want, got, st)
		if got.Changed != nil {
			var differ []string
			for name, sum := range got.Files {
				if old, ok := last[name]; !ok || old != sum {
					differ = append(differ, name)
				}
			}
			for name := range last {
				if _, ok := got.Files[name]; !ok {
					differ = append(differ, name)
				}
			}
			slices.Sort(differ)
			if !slices.Equal(got.Changed, differ) {
				t.Errorf("%s: Output.Changed = %q, but the files that changed are %q", what, got.Changed, differ)
			}
		}
		last = got.Files
		made := "whole"
		switch {
		case inc.last.patched:
			made = "patch"
		case inc.narrowed:
			made = "narrow"
		}
		if made != how {
			t.Errorf("%s: made a %s build (made %d of %d files), want a %s build", what, made, got.Made, len(got.Files), how)
		}
	}

	check("first build", "whole")
	check("nothing changed", "patch", "log/2026-01-02-beta.md")

	edit("log/2026-01-02-beta.md", "The body of beta.", "The body of beta, rewritten.")
	check("a body edit", "patch", "log/2026-01-02-beta.md")
	if _, ok := inc.written[memoryFile]; ok {
		t.Errorf("a body edit that changes no error message made %s again", memoryFile)
	}
	// Edits that change what the search index holds.
	edit("log/2026-01-02-beta.md", "The body of beta, rewritten.", "The body of beta, rewritten with zymurgy.")
	check("a new word in a body", "patch", "log/2026-01-02-beta.md")
	searchHas(t, src, "zymurgy", true)
	edit("log/2026-01-02-beta.md", "The body of beta, rewritten with zymurgy.", "The body of beta, rewritten.")
	check("the word taken out again", "patch", "log/2026-01-02-beta.md")
	searchHas(t, src, "zymurgy", false)
	edit("log/2026-01-01-alpha.md", "The body of alpha.", "The body of alpha, rewritten.")
	check("a word another entry has", "patch", "log/2026-01-01-alpha.md")
	edit("log/2026-01-01-alpha.md", "alpha, rewritten.", "alpha, rewritten, rewritten.")
	check("a word weighs more (the same words)", "patch", "log/2026-01-01-alpha.md")
	edit("log/2026-01-02-beta.md", "title: Beta", "title: Beta, retitled")
	check("a title edit", "patch", "log/2026-01-02-beta.md")
	searchHas(t, src, "retitled", true)
	edit("log/2026-01-02-beta.md", "summary: A short summary.", "summary: A longer summary now.")
	check("a summary edit", "patch", "log/2026-01-02-beta.md")
	edit("log/2026-01-01-alpha.md", "check the memory limit", "check the memory limit first")
	check("a lesson edit", "narrow", "log/2026-01-01-alpha.md")
	edit("log/2026-01-03-gamma.md", "alt: A picture", "alt: A better picture")
	check("a hero's alt text", "patch", "log/2026-01-03-gamma.md")
	edit("log/2026-01-05-draft.md", "Not done yet.", "Nearly done.")
	check("a draft's body", "patch", "log/2026-01-05-draft.md")
	edit("log/2026-01-03-gamma.md", "Gamma's body.", "Gamma's body.\n\nWhat this reinforced: lessons appear.")
	check("a lesson added", "whole", "log/2026-01-03-gamma.md")
	edit("log/2026-01-04-delta.md", "Delta decides.", "Delta decides.\n\n"+strings.Repeat("Many words here. ", 300))
	check("a long body (minutes to read change)", "patch", "log/2026-01-04-delta.md")
	edit("log/2026-01-04-delta.md", "Delta decides.\n\n", "Delta decides.\n\n```error\nfatal: disk quota exceeded\n```\n\n")
	check("an error block added to a body", "narrow", "log/2026-01-04-delta.md")
	if _, ok := inc.written[memoryFile]; !ok {
		t.Errorf("an error block added to a body did not make %s again", memoryFile)
	}
	edit("log/2026-01-04-delta.md", "disk quota exceeded", "disk quota exceeded on /var")
	check("an error message edited", "narrow", "log/2026-01-04-delta.md")
	edit("log/2026-01-02-beta.md", "The body of beta, rewritten.", "Beta with [a link](2026-01-06-epsilon.md).")
	check("a new link to another entry", "patch", "log/2026-01-02-beta.md")
	edit("log/2026-01-01-alpha.md", "A", "A")
	edit("log/2026-01-06-epsilon.md", "Epsilon links", "Epsilon still links")
	check("two entries at once", "patch", "log/2026-01-01-alpha.md", "log/2026-01-06-epsilon.md")

	// What a save does not name but pages show: an entry dated in the
	// future coming due, and the ticker's headlines.
	write("log/2026-04-01-iota.md", "---\nid: urn:uuid:00000000-0000-4000-8000-000000000011\ntitle: Iota\ndate: 2026-04-01\nkind: note\n---\nScheduled.\n")
	check("an entry dated in the future", "whole", "log/2026-04-01-iota.md")
	edit("log/2026-01-06-epsilon.md", "Epsilon still links", "Epsilon links")
	check("a body edit, the future entry still to come", "patch", "log/2026-01-06-epsilon.md")
	clock = time.Date(2026, 4, 2, 0, 0, 0, 0, time.UTC)
	edit("log/2026-01-06-epsilon.md", "Epsilon links", "Epsilon still links")
	check("a body edit once the future entry came due", "whole", "log/2026-01-06-epsilon.md")
	if err := refresh(t, src, hntest.New(t), 5*time.Second); err != nil {
		t.Fatal(err)
	}
	edit("log/2026-01-06-epsilon.md", "Epsilon still links", "Epsilon links")
	check("a body edit after the ticker's headlines changed", "whole", "log/2026-01-06-epsilon.md")
	edit("log/2026-01-06-epsilon.md", "Epsilon links", "Epsilon still links")
	check("a body edit with the same headlines", "patch", "log/2026-01-06-epsilon.md")

	// Edits that move an entry in the log, or change what the log is.
	edit("log/2026-01-02-beta.md", "date: 2026-01-02", "date: 2026-01-07")
	check("a date edit", "whole", "log/2026-01-02-beta.md")
	edit("log/2026-01-04-delta.md", "tags: [dns]", "tags: [dns, go]")
	check("a tag added", "whole", "log/2026-01-04-delta.md")
	edit("log/2026-01-05-draft.md", "draft: true\n", "")
	check("a draft published", "whole", "log/2026-01-05-draft.md")
	write("log/2026-01-08-zeta.md", "---\nid: urn:uuid:00000000-0000-4000-8000-000000000008\ntitle: Zeta\ndate: 2026-01-08\nkind: note\n---\nNew.\n")
	check("a new entry", "whole", "log/2026-01-08-zeta.md")
	write("log/sub/2026-01-09-eta.md", "---\nid: urn:uuid:00000000-0000-4000-8000-000000000009\ntitle: Eta\ndate: 2026-01-09\nkind: note\n---\nIn a new folder.\n")
	check("a new entry in a new folder", "whole", "log/sub")
	searchHas(t, src, "zeta", true)
	remove("log/2026-01-08-zeta.md")
	check("an entry removed", "whole", "log/2026-01-08-zeta.md")
	searchHas(t, src, "zeta", false)
	write("log/2025-12-31-theta.md", "---\nid: urn:uuid:00000000-0000-4000-8000-000000000010\ntitle: Theta\ndate: 2025-12-31\nkind: note\n---\nOlder than every other entry.\n")
	check("a new entry older than the others (every entry's number moves)", "whole", "log/2025-12-31-theta.md")
	remove("log/2025-12-31-theta.md")
	check("the oldest entry removed", "whole", "log/2025-12-31-theta.md")
	write("log/gamma.png", string(generate(t, "png 30x30")))
	check("an image replaced", "whole", "log/gamma.png")
	write("static/notes.txt", "plain, edited")
	check("a static file", "whole", "static/notes.txt")
	write("home.md", "Hello again.")
	check("home.md", "whole", "home.md")
	edit("shiplog.toml", `title = "Inc"`, `title = "Inc, renamed"`)
	check("shiplog.toml", "whole", "shiplog.toml")
	write("layouts/style.css", "body { color: red }")
	check("the stylesheet", "narrow", "layouts/style.css")
	write("layouts/style.css", "body { color: blue }")
	check("the stylesheet again", "narrow", "layouts/style.css")
	write("layouts/base.html", "{{define \"base\"}}<!doctype html><title>{{.Title}}</title><body>{{template \"main\" .}}</body>{{end}}")
	check("a template", "whole", "layouts/base.html")

	// A broken entry fails like a full build, and fixing it recovers.
	edit("log/2026-01-03-gamma.md", "date: 2026-01-03", "date: 03/01/2026")
	check("broken front matter", "whole", "log/2026-01-03-gamma.md")
	edit("log/2026-01-03-gamma.md", "date: 03/01/2026", "date: 2026-01-03")
	check("fixed again", "patch", "log/2026-01-03-gamma.md")
	edit("log/2026-01-01-alpha.md", "See [beta]", "See [nothing](missing.md) and [beta]")
	check("a broken link", "patch", "log/2026-01-01-alpha.md")
	edit("log/2026-01-01-alpha.md", "See [nothing](missing.md) and [beta]", "See [beta]")
	check("the link fixed", "patch", "log/2026-01-01-alpha.md")

	// Nothing told: everything is read again.
	write("log/2026-01-06-epsilon.md", "---\nid: urn:uuid:00000000-0000-4000-8000-000000000006\ntitle: Epsilon\ndate: 2026-01-06\nkind: broke\n---\nQuietly changed.\n")
	out, _, err := inc.Build(context.Background(), nil, st.put)
	if err != nil {
		t.Fatal(err)
	}
	last = out.Files
	check("after a build told nothing", "patch", "log/2026-01-06-epsilon.md")
}

// searchHas checks whether a full build's search index holds term.
func searchHas(t *testing.T, src, term string, want bool) {
	t.Helper()
	files, _, err := fullBuild(t, src)
	if err != nil {
		t.Fatal(err)
	}
	var m struct{ Shards []string }
	if err := json.Unmarshal(files["search/index.json"], &m); err != nil {
		t.Fatal(err)
	}
	got := false
	for _, name := range m.Shards {
		var sh struct{ T []string }
		if err := json.Unmarshal(files["search/"+name], &sh); err != nil {
			t.Fatalf("shard %s: %v", name, err)
		}
		got = got || slices.Contains(sh.T, term)
	}
	if got != want {
		t.Errorf("the search index holds %q: %v, want %v", term, got, want)
	}
}
