package buildcache

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func packKey(s string) Key { return NewHasher().String(s).Key() }

func packFiles(t *testing.T, dir, ext string) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*"+ext))
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// Values stored are read back by the same cache and, once pruned (a
// build's end), by the next process; a value never stored is a miss.
func TestPackRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "entries")
	c := OpenPack(dir)
	if _, ok := c.Get(packKey("a")); ok {
		t.Fatal("hit in an empty cache")
	}
	for i := range 50 {
		v := bytes.Repeat([]byte{byte(i)}, i*37)
		sum, err := c.Store(packKey(fmt.Sprint(i)), v)
		if err != nil {
			t.Fatal(err)
		}
		if sum != Key(sha256.Sum256(v)) {
			t.Fatalf("Store returned a wrong SHA-256 for value %d", i)
		}
	}
	if got, ok := c.Get(packKey("7")); !ok || !bytes.Equal(got, bytes.Repeat([]byte{7}, 7*37)) {
		t.Fatalf("Get(7) = %d bytes, %v before pruning", len(got), ok)
	}
	if err := c.Prune(); err != nil {
		t.Fatal(err)
	}
	if n := len(packFiles(t, dir, ".pack")); n != 1 {
		t.Errorf("%d packs after one process stored 50 values, want 1", n)
	}
	d := OpenPack(dir)
	if d.Len() != 50 {
		t.Errorf("a second process sees %d values, want 50", d.Len())
	}
	for i := range 50 {
		v, sum, ok := d.Lookup(packKey(fmt.Sprint(i)))
		if !ok || !bytes.Equal(v, bytes.Repeat([]byte{byte(i)}, i*37)) || sum != Key(sha256.Sum256(v)) {
			t.Fatalf("value %d read back wrong (ok %v, %d bytes)", i, ok, len(v))
		}
	}
	if s := d.Stats(); s.Hits != 50 || s.Misses != 0 || s.Puts != 0 {
		t.Errorf("stats %+v, want 50 hits", s)
	}
	if v, ok := d.Reread(packKey("3")); !ok || len(v) != 3*37 {
		t.Errorf("Reread(3) = %d bytes, %v", len(v), ok)
	}
	var nilPack *Pack
	if _, ok := nilPack.Get(packKey("a")); ok || nilPack.Prune() != nil || nilPack.Len() != 0 || nilPack.Dir() != "" {
		t.Error("a nil Pack should hold nothing")
	}
	if sum, err := nilPack.Store(packKey("a"), []byte("x")); err != nil || sum != Key(sha256.Sum256([]byte("x"))) {
		t.Error("a nil Pack's Store should return the value's SHA-256")
	}
}

// A pack whose writer did not write its index yet is not read.
func TestPackUnindexedIsNotRead(t *testing.T) {
	dir := t.TempDir()
	c := OpenPack(dir)
	c.Put(packKey("a"), []byte("value"))
	if OpenPack(dir).Len() != 0 {
		t.Error("another process read a pack that has no index yet")
	}
	c.Prune()
	if OpenPack(dir).Len() != 1 {
		t.Error("the pack is not read once its index is written")
	}
}

// A damaged record is a miss and counted as corrupt; storing the value
// again makes it whole. A damaged index leaves its pack out.
func TestPackCorrupt(t *testing.T) {
	dir := t.TempDir()
	c := OpenPack(dir)
	c.Put(packKey("a"), []byte("the first value"))
	c.Put(packKey("b"), []byte("the second value"))
	c.Prune()
	pack := packFiles(t, dir, ".pack")[0]
	data, _ := os.ReadFile(pack)
	i := bytes.Index(data, []byte("first"))
	data[i] ^= 0xff
	os.WriteFile(pack, data, 0o644)

	d := OpenPack(dir)
	if _, ok := d.Get(packKey("a")); ok {
		t.Fatal("a damaged value was read")
	}
	if v, ok := d.Get(packKey("b")); !ok || string(v) != "the second value" {
		t.Fatalf("the undamaged value: %q, %v", v, ok)
	}
	if s := d.Stats(); s.Corrupt != 1 || s.Misses != 1 {
		t.Errorf("stats %+v, want one corrupt miss", s)
	}
	d.Put(packKey("a"), []byte("the first value"))
	if v, ok := d.Get(packKey("a")); !ok || string(v) != "the first value" {
		t.Errorf("stored again: %q, %v", v, ok)
	}
	d.Prune()

	for _, idx := range packFiles(t, dir, ".idx") {
		data, _ := os.ReadFile(idx)
		os.WriteFile(idx, data[:len(data)-1], 0o644)
	}
	if n := OpenPack(dir).Len(); n != 0 {
		t.Errorf("%d values read through damaged indexes", n)
	}
}

