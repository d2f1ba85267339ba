//go:build linux

package main

import "testing"

func TestRun(t *testing.T) {
	if err := run(1, 1, t.TempDir()); err != nil {
		t.Fatal(err)
	}
}

func TestTouchAndWrite(t *testing.T) {
	for _, huge := range []bool{false, true} {
		if d, err := touch(2<<20, huge); err != nil || d <= 0 {
			t.Errorf("touch(2 MiB, huge=%v) = %v, %v", huge, d, err)
		}
	}
	if d, err := writeFile(t.TempDir(), 1<<20); err != nil || d <= 0 {
		t.Errorf("writeFile(1 MiB) = %v, %v", d, err)
	}
}
