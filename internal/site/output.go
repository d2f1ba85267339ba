package site

// Rebuilds touch only what changed. After every build the cache keeps a
// manifest of the output folder (DIR/.shiplog/cache/outputs/): for each
// file, the fingerprint of the job that wrote it (a hash of everything
// the page shows, when the job has one) and its size. The next build into the same folder trusts the manifest when the
// folder's marker file is the one the manifest names, and then:
//
//   - a job whose fingerprint is unchanged is not run at all;
//   - a job whose bytes come out the same as the file in the output
//     folder is not written (the two are compared byte for byte: a
//     hash of every page would cost a cold build more than the reads
//     cost a rebuild, see store);
//   - only new and changed files go to the staging folder; when the whole
//     build succeeded they are renamed into the output one by one, and the
//     files of the previous build that no job wrote are removed.
//
// So unchanged files keep their bytes, inode and modification time (rsync
// and deploys skip them), a failed build still leaves the output exactly
// as it was, and a no-change rebuild writes nothing. The manifest is
// removed before the output is touched and saved after, so a build killed
// while moving files in leaves no manifest, and the next build replaces
// the output whole, as a build without a manifest always does.

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/shiplog/shiplog/internal/buildcache"
)

// outFile is one file of an output folder.
type outFile struct {
	fp   buildcache.Key // of the inputs of the job that wrote it; zero when it has none
	size int64
}

// manifest is what a build wrote into an output folder.
type manifest struct {
	marker string // markerID of the folder when the manifest was saved
	files  map[string]outFile

	// The build that wrote it (stamp.go): the stamp of its inputs (zero
	// when they could not be trusted), the times between which a build
	// shows the same entries (Unix nanoseconds, from ≤ now < until; 0
	// for no bound) and its report.
	inputs      buildcache.Key
	from, until int64
	report      []byte
}

const manifestFormat = "output manifest 3"

func manifestKey(out string) buildcache.Key {
	abs, err := filepath.Abs(out)
	if err != nil {
		abs = out
	}
	return buildcache.NewHasher().String(manifestFormat).String(abs).Key()
}

// markerID identifies the marker file of the output folder out: a build
// that replaces the folder writes a new one. "" when there is none.
func markerID(out string) string {
	info, err := os.Stat(filepath.Join(out, marker))
	if err != nil {
		return ""
	}
	return strconv.FormatInt(info.Size(), 10) + ":" + strconv.FormatInt(info.ModTime().UnixNano(), 10)
}

