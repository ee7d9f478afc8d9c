//go:build !unix && !windows

package testrepo

import "time"

// CPUTime is the CPU time the process has used so far; this system does
// not report it, so it is 0 and benchmarks show 0 cpu-s/op.
func CPUTime() time.Duration { return 0 }
