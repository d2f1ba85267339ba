package main

import (
	"bytes"
	"errors"
	"fmt"
	"image/jpeg"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// generateTo writes a corpus for o into fresh temporary directories and
// returns o with out (and hugo, when withHugo) filled in.
func generateTo(t *testing.T, o options, withHugo bool) options {
	t.Helper()
	o.out = filepath.Join(t.TempDir(), "site")
	if withHugo {
		o.hugo = filepath.Join(t.TempDir(), "hugo")
	}
	if err := generate(o); err != nil {
		t.Fatalf("generate(%+v): %v", o, err)
	}
	return o
}

// readTree returns every file under dir by slash-separated relative path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// entryFiles returns the Markdown entries of a tree, by path.
func entryFiles(tree map[string][]byte, prefix string) map[string][]byte {
	out := map[string][]byte{}
	for p, data := range tree {
		if strings.HasPrefix(p, prefix) && strings.HasSuffix(p, ".md") {
			out[strings.TrimPrefix(p, prefix)] = data
		}
	}
	return out
}

func TestSameSeedSameBytes(t *testing.T) {
	o := options{n: 40, seed: 7, photos: 2}
	a := generateTo(t, o, true)
	b := generateTo(t, o, true)
	for _, dirs := range [][2]string{{a.out, b.out}, {a.hugo, b.hugo}} {
		ta, tb := readTree(t, dirs[0]), readTree(t, dirs[1])
		if len(ta) != len(tb) {
			t.Fatalf("%s has %d files, %s has %d", dirs[0], len(ta), dirs[1], len(tb))
		}
		for p, data := range ta {
			if !bytes.Equal(data, tb[p]) {
				t.Errorf("%s differs between two runs with the same seed", p)
			}
		}
	}

	other := map[string]bool{}
	for _, data := range entryFiles(readTree(t, generateTo(t, options{n: 40, seed: 8}, false).out), "") {
		other[string(data)] = true
	}
	same := 0
	for _, data := range entryFiles(readTree(t, a.out), "") {
		if other[string(data)] {
			same++
		}
	}
	if same > 0 {
		t.Errorf("seeds 7 and 8 share %d identical entries, want none", same)
	}
}

func TestSmallCorpusIsPrefixOfLarge(t *testing.T) {
	small := generateTo(t, options{n: 100, seed: 1}, true)
	large := generateTo(t, options{n: 1000, seed: 1}, true)
	for _, site := range []struct{ name, small, large, entries string }{
		{"shiplog", small.out, large.out, "log/"},
		{"hugo", small.hugo, large.hugo, "content/log/"},
	} {
		st, lt := readTree(t, site.small), readTree(t, site.large)
		if got := len(entryFiles(st, site.entries)); got != 100 {
			t.Fatalf("small %s corpus has %d entries, want 100", site.name, got)
		}
		if got := len(entryFiles(lt, site.entries)); got != 1000 {
			t.Fatalf("large %s corpus has %d entries, want 1000", site.name, got)
		}
		for p, data := range st {
			if !bytes.Equal(data, lt[p]) {
				t.Errorf("%s %s of the 100-entry corpus is not in the 1000-entry corpus byte for byte", site.name, p)
			}
		}
	}
}

// frontMatter is a parsed entry header: scalars are strings, inline and block
// lists are []string, and the nested hero block is a map[string]string.
type frontMatter struct {
	keys   []string
	fields map[string]any
}

func (fm frontMatter) str(key string) string    { s, _ := fm.fields[key].(string); return s }
func (fm frontMatter) list(key string) []string { l, _ := fm.fields[key].([]string); return l }

// parseEntry splits data into front matter and body. It understands exactly
// the YAML subset the generator promises: `key: scalar`, `key: "quoted"`,
// `key: [a, b]`, and a key followed by an indented block list or map.
func parseEntry(data []byte) (frontMatter, string, error) {
	text := string(data)
	if !strings.HasPrefix(text, "---\n") {
		return frontMatter{}, "", errors.New("no opening ---")
	}
	header, body, ok := strings.Cut(text[4:], "\n---\n\n")
	if !ok {
		return frontMatter{}, "", errors.New("no closing --- followed by a blank line")
	}
	fm := frontMatter{fields: map[string]any{}}
	var block string // key of the block being read
	for i, line := range strings.Split(header, "\n") {
		fail := func(msg string) error { return fmt.Errorf("line %d: %s: %q", i+2, msg, line) }
		if rest, ok := strings.CutPrefix(line, "  "); ok {
			if block == "" {
				return fm, "", fail("indented line outside a block")
			}
			if item, ok := strings.CutPrefix(rest, "- "); ok {
				v, err := scalar(item)
				if err != nil {
					return fm, "", fail(err.Error())
				}
				l, _ := fm.fields[block].([]string)
				fm.fields[block] = append(l, v)
				continue
			}
			k, v, ok := strings.Cut(rest, ": ")
			if !ok {
				return fm, "", fail("want `key: value` in block")
			}
			s, err := scalar(v)
			if err != nil {
				return fm, "", fail(err.Error())
			}
			m, _ := fm.fields[block].(map[string]string)
			if m == nil {
				m = map[string]string{}
			}
			m[k] = s
			fm.fields[block] = m
			continue
		}
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			return fm, "", fail("want `key: value`")
		}
		if slices.Contains(fm.keys, key) {
			return fm, "", fail("duplicate key")
		}
		fm.keys = append(fm.keys, key)
		block = ""
		switch value = strings.TrimPrefix(value, " "); {
		case value == "":
			block = key
		case strings.HasPrefix(value, "[") && strings.HasSuffix(value, "]"):
			fm.fields[key] = strings.Split(value[1:len(value)-1], ", ")
		default:
			s, err := scalar(value)
			if err != nil {
				return fm, "", fail(err.Error())
			}
			fm.fields[key] = s
		}
	}
	return fm, body, nil
}

