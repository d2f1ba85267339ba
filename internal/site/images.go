package site

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/shiplog/shiplog/internal/imaging"
	"github.com/shiplog/shiplog/internal/markdown"
	"github.com/shiplog/shiplog/internal/render"
)

// Images in entries are checked while the Markdown is rendered, from
// their headers only, and what each page shows of them is decided then:
// a <picture> offering WebP variants at several widths, with a fallback
// in the file's own format. Making the variants is queued and done at the
// end, in parallel, by makeImages (imagework.go), and skipped for every
// variant the cache already holds.

// imageFile is a checked image in the site.
type imageFile struct {
	src  string // path relative to the site root
	info imaging.Info
	sum  [32]byte // of the file's content
	plan imaging.Plan
	keys []string // cache keys of plan.All(), in order
	err  error
	// metaErr refuses to publish the file with its metadata, which
	// cannot be cut out (an AVIF with EXIF), unless the author keeps it.
	metaErr error
	shown   atomic.Bool // a page shows it, so its variants are made

	once sync.Once
	mu   sync.Mutex
	ref  imageRef // the first place that uses it, for problems found later
}

// imageRef is where an image is used: an entry's file and position.
type imageRef struct {
	path      string
	line, col int
}

func (f *imageFile) use(r imageRef) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ref.path == "" || r.path < f.ref.path || r.path == f.ref.path && (r.line < f.ref.line || r.line == f.ref.line && r.col < f.ref.col) {
		f.ref = r
	}
}

// images checks image files once each, however many entries use them.
type images struct {
	root     *os.Root
	limits   imaging.Limits
	settings imaging.Settings
	cache    *imaging.Cache
	// keepMetadata publishes originals with their metadata, site-wide.
	keepMetadata bool

	mu    sync.Mutex
	files map[string]*imageFile
}

// resolve finds the file that dest (as written in the entry at dir)
// names, and checks it. It returns the file and whether dest asks to
// keep the file's metadata (photo.jpg?metadata=keep).
func (im *images) resolve(dir, dest string) (*imageFile, bool, error) {
	d, query := dest, ""
	if i := strings.IndexAny(d, "?#"); i >= 0 {
		d = d[:i] // before unescaping: "a%23b.png" names the file a#b.png
		if q, _, _ := strings.Cut(dest[i:], "#"); strings.HasPrefix(q, "?") {
			query = q[1:]
		}
	}
	if u, err := url.PathUnescape(d); err == nil {
		d = u
	}
	if d == "" {
		return nil, false, errors.New("empty image path")
	}
	var p string
	if strings.HasPrefix(d, "/") {
		p = path.Join("static", d)
	} else {
		p = path.Join(dir, d)
	}
	if p == ".." || strings.HasPrefix(p, "../") {
		return nil, false, fmt.Errorf("path leaves the site folder")
	}
	keep := im.keepMetadata
	if q, err := url.ParseQuery(query); err == nil && q.Get("metadata") == "keep" {
		keep = true
	}
	f, err := im.check(p)
	if err == nil && f.metaErr != nil && !keep {
		err = fmt.Errorf("%s: %v", p, f.metaErr)
	}
	return f, keep, err
}

func (im *images) check(p string) (*imageFile, error) {
	im.mu.Lock()
	if im.files == nil {
		im.files = map[string]*imageFile{}
	}
	f, ok := im.files[p]
	if !ok {
		f = &imageFile{src: p}
		im.files[p] = f
	}
	im.mu.Unlock()
	f.once.Do(func() {
		f.err = im.inspect(f)
		if f.err == nil && !f.info.Passthrough() {
			f.plan = imaging.PlanFor(f.info, im.settings)
			for _, s := range f.plan.All() {
				f.keys = append(f.keys, imaging.Key(f.sum, s))
			}
		}
	})
	return f, f.err
}

func (im *images) inspect(f *imageFile) error {
	p := f.src
	if err := im.exactName(p); err != nil {
		return err
	}
	file, err := im.root.Open(p)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		if strings.Contains(err.Error(), "escapes") {
			return fmt.Errorf("%s points outside the site folder", p)
		}
		return fmt.Errorf("cannot open %s: %v", p, err)
	}
	defer file.Close()
	st, err := file.Stat()
	if err != nil {
		return err
	}
	if st.IsDir() {
		return fmt.Errorf("%s is a folder, not an image", p)
	}
	if imaging.FormatOf(p) == "" {
		return fmt.Errorf("%s is %v", p, imaging.ErrNotImage)
	}
	// The size is checked before a byte is read.
	if lim := im.limits.MaxBytes; lim > 0 && st.Size() > lim {
		return fmt.Errorf("%s is %d MiB, over the %d MiB limit for images (limits.image_mib)", p, st.Size()>>20, lim>>20)
	}
	data, err := io.ReadAll(io.LimitReader(file, st.Size()+1))
	if err != nil {
		return fmt.Errorf("cannot read %s: %v", p, err)
	}
	info, err := imaging.Inspect(p, data, im.limits)
	if err != nil {
		var le *imaging.LimitError
		if errors.As(err, &le) && le.What == "megapixel" {
			return fmt.Errorf("%s claims %s, over the %d megapixel limit (limits.image_megapixels)", p, le.Got, le.Limit)
		}
		return fmt.Errorf("%s %v", p, err)
	}
	f.info = info
	f.sum = sha256.Sum256(data)
	if info.Format == imaging.AVIF {
		f.metaErr = imaging.CheckAVIF(data)
	}
	return nil
}

