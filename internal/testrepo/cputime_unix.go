//go:build unix

package testrepo

import (
	"syscall"
	"time"
)

// CPUTime is the CPU time (user and system) the process has used so far:
// on a shared machine it varies far less than wall time, so benchmarks
// report it next to wall time.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
