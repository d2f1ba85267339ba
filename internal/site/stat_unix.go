//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package site

import (
	"io/fs"
	"syscall"
)

// sysStat returns a file's change time (Unix nanoseconds), inode and
// device: what its stat says besides the modification time.
func sysStat(info fs.FileInfo) (ctime int64, ino, dev uint64, ok bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, 0, false
	}
	return ctimeOf(st), uint64(st.Ino), uint64(st.Dev), true
}
