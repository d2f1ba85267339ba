// Package release builds shiplog as it is released, with `make build`,
// so that the harnesses time the binary users get and its build flags
// are written in one place (the Makefile). The harnesses run from the
// repository's root.
package release

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Build builds the release binary of the repository in the current
// folder at out.
func Build(out string) error {
	abs, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	cmd := exec.Command("make", "-s", "build", "BIN="+abs)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("make build: %w", err)
	}
	return nil
}
