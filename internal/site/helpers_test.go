package site

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// now is the build time of every test: entries dated after it are in the
// future.
var now = time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)

// writeSite writes a site given as a txtar archive into a new folder and
// returns the folder. A file whose whole content is one line
//
//	!png WxH      a real W×H PNG
//	!jpeg WxH     a real W×H JPEG
//	!pngheader WxH  a PNG that is only a valid header claiming W×H
//
// is generated, since txtar holds text.
func writeSite(t testing.TB, archive string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "site")
	addFiles(t, dir, archive)
	return dir
}

// addFiles writes the files of a txtar archive into dir.
func addFiles(t testing.TB, dir, archive string) {
	t.Helper()
	for _, f := range parseTxtar(archive) {
		data := f.data
		if spec := strings.TrimSpace(string(data)); genRe.MatchString(spec) {
			data = generate(t, spec[1:])
		}
		p := filepath.Join(dir, filepath.FromSlash(f.name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

var genRe = regexp.MustCompile(`^!(png|jpeg|pngheader) \d+x\d+$`)

type txtarFile struct {
	name string
	data []byte
}

// parseTxtar splits an archive at lines "-- NAME --"; text before the
// first is a comment and ignored.
func parseTxtar(s string) []txtarFile {
	var files []txtarFile
	for _, line := range strings.SplitAfter(s, "\n") {
		trimmed := strings.TrimRight(line, "\n")
		if strings.HasPrefix(trimmed, "-- ") && strings.HasSuffix(trimmed, " --") && len(trimmed) > 6 {
			files = append(files, txtarFile{name: strings.TrimSpace(trimmed[3 : len(trimmed)-3])})
			continue
		}
		if len(files) > 0 {
			f := &files[len(files)-1]
			f.data = append(f.data, line...)
		}
	}
	return files
}

func generate(t testing.TB, spec string) []byte {
	t.Helper()
	var kind string
	var w, h int
	if _, err := fmt.Sscanf(spec, "%s %dx%d", &kind, &w, &h); err != nil {
		t.Fatalf("bad generator %q: %v", spec, err)
	}
	var buf bytes.Buffer
	switch kind {
	case "png", "jpeg":
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		for y := range h {
			for x := range w {
				img.Set(x, y, color.RGBA{uint8(x), uint8(y), 128, 255})
			}
		}
		var err error
		if kind == "png" {
			err = png.Encode(&buf, img)
		} else {
			err = jpeg.Encode(&buf, img, nil)
		}
		if err != nil {
			t.Fatal(err)
		}
	case "pngheader":
		buf.Write(pngHeader(uint32(w), uint32(h)))
	default:
		t.Fatalf("bad generator %q", spec)
	}
	return buf.Bytes()
}

// pngHeader builds by hand a PNG that has a valid signature and IHDR
// chunk claiming w×h pixels, and no pixels at all.
func pngHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		crc := crc32.NewIEEE()
		crc.Write([]byte(typ))
		crc.Write(data)
		b.WriteString(typ)
		b.Write(data)
		binary.Write(&b, binary.BigEndian, crc.Sum32())
	}
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 2, 0, 0, 0) // 8-bit RGB, no interlace
	chunk("IHDR", ihdr)
	chunk("IEND", nil)
	return b.Bytes()
}

// build builds src into out (src/public when "") at the fixed time now.
func build(t testing.TB, src, out string, tweak ...func(*Options)) (*Report, error) {
	t.Helper()
	// Without the stamp of the inputs, unless a test asks for it: files
	// older than its race window would make a rebuild do nothing on a
	// slow machine and not on a fast one.
	opts := Options{Src: src, Out: out, Now: now, noStamp: true}
	for _, f := range tweak {
		f(&opts)
	}
	return Build(context.Background(), opts)
}

// mustBuild builds and fails the test on any error.
func mustBuild(t testing.TB, src, out string, tweak ...func(*Options)) *Report {
	t.Helper()
	rep, err := build(t, src, out, tweak...)
	if err != nil {
		var probs string
		if rep != nil {
			for _, p := range rep.Problems {
				probs += "\n\t" + p.String()
			}
		}
		t.Fatalf("Build: %v%s", err, probs)
	}
	return rep
}

// tree maps every path under dir (slash-separated) to a digest of what
// it is: file bytes and mode, folder, or symlink target.
func tree(t testing.TB, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	if _, err := os.Lstat(dir); errors.Is(err, fs.ErrNotExist) {
		return m
	}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			m[rel] = "symlink " + target
		case d.IsDir():
			m[rel] = "dir " + info.Mode().String()
		default:
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			m[rel] = fmt.Sprintf("file %s %x", info.Mode(), sha256.Sum256(data))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// sameTree fails the test unless trees a and b are equal.
func sameTree(t testing.TB, what string, a, b map[string]string) {
	t.Helper()
	var diffs []string
	for k, v := range a {
		if b[k] != v {
			diffs = append(diffs, fmt.Sprintf("%s: %q → %q", k, v, b[k]))
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			diffs = append(diffs, k+": new")
		}
	}
	slices.Sort(diffs)
	if len(diffs) > 0 {
		t.Errorf("%s: trees differ:\n\t%s", what, strings.Join(diffs, "\n\t"))
	}
}

// noStaging fails the test if a staging or old-output folder is left
// beside out.
func noStaging(t testing.TB, out string) {
	t.Helper()
	entries, err := os.ReadDir(filepath.Dir(out))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), ".staging-") {
			t.Errorf("left behind beside the output: %s", e.Name())
		}
	}
}

