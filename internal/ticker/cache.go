package ticker

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// maxCache is the largest cache file read: 100 headlines take ~40 KB.
const maxCache = 4 << 20

// CacheError is a cache file that cannot be used: unreadable, not JSON,
// cut short, or holding something a refresh would never have written.
type CacheError struct {
	Path      string
	Line, Col int // of a JSON syntax error; 0 when unknown
	Err       error
}

func (e *CacheError) Error() string {
	return fmt.Sprintf("the ticker cache %s is corrupt: %v", e.Path, e.Err)
}

func (e *CacheError) Unwrap() error { return e.Err }

// Cached reads the snapshot cached at path, without touching the network.
// A missing file is no error: the snapshot is empty. A corrupt or partial
// file returns an empty snapshot and a *CacheError; the caller warns and
// carries on.
func Cached(path string) (Snapshot, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Snapshot{}, nil
	}
	if err != nil {
		return Snapshot{}, &CacheError{Path: path, Err: err}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxCache+1))
	if err != nil {
		return Snapshot{}, &CacheError{Path: path, Err: err}
	}
	if len(data) > maxCache {
		return Snapshot{}, &CacheError{Path: path, Err: fmt.Errorf("over %s", sizeText(maxCache))}
	}
	s, err := parseCache(data)
	if err != nil {
		ce := &CacheError{Path: path, Err: err}
		var se *json.SyntaxError
		if errors.As(err, &se) {
			ce.Line, ce.Col = lineCol(data, se.Offset-1) // Offset counts the bad byte
		}
		return Snapshot{}, ce
	}
	return s, nil
}

func parseCache(data []byte) (Snapshot, error) {
	var s Snapshot
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields() // our own format: anything else is not ours
	if err := dec.Decode(&s); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return Snapshot{}, errors.New("it ends early (a partial write?)")
		}
		return Snapshot{}, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return Snapshot{}, errors.New("more data after the snapshot")
	}
	switch {
	case s.Version != snapshotVersion:
		return Snapshot{}, fmt.Errorf("version %d, want %d", s.Version, snapshotVersion)
	case s.Source != SourceHN && s.Source != SourceAlgolia:
		return Snapshot{}, fmt.Errorf("unknown source %q", s.Source)
	case s.FetchedAt.IsZero():
		return Snapshot{}, errors.New("no fetched_at")
	}
	for i, h := range s.Headlines {
		if !validHeadline(h) {
			return Snapshot{}, fmt.Errorf("headline %d is not one a refresh writes (a title that is not clean text, or a link that is not http(s))", i+1)
		}
	}
	s.FetchedAt = s.FetchedAt.UTC()
	return s, nil
}

// lineCol returns the 1-based line and column of byte off of data.
func lineCol(data []byte, off int64) (line, col int) {
	off = max(0, min(off, int64(len(data))))
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(off) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

// Save writes s to path atomically: into a temporary file beside it,
// synced, then renamed over it, so a reader (a build, another refresh)
// sees the old snapshot or the new one, never half of one.
func Save(path string, s Snapshot) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("save the ticker cache: %w", err)
	}
	f, err := os.CreateTemp(dir, ".ticker-*.tmp")
	if err != nil {
		return fmt.Errorf("save the ticker cache: %w", err)
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("save the ticker cache: %w", err)
	}
	if err := f.Chmod(0o644); err != nil {
		return fmt.Errorf("save the ticker cache: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("save the ticker cache: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("save the ticker cache: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("save the ticker cache: %w", err)
	}
	ok = true
	if d, err := os.Open(dir); err == nil {
		d.Sync() // make the rename itself durable; best effort
		d.Close()
	}
	return nil
}
