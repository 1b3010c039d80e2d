//go:build unix

package harness

import (
	"syscall"
	"time"
)

// rusage returns the CPU time (user + system) the process has used so far.
func rusage() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
