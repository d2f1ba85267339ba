package site

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
`)
	for _, p := range []string{"log/hero.jpg", "log/photo.jpg", "static/also.jpg"} {
		writeFile(t, src, p, imagingtest.PhotoWithGPS(30, 20, 6))
	}
	writeFile(t, src, "log/map.png", imagingtest.PNGWithGPS(30, 20, 1))
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
	if !exists(out, "also.jpg") || !exists(out, "log/trip/photo.jpg") || !exists(out, "log/trip/hero.jpg") {
		t.Error("a photo is missing from the output")
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
