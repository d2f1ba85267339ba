package imaging

import (
	"bytes"
	"image"
	_ "image/jpeg"
	"math"
	"os"
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
		c := cpuTime()
		for b.Loop() {
			resample(src, 1600, 1067)
		}
		b.ReportMetric(float64(cpuTime()-c)/1e6/float64(b.N), "cpu-ms/op")
	})
	b.Run("draw.CatmullRom", func(b *testing.B) {
		c := cpuTime()
		for b.Loop() {
			dst := image.NewRGBA(image.Rect(0, 0, 1600, 1067))
			draw.CatmullRom.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Src, nil)
		}
		b.ReportMetric(float64(cpuTime()-c)/1e6/float64(b.N), "cpu-ms/op")
	})
}

// benchPhoto is the photo the encoder benchmarks use: the file named by
// SHIPLOG_BENCH_PHOTO (a 2400×1600 photo from bench/gencorpus, say),
// else a noisy gradient of that size.
func benchPhoto(b *testing.B) *image.RGBA {
	if p := os.Getenv("SHIPLOG_BENCH_PHOTO"); p != "" {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		info, err := Inspect(p, data, DefaultLimits)
		if err != nil {
			b.Fatal(err)
		}
		img, err := Decode(data, info)
		if err != nil {
			b.Fatal(err)
		}
		return img
	}
	img := imagingtest.Gradient(2400, 1600)
	s := uint32(1)
	for i := range img.Pix {
		if i%4 == 3 {
			continue
		}
		s ^= s << 13
		s ^= s >> 17
		s ^= s << 5
		img.Pix[i] = uint8(min(255, max(0, int(img.Pix[i])+int(s%21)-10)))
	}
	return img
}

// BenchmarkResample compares resample with draw.CatmullRom on a
// 2400×1600 picture scaled to 1600 px (go test ./internal/imaging -run -
// -bench Resample -cpu 1).
//
// BenchmarkEncode compares the encoders and libwebp's methods (0 fast …
// 6 small) on the 1600 px variant of a photo, reporting the bytes and
// the fidelity (PSNR against the scaled picture) of each:
//
//	SHIPLOG_BENCH_PHOTO=/tmp/ib/site/log/photos/photo-00001.jpg go test ./internal/imaging -run - -bench Encode -benchtime 3x -cpu 1
func BenchmarkEncode(b *testing.B) {
	src := resample(benchPhoto(b), 1600, 1067)
	encode(src, Spec{Width: 16, Height: 16, Format: WebP, Quality: 80}) // compile the WebAssembly first
	for _, tt := range []struct {
		name string
		spec Spec
		m    int
	}{
		{"webp-m0", Spec{Format: WebP, Quality: 80}, 0},
		{"webp-m1", Spec{Format: WebP, Quality: 80}, 1},
		{"webp-m2", Spec{Format: WebP, Quality: 80}, 2},
		{"webp-m4", Spec{Format: WebP, Quality: 80}, 4},
		{"webp-m6", Spec{Format: WebP, Quality: 80}, 6},
		{"jpeg-q80", Spec{Format: JPEG, Quality: 80}, 0},
	} {
		b.Run(tt.name, func(b *testing.B) {
			var data []byte
			c := cpuTime()
			for b.Loop() {
				var err error
				data, err = encodeWith(src, tt.spec, tt.m)
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cpuTime()-c)/1e6/float64(b.N), "cpu-ms/op")
			b.ReportMetric(float64(len(data)), "bytes")
			if back, err := decodeAny(data); err == nil {
				b.ReportMetric(psnr(src, back), "dB")
			}
		})
	}
}

func decodeAny(data []byte) (*image.RGBA, error) {
	m, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	rgba := image.NewRGBA(m.Bounds())
	draw.Draw(rgba, rgba.Bounds(), m, m.Bounds().Min, draw.Src)
	return rgba, nil
}
