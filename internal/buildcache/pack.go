package buildcache

// A Pack keeps many values in a few files instead of one file each. A
// build caches one rendered entry per entry: with a file each, a cold
// build of 1,000 entries created, renamed and looked for 1,000 files,
// about a tenth of its CPU on this project's machines (creating a file
// costs far more than appending to one), and a rebuild opened 10,000
// files to read a 10k log's entries back.
//
// A pack is two files in the cache's folder, named after the process
// that wrote it and when:
//
//	<name>.pack  "shiplog-pack 1\n", then records: a CRC-32C of the
//	             rest of the record, the value's length (4 bytes, big
//	             endian), the key, the value's SHA-256, the value
//	<name>.idx   "shiplog-pack-idx 1\n", then per record its key, offset
//	             and length (8 and 4 bytes, big endian) and SHA-256, then
//	             a CRC-32C of all that
//
// A process appends the values it stores to a pack of its own, and
// writes that pack's index (to a temporary file renamed into place) when
// it prunes, which a build does at its end. A pack without an index (its
// writer was killed, or is still writing) is not read, and is removed
// once it is an hour old. Two processes (shiplog serve and shiplog build)
// can share a folder: each reads the packs indexed when it opened the
// cache, through files it keeps open, so a pack the other removes stays
// readable to it. Every read checks its record's CRC and key; a damaged
// record is a miss, as with Cache.

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const (
	packMagic  = "shiplog-pack 1\n"
	indexMagic = "shiplog-pack-idx 1\n"
	recordHead = 4 + 4 + 2*sha256.Size // CRC, length, key, SHA-256
	indexEntry = sha256.Size + 8 + 4 + sha256.Size
	// maxPacks is how many packs pruning leaves before it merges them:
	// every rebuild after an edit writes a small one.
	maxPacks = 8
	// staleAfter is how old a pack without an index must be to be
	// removed as left by a killed writer.
	staleAfter = time.Hour
)

// Pack is a folder of packed values. It is safe for concurrent use. A
// nil *Pack holds nothing.
type Pack struct {
	dir string

	once    sync.Once
	mu      sync.Mutex
	index   map[Key]packLoc
	used    map[Key]bool
	packs   []*packFile // every pack read or written, oldest first
	cur     *packFile   // the pack this process appends to; nil before the first store
	counter int

	hits, misses, puts, corrupt, pruned atomic.Int64
}

// packLoc is where a value is: its pack and its place in that pack's
// records (which only grow, so the place holds).
type packLoc struct {
	pack *packFile
	i    int
}

// packFile is an open pack.
type packFile struct {
	name    string // without its extension
	f       *os.File
	size    int64         // its size, pending records included
	records []packIndexed // what its index lists (or will)
	indexed int           // how many of records the index on disk lists
	// pending are the last records appended, not yet written: the file
	// is written a megabyte at a time, as a write per record (one per
	// entry of a cold build) cost a tenth of a second per thousand
	// entries, under the lock every renderer waits on. They end at size.
	pending []byte
}

// packWriteSize is how many bytes of records a pack gathers before it
// writes them.
const packWriteSize = 1 << 20

type packIndexed struct {
	key Key
	off int64
	n   int
	sum Key
}

// OpenPack returns the pack cache in dir, which is created when first
// written. Nothing is read until the cache is first used. Close it when
// done.
func OpenPack(dir string) *Pack {
	return &Pack{dir: dir}
}

var shared sync.Map // folder → *Pack

// SharedPack returns the process's one Pack for dir, for a process that
// builds again and again (the dev server): it reads the packs' indexes
// once and keeps one set of open files. It is never closed; Flush it
// after each build so other processes see what it stored.
func SharedPack(dir string) *Pack {
	if c, ok := shared.Load(dir); ok {
		return c.(*Pack)
	}
	c, _ := shared.LoadOrStore(dir, OpenPack(dir))
	return c.(*Pack)
}

// Flush writes the index of the values stored since the last Flush or
// Prune, so other processes read them.
func (c *Pack) Flush() error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cur == nil || c.cur.indexed == len(c.cur.records) {
		return nil
	}
	return c.writeIndexLocked(c.cur)
}

// Close flushes the cache and closes its files. The cache must not be
// used after.
func (c *Pack) Close() error {
	if c == nil {
		return nil
	}
	err := c.Flush()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, p := range c.packs {
		p.f.Close()
	}
	c.packs, c.cur, c.index = nil, nil, map[Key]packLoc{}
	return err
}

// Dir returns the cache's folder ("" for a nil cache).
func (c *Pack) Dir() string {
	if c == nil {
		return ""
	}
	return c.dir
}

