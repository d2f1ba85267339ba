package site

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	xwebp "golang.org/x/image/webp"

	"github.com/shiplog/shiplog/internal/imaging/imagingtest"
)

// writeFile writes data at rel under dir, making folders.
func writeFile(t testing.TB, dir, rel string, data []byte) {
	t.Helper()
	full := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(full, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// noLocation fails the test if any file under out holds a trace of the
// test photos' location.
func noLocation(t testing.TB, out string) {
	t.Helper()
	for rel, kind := range tree(t, out) {
		if !strings.HasPrefix(kind, "file") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		if l := imagingtest.Leaks(data); l != "" {
			t.Errorf("%s holds %q", rel, l)
		}
	}
}

// The contract's sample: a photo with GPS in its EXIF leaves no location
// in any published byte, wherever it is published from, and the page
// gives its size as shown (turned by its orientation).
func TestBuildPublishesNoLocation(t *testing.T) {
	src := writeSite(t, `
-- shiplog.toml --
title = "Photos"
-- log/trip.md --
---
id: trip
title: Trip
date: 2026-03-01
hero:
  src: hero.jpg
  alt: The view
---
![The view west](photo.jpg) and ![From static](/also.jpg) and ![A map](map.png)

![Wide](wide.jpg) ![A long map](long.png) [the original](wide.jpg)
`)
	for _, p := range []string{"log/hero.jpg", "log/photo.jpg", "static/also.jpg"} {
		writeFile(t, src, p, imagingtest.PhotoWithGPS(30, 20, 6))
	}
	writeFile(t, src, "log/map.png", imagingtest.PNGWithGPS(30, 20, 1))
	// Wider than the widest variant: variants, a resized fallback, and
	// the original published through the link.
	writeFile(t, src, "log/wide.jpg", imagingtest.PhotoWithGPS(2000, 1200, 1))
	writeFile(t, src, "log/long.png", imagingtest.PNGWithGPS(1700, 60, 3))
	out := filepath.Join(t.TempDir(), "public")
	mustBuild(t, src, out)
	noLocation(t, out)
	page := read(t, out, "log/trip/index.html")
	for _, want := range []string{
		`src="/log/trip/photo.jpg" alt="The view west" width="20" height="30"`,
		`src="/log/trip/hero.jpg" alt="The view" width="20" height="30"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s (a photo turned by its EXIF orientation is 20 wide)", want)
		}
	}
	if !exists(out, "also.jpg") || !exists(out, "log/trip/photo.jpg") || !exists(out, "log/trip/hero.jpg") || !exists(out, "log/trip/wide.jpg") {
		t.Error("a photo is missing from the output")
	}
	n := 0
	for rel := range tree(t, out) {
		if strings.HasSuffix(rel, ".webp") || regexp.MustCompile(`-\d+w\.[0-9a-f]{8}\.(jpg|png)$`).MatchString(rel) {
			n++
		}
	}
	if n < 8 {
		t.Errorf("%d variants and fallbacks published; the test would prove little", n)
	}
}

// avifWithEXIF is the box structure of an AVIF whose meta lists an Exif
// item (no pixels: only the boxes the check reads).
func avifWithEXIF() []byte {
	box := func(name string, body []byte) []byte {
		b := binary.BigEndian.AppendUint32(nil, uint32(8+len(body)))
		return append(append(b, name...), body...)
	}
	infe := box("infe", append([]byte{2, 0, 0, 0, 0, 1, 0, 0}, "Exif\x00"...))
	iinf := box("iinf", append([]byte{0, 0, 0, 0, 0, 1}, infe...))
	meta := box("meta", append([]byte{0, 0, 0, 0}, iinf...))
	return append(box("ftyp", []byte("avif\x00\x00\x00\x00avifmif1")), meta...)
}

func TestBuildRefusesAVIFWithEXIF(t *testing.T) {
	src := writeSite(t, goodSite+`
-- log/p.md --
---
id: p
title: P
date: 2026-03-02
---
![photo](photo.avif)
`)
	writeFile(t, src, "log/photo.avif", avifWithEXIF())
	out := filepath.Join(t.TempDir(), "public")
	rep, err := build(t, src, out)
	assertFailedCleanly(t, rep, err, map[string]string{}, out, `^log/p\.md:6:1: error: image "photo\.avif": .*EXIF`)
}

// hashRe matches the content hash in a variant's name.
var hashRe = regexp.MustCompile(`\.[0-9a-f]{8}\.(webp|jpg|png)`)

const pictureSite = `
-- shiplog.toml --
title = "Pictures"
base_url = "https://log.example.dev/"
-- log/p.md --
---
id: p
title: Pictures of the rack
date: 2026-03-01
kind: built
project: homelab
hero:
  src: big.jpg
  alt: The rack
  caption: After the move
---
![A small diagram](small.png)

![Drawn by hand](d.svg "The plan")

![It moves](a.gif)

What this reinforced: label every cable.
-- log/small.png --
!png 300x200
-- log/d.svg --
<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360"><rect width="10" height="10"/></svg>
`

func writePictureSite(t *testing.T) string {
	t.Helper()
	src := writeSite(t, pictureSite)
	writeFile(t, src, "log/big.jpg", imagingtest.JPEG(1800, 1200))
	writeFile(t, src, "log/a.gif", animatedGIF(t))
	return src
}

func animatedGIF(t testing.TB) []byte {
	t.Helper()
	g := &gif.GIF{}
	for i := range 2 {
		m := image.NewPaletted(image.Rect(0, 0, 40, 30), palette.Plan9)
		m.Set(i, i, color.White)
		g.Image = append(g.Image, m)
		g.Delay = append(g.Delay, 10)
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, g); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// The markup of every kind of picture, hashes aside: a photo wider than
// the widest variant (a resized JPEG fallback), a small PNG (one variant
// at its own width, never upscaled, the PNG itself as fallback), an SVG
// and an animated GIF shown as they are. The first hero of a page loads
// at once, the one in the stream's later entries lazily.
func TestPictureMarkup(t *testing.T) {
	src := writePictureSite(t)
	out := filepath.Join(t.TempDir(), "public")
	mustBuild(t, src, out)
	page := hashRe.ReplaceAllString(read(t, out, "log/p/index.html"), ".HASH.$1")
	for _, want := range []string{
		`<figure class="hero">
  <picture><source type="image/webp" srcset="/log/p/big-480w.HASH.webp 480w, /log/p/big-960w.HASH.webp 960w, /log/p/big-1600w.HASH.webp 1600w" sizes="(min-width: 44rem) 41.5rem, (min-width: 36rem) calc(100vw - 2.5rem), calc(100vw - 2rem)"><img src="/log/p/big-1600w.HASH.jpg" alt="The rack" width="1600" height="1067" fetchpriority="high"></picture><figcaption>After the move</figcaption>
</figure>`,
		`<p><picture><source type="image/webp" srcset="/log/p/small-300w.HASH.webp 300w" sizes="(min-width: 44rem) 41.5rem, (min-width: 36rem) calc(100vw - 2.5rem), calc(100vw - 2rem)"><img src="/log/p/small.png" alt="A small diagram" width="300" height="200" loading="lazy" decoding="async"></picture></p>`,
		`<figure><img src="/log/p/d.svg" alt="Drawn by hand" width="640" height="360" loading="lazy" decoding="async"><figcaption>The plan</figcaption></figure>`,
		`<p><img src="/log/p/a.gif" alt="It moves" width="40" height="30" loading="lazy" decoding="async"></p>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("entry page lacks\n%s\n\npage:\n%s", want, page)
		}
	}
	// Every file the markup names is there, at the size it says.
	raw := read(t, out, "log/p/index.html")
	for _, m := range regexp.MustCompile(`/log/p/([^" ]+?-(\d+)w\.[0-9a-f]{8}\.(?:webp|jpg)) `).FindAllStringSubmatch(strings.ReplaceAll(raw, `"`, ` `), -1) {
		data, err := os.ReadFile(filepath.Join(out, "log", "p", m[1]))
		if err != nil {
			t.Errorf("%s is named in the page but not published", m[1])
			continue
		}
		cfg, err := decodeConfig(data)
		if err != nil || fmt.Sprint(cfg.Width) != m[2] {
			t.Errorf("%s is %d px wide (%v), want %s", m[1], cfg.Width, err, m[2])
		}
	}
	// The original of a resized photo is not published; the GIF and the
	// SVG are, byte for byte.
	if exists(out, "log/p/big.jpg") {
		t.Error("the 1800 px original was published beside its 1600 px fallback")
	}
	for _, f := range []string{"a.gif", "d.svg"} {
		a, _ := os.ReadFile(filepath.Join(src, "log", f))
		if b, _ := os.ReadFile(filepath.Join(out, "log", "p", f)); !bytes.Equal(a, b) {
			t.Errorf("%s was not published as it is", f)
		}
	}
	// In the stream the hero is the first on the page: eager too.
	if stream := read(t, out, "log/index.html"); !strings.Contains(stream, `width="1600" height="1067" fetchpriority="high">`) {
		t.Error("the stream's first hero is not eager")
	}
	checkLinks(t, out)
}

func decodeConfig(data []byte) (image.Config, error) {
	if bytes.HasPrefix(data, []byte("RIFF")) {
		return xwebp.DecodeConfig(bytes.NewReader(data))
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	return cfg, err
}

// A rebuild with unchanged images does no image work: every variant and
// card comes from the cache, and the output is the same. A damaged cache
// entry is noticed and made again; a changed image gets new variants.
func TestImageCache(t *testing.T) {
	src := writePictureSite(t)
	out := filepath.Join(t.TempDir(), "public")
	cold := mustBuild(t, src, out)
	// big.jpg: 3 variants and a fallback; small.png: 1 variant.
	if r := cold.Images; r.Variants != 5 || r.Made != 5 || r.Cards != 1 || r.CardsMade != 1 {
		t.Fatalf("cold build: %+v, want 5 variants and a card, all made", r)
	}
	first := tree(t, out)
	warm := mustBuild(t, src, out)
	if r := warm.Images; r.Variants != 5 || r.Made != 0 || r.CardsMade != 0 || r.Corrupt != 0 {
		t.Errorf("warm build: %+v, want everything from the cache", r)
	}
	sameTree(t, "warm rebuild", first, tree(t, out))

	// Damage one cache entry (a flipped bit) and cut another short.
	var entries []string
	filepath.WalkDir(filepath.Join(src, filepath.FromSlash(CacheDir)), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			entries = append(entries, p)
		}
		return nil
	})
	if len(entries) != 6 {
		t.Fatalf("the cache holds %d entries, want 6 (5 variants, 1 card)", len(entries))
	}
	slices.Sort(entries)
	raw, _ := os.ReadFile(entries[0])
	raw[len(raw)-1] ^= 0x40
	os.WriteFile(entries[0], raw, 0o644)
	os.WriteFile(entries[1], raw[:7], 0o644)
	fixed := mustBuild(t, src, out)
	if r := fixed.Images; r.Corrupt+fixed.Images.CardsMade != 2 || r.Made+r.CardsMade != 2 {
		t.Errorf("after damaging two entries: %+v, want both found and made again", r)
	}
	sameTree(t, "rebuild after damage", first, tree(t, out))

	// A changed image gets new variants under new names.
	writeFile(t, src, "log/small.png", imagingtest.PNG(320, 200))
	changed := mustBuild(t, src, out)
	if r := changed.Images; r.Made != 1 {
		t.Errorf("after changing one image: %+v, want its one variant made", r)
	}
	if page := read(t, out, "log/p/index.html"); strings.Contains(page, "small-300w.") || !strings.Contains(page, "small-320w.") {
		t.Error("the page does not name the changed image's new variant")
	}
}

