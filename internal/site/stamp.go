package site

// A one-off build whose inputs are exactly those of the build that made
// the output folder has nothing to do: the output is already what it
// would write. So after a build the output manifest (output.go) also
// keeps a stamp of the inputs and the build's report, and the next
// build first takes the stamp again; when it is the same and every file
// of the manifest is still in place, the build is done, without loading
// a single entry.
//
// The stamp hashes:
//
//   - the program (buildcache.ProgramID) and the options that change the
//     output (drafts, future entries, strict, the output folder);
//   - the site's time zone, as the offsets it gives (TZ and tzdata);
//   - every file and folder under the site's folder, as its path, type,
//     size, modification and change times, inode and device, except the
//     output folder, its staging folders, version control folders and
//     .shiplog/ (only its ticker cache is an input; the caches do not
//     change what a build writes).
//
// It is the way git's index and make decide a file is unchanged, with
// git's answer to "racy" files: a file modified within stampRace of the
// stamp could change again within the same clock tick without its stat
// changing, so such a stamp is not kept, and the next build runs in
// full (and keeps its stamp). A log with a symbolic link anywhere gets
// no stamp either: the link's target could change unseen. The stamp
// holds from the date of the newest entry shown until the first entry
// left out as dated in the future is due.
//
// A stamp that does not match costs nothing but the walk: the build runs
// as before, with its per-entry cache and per-page fingerprints.

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shiplog/shiplog/internal/buildcache"
	"github.com/shiplog/shiplog/internal/diag"
	"github.com/shiplog/shiplog/internal/ticker"
)

const stampFormat = "inputs 1"

// stampRace is how close to the stamp a file may have been modified and
// still be trusted not to change unseen (FAT's clock ticks in 2 s).
const stampRace = 2 * time.Second

// vcsDirs are version control folders, never read by a build.
var vcsDirs = map[string]bool{".git": true, ".hg": true, ".svn": true, ".jj": true}

// takeStamp returns the stamp of the inputs of a build with opts (whose
// Out is set) in the time zone loc, or the zero key when the inputs
// cannot be trusted to show every change in their stat (see above).
func takeStamp(opts Options, loc *time.Location) buildcache.Key {
	start := time.Now()
	src, err := filepath.Abs(opts.Src)
	if err != nil {
		return buildcache.Key{}
	}
	out, err := filepath.Abs(opts.Out)
	if err != nil {
		return buildcache.Key{}
	}
	staging := "." + filepath.Base(out) + ".staging-"
	tickerCache := filepath.FromSlash(ticker.CacheFile)

	h := buildcache.NewHasher().String(stampFormat).String(buildcache.ProgramID()).String(out)
	h.String(strconv.FormatBool(opts.Drafts)).String(strconv.FormatBool(opts.Now.IsZero())).String(strconv.FormatBool(opts.Strict))
	for y := 1970; y <= 2100; y += 2 {
		for _, m := range []time.Month{time.January, time.July} {
			name, off := time.Date(y, m, 1, 12, 0, 0, 0, loc).Zone()
			h.String(name).Int(int64(off))
		}
	}

	race := opts.stampRace
	switch {
	case race == 0:
		race = stampRace
	case race < 0:
		race = 0
	}
	trusted := true
	racy := start.Add(-race).UnixNano()
	err = filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		name := d.Name()
		if d.IsDir() && p != src {
			switch {
			case p == out, vcsDirs[name], filepath.Dir(p) == filepath.Dir(out) && len(name) > len(staging) && name[:len(staging)] == staging:
				return filepath.SkipDir
			case rel == ".shiplog": // made by the first build; only its ticker cache is an input
				return filepath.SkipDir
			}
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			// A folder by its name only: its entries are walked, and its
			// times change whenever a build stages beside the output.
			h.String(rel).Int(int64(fs.ModeDir))
			return nil
		}
		if !info.Mode().IsRegular() || !hashStat(h, rel, info, racy) {
			trusted = false // a link, a device, a file too fresh to trust
			return filepath.SkipAll
		}
		return nil
	})
	if err != nil || !trusted {
		return buildcache.Key{}
	}
	if info, err := os.Lstat(filepath.Join(src, tickerCache)); err == nil {
		if !info.Mode().IsRegular() || !hashStat(h, tickerCache, info, racy) {
			return buildcache.Key{}
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return buildcache.Key{}
	}
	return h.Key()
}

