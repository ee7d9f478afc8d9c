package cli

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
)

// startProfiles starts the profiles developers ask for through the
// environment and returns the function that writes them when the command
// ends:
//
//	PROMOTE_CPUPROFILE=cpu.out  CPU profile of the whole command
//	PROMOTE_MEMPROFILE=mem.out  heap profile (allocations) at its end
//	PROMOTE_TRACE=trace.out     execution trace (which cores are busy when)
//
// Read them with `go tool pprof -top promote cpu.out` and `go tool trace
// trace.out`. Neither is part of
// the user interface: they exist to measure promote at monorepo size
// (docs/performance.md).
func startProfiles(getenv func(string) string, stderr *os.File) func() {
	cpu, mem := getenv("PROMOTE_CPUPROFILE"), getenv("PROMOTE_MEMPROFILE")
	var stopCPU, stopTrace func()
	if name := getenv("PROMOTE_TRACE"); name != "" {
		f, err := os.Create(name)
		if err == nil {
			err = trace.Start(f)
		}
		if err != nil {
			fmt.Fprintf(stderr, "promote: trace: %v\n", err)
		} else {
			stopTrace = func() { trace.Stop(); f.Close() }
		}
	}
	if cpu != "" {
		f, err := os.Create(cpu)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintf(stderr, "promote: cpu profile: %v\n", err)
		} else {
			stopCPU = func() { pprof.StopCPUProfile(); f.Close() }
		}
	}
	return func() {
		if stopCPU != nil {
			stopCPU()
		}
		if stopTrace != nil {
			stopTrace()
		}
		if mem != "" {
			if err := writeHeapProfile(mem); err != nil {
				fmt.Fprintf(stderr, "promote: heap profile: %v\n", err)
			}
		}
	}
}

// writeHeapProfile writes the heap profile to path.
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	runtime.GC()
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
