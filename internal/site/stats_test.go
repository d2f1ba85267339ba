package site

import (
	"bytes"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// --stats names the phases of a build in the order they ran, the search
// index among them, and prints one row per phase.
func TestStatsPhases(t *testing.T) {
	src := writeSite(t, happySite)
	rep := mustBuild(t, src, filepath.Join(t.TempDir(), "public"), withStats)
	var names []string
	for _, p := range rep.Stats.Phases {
		names = append(names, p.Name)
	}
	want := []string{"inputs", "load", "render", "images", "plan", "index", "write", "swap"}
	if !slices.Equal(names, want) {
		t.Fatalf("phases %q, want %q", names, want)
	}
	var buf bytes.Buffer
	rep.Stats.Print(&buf)
	for _, name := range want {
		if !strings.Contains(buf.String(), "\n"+name+" ") {
			t.Errorf("--stats prints no row for %s:\n%s", name, buf.String())
		}
	}
}
