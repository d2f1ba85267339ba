//go:build unix

package site

import (
	"io/fs"
	"syscall"
)

// createFile is os.WriteFile(name, data, 0o644) in three system calls.
// os.WriteFile opens an *os.File, which offers every descriptor to the
// runtime's poller first: four more calls per file (fcntl to make it
// non-blocking, epoll_ctl, which refuses a regular file, fcntl to undo
// it), a sixth of the cost of writing a page on the machine measured in
// docs/benchmarks.md, and a build writes one file per page.
func createFile(name string, data []byte) error {
	fd, err := openRetry(name)
	if err != nil {
		return &fs.PathError{Op: "open", Path: name, Err: err}
	}
	for len(data) > 0 {
		n, err := syscall.Write(fd, data)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			syscall.Close(fd)
			return &fs.PathError{Op: "write", Path: name, Err: err}
		}
		data = data[n:]
	}
	if err := syscall.Close(fd); err != nil {
		return &fs.PathError{Op: "close", Path: name, Err: err}
	}
	return nil
}

func openRetry(name string) (int, error) {
	for {
		fd, err := syscall.Open(name, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_TRUNC|syscall.O_CLOEXEC, 0o644)
		if err != syscall.EINTR {
			return fd, err
		}
	}
}