// Pruning merges the packs when most of what they hold is unused, or
// when rebuilds after edits left too many; what is used survives.
func TestPackPrune(t *testing.T) {
	dir := t.TempDir()
	c := OpenPack(dir)
	for i := range 10 {
		c.Put(packKey(fmt.Sprint(i)), bytes.Repeat([]byte("x"), 100))
	}
	c.Prune()

	// The next process uses three values and stores one: most is unused.
	d := OpenPack(dir)
	for _, k := range []string{"1", "2", "3"} {
		if _, ok := d.Get(packKey(k)); !ok {
			t.Fatalf("value %s lost", k)
		}
	}
	d.Put(packKey("new"), []byte("new value"))
	if err := d.Prune(); err != nil {
		t.Fatal(err)
	}
	if s := d.Stats(); s.Pruned != 7 {
		t.Errorf("pruned %d values, want 7", s.Pruned)
	}
	e := OpenPack(dir)
	if e.Len() != 4 {
		t.Errorf("%d values after the merge, want 4", e.Len())
	}
	if n := len(packFiles(t, dir, ".pack")); n != 1 {
		t.Errorf("%d packs after the merge, want 1", n)
	}
	for _, k := range []string{"1", "2", "3", "new"} {
		if _, ok := e.Get(packKey(k)); !ok {
			t.Errorf("value %s lost in the merge", k)
		}
	}

	// Edits, one value each, all the rest used: packs pile up to
	// maxPacks, then are merged.
	all := []string{"1", "2", "3", "new"}
	for i := range maxPacks + 2 {
		p := OpenPack(dir)
		for _, k := range all {
			p.Get(packKey(k))
		}
		k := fmt.Sprint("edit", i)
		p.Put(packKey(k), []byte(k))
		all = append(all, k)
		p.Prune()
		if n := len(packFiles(t, dir, ".pack")); n > maxPacks+1 {
			t.Fatalf("%d packs after %d edits", n, i+1)
		}
	}
	f := OpenPack(dir)
	for _, k := range all {
		if _, ok := f.Get(packKey(k)); !ok {
			t.Errorf("value %s lost", k)
		}
	}
}

// Goroutines store and read at once; two processes share the folder,
// and one merging does not break the other's reads.
func TestPackConcurrent(t *testing.T) {
	dir := t.TempDir()
	a, b := OpenPack(dir), OpenPack(dir)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 100 {
				k := fmt.Sprint(g, "-", i)
				v := []byte(strings.Repeat(k, i+1))
				if err := a.Put(packKey(k), v); err != nil {
					t.Error(err)
					return
				}
				if got, ok := a.Get(packKey(k)); !ok || !bytes.Equal(got, v) {
					t.Errorf("%s read back wrong", k)
					return
				}
			}
		})
	}
	wg.Wait()
	b.Put(packKey("b"), []byte("from b"))
	a.Prune()
	b.Prune()
	c := OpenPack(dir)
	if c.Len() != 401 {
		t.Errorf("%d values from two processes, want 401", c.Len())
	}
	// c reads one value, so merging drops the others and removes their
	// packs; a still reads its own through its open file.
	c.Get(packKey("b"))
	if err := c.Prune(); err != nil {
		t.Fatal(err)
	}
	if v, ok := a.Get(packKey("0-5")); !ok || string(v) != strings.Repeat("0-5", 6) {
		t.Errorf("a's value after another process merged: %q, %v", v, ok)
	}
}

// Packs left by a killed writer are removed once old; so is the older
// one-file-per-value layout.
func TestPackLeftovers(t *testing.T) {
	dir := t.TempDir()
	old := OpenPack(dir)
	old.Put(packKey("lost"), []byte("never indexed"))
	stale := packFiles(t, dir, ".pack")[0]
	long := time.Now().Add(-2 * staleAfter)
	os.Chtimes(stale, long, long)
	legacy := Open(dir)
	legacy.Put(packKey("legacy"), []byte("one file"))

	c := OpenPack(dir)
	c.Put(packKey("a"), []byte("a"))
	fresh := OpenPack(dir) // writing, not indexed yet, but recent
	fresh.Put(packKey("b"), []byte("b"))
	c.Prune()
	if _, err := os.Stat(stale); err == nil {
		t.Error("an old pack without an index was kept")
	}
	if n := len(packFiles(t, dir, ".pack")); n != 2 {
		t.Errorf("%d packs, want 2 (c's and the one still being written)", n)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.IsDir() {
			t.Errorf("the older layout's folder %s was kept", e.Name())
		}
	}
}