// scalar decodes a plain or double-quoted YAML scalar.
func scalar(v string) (string, error) {
	if strings.HasPrefix(v, `"`) {
		return strconv.Unquote(v)
	}
	if v == "" || strings.ContainsAny(v[:1], "[]{}\"'#&*!|>%@`") ||
		strings.Contains(v, ": ") || strings.Contains(v, " #") || strings.HasSuffix(v, ":") {
		return "", fmt.Errorf("plain scalar %q needs quoting", v)
	}
	return v, nil
}

var (
	uuidRE     = regexp.MustCompile(`^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	fileNameRE = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})-[a-z0-9]+(?:-[a-z0-9]+)*-(\d+)\.md$`)
	codeFence  = regexp.MustCompile("(?m)^```(go|js|yaml|sh|dockerfile)$")
	errorFence = regexp.MustCompile("(?m)^```(error|log)\n((?:.*\n)*?)```$")
)

func TestFrontMatter(t *testing.T) {
	o := generateTo(t, options{n: 1000, seed: 1}, false)
	entries := entryFiles(readTree(t, o.out), "log/")
	wantKeys := []string{"id", "title", "date", "kind", "project", "tags", "summary"}
	ids := map[string]string{}
	dateOf := map[int]string{}
	kindCount := map[string]int{}
	validKinds := map[string]bool{}
	for _, k := range kinds {
		validKinds[k.name] = true
	}
	for p, data := range entries {
		fm, _, err := parseEntry(data)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		kind := fm.str("kind")
		kindCount[kind]++
		want := wantKeys
		if kind == "broke" {
			want = append(slices.Clone(wantKeys), "errors")
		}
		if !slices.Equal(fm.keys, want) {
			t.Errorf("%s: keys %v, want %v", p, fm.keys, want)
		}
		if id := fm.str("id"); !uuidRE.MatchString(id) {
			t.Errorf("%s: id %q is not a urn:uuid", p, id)
		} else if other, dup := ids[id]; dup {
			t.Errorf("%s and %s share id %s", p, other, id)
		} else {
			ids[id] = p
		}
		if fm.str("title") == "" || fm.str("summary") == "" {
			t.Errorf("%s: empty title or summary", p)
		}
		date, err := time.Parse(time.DateOnly, fm.str("date"))
		if err != nil || date.Before(firstDay) || !date.Before(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("%s: date %q not a YYYY-MM-DD in 2024-2025", p, fm.str("date"))
		}
		if !validKinds[kind] {
			t.Errorf("%s: kind %q, want one of %v", p, kind, slices.Sorted(maps.Keys(validKinds)))
		}
		dir, file := path.Split(p)
		if proj := fm.str("project"); dir != proj+"/" {
			t.Errorf("%s: project %q does not match its directory", p, proj)
		}
		m := fileNameRE.FindStringSubmatch(file)
		if m == nil || m[1] != fm.str("date") {
			t.Errorf("%s: file name is not <date>-<slug>-<i>.md for date %s", p, fm.str("date"))
		} else {
			i, _ := strconv.Atoi(m[2])
			dateOf[i] = m[1]
		}
		tg := fm.list("tags")
		if len(tg) < 2 || len(tg) > 5 || len(slices.Compact(slices.Sorted(slices.Values(tg)))) != len(tg) {
			t.Errorf("%s: tags %v, want 2-5 distinct", p, tg)
		}
		for _, tag := range tg {
			if !slices.Contains(tags, tag) {
				t.Errorf("%s: unknown tag %q", p, tag)
			}
		}
		if errs := fm.list("errors"); kind == "broke" && (len(errs) < 1 || len(errs) > 2) {
			t.Errorf("%s: %d errors, want 1-2", p, len(errs))
		}
	}
	if len(dateOf) != 1000 {
		t.Fatalf("entry indexes: got %d distinct, want 1000", len(dateOf))
	}
	seen := map[string]int{}
	for i := range spanDays {
		if j, dup := seen[dateOf[i]]; dup {
			t.Errorf("entries %d and %d share date %s; the first %d dates should be distinct", j, i, dateOf[i], spanDays)
		}
		seen[dateOf[i]] = i
	}
	for kind, n := range kindCount {
		if kind != "broke" && n >= kindCount["broke"] {
			t.Errorf("kind counts %v: broke should be the most common", kindCount)
		}
	}
}

