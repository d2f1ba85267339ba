package buildcache

import (
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"encoding/binary"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"sync"
)

var programID = sync.OnceValue(func() string {
	h := NewHasher()
	if info, ok := debug.ReadBuildInfo(); ok {
		h.String(info.String())
	}
	// The build info does not change when a developer edits the code
	// without committing; the executable does.
	if exe, err := os.Executable(); err == nil {
		h.String(executableID(exe))
	}
	return h.Key().String()
})

// ProgramID returns a string that changes whenever the running program
// does: a hash of its build information and its executable. Put it in
// every key, so a new shiplog never reads an older one's values.
func ProgramID() string { return programID() }

// executableID identifies the executable file at exe: the Go build ID
// its linker recorded, whose last part is a hash of the file's content,
// when it is an ELF file that has one; else the SHA-256 of the file; ""
// when the file cannot be read. Hashing the whole executable (about 30
// MB) was a tenth of the CPU of a small build, on every run.
func executableID(exe string) string {
	if id := goBuildID(exe); id != "" {
		return "go build id " + id
	}
	f, err := os.Open(exe)
	if err != nil {
		return ""
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return ""
	}
	return "sha256 " + string(h.Sum(nil))
}

// goBuildID returns the Go build ID in the ELF note of the file at exe
// ("actionID/…/contentID"), or "" when there is none or it does not hold
// a content hash (a build ID set by hand with -ldflags=-buildid= may not).
func goBuildID(exe string) string {
	f, err := elf.Open(exe)
	if err != nil {
		return ""
	}
	defer f.Close()
	s := f.Section(".note.go.buildid")
	if s == nil {
		return ""
	}
	note, err := s.Data()
	if err != nil {
		return ""
	}
	return parseGoNote(note, f.ByteOrder)
}

// parseGoNote reads the build ID out of the content of a
// .note.go.buildid section: name size, description size, type 4 ("Go
// build ID"), the name "Go\x00\x00", the ID.
func parseGoNote(note []byte, order binary.ByteOrder) string {
	if len(note) < 16 {
		return ""
	}
	nameSize, descSize, typ := order.Uint32(note), order.Uint32(note[4:]), order.Uint32(note[8:])
	if nameSize != 4 || typ != 4 || !bytes.Equal(note[12:16], []byte("Go\x00\x00")) || uint64(descSize) > uint64(len(note)-16) {
		return ""
	}
	id := string(note[16 : 16+descSize])
	parts := strings.Split(id, "/")
	if len(parts) < 2 || len(parts[len(parts)-1]) < 16 {
		return ""
	}
	return id
}
