package main

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"math"
)

// Synthetic photos are 2400×1600 JPEGs at quality 85, the size and setting of
// a typical resized camera photo. Their content is a landscape-like scene (a
// sky gradient with a sun, a ridge line, a textured ground, soft shapes, a
// vignette) plus per-pixel sensor-like noise, so that they compress like a
// photo rather than a flat image: about 750 KiB each.
const (
	photoW       = 2400
	photoH       = 1600
	photoQuality = 85
	noiseAmp     = 10 // per-pixel luminance noise, ± this many levels
)

// rgb is a colour with channels in [0, 255].
type rgb [3]float64

// lerp mixes a and b: t=0 gives a, t=1 gives b.
func lerp(a, b rgb, t float64) rgb {
	return rgb{a[0] + (b[0]-a[0])*t, a[1] + (b[1]-a[1])*t, a[2] + (b[2]-a[2])*t}
}

// randColor returns a colour around brightness lum with some saturation.
func randColor(r *rng, lum, spread float64) rgb {
	var c rgb
	for i := range c {
		c[i] = lum + (r.float()*2-1)*spread
	}
	return c
}

// photoJPEG returns the JPEG bytes of the photo for seed.
func photoJPEG(seed uint64) ([]byte, error) {
	img := paintPhoto(newRNG(seed))
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: photoQuality}); err != nil {
		return nil, fmt.Errorf("encode photo: %w", err)
	}
	return buf.Bytes(), nil
}

// paintPhoto draws the scene, then the shapes, then the noise.
func paintPhoto(r *rng) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, photoW, photoH))
	ridge := ridgeLine(r)
	paintScene(r, img, ridge)
	for range r.between(6, 14) {
		paintShape(r, img, ridge)
	}
	addNoise(r.next(), img)
	return img
}

// ridgeLine returns, for each column, the y where the sky ends: a sum of
// three sine waves of falling amplitude around a horizon.
func ridgeLine(r *rng) []float64 {
	horizon := photoH * (0.45 + 0.25*r.float())
	type wave struct{ amp, freq, phase float64 }
	waves := []wave{
		{40 + 110*r.float(), (1 + 2*r.float()) * 2 * math.Pi / photoW, 2 * math.Pi * r.float()},
		{15 + 35*r.float(), (4 + 5*r.float()) * 2 * math.Pi / photoW, 2 * math.Pi * r.float()},
		{4 + 10*r.float(), (15 + 25*r.float()) * 2 * math.Pi / photoW, 2 * math.Pi * r.float()},
	}
	ridge := make([]float64, photoW)
	for x := range ridge {
		y := horizon
		for _, w := range waves {
			y += w.amp * math.Sin(float64(x)*w.freq+w.phase)
		}
		ridge[x] = y
	}
	return ridge
}

// paintScene fills img with the sky, the sun and its glow, the textured
// ground below the ridge, and a vignette.
func paintScene(r *rng, img *image.RGBA, ridge []float64) {
	skyTop, skyBottom := randColor(r, 70, 50), randColor(r, 190, 50)
	groundTop, groundBottom := randColor(r, 110, 45), randColor(r, 40, 30)
	sun := randColor(r, 235, 20)
	sunX, sunY := photoW*(0.15+0.7*r.float()), photoH*(0.1+0.25*r.float())
	sunR := 50 + 110*r.float()
	texFreqX, texFreqY := 0.02+0.08*r.float(), 0.005+0.03*r.float()
	cx, cy := photoW/2.0, photoH/2.0
	maxD2 := cx*cx + cy*cy

	for y := range photoH {
		fy := float64(y)
		row := img.Pix[y*img.Stride:]
		for x := range photoW {
			fx := float64(x)
			var c rgb
			if fy < ridge[x] {
				c = lerp(skyTop, skyBottom, fy/ridge[x])
				d2 := (fx-sunX)*(fx-sunX) + (fy-sunY)*(fy-sunY)
				glow := sunR * sunR / (d2 + sunR*sunR)
				if d2 < sunR*sunR {
					glow = 1
				}
				c = lerp(c, sun, 0.85*glow)
			} else {
				t := (fy - ridge[x]) / (photoH - ridge[x] + 1)
				c = lerp(groundTop, groundBottom, t)
				tex := 12*math.Sin(fx*texFreqX+fy*texFreqY) + 6*math.Sin(fx*texFreqY*3-fy*texFreqX*0.7)
				c = rgb{c[0] + tex, c[1] + tex, c[2] + tex*0.8}
			}
			v := 1 - 0.35*((fx-cx)*(fx-cx)+(fy-cy)*(fy-cy))/maxD2
			p := row[4*x : 4*x+4 : 4*x+4]
			p[0], p[1], p[2], p[3] = clamp8(c[0]*v), clamp8(c[1]*v), clamp8(c[2]*v), 255
		}
	}
}

// paintShape blends one soft-edged rectangle (a building standing on the
// ridge) or disc (a tree, a blurred light) into img.
func paintShape(r *rng, img *image.RGBA, ridge []float64) {
	col := randColor(r, 30+170*r.float(), 60)
	alpha := 0.5 + 0.5*r.float()
	const soft = 3.0 // edge width in pixels
	if r.chance(0.5) {
		w, h := 60+300*r.float(), 80+500*r.float()
		x0 := r.float() * (photoW - w)
		base := ridge[int(x0+w/2)] + 40*r.float()
		blend(img, x0, base-h, x0+w, base, col, alpha, func(x, y float64) float64 {
			d := min(x-x0, x0+w-x, y-(base-h), base-y)
			return math.Min(1, d/soft)
		})
		return
	}
	rad := 20 + 180*r.float()
	px, py := r.float()*photoW, r.float()*photoH
	blend(img, px-rad, py-rad, px+rad, py+rad, col, alpha*0.8, func(x, y float64) float64 {
		d := rad - math.Hypot(x-px, y-py)
		return math.Min(1, d/(soft*4))
	})
}

// blend mixes col into the pixels of the box (x0, y0)-(x1, y1) where
// coverage(x, y) is positive, weighted by coverage and alpha.
func blend(img *image.RGBA, x0, y0, x1, y1 float64, col rgb, alpha float64, coverage func(x, y float64) float64) {
	b := image.Rect(int(x0), int(y0), int(x1)+1, int(y1)+1).Intersect(img.Rect)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			a := coverage(float64(x)+0.5, float64(y)+0.5)
			if a <= 0 {
				continue
			}
			a *= alpha
			i := img.PixOffset(x, y)
			p := img.Pix[i : i+3 : i+3]
			for ch := range p {
				p[ch] = clamp8(float64(p[ch])*(1-a) + col[ch]*a)
			}
		}
	}
}

// addNoise adds luminance noise of ±noiseAmp and a little chroma noise to
// every pixel, using a xorshift generator seeded from seed for speed.
func addNoise(seed uint64, img *image.RGBA) {
	s := uint32(seed) | 1
	next := func() uint32 {
		s ^= s << 13
		s ^= s >> 17
		s ^= s << 5
		return s
	}
	for i := 0; i < len(img.Pix); i += 4 {
		v := next()
		lum := int(v%(2*noiseAmp+1)) - noiseAmp
		p := img.Pix[i : i+3 : i+3]
		for ch := range p {
			chroma := int(v>>(8+8*ch)&3) - 1
			p[ch] = clamp8(float64(int(p[ch]) + lum + chroma))
		}
	}
}

// clamp8 rounds v into a byte.
func clamp8(v float64) uint8 {
	switch {
	case v <= 0:
		return 0
	case v >= 255:
		return 255
	}
	return uint8(v + 0.5)
}