func TestBody(t *testing.T) {
	o := generateTo(t, options{n: 1000, seed: 3}, false)
	trees, seenLessons := 0, map[string]int{}
	for p, data := range entryFiles(readTree(t, o.out), "log/") {
		fm, body, err := parseEntry(data)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if n := countWords(body); n < minWords || n > maxWords {
			t.Errorf("%s: %d words, want %d-%d", p, n, minWords, maxWords)
		}
		if n := strings.Count(body, "\n## "); n < 2 {
			t.Errorf("%s: %d ## headings after the first, want at least 2", p, n)
		}
		if n := len(codeFence.FindAllString(body, -1)); n < 1 || n > 3 {
			t.Errorf("%s: %d code blocks, want 1-3", p, n)
		}
		blocks := errorFence.FindAllStringSubmatch(body, -1)
		if len(blocks) != 1 {
			t.Errorf("%s: %d error/log blocks, want 1", p, len(blocks))
		} else {
			for _, msg := range fm.list("errors") {
				if !strings.Contains(blocks[0][2], msg) {
					t.Errorf("%s: error %q is not in the ```%s block", p, msg, blocks[0][1])
				}
			}
		}
		for _, want := range []string{"https://example.com/", "\n- ", "`"} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: body has no %q", p, want)
			}
		}
		lines := strings.Split(strings.TrimSpace(body), "\n")
		last, ok := strings.CutPrefix(lines[len(lines)-1], "What this reinforced: ")
		if !ok {
			t.Errorf("%s: last paragraph %q does not start with the lesson prefix", p, lines[len(lines)-1])
		}
		seenLessons[last]++
		if strings.Contains(body, "├── ") {
			trees++
		}
	}
	if trees < 80 || trees > 180 {
		t.Errorf("%d of 1000 entries have a tree, want about 125", trees)
	}
	if n := len(seenLessons); n > len(lessons) || n < 50 {
		t.Errorf("%d distinct lessons in 1000 entries, want most of the %d, repeating", n, len(lessons))
	}
}

