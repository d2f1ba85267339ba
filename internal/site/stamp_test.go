package site

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// stamped turns the stamp of the inputs on, trusting files of any age
// (a test's files are all fresh).
func stamped(o *Options) { o.noStamp, o.stampRace = false, -1 }

func withStats(o *Options) { o.Stats = true }

// rebuild builds with the stamp on and checks that, up to date or not,
// the output is what a cold build writes.
func rebuild(t *testing.T, what, src, out string, tweak ...func(*Options)) *Report {
	t.Helper()
	rep := mustBuild(t, src, out, append([]func(*Options){stamped, withStats}, tweak...)...)
	sameTree(t, what, cold(t, src, tweak...), tree(t, out))
	noStaging(t, out)
	return rep
}

// A build whose inputs did not change since the build that made the
// output does nothing and says what that build said; any change to an
// input, to the options or to the output makes it build again.
func TestUpToDate(t *testing.T) {
	src := writeSite(t, linkSite)
	out := filepath.Join(t.TempDir(), "public")
	first := rebuild(t, "first build", src, out)
	if first.UpToDate {
		t.Fatal("a first build was up to date")
	}
	if first.Warnings() == 0 || first.Drafts == 0 || first.Future == 0 {
		t.Fatalf("the log should have warnings, a draft and a future entry: %+v", first)
	}

	before := stats(t, out)
	again := rebuild(t, "no change", src, out)
	if !again.UpToDate || !again.Stats.UpToDate {
		t.Fatal("a build with no change was not up to date")
	}
	if again.Entries != first.Entries || again.Pages != first.Pages || again.Files != first.Files ||
		again.Drafts != first.Drafts || again.Future != first.Future ||
		!slices.Equal(problemStrings(again), problemStrings(first)) {
		t.Errorf("an up-to-date build reports\n%+v\n%v\nthe build that made the output reported\n%+v\n%v",
			again, problemStrings(again), first, problemStrings(first))
	}
	if again.Stats.Written != 0 || again.Stats.Unchanged != first.Files {
		t.Errorf("stats of an up-to-date build: %d written, %d unchanged; want 0 and %d", again.Stats.Written, again.Stats.Unchanged, first.Files)
	}
	for p, a := range stats(t, out) {
		if b := before[p]; b == nil || !os.SameFile(a, b) || !a.ModTime().Equal(b.ModTime()) {
			t.Errorf("an up-to-date build touched %s", p)
		}
	}

	// Version control folders and the caches are not inputs.
	addFiles(t, src, "-- .git/HEAD --\nref: refs/heads/main\n-- .shiplog/cache/other/x --\nx\n")
	if rep := rebuild(t, "git and cache written", src, out); !rep.UpToDate {
		t.Error("a change in .git/ or .shiplog/cache/ made the build run")
	}

	entry := filepath.Join(src, "log", "2026-03-09-links.md")
	earlier := time.Date(2020, 1, 2, 3, 4, 5, 6, time.UTC) // in the past: a file dated in the future is never trusted
	changes := []struct {
		name   string
		change func(t *testing.T)
		tweak  []func(*Options) // of the build after the change
	}{
		{"entry edited", func(t *testing.T) { appendTo(t, entry, "\nOne more line.\n") }, nil},
		{"entry touched", func(t *testing.T) { os.Chtimes(entry, earlier, earlier) }, nil},
		{"entry added", func(t *testing.T) {
			addFiles(t, src, "-- log/2026-03-11-new.md --\n---\nid: new\ntitle: New\ndate: 2026-03-11\n---\nFresh.\n")
		}, nil},
		{"entry removed", func(t *testing.T) { os.Remove(filepath.Join(src, "log", "2026-03-11-new.md")) }, nil},
		{"image replaced", func(t *testing.T) { addFiles(t, src, "-- log/flame.png --\n!png 24x12\n") }, nil},
		{"setting changed", func(t *testing.T) { appendTo(t, filepath.Join(src, "shiplog.toml"), "\n# a comment\n") }, nil},
		{"layout added", func(t *testing.T) { addFiles(t, src, "-- layouts/style.css --\nbody { color: black }\n") }, nil},
		{"home added", func(t *testing.T) { addFiles(t, src, "-- home.md --\nI write down what **broke**.\n") }, nil},
		{"static added", func(t *testing.T) { addFiles(t, src, "-- static/deep/file.txt --\nhello\n") }, nil},
		{"folder added", func(t *testing.T) { os.MkdirAll(filepath.Join(src, "static", "empty"), 0o755) }, nil},
		{"ticker cache written", func(t *testing.T) { addFiles(t, src, "-- .shiplog/ticker.json --\n{not json\n") }, nil},
		{"output file removed", func(t *testing.T) { os.Remove(filepath.Join(out, "log", "lambda-elf", "index.html")) }, nil},
		{"output file truncated", func(t *testing.T) { os.WriteFile(filepath.Join(out, "index.html"), []byte("mine"), 0o644) }, nil},
		{"drafts wanted", func(t *testing.T) {}, []func(*Options){func(o *Options) { o.Drafts = true }}},
		{"drafts left out again", func(t *testing.T) {}, nil},
		{"future wanted", func(t *testing.T) {}, []func(*Options){func(o *Options) { o.Now = time.Time{} }}},
		{"future entry due", func(t *testing.T) {}, []func(*Options){func(o *Options) { o.Now = time.Date(2026, 4, 2, 0, 0, 0, 0, time.UTC) }}},
	}
	for _, c := range changes {
		c.change(t)
		rep := rebuild(t, c.name, src, out, c.tweak...)
		if rep.UpToDate {
			t.Errorf("%s: the build was up to date", c.name)
		}
		if rep := rebuild(t, c.name+", then nothing", src, out, c.tweak...); !rep.UpToDate {
			t.Errorf("%s, then nothing: the build was not up to date", c.name)
		}
	}

	// The stamp holds from the newest entry shown until the first future
	// entry is due: with the clock turned back, the build runs again.
	if rep := rebuild(t, "clock turned back", src, out); rep.UpToDate || rep.Future == 0 {
		t.Errorf("a build at a time before an entry it showed was up to date (%v) or showed it (%d future)", rep.UpToDate, rep.Future)
	}
	if rep := rebuild(t, "future entry not due", src, out, func(o *Options) { o.Now = now.Add(time.Hour) }); !rep.UpToDate {
		t.Error("the stamp expired before the future entry was due")
	}
	if rep := rebuild(t, "future entry due", src, out, func(o *Options) { o.Now = time.Date(2026, 4, 2, 0, 0, 0, 0, time.UTC) }); rep.UpToDate || rep.Future != 0 {
		t.Errorf("the future entry came due and the build was up to date (%v) or left it out (%d)", rep.UpToDate, rep.Future)
	}
}