// hashStat adds a file's stat to h and reports whether it can be
// trusted: modified (or changed) before racy, in Unix nanoseconds.
func hashStat(h *buildcache.Hasher, rel string, info fs.FileInfo, racy int64) bool {
	mtime := info.ModTime().UnixNano()
	h.String(rel).Int(int64(info.Mode())).Int(info.Size()).Int(mtime)
	ctime, ino, dev, ok := sysStat(info)
	if ok {
		h.Int(ctime).Int(int64(ino)).Int(int64(dev))
	}
	return mtime < racy && ctime < racy
}

// savedReport is what a build whose output is up to date reports: what
// the build that made the output reported.
type savedReport struct {
	Entries, Pages, Files, Drafts, Future int
	Warnings                              diag.List
	Images                                ImageReport
}

func encodeReport(rep *Report) []byte {
	var warnings diag.List
	for _, p := range rep.Problems {
		if p.Severity == diag.Warning {
			warnings = append(warnings, p)
		}
	}
	data, err := json.Marshal(savedReport{Entries: rep.Entries, Pages: rep.Pages, Files: rep.Files, Drafts: rep.Drafts, Future: rep.Future, Warnings: warnings, Images: rep.Images})
	if err != nil {
		return nil
	}
	return data
}

// upToDate reports whether the output folder st.out already holds what a
// build whose inputs have the stamp key would write, and if so fills rep
// with what the build that made it reported.
func upToDate(manifests *buildcache.Cache, out string, key buildcache.Key, now time.Time, rep *Report) bool {
	if key == (buildcache.Key{}) {
		return false
	}
	data, ok := manifests.Get(manifestKey(out))
	if !ok {
		return false
	}
	m, err := decodeManifest(data)
	if err != nil || m.inputs != key || m.marker == "" || m.marker != markerID(out) {
		return false
	}
	if !now.IsZero() && (m.until != 0 && now.UnixNano() >= m.until || now.UnixNano() < m.from) {
		return false // an entry dated in the future is due, or the clock went back past one shown
	}
	var saved savedReport
	if err := json.Unmarshal(m.report, &saved); err != nil {
		return false
	}
	if !intactAll(out, m.files) {
		return false
	}
	rep.Entries, rep.Pages, rep.Files, rep.Drafts, rep.Future = saved.Entries, saved.Pages, saved.Files, saved.Drafts, saved.Future
	rep.Problems.Add(saved.Warnings...)
	rep.Images = saved.Images
	return true
}

// outputManifests is the cache of output manifests of the log in src.
func outputManifests(src string) *buildcache.Cache {
	return buildcache.Open(filepath.Join(src, ".shiplog", "cache", "outputs"))
}

// intactAll reports whether every file of files is still in out, of its
// recorded size: the check a rebuild makes of each file it keeps.
func intactAll(out string, files map[string]outFile) bool {
	paths := make(chan string, 256)
	var bad atomic.Bool
	var wg sync.WaitGroup
	for range 4 { // stat waits on the file system more than on a core
		wg.Go(func() {
			for p := range paths {
				if bad.Load() {
					continue
				}
				info, err := os.Lstat(filepath.Join(out, filepath.FromSlash(p)))
				if err != nil || !info.Mode().IsRegular() || info.Size() != files[p].size {
					bad.Store(true)
				}
			}
		})
	}
	for p := range files {
		if bad.Load() {
			break
		}
		paths <- p
	}
	close(paths)
	wg.Wait()
	return !bad.Load()
}