// Images that cannot be published fail the build at the place that
// shows them: a file whose pixels are damaged (its header is sound, so
// this is found when the variants are made), one whose extension lies,
// one over a configured limit.
func TestImageFailures(t *testing.T) {
	entry := func(img string) string {
		return goodSite + `
-- log/p.md --
---
id: p
title: P
date: 2026-03-02
---
Some text.

![broken](` + img + `)
`
	}
	for _, tt := range []struct {
		name  string
		extra string
		file  string
		data  []byte
		want  string
	}{
		{"damaged pixels", "", "log/cut.jpg", imagingtest.JPEG(200, 100)[:700],
			`^log/p\.md:8:1: error: log/cut\.jpg cannot be decoded: .*\(open the file in an image editor`},
		{"lying extension", "", "log/cut.jpg", imagingtest.PNG(20, 10),
			`^log/p\.md:8:1: error: image "cut\.jpg": log/cut\.jpg is named \.jpg but holds PNG data \(rename it to \.png\)`},
		{"over the configured size", "\n[limits]\nimage_mib = 1\n", "log/cut.jpg", append(imagingtest.JPEG(20, 10), make([]byte, 3<<20)...),
			`^log/p\.md:8:1: error: image "cut\.jpg": log/cut\.jpg is 3 MiB, over the 1 MiB limit for images \(limits\.image_mib\)`},
		{"over the configured pixels", "\n[limits]\nimage_megapixels = 1\n", "log/cut.jpg", imagingtest.JPEG(2000, 1000),
			`^log/p\.md:8:1: error: image "cut\.jpg": log/cut\.jpg claims 2000×1000 pixels, over the 1 megapixel limit \(limits\.image_megapixels\)`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src := writeSite(t, entry("cut.jpg"))
			if tt.extra != "" {
				f, _ := os.OpenFile(filepath.Join(src, "shiplog.toml"), os.O_APPEND|os.O_WRONLY, 0)
				f.WriteString(tt.extra)
				f.Close()
			}
			writeFile(t, src, tt.file, tt.data)
			out := filepath.Join(t.TempDir(), "public")
			rep, err := build(t, src, out)
			assertFailedCleanly(t, rep, err, map[string]string{}, out, tt.want)
		})
	}
}