// load reads the indexes of the packs in the folder. A pack whose index
// is damaged or whose file cannot be opened is left out.
func (c *Pack) load() {
	c.once.Do(func() {
		c.index, c.used = map[Key]packLoc{}, map[Key]bool{}
		names, _ := filepath.Glob(filepath.Join(c.dir, "*.idx"))
		for _, idx := range names {
			name := strings.TrimSuffix(idx, ".idx")
			p, err := openIndexed(name)
			if err != nil {
				continue
			}
			c.packs = append(c.packs, p)
			for i, r := range p.records {
				if _, ok := c.index[r.key]; !ok {
					c.index[r.key] = packLoc{p, i}
				}
			}
		}
	})
}

// openIndexed opens the pack name and reads its index.
func openIndexed(name string) (*packFile, error) {
	data, err := os.ReadFile(name + ".idx")
	if err != nil {
		return nil, err
	}
	body, ok := bytes.CutPrefix(data, []byte(indexMagic))
	if !ok || len(body) < 4 || (len(body)-4)%indexEntry != 0 {
		return nil, errCorruptPack
	}
	body, crc := body[:len(body)-4], binary.BigEndian.Uint32(body[len(body)-4:])
	if crc32.Checksum(body, castagnoli) != crc {
		return nil, errCorruptPack
	}
	f, err := os.Open(name + ".pack")
	if err != nil {
		return nil, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	p := &packFile{name: name, f: f, size: info.Size(), records: make([]packIndexed, 0, len(body)/indexEntry)}
	for ; len(body) > 0; body = body[indexEntry:] {
		var r packIndexed
		copy(r.key[:], body)
		r.off = int64(binary.BigEndian.Uint64(body[sha256.Size:]))
		r.n = int(binary.BigEndian.Uint32(body[sha256.Size+8:]))
		copy(r.sum[:], body[sha256.Size+12:])
		if r.off < int64(len(packMagic)) || r.off+recordHead+int64(r.n) > p.size {
			f.Close()
			return nil, errCorruptPack
		}
		p.records = append(p.records, r)
	}
	return p, nil
}

var errCorruptPack = errors.New("damaged pack index")

// Get returns the value stored under k. A missing or damaged value is a
// miss.
func (c *Pack) Get(k Key) ([]byte, bool) {
	v, _, ok := c.Lookup(k)
	return v, ok
}

// Lookup returns the value stored under k and its SHA-256.
func (c *Pack) Lookup(k Key) (v []byte, sum Key, ok bool) {
	if c == nil {
		return nil, sum, false
	}
	v, sum, ok = c.read(k)
	if !ok {
		c.misses.Add(1)
		return nil, sum, false
	}
	c.hits.Add(1)
	c.mu.Lock()
	c.used[k] = true
	c.mu.Unlock()
	return v, sum, true
}

// Reread returns the value stored under k, like Get, for a caller that
// got it before and let it go: it counts as neither a hit nor a miss.
func (c *Pack) Reread(k Key) ([]byte, bool) {
	if c == nil {
		return nil, false
	}
	v, _, ok := c.read(k)
	return v, ok
}

// read reads k's record and checks it. A damaged record is forgotten,
// so the value is stored again.
func (c *Pack) read(k Key) (v []byte, sum Key, ok bool) {
	c.load()
	var rec []byte
	read := false
	c.mu.Lock()
	loc, ok := c.index[k]
	var r packIndexed
	if ok {
		r = loc.pack.records[loc.i] // under the lock: appends grow records
		rec = make([]byte, recordHead+r.n)
		// A record not written yet is copied from what is pending.
		if start := loc.pack.size - int64(len(loc.pack.pending)); r.off >= start {
			copy(rec, loc.pack.pending[r.off-start:])
			read = true
		}
	}
	c.mu.Unlock()
	if !ok {
		return nil, sum, false
	}
	if !read {
		_, err := loc.pack.f.ReadAt(rec, r.off)
		read = err == nil
	}
	if read && checkRecord(rec, k) {
		return rec[recordHead:], r.sum, true
	}
	c.corrupt.Add(1)
	c.mu.Lock()
	if c.index[k] == loc {
		delete(c.index, k)
	}
	c.mu.Unlock()
	return nil, sum, false
}

// checkRecord reports whether rec is a whole, undamaged record of k.
func checkRecord(rec []byte, k Key) bool {
	if len(rec) < recordHead || int(binary.BigEndian.Uint32(rec[4:])) != len(rec)-recordHead {
		return false
	}
	return crc32.Checksum(rec[4:], castagnoli) == binary.BigEndian.Uint32(rec) && Key(rec[8:8+sha256.Size]) == k
}

// Put stores v under k. A cache that cannot be written is not an error a
// build should fail on, so Put's error is for tests and logs only.
func (c *Pack) Put(k Key, v []byte) error {
	_, err := c.Store(k, v)
	return err
}

// Store stores v under k, like Put, and returns v's SHA-256 (also when
// the cache is nil or cannot be written).
func (c *Pack) Store(k Key, v []byte) (Key, error) {
	sum := Key(sha256.Sum256(v))
	if c == nil {
		return sum, nil
	}
	c.load()
	var head [recordHead]byte
	binary.BigEndian.PutUint32(head[4:], uint32(len(v)))
	copy(head[8:], k[:])
	copy(head[8+sha256.Size:], sum[:])
	crc := crc32.Update(crc32.Checksum(head[4:], castagnoli), castagnoli, v)
	binary.BigEndian.PutUint32(head[:], crc)

	c.mu.Lock()
	defer c.mu.Unlock()
	c.used[k] = true
	if loc, ok := c.index[k]; ok && loc.pack.records[loc.i].sum == sum {
		return sum, nil // stored already (two entries can render alike)
	}
	if err := c.appendLocked(k, sum, head[:], v); err != nil {
		return sum, err
	}
	c.puts.Add(1)
	return sum, nil
}

// appendLocked appends the record of k, its head and then its value v,
// to the process's pack. It is written with the records after it, once
// they are a megabyte, or when the index is written.
func (c *Pack) appendLocked(k, sum Key, head, v []byte) error {
	if c.cur == nil {
		p, err := c.newPackLocked()
		if err != nil {
			return err
		}
		c.cur = p
	}
	p := c.cur
	if p.pending == nil {
		p.pending = make([]byte, 0, packWriteSize+len(head)+len(v))
	}
	p.pending = append(append(p.pending, head...), v...)
	r := packIndexed{key: k, off: p.size, n: len(v), sum: sum}
	p.size += int64(len(head) + len(v))
	p.records = append(p.records, r)
	c.index[k] = packLoc{p, len(p.records) - 1}
	if len(p.pending) >= packWriteSize {
		return c.writePendingLocked(p)
	}
	return nil
}

// writePendingLocked writes p's pending records. When that fails they
// are forgotten, so they are neither read nor indexed.
func (c *Pack) writePendingLocked(p *packFile) error {
	if len(p.pending) == 0 {
		return nil
	}
	start := p.size - int64(len(p.pending))
	_, err := p.f.WriteAt(p.pending, start)
	if cap(p.pending) > 4*packWriteSize {
		p.pending = nil // one huge value grew it
	} else {
		p.pending = p.pending[:0]
	}
	if err != nil {
		p.size = start
		for len(p.records) > p.indexed && p.records[len(p.records)-1].off >= start {
			r := p.records[len(p.records)-1]
			if c.index[r.key] == (packLoc{p, len(p.records) - 1}) {
				delete(c.index, r.key)
			}
			p.records = p.records[:len(p.records)-1]
		}
	}
	return err
}

// newPackLocked creates a pack for this process to append to.
func (c *Pack) newPackLocked() (*packFile, error) {
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return nil, err
	}
	c.counter++
	name := filepath.Join(c.dir, fmt.Sprintf("%d-%d-%d", time.Now().UnixNano(), os.Getpid(), c.counter))
	f, err := os.OpenFile(name+".pack", os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, err
	}
	if _, err := f.WriteString(packMagic); err != nil {
		f.Close()
		os.Remove(name + ".pack")
		return nil, err
	}
	p := &packFile{name: name, f: f, size: int64(len(packMagic))}
	c.packs = append(c.packs, p)
	return p, nil
}

