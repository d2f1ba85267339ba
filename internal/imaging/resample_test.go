package imaging

import (
	"image"
	"math"
	"testing"

	"golang.org/x/image/draw"

	"github.com/shiplog/shiplog/internal/imaging/imagingtest"
)

func psnr(a, b *image.RGBA) float64 {
	var se float64
	for i := range a.Pix {
		d := float64(a.Pix[i]) - float64(b.Pix[i])
		se += d * d
	}
	if se == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(255*255/(se/float64(len(a.Pix))))
}

// resample gives what draw.CatmullRom gives, to within rounding.
func TestResampleMatchesCatmullRom(t *testing.T) {
	src := imagingtest.Gradient(240, 160)
	// Some detail, so the kernel's lobes matter.
	for y := 40; y < 120; y += 3 {
		for x := 60; x < 180; x++ {
			src.Pix[y*src.Stride+x*4] = 255
		}
	}
	for _, size := range [][2]int{{160, 107}, {96, 64}, {48, 32}, {7, 5}, {240, 160}, {300, 200}, {240, 80}} {
		want := image.NewRGBA(image.Rect(0, 0, size[0], size[1]))
		draw.CatmullRom.Scale(want, want.Bounds(), src, src.Bounds(), draw.Src, nil)
		got := resample(src, size[0], size[1])
		if p := psnr(got, want); p < 38 {
			t.Errorf("%v: PSNR against draw.CatmullRom %.1f dB, want ≥ 38", size, p)
		}
	}
	// Opaque stays opaque; a flat colour stays that colour.
	flat := image.NewRGBA(image.Rect(0, 0, 50, 30))
	for i := range flat.Pix {
		flat.Pix[i] = []uint8{10, 200, 30, 255}[i%4]
	}
	got := resample(flat, 17, 11)
	for i := range got.Pix {
		if got.Pix[i] != flat.Pix[i%4] {
			t.Fatalf("a flat picture scaled to %v changed: byte %d = %d", got.Bounds(), i, got.Pix[i])
		}
	}
}

func BenchmarkResample(b *testing.B) {
	src := imagingtest.Gradient(2400, 1600)
	b.Run("resample", func(b *testing.B) {
		for b.Loop() {
			resample(src, 1600, 1067)
		}
	})
	b.Run("draw.CatmullRom", func(b *testing.B) {
		for b.Loop() {
			dst := image.NewRGBA(image.Rect(0, 0, 1600, 1067))
			draw.CatmullRom.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Src, nil)
		}
	})
}
