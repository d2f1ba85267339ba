//go:build !unix

package site

import "os"

// createFile is os.WriteFile(name, data, 0o644); see createfile_unix.go.
func createFile(name string, data []byte) error {
	return os.WriteFile(name, data, 0o644)
}
