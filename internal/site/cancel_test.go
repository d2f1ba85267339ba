package site

import (
	"context"
	"errors"
	"path/filepath"
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
