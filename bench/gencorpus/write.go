package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
)

// options are the generator's settings, one per flag.
type options struct {
	n         int    // number of entries
	out       string // shiplog site directory
	seed      uint64 // corpus seed
	photos    int    // number of entries with a hero photo
	hugo      string // Hugo site directory, or "" for none
	pagerSize bool   // write Hugo ≥ 0.128 pagination config
}

// shiplogConfig is DIR/shiplog.toml.
const shiplogConfig = `title = "Bench log"
author = "Bench"
base_url = "https://bench.example/"
tagline = "Things I built. Things that broke."
`

// generate writes the corpus described by o. Both output directories must be
// missing or empty, so that a corpus never mixes with the leftovers of a
// larger one.
func generate(o options) error {
	dirs := []string{o.out}
	if o.hugo != "" {
		dirs = append(dirs, o.hugo)
	}
	for _, d := range dirs {
		if err := ensureEmptyDir(d); err != nil {
			return err
		}
	}
	if err := writeSiteFiles(o); err != nil {
		return err
	}
	return parallel(o.n, func(i int) error { return writeEntry(o, i) })
}

// writeSiteFiles writes the configuration files and the Hugo theme, and
// creates every directory that entries and photos go into.
func writeSiteFiles(o options) error {
	files := map[string]string{filepath.Join(o.out, "shiplog.toml"): shiplogConfig}
	var dirs []string
	for _, p := range projects {
		dirs = append(dirs, filepath.Join(o.out, "log", p.name))
	}
	if o.photos > 0 {
		dirs = append(dirs, filepath.Join(o.out, "log", "photos"))
	}
	if o.hugo != "" {
		files[filepath.Join(o.hugo, "hugo.toml")] = hugoConfig(o.pagerSize)
		for p, text := range hugoLayouts {
			files[filepath.Join(o.hugo, filepath.FromSlash(p))] = text
		}
		for _, p := range projects {
			dirs = append(dirs, filepath.Join(o.hugo, "content", "log", p.name))
		}
		if o.photos > 0 {
			dirs = append(dirs, filepath.Join(o.hugo, "static", "log", "photos"))
		}
	}
	for name := range files {
		dirs = append(dirs, filepath.Dir(name))
	}
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	for name, text := range files {
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// writeEntry generates entry i and writes it to the shiplog site and, with
// -hugo, to the Hugo site; for i < o.photos it also renders the entry's photo
// and writes it to DIR/log/photos/ (and HUGODIR/static/log/photos/).
func writeEntry(o options, i int) error {
	e := newEntry(o.seed, i, i < o.photos)
	if err := os.WriteFile(filepath.Join(o.out, filepath.FromSlash(e.path())), e.shiplog(), 0o644); err != nil {
		return err
	}
	if o.hugo != "" {
		if err := os.WriteFile(filepath.Join(o.hugo, "content", filepath.FromSlash(e.path())), e.hugo(), 0o644); err != nil {
			return err
		}
	}
	if e.hero == nil {
		return nil
	}
	data, err := photoJPEG(derive(derive(o.seed, uint64(i)), streamPhoto))
	if err != nil {
		return fmt.Errorf("photo %d: %w", i, err)
	}
	paths := []string{filepath.Join(o.out, "log", "photos", e.hero.file)}
	if o.hugo != "" {
		paths = append(paths, filepath.Join(o.hugo, "static", "log", "photos", e.hero.file))
	}
	for _, p := range paths {
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// parallel calls fn(i) for every i in [0, n) on all cores and returns the
// errors joined. Each entry depends only on its own seed, so the order in
// which workers take indexes does not change any byte written.
func parallel(n int, fn func(i int) error) error {
	var (
		next atomic.Int64
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := fn(i); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// ensureEmptyDir creates dir, or checks that it exists and is empty.
func ensureEmptyDir(dir string) error {
	names, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return os.MkdirAll(dir, 0o755)
	case err != nil:
		return err
	case len(names) > 0:
		return fmt.Errorf("%s is not empty (remove it, or pick another directory)", dir)
	}
	return nil
}