func read(t testing.TB, out, rel string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func exists(out, rel string) bool {
	_, err := os.Stat(filepath.Join(out, filepath.FromSlash(rel)))
	return err == nil
}

// pages lists the .html files under out, slash-separated, sorted.
func pages(t testing.TB, out string) []string {
	t.Helper()
	var list []string
	for rel, kind := range tree(t, out) {
		if strings.HasPrefix(kind, "file") && strings.HasSuffix(rel, ".html") {
			list = append(list, rel)
		}
	}
	slices.Sort(list)
	return list
}

var (
	idAttr  = regexp.MustCompile(`\sid="([^"]*)"`)
	urlAttr = regexp.MustCompile(`\s(?:href|src)="([^"]*)"`)
)

// checkIDs fails the test when a page gives two elements the same id, or
// links to a fragment that no element of the page has.
func checkIDs(t testing.TB, out string) {
	t.Helper()
	for _, p := range pages(t, out) {
		html := read(t, out, p)
		seen := map[string]bool{}
		for _, m := range idAttr.FindAllStringSubmatch(html, -1) {
			if seen[m[1]] {
				t.Errorf("%s: id %q is used twice", p, m[1])
			}
			seen[m[1]] = true
		}
		for _, m := range urlAttr.FindAllStringSubmatch(html, -1) {
			if frag, ok := strings.CutPrefix(m[1], "#"); ok && frag != "" && !seen[unescapeAttr(frag)] {
				t.Errorf("%s: link to #%s, but no element has that id", p, frag)
			}
		}
	}
}

// checkLinks fails the test when a page links to a file of the site (an
// href or src that is a site path like "/log/", or relative like
// "a.png", resolved from the page) that is not in the output.
func checkLinks(t testing.TB, out string) {
	t.Helper()
	for _, p := range pages(t, out) {
		for _, m := range urlAttr.FindAllStringSubmatch(read(t, out, p), -1) {
			u := unescapeAttr(m[1])
			if pu, err := url.Parse(u); err != nil || pu.Scheme != "" || pu.Host != "" || strings.HasPrefix(u, "#") || u == "" {
				continue
			}
			if !strings.HasPrefix(u, "/") { // relative to the page
				dir := strings.HasSuffix(u, "/")
				u = path.Join("/", path.Dir(p), u)
				if dir {
					u += "/"
				}
			}
			if i := strings.IndexAny(u, "?#"); i >= 0 {
				u = u[:i]
			}
			dec, err := url.PathUnescape(u)
			if err != nil {
				t.Errorf("%s: link %q does not decode: %v", p, m[1], err)
				continue
			}
			rel := strings.TrimPrefix(path.Clean(dec), "/")
			if strings.HasSuffix(dec, "/") {
				rel = path.Join(rel, "index.html")
			}
			if rel == "" {
				rel = "index.html"
			}
			if !exists(out, rel) {
				t.Errorf("%s: link %q leads to nothing (%s is not in the output)", p, m[1], rel)
			}
		}
	}
}

func unescapeAttr(s string) string {
	r := strings.NewReplacer("&amp;", "&", "&#34;", `"`, "&#39;", "'", "&quot;", `"`, "&lt;", "<", "&gt;", ">")
	return r.Replace(s)
}