// The output folder may live inside the log (the default, DIR/public):
// it is not an input, nor are the staging folders beside it.
func TestUpToDateOutInside(t *testing.T) {
	src := writeSite(t, linkSite)
	out := filepath.Join(src, "public")
	rebuild(t, "first build", src, out)
	if rep := rebuild(t, "no change", src, out); !rep.UpToDate {
		t.Error("a build into DIR/public was not up to date with no change")
	}
}

// Inputs the stamp cannot trust to show every change make every build
// run: a symbolic link (its target may change), and files modified
// within the race window of the stamp.
func TestUpToDateUntrusted(t *testing.T) {
	t.Run("link", func(t *testing.T) {
		src := writeSite(t, linkSite)
		if err := os.Symlink("../log/flame.png", filepath.Join(src, "static", "flame.png")); err != nil {
			t.Skip("no symbolic links here:", err)
		}
		out := filepath.Join(t.TempDir(), "public")
		rebuild(t, "first build", src, out)
		if rep := rebuild(t, "no change", src, out); rep.UpToDate {
			t.Error("a log with a symbolic link was up to date")
		}
	})
	t.Run("fresh files", func(t *testing.T) {
		src := writeSite(t, linkSite)
		out := filepath.Join(t.TempDir(), "public")
		window := func(o *Options) { o.stampRace = time.Hour } // every file is fresh
		rebuild(t, "first build", src, out, window)
		if rep := rebuild(t, "no change", src, out, window); rep.UpToDate {
			t.Error("a log with files modified within the race window was up to date")
		}
	})
}

func appendTo(t *testing.T, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
}
