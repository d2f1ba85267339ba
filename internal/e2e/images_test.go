package e2e

import (
	"math"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/shiplog/shiplog/internal/browsertest"
)

type heroBox struct {
	Width, Height   float64
	NaturalWidth    int
	CurrentSrc      string
	Loading         string
	FetchPriority   string
	ColumnWidth     float64
	ViewportWidth   int
	Complete        bool
	InsidePicture   bool
	SourceCandidate int
}

const heroJS = `new Promise(done => {
  const img = document.querySelector('figure.hero img');
  const measure = () => {
    const r = img.getBoundingClientRect();
    done({
      width: r.width, height: r.height, naturalWidth: img.naturalWidth, currentSrc: img.currentSrc,
      loading: img.getAttribute('loading') || '', fetchPriority: img.getAttribute('fetchpriority') || '',
      columnWidth: document.querySelector('.prose').getBoundingClientRect().width,
      viewportWidth: window.innerWidth, complete: img.complete,
      insidePicture: img.parentElement.tagName === 'PICTURE',
      sourceCandidate: img.parentElement.querySelectorAll('source').length,
    });
  };
  if (img.complete) measure(); else img.addEventListener('load', measure);
})`

// TestHeroSizes opens an entry of the example whose hero is a 1200×630
// screenshot on a phone (360 px) and a desktop (1440 px) viewport. The
// hero fills the text column, keeps its shape, and the browser picks
// the narrowest WebP variant that covers the column: 480 px on the
// phone, 960 px on the desktop (at one device pixel per CSS pixel). It
// is the first picture of the page, so it loads at once.
func TestHeroSizes(t *testing.T) {
	base := serveExample(t)
	ctx := browsertest.New(t)
	for _, tt := range []struct {
		viewport    int64
		column      float64 // the text column at that width
		wantVariant string
	}{
		{360, 360 - 2*16, "-480w."},
		{1440, 41.5 * 16, "-960w."},
	} {
		err := chromedp.Do(ctx,
			chromedp.EmulateViewport(tt.viewport, 800),
			chromedp.Navigate(base+"/log/lambda-invalid-elf-header/"),
			chromedp.WaitReady(chromedp.CSS("figure.hero img")),
		)
		if err != nil {
			t.Fatalf("%d px: %v", tt.viewport, err)
		}
		box, err := chromedp.Run(ctx, chromedp.Evaluate[heroBox](heroJS, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("%d px: %v", tt.viewport, err)
		}
		t.Logf("%d px: %+v", tt.viewport, box)
		if !box.InsidePicture || box.SourceCandidate != 1 {
			t.Errorf("%d px: the hero is not a <picture> with one <source>", tt.viewport)
		}
		if math.Abs(box.Width-tt.column) > 1 || math.Abs(box.Width-box.ColumnWidth) > 1 {
			t.Errorf("%d px: hero is %.1f px wide, want the column's %.1f", tt.viewport, box.Width, tt.column)
		}
		if want := box.Width * 630 / 1200; math.Abs(box.Height-want) > 2 {
			t.Errorf("%d px: hero is %.1f px high, want %.1f (its shape kept)", tt.viewport, box.Height, want)
		}
		if !strings.Contains(box.CurrentSrc, tt.wantVariant) || !strings.HasSuffix(box.CurrentSrc, ".webp") {
			t.Errorf("%d px: the browser shows %s, want the %s WebP variant", tt.viewport, box.CurrentSrc, strings.Trim(tt.wantVariant, "-."))
		}
		if !box.Complete || box.NaturalWidth == 0 {
			t.Errorf("%d px: the hero did not load", tt.viewport)
		}
		if box.Loading != "" || box.FetchPriority != "high" {
			t.Errorf("%d px: hero loading=%q fetchpriority=%q, want eager and high", tt.viewport, box.Loading, box.FetchPriority)
		}
	}
}