// The dev server's cache is one per folder and never pruned: Flush makes
// what it stored readable to other processes, and Close ends a Pack.
func TestSharedPackFlush(t *testing.T) {
	dir := t.TempDir()
	a := SharedPack(dir)
	if SharedPack(dir) != a || SharedPack(t.TempDir()) == a {
		t.Fatal("SharedPack should return one Pack per folder")
	}
	a.Put(packKey("x"), []byte("saved"))
	if OpenPack(dir).Len() != 0 {
		t.Error("a value was readable before Flush")
	}
	if err := a.Flush(); err != nil {
		t.Fatal(err)
	}
	other := OpenPack(dir)
	if v, ok := other.Get(packKey("x")); !ok || string(v) != "saved" {
		t.Errorf("after Flush another process reads %q, %v", v, ok)
	}
	if err := other.Close(); err != nil {
		t.Fatal(err)
	}
	if _, ok := other.Get(packKey("x")); ok {
		t.Error("a closed Pack still reads")
	}
	a.Put(packKey("y"), []byte("saved later"))
	a.Flush()
	if n := OpenPack(dir).Len(); n != 2 {
		t.Errorf("%d values after the second Flush, want 2", n)
	}
	var nilPack *Pack
	if nilPack.Flush() != nil || nilPack.Close() != nil {
		t.Error("a nil Pack's Flush and Close should do nothing")
	}
}

// A build that rendered everything anew (a new shiplog) leaves the old
// pack unused: pruning removes it and keeps the build's own pack as it
// is, without copying it.
func TestPackPruneKeepsOwnPack(t *testing.T) {
	dir := t.TempDir()
	old := OpenPack(dir)
	for i := range 5 {
		old.Put(packKey(fmt.Sprint("old", i)), []byte("old value"))
	}
	old.Close()
	oldPack := packFiles(t, dir, ".pack")[0]

	c := OpenPack(dir)
	for i := range 5 {
		c.Put(packKey(fmt.Sprint("new", i)), []byte("new value"))
	}
	var own string
	for _, p := range packFiles(t, dir, ".pack") {
		if p != oldPack {
			own = p
		}
	}
	if err := c.Prune(); err != nil {
		t.Fatal(err)
	}
	if got := packFiles(t, dir, ".pack"); len(got) != 1 || got[0] != own {
		t.Errorf("packs after pruning: %v, want only the build's own %s", got, own)
	}
	if s := c.Stats(); s.Pruned != 5 {
		t.Errorf("pruned %d values, want the 5 old ones", s.Pruned)
	}
	if n := OpenPack(dir).Len(); n != 5 {
		t.Errorf("%d values left, want 5", n)
	}
}

// Records are written a megabyte at a time: one stored a moment ago is
// read from what is pending, one stored before a megabyte followed it
// from the file, and both reach the next process once indexed.
func TestPackPendingRecords(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "entries")
	c := OpenPack(dir)
	value := func(i int) []byte { return bytes.Repeat([]byte{byte(i)}, 100_000+i) }
	for i := range 30 { // 3 MB: two writes, and some records left pending
		if err := c.Put(packKey(fmt.Sprint(i)), value(i)); err != nil {
			t.Fatal(err)
		}
	}
	c.mu.Lock()
	pending, size := len(c.cur.pending), c.cur.size
	c.mu.Unlock()
	if pending == 0 || pending >= packWriteSize {
		t.Fatalf("%d bytes pending after 3 MB, want some below %d", pending, packWriteSize)
	}
	if info, err := os.Stat(c.cur.name + ".pack"); err != nil || info.Size() != size-int64(pending) {
		t.Fatalf("pack file holds %v bytes, want the %d written", info, size-int64(pending))
	}
	for _, i := range []int{0, 29} { // on disk, pending
		if got, ok := c.Get(packKey(fmt.Sprint(i))); !ok || !bytes.Equal(got, value(i)) {
			t.Fatalf("Get(%d) = %d bytes, %v", i, len(got), ok)
		}
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	d := OpenPack(dir)
	defer d.Close()
	for i := range 30 {
		if got, ok := d.Get(packKey(fmt.Sprint(i))); !ok || !bytes.Equal(got, value(i)) {
			t.Fatalf("next process: Get(%d) = %d bytes, %v", i, len(got), ok)
		}
	}
	if n := d.corrupt.Load(); n != 0 {
		t.Errorf("%d damaged records", n)
	}
}

// When the pending records cannot be written, they are forgotten: a
// miss, not a damaged record, and not in the index.
func TestPackFailedWriteForgets(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "entries")
	c := OpenPack(dir)
	if err := c.Put(packKey("kept"), []byte("written")); err != nil {
		t.Fatal(err)
	}
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	c.mu.Lock()
	c.cur.f.Close() // every write fails from now on
	c.mu.Unlock()
	if err := c.Put(packKey("lost"), bytes.Repeat([]byte{1}, packWriteSize)); err == nil {
		t.Fatal("Put of a megabyte into a closed pack: no error")
	}
	if _, ok := c.Get(packKey("lost")); ok {
		t.Error("a record never written is read")
	}
	if n := c.corrupt.Load(); n != 0 {
		t.Errorf("%d damaged records, want the lost one a plain miss", n)
	}
	c.mu.Lock()
	n := len(c.cur.records)
	c.mu.Unlock()
	if n != 1 {
		t.Errorf("%d records listed, want the one written", n)
	}
}
