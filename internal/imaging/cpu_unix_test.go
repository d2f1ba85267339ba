//go:build unix

package imaging

import (
	"syscall"
	"time"
)

// cpuTime is the process's user and system CPU time so far: on a busy
// machine it measures work better than the wall clock does.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
