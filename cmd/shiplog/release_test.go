package main

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/shiplog/shiplog/internal/hugeheap"
)

// The release binary, as `make build` makes it, is linked statically:
// no program interpreter, no shared libraries. Without gen2brain/webp's
// nodynamic tag it is not (purego asks for the system's loader, and webp
// then loads a system libwebp where there is one), although the build
// runs without cgo.
func TestReleaseBinaryIsStatic(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("checks an ELF executable")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed; `make test` needs it anyway")
	}
	f, err := elf.Open(makeBuild(t))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("make build made a binary with a program interpreter: it is linked dynamically")
		}
	}
	if libs, err := f.ImportedLibraries(); err != nil || len(libs) > 0 {
		t.Errorf("make build made a binary that needs shared libraries %q (%v)", libs, err)
	}
}

// makeBuild builds the release binary with `make build` and returns its
// path.
func makeBuild(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed; `make test` needs it anyway")
	}
	bin := filepath.Join(t.TempDir(), "shiplog")
	cmd := exec.Command("make", "-s", "-C", "../..", "build", "BIN="+bin)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make build: %v\n%s", err, out)
	}
	return bin
}

// earlyheap's init runs before chroma's lexer registry fills the heap
// (see its package comment), and in `shiplog build` it reserves the
// heap's huge pages there, where the machine gives them on request.
// GODEBUG=inittrace=1 makes the runtime print every init it runs, in
// order, with what it allocated.
func TestEarlyHeapInitsFirst(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("huge pages on request are Linux's")
	}
	bin := makeBuild(t)
	src := t.TempDir()
	if err := os.WriteFile(filepath.Join(src, "shiplog.toml"), []byte("title = \"Init order\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "build", src, "--out", filepath.Join(t.TempDir(), "out"), "--quiet")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	cmd.Env = slices.DeleteFunc(cmd.Env, func(kv string) bool { return strings.HasPrefix(kv, "GOMEMLIMIT=") })
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("shiplog build: %v\n%s", err, out)
	}
	const early, lexers = "github.com/shiplog/shiplog/cmd/shiplog/internal/earlyheap", "github.com/alecthomas/chroma/v2/lexers"
	order := map[string]int{}
	var earlyBytes int64
	for i, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) < 8 || f[0] != "init" {
			continue
		}
		order[f[1]] = i
		if f[1] == early { // init PKG @T ms, T ms clock, N bytes, N allocs
			if k := slices.Index(f, "bytes,"); k > 0 {
				earlyBytes, _ = strconv.ParseInt(f[k-1], 10, 64)
			}
		}
	}
	e, ok1 := order[early]
	l, ok2 := order[lexers]
	if !ok1 || !ok2 {
		t.Fatalf("the init trace has no line for %s or %s:\n%s", early, lexers, out)
	}
	if e > l {
		t.Errorf("%s was initialised after %s: something it imports now initialises late", early, lexers)
	}
	if hugeheap.Reserve(4 << 20) { // this machine gives huge pages on request
		hugeheap.Release()
		if earlyBytes < 64<<20 {
			t.Errorf("%s allocated %d bytes as it started, want its reserve (128 MiB)", early, earlyBytes)
		}
	}
}

// The binary builds for the other systems people run it on, as `make
// build` builds it (no cgo, the nodynamic tag): a file that only Linux
// can compile (syscall.Openat is Linux's alone in package syscall) once
// broke the macOS and FreeBSD builds without any test noticing.
func TestBuildsForOtherSystems(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiles the whole program")
	}
	for _, target := range []struct{ goos, goarch string }{
		{"darwin", "arm64"}, {"windows", "amd64"},
	} {
		t.Run(target.goos+"/"+target.goarch, func(t *testing.T) {
			cmd := exec.Command("go", "build", "-trimpath", "-tags", "nodynamic", "-o", os.DevNull, ".")
			cmd.Env = append(os.Environ(), "GOOS="+target.goos, "GOARCH="+target.goarch, "CGO_ENABLED=0")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("go build for %s/%s: %v\n%s", target.goos, target.goarch, err, out)
			}
		})
	}
}
