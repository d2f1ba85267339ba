package buildcache

import (
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The build ID read from the test binary's ELF note is the one the go
// command reports for it.
func TestGoBuildIDIsTheGoCommands(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the Go build ID note is read from ELF executables; elsewhere the executable is hashed (TestExecutableIDHashesOtherFiles)")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("go", "tool", "buildid", exe).Output()
	if err != nil {
		t.Fatalf("go tool buildid: %v", err)
	}
	want := strings.TrimSpace(string(out))
	if got := goBuildID(exe); got != want {
		t.Errorf("goBuildID = %q, go tool buildid says %q", got, want)
	}
	if got := executableID(exe); got != "go build id "+want {
		t.Errorf("executableID = %q", got)
	}
}

// A file with no Go build ID is identified by its content.
func TestExecutableIDHashesOtherFiles(t *testing.T) {
	dir := t.TempDir()
	a, b, c := filepath.Join(dir, "a"), filepath.Join(dir, "b"), filepath.Join(dir, "c")
	for p, content := range map[string]string{a: "#!/bin/sh\necho one\n", b: "#!/bin/sh\necho one\n", c: "#!/bin/sh\necho two\n"} {
		if err := os.WriteFile(p, []byte(content), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	ida, idb, idc := executableID(a), executableID(b), executableID(c)
	if !strings.HasPrefix(ida, "sha256 ") || ida != idb || ida == idc {
		t.Errorf("executableID: a %q, b (same bytes) %q, c (other bytes) %q", ida, idb, idc)
	}
	if id := executableID(filepath.Join(dir, "missing")); id != "" {
		t.Errorf("executableID of a missing file = %q, want \"\"", id)
	}
}

func TestParseGoNote(t *testing.T) {
	le := binary.LittleEndian
	note := func(nameSize, descSize, typ uint32, name, desc string) []byte {
		b := le.AppendUint32(nil, nameSize)
		b = le.AppendUint32(b, descSize)
		b = le.AppendUint32(b, typ)
		return append(append(b, name...), desc...)
	}
	const id = "nVUE4LuvcPdIFEG8KxDh/giW7H0pEW1y9lPwc2hlc/7RaWLbXwNbrdXhanWRJY/khzDTmKTaWqNQnAEuIwZ"
	for _, tc := range []struct {
		name string
		note []byte
		want string
	}{
		{"a build ID", note(4, uint32(len(id)), 4, "Go\x00\x00", id), id},
		{"padded after the ID", append(note(4, uint32(len(id)), 4, "Go\x00\x00", id), 0, 0, 0), id},
		{"too short", []byte("Go"), ""},
		{"another owner", note(4, uint32(len(id)), 4, "GNU\x00", id), ""},
		{"another type", note(4, uint32(len(id)), 3, "Go\x00\x00", id), ""},
		{"a size past the end", note(4, uint32(len(id)+9), 4, "Go\x00\x00", id), ""},
		{"set by hand, no parts", note(4, 7, 4, "Go\x00\x00", "release"), ""},
		{"no content hash", note(4, 9, 4, "Go\x00\x00", "abc/short"), ""},
	} {
		if got := parseGoNote(tc.note, le); got != tc.want {
			t.Errorf("%s: parseGoNote = %q, want %q", tc.name, got, tc.want)
		}
	}
}
