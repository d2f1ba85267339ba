package buildcache

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestPutGet(t *testing.T) {
	c := Open(filepath.Join(t.TempDir(), "cache"))
	k := NewHasher().String("entry").Bytes([]byte("body")).Key()
	if _, ok := c.Get(k); ok {
		t.Fatal("Get on an empty cache hit")
	}
	if err := c.Put(k, []byte("<p>hello</p>")); err != nil {
		t.Fatal(err)
	}
	got, ok := c.Get(k)
	if !ok || string(got) != "<p>hello</p>" {
		t.Errorf("Get = %q, %v; want the value put", got, ok)
	}
	// A second Cache on the same folder (the next build) reads it too.
	if got, ok := Open(c.Dir()).Get(k); !ok || string(got) != "<p>hello</p>" {
		t.Errorf("Get from a new Cache = %q, %v", got, ok)
	}
}

func TestKeyParts(t *testing.T) {
	a := NewHasher().String("ab").String("c").Key()
	b := NewHasher().String("a").String("bc").Key()
	if a == b {
		t.Error("parts are not delimited: (ab, c) and (a, bc) have one key")
	}
	if NewHasher().Int(1).Key() == NewHasher().Int(2).Key() {
		t.Error("Int(1) and Int(2) have one key")
	}
}

func TestCorruptIsAMiss(t *testing.T) {
	c := Open(t.TempDir())
	k := NewHasher().String("x").Key()
	if err := c.Put(k, bytes.Repeat([]byte("value "), 100)); err != nil {
		t.Fatal(err)
	}
	_, file := c.path(k)
	for name, corrupt := range map[string]func([]byte) []byte{
		"flipped byte": func(b []byte) []byte { b[len(b)-1] ^= 1; return b },
		"truncated":    func(b []byte) []byte { return b[:len(b)/2] },
		"empty":        func(b []byte) []byte { return nil },
		"other format": func(b []byte) []byte { return []byte(strings.Replace(string(b), "cache 2", "cache 9", 1)) },
	} {
		if err := c.Put(k, bytes.Repeat([]byte("value "), 100)); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, corrupt(data), 0o644); err != nil {
			t.Fatal(err)
		}
		if v, ok := c.Get(k); ok {
			t.Errorf("%s: Get = %q, true; want a miss", name, v)
		}
		if _, err := os.Stat(file); !os.IsNotExist(err) {
			t.Errorf("%s: the corrupt value was not removed (%v)", name, err)
		}
	}
	if s := c.Stats(); s.Corrupt != 4 {
		t.Errorf("Stats().Corrupt = %d, want 4", s.Corrupt)
	}
}

func TestPrune(t *testing.T) {
	dir := t.TempDir()
	old := Open(dir)
	keep, drop := NewHasher().String("keep").Key(), NewHasher().String("drop").Key()
	for _, k := range []Key{keep, drop} {
		if err := old.Put(k, []byte(k.String())); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dir, keep.String()[:2], ".tmp-123"), []byte("torn"), 0o644)

	c := Open(dir)
	if _, ok := c.Get(keep); !ok {
		t.Fatal("miss on keep")
	}
	if err := c.Prune(); err != nil {
		t.Fatal(err)
	}
	if _, ok := Open(dir).Get(keep); !ok {
		t.Error("Prune removed a value this build read")
	}
	if _, ok := Open(dir).Get(drop); ok {
		t.Error("Prune kept a value this build did not use")
	}
	if _, err := os.Stat(filepath.Join(dir, keep.String()[:2], ".tmp-123")); !os.IsNotExist(err) {
		t.Error("Prune kept a leftover temporary file")
	}
}

func TestNilCache(t *testing.T) {
	var c *Cache
	k := NewHasher().Key()
	if err := c.Put(k, []byte("x")); err != nil {
		t.Error(err)
	}
	if _, ok := c.Get(k); ok {
		t.Error("a nil cache hit")
	}
	if err := c.Prune(); err != nil {
		t.Error(err)
	}
}

func TestConcurrent(t *testing.T) {
	c := Open(t.TempDir())
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			k := NewHasher().Int(int64(i % 2)).Key()
			for range 50 {
				if err := c.Put(k, []byte(k.String())); err != nil {
					t.Error(err)
				}
				if v, ok := c.Get(k); !ok || string(v) != k.String() {
					t.Errorf("Get = %q, %v", v, ok)
				}
			}
		})
	}
	wg.Wait()
}

func TestProgramIDStable(t *testing.T) {
	if ProgramID() == "" || ProgramID() != ProgramID() {
		t.Errorf("ProgramID() = %q, then %q", ProgramID(), ProgramID())
	}
}
