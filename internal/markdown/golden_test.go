package markdown

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata from the current output")

// TestGolden renders the in.md of every testdata/*.txtar and compares the
// result exactly with the archive's other files:
//
//	out.html      the body (always compared)
//	problems      one line:col: severity: message per problem (absent: none)
//	lesson.html   Result.LessonHTML (absent: no lesson)
//	lesson.txt    Result.LessonText
//	errors.txt    Result.ErrorBlocks, separated by lines of "----"
//	headings      one "level id text" per heading
//
// The archive's comment says what the case shows; its lines starting with
// "option " set options: "option unsafe", "option prefix: P",
// "option reserved: a b c", "option line: N" (where the body starts in its
// file), "option images" (resolve images with fakeImages) and
// "option links" (resolve relative links with fakeLinks). Run
//
//	go test ./internal/markdown -update
//
// to rewrite the files after an intended change, then read the diff.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no golden files in testdata")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			a, err := parseArchiveFile(file)
			if err != nil {
				t.Fatal(err)
			}
			opts, doc := goldenOptions(t, a.comment)
			var in []byte
			have := map[string][]byte{}
			for _, f := range a.files {
				if f.name == "in.md" {
					in = f.data
					continue
				}
				have[f.name] = f.data
			}
			if in == nil {
				t.Fatal("no in.md")
			}
			doc.Source = in
			res, err := New(opts).Render(doc)
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			want := goldenSections(res)
			if *update {
				out := &archive{comment: a.comment, files: []archiveFile{{name: "in.md", data: in}}}
				for _, name := range goldenNames {
					if data, ok := want[name]; ok {
						out.files = append(out.files, archiveFile{name: name, data: data})
					}
				}
				if err := os.WriteFile(file, formatArchive(out), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			for _, name := range goldenNames {
				got, ok := want[name]
				exp, expOK := have[name]
				switch {
				case ok && !expOK:
					t.Errorf("%s: got a %s section that the golden file lacks:\n%s", file, name, got)
				case !ok && expOK:
					t.Errorf("%s: want %s:\n%s\ngot none", file, name, exp)
				case ok && !bytes.Equal(got, exp):
					t.Errorf("%s: %s differs (run go test -update and read the diff)\n--- got\n%s\n--- want\n%s", file, name, got, exp)
				}
				delete(have, name)
			}
			for name := range have {
				t.Errorf("%s: unknown section %s", file, name)
			}
		})
	}
}

var goldenNames = []string{"out.html", "problems", "lesson.html", "lesson.txt", "errors.txt", "headings"}

func goldenSections(res *Result) map[string][]byte {
	s := map[string][]byte{"out.html": nl([]byte(res.HTML))}
	if len(res.Problems) > 0 {
		var b bytes.Buffer
		for _, p := range res.Problems {
			fmt.Fprintf(&b, "%d:%d: %s: %s\n", p.Line, p.Col, p.Severity, p.Msg)
		}
		s["problems"] = b.Bytes()
	}
	if res.LessonHTML != nil || res.LessonText != "" {
		s["lesson.html"] = nl(res.LessonHTML)
		s["lesson.txt"] = nl([]byte(res.LessonText))
	}
	if len(res.ErrorBlocks) > 0 {
		s["errors.txt"] = nl([]byte(strings.Join(res.ErrorBlocks, "----\n")))
	}
	if len(res.Headings) > 0 {
		var b bytes.Buffer
		for _, h := range res.Headings {
			fmt.Fprintf(&b, "%d %s %s\n", h.Level, h.ID, h.Text)
		}
		s["headings"] = b.Bytes()
	}
	return s
}

// nl ends b with a newline, as txtar stores every file.
func nl(b []byte) []byte {
	if len(b) == 0 || b[len(b)-1] != '\n' {
		return append(bytes.Clone(b), '\n')
	}
	return b
}

func goldenOptions(t *testing.T, comment []byte) (Options, Doc) {
	t.Helper()
	var opts Options
	doc := Doc{Path: "log/entry.md", Line: 1}
	for _, line := range strings.Split(string(comment), "\n") {
		opt, ok := strings.CutPrefix(line, "option ")
		if !ok {
			continue
		}
		key, val, _ := strings.Cut(strings.TrimSpace(opt), ":")
		val = strings.TrimSpace(val)
		switch key {
		case "unsafe":
			opts.Unsafe = true
		case "prefix":
			doc.IDPrefix = val
		case "reserved":
			opts.ReservedIDs = strings.Fields(val)
		case "line":
			if _, err := fmt.Sscan(val, &doc.Line); err != nil {
				t.Fatalf("line: %v", err)
			}
		case "images":
			doc.Image = fakeImages
		case "links":
			doc.Link = fakeLinks
		default:
			t.Fatalf("unknown option %q in the archive comment", line)
		}
	}
	return opts, doc
}

// fakeImages resolves every image to /log/entry/NAME, 640×480, except
// names starting with "missing", which do not exist, and names starting
// with "photo", which get WebP variants at 480 and 640 pixels.
func fakeImages(dest string) (ImageInfo, error) {
	if strings.HasPrefix(dest, "missing") {
		return ImageInfo{}, errors.New("does not exist")
	}
	info := ImageInfo{URL: "/log/entry/" + dest, Width: 640, Height: 480}
	if stem, ok := strings.CutSuffix(dest, ".jpg"); ok && strings.HasPrefix(dest, "photo") {
		info.SrcSet = "/log/entry/" + stem + "-480w.webp 480w, /log/entry/" + stem + "-640w.webp 640w"
		info.Type, info.Sizes = "image/webp", "(min-width: 44rem) 41.5rem, 100vw"
	}
	return info, nil
}

// fakeLinks resolves a relative link to /resolved/DEST, except names
// starting with "missing", which do not exist.
func fakeLinks(dest string) (string, error) {
	if strings.HasPrefix(dest, "missing") {
		return "", errors.New("does not exist")
	}
	return "/resolved/" + dest, nil
}
