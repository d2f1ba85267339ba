package imaging

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Cache keeps made files in a folder (a site's .shiplog/cache/images/),
// one file per key, each behind a header holding the checksum of its
// content. It is safe for concurrent use by one process; entries are
// written to a temporary file and renamed into place, so a build that is
// killed leaves no half-written entry under a real key.
type Cache struct {
	dir string
}

// OpenCache returns the cache in dir; the folder is made when first written.
func OpenCache(dir string) *Cache { return &Cache{dir: dir} }

// Dir is the cache's folder.
func (c *Cache) Dir() string { return c.dir }

// Errors from Get.
var (
	ErrMiss    = errors.New("not in the cache")
	ErrCorrupt = errors.New("cache entry is damaged")
)

const cacheMagic = "shiplog-cache-1\n"

func (c *Cache) path(key string) string {
	return filepath.Join(c.dir, key[:2], key)
}

// Get returns what was stored under key. A file that fails its checksum
// (cut short, overwritten, bit rot) is removed and reported as ErrCorrupt,
// so the caller makes it again.
func (c *Cache) Get(key string) ([]byte, error) {
	if len(key) < 3 {
		return nil, ErrMiss
	}
	raw, err := os.ReadFile(c.path(key))
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrMiss
	}
	if err != nil {
		return nil, err
	}
	head := len(cacheMagic) + sha256.Size
	if len(raw) < head || string(raw[:len(cacheMagic)]) != cacheMagic {
		os.Remove(c.path(key))
		return nil, ErrCorrupt
	}
	data := raw[head:]
	if sum := sha256.Sum256(data); !bytes.Equal(sum[:], raw[len(cacheMagic):head]) {
		os.Remove(c.path(key))
		return nil, ErrCorrupt
	}
	return data, nil
}

// Has reports whether key holds a sound entry, reading and checking it.
func (c *Cache) Has(key string) (bool, error) {
	_, err := c.Get(key)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, ErrMiss):
		return false, nil
	}
	return false, err
}

// Put stores data under key.
func (c *Cache) Put(key string, data []byte) error {
	p := c.path(key)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	_, err = f.Write(append(append([]byte(cacheMagic), sum[:]...), data...))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), p)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// Prune removes the entries whose keys are not in keep and that were
// written more than age before now, and temporary files left by a killed
// build. It returns how many files it removed. A variant no page has
// shown for that long is made again if a page shows it again.
func (c *Cache) Prune(keep map[string]bool, age time.Duration, now time.Time) (int, error) {
	dirs, err := os.ReadDir(c.dir)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range dirs {
		if !d.IsDir() || len(d.Name()) != 2 {
			continue
		}
		files, err := os.ReadDir(filepath.Join(c.dir, d.Name()))
		if err != nil {
			return n, err
		}
		for _, f := range files {
			name := f.Name()
			if keep[name] {
				continue
			}
			info, err := f.Info()
			if err != nil {
				continue
			}
			limit := age
			if strings.HasPrefix(name, ".tmp-") {
				limit = time.Hour
			}
			if now.Sub(info.ModTime()) > limit {
				if os.Remove(filepath.Join(c.dir, d.Name(), name)) == nil {
					n++
				}
			}
		}
	}
	return n, nil
}
