//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package site

import "io/fs"

// sysStat has nothing to add to a FileInfo on this system.
func sysStat(fs.FileInfo) (ctime int64, ino, dev uint64, ok bool) { return 0, 0, 0, false }
