// Package buildcache keeps the results of expensive build steps on disk,
// keyed by a hash of everything they depend on, so that a rebuild does
// only the work whose inputs changed.
//
// A cache is a folder (shiplog uses DIR/.shiplog/cache/<kind>/). Each
// value is one file named by its key, in a subfolder named by the key's
// first byte:
//
//	ab/ab12…ef     "shiplog-cache 2\n", the SHA-256 of the value, a CRC-32C
//	               of the two, the value
//
// Values are written to a temporary file and renamed into place, so a
// reader sees a whole value or none. A value whose checksum does not
// match (a torn write, a disk error, an edit by hand) is ignored and
// removed: a cache can make a build faster, never different. The CRC is
// what a read checks (it is cheap); the SHA-256 is the value's identity,
// which Lookup returns so a caller can tell values apart without hashing
// them again.
//
// A Cache is safe for concurrent use. A nil *Cache is a cache that holds
// nothing, so callers need no special case when caching is off.
//
// A Cache suits a few values, replaced whole (the record of an output).
// Many values written by every build (rendered entries) go in a Pack
// (pack.go), which keeps them in a few files.
package buildcache

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"hash"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
)

// Key names a value: a hash of everything the value depends on.
type Key [sha256.Size]byte

func (k Key) String() string { return hex.EncodeToString(k[:]) }

// Hasher builds a Key from parts. Each part is written with its length,
// so ("ab", "c") and ("a", "bc") give different keys.
type Hasher struct{ h hash.Hash }

// NewHasher returns a Hasher.
func NewHasher() *Hasher { return &Hasher{h: sha256.New()} }

// Bytes adds a part.
func (h *Hasher) Bytes(p []byte) *Hasher {
	var n [binary.MaxVarintLen64]byte
	h.h.Write(n[:binary.PutUvarint(n[:], uint64(len(p)))])
	h.h.Write(p)
	return h
}

// String adds a part.
func (h *Hasher) String(s string) *Hasher { return h.Bytes([]byte(s)) }

// Int adds a number.
func (h *Hasher) Int(i int64) *Hasher {
	var n [binary.MaxVarintLen64]byte
	return h.Bytes(n[:binary.PutVarint(n[:], i)])
}

// Key returns the key of the parts added so far.
func (h *Hasher) Key() Key {
	var k Key
	copy(k[:], h.h.Sum(nil))
	return k
}

const magic = "shiplog-cache 2\n"

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Stats count what a cache did.
type Stats struct {
	Hits, Misses, Puts, Corrupt, Pruned int64
}

// Cache is a folder of values.
type Cache struct {
	dir string

	mu   sync.Mutex
	used map[Key]bool // keys read or written since Open: Prune keeps them
	dirs sync.Map     // shard folders known to exist

	hits, misses, puts, corrupt, pruned atomic.Int64
}

// Open returns the cache in dir, which is created when first written.
func Open(dir string) *Cache {
	return &Cache{dir: dir, used: map[Key]bool{}}
}

// Dir returns the cache's folder ("" for a nil cache).
func (c *Cache) Dir() string {
	if c == nil {
		return ""
	}
	return c.dir
}

func (c *Cache) path(k Key) (shard, file string) {
	s := hex.EncodeToString(k[:])
	shard = filepath.Join(c.dir, s[:2])
	return shard, filepath.Join(shard, s)
}

func (c *Cache) use(k Key) {
	c.mu.Lock()
	c.used[k] = true
	c.mu.Unlock()
}

// Get returns the value stored under k. A missing, unreadable or corrupt
// value is a miss.
func (c *Cache) Get(k Key) ([]byte, bool) {
	v, _, ok := c.Lookup(k)
	return v, ok
}