func encodeManifest(m *manifest) []byte {
	e := &encoder{}
	e.str(m.marker)
	e.bytes(m.inputs[:])
	e.buf = binary.AppendVarint(e.buf, m.from)
	e.buf = binary.AppendVarint(e.buf, m.until)
	e.bytes(m.report)
	e.int(len(m.files))
	paths := make([]string, 0, len(m.files))
	for p := range m.files {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, p := range paths {
		f := m.files[p]
		e.str(p)
		e.buf = append(e.buf, f.fp[:]...)
		e.buf = binary.AppendUvarint(e.buf, uint64(f.size))
	}
	return e.buf
}

func decodeManifest(data []byte) (*manifest, error) {
	d := &decoder{buf: data}
	m := &manifest{marker: d.str()}
	inputs := d.bytes()
	if d.err != nil || len(inputs) != len(m.inputs) {
		return nil, errCorrupt
	}
	copy(m.inputs[:], inputs)
	for _, t := range []*int64{&m.from, &m.until} {
		v, w := binary.Varint(d.buf)
		if w <= 0 {
			return nil, errCorrupt
		}
		d.buf = d.buf[w:]
		*t = v
	}
	m.report = d.bytes()
	n := d.int()
	if n < 0 || n > len(data) {
		return nil, errCorrupt
	}
	m.files = make(map[string]outFile, n)
	for range n {
		p := d.str()
		var f outFile
		if len(d.buf) < len(f.fp) {
			return nil, errCorrupt
		}
		copy(f.fp[:], d.buf)
		d.buf = d.buf[len(f.fp):]
		size, w := binary.Uvarint(d.buf)
		if w <= 0 {
			return nil, errCorrupt
		}
		d.buf = d.buf[w:]
		f.size = int64(size)
		m.files[p] = f
	}
	if d.err != nil || len(d.buf) != 0 {
		return nil, errCorrupt
	}
	return m, nil
}

// remember makes s keep a manifest of what it writes in c, and, when c
// holds a manifest of the output folder that still describes it, update
// that folder in place instead of replacing it.
func (s *stage) remember(c *buildcache.Cache) {
	if c == nil {
		return
	}
	s.manifests = c
	s.next = map[string]outFile{}
	data, ok := c.Get(manifestKey(s.out))
	if !ok {
		return
	}
	m, err := decodeManifest(data)
	if err != nil || m.marker == "" || m.marker != markerID(s.out) {
		return
	}
	s.prev = m
}

// reuse reports whether the file that j would write is already in the
// output: its job's fingerprint is the one recorded, and the file is
// still there, of the recorded size.
func (s *stage) reuse(j job) bool {
	if s.prev == nil || j.fp == (buildcache.Key{}) {
		return false
	}
	f, ok := s.prev.files[j.out]
	if !ok || f.fp != j.fp || !s.intact(j.out, f) {
		return false
	}
	s.keep(j.out, f)
	s.mu.Lock()
	s.skipped++
	s.mu.Unlock()
	return true
}

// keptGroup returns jobs that keep every file the previous build wrote
// with the fingerprint fp, when there are some and all are still in
// place; else nil, and the caller makes them. by names them in messages.
func (s *stage) keptGroup(fp buildcache.Key, by string) []job {
	if s.prev == nil || fp == (buildcache.Key{}) {
		return nil
	}
	var jobs []job
	for p, f := range s.prev.files {
		if f.fp != fp {
			continue
		}
		if !s.intact(p, f) {
			return nil
		}
		jobs = append(jobs, job{out: p, by: by, fp: fp, run: func() ([]byte, error) {
			return nil, fmt.Errorf("%s changed while the build ran; build again", p)
		}})
	}
	slices.SortFunc(jobs, func(a, b job) int { return strings.Compare(a.out, b.out) })
	return jobs
}

// intact reports whether the output still holds f at rel.
func (s *stage) intact(rel string, f outFile) bool {
	info, err := os.Lstat(filepath.Join(s.out, filepath.FromSlash(rel)))
	return err == nil && info.Mode().IsRegular() && info.Size() == f.size
}

func (s *stage) keep(rel string, f outFile) {
	s.mu.Lock()
	s.next[rel] = f
	s.unchanged++
	s.mu.Unlock()
}

// store stores the output of j: nowhere when the output already holds
// these bytes, else in the staging folder.
//
// The bytes are compared with the file itself, read only when the
// manifest knows it at this size. The manifest kept a SHA-256 of every
// file until session 9: hashing every page of a cold build cost more
// (80 ms of CPU at 1k entries, 76 MB of pages, docs/benchmarks.md) than
// reading back the few pages a rebuild renders again, and the file is
// the truth where a hash only stands for it.
func (s *stage) store(j job, data []byte) error {
	if s.manifests == nil {
		return s.write(j.out, data)
	}
	f := outFile{fp: j.fp, size: int64(len(data))}
	if s.prev != nil {
		if p, ok := s.prev.files[j.out]; ok && p.size == f.size && sameBytes(filepath.Join(s.out, filepath.FromSlash(j.out)), data) {
			s.keep(j.out, f)
			return nil
		}
	}
	if err := s.write(j.out, data); err != nil {
		return err
	}
	s.mu.Lock()
	s.next[j.out] = f
	if s.prev != nil {
		s.changed = append(s.changed, j.out)
	}
	s.mu.Unlock()
	return nil
}

// apply moves the new and changed files into the output folder and
// removes the files of the previous build that this one did not write.
func (s *stage) apply() (leftover, err error) {
	if err := s.manifests.Delete(manifestKey(s.out)); err != nil {
		return nil, fmt.Errorf("update %s: %w", s.out, err)
	}
	var gone []string
	for p := range s.prev.files {
		if _, ok := s.next[p]; !ok {
			gone = append(gone, p)
		}
	}
	slices.Sort(gone)
	emptied := map[string]bool{}
	for _, p := range gone {
		if err := os.Remove(filepath.Join(s.out, filepath.FromSlash(p))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("update %s: %w", s.out, err)
		}
		s.removed++
		for d := path.Dir(p); d != "."; d = path.Dir(d) {
			emptied[d] = true
		}
	}
	// Deepest first, so a folder is removed after its subfolders; one
	// that still holds something stays.
	dirs := make([]string, 0, len(emptied))
	for d := range emptied {
		dirs = append(dirs, d)
	}
	slices.SortFunc(dirs, func(a, b string) int { return strings.Count(b, "/") - strings.Count(a, "/") })
	for _, d := range dirs {
		os.Remove(filepath.Join(s.out, filepath.FromSlash(d)))
	}
	slices.Sort(s.changed)
	made := map[string]bool{}
	for _, p := range s.changed {
		dst := filepath.Join(s.out, filepath.FromSlash(p))
		if d := filepath.Dir(dst); !made[d] {
			if err := os.MkdirAll(d, 0o755); err != nil {
				return nil, fmt.Errorf("update %s: %w", s.out, err)
			}
			made[d] = true
		}
		if err := os.Rename(filepath.Join(s.dir, filepath.FromSlash(p)), dst); err != nil {
			return nil, fmt.Errorf("update %s: %w", s.out, err)
		}
	}
	if err := os.RemoveAll(s.dir); err != nil {
		return fmt.Errorf("the staging folder is left at %s: %w", s.dir, err), nil
	}
	return nil, nil
}

// saveManifest records what the output folder now holds and, for
// stamp.go, the stamp of the inputs it was built from, when it holds and
// the build's report.
func (s *stage) saveManifest(inputs buildcache.Key, from, until int64, report []byte) {
	if s.manifests == nil {
		return
	}
	s.manifests.Put(manifestKey(s.out), encodeManifest(&manifest{marker: markerID(s.out), files: s.next, inputs: inputs, from: from, until: until, report: report}))
}

// compareBufs holds the buffers sameBytes reads into.
var compareBufs = sync.Pool{New: func() any { b := make([]byte, 64<<10); return &b }}

// sameBytes reports whether name is a regular file (not a link) that
// holds exactly data.
func sameBytes(name string, data []byte) bool {
	info, err := os.Lstat(name)
	if err != nil || !info.Mode().IsRegular() || info.Size() != int64(len(data)) {
		return false
	}
	f, err := os.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	bp := compareBufs.Get().(*[]byte)
	defer compareBufs.Put(bp)
	buf := *bp
	for {
		n, err := io.ReadFull(f, buf[:min(len(buf), len(data)+1)])
		if n > len(data) || !bytes.Equal(buf[:n], data[:n]) {
			return false // longer than data, or different
		}
		data = data[n:]
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return len(data) == 0
		}
		if err != nil {
			return false
		}
	}
}
