package cli

import (
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/gitops-promote/promote/internal/testrepo"
)

// BenchmarkRunOneApp is `promote run --to prod --forge local --app X` as
// the binary runs it, opening the repository every time, in a monorepo of
// 100 and of 10,000 apps: the two should cost about the same. The branch
// the run creates is deleted between runs, outside the timing.
func BenchmarkRunOneApp(b *testing.B) {
	isolateGitEnv(b)
	for _, n := range []int{100, 10000} {
		b.Run(fmt.Sprintf("apps=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			files := testrepo.Files(testrepo.Options{Apps: n, Ahead: 1, Seed: 1, Plain: true})
			if _, err := testrepo.InitGit(dir, files); err != nil {
				b.Fatal(err)
			}
			app := testrepo.AppName(1)
			args := []string{"-C", dir, "run", "--to", "prod", "--forge", "local", "--app", app}
			b.ReportAllocs()
			var cpu time.Duration
			for b.Loop() {
				start := testrepo.CPUTime()
				var stderr strings.Builder
				f := &Factory{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &stderr, Getenv: func(string) string { return "" }}
				if code := Run(b.Context(), f, args); code != 0 {
					b.Fatalf("exit %d: %s", code, stderr.String())
				}
				cpu += testrepo.CPUTime() - start
				b.StopTimer()
				git(b, dir, "update-ref", "-d", "refs/heads/promote/"+app+"/staging-to-prod")
				b.StartTimer()
			}
			b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
		})
	}
}