// exactName checks that p exists with exactly this spelling. Object stores
// and most servers are case-sensitive even when the author's laptop is
// not, so Diagram.PNG must not stand for diagram.png.
func (im *images) exactName(p string) error {
	dir, name := path.Split(p)
	dir = strings.TrimSuffix(dir, "/")
	if dir == "" {
		dir = "."
	}
	entries, err := fs.ReadDir(im.root.FS(), dir)
	if err != nil {
		return fmt.Errorf("%s does not exist", p)
	}
	for _, e := range entries {
		if e.Name() == name {
			return nil
		}
	}
	for _, e := range entries {
		if strings.EqualFold(e.Name(), name) {
			return fmt.Errorf("%s does not exist; the file is %s (names are case-sensitive once published)", p, path.Join(dir, e.Name()))
		}
	}
	return fmt.Errorf("%s does not exist", p)
}

// imageExts are the files an entry may show as images. Anything else in
// the site (shiplog.toml, a .env, an .html page) is never published
// through an image reference.
var imageExts = map[string]bool{".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".webp": true, ".avif": true, ".svg": true}

// imageSizes tells the browser how wide an image in an entry is shown:
// the column (41.5rem inside the 44rem measure), or the viewport less
// the page's padding on narrower screens. It picks the variant from it.
const imageSizes = "(min-width: 44rem) 41.5rem, (min-width: 36rem) calc(100vw - 2.5rem), calc(100vw - 2rem)"

// picture is what a page shows of an image.
type picture struct {
	url           string // the fallback: <img src>
	width, height int
	srcset        string // WebP variants; "" for an image shown as it is
	thumb         string // the medium variant's URL, for lists and cards
}

func (p picture) markdown() markdown.ImageInfo {
	info := markdown.ImageInfo{URL: p.url, Width: p.width, Height: p.height}
	if p.srcset != "" {
		info.SrcSet, info.Type, info.Sizes = p.srcset, "image/webp", imageSizes
	}
	return info
}

func (p picture) hero(alt, caption string) *render.Image {
	img := &render.Image{URL: p.url, Alt: alt, Caption: caption, Width: p.width, Height: p.height, Thumb: p.thumb}
	if p.srcset != "" {
		img.SrcSet, img.Type, img.Sizes = p.srcset, "image/webp", imageSizes
	}
	return img
}

// placed is where a published image goes: its output path and URL.
type placed struct {
	dst, url string
}

// variant returns the place of a made file beside pl: photo.jpg gives
// photo-960w.1a2b3c4d.webp. The hash part changes with the content, so
// the file can be cached for ever.
func (pl placed) variant(s imaging.Spec, key string) placed {
	dir, name := path.Split(pl.dst)
	stem := strings.TrimSuffix(name, path.Ext(name))
	v := fmt.Sprintf("%s-%dw.%s%s", stem, s.Width, key[:8], s.Ext())
	udir := pl.url[:strings.LastIndex(pl.url, "/")+1]
	return placed{dst: dir + v, url: udir + url.PathEscape(v)}
}

// picture decides what a page shows of f, published at pl (where the
// file itself would go), and returns the files to write. by names what
// uses it. The original itself is among them only when it is the
// fallback; original says whether, so the caller publishes it.
func (b *builder) picture(f *imageFile, pl placed, by string) (pic picture, made []asset, original bool) {
	pic = picture{url: pl.url, width: f.info.Width, height: f.info.Height}
	if f.info.Passthrough() {
		return pic, nil, true
	}
	f.shown.Store(true)
	var srcset []string
	for i, s := range f.plan.Variants {
		v := pl.variant(s, f.keys[i])
		made = append(made, b.cached(f, f.keys[i], v.dst, by))
		srcset = append(srcset, fmt.Sprintf("%s %dw", v.url, s.Width))
		if pic.thumb == "" || s.Width <= 960 {
			pic.thumb = v.url
		}
	}
	pic.srcset = strings.Join(srcset, ", ")
	if !f.plan.Original {
		fb := f.plan.Fallback
		key := f.keys[len(f.keys)-1]
		v := pl.variant(fb, key)
		made = append(made, b.cached(f, key, v.dst, by))
		pic.url, pic.width, pic.height = v.url, fb.Width, fb.Height
	}
	return pic, made, f.plan.Original
}

// cached is the job of writing the cache entry key to dst. makeImages
// has made every entry before the jobs run.
func (b *builder) cached(f *imageFile, key, dst, by string) asset {
	return asset{src: f.src, dst: dst, by: by, run: func() ([]byte, error) {
		data, err := b.images.cache.Get(key)
		if err != nil {
			return nil, fmt.Errorf("%s: a variant is missing from the cache (%v); build again", f.src, err)
		}
		return data, nil
	}}
}

// original is the job of publishing f as it is: without its metadata,
// unless keep.
func (b *builder) original(f *imageFile, dst, by string, keep bool) asset {
	a := asset{src: f.src, dst: dst, by: by}
	if keep || b.images.keepMetadata {
		a.run = func() ([]byte, error) { return readAll(b.root.FS(), f.src) }
	}
	return a
}

// scrubImage returns the bytes of a site file to publish, stripped of
// the metadata an image holds (see imaging.Strip).
func scrubImage(name string, data []byte) ([]byte, error) {
	return imaging.Strip(imaging.FormatOf(name), data)
}