// Prune keeps what was read or stored since the cache was opened. A
// pack of earlier builds that holds nothing used is removed; one whose
// bytes are mostly unused, or the smallest ones when there are more
// than maxPacks, have what is used moved into this process's pack and
// are removed. The process's own pack is never copied (at 100,000
// entries it is gigabytes), and its index is written. Packs left by
// killed writers and the older one-file-per-value layout are removed.
func (c *Pack) Prune() error {
	if c == nil {
		return nil
	}
	c.load()
	c.mu.Lock()
	defer c.mu.Unlock()
	type usage struct {
		p          *packFile
		live, size int64
	}
	var others []usage
	for _, p := range c.packs {
		if p == c.cur {
			continue
		}
		u := usage{p: p}
		for i, r := range p.records {
			u.size += int64(r.n)
			if c.used[r.key] && c.index[r.key] == (packLoc{p, i}) {
				u.live += int64(r.n)
			}
		}
		others = append(others, u)
	}
	slices.SortFunc(others, func(a, b usage) int { return cmp.Compare(a.size, b.size) })
	var firstErr error
	for i, u := range others {
		left := len(others) - i // packs not yet looked at, this one included
		if u.live > 0 && u.size-u.live <= u.live && left < maxPacks {
			continue // mostly used, and few enough: kept as it is
		}
		if err := c.dropLocked(u.p); err != nil {
			firstErr = err
			break
		}
	}
	if c.cur != nil && c.cur.indexed < len(c.cur.records) {
		firstErr = cmpErr(firstErr, c.writeIndexLocked(c.cur))
	}
	c.removeLeftovers()
	return firstErr
}