// Metadata can be kept, per image or for the whole site, for those who
// publish it on purpose (a photo's camera and lens): the original is then
// published as it is. Variants never carry it.
func TestKeepMetadata(t *testing.T) {
	site := `
-- shiplog.toml --
title = "Photos"
-- log/trip.md --
---
id: trip
title: Trip
date: 2026-03-01
---
![Kept](kept.jpg?metadata=keep) and ![Stripped](plain.jpg)
`
	src := writeSite(t, site)
	writeFile(t, src, "log/kept.jpg", imagingtest.PhotoWithGPS(30, 20, 1))
	writeFile(t, src, "log/plain.jpg", imagingtest.PhotoWithGPS(30, 20, 1))
	out := filepath.Join(t.TempDir(), "public")
	mustBuild(t, src, out)
	if imagingtest.Leaks([]byte(read(t, out, "log/trip/kept.jpg"))) == "" {
		t.Error("kept.jpg?metadata=keep lost its metadata")
	}
	if l := imagingtest.Leaks([]byte(read(t, out, "log/trip/plain.jpg"))); l != "" {
		t.Errorf("plain.jpg holds %q", l)
	}
	if !strings.Contains(read(t, out, "log/trip/index.html"), `<img src="/log/trip/kept.jpg" alt="Kept"`) {
		t.Error("the query is not left out of the published URL")
	}
	for rel := range tree(t, out) {
		if strings.HasSuffix(rel, ".webp") && imagingtest.Leaks([]byte(read(t, out, rel))) != "" {
			t.Errorf("variant %s holds metadata", rel)
		}
	}
	// Site-wide.
	src = writeSite(t, strings.Replace(site, `title = "Photos"`, "title = \"Photos\"\n[images]\nkeep_metadata = true", 1))
	writeFile(t, src, "log/kept.jpg", imagingtest.PhotoWithGPS(30, 20, 1))
	writeFile(t, src, "log/plain.jpg", imagingtest.PhotoWithGPS(30, 20, 1))
	mustBuild(t, src, out)
	if imagingtest.Leaks([]byte(read(t, out, "log/trip/plain.jpg"))) == "" {
		t.Error("keep_metadata = true: plain.jpg lost its metadata")
	}
}
