package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestHarness runs the whole harness on a tiny corpus, without Hugo, to
// keep it working: it builds shiplog and the floor, generates the
// corpus, and prints every row. No timing is checked.
func TestHarness(t *testing.T) {
	if testing.Short() {
		t.Skip("builds shiplog and generates a corpus")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "run", "./bench/run", "-sizes", "20", "-runs", "2", "-hugo", "", "-work", t.TempDir())
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("bench/run: %v\n%s", err, out)
	}
	for _, want := range []string{
		"| 20 | floor (load + Markdown + highlight, in memory) |",
		"| 20 | shiplog, cold |",
		"| 20 | shiplog, no-change rebuild |",
		"| 20 | shiplog, rebuild after one edit |",
		"× faster than cold |",
		"| 20 | Hugo, cold | — |",
		"Load average",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the report has no %q:\n%s", want, out)
		}
	}
}
