package main

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
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
	bin := filepath.Join(t.TempDir(), "shiplog")
	cmd := exec.Command("make", "-s", "-C", "../..", "build", "BIN="+bin)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make build: %v\n%s", err, out)
	}
	f, err := elf.Open(bin)
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
