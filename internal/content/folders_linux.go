//go:build linux

package content

import (
	"os"
	"syscall"
)

// readAt reads the regular file name in the folder d: openat without
// following a link (a link is readFile's to judge) and without blocking
// (a named pipe opens at once, and fstat then says what it is), fstat,
// the reads, close.
func readAt(d *os.File, name string, limit int64) ([]byte, bool) {
	raw, err := d.SyscallConn()
	if err != nil {
		return nil, false
	}
	fd := -1
	raw.Control(func(dirfd uintptr) {
		for {
			fd, err = syscall.Openat(int(dirfd), name, syscall.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_NOCTTY|syscall.O_CLOEXEC, 0)
			if err != syscall.EINTR {
				break
			}
		}
	})
	if err != nil {
		return nil, false
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil || st.Mode&syscall.S_IFMT != syscall.S_IFREG || st.Size > limit {
		return nil, false
	}
	// One byte of room, so the read that finds the end needs no growing.
	buf := make([]byte, 0, st.Size+1)
	for {
		n, err := syscall.Read(fd, buf[len(buf):cap(buf)])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, false
		}
		if n == 0 {
			return buf, true
		}
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return nil, false // grew since fstat: readFile says so
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
	}
}
