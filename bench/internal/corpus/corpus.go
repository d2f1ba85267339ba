// Package corpus holds what the benchmark commands share about a
// generated log (bench/gencorpus).
package corpus

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// LastEntry returns the entry file of the log at src that sorts last by
// path: the one the benchmarks edit (bench/run's "rebuild after one
// edit", bench/profile -touch and -edit).
func LastEntry(src string) (string, error) {
	var last string
	err := filepath.WalkDir(filepath.Join(src, "log"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") && p > last {
			last = p
		}
		return err
	})
	if err == nil && last == "" {
		err = fmt.Errorf("%s has no entries", src)
	}
	return last, err
}