func TestEveryTemplateExpands(t *testing.T) {
	c := &composer{r: newRNG(1), svc: "svc", project: "proj", decks: map[string][]string{}}
	var all []string
	for _, list := range sentences {
		all = append(all, list...)
	}
	for _, m := range []map[string][]string{titles, summaries} {
		for _, list := range m {
			all = append(all, list...)
		}
	}
	all = append(all, errorTemplates...)
	all = append(all, logMessages...)
	all = append(all, heroAlts...)
	all = append(all, heroCaptions...)
	all = append(all, linkSentences...)
	for _, ct := range codeTemplates {
		all = append(all, ct.code)
		if len(codeLeads[ct.lang]) == 0 {
			t.Errorf("no lead-in for %s code blocks", ct.lang)
		}
		if n := strings.Count(ct.code, "\n") + 1; n < 5 || n > 25 {
			t.Errorf("a %s code template has %d lines, want 5-25", ct.lang, n)
		}
	}
	for _, tmpl := range all {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("expand(%q): %v", tmpl, r)
				}
			}()
			c.expand(tmpl)
		}()
	}
}

func TestPhotos(t *testing.T) {
	if testing.Short() {
		t.Skip("photos take a second each")
	}
	with := generateTo(t, options{n: 3, seed: 1, photos: 2}, true)
	without := generateTo(t, options{n: 3, seed: 1}, false)
	tree, plain := readTree(t, with.out), readTree(t, without.out)
	hugoTree := readTree(t, with.hugo)
	for p, data := range entryFiles(tree, "log/") {
		fm, body, err := parseEntry(data)
		if err != nil {
			t.Fatal(err)
		}
		_, plainBody, _ := parseEntry(plain["log/"+p])
		if body != plainBody {
			t.Errorf("%s: the body changes when the entry gets a photo", p)
		}
		hero, _ := fm.fields["hero"].(map[string]string)
		i, _ := strconv.Atoi(fileNameRE.FindStringSubmatch(path.Base(p))[2])
		if i >= 2 {
			if hero != nil {
				t.Errorf("%s: entry %d has a hero, want only the first 2", p, i)
			}
			continue
		}
		if hero["alt"] == "" || hero["caption"] == "" {
			t.Errorf("%s: hero %v lacks alt or caption", p, hero)
		}
		src := path.Join("log", path.Dir(p), hero["src"])
		photo, ok := tree[src]
		if !ok {
			t.Fatalf("%s: hero src %q does not resolve to a file (%s)", p, hero["src"], src)
		}
		if !bytes.Equal(photo, hugoTree["static/"+src]) {
			t.Errorf("%s: Hugo's static/%s differs from the shiplog photo", p, src)
		}
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(photo))
		if err != nil || cfg.Width != photoW || cfg.Height != photoH {
			t.Errorf("%s: %+v, %v; want a %d×%d JPEG", src, cfg, err, photoW, photoH)
		}
		if len(photo) < 300<<10 {
			t.Errorf("%s: %d bytes; a photo-like image should not compress below 300 KiB", src, len(photo))
		}
	}
}