// Lookup returns the value stored under k and its SHA-256.
func (c *Cache) Lookup(k Key) (v []byte, sum Key, ok bool) {
	if c == nil {
		return nil, sum, false
	}
	_, file := c.path(k)
	data, err := os.ReadFile(file)
	if err != nil {
		c.misses.Add(1)
		return nil, sum, false
	}
	v, sum, ok = decode(data)
	if !ok {
		c.corrupt.Add(1)
		c.misses.Add(1)
		os.Remove(file)
		return nil, sum, false
	}
	c.hits.Add(1)
	c.use(k)
	return v, sum, true
}

// Put stores v under k. A cache that cannot be written is not an error a
// build should fail on, so Put's error is for tests and logs only.
func (c *Cache) Put(k Key, v []byte) error {
	_, err := c.Store(k, v)
	return err
}

// Store stores v under k, like Put, and returns v's SHA-256 (also when
// the cache is nil or cannot be written).
func (c *Cache) Store(k Key, v []byte) (Key, error) {
	sum := Key(sha256.Sum256(v))
	if c == nil {
		return sum, nil
	}
	return sum, c.put(k, v, sum)
}

func (c *Cache) put(k Key, v []byte, sum Key) error {
	c.use(k)
	shard, file := c.path(k)
	if _, ok := c.dirs.Load(shard); !ok {
		if err := os.MkdirAll(shard, 0o755); err != nil {
			return err
		}
		c.dirs.Store(shard, true)
	}
	f, err := os.CreateTemp(shard, ".tmp-*")
	if err != nil {
		return err
	}
	buf := make([]byte, 0, len(magic)+len(sum)+4+len(v))
	buf = append(append(buf, magic...), sum[:]...)
	crc := crc32.Update(crc32.Checksum(sum[:], castagnoli), castagnoli, v)
	buf = binary.BigEndian.AppendUint32(buf, crc)
	buf = append(buf, v...)
	_, err = f.Write(buf)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), file)
	}
	if err != nil {
		os.Remove(f.Name())
		return err
	}
	c.puts.Add(1)
	return nil
}

func decode(data []byte) (v []byte, sum Key, ok bool) {
	const head = len(magic) + sha256.Size + 4
	if len(data) < head || !bytes.HasPrefix(data, []byte(magic)) {
		return nil, sum, false
	}
	copy(sum[:], data[len(magic):])
	want := binary.BigEndian.Uint32(data[head-4:])
	v = data[head:]
	if crc32.Update(crc32.Checksum(sum[:], castagnoli), castagnoli, v) != want {
		return nil, sum, false
	}
	return v, sum, true
}

// Delete removes the value stored under k, if any.
func (c *Cache) Delete(k Key) error {
	if c == nil {
		return nil
	}
	_, file := c.path(k)
	if err := os.Remove(file); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// Prune removes every value that was neither read nor written since Open,
// and leftover temporary files, so the cache holds what the last build
// used and does not grow with every edit.
func (c *Cache) Prune() error {
	if c == nil {
		return nil
	}
	shards, err := os.ReadDir(c.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var firstErr error
	for _, s := range shards {
		if !s.IsDir() || len(s.Name()) != 2 {
			continue
		}
		dir := filepath.Join(c.dir, s.Name())
		files, err := os.ReadDir(dir)
		if err != nil {
			firstErr = cmpErr(firstErr, err)
			continue
		}
		for _, f := range files {
			var k Key
			b, err := hex.DecodeString(f.Name())
			if err == nil && len(b) == len(k) {
				copy(k[:], b)
				if c.used[k] {
					continue
				}
			}
			if err := os.Remove(filepath.Join(dir, f.Name())); err == nil {
				c.pruned.Add(1)
			} else if !errors.Is(err, fs.ErrNotExist) {
				firstErr = cmpErr(firstErr, err)
			}
		}
	}
	return firstErr
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// Stats returns what the cache did since Open.
func (c *Cache) Stats() Stats {
	if c == nil {
		return Stats{}
	}
	return Stats{Hits: c.hits.Load(), Misses: c.misses.Load(), Puts: c.puts.Load(), Corrupt: c.corrupt.Load(), Pruned: c.pruned.Load()}
}
