package github_test

import (
	"fmt"
	"testing"

	"github.com/gitops-promote/promote/internal/forge"
	"github.com/gitops-promote/promote/internal/forge/forgetest"
)

// BenchmarkProposeRoundTrip measures one promote run against the
// loopback git server and the fake GitHub (OpenAPI checks included):
// fetch the base, plan, commit, push, update the pull request. Each
// iteration promotes a newer staging tag, so each one pushes and edits.
func BenchmarkProposeRoundTrip(b *testing.B) {
	e := newEnv(b)
	e.mustRun()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		e.git.Commit(b, repoPath, "main", "staging bump", forgetest.Staging(fmt.Sprintf("1.5.%d", i), "2.0.1"))
		b.StartTimer()
		if res := e.mustRun(); res.Action != forge.Updated {
			b.Fatalf("run %d: %+v", i, res.Result)
		}
	}
}