// dropLocked moves what is used in p into the process's pack, writes
// that pack's index, then removes p. When moving fails, p is kept.
func (c *Pack) dropLocked(p *packFile) error {
	moved := false
	for i, r := range p.records {
		if c.index[r.key] != (packLoc{p, i}) {
			continue // not there any more, or read from another pack
		}
		if !c.used[r.key] {
			delete(c.index, r.key)
			c.pruned.Add(1)
			continue
		}
		rec := make([]byte, recordHead+r.n)
		if _, err := p.f.ReadAt(rec, r.off); err != nil || !checkRecord(rec, r.key) {
			delete(c.index, r.key)
			continue
		}
		if err := c.appendLocked(r.key, r.sum, rec[:recordHead], rec[recordHead:]); err != nil {
			return err
		}
		moved = true
	}
	if moved {
		// The moved values must be indexed before their old pack goes.
		if err := c.writeIndexLocked(c.cur); err != nil {
			return err
		}
	}
	os.Remove(p.name + ".idx")
	os.Remove(p.name + ".pack")
	p.f.Close() // a read racing this fails, and is a miss
	c.packs = slices.DeleteFunc(c.packs, func(q *packFile) bool { return q == p })
	return nil
}

// writeIndexLocked writes p's pending records, then its index next to
// it.
func (c *Pack) writeIndexLocked(p *packFile) error {
	if err := c.writePendingLocked(p); err != nil {
		return err
	}
	buf := make([]byte, 0, len(indexMagic)+len(p.records)*indexEntry+4)
	buf = append(buf, indexMagic...)
	for _, r := range p.records {
		buf = append(buf, r.key[:]...)
		buf = binary.BigEndian.AppendUint64(buf, uint64(r.off))
		buf = binary.BigEndian.AppendUint32(buf, uint32(r.n))
		buf = append(buf, r.sum[:]...)
	}
	buf = binary.BigEndian.AppendUint32(buf, crc32.Checksum(buf[len(indexMagic):], castagnoli))
	tmp := p.name + ".idx.tmp"
	if err := os.WriteFile(tmp, buf, 0o644); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, p.name+".idx"); err != nil {
		return err
	}
	p.indexed = len(p.records)
	return nil
}

// removeLeftovers removes packs without an index that are old enough to
// have been left by a killed writer, and the folders and files of the
// one-file-per-value layout (Cache) this folder may hold from an older
// shiplog.
func (c *Pack) removeLeftovers() {
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return
	}
	mine := map[string]bool{}
	for _, p := range c.packs {
		mine[filepath.Base(p.name)] = true
	}
	for _, e := range entries {
		name := e.Name()
		full := filepath.Join(c.dir, name)
		switch {
		case e.IsDir() && len(name) == 2: // a shard of the older layout
			if n := countFilesIn(full); os.RemoveAll(full) == nil {
				c.pruned.Add(int64(n))
			}
		case strings.HasSuffix(name, ".pack") || strings.HasSuffix(name, ".idx.tmp"):
			base := strings.TrimSuffix(strings.TrimSuffix(name, ".pack"), ".idx.tmp")
			if mine[base] {
				continue
			}
			if _, err := os.Stat(filepath.Join(c.dir, base+".idx")); err == nil && strings.HasSuffix(name, ".pack") {
				continue // indexed by a process that opened the cache after this one
			}
			if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > staleAfter {
				os.Remove(full)
			}
		}
	}
}

func countFilesIn(dir string) int {
	n := 0
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return nil
	})
	return n
}

// Len returns the number of values the cache holds (for tests and
// reports).
func (c *Pack) Len() int {
	if c == nil {
		return 0
	}
	c.load()
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.index)
}

// Stats returns what the cache did since it was opened.
func (c *Pack) Stats() Stats {
	if c == nil {
		return Stats{}
	}
	return Stats{Hits: c.hits.Load(), Misses: c.misses.Load(), Puts: c.puts.Load(), Corrupt: c.corrupt.Load(), Pruned: c.pruned.Load()}
}
