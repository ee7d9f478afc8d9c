package cli

import (
	"fmt"
	"io"
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
	stopTrace := startRecording(getenv("PROMOTE_TRACE"), "trace", trace.Start, trace.Stop, stderr)
	stopCPU := startRecording(getenv("PROMOTE_CPUPROFILE"), "cpu profile", pprof.StartCPUProfile, pprof.StopCPUProfile, stderr)
	mem := getenv("PROMOTE_MEMPROFILE")
	return func() {
		stopCPU()
		stopTrace()
		if mem != "" {
			if err := writeHeapProfile(mem); err != nil {
				fmt.Fprintf(stderr, "promote: heap profile: %v\n", err)
			}
		}
	}
}

// startRecording creates the file name and starts a recording into it;
// the function it returns stops the recording and closes the file. With
// no name, or when the recording cannot start (said on stderr), it
// records nothing and the function does nothing.
func startRecording(name, what string, start func(io.Writer) error, stop func(), stderr *os.File) func() {
	if name == "" {
		return func() {}
	}
	f, err := os.Create(name)
	if err == nil {
		if err = start(f); err != nil {
			f.Close()
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "promote: %s: %v\n", what, err)
		return func() {}
	}
	return func() { stop(); f.Close() }
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
