package site

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
)

// countdown is a context that is cancelled after its Err method has been
// called n times, so a test can stop a build at each point it checks.
type countdown struct {
	context.Context
	n atomic.Int64
}

func (c *countdown) Err() error {
	if c.n.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

// However late a build is cancelled, it either finishes or leaves the
// previous output as it was, and never a staging folder.
func TestCancelAtEveryPoint(t *testing.T) {
	src := writeSite(t, happySite)
	out := filepath.Join(t.TempDir(), "public")
	mustBuild(t, src, out)
	before := tree(t, out)
	addFiles(t, src, "-- log/2026-03-16-new.md --\n---\nid: new\ntitle: New\ndate: 2026-03-16\n---\nNew.\n")
	finished := false
	for n := int64(0); !finished && n < 10_000; n++ {
		ctx := &countdown{Context: context.Background()}
		ctx.n.Store(n)
		_, err := Build(ctx, Options{Src: src, Out: out, Now: now})
		switch {
		case err == nil:
			finished = true
			if !exists(out, "log/new/index.html") {
				t.Errorf("cancel after %d checks: the build succeeded without the new entry", n)
			}
		case errors.Is(err, context.Canceled):
			sameTree(t, "output after a cancelled build", before, tree(t, out))
		default:
			t.Fatalf("cancel after %d checks: %v", n, err)
		}
		noStaging(t, out)
	}
	if !finished {
		t.Error("the build never finished")
	}
}

// A build killed outright (SIGKILL) cannot clean up; the next build
// removes the staging folder it left, and only folders whose build is
// gone.
func TestStaleStagingRemoved(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("processAlive cannot tell on Windows: nothing is removed there")
	}
	src := writeSite(t, happySite)
	out := filepath.Join(t.TempDir(), "public")
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	parent := filepath.Dir(out)
	killed := filepath.Join(parent, fmt.Sprintf(".public.staging-%d-123", dead.Process.Pid))
	running := filepath.Join(parent, ".public.staging-1-456") // pid 1 is always there
	unnamed := filepath.Join(parent, ".public.staging-789")
	other := filepath.Join(parent, fmt.Sprintf(".other.staging-%d-1", dead.Process.Pid))
	for _, d := range []string{killed, running, unnamed, other} {
		if err := os.MkdirAll(filepath.Join(d, "log"), 0o755); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(d, "log", "index.html"), []byte("half"), 0o644)
	}
	mustBuild(t, src, out)
	for d, want := range map[string]bool{killed: false, running: true, unnamed: true, other: true} {
		if _, err := os.Stat(d); (err == nil) != want {
			t.Errorf("%s: present %v after the build, want %v", filepath.Base(d), err == nil, want)
		}
	}
}
