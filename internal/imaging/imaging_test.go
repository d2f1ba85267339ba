package imaging

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	xwebp "golang.org/x/image/webp"

	"github.com/shiplog/shiplog/internal/imaging/imagingtest"
)

// pngHeader is a PNG that is only a signature and a header claiming
// w×h pixels: 45 bytes that would decode to gigabytes.
func pngHeader(w, h uint32) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 2, 0, 0, 0)
	b := append([]byte(pngSig), imagingtest.PNGChunk("IHDR", ihdr)...)
	return append(b, imagingtest.PNGChunk("IEND", nil)...)
}

func animatedGIF(t testing.TB, frames int) []byte {
	t.Helper()
	g := &gif.GIF{}
	for i := range frames {
		m := image.NewPaletted(image.Rect(0, 0, 8, 6), palette.Plan9)
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

func TestInspect(t *testing.T) {
	for _, tt := range []struct {
		name  string
		data  []byte
		want  Info
		error string // a regexp-free substring; "" for success
	}{
		{"a.jpg", imagingtest.JPEG(30, 20), Info{Format: JPEG, Width: 30, Height: 20, Orientation: 1}, ""},
		{"a.JPEG", imagingtest.JPEG(30, 20), Info{Format: JPEG, Width: 30, Height: 20, Orientation: 1}, ""},
		{"turned.jpg", imagingtest.PhotoWithGPS(30, 20, 6), Info{Format: JPEG, Width: 20, Height: 30, Orientation: 6}, ""},
		{"turned.png", imagingtest.PNGWithGPS(30, 20, 8), Info{Format: PNG, Width: 20, Height: 30, Orientation: 8}, ""},
		{"a.png", imagingtest.PNG(5, 4), Info{Format: PNG, Width: 5, Height: 4, Orientation: 1}, ""},
		{"still.gif", animatedGIF(t, 1), Info{Format: GIF, Width: 8, Height: 6, Orientation: 1, Paletted: true}, ""},
		{"moving.gif", animatedGIF(t, 3), Info{Format: GIF, Width: 8, Height: 6, Orientation: 1, Animated: true, Paletted: true}, ""},
		{"a.webp", tinyWebP, Info{Format: WebP, Width: 1, Height: 1, Orientation: 1}, ""},
		{"d.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 360"/>`), Info{Format: SVG, Width: 640, Height: 360, Orientation: 1}, ""},
		// A lying extension is caught by the content, whatever the name says.
		{"photo.png", imagingtest.JPEG(4, 4), Info{}, "named .png but holds JPEG data (rename it to .jpg)"},
		{"shot.jpg", imagingtest.PNG(4, 4), Info{}, "named .jpg but holds PNG data"},
		{"x.svg", imagingtest.PNG(4, 4), Info{}, "holds PNG data"},
		{"x.gif", []byte("GIF89a garbage"), Info{}, "not a readable GIF"},
		{"x.jpg", []byte("hello"), Info{}, "not a readable JPEG"},
		{"x.txt", []byte("hello"), Info{}, "not an image"},
		// The bomb: a 45-byte PNG claiming 60000×60000, refused from its header.
		{"bomb.png", pngHeader(60000, 60000), Info{}, "60000×60000 pixels, over the 50 megapixel limit"},
		{"cut.png", pngHeader(60000, 60000)[:20], Info{}, "not a readable PNG"},
		{"x.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), Info{}, "script"},
		{"x.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), Info{}, "event handler"},
	} {
		got, err := Inspect(tt.name, tt.data, DefaultLimits)
		switch {
		case tt.error == "" && err != nil:
			t.Errorf("Inspect(%s) error %v", tt.name, err)
		case tt.error != "" && (err == nil || !strings.Contains(err.Error(), tt.error)):
			t.Errorf("Inspect(%s) error %v, want one saying %q", tt.name, err, tt.error)
		case tt.error == "" && got != tt.want:
			t.Errorf("Inspect(%s) = %+v, want %+v", tt.name, got, tt.want)
		}
	}
	big := imagingtest.JPEG(10, 10)
	_, err := Inspect("big.jpg", big, Limits{MaxBytes: int64(len(big) - 1), MaxPixels: 1000})
	var le *LimitError
	if !errors.As(err, &le) || le.What != "MiB" {
		t.Errorf("a file over the byte limit: %v, want a LimitError in MiB", err)
	}
}

// A file whose header is sound but whose pixels are cut off passes
// Inspect (it reads headers only) and fails in Make, never panicking.
func TestMakeDamaged(t *testing.T) {
	for _, tt := range []struct {
		name string
		data []byte
	}{
		{"cut.jpg", imagingtest.JPEG(64, 64)[:400]},
		{"cut.png", imagingtest.PNG(64, 64)[:100]},
		{"cut.gif", animatedGIF(t, 1)[:40]},
	} {
		info, err := Inspect(tt.name, tt.data, DefaultLimits)
		if err != nil {
			continue // caught from the header already: fine too
		}
		if _, err := Make(tt.data, info, PlanFor(info, Settings{}).All(), nil); err == nil {
			t.Errorf("Make(%s) of a damaged file succeeded", tt.name)
		}
	}
}

func TestPlanFor(t *testing.T) {
	widths := func(p Plan) string {
		var s []string
		for _, v := range p.Variants {
			s = append(s, fmt.Sprint(v.Width))
		}
		return strings.Join(s, ",")
	}
	for _, tt := range []struct {
		info     Info
		variants string
		fallback string // spec, or "original"
	}{
		{Info{Format: JPEG, Width: 2400, Height: 1600}, "480,960,1600", "1600x1067.q80.jpeg"},
		{Info{Format: JPEG, Width: 1600, Height: 900}, "480,960,1600", "original"},
		{Info{Format: JPEG, Width: 1200, Height: 800}, "480,960,1200", "original"},
		{Info{Format: JPEG, Width: 1000, Height: 500}, "480,1000", "original"}, // 960 is within a tenth of 1000
		{Info{Format: JPEG, Width: 300, Height: 200}, "300", "original"},       // never upscaled
		{Info{Format: PNG, Width: 3000, Height: 100, Paletted: true}, "480,960,1600", "1600x53.lossless.png"},
		{Info{Format: GIF, Width: 2000, Height: 1000, Paletted: true}, "480,960,1600", "1600x800.lossless.png"},
		{Info{Format: WebP, Width: 2000, Height: 1000}, "480,960,1600", "1600x800.q80.webp"},
		{Info{Format: GIF, Width: 800, Height: 600, Animated: true}, "", "original"},
		{Info{Format: SVG, Width: 640, Height: 360}, "", "original"},
		{Info{Format: AVIF}, "", "original"},
	} {
		p := PlanFor(tt.info, Settings{})
		fb := "original"
		if !p.Original {
			fb = p.Fallback.String()
		}
		if got := widths(p); got != tt.variants || fb != tt.fallback {
			t.Errorf("PlanFor(%+v) = variants %q, fallback %s; want %q, %s", tt.info, got, fb, tt.variants, tt.fallback)
		}
		for _, v := range p.Variants {
			if v.Format != WebP || v.Width > tt.info.Width {
				t.Errorf("PlanFor(%+v): variant %s", tt.info, v)
			}
		}
	}
	// A paletted screenshot is lossless at its own size only.
	p := PlanFor(Info{Format: PNG, Width: 1200, Height: 630, Paletted: true}, Settings{})
	if !p.Variants[2].Lossless || p.Variants[0].Lossless {
		t.Errorf("paletted 1200 px PNG: variants %v, want only the 1200 px one lossless", p.Variants)
	}
}

// Every EXIF orientation turns the picture upright: the corner that is
// red once shown lands top left.
func TestDecodeOrientation(t *testing.T) {
	// The upright picture: 4×2, red top left, the rest grey.
	upright := image.NewRGBA(image.Rect(0, 0, 4, 2))
	for i := range upright.Pix {
		upright.Pix[i] = 128
	}
	upright.Set(0, 0, color.RGBA{255, 0, 0, 255})
	// stored returns how a camera would store it for orientation o: the
	// inverse of what orient does.
	for o := 1; o <= 8; o++ {
		var stored *image.RGBA
		for _, cand := range allTurns(upright) {
			if got := orient(cand, o); got.Bounds() == upright.Bounds() && bytes.Equal(got.Pix, upright.Pix) {
				stored = cand
				break
			}
		}
		if stored == nil {
			t.Errorf("orientation %d: no turn of the picture shows upright", o)
			continue
		}
		var buf bytes.Buffer
		png.Encode(&buf, stored)
		data := buf.Bytes()
		ihdrEnd := 8 + 12 + 13
		data = append(append(slices.Clone(data[:ihdrEnd]), imagingtest.PNGChunk("eXIf", minimalEXIF(o))...), data[ihdrEnd:]...)
		info, err := Inspect("x.png", data, DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		if info.Width != 4 || info.Height != 2 {
			t.Errorf("orientation %d: Inspect size %d×%d, want 4×2", o, info.Width, info.Height)
		}
		got, err := Decode(data, info)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Pix, upright.Pix) {
			t.Errorf("orientation %d: decoded picture is not upright", o)
		}
	}
}

// allTurns returns m in its eight turns and mirrorings.
func allTurns(m *image.RGBA) []*image.RGBA {
	var out []*image.RGBA
	for o := 1; o <= 8; o++ {
		out = append(out, orient(m, o))
	}
	return out
}

func TestMakeVariants(t *testing.T) {
	src := imagingtest.PhotoWithGPS(1800, 1200, 1)
	info, err := Inspect("p.jpg", src, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	plan := PlanFor(info, Settings{})
	made, err := Make(src, info, plan.All(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range plan.All() {
		data := made[i]
		if l := imagingtest.Leaks(data); l != "" {
			t.Errorf("%s holds %q", s, l)
		}
		var cfg image.Config
		switch s.Format {
		case WebP:
			cfg, err = xwebp.DecodeConfig(bytes.NewReader(data))
		default:
			cfg, _, err = image.DecodeConfig(bytes.NewReader(data))
		}
		if err != nil || cfg.Width != s.Width || cfg.Height != s.Height {
			t.Errorf("%s: made %d×%d (%v)", s, cfg.Width, cfg.Height, err)
		}
	}
	again, err := Make(src, info, plan.All(), nil)
	if err != nil {
		t.Fatal(err)
	}
	// Made alone (as when the cache lacks only that one), each spec gives
	// the same bytes as made with the rest.
	for i, s := range plan.All() {
		want := make([]bool, len(plan.All()))
		want[i] = true
		alone, err := Make(src, info, plan.All(), want)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(made[i], again[i]) || !bytes.Equal(made[i], alone[i]) {
			t.Errorf("%s: not the same bytes every time", s)
		}
		for k := range alone {
			if k != i && alone[k] != nil {
				t.Errorf("%s made alone also made %s", s, plan.All()[k])
			}
		}
	}
}

func TestCache(t *testing.T) {
	c := OpenCache(filepath.Join(t.TempDir(), "images"))
	key := Key([32]byte{1}, Spec{Width: 480, Height: 320, Format: WebP, Quality: 80})
	if _, err := c.Get(key); !errors.Is(err, ErrMiss) {
		t.Fatalf("Get of an empty cache: %v, want ErrMiss", err)
	}
	if err := c.Put(key, []byte("variant")); err != nil {
		t.Fatal(err)
	}
	if got, err := c.Get(key); err != nil || string(got) != "variant" {
		t.Fatalf("Get = %q, %v", got, err)
	}
	// Damage the entry: one byte changed, then cut short.
	p := c.path(key)
	raw, _ := os.ReadFile(p)
	raw[len(raw)-1] ^= 1
	os.WriteFile(p, raw, 0o644)
	if _, err := c.Get(key); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Get of a changed entry: %v, want ErrCorrupt", err)
	}
	if _, err := os.Stat(p); err == nil {
		t.Error("a damaged entry was left in place")
	}
	c.Put(key, []byte("variant"))
	os.WriteFile(p, raw[:10], 0o644)
	if ok, err := c.Has(key); ok || !errors.Is(err, ErrCorrupt) {
		t.Errorf("Has of a cut entry = %v, %v; want false, ErrCorrupt", ok, err)
	}
	// Keys change with the source and with the spec.
	if Key([32]byte{2}, Spec{Width: 480}) == Key([32]byte{1}, Spec{Width: 480}) || Key([32]byte{1}, Spec{Width: 480}) == Key([32]byte{1}, Spec{Width: 960}) {
		t.Error("keys do not depend on the source and the spec")
	}
}

func TestCard(t *testing.T) {
	hero := imagingtest.Gradient(960, 640)
	cards := []Card{
		{Site: "Mara's log", Title: "Lambda thumbnails die with invalid ELF header", Kind: "broke", KindLabel: "Broke", Date: "9 February 2026", Project: "thumbnailer",
			Lesson: "build native dependencies on the platform that runs them.", Hero: hero, HeroID: "x"},
		{Site: "A log", Title: strings.Repeat("A very long title that goes on ", 12) + "Supercalifragilisticexpialidociousandthensomemoretomakeitlongerthanaline", Kind: "note", KindLabel: "Note",
			Lesson: strings.Repeat("words ", 80)},
		{Site: "", Title: "", Kind: "unknown"},
	}
	for i, c := range cards {
		data, err := c.Render()
		if err != nil {
			t.Fatalf("card %d: %v", i, err)
		}
		m, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("card %d does not decode: %v", i, err)
		}
		if m.Bounds() != image.Rect(0, 0, CardWidth, CardHeight) {
			t.Errorf("card %d is %v, want 1200×630", i, m.Bounds())
		}
		if i < 2 && len(data) < 5000 {
			t.Errorf("card %d is only %d bytes: is anything drawn?", i, len(data))
		}
		// A card without a hero has few colours and is written
		// paletted, which is what makes cards cheap; one with a hero
		// keeps its photo's colours.
		_, isPaletted := m.(*image.Paletted)
		if wantPaletted := c.Hero == nil; isPaletted != wantPaletted {
			t.Errorf("card %d: paletted %v, want %v", i, isPaletted, wantPaletted)
		}
	}
	// Every colour of the paletted cards is kept exactly: the PNG
	// decodes to the pixels drawn.
	img := image.NewRGBA(image.Rect(0, 0, CardWidth, CardHeight))
	img.Pix[0], img.Pix[3] = 200, 255
	for i := 4; i < len(img.Pix); i += 4 {
		img.Pix[i+0], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = uint8(i/4%97), uint8(i/4%13), 7, 255
	}
	data, err := encodeCard(img)
	if err != nil {
		t.Fatal(err)
	}
	back, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := back.(*image.Paletted); ok {
		t.Error("an image of 1,261 colours came back paletted")
	}
	for _, pt := range []image.Point{{0, 0}, {1, 0}, {517, 301}, {CardWidth - 1, CardHeight - 1}} {
		r, g, b, _ := back.At(pt.X, pt.Y).RGBA()
		o := img.RGBAAt(pt.X, pt.Y)
		if uint8(r>>8) != o.R || uint8(g>>8) != o.G || uint8(b>>8) != o.B {
			t.Errorf("pixel %v: got %d,%d,%d, drew %v", pt, r>>8, g>>8, b>>8, o)
		}
	}
	// The same card gives the same bytes, drawn one at a time or many
	// at once, on one core or all.
	want, _ := cards[0].Render()
	for _, procs := range []int{1, 4} {
		prev := runtime.GOMAXPROCS(procs)
		var wg sync.WaitGroup
		got := make([][]byte, 6)
		for i := range got {
			wg.Go(func() { got[i], _ = cards[0].Render() })
		}
		wg.Wait()
		runtime.GOMAXPROCS(prev)
		for i := range got {
			if !bytes.Equal(got[i], want) {
				t.Errorf("GOMAXPROCS=%d: card %d differs from the first", procs, i)
			}
		}
	}
	if cards[0].Key() == cards[1].Key() {
		t.Error("different cards share a key")
	}
	c := cards[0]
	c.Lesson += "!"
	if c.Key() == cards[0].Key() {
		t.Error("the key does not change with the lesson")
	}
}

func TestCachePrune(t *testing.T) {
	c := OpenCache(filepath.Join(t.TempDir(), "images"))
	if n, err := c.Prune(nil, time.Hour, time.Now()); n != 0 || err != nil {
		t.Fatalf("Prune of a missing cache = %d, %v", n, err)
	}
	keep, old, fresh := strings.Repeat("a", 64), strings.Repeat("b", 64), strings.Repeat("c", 64)
	for _, k := range []string{keep, old, fresh} {
		c.Put(k, []byte(k))
	}
	past := time.Now().Add(-48 * time.Hour)
	os.Chtimes(c.path(keep), past, past)
	os.Chtimes(c.path(old), past, past)
	n, err := c.Prune(map[string]bool{keep: true}, 24*time.Hour, time.Now())
	if n != 1 || err != nil {
		t.Errorf("Prune = %d, %v; want the one old unused entry removed", n, err)
	}
	for k, want := range map[string]bool{keep: true, old: false, fresh: true} {
		if ok, _ := c.Has(k); ok != want {
			t.Errorf("after pruning, entry %s… present %v, want %v", k[:4], ok, want)
		}
	}
}