func TestHugoSiteHasSameEntries(t *testing.T) {
	o := generateTo(t, options{n: 200, seed: 5}, true)
	shiplog := entryFiles(readTree(t, o.out), "")
	hugo := entryFiles(readTree(t, o.hugo), "content/")
	if !slices.Equal(slices.Sorted(maps.Keys(shiplog)), slices.Sorted(maps.Keys(hugo))) {
		t.Fatalf("Hugo content paths differ from the shiplog entry paths")
	}
	for p := range shiplog {
		a, bodyA, errA := parseEntry(shiplog[p])
		b, bodyB, errB := parseEntry(hugo[p])
		if err := errors.Join(errA, errB); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if bodyA != bodyB {
			t.Errorf("%s: bodies differ", p)
		}
		for _, k := range []string{"title", "date", "summary"} {
			if a.str(k) != b.str(k) {
				t.Errorf("%s: %s %q in shiplog, %q in Hugo", p, k, a.str(k), b.str(k))
			}
		}
		if !slices.Equal(a.list("tags"), b.list("tags")) {
			t.Errorf("%s: tags %v in shiplog, %v in Hugo", p, a.list("tags"), b.list("tags"))
		}
		if got := b.list("projects"); !slices.Equal(got, []string{a.str("project")}) {
			t.Errorf("%s: Hugo projects %v, want [%s]", p, got, a.str("project"))
		}
	}
}

// TestHugoBuilds runs Hugo, when installed, on a 100-entry twin and expects
// no errors or warnings and the pages the comparison relies on.
func TestHugoBuilds(t *testing.T) {
	hugo, err := exec.LookPath("hugo")
	if err != nil || testing.Short() {
		t.Skip("needs hugo on PATH and no -short")
	}
	o := generateTo(t, options{n: 100, seed: 1, photos: 1}, true)
	dst := t.TempDir()
	out, err := exec.Command(hugo, "--source", o.hugo, "--destination", dst).CombinedOutput()
	if err != nil {
		t.Fatalf("hugo: %v\n%s", err, out)
	}
	if bytes.Contains(out, []byte("WARN")) || bytes.Contains(out, []byte("ERROR")) {
		t.Errorf("hugo printed warnings or errors:\n%s", out)
	}
	pages := []struct {
		path     string
		articles int
	}{
		{"log/index.html", 10},
		{"log/page/10/index.html", 10},
		{"tags/go/index.html", 10},
	}
	for _, pg := range pages {
		data, err := os.ReadFile(filepath.Join(dst, pg.path))
		if err != nil {
			t.Errorf("hugo did not write %s: %v", pg.path, err)
			continue
		}
		if n := bytes.Count(data, []byte("<article")); n != pg.articles {
			t.Errorf("%s has %d full entries, want %d", pg.path, n, pg.articles)
		}
	}
	for _, p := range []string{"index.xml", "tags/index.html", "projects/index.html", "log/photos/photo-00000.jpg"} {
		if _, err := os.Stat(filepath.Join(dst, p)); err != nil {
			t.Errorf("hugo did not write %s: %v", p, err)
		}
	}
}

func TestRunRejects(t *testing.T) {
	full := t.TempDir()
	if err := os.WriteFile(filepath.Join(full, "keep.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args  []string
		usage bool // a usage error (exit 2) rather than a run error (exit 1)
	}{
		{[]string{"-n", "3"}, true},
		{[]string{"-n", "3", "-out", t.TempDir(), "-photos", "4"}, true},
		{[]string{"-n", "-1", "-out", t.TempDir()}, true},
		{[]string{"-out", t.TempDir(), "extra"}, true},
		{[]string{"-n", "3", "-out", full}, false},
	}
	for _, tt := range tests {
		err := run(tt.args, io.Discard, io.Discard)
		var usage usageError
		if err == nil || errors.As(err, &usage) != tt.usage {
			t.Errorf("run(%q) = %v, want a usage error: %v", tt.args, err, tt.usage)
		}
	}
	if files := readTree(t, full); len(files) != 1 {
		t.Errorf("run into a non-empty directory changed it: %d files", len(files))
	}
}
